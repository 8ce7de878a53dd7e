"""Crawl-level extensions: the end-of-crawl summary."""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.python.failure import Failure

from motcrawl.safety import internal_reason
from motcrawl.summary import reason_group, summary_lines

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
        """A pipeline raised: motcrawl.safety records the model; count it here."""
        self.failures[reason_group("pipeline", internal_reason(failure.value))] += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        args = getattr(spider, "args", None)
        failures_path = str(getattr(args, "failures", "")) if args else ""
        for line in summary_lines(stats, self.failures, failures_path, reason):
            logger.info(line)
