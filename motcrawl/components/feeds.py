"""Feed storage for local files: a feed written with ``-O`` replaces the old file only
when the crawl is complete.

Scrapy's FileFeedStorage opens ``-O missing.jsonl`` for writing when the crawl
starts, so a run that fails (network down) or is interrupted leaves a short
file where the last complete one was. This one writes to a temporary file in
the same folder and, when the feed is stored, moves it into place if the crawl
did all its work (motcrawl.outputs.outcome), else beside it
(``missing.partial.jsonl``). ``-o`` (append) keeps Scrapy's behaviour.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage

from motcrawl.outputs.gap_report import partial_path
from motcrawl.outputs.outcome import incomplete_reason

logger = logging.getLogger(__name__)


class CompleteFileFeedStorage(FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 crawler: Crawler | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self._tmp: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> CompleteFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        if self.write_mode != "wb":
            return super().open(spider)
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o644)
        return os.fdopen(fd, "wb")

    def store(self, file: IO[bytes]) -> None:
        if self._tmp is None:
            return super().store(file)
        file.flush()
        os.fsync(file.fileno())
        file.close()
        crawler = self.crawler
        stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
        # Stored on spider_closed, before Scrapy records finish_reason: a stopped crawler
        # (SIGINT/SIGTERM) is no longer "crawling".
        partial = incomplete_reason(stats, "finished",
                                    interrupted=crawler is not None and not crawler.crawling)
        target = partial_path(Path(self.path)) if partial else Path(self.path)
        os.replace(self._tmp, target)
        self._tmp = None
        if partial:
            logger.warning("partial feed (%s) written to %s; the last complete feed %s is kept",
                           partial, target, self.path)
        return None
