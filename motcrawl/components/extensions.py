"""Crawl-level extensions: the end-of-crawl summary, requests per rate-limit bucket,
the periodic progress line."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import create_looping_call
from twisted.python.failure import Failure

from motcrawl.components.safety import internal_reason
from motcrawl.components.spider_api import spider_failures
from motcrawl.outputs.crawl_summary import (
    progress_line,
    ratelimit_lines,
    reason_group,
    summary_lines,
)
from motcrawl.web.buckets import bucket_in
from motcrawl.web.endpoints import Endpoints

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Logs one readable block at the end of every crawl: drafted, skipped, failed (by reason)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.failures: Counter[str] = Counter()
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

    def item_error(self, item: object, failure: Failure) -> None:
        """A pipeline raised: motcrawl.components.safety records the model; count it here."""
        self.failures[reason_group("pipeline", internal_reason(failure.value))] += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        failures = spider_failures(spider)
        failures_path = str(failures) if failures else ""
        for line in summary_lines(stats, self.failures, failures_path, reason):
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
            self.interval = crawler.settings.getfloat("MOTCRAWL_PROGRESS_INTERVAL", 30.0)
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
