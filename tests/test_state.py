"""motcrawl.outputs.state: incremental decisions, changes since the previous run, the state file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from motcrawl.outputs import state
from motcrawl.outputs.state import (
    CHANGED,
    DRAFT_GONE,
    FULL,
    NEW,
    STATE_FILE,
    UNCHANGED,
    ModelRecord,
    StateIOError,
    StateStore,
    changes_markdown,
    changes_since,
    decide,
    draft_revision,
    revision_differs,
)
from motcrawl.outputs.yamlfile import render_draft


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
    changes = changes_since([("o/m", before, now)], {"id": "r0"})
    got = tuple(k for k, v in changes.counts().items() if v)
    assert got == expected
    assert changes.models == 1


def test_changes_markdown_lists_each_kind():
    changes = changes_since(
        [("o/a", None, _rec("missing")),
         ("o/b", _rec("missing", "1" * 40), _rec("missing", "2" * 40)),
         ("o/c", _rec("missing"), _rec("known"))],
        {"id": "r0", "finished": "2026-11-20T06:00:00+00:00", "spider": "missing"})
    text = "\n".join(changes_markdown(changes))
    assert "## Changes since the previous run" in text
    assert "Previous run: 2026-11-20T06:00:00+00:00" in text
    assert "| newly missing | 1 |" in text and "- `o/a`" in text
    assert "- `o/b`: 11111111 -> 22222222" in text
    assert "### Now in the MOT catalog" in text and "- `o/c`" in text
    assert "more" not in text


def test_changes_markdown_first_run():
    text = "\n".join(changes_markdown(changes_since([("o/a", None, _rec("missing"))], None)))
    assert "First run" in text


def test_changes_keep_a_few_ids_but_exact_counts():
    compared = [(f"o/m{n:03d}", None, _rec("missing")) for n in range(120)]
    compared += [(f"o/k{n:03d}", _rec("missing"), _rec("known")) for n in range(3)]
    previous = {"id": "r0", "finished": "t0", "spider": "missing"}
    capped = changes_since(iter(compared), previous, limit=50)
    full = changes_since(compared, previous)
    assert capped.counts() == full.counts() == {"new_missing": 120, "changed": 0,
                                                 "became_known": 3}
    assert len(capped.new_missing) == 50 and capped.new_missing == full.new_missing[:50]
    assert capped.became_known == full.became_known
    text = changes_markdown(capped)
    assert text == changes_markdown(full)  # the report does not change
    assert "- ... and 70 more" in text and "- `o/m049`" in text and "- `o/m050`" not in text


def _saved(path: Path) -> dict[str, dict]:
    """The models table as the file holds it (read by the test, not by the store)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return {row["model_id"]: dict(row) for row in db.execute("SELECT * FROM models")}
    finally:
        db.close()


def test_store_round_trip_and_baseline(tmp_path):
    path = tmp_path / "state" / STATE_FILE
    first = StateStore(path, "run1").load()
    first.start_run({"started": "t0"})
    first.observe("o/a", sha="s1", last_modified="d1", status="missing")
    first.drafted("o/a", tmp_path / "a.yml", "s1", "d1")
    first.finish_run({"finished": "t1"})
    first.save()
    assert first.pending == {}  # saved records are read back from the file, not kept
    assert _saved(path)["o/a"]["drafted_sha"] == "s1"
    first.close()

    second = StateStore(path, "run2").load()
    second.start_run({"started": "t2"})
    assert second.previous_run["id"] == "run1"
    second.observe("o/a", sha="s2", last_modified="d2", status="missing")
    # The baseline stays what run2 found, even after run2 touched the record.
    assert second.baseline("o/a").sha == "s1"
    second.save()
    assert second.baseline("o/a").sha == "s1"  # read back from the file
    assert json.loads(_saved(path)["o/a"]["previous"])["sha"] == "s1"
    second.close()
    # Interrupted and resumed (same run id, e.g. JOBDIR): same baseline, same previous run.
    resumed = StateStore(path, "run2").load()
    resumed.start_run({"started": "t3"})
    assert resumed.baseline("o/a").sha == "s1"
    assert resumed.get("o/a").sha == "s2"
    assert resumed.previous_run["id"] == "run1"
    resumed.observe("o/a", sha="s3", last_modified="d3", status="missing")
    resumed.save()
    assert json.loads(_saved(path)["o/a"]["previous"])["sha"] == "s1"


def test_two_writers_merge_instead_of_clobbering(tmp_path):
    path = tmp_path / STATE_FILE
    node_a = StateStore(path, "crawl").load()
    node_b = StateStore(path, "crawl").load()
    node_a.observe("o/a", sha="1", last_modified=None, status="missing")
    node_b.observe("o/b", sha="2", last_modified=None, status="missing")
    node_a.save()
    node_b.save()
    assert set(_saved(path)) == {"o/a", "o/b"}
    # Each node reads the other's records from the file, not from a copy made at load.
    assert node_b.get("o/a").sha == "1" and node_a.get("o/b").sha == "2"
    assert node_a.model_count() == 2


def test_changes_cover_every_node_of_the_run(tmp_path):
    path = tmp_path / STATE_FILE
    before = StateStore(path, "r1").load()
    before.start_run({})
    for model_id, status in [("o/gone", "missing"), ("o/kept", "missing"),
                             ("o/rev", "missing"), ("o/old", "known"), ("o/untouched", "missing")]:
        before.observe(model_id, sha="s1", last_modified=None, status=status)
    before.finish_run({"finished": "t1"})
    before.save()
    node_a = StateStore(path, "r2").load()
    node_b = StateStore(path, "r2").load()
    node_a.start_run({})
    node_b.start_run({})
    node_a.observe("o/gone", sha="s1", last_modified=None, status="known")
    node_a.observe("o/new2", sha="s1", last_modified=None, status="missing")
    node_a.save()
    node_b.observe("o/kept", sha="s1", last_modified=None, status="missing")
    node_b.observe("o/rev", sha="s2", last_modified=None, status="missing")
    node_b.save()
    node_b.observe("o/new1", sha="s1", last_modified=None, status="missing")  # still pending
    node_b.observe("o/old", sha="s1", last_modified=None, status="missing")
    changes = node_b.changes()
    assert changes.previous_run["id"] == "r1"
    assert changes.models == 6  # o/untouched was not seen by this run
    assert changes.new_missing == ["o/new1", "o/new2", "o/old"]  # in id order
    assert changes.changed == [("o/rev", "s1", "s2")]
    assert changes.became_known == ["o/gone"]
    capped = node_b.changes(limit=1)
    assert capped.counts() == changes.counts() and capped.new_missing == ["o/new1"]
    # node_a reads what node_b saved, not what node_b still buffers.
    assert node_a.changes().counts() == {"new_missing": 1, "changed": 1, "became_known": 1}
    node_b.save()
    assert node_a.changes().counts() == changes.counts()


def test_changes_walk_the_file_in_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(state, "_PAGE", 3)
    path = tmp_path / STATE_FILE
    store = StateStore(path, "r1").load()
    ids = [f"o/m{n:02d}" for n in range(10)]
    for model_id in ids[::2]:
        store.observe(model_id, sha="s", last_modified=None, status="missing")
    store.save()
    for model_id in ids[1::2]:
        store.observe(model_id, sha="s", last_modified=None, status="missing")
    store.observe(ids[4], sha="s", last_modified=None, status="known")  # pending wins
    assert [m for m, _ in store.touched()] == ids
    assert store.changes(limit=None).new_missing == [m for m in ids if m != ids[4]]


def test_runs_are_kept_per_spider(tmp_path):
    path = tmp_path / STATE_FILE
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


def test_nodes_of_one_run_share_its_summary(tmp_path):
    path = tmp_path / STATE_FILE
    first = StateStore(path, "r1").load()
    first.start_run({"started": "t0"})
    first.finish_run({"finished": "t1"})
    first.save()
    node_a = StateStore(path, "r2").load()
    node_b = StateStore(path, "r2").load()
    node_a.start_run({"started": "a"})
    node_b.start_run({"started": "b"})
    node_a.finish_run({"finished": "ta"})
    node_a.save()
    node_b.save()  # b's start does not undo a's finish
    later = StateStore(path, "r3").load()
    later.start_run({})
    assert later.previous_run["id"] == "r2" and later.previous_run["finished"] == "ta"
    assert node_b.previous_run["id"] == "r1"


def _sqlite_file(path: Path, statements: list[str]) -> bytes:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["text", "other-db", "other-version"])
def test_unreadable_state_is_moved_aside(tmp_path, kind):
    path = tmp_path / STATE_FILE
    if kind == "text":
        path.write_text("{not json")
    elif kind == "other-db":
        _sqlite_file(path, ["CREATE TABLE t (x)"])
    else:
        _sqlite_file(path, ["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
                            "CREATE TABLE models (model_id TEXT)", "CREATE TABLE runs (x)",
                            "INSERT INTO meta VALUES ('version', '99')"])
    content = path.read_bytes()
    store = StateStore(path, "r").load()
    assert "starting afresh" in store.warning
    assert (tmp_path / f"{STATE_FILE}.corrupt").read_bytes() == content
    assert store.model_count() == 0 and store.previous_run is None
    store.observe("o/a", sha="1", last_modified=None, status="missing")
    store.save()
    assert set(_saved(path)) == {"o/a"}


def test_save_error_keeps_the_records_for_the_next_save(tmp_path, monkeypatch):
    monkeypatch.setattr(state, "BUSY_TIMEOUT", 0.05)
    path = tmp_path / STATE_FILE
    store = StateStore(path, "r").load()
    store.observe("o/a", sha="1", last_modified=None, status="missing")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    with pytest.raises(StateIOError, match="locked"):
        store.save()
    other.execute("ROLLBACK")
    other.close()
    assert "o/a" in store.pending
    store.save()
    assert set(_saved(path)) == {"o/a"} and store.pending == {}


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
