"""Incremental runs, the Scrapy side: a thin extension over motcrawl.outputs.state.

On ``spider_opened`` it opens the state file and hands the spider a
``RunState`` (``spider.runstate``) that answers "draft this model?" before any
per-model request is made (one indexed lookup in the file per model). On
every scraped item it records what was seen and drafted; the records touched
since the last save are written in one transaction every few seconds (sooner
once motcrawl.outputs.state.MAX_PENDING are buffered) and when the spider closes, so
an interrupted run loses at most a few seconds of records (and the no-clobber
draft store keeps the drafts themselves). The changes since the previous run
are read back from the file with a cursor at the end: memory does not grow
with the number of listed models.

Settings:
- ``MOTCRAWL_INCREMENTAL`` (default True): False switches the extension off.
- ``MOTCRAWL_STATE_DIR``: folder of ``motcrawl-state.sqlite3``; the spider
  argument ``state_dir`` overrides it. Default: Scrapy's project data folder,
  ``.scrapy/motcrawl-state/<drafts folder>-<hash>.sqlite3``, one file per drafts
  folder (never inside it: the drafts folder is what goes into a MOT pull request).
- ``MOTCRAWL_CRAWL_ID``: the run id shared by the nodes of a distributed crawl
  (else the JOBDIR-persisted id, else scrapyd's job id, else a new one).
- ``MOTCRAWL_STATE_SAVE_INTERVAL`` (seconds, default 5).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from motcrawl import settings as defaults
from motcrawl.components.spider_api import spider_output_dir, spider_state_dir
from motcrawl.outputs.paths import OUTPUT_BASE_ARG, state_file_for
from motcrawl.outputs.state import (
    STATE_FILE,
    Changes,
    ModelRecord,
    StateStore,
    decide,
    draft_revision,
    now_iso,
)

logger = logging.getLogger(__name__)

class RunState:
    """What a spider asks during the crawl, and what the report asks at the end."""

    def __init__(self, store: StateStore, output_dir: Path, *, full: bool,
                 stats: StatsCollector) -> None:
        self.store = store
        self.output_dir = output_dir
        self.full = full
        self.stats = stats
        self.final: Changes | None = None  # fixed when the spider closes
        self._last: tuple[str, ModelRecord | None] | None = None  # decide() then draft_of()

    def record(self, model_id: str) -> ModelRecord | None:
        """The model's record; a state file that cannot be read counts as "not recorded"."""
        if self._last is not None and self._last[0] == model_id:
            return self._last[1]
        try:
            record = self.store.get(model_id)
        except OSError as exc:
            self.stats.inc_value("motcrawl/incremental/read_failed")
            logger.error("incremental state %s unreadable (%s): %s counts as new",
                         self.store.path, exc, model_id)
            record = None
        self._last = (model_id, record)
        return record

    def decide(self, model_id: str, info: Mapping[str, Any] | None) -> str:
        """One of motcrawl.outputs.state.REASONS; ``unchanged``: do not draft, fetch nothing."""
        info = info or {}
        reason = decide(self.record(model_id), info.get("sha"),
                        info.get("lastModified"), self.output_dir, full=self.full)
        self.stats.inc_value(f"motcrawl/incremental/{reason}")
        return reason

    def draft_of(self, model_id: str) -> str | None:
        record = self.record(model_id)
        return record.draft if record else None

    def forget(self, model_id: str) -> None:
        """The record is about to change: the next lookup reads it again."""
        if self._last is not None and self._last[0] == model_id:
            self._last = None

    def changes(self) -> Changes:
        """Every model this run touched (all nodes of a shared crawl) against its baseline."""
        if self.final is not None:
            return self.final
        try:
            return self.store.changes()
        except OSError as exc:
            logger.error("incremental state %s unreadable (%s): changes since the previous "
                         "run not computed", self.store.path, exc)
            return Changes(self.store.previous_run)


def run_id_for(spider: Spider, crawl_id: str | None) -> str:
    """The same id for every node of one crawl and across a JOBDIR resume."""
    if crawl_id:
        return crawl_id
    persisted = getattr(spider, "state", None)  # set by Scrapy's SpiderState when JOBDIR is
    if isinstance(persisted, dict):
        return persisted.setdefault("motcrawl_run", _new_id())
    job = getattr(spider, "_job", None)
    return str(job) if job else _new_id()


def _new_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"


class IncrementalRuns:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("MOTCRAWL_INCREMENTAL", defaults.MOTCRAWL_INCREMENTAL):
            raise NotConfigured("MOTCRAWL_INCREMENTAL is off")
        self.crawler = crawler
        self.state_dir = settings.get("MOTCRAWL_STATE_DIR") or None
        self.crawl_id = (settings.get("MOTCRAWL_CRAWL_ID") or "").strip() or None
        self.interval = settings.getfloat("MOTCRAWL_STATE_SAVE_INTERVAL",
                                          defaults.MOTCRAWL_STATE_SAVE_INTERVAL)
        self.runstate: RunState | None = None
        self._saved = time.monotonic()
        self._save_failed = False  # then wait for the interval, not for MAX_PENDING
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalRuns:
        return cls(crawler)

    def state_path(self, spider: Spider, output_dir: Path) -> Path:
        given = spider_state_dir(spider) or self.state_dir
        kwargs = {OUTPUT_BASE_ARG: getattr(spider, OUTPUT_BASE_ARG, None),
                  "_job": getattr(spider, "_job", None)}
        return state_file_for(output_dir, given, kwargs, STATE_FILE, spider=spider.name)

    def spider_opened(self, spider: Spider) -> None:
        output_dir = spider_output_dir(spider)
        if output_dir is None:
            return
        path = self.state_path(spider, Path(output_dir))
        store = StateStore(path, run_id_for(spider, self.crawl_id), spider=spider.name)
        try:
            store.load()
        except OSError as exc:
            logger.error("incremental state %s unusable (%s): drafting as a first run",
                         path, exc.strerror or exc)
            store = StateStore(path, store.run_id, spider=spider.name)
        if store.warning:
            logger.warning("%s", store.warning)
        store.start_run({"started": now_iso(), "job": getattr(spider, "_job", None)})
        full = bool(getattr(spider.args, "full", False))  # only the missing spider has it
        self.runstate = RunState(store, Path(output_dir), full=full, stats=self.crawler.stats)
        spider.runstate = self.runstate  # declared by motcrawl.spiders.base.DraftSpider
        previous = store.previous_run
        try:
            recorded = store.model_count()
        except OSError:
            recorded = 0
        logger.info("incremental state %s: %d models recorded, run %s, previous run %s%s",
                    path, recorded, store.run_id,
                    (previous or {}).get("finished", "none"),
                    " (full: redraft all)" if full else "")

    def item_scraped(self, item: Any) -> None:
        runstate = self.runstate
        if runstate is None:
            return
        adapter = ItemAdapter(item)
        model_id = adapter.get("model_id")
        if not model_id:
            return
        info = adapter.get("info") or {}
        sha, modified = info.get("sha"), info.get("lastModified")
        runstate.forget(model_id)
        store = runstate.store
        status, path = adapter.get("draft_status"), adapter.get("draft_path")
        try:
            store.observe(model_id, sha=sha, last_modified=modified, status=adapter.get("status"))
            failure = adapter.get("failure")
            if failure and adapter.get("draft_requested"):
                store.failed_draft(model_id, f"{failure.get('stage')}: {failure.get('reason')}")
            if path and status in ("written", "overwritten"):
                store.drafted(model_id, Path(path), sha, modified)
            elif path and status == "exists":
                # An earlier draft was kept: record the revision it was drafted from, so a
                # changed model is redrafted next time.
                store.drafted(model_id, Path(path), *draft_revision(Path(path)))
        except OSError as exc:
            self.crawler.stats.inc_value("motcrawl/incremental/read_failed")
            logger.error("incremental state %s unreadable (%s): %s not recorded",
                         store.path, exc, model_id)
        if time.monotonic() - self._saved >= self.interval \
                or (store.save_due() and not self._save_failed):
            self._save()

    def _save(self) -> None:
        assert self.runstate is not None
        self._save_failed = True
        try:
            self.runstate.store.save()
            self._save_failed = False
        except OSError as exc:
            logger.error("incremental state %s not saved: %s", self.runstate.store.path,
                         exc.strerror or exc)
        self._saved = time.monotonic()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        runstate = self.runstate
        if runstate is None:
            return
        if reason == "finished":
            runstate.store.finish_run({"finished": now_iso(), "reason": reason})
        self._save()
        changes = runstate.final = runstate.changes()
        runstate.store.close()
        for key, value in changes.counts().items():
            self.crawler.stats.set_value(f"motcrawl/changes/{key}", value)
        if changes.models:
            counts = changes.counts()
            logger.info("since the previous run: %d newly missing, %d changed, "
                        "%d now in the MOT catalog%s", counts["new_missing"], counts["changed"],
                        counts["became_known"], " (first run)" if changes.first_run else "")
