"""Crawl-level extensions: the end-of-crawl summary, requests per rate-limit bucket."""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from motcrawl.buckets import bucket_for
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


class BucketStats:
    """Counts every downloaded response per rate-limit bucket and status (motcrawl.buckets).

    ``motcrawl/requests/<bucket>`` and ``motcrawl/requests/<bucket>/status/<code>``;
    requests outside the Hub and GitHub (MOT's API) count as ``other``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.hf_endpoint = crawler.settings.get("HF_ENDPOINT")
        self.github_api = crawler.settings.get("GITHUB_API_URL")
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BucketStats:
        return cls(crawler)

    def response_received(self, response: Response, request: Request) -> None:
        bucket = bucket_for(request.url, self.hf_endpoint, self.github_api) or "other"
        self.stats.inc_value(f"motcrawl/requests/{bucket}")
        self.stats.inc_value(f"motcrawl/requests/{bucket}/status/{response.status}")
