"""Scrapy add-ons (the ``ADDONS`` setting): settings that depend on other settings.

- ``OutputAddon``: when a crawl has an output folder (``MOTCRAWL_OUTPUT_DIR``,
  or the scrapyd default) and nobody asked for a feed (``-o``/``-O``, scrapyd's
  ``items_dir``, ``FEEDS``), items go to ``<base>/items/<spider>/<time>.jsonl``.
- ``RedisAddon``: with the ``REDIS_URL`` setting (``-s``, scrapyd's ``setting=``), the crawl
  uses scrapy-redis: scheduler queue and duplicate filter live in Redis, so
  several crawler processes (scrapyd nodes) work one crawl. Keys carry
  ``MOTCRAWL_CRAWL_ID``, which every node of one crawl is given; a node that
  finishes leaves the shared keys alone (``SCHEDULER_PERSIST``) and they
  expire after ``MOTCRAWL_REDIS_TTL`` seconds.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

from motcrawl.outputs import OUTPUT_BASE_ARG, default_feed_uri, output_base

logger = logging.getLogger(__name__)

_CRAWL_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
REDIS_SCHEDULER = "scrapy_redis.scheduler.Scheduler"
REDIS_DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"


def redis_url(settings: BaseSettings) -> str | None:
    """Only the setting: a REDIS_URL in the environment (common on hosting platforms)
    must not turn a local crawl into a shared one by surprise."""
    return (settings.get("REDIS_URL") or "").strip() or None


def settings_error(settings: BaseSettings) -> str | None:
    """A one-line reason why these settings cannot start a crawl, or None."""
    if not redis_url(settings):
        return None
    crawl_id = (settings.get("MOTCRAWL_CRAWL_ID") or "").strip()
    if not crawl_id:
        return ("REDIS_URL is set: give -s MOTCRAWL_CRAWL_ID=NAME, the same on every node of "
                "one crawl and a new one for each crawl (e.g. weekly-2026-W48)")
    if not _CRAWL_ID_RE.match(crawl_id):
        return (f"MOTCRAWL_CRAWL_ID {crawl_id!r}: use letters, digits, '.', '_' or '-' "
                "(at most 100)")
    return None


def redis_keys(crawl_id: str) -> dict[str, str]:
    """The scrapy-redis keys of one crawl (``%(spider)s`` is filled by scrapy-redis)."""
    prefix = f"motcrawl:{crawl_id}:%(spider)s"
    return {"SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter"}


class OutputAddon:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.getdict("FEEDS"):
            return
        spider = self.crawler.spider
        base = getattr(spider, OUTPUT_BASE_ARG, None)
        configured = settings.get("MOTCRAWL_OUTPUT_DIR") or getattr(spider, "_job", None)
        if not configured:
            return  # a command-line run without -o: no feed in the working directory
        base = base or str(output_base(settings.get("MOTCRAWL_OUTPUT_DIR"),
                                       vars(spider) if spider else {}))
        settings.set("FEEDS", {default_feed_uri(Path(base)): {"format": "jsonlines"}},
                     priority="addon")


class RedisAddon:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        url = redis_url(settings)
        if not url:
            return
        problem = settings_error(settings)
        if problem:
            raise ValueError(problem)
        crawl_id = settings.get("MOTCRAWL_CRAWL_ID").strip()
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", REDIS_SCHEDULER, priority="addon")
        settings.set("DUPEFILTER_CLASS", REDIS_DUPEFILTER, priority="addon")
        # A node that finishes first must not flush the queue the others still work on.
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        for name, value in redis_keys(crawl_id).items():
            settings.set(name, value, priority="addon")
        settings["EXTENSIONS"]["motcrawl.addons.SharedCrawl"] = 510


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
            raise NotConfigured("not a scrapy-redis crawl")
        self.crawler = crawler
        self.idle_close = settings.getfloat("MOTCRAWL_REDIS_IDLE_CLOSE", 30.0)
        self.ttl = settings.getint("MOTCRAWL_REDIS_TTL", 7 * 24 * 3600)
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
