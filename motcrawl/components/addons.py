"""Scrapy add-ons (the ``ADDONS`` setting): settings that depend on other settings.

- ``OutputAddon``: when a crawl has an output folder (``MOTCRAWL_OUTPUT_DIR``,
  or the scrapyd default) and nobody asked for a feed (``-o``/``-O``, scrapyd's
  ``items_dir``, ``FEEDS``), items go to ``<base>/items/<spider>/<time>.jsonl``.
- ``RedisAddon``: with the ``REDIS_URL`` setting (``-s``, scrapyd's ``setting=``), the crawl
  uses scrapy-redis: scheduler queue and duplicate filter live in Redis, so
  several crawler processes (scrapyd nodes) work one crawl. Keys carry
  ``MOTCRAWL_CRAWL_ID``, which every node of one crawl is given; a node that
  finishes leaves the shared keys alone (``SCHEDULER_PERSIST``) and
  motcrawl.components.shared_crawl.SharedCrawl gives them a time to live.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from motcrawl.components.shared_crawl import REDIS_SCHEDULER
from motcrawl.outputs.paths import OUTPUT_BASE_ARG, default_feed_uri, output_base

logger = logging.getLogger(__name__)

_CRAWL_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
REDIS_DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
JOB_SCHEDULER = "motcrawl.components.resume.JobScheduler"


def redis_url(settings: BaseSettings) -> str | None:
    """Only the setting: a REDIS_URL in the environment (common on hosting platforms)
    must not turn a local crawl into a shared one by surprise."""
    return (settings.get("REDIS_URL") or "").strip() or None


def settings_error(settings: BaseSettings) -> str | None:
    """A one-line reason why these settings cannot start a crawl, or None."""
    if not redis_url(settings):
        return None
    if importlib.util.find_spec("scrapy_redis") is None:
        return "REDIS_URL is set but scrapy-redis is not installed: pip install 'motcrawl[deploy]'"
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
        settings["EXTENSIONS"]["motcrawl.components.shared_crawl.SharedCrawl"] = 530


class ResumeAddon:
    """With JOBDIR (and without Redis), requests stay in memory: the job's journal says
    what a resumed job requests again (motcrawl.components.resume)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResumeAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("JOBDIR") and not redis_url(settings):
            settings.set("SCHEDULER", JOB_SCHEDULER, priority="addon")
