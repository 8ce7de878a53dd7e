"""Routing of the outside lookups (Hub datasets, GitHub) once a model's Hub requests are done.

The logic lives in ``motcrawl.analysis.lookups`` (plan, per-crawl cache, budget) and
``motcrawl.analysis.github`` / ``motcrawl.analysis.datasets`` (URLs, parsing, scoring); this
mixin only builds requests and hands answers over. Requests:

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
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from motcrawl.analysis import datasets as ds
from motcrawl.analysis import github as gh
from motcrawl.analysis.lookups import ExternalPlan, GitHubBudget, OnceCache, RepoResult, plan_for
from motcrawl.components.shared_crawl import NODE_LOCAL
from motcrawl.items import ModelItem

_API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
_STATUSES = [401, 403, 404, 410, 429, 451]


def _headers(response: Response) -> dict[str, str]:
    return response.headers.to_unicode_dict()


class ExternalEvidenceMixin(Spider):
    """``external_evidence(item)`` yields the lookups, then (eventually) the item."""

    def _ext(self) -> None:
        if not hasattr(self, "_ext_ready"):
            self._ext_ready = True
            self._repo_cache: OnceCache[ModelItem] = OnceCache()
            self._dataset_cache: OnceCache[ModelItem] = OnceCache()
            self._budget = GitHubBudget()
            self._plans: dict[int, ExternalPlan] = {}

    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"motcrawl/{key}", count)

    @property
    def github_api(self) -> str:
        return self.settings.get("GITHUB_API_URL").rstrip("/")

    @property
    def github_web(self) -> str:
        return self.settings.get("GITHUB_URL").rstrip("/")

    # -- per model --------------------------------------------------------------
    def external_evidence(self, item: ModelItem) -> Iterator[Any]:
        github_on = self.settings.getbool("GITHUB_LOOKUPS", True)
        datasets_on = self.settings.getbool("DATASET_LOOKUPS", True)
        if item.get("failure") or not item.get("draft_requested") or not (
                github_on or datasets_on) or not isinstance(item.get("info"), dict):
            yield item
            return
        self._ext()
        plan = plan_for(item["model_id"], item["info"], item.get("card_text"),
                        budget=self._budget, github=github_on, datasets=datasets_on,
                        known=item.get("datasets"))
        self._plans[id(item)] = plan
        yield from self._advance(item)

    def _advance(self, item: ModelItem) -> Iterator[Any]:
        plan = self._plans[id(item)]
        step = plan.next_step()
        if step is None:
            yield self._done(item, plan)
            return
        kind, key = step
        cache = self._dataset_cache if kind == "dataset" else self._repo_cache
        state, value = cache.ask(key, item)
        if state == "cached":
            self._stat(f"{kind}/cache_hits")
            self._record(plan, kind, key, value)
            yield from self._advance(item)
        elif state == "wait":
            self._stat(f"{kind}/waited")
        elif kind == "dataset":
            yield self._dataset_request(key)
        else:
            yield self._repo_request(plan.candidate(key))

    def _record(self, plan: ExternalPlan, kind: str, key: str, value: Any) -> None:
        if kind == "dataset":
            plan.record_dataset(key, value)
        else:
            plan.record_repo(key, value)

    def _resolve(self, kind: str, key: str, value: Any) -> Iterator[Any]:
        cache = self._dataset_cache if kind == "dataset" else self._repo_cache
        for waiter in cache.resolve(key, value):
            plan = self._plans.get(id(waiter))
            if plan is None:
                continue
            self._record(plan, kind, key, value)
            yield from self._advance(waiter)

    def _done(self, item: ModelItem, plan: ExternalPlan) -> ModelItem:
        self._plans.pop(id(item), None)
        if plan.dataset_ids:
            item["datasets"] = {**(item.get("datasets") or {}), **plan.datasets}
        evidence = plan.github_evidence(self.github_web)
        if evidence is not None:
            item["github"] = evidence
            self._stat("github/repository_found" if evidence["repository"]
                       else "github/repository_none")
        return item

    # -- datasets -----------------------------------------------------------------
    def _dataset_request(self, dataset_id: str) -> Request:
        self._stat("dataset/requests")
        endpoint = self.settings.get("HF_ENDPOINT").rstrip("/")
        return Request(ds.dataset_api_url(endpoint, dataset_id),
                       callback=self.parse_dataset, errback=self.on_lookup_error,
                       cb_kwargs={"key": dataset_id},
                       meta={"handle_httpstatus_list": _STATUSES, "lookup": ("dataset", dataset_id),
                             "stage": "dataset", NODE_LOCAL: True}, dont_filter=True)

    def parse_dataset(self, response: Response, key: str) -> Iterator[Any]:
        self._ext()  # a JOBDIR resume replays lookups before any model asks
        if response.status == 200:
            try:
                info = ds.parse_dataset_info(json.loads(response.text))
                self._stat("dataset/found")
            except ValueError as exc:
                info = ds.missing(f"unusable Hub answer ({exc})")
                self._stat("dataset/invalid")
        else:
            code = response.headers.get(b"X-Error-Code", b"").decode("latin-1")
            detail = f"HTTP {response.status}{', ' + code if code else ''}"
            info = ds.missing(f"not on the Hub ({detail})" if response.status in (401, 404, 410)
                              else f"not readable ({detail})")
            self._stat(f"dataset/http_{response.status}")
        yield from self._resolve("dataset", key, info)

    # -- GitHub --------------------------------------------------------------------
    def _repo_request(self, cand: gh.Candidate) -> Request:
        if self._budget.allows_api():
            self._stat("github/api_requests")
            return Request(gh.repo_api_url(self.github_api, cand.full_name), headers=_API_HEADERS,
                           callback=self.parse_repo, errback=self.on_lookup_error,
                           cb_kwargs={"key": cand.key, "full_name": cand.full_name},
                           meta={"handle_httpstatus_list": _STATUSES,
                                 "lookup": ("repo", cand.key), "stage": "github", NODE_LOCAL: True},
                           dont_filter=True)
        return self._head_request(cand.key, cand.full_name)

    def _head_request(self, key: str, full_name: str) -> Request:
        self._stat("github/head_requests")
        return Request(gh.html_url(self.github_web, full_name), method="HEAD",
                       callback=self.parse_head, errback=self.on_lookup_error,
                       cb_kwargs={"key": key, "full_name": full_name},
                       meta={"handle_httpstatus_list": _STATUSES, "lookup": ("repo", key),
                             "stage": "github", NODE_LOCAL: True}, dont_filter=True)

    def parse_repo(self, response: Response, key: str, full_name: str) -> Iterator[Any]:
        self._ext()  # a JOBDIR resume replays lookups before any model asks
        headers = _headers(response)
        self._budget.update(gh.parse_rate_limit(headers))
        if gh.is_rate_limited(response.status, headers):
            self._budget.exhaust()
            self._stat("github/rate_limited")
            self.logger.warning("GitHub API budget spent (resets at %s); verifying %s by HEAD",
                                self._budget.reset, full_name)
            yield self._head_request(key, full_name)
            return
        if response.status == 404:
            self._stat("github/missing")
            yield from self._resolve("repo", key, RepoResult(
                "missing", note=f"GitHub: {full_name} does not exist (404)"))
            return
        if response.status != 200:
            self._stat(f"github/http_{response.status}")
            yield from self._resolve("repo", key, RepoResult(
                "error", note=f"GitHub: {full_name} not readable (HTTP {response.status})"))
            return
        try:
            repo = gh.parse_repo(json.loads(response.text))
        except ValueError as exc:
            self._stat("github/invalid")
            yield from self._resolve("repo", key, RepoResult(
                "error", note=f"GitHub: unusable answer for {full_name} ({exc})"))
            return
        if repo.full_name.lower() != full_name.lower():
            self._stat("github/renamed")
            self.logger.info("GitHub: %s is now %s", full_name, repo.full_name)
        result = RepoResult("found", "api", repo, canonical=repo.full_name)
        if not self._budget.allows_api():
            result.note = (f"GitHub API budget spent: the file tree of {repo.full_name} was "
                           "not read; code components come from the card only")
            yield from self._resolve_repo(key, result)
            return
        self._stat("github/api_requests")
        yield Request(gh.tree_api_url(self.github_api, repo.full_name, repo.default_branch),
                      headers=_API_HEADERS, callback=self.parse_tree,
                      errback=self.on_lookup_error,
                      cb_kwargs={"key": key, "result": result},
                      meta={"handle_httpstatus_list": _STATUSES, "lookup": ("repo", key),
                            "partial": result, "stage": "github", NODE_LOCAL: True},
                      dont_filter=True)

    def parse_tree(self, response: Response, key: str, result: RepoResult) -> Iterator[Any]:
        self._ext()  # a JOBDIR resume replays lookups before any model asks
        headers = _headers(response)
        self._budget.update(gh.parse_rate_limit(headers))
        name = result.canonical
        if response.status == 200:
            try:
                result.tree = gh.parse_tree(json.loads(response.text))
                self._stat("github/trees")
            except ValueError as exc:
                result.note = f"GitHub: unusable file tree of {name} ({exc})"
        elif gh.is_rate_limited(response.status, headers):
            self._budget.exhaust()
            self._stat("github/rate_limited")
            result.note = (f"GitHub API budget spent: the file tree of {name} was not read; "
                           "code components come from the card only")
        else:
            result.note = f"GitHub: the file tree of {name} was not readable " \
                          f"(HTTP {response.status})"
        yield from self._resolve_repo(key, result)

    def parse_head(self, response: Response, key: str, full_name: str) -> Iterator[Any]:
        self._ext()  # a JOBDIR resume replays lookups before any model asks
        if response.status == 200:
            self._stat("github/head_found")
            canonical = "/".join(urlsplit(response.url).path.strip("/").split("/")[:2])
            result = RepoResult(
                "found", "head", canonical=canonical or full_name,
                note=f"GitHub API budget spent: {canonical or full_name} verified by HEAD only; "
                     "its license and file tree were not read")
        elif response.status == 404:
            self._stat("github/missing")
            result = RepoResult("missing", note=f"GitHub: {full_name} does not exist (404)")
        else:
            result = RepoResult("error", note=f"GitHub: {full_name} not verifiable "
                                              f"(HTTP {response.status})")
        yield from self._resolve_repo(key, result)

    def _resolve_repo(self, key: str, result: RepoResult) -> Iterator[Any]:
        if result.canonical and result.canonical.lower() != key:
            self._repo_cache.alias(result.canonical.lower(), result)
        yield from self._resolve("repo", key, result)

    # -- failures ---------------------------------------------------------------------
    def on_lookup_error(self, failure: Failure) -> Iterator[Any]:
        """A network-level failure of a lookup: resolve it as unknown, go on drafting."""
        self._ext()
        kind, key = failure.request.meta["lookup"]
        reason = type(failure.value).__name__
        self._stat(f"{kind}/error")
        self.logger.warning("%s lookup %s failed (%s); drafting without it", kind, key, reason)
        if kind == "dataset":
            yield from self._resolve("dataset", key, ds.missing(f"lookup failed ({reason})"))
            return
        partial = failure.request.meta.get("partial")
        if isinstance(partial, RepoResult):
            partial.note = f"GitHub: the file tree of {partial.canonical} failed ({reason})"
            yield from self._resolve_repo(key, partial)
            return
        yield from self._resolve("repo", key, RepoResult(
            "error", note=f"GitHub: {key} lookup failed ({reason}); drafted without it"))
