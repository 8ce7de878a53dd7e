"""Incremental runs, the Scrapy side: a thin extension over motcrawl.state.

On ``spider_opened`` it loads the state file and hands the spider a
``RunState`` (``spider.runstate``) that answers "draft this model?" before any
per-model request is made. On every scraped item it records what was seen
and drafted; the file is saved every few seconds and when the spider closes,
so an interrupted run loses at most a few seconds of records (and the
no-clobber draft store keeps the drafts themselves).

Settings:
- ``MOTCRAWL_INCREMENTAL`` (default True): False switches the extension off.
- ``MOTCRAWL_STATE_DIR``: folder of ``motcrawl-state.json`` (default: the
  drafts folder, so the state always describes the drafts next to it);
  the spider argument ``state_dir`` overrides it.
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

from motcrawl.outputs import OUTPUT_BASE_ARG, resolve
from motcrawl.state import (
    STATE_FILE,
    UNCHANGED,
    Changes,
    ModelRecord,
    StateStore,
    changes_since,
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
        self.observed: dict[str, ModelRecord] = {}
        self.final: Changes | None = None  # fixed when the spider closes

    def decide(self, model_id: str, info: Mapping[str, Any] | None) -> str:
        """One of motcrawl.state.REASONS; ``unchanged`` means: do not draft, fetch nothing."""
        info = info or {}
        reason = decide(self.store.records.get(model_id), info.get("sha"),
                        info.get("lastModified"), self.output_dir, full=self.full)
        self.stats.inc_value(f"motcrawl/incremental/{reason}")
        return reason

    def should_draft(self, model_id: str, info: Mapping[str, Any] | None) -> bool:
        return self.decide(model_id, info) != UNCHANGED

    def draft_of(self, model_id: str) -> str | None:
        record = self.store.records.get(model_id)
        return record.draft if record else None

    def changes(self) -> Changes:
        if self.final is not None:
            return self.final
        baselines = {m: self.store.baseline(m) for m in self.observed}
        return changes_since(baselines, self.observed, self.store.previous_run)


def run_id_for(spider: Spider, crawl_id: str | None) -> str:
    """The same id for every node of one crawl and across a JOBDIR resume."""
    if crawl_id:
        return crawl_id
    persisted = getattr(spider, "state", None)  # set by Scrapy's SpiderState when JOBDIR is
    if isinstance(persisted, dict):
        return persisted.setdefault("motcrawl_run", _new_id(spider))
    job = getattr(spider, "_job", None)
    return str(job) if job else _new_id(spider)


def _new_id(spider: Spider) -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"


class IncrementalRuns:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("MOTCRAWL_INCREMENTAL", True):
            raise NotConfigured("MOTCRAWL_INCREMENTAL is off")
        self.crawler = crawler
        self.state_dir = settings.get("MOTCRAWL_STATE_DIR") or None
        self.crawl_id = (settings.get("MOTCRAWL_CRAWL_ID") or "").strip() or None
        self.interval = settings.getfloat("MOTCRAWL_STATE_SAVE_INTERVAL", 5.0)
        self.runstate: RunState | None = None
        self._saved = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalRuns:
        return cls(crawler)

    def state_path(self, spider: Spider, output_dir: Path) -> Path:
        given = getattr(spider, "state_dir", None) or self.state_dir
        if not given:
            return output_dir / STATE_FILE
        return resolve(given, getattr(spider, OUTPUT_BASE_ARG, None), name=spider.name) \
            / STATE_FILE

    def spider_opened(self, spider: Spider) -> None:
        args = getattr(spider, "args", None)
        output_dir = getattr(args, "output_dir", None)
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
        full = bool(getattr(args, "full", False))
        self.runstate = RunState(store, Path(output_dir), full=full, stats=self.crawler.stats)
        spider.runstate = self.runstate  # type: ignore[attr-defined]
        previous = store.previous_run
        logger.info("incremental state %s: %d models recorded, run %s, previous run %s%s",
                    path, len(store.records), store.run_id,
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
        record = runstate.store.observe(model_id, sha=sha, last_modified=modified,
                                        status=adapter.get("status"))
        runstate.observed[model_id] = ModelRecord(sha=record.sha,
                                                  last_modified=record.last_modified,
                                                  status=record.status)
        status, path = adapter.get("draft_status"), adapter.get("draft_path")
        if path and status in ("written", "overwritten"):
            runstate.store.drafted(model_id, Path(path), sha, modified)
        elif path and status == "exists":
            # An earlier draft was kept: record the revision it was drafted from, so a
            # changed model is redrafted next time.
            runstate.store.drafted(model_id, Path(path), *draft_revision(Path(path)))
        if time.monotonic() - self._saved >= self.interval:
            self._save()

    def _save(self) -> None:
        assert self.runstate is not None
        try:
            self.runstate.store.save()
        except OSError as exc:
            logger.error("incremental state %s not saved: %s", self.runstate.store.path,
                         exc.strerror or exc)
        self._saved = time.monotonic()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        runstate = self.runstate
        if runstate is None:
            return
        changes = runstate.final = runstate.changes()
        for key, value in changes.counts().items():
            self.crawler.stats.set_value(f"motcrawl/changes/{key}", value)
        if reason == "finished":
            runstate.store.finish_run({"finished": now_iso(), "reason": reason})
        self._save()
        if runstate.observed:
            counts = changes.counts()
            logger.info("since the previous run: %d newly missing, %d changed, "
                        "%d now in the MOT catalog%s", counts["new_missing"], counts["changed"],
                        counts["became_known"], " (first run)" if changes.first_run else "")
