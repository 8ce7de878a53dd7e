"""Shared (scrapy-redis) crawls: what stays on one node, and when a node may stop.

No scrapy-redis import here, so spiders can mark requests without the package
installed; the scheduler that honours the mark is motcrawl.components.redis_queue.
"""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured

from motcrawl import settings as defaults

logger = logging.getLogger(__name__)

# Request.meta key: keep this request (and its callback's spider state) on the node that
# made it. The MOT catalog pages fill that node's catalog; the listing walk keeps that
# node's counts. Everything else - the per-model requests - goes to the shared queue.
NODE_LOCAL = "motcrawl_node_local"
REDIS_SCHEDULER = "motcrawl.components.redis_queue.NodeLocalScheduler"


class SharedCrawl:
    """Keeps a node of a shared crawl open while other nodes may still fill the queue.

    A node goes idle when the shared queue is momentarily empty (another node is
    still fetching a listing page whose models it will queue). It closes once it
    has been idle for ``MOTCRAWL_REDIS_IDLE_CLOSE`` seconds (default 30). On
    close the crawl's keys get a time to live (``MOTCRAWL_REDIS_TTL``, default a
    week) instead of being deleted, so that late nodes still see the duplicate
    filter and old crawls do not pile up in Redis.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if settings.get("SCHEDULER") != REDIS_SCHEDULER:
            raise NotConfigured
        self.crawler = crawler
        self.idle_close = settings.getfloat("MOTCRAWL_REDIS_IDLE_CLOSE",
                                            defaults.MOTCRAWL_REDIS_IDLE_CLOSE)
        self.ttl = settings.getint("MOTCRAWL_REDIS_TTL", defaults.MOTCRAWL_REDIS_TTL)
        self.keys = [settings.get("SCHEDULER_QUEUE_KEY"), settings.get("SCHEDULER_DUPEFILTER_KEY")]
        self._idle_since: float | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedCrawl:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        logger.info("shared crawl %s through Redis (queue %s)",
                    self.crawler.settings.get("MOTCRAWL_CRAWL_ID"),
                    self.keys[0] % {"spider": spider.name})

    def busy(self) -> None:
        self._idle_since = None

    def spider_idle(self) -> None:
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_close:
            raise DontCloseSpider

    def spider_closed(self, spider: Spider) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        try:
            server = get_redis_from_settings(self.crawler.settings)
            for key in self.keys:
                server.expire(key % {"spider": spider.name}, self.ttl)
        except Exception as exc:  # Redis gone at shutdown: the keys just do not expire
            logger.warning("could not set a time to live on the crawl's Redis keys: %s", exc)
