"""Pausing and resuming a crawl with ``-s JOBDIR=...``: no model is drafted twice.

Scrapy keeps the request queue in JOBDIR and ``spider.state`` in
``JOBDIR/spider.state``, but it runs ``start()`` again on resume, every
motcrawl request is ``dont_filter`` (one model's requests must never be
deduplicated against another's), and requests in the downloader when the crawl
stopped are in neither. A model's requests run one after another (info, card,
refs, license), so the job can tell where each model is:

- finished (drafted, or recorded as failed): ``start()`` skips it;
- waiting in the scheduler queue (saved in JOBDIR): ``start()`` skips it too;
- anything else (in the downloader at shutdown, or not started): ``start()``
  asks for it again.

JobProgress also drops a second item for a finished model, should one come.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

STATE_KEY = "motcrawl_done"
QUEUED_KEY = "motcrawl_queued"


def resuming(settings: BaseSettings) -> bool:
    """True when JOBDIR holds the state of an earlier run of this job."""
    folder = job_dir(settings)
    return bool(folder) and Path(folder, "spider.state").exists()


def _state_set(spider: Any, key: str) -> set[str]:
    state = getattr(spider, "state", None)
    if not isinstance(state, dict):
        return set()
    return state.setdefault(key, set())


def done_models(spider: Any) -> set[str]:
    """Model ids this job has finished (drafted or recorded as failed); empty without JOBDIR."""
    return _state_set(spider, STATE_KEY)


def queued_models(spider: Any) -> set[str]:
    """Model ids whose next request waits in the JOBDIR queue; empty without JOBDIR."""
    return _state_set(spider, QUEUED_KEY)


def skip_on_start(spider: Any) -> set[str]:
    """Models ``start()`` must not request again: finished, or already in the queue."""
    return done_models(spider) | queued_models(spider)


class JobProgress:
    """Item pipeline (first in line) that records finished models in ``spider.state``."""

    def __init__(self, crawler: Crawler) -> None:
        if not job_dir(crawler.settings):
            raise NotConfigured  # no JOBDIR, nothing to resume (no reason: no log line)
        self.crawler = crawler
        crawler.signals.connect(self.item_finished, signal=signals.item_scraped)
        crawler.signals.connect(self.item_finished, signal=signals.item_error)
        crawler.signals.connect(self.item_finished, signal=signals.item_dropped)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.request_left_queue, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobProgress:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        model_id = ItemAdapter(item).get("model_id")
        if model_id and model_id in done_models(self.crawler.spider):
            self.crawler.stats.inc_value("motcrawl/resume/duplicate_dropped")
            raise DropItem(f"{model_id}: already handled in this job")
        return item

    def item_finished(self, item: Any) -> None:
        model_id = ItemAdapter(item).get("model_id") if ItemAdapter.is_item(item) else None
        if model_id:
            done_models(self.crawler.spider).add(str(model_id))
            queued_models(self.crawler.spider).discard(str(model_id))

    def request_scheduled(self, request: Request) -> None:
        model_id = request.meta.get("model_id")
        if model_id:
            queued_models(self.crawler.spider).add(str(model_id))

    def request_left_queue(self, request: Request) -> None:
        model_id = request.meta.get("model_id")
        if model_id:
            queued_models(self.crawler.spider).discard(str(model_id))
