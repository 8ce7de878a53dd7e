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
    """Spider middleware: an exception in a callback becomes a failure item for its model."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CallbackErrorsToFailures:
        return cls(crawler)

    def process_spider_exception(self, response: Response,
                                 exception: Exception) -> Iterable[Any] | None:
        request = response.request
        item = request.cb_kwargs.get("item") if request is not None else None
        if not isinstance(item, ModelItem) or item.get("failure"):
            return None
        stage = str(request.meta.get("stage") or "parse")
        item["failure"] = {"stage": stage, "reason": internal_reason(exception)}
        self.stats.inc_value("motcrawl/internal_errors")
        logger.error("%s: %s callback failed on %s", item.get("model_id"), stage, response.url,
                     exc_info=exception)
        return [item]


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
        try:
            self._log.record(str(model_id), "pipeline", reason)
        except OSError as exc:
            logger.error("%s: failure not recorded in %s: %s", model_id, path, exc)
        adapter["failure"] = {"stage": "pipeline", "reason": reason}
        adapter["draft_status"] = "failed"
        stats = self.crawler.stats
        stats.inc_value("motcrawl/failed")
        stats.inc_value("motcrawl/failed/pipeline")
        stats.inc_value("motcrawl/internal_errors")
