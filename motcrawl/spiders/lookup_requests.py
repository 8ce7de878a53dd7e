"""The outside lookups' requests and answers (Hub datasets, GitHub), for motcrawl.spiders.base.

The logic lives in ``motcrawl.analysis.lookups`` (plan, per-crawl cache, budget: the
spider's one ``Lookups`` object) and ``motcrawl.analysis.github`` /
``motcrawl.analysis.datasets`` (URLs, parsing, scoring); these functions only build
requests and hand answers over. Requests:

- ``GET {HF_ENDPOINT}/api/datasets/{id}`` per named dataset;
- ``GET {GITHUB_API_URL}/repos/{owner}/{repo}`` per candidate, best first
  (301 renames are followed by RedirectMiddleware), then
  ``GET .../git/trees/{default_branch}?recursive=1`` for the accepted one;
- ``HEAD {GITHUB_URL}/{owner}/{repo}`` instead, once the API budget is spent.

Each repository or dataset is requested once per crawl; a model that needs
one already in flight waits for that answer. The waiting happens in this
spider's memory, so lookups are NODE_LOCAL: in a shared (scrapy-redis) crawl
they come back to the node whose models wait for them. A failed lookup never fails the
model: the draft is written without that evidence and its header says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from motcrawl.analysis import datasets as ds
from motcrawl.analysis import github as gh
from motcrawl.analysis.lookups import ExternalPlan, Fetch, LookupKind, RepoResult
from motcrawl.components.shared_crawl import NODE_LOCAL

if TYPE_CHECKING:
    from motcrawl.spiders.base import DraftSpider

__all__ = ["LookupKind", "RepoResult", "request_for"]

_API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
_STATUSES = [401, 403, 404, 410, 429, 451]


def github_api(spider: DraftSpider) -> str:
    return str(spider.settings.get("GITHUB_API_URL")).rstrip("/")


def github_web(spider: DraftSpider) -> str:
    return str(spider.settings.get("GITHUB_URL")).rstrip("/")


def _meta(kind: LookupKind, key: str, stage: str, **extra: Any) -> dict[str, Any]:
    return {"handle_httpstatus_list": _STATUSES, "lookup": (kind, key), "stage": stage,
            NODE_LOCAL: True, **extra}


def request_for(spider: DraftSpider, fetch: Fetch, plan: ExternalPlan) -> Request:
    if fetch.kind == "dataset":
        return _dataset_request(spider, fetch.key)
    return _repo_request(spider, plan.candidate(fetch.key))


# -- datasets -----------------------------------------------------------------
def _dataset_request(spider: DraftSpider, dataset_id: str) -> Request:
    spider.inc_stat("dataset/requests")
    return Request(ds.dataset_api_url(spider.hf_endpoint, dataset_id),
                   callback=spider.parse_dataset, errback=spider.on_lookup_error,
                   cb_kwargs={"key": dataset_id},
                   meta=_meta("dataset", dataset_id, "dataset"), dont_filter=True)


def parse_dataset(spider: DraftSpider, response: Response, key: str) -> Iterator[Any]:
    if response.status == 200:
        try:
            info = ds.parse_dataset_info(json.loads(response.text))
            spider.inc_stat("dataset/found")
        except ValueError as exc:
            info = ds.missing(f"unusable Hub answer ({exc})")
            spider.inc_stat("dataset/invalid")
    else:
        code = response.headers.get(b"X-Error-Code", b"").decode("latin-1")
        detail = f"HTTP {response.status}{', ' + code if code else ''}"
        info = ds.missing(f"not on the Hub ({detail})" if response.status in (401, 404, 410)
                          else f"not readable ({detail})")
        spider.inc_stat(f"dataset/http_{response.status}")
    yield from spider.answered("dataset", key, info)


# -- GitHub ---------------------------------------------------------------------
def _repo_request(spider: DraftSpider, cand: gh.Candidate) -> Request:
    if spider.lookups.budget.allows_api():
        spider.inc_stat("github/api_requests")
        return Request(gh.repo_api_url(github_api(spider), cand.full_name),
                       headers=_API_HEADERS, callback=spider.parse_repo,
                       errback=spider.on_lookup_error,
                       cb_kwargs={"key": cand.key, "full_name": cand.full_name},
                       meta=_meta("repo", cand.key, "github"), dont_filter=True)
    return _head_request(spider, cand.key, cand.full_name)


def _head_request(spider: DraftSpider, key: str, full_name: str) -> Request:
    spider.inc_stat("github/head_requests")
    return Request(gh.html_url(github_web(spider), full_name), method="HEAD",
                   callback=spider.parse_head, errback=spider.on_lookup_error,
                   cb_kwargs={"key": key, "full_name": full_name},
                   meta=_meta("repo", key, "github"), dont_filter=True)


def _spent_note(name: str) -> str:
    return (f"GitHub API budget spent: the file tree of {name} was not read; "
            "code components come from the card only")


def parse_repo(spider: DraftSpider, response: Response, key: str,
               full_name: str) -> Iterator[Any]:
    budget = spider.lookups.budget
    headers = response.headers.to_unicode_dict()
    budget.update(gh.parse_rate_limit(headers))
    if gh.is_rate_limited(response.status, headers):
        budget.exhaust()
        spider.inc_stat("github/rate_limited")
        spider.logger.warning("GitHub API budget spent (resets at %s); verifying %s by HEAD",
                              budget.reset, full_name)
        yield _head_request(spider, key, full_name)
        return
    if response.status == 404:
        spider.inc_stat("github/missing")
        yield from spider.answered("repo", key, RepoResult(
            "missing", note=f"GitHub: {full_name} does not exist (404)"))
        return
    if response.status != 200:
        spider.inc_stat(f"github/http_{response.status}")
        yield from spider.answered("repo", key, RepoResult(
            "error", note=f"GitHub: {full_name} not readable (HTTP {response.status})"))
        return
    try:
        repo = gh.parse_repo(json.loads(response.text))
    except ValueError as exc:
        spider.inc_stat("github/invalid")
        yield from spider.answered("repo", key, RepoResult(
            "error", note=f"GitHub: unusable answer for {full_name} ({exc})"))
        return
    if repo.full_name.lower() != full_name.lower():
        spider.inc_stat("github/renamed")
        spider.logger.info("GitHub: %s is now %s", full_name, repo.full_name)
    result = RepoResult("found", "api", repo, canonical=repo.full_name)
    if not budget.allows_api():
        result.note = _spent_note(repo.full_name)
        yield from spider.answered("repo", key, result)
        return
    spider.inc_stat("github/api_requests")
    yield Request(gh.tree_api_url(github_api(spider), repo.full_name, repo.default_branch),
                  headers=_API_HEADERS, callback=spider.parse_tree,
                  errback=spider.on_lookup_error, cb_kwargs={"key": key, "result": result},
                  meta=_meta("repo", key, "github", partial=result), dont_filter=True)


def parse_tree(spider: DraftSpider, response: Response, key: str,
               result: RepoResult) -> Iterator[Any]:
    budget = spider.lookups.budget
    headers = response.headers.to_unicode_dict()
    budget.update(gh.parse_rate_limit(headers))
    name = result.canonical
    if response.status == 200:
        try:
            result.tree = gh.parse_tree(json.loads(response.text))
            spider.inc_stat("github/trees")
        except ValueError as exc:
            result.note = f"GitHub: unusable file tree of {name} ({exc})"
    elif gh.is_rate_limited(response.status, headers):
        budget.exhaust()
        spider.inc_stat("github/rate_limited")
        result.note = _spent_note(name)
    else:
        result.note = f"GitHub: the file tree of {name} was not readable " \
                      f"(HTTP {response.status})"
    yield from spider.answered("repo", key, result)


def parse_head(spider: DraftSpider, response: Response, key: str,
               full_name: str) -> Iterator[Any]:
    if response.status == 200:
        spider.inc_stat("github/head_found")
        canonical = "/".join(urlsplit(response.url).path.strip("/").split("/")[:2])
        result = RepoResult(
            "found", "head", canonical=canonical or full_name,
            note=f"GitHub API budget spent: {canonical or full_name} verified by HEAD only; "
                 "its license and file tree were not read")
    elif response.status == 404:
        spider.inc_stat("github/missing")
        result = RepoResult("missing", note=f"GitHub: {full_name} does not exist (404)")
    else:
        result = RepoResult("error", note=f"GitHub: {full_name} not verifiable "
                                          f"(HTTP {response.status})")
    yield from spider.answered("repo", key, result)


# -- failures ---------------------------------------------------------------------
def on_lookup_error(spider: DraftSpider, failure: Failure) -> Iterator[Any]:
    """A network-level failure of a lookup: resolve it as unknown, go on drafting."""
    kind, key = failure.request.meta["lookup"]
    reason = type(failure.value).__name__
    spider.inc_stat(f"{kind}/error")
    spider.logger.warning("%s lookup %s failed (%s); drafting without it", kind, key, reason)
    if kind == "dataset":
        yield from spider.answered("dataset", key, ds.missing(f"lookup failed ({reason})"))
        return
    partial = failure.request.meta.get("partial")
    if isinstance(partial, RepoResult):
        partial.note = f"GitHub: the file tree of {partial.canonical} failed ({reason})"
        yield from spider.answered("repo", key, partial)
        return
    yield from spider.answered("repo", key, RepoResult(
        "error", note=f"GitHub: {key} lookup failed ({reason}); drafted without it"))
