"""scrapy-redis's scheduler, except that requests marked node-local stay in this process.

A shared crawl spreads every request over all nodes. Requests whose callback
builds up spider state (the MOT catalog pages, the listing walk) must come back
to the spider that made them, so they are kept in a local queue, still passing
the shared duplicate filter unless ``dont_filter`` is set. The local queue is
served first: the listing node walks on while the others draft.

``open``/``enqueue_request``/``next_request`` follow scrapy-redis 0.9's, minus
its calls that Scrapy 2.13+ deprecates (``spider.log``, ``inc_value(spider=)``).
"""

from __future__ import annotations

import logging
from collections import deque

from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from motcrawl.components.shared_crawl import NODE_LOCAL

logger = logging.getLogger(__name__)


class NodeLocalScheduler(Scheduler):
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.local: deque[Request] = deque()
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        if len(self.queue):
            logger.info("joining a shared crawl: %d requests already queued", len(self.queue))

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)

    def _count(self, key: str) -> None:
        if self.stats:
            self.stats.inc_value(key)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self._count("scheduler/filtered/shared")
            return False
        if request.meta.get(NODE_LOCAL):
            self.local.append(request)
            self._count("scheduler/enqueued/local")
        else:
            self.queue.push(request)
            self._count("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            self._count("scheduler/dequeued/local")
            return self.local.popleft()
        request = self.queue.pop(self.idle_before_close)
        if request is not None:
            self._count("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or len(self.queue) > 0
