"""Spider arguments (motcrawl.args): validated up front, one-line errors."""

import json
from pathlib import Path

import pytest

from motcrawl.args import (
    ArgumentError,
    parse_bool,
    parse_count,
    parse_model_args,
    parse_model_ids,
    read_ids_file,
)


def test_ids_from_commas_urls_and_file(tmp_path: Path) -> None:
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("# a comment\nEleutherAI/pythia-160m  # inline\n\nallenai/OLMo-7B-hf\n")
    ids = parse_model_ids("https://huggingface.co/a/b/tree/main, c/d", str(ids_file))
    assert ids == ["a/b", "c/d", "EleutherAI/pythia-160m", "allenai/OLMo-7B-hf"]


def test_failures_file_is_an_ids_file(tmp_path: Path) -> None:
    failures = tmp_path / "failures.jsonl"
    failures.write_text(json.dumps({"model_id": "a/b", "stage": "info", "reason": "x"}) + "\n")
    assert read_ids_file(str(failures)) == ["a/b"]


@pytest.mark.parametrize(("model_id", "message"), [
    (None, "give -a model_id"),
    ("not a valid id!", "malformed model id"),
    ("https://huggingface.co/datasets/a/b", "not a model URL"),
])
def test_bad_ids(model_id, message) -> None:
    with pytest.raises(ArgumentError, match=message) as exc:
        parse_model_ids(model_id, None)
    assert "\n" not in str(exc.value)


def test_missing_ids_file() -> None:
    with pytest.raises(ArgumentError, match="ids_file not found"):
        parse_model_ids(None, "/nonexistent/ids.txt")


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("no", False),
                                                 (None, False)])
def test_parse_bool(value, expected) -> None:
    assert parse_bool("overwrite", value) is expected


def test_parse_bool_rejects_junk() -> None:
    with pytest.raises(ArgumentError, match="overwrite must be true or false"):
        parse_bool("overwrite", "maybe")


@pytest.mark.parametrize(("value", "message"), [("-1", "must not be negative"),
                                                ("lots", "must be a whole number")])
def test_parse_count_rejects(value, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        parse_count("min_downloads", value, 0)


def test_model_args_defaults_and_unknown_keys(tmp_path: Path) -> None:
    args = parse_model_args({"model_id": "a/b", "output_dir": str(tmp_path / "out"),
                             "_job": "scrapyd-job-id"})
    assert args.output_dir == (tmp_path / "out").resolve() and args.output_dir.is_dir()
    assert args.failures == args.output_dir / "failures.jsonl"
    assert args.overwrite is False


def test_output_dir_under_a_file_is_rejected(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ArgumentError, match="cannot be created"):
        parse_model_args({"model_id": "a/b", "output_dir": str(blocker / "drafts")})
