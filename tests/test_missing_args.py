"""parse_missing_args: every bad value is one ArgumentError line; unknown keys are ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcrawl.args import ArgumentError, parse_missing_args


@pytest.fixture(autouse=True)
def _no_env_catalog(monkeypatch, tmp_path):
    monkeypatch.delenv("MOT_MODELS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no ../models next to it unless a test makes one


def test_defaults(tmp_path: Path):
    args = parse_missing_args({"_job": "abc", "output_dir": str(tmp_path / "d")})
    assert (args.min_downloads, args.limit, args.model_type, args.max_drafts) == (
        10_000, None, None, 20)
    assert args.models_dir is None and args.report is None and not args.overwrite
    assert args.failures == tmp_path / "d" / "failures.jsonl"


def test_values(tmp_path: Path):
    (tmp_path / "models").mkdir()
    args = parse_missing_args({"min_downloads": "50_000", "limit": "1000", "max_drafts": "0",
                               "model_type": "text-generation", "models_dir": "models",
                               "report": "missing.md", "output_dir": "drafts",
                               "overwrite": "yes"})
    assert (args.min_downloads, args.limit, args.max_drafts) == (50_000, 1000, 0)
    assert args.model_type == "text-generation" and args.overwrite
    assert args.models_dir == tmp_path / "models"
    assert args.report == tmp_path / "missing.md"


def test_catalog_fallbacks(tmp_path: Path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert parse_missing_args({}).models_dir is None          # -> MOT's API
    (tmp_path / "models").mkdir()
    assert parse_missing_args({}).models_dir == tmp_path / "models"   # ../models
    other = tmp_path / "mot-models"
    other.mkdir()
    monkeypatch.setenv("MOT_MODELS_DIR", str(other))
    assert parse_missing_args({}).models_dir == other
    monkeypatch.setenv("MOT_MODELS_DIR", str(tmp_path / "nope"))
    with pytest.raises(ArgumentError, match="MOT_MODELS_DIR .* does not exist"):
        parse_missing_args({})


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"min_downloads": "-1"}, "min_downloads must not be negative"),
    ({"min_downloads": "lots"}, "min_downloads must be a whole number"),
    ({"limit": "-5"}, "limit must not be negative"),
    ({"limit": "1e3"}, "limit must be a whole number"),
    ({"limit": "0"}, "limit must be at least 1"),
    ({"max_drafts": "x"}, "max_drafts must be a whole number"),
    ({"model_type": "llm"}, "model_type 'llm' is not a Hub task"),
    ({"overwrite": "maybe"}, "overwrite must be true or false"),
    ({"models_dir": "does-not-exist"}, "models_dir .* does not exist"),
    ({"models_dir": "file.txt"}, "models_dir .* is not a folder"),
    ({"report": "."}, "report .* is a folder"),
    ({"report": "no/such/dir/missing.md"}, "report folder .* does not exist"),
])
def test_errors(tmp_path: Path, kwargs, message):
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ArgumentError, match=message) as info:
        parse_missing_args(kwargs)
    assert "\n" not in str(info.value)
