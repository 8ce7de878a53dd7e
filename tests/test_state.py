"""motcrawl.state: incremental decisions, changes since the previous run, the state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcrawl.state import (
    CHANGED,
    DRAFT_GONE,
    FULL,
    NEW,
    UNCHANGED,
    ModelRecord,
    StateStore,
    changes_markdown,
    changes_since,
    decide,
    draft_revision,
    revision_differs,
)
from motcrawl.yamlfile import render_draft


@pytest.mark.parametrize(
    ("old_sha", "old_mod", "sha", "mod", "differs"),
    [
        ("a" * 40, None, "a" * 40, None, False),
        ("a" * 40, None, "b" * 40, None, True),
        ("a" * 40, "2024-01-01", "a" * 40, "2025-01-01", False),  # sha wins over the date
        (None, "2024-01-01", None, "2024-01-01", False),
        (None, "2024-01-01", None, "2025-01-01", True),
        ("a" * 40, "2024-01-01", None, "2025-01-01", True),  # one side without sha: the date
        (None, None, "b" * 40, "2025-01-01", False),  # nothing to compare: unchanged
    ],
)
def test_revision_differs(old_sha, old_mod, sha, mod, differs):
    assert revision_differs(old_sha, old_mod, sha, mod) is differs


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "kept.yml").write_text("x")
    return folder


@pytest.mark.parametrize(
    ("record", "sha", "full", "reason"),
    [
        (None, "s1", False, NEW),
        ({"sha": "s1"}, "s1", False, NEW),  # only drafted elsewhere / never diffed
        ({"sha": "s1", "status": "known"}, "s1", False, NEW),  # left the MOT catalog
        ({"sha": "s1", "status": "missing"}, "s1", False, UNCHANGED),  # seen, beyond max_drafts
        ({"sha": "s1", "status": "missing"}, "s2", False, CHANGED),
        ({"sha": "s1", "status": "missing"}, "s1", True, FULL),
        ({"draft": "{d}/kept.yml", "drafted_sha": "s1"}, "s1", False, UNCHANGED),
        ({"draft": "{d}/kept.yml", "drafted_sha": "s1"}, "s2", False, CHANGED),
        ({"draft": "{d}/kept.yml", "drafted_sha": "s1"}, "s1", True, FULL),
        ({"draft": "{d}/gone.yml", "drafted_sha": "s1"}, "s1", False, DRAFT_GONE),
        ({"draft": "/elsewhere/kept.yml", "drafted_sha": "s1"}, "s1", False, NEW),
        ({"draft": "/elsewhere/kept.yml", "sha": "s1", "status": "missing"}, "s1", False,
         UNCHANGED),
        ({"draft": "{d}/kept.yml", "drafted_sha": None}, "s1", False, UNCHANGED),
    ],
)
def test_decide(drafts, record, sha, full, reason):
    rec = None
    if record is not None:
        rec = ModelRecord.from_dict({k: (v.format(d=drafts) if isinstance(v, str) else v)
                                     for k, v in record.items()})
    assert decide(rec, sha, None, drafts, full=full) == reason


def _rec(status, sha="s1"):
    return ModelRecord(status=status, sha=sha)


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (None, _rec("missing"), ("new_missing",)),
        (_rec("known"), _rec("missing"), ("new_missing",)),
        (_rec("missing"), _rec("missing"), ()),
        (_rec("missing", "s1"), _rec("missing", "s2"), ("changed",)),
        (_rec("missing"), _rec("known"), ("became_known",)),
        (_rec("known"), _rec("known", "s2"), ()),
        (None, _rec("known"), ()),
        (None, ModelRecord(status=None), ()),  # a model-spider item: no catalog status
    ],
)
def test_changes_since(before, now, expected):
    changes = changes_since({"o/m": before}, {"o/m": now}, {"id": "r0"})
    got = tuple(k for k, v in changes.counts().items() if v)
    assert got == expected


def test_changes_markdown_lists_each_kind():
    changes = changes_since(
        {"o/a": None, "o/b": _rec("missing", "1" * 40), "o/c": _rec("missing")},
        {"o/a": _rec("missing"), "o/b": _rec("missing", "2" * 40), "o/c": _rec("known")},
        {"id": "r0", "finished": "2026-11-20T06:00:00+00:00", "spider": "missing"})
    text = "\n".join(changes_markdown(changes))
    assert "## Changes since the previous run" in text
    assert "Previous run: 2026-11-20T06:00:00+00:00" in text
    assert "| newly missing | 1 |" in text and "- `o/a`" in text
    assert "- `o/b`: 11111111 -> 22222222" in text
    assert "### Now in the MOT catalog" in text and "- `o/c`" in text


def test_changes_markdown_first_run():
    text = "\n".join(changes_markdown(changes_since({}, {"o/a": _rec("missing")}, None)))
    assert "First run" in text


def test_store_round_trip_and_baseline(tmp_path):
    path = tmp_path / "state" / "motcrawl-state.json"
    first = StateStore(path, "run1").load()
    first.start_run({"started": "t0"})
    first.observe("o/a", sha="s1", last_modified="d1", status="missing")
    first.drafted("o/a", tmp_path / "a.yml", "s1", "d1")
    first.finish_run({"finished": "t1"})
    first.save()
    data = json.loads(path.read_text())
    assert data["models"]["o/a"]["drafted_sha"] == "s1"

    second = StateStore(path, "run2").load()
    second.start_run({"started": "t2"})
    assert second.previous_run["id"] == "run1"
    second.observe("o/a", sha="s2", last_modified="d2", status="missing")
    # The baseline stays what run2 found, even after run2 touched the record.
    assert second.baseline("o/a").sha == "s1"
    second.save()
    # Interrupted and resumed (same run id, e.g. JOBDIR): same baseline, same previous run.
    resumed = StateStore(path, "run2").load()
    resumed.start_run({"started": "t3"})
    assert resumed.baseline("o/a").sha == "s1"
    assert resumed.records["o/a"].sha == "s2"
    assert resumed.previous_run["id"] == "run1"


def test_two_writers_merge_instead_of_clobbering(tmp_path):
    path = tmp_path / "motcrawl-state.json"
    node_a = StateStore(path, "crawl").load()
    node_b = StateStore(path, "crawl").load()
    node_a.observe("o/a", sha="1", last_modified=None, status="missing")
    node_b.observe("o/b", sha="2", last_modified=None, status="missing")
    node_a.save()
    node_b.save()
    models = json.loads(path.read_text())["models"]
    assert set(models) == {"o/a", "o/b"}


def test_runs_are_kept_per_spider(tmp_path):
    path = tmp_path / "motcrawl-state.json"
    missing = StateStore(path, "m1", spider="missing").load()
    missing.start_run({})
    missing.finish_run({"finished": "t1"})
    missing.save()
    model = StateStore(path, "x1", spider="model").load()
    model.start_run({})
    model.finish_run({"finished": "t2"})
    model.save()
    again = StateStore(path, "m2", spider="missing").load()
    again.start_run({})
    assert again.previous_run["id"] == "m1"


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "models": {}}', "[]"])
def test_unreadable_state_is_moved_aside(tmp_path, content):
    path = tmp_path / "motcrawl-state.json"
    path.write_text(content)
    store = StateStore(path, "r").load()
    assert store.records == {} and "starting afresh" in store.warning
    assert (tmp_path / "motcrawl-state.json.corrupt").read_text() == content


def test_draft_revision_reads_the_header(tmp_path):
    path = tmp_path / "d.yml"
    path.write_text(render_draft({"release": {"name": "m"}}, [
        "source: https://huggingface.co/o/m", "model-id: o/m", "hf-sha: " + "c" * 40,
        "hf-last-modified: 2025-01-02T03:04:05.000Z", "crawled: 2026-11-27"]))
    assert draft_revision(path) == ("c" * 40, "2025-01-02T03:04:05.000Z")
    unknown = tmp_path / "u.yml"
    unknown.write_text(render_draft({}, ["source: x", "hf-sha: unknown"]))
    assert draft_revision(unknown) == (None, None)
    foreign = tmp_path / "f.yml"
    foreign.write_text("# hf-sha: abc\nrelease: {}\n")
    assert draft_revision(foreign) == (None, None)
