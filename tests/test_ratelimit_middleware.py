"""RateLimitMiddleware, TokenMiddleware and the cache middleware, fed hand-made responses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError

import motcrawl.components.middlewares as mws
from motcrawl.components.middlewares import (
    HttpCacheMiddleware,
    OfflineCacheMiss,
    RateLimitMiddleware,
    TokenMiddleware,
)

HF = "https://huggingface.co"
INFO = f"{HF}/api/models/org/name"
CARD = f"{HF}/org/name/resolve/main/README.md"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    c = FakeClock()
    monkeypatch.setattr(mws, "sleep", c.sleep)
    return c


def make(clock: FakeClock, **settings) -> RateLimitMiddleware:
    crawler = get_crawler(Spider, {"HF_ENDPOINT": HF, "GITHUB_API_URL": "https://api.github.com",
                                   **settings})
    crawler.spider = Spider("t")
    crawler.spider.crawler = crawler
    crawler.stats.open_spider()
    mw = build_from_crawler(RateLimitMiddleware, crawler)
    mw.clock = clock
    return mw


def send(mw: RateLimitMiddleware, request: Request) -> None:
    assert asyncio.run(mw.process_request(request)) is None


def answer(request: Request, status: int = 200, r: int | None = None, t: int = 30,
           q: int = 500, bucket: str = "api", **extra: str) -> Response:
    headers = dict(extra)
    if r is not None:
        headers["RateLimit"] = f'"{bucket}";r={r};t={t}'
        headers["RateLimit-Policy"] = f'"fixed window";"{bucket}";q={q};w=300'
    return Response(request.url, status=status, headers=headers, request=request)


def stat(mw: RateLimitMiddleware, key: str):
    return mw.crawler.stats.get_value(key)


def test_counts_requests_per_bucket(clock):
    mw = make(clock)
    for url in (INFO, CARD):
        req = Request(url)
        send(mw, req)
        mw.process_response(req, answer(req, r=10, bucket=mw.key_for(url)[1]))
    other = Request("https://mot.isitopen.ai/api/v1/models")
    send(mw, other)
    mw.process_response(other, Response(other.url, request=other))
    assert stat(mw, "ratelimit/requests/api") == 1
    assert stat(mw, "ratelimit/requests/resolvers") == 1
    assert stat(mw, "ratelimit/requests/other") == 1


def test_429_waits_for_the_reset_then_resends_the_same_request(clock):
    mw = make(clock)
    req = Request(INFO, meta={"model_id": "org/name"})
    send(mw, req)
    retry = mw.process_response(req, answer(req, 429, r=0, t=20, **{"Retry-After": "20"}))
    assert isinstance(retry, Request)
    assert retry.url == req.url and retry.dont_filter
    assert "retry_times" not in retry.meta          # RETRY_TIMES untouched
    assert retry.meta["ratelimit_refusals"] == 1
    assert stat(mw, "ratelimit/429/api") == 1
    assert stat(mw, "ratelimit/retries") == 1
    assert stat(mw, "retry/count") is None          # not a failed attempt
    started = clock.now
    send(mw, retry)                                 # waits until the window resets
    assert clock.now - started >= 20
    assert stat(mw, "ratelimit/wait_seconds") >= 20
    ok = mw.process_response(retry, answer(retry, 200, r=499, t=300))
    assert ok.status == 200


def test_429_keeps_the_5xx_retry_count(clock):
    mw = make(clock)
    req = Request(INFO, meta={"retry_times": 2})
    send(mw, req)
    clock.slept.clear()
    retry = mw.process_response(req, answer(req, 429, r=0, t=5))
    assert retry.meta["retry_times"] == 2


def test_gives_up_after_max_refusals(clock):
    mw = make(clock, MOTCRAWL_RATELIMIT_MAX_429=2)
    req = Request(INFO)
    for _ in range(2):
        send(mw, req)
        req = mw.process_response(req, answer(req, 429, r=0, t=1))
        assert isinstance(req, Request)
    send(mw, req)
    final = mw.process_response(req, answer(req, 429, r=0, t=1))
    assert isinstance(final, Response) and final.status == 429   # to the errback: a failure
    assert stat(mw, "ratelimit/gave_up") == 1


def test_github_rate_limit_403_is_a_refusal(clock):
    mw = make(clock)
    req = Request("https://api.github.com/repos/a/b")
    send(mw, req)
    retry = mw.process_response(req, Response(req.url, status=403, request=req, headers={
        "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1", "X-RateLimit-Limit": "60"}))
    assert isinstance(retry, Request)
    assert stat(mw, "ratelimit/429/github") == 1


def test_gated_403_is_not_a_refusal(clock):
    mw = make(clock)
    req = Request(CARD)
    send(mw, req)
    resp = answer(req, 403, r=100, bucket="resolvers", **{"X-Error-Code": "GatedRepo"})
    assert mw.process_response(req, resp) is resp


def test_refusal_with_a_reset_beyond_max_wait_goes_to_the_spider(clock):
    mw = make(clock, MOTCRAWL_RATELIMIT_MAX_WAIT=60)
    req = Request("https://api.github.com/repos/a/b")
    send(mw, req)
    refusal = Response(req.url, status=403, request=req, headers={"Retry-After": "3600"})
    assert mw.process_response(req, refusal) is refusal     # not retried: the spider decides
    assert stat(mw, "ratelimit/passed_on") == 1
    started = clock.now
    send(mw, Request("https://api.github.com/repos/c/d"))  # not held for an hour either
    assert clock.now == started
    assert stat(mw, "ratelimit/wait_too_long") == 1


def test_5xx_retry_backs_off(clock):
    mw = make(clock, MOTCRAWL_RETRY_BACKOFF=0.5)
    req = Request(INFO, meta={"retry_times": 2})
    send(mw, req)
    mw.process_response(req, answer(req, 503))
    retry = req.copy()                       # what RetryMiddleware sends next
    retry.meta["retry_times"] = 3
    send(mw, retry)
    assert clock.slept[-1] == pytest.approx(2.0)
    assert stat(mw, "ratelimit/backoff_seconds") == pytest.approx(2.0)


@pytest.mark.parametrize("exc, backs_off", [
    (TimeoutError(), True),
    (ConnectionRefusedError(), False),
    (TxConnectionRefusedError(), False),
    (DNSLookupError(), False),
    (DownloadConnectionRefusedError(), False),
    (CannotResolveHostError(), False),
])
def test_connection_errors_back_off_unless_nobody_listens(clock, exc, backs_off):
    mw = make(clock)
    req = Request(INFO)
    send(mw, req)
    mw.process_exception(req, exc)
    retry = req.copy()
    retry.meta["retry_times"] = 1
    clock.slept.clear()
    send(mw, retry)
    assert bool(clock.slept) is backs_off


def test_cached_answers_do_not_touch_budgets(clock):
    mw = make(clock)
    req = Request(INFO)                      # never went through process_request
    resp = answer(req, 200, r=0, t=300)      # a stale header from the cache
    assert mw.process_response(req, resp) is resp
    assert mw.limiter.budgets == {}


def test_errors_release_the_budget(clock):
    mw = make(clock)
    req = Request(INFO)
    send(mw, req)
    assert mw.limiter.budget(mw.key_for(INFO)).in_flight == 1
    mw.process_exception(req, TimeoutError())
    assert mw.limiter.budget(mw.key_for(INFO)).in_flight == 0


def test_malformed_headers_do_not_break_anything(clock):
    mw = make(clock)
    req = Request(INFO)
    send(mw, req)
    resp = Response(INFO, request=req, headers={"RateLimit": '"api";r=x;t=?',
                                                "RateLimit-Policy": "nonsense"})
    assert mw.process_response(req, resp) is resp
    send(mw, Request(INFO))                   # not paced: no usable headers


def test_negative_settings_are_rejected(clock):
    with pytest.raises(NotConfigured, match="MOTCRAWL_RATELIMIT_MAX_WAIT"):
        make(clock, MOTCRAWL_RATELIMIT_MAX_WAIT=-1)


# -- tokens -------------------------------------------------------------------------------
@pytest.fixture
def tokens(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secretHF")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secretGH")


@pytest.mark.parametrize("url, expected", [
    (INFO, "Bearer hf_secretHF"),
    (CARD, "Bearer hf_secretHF"),
    ("https://api.github.com/repos/a/b", "Bearer ghp_secretGH"),
    ("https://github.com/a/b", None),
    ("https://cdn-lfs.huggingface.co/x", None),
    ("http://huggingface.co/api/models/a/b", None),      # not https: another origin
    ("https://huggingface.co:8443/api/models/a/b", None),
    ("https://mot.isitopen.ai/api/v1/models", None),
])
def test_token_goes_only_to_its_own_host(tokens, url, expected):
    crawler = get_crawler(Spider, {"HF_ENDPOINT": HF, "GITHUB_API_URL": "https://api.github.com"})
    crawler.spider = Spider("t")
    mw = build_from_crawler(TokenMiddleware, crawler)
    # an Authorization left over from an earlier hop is removed too
    req = Request(url, headers={"Authorization": "Bearer hf_secretHF"})
    mw.process_request(req)
    got = req.headers.get("Authorization")
    assert (got.decode() if got else None) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://mirror.example/api/models/a/b", "Bearer hf_secretHF"),
    ("https://mirror.example/github-api/repos/a/b", "Bearer ghp_secretGH"),
    ("https://mirror.example/github/a/b", None),
    ("https://mirror.example/mot/api/v1/models", None),
])
def test_token_goes_only_to_its_own_endpoint_on_a_shared_host(tokens, url, expected):
    crawler = get_crawler(Spider, {"HF_ENDPOINT": "https://mirror.example",
                                   "GITHUB_API_URL": "https://mirror.example/github-api",
                                   "GITHUB_URL": "https://mirror.example/github",
                                   "MOT_API_URL": "https://mirror.example/mot/api/v1"})
    crawler.spider = Spider("t")
    mw = build_from_crawler(TokenMiddleware, crawler)
    req = Request(url)
    mw.process_request(req)
    got = req.headers.get("Authorization")
    assert (got.decode() if got else None) == expected


def test_shared_host_requests_count_in_their_own_bucket(clock):
    mw = make(clock, HF_ENDPOINT="https://mirror.example",
              GITHUB_API_URL="https://mirror.example/github-api",
              MOT_API_URL="https://mirror.example/mot/api/v1")
    assert mw.key_for("https://mirror.example/github-api/repos/a/b")[1] == "github"
    assert mw.key_for("https://mirror.example/mot/api/v1/models")[1] == "other"
    assert mw.key_for("https://mirror.example/api/models/a/b")[1] == "api"


# -- cache ---------------------------------------------------------------------------------
def cache_mw(tmp_path: Path, **settings) -> HttpCacheMiddleware:
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "cache"), **settings})
    crawler.spider = Spider("t")
    crawler.spider.crawler = crawler
    crawler.stats.open_spider()
    mw = build_from_crawler(HttpCacheMiddleware, crawler)
    mw.spider_opened(crawler.spider)
    return mw


def test_cache_is_off_unless_asked(tmp_path):
    with pytest.raises(NotConfigured):
        cache_mw(tmp_path)


def test_cache_never_stores_the_token(tmp_path):
    mw = cache_mw(tmp_path, HTTPCACHE_ENABLED=True)
    req = Request(INFO, headers={"Authorization": "Bearer hf_secretHF"})
    assert mw.process_request(req) is None
    mw.process_response(req, Response(INFO, body=b"{}", request=req))
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files
    assert not any(b"hf_secretHF" in p.read_bytes() for p in files)
    assert req.headers.get("Authorization") == b"Bearer hf_secretHF"   # the live request keeps it
    assert mw.process_request(Request(INFO)).status == 200              # and it replays


def test_offline_miss_is_a_loud_failure(tmp_path):
    mw = cache_mw(tmp_path, MOTCRAWL_OFFLINE=True)     # turns the cache on by itself
    with pytest.raises(OfflineCacheMiss, match="not in the HTTP cache.*api/models/org/name"):
        mw.process_request(Request(INFO))
    assert mw.stats.get_value("motcrawl/offline_miss") == 1
