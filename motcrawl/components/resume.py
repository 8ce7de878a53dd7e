"""Pausing and resuming a crawl with ``-s JOBDIR=...``: every model the job asked for ends
drafted or recorded as failed, and a finished model costs nothing on resume.

Scrapy keeps the request queue and the duplicate filter in JOBDIR and
``spider.state`` in ``JOBDIR/spider.state``. That is not enough for motcrawl:

- the queue can be left broken: a kill -9 right after a queue file is created
  leaves 0 bytes, and every later resume drops each request (``struct.error``);
- a queued request may depend on what only the stopped process knew (a model
  waiting for a GitHub lookup another model started), so replaying it drafts
  nothing, and requests in the downloader at the stop are in no queue at all;
- requests in the queue were pickled with whatever headers they had;
- ``spider.state`` is written only when the spider closes (not after a second
  SIGINT or a kill).

So a JOBDIR job here keeps its own journal (motcrawl.outputs.journal), written
line by line as the job goes: the models it decided to draft (with their
listing entries), the models finished, where the listing is. Requests are not
persisted at all (JobScheduler: Scrapy's scheduler without its disk queue; a
queue left by an earlier version or a kill is moved aside with a warning). A
resumed job (``resuming``) asks again, from its first request, for every model
it wanted and did not finish, continues the listing where it stopped, and
skips finished models. The duplicate filter is still persisted; resumed
requests bypass it (``refetch``).
"""

from __future__ import annotations

import logging
import time
import weakref
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.job import job_dir

from motcrawl.outputs.journal import JOURNAL_FILE, Journal, JournalState, read_journal

logger = logging.getLogger(__name__)

_JOURNALS: weakref.WeakKeyDictionary[Crawler, tuple[Journal, JournalState]] = \
    weakref.WeakKeyDictionary()


def resuming(settings: BaseSettings) -> bool:
    """True when JOBDIR holds the state of an earlier run of this job."""
    folder = job_dir(settings)
    if not folder:
        return False
    journal = Path(folder, JOURNAL_FILE)
    return Path(folder, "spider.state").exists() or (
        journal.exists() and journal.stat().st_size > 0)


def job_journal(crawler: Crawler) -> tuple[Journal, JournalState] | None:
    """The job's journal and what it held when this run started; None without JOBDIR."""
    found = _JOURNALS.get(crawler)
    if found is not None:
        return found
    folder = job_dir(crawler.settings)
    if not folder:
        return None
    path = Path(folder, JOURNAL_FILE)
    found = _JOURNALS[crawler] = (Journal(path), read_journal(path))
    return found


def earlier_run(crawler: Crawler) -> JournalState | None:
    """What earlier runs of this JOBDIR job did; None when this is its first run."""
    found = job_journal(crawler)
    if found is None or not found[1].lines:
        return None
    return found[1]


def done_models(spider: Spider) -> set[str]:
    """Model ids earlier runs of this job finished (drafted, or recorded as failed)."""
    state = earlier_run(spider.crawler)
    return set(state.done) if state else set()


def skip_on_start(spider: Spider) -> set[str]:
    """Models ``start()`` must not request again: finished in an earlier run."""
    return done_models(spider)


class JobScheduler(Scheduler):
    """Scrapy's scheduler, with the request queue in memory even when JOBDIR is set.

    motcrawl.components.resume's journal says what a resumed job must request again;
    a persisted queue would only add broken files and stale requests. A queue folder
    left in JOBDIR (an earlier version, or a kill) is moved aside, never read."""

    def _dqdir(self, jobdir: str | None) -> str | None:
        if jobdir:
            old = Path(jobdir, "requests.queue")
            if old.exists():
                broken = [p for p in old.rglob("*") if p.is_file() and p.stat().st_size == 0]
                aside = old.with_name(f"requests.queue.ignored-{int(time.time())}")
                old.rename(aside)
                logger.warning(
                    "JOBDIR %s: the request queue of an earlier run is not used%s (moved to "
                    "%s); unfinished models are requested again", jobdir,
                    f" ({len(broken)} empty queue file(s), left by a kill)" if broken else "",
                    aside)
        return None


class JobProgress:
    """Item pipeline (first in line, only with JOBDIR): journals finished models and drops a
    second item for a model this job already finished."""

    def __init__(self, crawler: Crawler) -> None:
        if not job_dir(crawler.settings):
            raise NotConfigured  # no JOBDIR, nothing to resume (no reason: no log line)
        self.crawler = crawler
        found = job_journal(crawler)
        assert found is not None
        self.journal, earlier = found
        self.finished: set[str] = set(earlier.done)
        crawler.signals.connect(self.item_finished, signal=signals.item_scraped)
        crawler.signals.connect(self.item_finished, signal=signals.item_error)
        crawler.signals.connect(self.item_finished, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobProgress:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        model_id = ItemAdapter(item).get("model_id")
        if model_id and model_id in self.finished:
            self.crawler.stats.inc_value("motcrawl/resume/duplicate_dropped")
            raise DropItem(f"{model_id}: already handled in this job")
        return item

    def item_finished(self, item: Any) -> None:
        model_id = ItemAdapter(item).get("model_id") if ItemAdapter.is_item(item) else None
        if model_id and str(model_id) not in self.finished:
            self.finished.add(str(model_id))
            try:
                self.journal.done(str(model_id))
            except OSError as exc:
                logger.error("JOBDIR journal %s not written: %s", self.journal.path,
                             exc.strerror or exc)

    def spider_closed(self) -> None:
        self.journal.close()
