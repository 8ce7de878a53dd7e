"""motcrawl.outputs.paths: where relative output paths land (never scrapyd's working directory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcrawl.args import parse_model_args
from motcrawl.outputs.paths import (
    OUTPUT_BASE_ARG,
    START_TIME_ARG,
    default_feed_uri,
    feed_time,
    inject,
    output_base,
    resolve,
)


@pytest.mark.parametrize(
    ("setting", "kwargs", "env", "expected"),
    [
        ("/srv/motcrawl", {}, {}, "/srv/motcrawl"),
        ("/srv/motcrawl", {"_job": "j1"}, {}, "/srv/motcrawl"),
        (None, {"_job": "j1"}, {"XDG_DATA_HOME": "/data"}, "/data/motcrawl"),
        ("", {"_job": "j1"}, {"XDG_DATA_HOME": "/data"}, "/data/motcrawl"),
        (None, {}, {"XDG_DATA_HOME": "/data"}, "{cwd}"),
    ],
)
def test_output_base(setting, kwargs, env, expected):
    assert output_base(setting, kwargs, env) == Path(expected.format(cwd=Path.cwd()))


def test_scrapyd_default_without_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert output_base(None, {"_job": "j"}, {}) == tmp_path / ".local/share/motcrawl"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("drafts", "/base/drafts"),
        ("reports/%(name)s-%(time)s.md", "/base/reports/missing-2026-11-27T06-00-00.md"),
        ("/abs/x.md", "/abs/x.md"),
        ("a/../b", "/base/b"),
    ],
)
def test_resolve(value, expected):
    assert resolve(value, Path("/base"), name="missing", time="2026-11-27T06-00-00") \
        == Path(expected)


def test_feed_time_has_no_colons():
    assert ":" not in feed_time()


def test_inject_keeps_given_values():
    kwargs = {OUTPUT_BASE_ARG: "/given", START_TIME_ARG: "t"}
    assert inject(dict(kwargs), "/other") == kwargs


def test_model_args_resolve_under_the_base(tmp_path):
    args = parse_model_args({"model_id": "o/m", OUTPUT_BASE_ARG: str(tmp_path),
                             "failures": "fail-%(name)s.jsonl"})
    assert args.output_dir == tmp_path / "drafts" and args.output_dir.is_dir()
    assert args.failures == tmp_path / "fail-model.jsonl"


def test_default_feed_uri():
    assert default_feed_uri(Path("/srv/m")) == "file:///srv/m/items/%(name)s/%(time)s.jsonl"
