"""motcrawl.components.incremental: the extension's handlers, driven by hand (no crawl)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from motcrawl.components.incremental import IncrementalRuns
from motcrawl.outputs import state
from motcrawl.outputs.state import CHANGED, NEW, STATE_FILE, UNCHANGED


@pytest.fixture(autouse=True)
def _project_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy's project data folder (.scrapy/) follows the working directory."""
    monkeypatch.chdir(tmp_path)


def state_of(tmp_path: Path) -> Path:
    """The default state file of tmp_path/drafts: in .scrapy/, never in the drafts folder."""
    drafts = (tmp_path / "drafts").resolve()
    digest = hashlib.sha1(str(drafts).encode()).hexdigest()[:10]
    return tmp_path / ".scrapy" / "motcrawl-state" / f"drafts-{digest}.sqlite3"


def _run(tmp_path: Path, crawl_id: str, **settings: Any) -> tuple[IncrementalRuns, Spider]:
    crawler = get_crawler(Spider, {"MOTCRAWL_CRAWL_ID": crawl_id, **settings})
    crawler.stats.open_spider()
    spider = Spider("missing")
    drafts = tmp_path / "drafts"
    drafts.mkdir(exist_ok=True)
    spider.args = SimpleNamespace(output_dir=drafts, full=False)
    ext = build_from_crawler(IncrementalRuns, crawler)
    ext.spider_opened(spider)
    return ext, spider


def _item(model_id: str, status: str, sha: str, draft: Path | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"model_id": model_id, "status": status,
                            "info": {"sha": sha, "lastModified": None}}
    if draft is not None:
        draft.write_text("x")
        item.update(draft_status="written", draft_path=str(draft))
    return item


def _count(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM models").fetchone()[0]
    finally:
        db.close()


def test_two_runs_report_what_changed(tmp_path):
    drafts = tmp_path / "drafts"
    ext, spider = _run(tmp_path, "r1")
    for item in [_item("o/a", "missing", "a1", drafts / "a.yml"), _item("o/b", "missing", "b1"),
                 _item("o/c", "missing", "c1"), _item("o/k", "known", "k1")]:
        ext.item_scraped(item)
    ext.spider_closed(spider, "finished")
    assert spider.runstate.final.first_run
    assert spider.runstate.final.counts()["new_missing"] == 3
    assert _count(state_of(tmp_path)) == 4
    assert sorted(p.name for p in drafts.iterdir()) == ["a.yml"]  # drafts only

    ext, spider = _run(tmp_path, "r2")
    runstate = spider.runstate
    assert runstate.decide("o/a", {"sha": "a1"}) == UNCHANGED
    assert runstate.draft_of("o/a") == str(drafts / "a.yml")
    assert runstate.decide("o/a", {"sha": "a2"}) == CHANGED
    assert runstate.decide("o/new", {"sha": "n1"}) == NEW
    for item in [_item("o/a", "missing", "a1"), _item("o/b", "missing", "b2"),
                 _item("o/c", "known", "c1"), _item("o/k", "missing", "k1"),
                 _item("o/new", "missing", "n1")]:
        ext.item_scraped(item)
    ext.spider_closed(spider, "finished")
    changes = runstate.final
    assert changes.previous_run["id"] == "r1"
    assert changes.new_missing == ["o/k", "o/new"]
    assert changes.changed == [("o/b", "b1", "b2")]
    assert changes.became_known == ["o/c"]
    stats = ext.crawler.stats.get_stats()
    assert stats["motcrawl/changes/new_missing"] == 2
    assert stats["motcrawl/changes/changed"] == 1
    assert stats["motcrawl/incremental/unchanged"] == 1
    assert runstate.changes() is changes  # the report reads the same figures


def test_records_are_saved_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(state, "MAX_PENDING", 3)
    ext, spider = _run(tmp_path, "r1", MOTCRAWL_STATE_SAVE_INTERVAL=3600)
    path = state_of(tmp_path)
    for n in range(2):
        ext.item_scraped(_item(f"o/m{n}", "missing", "s"))
    assert _count(path) == 0  # buffered, not one transaction per item
    ext.item_scraped(_item("o/m2", "missing", "s"))
    assert _count(path) == 3 and spider.runstate.store.pending == {}
    ext.item_scraped(_item("o/m3", "missing", "s"))
    ext.spider_closed(spider, "finished")
    assert _count(path) == 4


def test_a_save_that_fails_is_one_log_line(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(state, "BUSY_TIMEOUT", 0.05)
    ext, spider = _run(tmp_path, "r1")
    path = state_of(tmp_path)
    ext.item_scraped(_item("o/a", "missing", "s"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another node is writing: reads go on
    try:
        with caplog.at_level(logging.INFO, logger="motcrawl.components.incremental"):
            ext.spider_closed(spider, "finished")
    finally:
        other.execute("ROLLBACK")
        other.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        f"incremental state {path} not saved: database is locked"]
    assert not any(r.exc_info for r in caplog.records)
    # The changes still count the record that could not be saved.
    assert spider.runstate.final.new_missing == ["o/a"]


def test_a_corrupt_state_file_starts_afresh(tmp_path, caplog):
    path = state_of(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("not a database")
    with caplog.at_level(logging.WARNING, logger="motcrawl.components.incremental"):
        ext, spider = _run(tmp_path, "r1")
    assert any("starting afresh" in r.getMessage() for r in caplog.records)
    assert path.with_name(f"{path.name}.corrupt").read_text() == "not a database"
    ext.item_scraped(_item("o/a", "missing", "s"))
    ext.spider_closed(spider, "finished")
    assert spider.runstate.final.first_run and _count(path) == 1


@pytest.mark.parametrize("given", ["state", None])
def test_state_folder(tmp_path, given):
    settings = {"MOTCRAWL_STATE_DIR": str(tmp_path / given)} if given else {}
    ext, spider = _run(tmp_path, "r1", **settings)
    ext.spider_closed(spider, "finished")
    assert (tmp_path / given / STATE_FILE if given else state_of(tmp_path)).is_file()
    assert list((tmp_path / "drafts").iterdir()) == []
