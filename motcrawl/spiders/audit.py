"""``scrapy crawl audit``: check the MOT catalog's entries against the Hub.

Routing only; the finding kinds are ``motcrawl.audit.findings``. Order of work:

1. the catalog: a models folder (read at start) or MOT's API pages (crawled here);
2. the catalog-only findings (no request): URLs that are no model URL, several
   files naming one repository, names that contradict the repository id;
3. per entry that names a Hub model: ``GET /api/models/{id}`` with the drafts'
   ``expand[]`` fields (a 307 of a renamed repository is followed), then the card
   through ``/resolve/`` when the repository has one. That is at most two requests
   per entry, plus one per redirect; nothing else is asked (no refs, LICENSE,
   GitHub or dataset lookups). An id named by several files is asked once.

Items are findings (motcrawl.items.AuditFinding); the report is written by
motcrawl.pipelines.AuditReportPipeline. The spider writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from motcrawl.args import AuditArgs, parse_audit_args
from motcrawl.audit.entries import Entry, from_api, read_dir
from motcrawl.audit.findings import (
    Finding,
    HubAnswer,
    catalog_findings,
    hub_findings,
    settle_guess,
)
from motcrawl.items import AuditFinding
from motcrawl.mof.catalog import api_models, api_page_url, next_api_pages
from motcrawl.spiders.base import MotSpider
from motcrawl.web import hf

FEED_FIELDS = ["catalog_file", "model_id", "kind", "detail", "evidence", "suggestion"]
# Answers the callbacks read themselves: they are findings, not failures.
INFO_STATUSES = [401, 403, 404, 410]
CARD_STATUSES = [401, 403, 404]


def _error_code(response: Response) -> str:
    return response.headers.get(b"X-Error-Code", b"").decode("latin-1")


def _id_from_api_url(url: str) -> str | None:
    path = unquote(urlsplit(url).path)
    marker = "/api/models/"
    return path.split(marker, 1)[1].strip("/") if marker in path else None


def as_item(finding: Finding) -> AuditFinding:
    return AuditFinding(**finding.feed(), diff=finding.diff, downloads=finding.downloads)


class AuditSpider(MotSpider):
    name = "audit"
    args: AuditArgs
    custom_settings = {
        "FEED_EXPORT_FIELDS": FEED_FIELDS,
        # Findings are not drafts: only the report pipeline sees them.
        "ITEM_PIPELINES": {"motcrawl.pipelines.AuditReportPipeline": 700},
    }

    @classmethod
    def parse_arguments(cls, kwargs: dict[str, Any]) -> AuditArgs:
        """Validate arguments (raises motcrawl.args.ArgumentError with a one-line message)."""
        return parse_audit_args(kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog_source = ""
        self.entries: list[Entry] = []
        self.api_models: list[dict[str, Any]] = []
        self.names_other_model: set[str] = set()
        # Catalog findings of entries that name a model wait for its Hub answer (downloads)
        # and for the answer about a guessed right id: file -> findings, answers awaited.
        self.pending: dict[str, list[Finding]] = {}
        self.waiting: dict[str, int] = {}
        self.guesses: dict[str, list[str]] = {}   # guessed id (lower case) -> files
        self.guess_ids: dict[str, str] = {}       # guessed id (lower case) -> as written
        self.by_file: dict[str, Entry] = {}
        # What the report's summary counts.
        self.with_hub_url = 0
        self.audited = 0
        self.failed = 0
        self.hf_requests = 0
        self._mot_pending = 0

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"motcrawl/audit/{key}", count)

    async def start(self) -> AsyncIterator[Any]:
        if self.args.models_dir is not None:
            self.catalog_source = str(self.args.models_dir)
            self.entries = list(read_dir(self.args.models_dir))
            for request_or_item in self.catalog_ready():
                yield request_or_item
        else:
            self.catalog_source = self.mot_api_url
            yield self.mot_request(1)

    # -- the catalog from MOT's API -------------------------------------------
    def mot_request(self, page: int) -> Request:
        self._mot_pending += 1
        return Request(api_page_url(self.mot_api_url, page), callback=self.parse_mot_page,
                       errback=self.on_mot_error,
                       cb_kwargs={"page": page}, meta={"stage": "mot_api"}, dont_filter=True)

    def parse_mot_page(self, response: Response, page: int) -> Iterator[Any]:
        self._mot_pending -= 1
        try:
            models, total_pages = api_models(json.loads(response.text))
        except ValueError as exc:
            raise CloseSpider(f"mot_api_invalid: {response.url}: {exc}") from None
        self.api_models += models
        for number in next_api_pages(page, total_pages, len(models)):
            yield self.mot_request(number)
        if self._mot_pending == 0:
            models = sorted(self.api_models, key=lambda m: str(m.get("id")))
            self.entries = list(from_api(models, self.mot_api_url))
            yield from self.catalog_ready()

    def on_mot_error(self, failure: Failure) -> None:
        # A partial catalog would miss duplicates and entries: stop.
        self._inc("mot_api_failed")
        reason = f"mot_api_failed: {failure.request.url}: {failure.getErrorMessage()[:200]}"
        self.logger.error("MOT catalog unavailable, stopping (%s)", reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    # -- catalog-only findings, then the Hub ---------------------------------------
    def catalog_ready(self) -> Iterator[Any]:
        stats = self.crawler.stats
        stats.set_value("motcrawl/catalog/entries", len(self.entries))
        if not self.entries and not self.args.allow_empty_catalog:
            # MOT has hundreds of entries: an audit of none checked nothing and must not
            # read as a clean catalog.
            stats.inc_value("motcrawl/catalog/empty")
            reason = f"catalog_empty: {self.catalog_source} holds no model entry"
            self.logger.error("MOT catalog empty, nothing audited (%s; "
                              "-a allow_empty_catalog=true if that is right)", reason)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
            return
        found, self.names_other_model = catalog_findings(self.entries)
        self.logger.info("catalog %s: %d entries, %d catalog findings", self.catalog_source,
                         len(self.entries), len(found))
        self.by_file = {e.catalog_file: e for e in self.entries}
        by_id: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.model_id:
                by_id.setdefault(entry.model_id.lower(), []).append(entry)
                self.waiting[entry.catalog_file] = 1  # its own info answer
        for finding in found:
            if finding.catalog_file not in self.waiting:
                yield self.item(finding)  # no Hub id: nothing to wait for
                continue
            self.pending.setdefault(finding.catalog_file, []).append(finding)
            if finding.guess:
                self.guess_ids.setdefault(finding.guess.lower(), finding.guess)
                files = self.guesses.setdefault(finding.guess.lower(), [])
                if finding.catalog_file not in files:
                    files.append(finding.catalog_file)
                    self.waiting[finding.catalog_file] += 1
        self.with_hub_url = sum(len(group) for group in by_id.values())
        stats.set_value("motcrawl/catalog/models", len(by_id))
        stats.set_value("motcrawl/models/total", len(by_id))
        for group in by_id.values():
            yield self.info_request(group)
        # A guessed id the catalog names anyway is settled by that entry's answer.
        for guess in sorted(set(self.guesses) - set(by_id)):
            yield self.guess_request(guess)

    def guess_request(self, guess: str) -> Request:
        """Is the id a finding suggests on the Hub? One small info request (issue 16's
        budget: at most 2.2 per entry; there are a handful of guesses)."""
        model_id = self.guess_ids[guess]
        self.hf_requests += 1
        return Request(hf.model_info_url(self.hf_endpoint, model_id, expand=("downloads",)),
                       callback=self.parse_guess, errback=self.on_guess_error,
                       cb_kwargs={"guess": guess}, dont_filter=True,
                       meta={"model_id": model_id, "stage": "guess",
                             "handle_httpstatus_list": INFO_STATUSES})

    def parse_guess(self, response: Response, guess: str) -> Iterator[AuditFinding]:
        self.hf_requests += len(response.meta.get("redirect_urls") or [])
        yield from self.settle(guess, response.status == 200)

    def on_guess_error(self, failure: Failure) -> Iterator[AuditFinding]:
        yield from self.settle(failure.request.cb_kwargs["guess"], None)

    def settle(self, guess: str, exists: bool | None) -> Iterator[AuditFinding]:
        for catalog_file in self.guesses.pop(guess, []):
            for finding in self.pending.get(catalog_file, []):
                if finding.guess.lower() == guess:
                    settle_guess(finding, self.by_file[catalog_file], exists)
            yield from self.answered(catalog_file)

    def answered(self, catalog_file: str) -> Iterator[AuditFinding]:
        """One answer an entry waited for came; with the last, its catalog findings go."""
        self.waiting[catalog_file] -= 1
        if self.waiting[catalog_file] <= 0:
            for finding in self.pending.pop(catalog_file, []):
                yield self.item(finding)

    def info_request(self, group: list[Entry]) -> Request:
        model_id = str(group[0].model_id)
        self.hf_requests += 1
        return Request(hf.model_info_url(self.hf_endpoint, model_id), callback=self.parse_info,
                       errback=self.on_error, cb_kwargs={"group": group},
                       meta={"model_id": model_id, "stage": "info",
                             "handle_httpstatus_list": INFO_STATUSES})

    def parse_info(self, response: Response, group: list[Entry]) -> Iterator[Any]:
        model_id = str(group[0].model_id)
        redirects = response.meta.get("redirect_urls") or []
        self.hf_requests += len(redirects)
        answer = HubAnswer(model_id, response.status, _error_code(response))
        if redirects:
            answer.redirected_to = _id_from_api_url(response.url)
        if response.status == 200:
            try:
                payload = json.loads(response.body)
                if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
                    raise ValueError("no model id in the answer")
            except ValueError as exc:
                yield from self._failed(group, f"invalid info JSON: {str(exc)[:150]}")
                return
            answer.info = payload
            names = hf.sibling_names(hf.parse_model_info(payload)) \
                if self._parses(payload) else []
            if "README.md" in names or not names:
                self.hf_requests += 1
                yield Request(hf.card_url(self.hf_endpoint, payload["id"]),
                              callback=self.parse_card, errback=self.on_card_error,
                              cb_kwargs={"group": group, "answer": answer}, dont_filter=True,
                              meta={"model_id": model_id, "stage": "card",
                                    "handle_httpstatus_list": CARD_STATUSES})
                return
        yield from self.findings(group, answer)

    @staticmethod
    def _parses(payload: dict[str, Any]) -> bool:
        try:
            hf.parse_model_info(payload)
        except hf.HubAnswerError:
            return False
        return True

    def parse_card(self, response: Response, group: list[Entry],
                   answer: HubAnswer) -> Iterator[Any]:
        self.hf_requests += len(response.meta.get("redirect_urls") or [])
        if response.status == 200:
            answer.card_text = response.body.decode("utf-8", errors="replace")
            answer.card_status = "ok"
        elif response.status in (401, 403) and _error_code(response) == "GatedRepo":
            answer.card_status = "gated"
            answer.card_error = f"{response.status} GatedRepo"
        else:
            answer.card_status = "missing"
            answer.card_error = f"{response.status} {_error_code(response)}".strip()
        yield from self.findings(group, answer)

    def on_card_error(self, failure: Failure) -> Iterator[Any]:
        """The card failed (network, 5xx after retries): judge on the info answer alone."""
        kwargs = failure.request.cb_kwargs
        answer: HubAnswer = kwargs["answer"]
        answer.card_status, answer.card_error = "error", failure.getErrorMessage()[:200]
        self._inc("card_failed")
        yield from self.findings(kwargs["group"], answer)

    def item(self, finding: Finding) -> AuditFinding:
        self._inc(f"findings/{finding.kind}")
        return as_item(finding)

    def findings(self, group: list[Entry], answer: HubAnswer) -> Iterator[AuditFinding]:
        for entry in group:
            self.audited += 1
            self._inc("audited")
            for finding in self.pending.get(entry.catalog_file, []):
                finding.downloads = answer.downloads
            wrong = entry.catalog_file in self.names_other_model
            try:
                found = hub_findings(entry, answer, names_other_model=wrong,
                                     endpoint=self.hf_endpoint)
            except Exception:  # a bug hit by one entry's data must not lose the others
                self.failed += 1
                self._inc("internal_errors")
                self.logger.exception("%s: Hub findings not computed", entry.catalog_file)
                found = []
            for finding in found:
                yield self.item(finding)
            yield from self.answered(entry.catalog_file)
        yield from self.settle(answer.requested_id.lower(), answer.status == 200
                               if answer.status in (200, 401, 404, 410) else None)

    def on_error(self, failure: Failure) -> Iterator[AuditFinding]:
        group = failure.request.cb_kwargs["group"]
        yield from self._failed(group, failure.getErrorMessage()[:200])

    def _failed(self, group: list[Entry], reason: str) -> Iterator[AuditFinding]:
        """The Hub could not be asked: the entry's catalog findings still stand."""
        self.failed += len(group)
        self._inc("failed", len(group))
        self.logger.warning("%s: not checked on the Hub (%s)", group[0].model_id, reason)
        for entry in group:
            yield from self.answered(entry.catalog_file)
        yield from self.settle(str(group[0].model_id).lower(), None)
