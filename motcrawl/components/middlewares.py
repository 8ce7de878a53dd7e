"""Downloader middlewares: thin adapters over motcrawl.web (tokens, rate limits) and the cache."""

from __future__ import annotations

import logging
import time
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware as ScrapyHttpCache
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError

from motcrawl import settings as defaults
from motcrawl.components.spider_api import spider_hf_token
from motcrawl.web.buckets import bucket_in
from motcrawl.web.endpoints import GITHUB_API, HF, Endpoints
from motcrawl.web.ratelimit import (
    RateLimiter,
    backoff_delay,
    estimate_demand,
    parse_limit,
    refusal_wait,
)
from motcrawl.web.tokens import github_token, hf_token

logger = logging.getLogger(__name__)

_NOBODY_THERE = (ConnectionRefusedError, DNSLookupError, TxConnectionRefusedError,
                 DownloadConnectionRefusedError, CannotResolveHostError)


class TokenMiddleware:
    """Sends HF_TOKEN to the HF endpoint and GITHUB_TOKEN to the GitHub API, nowhere else,
    and never lets a token leave the downloader.

    It sits closest to the downloader (DOWNLOADER_MIDDLEWARES 990): the header is
    set per request from its own URL just before the download, and taken off again
    as soon as the answer (or the error) comes back, before any other middleware
    sees the request. A request that goes back to the scheduler - a retry, a 429
    re-send, a redirect - is built from a request without the header, so no token
    is pickled into a JOBDIR queue or a scrapy-redis queue, and a redirect to
    another host never carries one.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.endpoints = Endpoints.from_settings(crawler.settings)
        self._crawler = crawler
        self.github_token = github_token(crawler.settings.get("GITHUB_TOKEN"))
        self._hf_setting: str | None = crawler.settings.get("HF_TOKEN")
        self._hf_token: str | None = None
        self._resolved = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TokenMiddleware:
        return cls(crawler)

    def _token_for_hf(self) -> str | None:
        if not self._resolved:
            spider = self._crawler.spider
            explicit = spider_hf_token(spider) or self._hf_setting
            self._hf_token = hf_token(explicit)
            self._resolved = True
        return self._hf_token

    def process_request(self, request: Request) -> None:
        service = self.endpoints.service_of(request.url)
        if service == HF:
            token = self._token_for_hf()
        elif service == GITHUB_API:
            token = self.github_token
        else:
            token = None
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        else:
            request.headers.pop("Authorization", None)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        request.headers.pop("Authorization", None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        request.headers.pop("Authorization", None)
        return None


class LoopSafeRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with redirected requests exempt from the duplicate filter.

    Per-model requests are filtered (so a shared or resumed crawl fetches each once),
    and Scrapy gives a redirect the same ``dont_filter`` as its source: a redirect
    loop would then be dropped by the duplicate filter without a callback or an
    errback, and its model silently lost. REDIRECT_MAX_TIMES still bounds the chain,
    ending it with IgnoreRequest, which the spider records as that model's failure.
    """

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        result = super()._redirect(redirected, request, reason)
        result.dont_filter = True
        return result


class RateLimitMiddleware:
    """Paces requests per (host, bucket) from the rate-limit headers answers carry.

    - before a request: exponential backoff if it retries a 5xx, a timeout or a
      dropped connection (not a refused one: nobody listens, waiting won't help), then
      wait until ``RateLimiter.acquire`` lets it go (the wait happens before the
      download slot, so AutoThrottle never sees it as latency);
    - after an answer: fold its headers into the budget; on a 429 (or GitHub's
      rate-limit 403) mark the bucket spent until the announced reset and send
      the same request again - a rate-limit wait, not a failure: RETRY_TIMES is
      untouched. After MOTCRAWL_RATELIMIT_MAX_429 refusals of one request, or
      when the reset is further away than MOTCRAWL_RATELIMIT_MAX_WAIT (GitHub's
      anonymous hour), the refusal goes to the spider: its callback (when it
      lists the status in ``handle_httpstatus_list``: the GitHub lookups fall
      back to HEAD) or its errback, which records the model's failure.

    Cached answers (HttpCacheMiddleware sits before this one) never reach the
    network and never touch a budget.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("MOTCRAWL_RATELIMIT_ENABLED", defaults.MOTCRAWL_RATELIMIT_ENABLED):
            raise NotConfigured("MOTCRAWL_RATELIMIT_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.endpoints = Endpoints.from_settings(settings)
        self.max_refusals = settings.getint("MOTCRAWL_RATELIMIT_MAX_429",
                                            defaults.MOTCRAWL_RATELIMIT_MAX_429)
        self.max_wait = settings.getfloat("MOTCRAWL_RATELIMIT_MAX_WAIT",
                                          defaults.MOTCRAWL_RATELIMIT_MAX_WAIT)
        self.backoff = settings.getfloat("MOTCRAWL_RETRY_BACKOFF", defaults.MOTCRAWL_RETRY_BACKOFF)
        self.backoff_max = settings.getfloat("MOTCRAWL_RETRY_BACKOFF_MAX",
                                             defaults.MOTCRAWL_RETRY_BACKOFF_MAX)
        margin = settings.getfloat("MOTCRAWL_RATELIMIT_MARGIN", defaults.MOTCRAWL_RATELIMIT_MARGIN)
        for name, value in (("MOTCRAWL_RATELIMIT_MAX_429", self.max_refusals),
                            ("MOTCRAWL_RATELIMIT_MAX_WAIT", self.max_wait),
                            ("MOTCRAWL_RETRY_BACKOFF", self.backoff),
                            ("MOTCRAWL_RATELIMIT_MARGIN", margin)):
            if value < 0:
                raise NotConfigured(f"{name} must not be negative, not {value!r}")
        self.limiter = RateLimiter(margin=margin, max_wait=self.max_wait)
        self.clock = time.monotonic
        self._tickets = count(1)
        self._outstanding: dict[int, tuple[str, str]] = {}
        self._models: set[str] = set()
        self._requests: dict[str, int] = {}
        self._waiting: dict[str, int] = {}
        self._dry_logged: dict[tuple[str, str], float] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RateLimitMiddleware:
        return cls(crawler)

    def key_for(self, url: str) -> tuple[str, str]:
        bucket = bucket_in(url, self.endpoints) or "other"
        parts = urlsplit(url)
        return (parts.netloc.lower(), bucket)

    def _demand(self, bucket: str) -> int | None:
        total = self.stats.get_value("motcrawl/models/total")
        if total is None:
            return None
        return estimate_demand(int(total), len(self._models), self._requests.get(bucket, 0),
                               self._waiting.get(bucket, 0))

    async def process_request(self, request: Request) -> None:
        key = self.key_for(request.url)
        host, bucket = key
        model_id = request.meta.get("model_id")
        if model_id:
            self._models.add(model_id)
        pause = 0.0
        if request.meta.get("_ratelimit_backoff"):
            pause = backoff_delay(request.meta.get("retry_times", 0), self.backoff,
                                  self.backoff_max)
        if pause:
            self.stats.inc_value("ratelimit/backoff_seconds", pause)
            await sleep(pause)
        waited = 0.0
        self._waiting[bucket] = self._waiting.get(bucket, 0) + 1
        try:
            while True:
                delay = self.limiter.acquire(key, self.clock(), self._demand(bucket))
                if delay <= 0:
                    break
                if delay > self.max_wait:
                    # Not worth waiting (GitHub's anonymous hour): send it, and hand the
                    # refusal to the spider, which falls back or records the failure.
                    self.stats.inc_value("ratelimit/wait_too_long")
                    self.limiter.force(key)
                    break
                if delay >= 1.0:
                    self._log_dry(key, delay)
                await sleep(delay)
                waited += delay
        finally:
            self._waiting[bucket] -= 1
        ticket = next(self._tickets)
        self._outstanding[ticket] = key
        request.meta["_ratelimit_ticket"] = ticket
        self._requests[bucket] = self._requests.get(bucket, 0) + 1
        self.stats.inc_value(f"ratelimit/requests/{bucket}")
        if waited:
            self.stats.inc_value("ratelimit/waits")
            self.stats.inc_value("ratelimit/wait_seconds", round(waited, 3))
        return None

    def _log_dry(self, key: tuple[str, str], delay: float) -> None:
        budget = self.limiter.budget(key)
        if self._dry_logged.get(key) == budget.window_end or (budget.available() or 0) > 0:
            return
        self._dry_logged[key] = budget.window_end or 0.0
        logger.info("rate limit: %s %s quota spent, waiting %.0f s for the window to reset",
                    key[0], key[1], delay)

    def _release(self, request: Request) -> tuple[str, str] | None:
        """The key of a request this middleware let go (None: cached, or not ours)."""
        key = self._outstanding.pop(request.meta.get("_ratelimit_ticket", 0), None)
        if key is not None:
            self.limiter.release(key)
        return key

    def process_response(self, request: Request, response: Response) -> Request | Response:
        key = self._release(request)
        if key is None:
            return response
        # A server in trouble: if RetryMiddleware retries this, the copy backs off first.
        request.meta["_ratelimit_backoff"] = response.status >= 500
        now, wall = self.clock(), time.time()
        headers = response.headers.to_unicode_dict()
        limit = parse_limit(headers, wall)
        if limit is not None:
            self.limiter.observe(key, limit, now)
        elif response.status < 500:
            self.limiter.unlimited(key)
        wait = refusal_wait(response.status, headers, wall)
        if wait is None:
            return response
        host, bucket = key
        self.limiter.exhausted(key, wait, now)
        self.stats.inc_value(f"ratelimit/429/{bucket}")
        refusals = request.meta.get("ratelimit_refusals", 0) + 1
        if wait > self.max_wait:
            self.stats.inc_value("ratelimit/passed_on")
            logger.warning("rate limit: %s %s resets in %.0f s, more than "
                           "MOTCRAWL_RATELIMIT_MAX_WAIT (%.0f s): %s not retried",
                           host, bucket, wait, self.max_wait, request.url)
            return response
        if refusals > self.max_refusals:
            self.stats.inc_value("ratelimit/gave_up")
            logger.error("rate limit: %s refused %d times (%s %s); giving up on it",
                         request.url, refusals, host, bucket)
            return response
        logger.info("rate limit: %s %s refused %s (%d); retrying after the reset in %.0f s",
                    host, bucket, request.url, response.status, wait)
        retry_times = request.meta.get("retry_times", 0)
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"rate_limited_{response.status}",
                                  max_retry_times=retry_times + 1, priority_adjust=1,
                                  stats_base_key="ratelimit/retry")
        assert retry is not None
        # A rate-limit wait is not a failed attempt: the 5xx retry allowance stays whole.
        if retry_times:
            retry.meta["retry_times"] = retry_times
        else:
            retry.meta.pop("retry_times", None)
        retry.meta["ratelimit_refusals"] = refusals
        self.stats.inc_value("ratelimit/retries")
        return retry

    def process_exception(self, request: Request, exception: Exception) -> None:
        key = self._release(request)
        if key is not None:
            # No answer, nothing learned: a host that cannot be reached is not probed
            # one request at a time forever.
            self.limiter.unlimited(key)
        # Timeouts and dropped connections are an overloaded server: back off. Nobody
        # listening (refused, unknown host) is not helped by waiting: retry at once.
        request.meta["_ratelimit_backoff"] = not isinstance(exception, _NOBODY_THERE)
        return None

    def budgets(self) -> list[Any]:
        return self.limiter.view(self.clock())

    def spider_closed(self) -> None:
        for view in self.budgets():
            host, bucket = view.key
            self.stats.set_value(f"ratelimit/remaining/{bucket}", view.remaining)


class OfflineCacheMiss(IgnoreRequest):
    """Offline replay asked for a URL the HTTP cache does not hold."""


class HttpCacheMiddleware(ScrapyHttpCache):
    """Scrapy's HTTP cache, plus an offline replay mode, and never a token on disk.

    ``-s MOTCRAWL_OFFLINE=true`` turns the cache on and makes every miss an
    OfflineCacheMiss naming the URL, which the spider records as the model's
    failure (Scrapy's own HTTPCACHE_IGNORE_MISSING drops such requests quietly).
    Stored request headers lose ``Authorization``: the cache is plain files.
    """

    def __init__(self, settings: Any, stats: Any) -> None:
        self.offline = settings.getbool("MOTCRAWL_OFFLINE")
        if self.offline and not settings.getbool("HTTPCACHE_ENABLED"):
            settings = settings.copy()
            settings.frozen = False  # a private copy, for the parent's enabled check only
            settings.set("HTTPCACHE_ENABLED", True)
        super().__init__(settings, stats)

    def spider_opened(self, spider: Any) -> None:
        super().spider_opened(spider)
        if self.offline:
            logger.info("offline mode: replaying answers from the HTTP cache in %s; a request "
                        "not in the cache fails its model", getattr(self.storage, "cachedir", "?"))

    def process_request(self, request: Request) -> Request | Response | None:
        result = super().process_request(request)
        if result is None and self.offline:
            self.stats.inc_value("motcrawl/offline_miss")
            raise OfflineCacheMiss(f"not in the HTTP cache (offline mode): {request.url}")
        return result

    def _cache_response(self, response: Response, request: Request) -> None:
        if b"Authorization" in request.headers:
            request = request.replace(headers={k: v for k, v in request.headers.items()
                                               if k.lower() != b"authorization"})
        super()._cache_response(response, request)
