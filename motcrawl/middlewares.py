"""Downloader middlewares: thin adapters over motcrawl.auth (and, later, rate limits)."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware

from motcrawl.auth import github_token, hf_token, same_origin


class TokenMiddleware:
    """Sends HF_TOKEN to the HF endpoint and GITHUB_TOKEN to the GitHub API, nowhere else.

    The header is set per request from its own URL, so a redirect to another host
    (a new Request built by RedirectMiddleware, which also strips Authorization on
    cross-domain redirects) never carries a token.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.hf_endpoint = settings.get("HF_ENDPOINT")
        self.github_api = settings.get("GITHUB_API_URL")
        self._crawler = crawler
        self.github_token = github_token()
        self._hf_token: str | None = None
        self._resolved = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TokenMiddleware:
        return cls(crawler)

    def _token_for_hf(self) -> str | None:
        if not self._resolved:
            spider = self._crawler.spider
            explicit = getattr(spider, "hf_token", None) if spider else None
            self._hf_token = hf_token(explicit)
            self._resolved = True
        return self._hf_token

    def process_request(self, request: Request) -> None:
        if same_origin(request.url, self.hf_endpoint):
            token = self._token_for_hf()
        elif same_origin(request.url, self.github_api):
            token = self.github_token
        else:
            token = None
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        else:
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
