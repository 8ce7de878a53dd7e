"""The safety net: a model whose processing hits a bug is recorded as a failure, never lost.

Scrapy logs an exception raised in a callback or an item pipeline and then
forgets the model: no draft, no line in the failures file, no retry. These two
thin adapters turn such exceptions into the same failure record a fetch error
gets, so ``-a ids_file=<failures file>`` retries them too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from motcrawl.components.spider_api import spider_failures
from motcrawl.items import ModelItem
from motcrawl.outputs.failures import FailureLog

logger = logging.getLogger(__name__)


def internal_reason(exc: BaseException) -> str:
    """One line naming an unexpected exception (the traceback goes to the log)."""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"internal error: {type(exc).__name__}{': ' + text if text else ''}"


class CallbackErrorsToFailures:
    """Spider middleware: an exception in a callback becomes a failure item for its model.

    A listing or MOT catalog page whose parsing raises (deeply nested JSON makes
    ``json.loads`` raise RecursionError, not ValueError) is a failed listing or a
    failed catalog: one error line, counted like a download failure of that page
    (``motcrawl/listing/failed``, ``motcrawl/mot_api/failed``), so the report says it
    is partial and the crawl exits 1. A failed catalog page stops the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CallbackErrorsToFailures:
        return cls(crawler)

    def process_spider_exception(self, response: Response,
                                 exception: Exception) -> Iterable[Any] | None:
        request = response.request
        stage = request.meta.get("stage") if request is not None else None
        if stage in ("listing", "mot_api"):
            return self._job_page_failed(str(stage), response.url, exception)
        item = request.cb_kwargs.get("item") if request is not None else None
        if not isinstance(item, ModelItem) or item.get("failure"):
            return None
        stage = str(request.meta.get("stage") or "parse")
        item["failure"] = {"stage": stage, "reason": internal_reason(exception)}
        self.stats.inc_value("motcrawl/internal_errors")
        logger.error("%s: %s callback failed on %s", item.get("model_id"), stage, response.url,
                     exc_info=exception)
        return [item]

    def _job_page_failed(self, stage: str, url: str, exception: Exception) -> list[Any]:
        reason = internal_reason(exception)
        self.stats.inc_value(f"motcrawl/{stage}/failed")
        self.stats.inc_value("motcrawl/internal_errors")
        if stage == "listing":
            spider = self.crawler.spider
            logger.error("listing page %s failed (%s): listing stops after %s models", url,
                         reason, getattr(spider, "listed", "?"))
            return []
        logger.error("MOT catalog unavailable, stopping before the listing "
                     "(mot_api_failed: %s: %s)", url, reason)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=f"mot_api_failed: {reason}"))
        return []


class PipelineErrorsToFailures:
    """Extension: an item a pipeline raised on is written to the failures file and counted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._log: FailureLog | None = None
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PipelineErrorsToFailures:
        return cls(crawler)

    def item_error(self, item: Any, response: Response | None, spider: Any,
                   failure: Failure) -> None:
        adapter = ItemAdapter(item) if ItemAdapter.is_item(item) else None
        model_id = adapter.get("model_id") if adapter is not None else None
        path = spider_failures(spider)
        if not model_id or not path:
            return
        reason = internal_reason(failure.value)
        if self._log is None:
            self._log = FailureLog(Path(path))
        if self._log.record(str(model_id), "pipeline", reason):
            self.crawler.stats.inc_value("motcrawl/failures/recorded")
        else:
            self.crawler.stats.inc_value("motcrawl/failures/unrecorded")
            logger.error("%s: failure not recorded in %s: %s", model_id, path, self._log.error)
        adapter["failure"] = {"stage": "pipeline", "reason": reason}
        adapter["draft_status"] = "failed"
        stats = self.crawler.stats
        stats.inc_value("motcrawl/failed")
        stats.inc_value("motcrawl/failed/pipeline")
        stats.inc_value("motcrawl/internal_errors")
