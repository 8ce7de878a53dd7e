"""Crawl-level extensions: the end-of-crawl summary, requests per rate-limit bucket,
the periodic progress line, the JSON run summary for schedulers."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import create_looping_call
from twisted.python.failure import Failure

from motcrawl import settings as defaults
from motcrawl.components.safety import internal_reason
from motcrawl.components.spider_api import spider_failures
from motcrawl.outputs.crawl_summary import (
    progress_line,
    ratelimit_lines,
    reason_group,
    summary_lines,
)
from motcrawl.outputs.gap_report import ids_path_for, partial_path
from motcrawl.outputs.paths import OUTPUT_BASE_ARG
from motcrawl.outputs.run_summary import (
    build_summary,
    summary_folder,
    without_credentials,
    write_summary,
)
from motcrawl.web.buckets import bucket_in
from motcrawl.web.endpoints import Endpoints

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Logs one readable block at the end of every crawl: drafted, skipped, failed (by reason)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.failures: Counter[str] = Counter()
        self.already_in_mot: list[tuple[str, str]] = []
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        return cls(crawler)

    def item_scraped(self, item: object) -> None:
        failure = item.get("failure") if hasattr(item, "get") else None
        if failure:
            self.failures[reason_group(failure.get("stage", ""), failure.get("reason", ""))] += 1
        elif hasattr(item, "get") and item.get("draft_requested") and item.get("catalog_file"):
            self.already_in_mot.append((str(item.get("model_id")), str(item["catalog_file"])))

    def item_error(self, item: object, failure: Failure) -> None:
        """A pipeline raised: motcrawl.components.safety records the model; count it here."""
        self.failures[reason_group("pipeline", internal_reason(failure.value))] += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        failures = spider_failures(spider)
        failures_path = str(failures) if failures else ""
        for line in summary_lines(stats, self.failures, failures_path, reason,
                                  self.already_in_mot):
            logger.info(line)
        for line in ratelimit_lines(stats):
            logger.info(line)


class BucketStats:
    """Counts every downloaded response per rate-limit bucket and status (motcrawl.web.buckets).

    ``motcrawl/requests/<bucket>`` and ``motcrawl/requests/<bucket>/status/<code>``;
    requests outside the Hub and GitHub (MOT's API) count as ``other``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.endpoints = Endpoints.from_settings(crawler.settings)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BucketStats:
        return cls(crawler)

    def response_received(self, response: Response, request: Request) -> None:
        bucket = bucket_in(request.url, self.endpoints) or "other"
        self.stats.inc_value(f"motcrawl/requests/{bucket}")
        self.stats.inc_value(f"motcrawl/requests/{bucket}/status/{response.status}")


def _rate_limit_middleware(crawler: Crawler) -> Any:
    """The crawl's RateLimitMiddleware instance (its budgets), if it is enabled."""
    from motcrawl.components.middlewares import RateLimitMiddleware

    engine = getattr(crawler, "engine", None)
    manager = getattr(getattr(engine, "downloader", None), "middleware", None)
    for mw in getattr(manager, "middlewares", ()):
        if isinstance(mw, RateLimitMiddleware):
            return mw
    return None


class CrawlProgress:
    """Logs a progress line every MOTCRAWL_PROGRESS_INTERVAL seconds (0 turns it off).

    Models seen (distinct ids with a request sent, after any rate-limit wait) of
    the total when the spider knows it (``motcrawl/models/total``), drafted,
    failed, each rate-limit bucket's budget, and an ETA.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        try:
            self.interval = crawler.settings.getfloat("MOTCRAWL_PROGRESS_INTERVAL",
                                                      defaults.MOTCRAWL_PROGRESS_INTERVAL)
        except ValueError:
            raise NotConfigured("MOTCRAWL_PROGRESS_INTERVAL must be a number of seconds") from None
        if self.interval <= 0:
            raise NotConfigured("MOTCRAWL_PROGRESS_INTERVAL is 0: no progress lines")
        self.seen: set[str] = set()
        self.finished = 0
        self.started = time.monotonic()
        self.task: Any = None
        crawler.signals.connect(self.request_reached_downloader,
                                signal=signals.request_reached_downloader)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        return cls(crawler)

    def request_reached_downloader(self, request: Any) -> None:
        model_id = request.meta.get("model_id")
        if model_id:
            self.seen.add(model_id)

    def item_scraped(self, item: object) -> None:
        # Models the total counts: not the report-only rows of ``missing`` (known to MOT,
        # beyond max_drafts, unchanged since the last run), which make no request.
        if not hasattr(item, "get") or item.get("draft_requested") is not False:
            self.finished += 1

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()
        total = stats.get("motcrawl/models/total")
        drafted = sum(stats.get(f"motcrawl/drafts/{k}", 0)
                      for k in ("written", "overwritten", "exists"))
        mw = _rate_limit_middleware(self.crawler)
        budgets = [(v.key[1], v.remaining, v.quota, v.reset_in)
                   for v in (mw.budgets() if mw is not None else [])]
        return progress_line(seen=len(self.seen), total=total, finished=self.finished,
                             drafted=drafted, failed=stats.get("motcrawl/failed", 0),
                             elapsed=time.monotonic() - self.started, budgets=budgets)

    def log_progress(self) -> None:
        logger.info("%s", self.line())


class RunSummary:
    """Writes the JSON run summary (motcrawl.outputs.run_summary) once the engine stopped.

    Not on ``spider_closed``: the gap report and the stats' close reason are written by
    other ``spider_closed`` handlers, and the summary reports what they did. Off with
    ``-s MOTCRAWL_RUN_SUMMARY=false``.
    """

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("MOTCRAWL_RUN_SUMMARY", defaults.MOTCRAWL_RUN_SUMMARY):
            raise NotConfigured("MOTCRAWL_RUN_SUMMARY is off")
        self.crawler = crawler
        self.started = datetime.now(timezone.utc)
        self.reason: str | None = None
        self.spider: Spider | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        self.started = datetime.now(timezone.utc)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def _folder(self, spider: Spider) -> Path:
        args = getattr(spider, "args", None)
        output_dir = getattr(args, "output_dir", None)
        if output_dir:
            return summary_folder(Path(output_dir))
        report = getattr(args, "report", None)
        if report:
            return Path(report).resolve().parent
        return Path(getattr(spider, OUTPUT_BASE_ARG, None) or Path.cwd()).resolve()

    def _paths(self, spider: Spider, stats: dict[str, Any]) -> dict[str, Any]:
        args = getattr(spider, "args", None)
        paths: dict[str, Any] = {}
        output_dir = getattr(args, "output_dir", None)
        if output_dir:
            paths["drafts"] = str(output_dir)
        failures = getattr(args, "failures", None)
        if failures and Path(failures).exists():
            paths["failures"] = str(failures)
        report = getattr(args, "report", None)
        if report and (stats.get("motcrawl/report_written") or stats.get(
                "motcrawl/report_partial")):
            # A partial run writes beside the last complete report (missing.partial.md).
            written = Path(report) if stats.get("motcrawl/report_written") else partial_path(
                Path(report))
            paths["report"] = str(written)
            if ids_path_for(written).exists():
                paths["ids"] = str(ids_path_for(written))
        runstate = getattr(spider, "runstate", None)
        store = getattr(runstate, "store", None)
        if store is not None and getattr(store, "path", None):
            paths["state"] = str(store.path)
        feeds = [without_credentials(str(getattr(slot, "uri", "")))
                 for slot in self._feed_slots()]
        paths["feeds"] = [uri for uri in feeds if uri] or None
        return paths

    def _feed_slots(self) -> list[Any]:
        from scrapy.extensions.feedexport import FeedExporter

        manager = getattr(self.crawler, "extensions", None)
        for ext in getattr(manager, "middlewares", ()):
            if isinstance(ext, FeedExporter):
                return list(getattr(ext, "slots", []))
        return []

    def engine_stopped(self) -> None:
        spider = self.spider
        if spider is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        job = getattr(spider, "_job", None)
        summary = build_summary(stats, spider=spider.name, reason=self.reason,
                                paths=self._paths(spider, stats),
                                job=str(job) if job else None)
        try:
            written = write_summary(self._folder(spider), summary, self.started)
        except OSError as exc:
            logger.error("run summary not written: %s", exc.strerror or exc)
            return
        logger.info("run summary: %s (exit code %d%s)", written[0], summary["exit_code"],
                    "" if summary["ok"] else ", NOT ok")
