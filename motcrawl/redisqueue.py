"""scrapy-redis's scheduler, except that requests marked node-local stay in this process.

A shared crawl spreads every request over all nodes. Requests whose callback
builds up spider state (the MOT catalog pages, the listing walk) must come back
to the spider that made them, so they are kept in a local queue, still passing
the shared duplicate filter unless ``dont_filter`` is set. The local queue is
served first: the listing node walks on while the others draft.
"""

from __future__ import annotations

from collections import deque

from scrapy import Request, Spider
from scrapy_redis.scheduler import Scheduler

from motcrawl.shared import NODE_LOCAL


class NodeLocalScheduler(Scheduler):
    def open(self, spider: Spider) -> None:
        self.local: deque[Request] = deque()
        super().open(spider)

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)

    def enqueue_request(self, request: Request) -> bool:
        if not request.meta.get(NODE_LOCAL):
            return super().enqueue_request(request)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/local")
        self.local.append(request)
        return True

    def next_request(self) -> Request | None:
        if self.local:
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/local")
            return self.local.popleft()
        return super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()
