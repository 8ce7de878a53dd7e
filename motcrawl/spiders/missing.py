"""``scrapy crawl missing``: popular Hub models the MOT catalog lacks, ranked and drafted.

Order of work, so that known models cost nothing and memory stays flat:
1. the catalog: a models folder (read at start) or MOT's API pages (crawled here);
2. the listing, most downloaded first, one page at a time through the ``Link``
   header (never ``skip``/``page``: the Hub ignores them and repeats page one);
3. per listed model, the catalog diff: a known model is one item and no request;
   the first ``max_drafts`` missing ones continue to the detail requests the
   ``model`` spider makes, from the listing entry (same ``expand[]`` fields).
The listing stops at the first model under ``min_downloads`` or after ``limit``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from motcrawl.analysis.evidence import ModelEvidence, build_evidence
from motcrawl.analysis.listing_facts import listing_facts
from motcrawl.args import MissingArgs, parse_missing_args
from motcrawl.components.resume import earlier_run, job_journal
from motcrawl.components.shared_crawl import NODE_LOCAL
from motcrawl.items import REVIEW_FIELDS, ModelItem
from motcrawl.mof.catalog import (
    REFUSED_FILES,
    Catalog,
    add_api_models,
    api_models,
    api_page_url,
    next_api_pages,
)
from motcrawl.outputs.state import UNCHANGED
from motcrawl.spiders.base import DraftSpider, error_reason
from motcrawl.web import hf
from motcrawl.web.tokens import same_origin

LISTING_PAGE_SIZE = 100

# The feed gets the report's columns only: never the raw info, card or evidence.
FEED_FIELDS = REVIEW_FIELDS


class MissingSpider(DraftSpider):
    name = "missing"
    custom_settings = {"FEED_EXPORT_FIELDS": FEED_FIELDS}
    args: MissingArgs

    @classmethod
    def parse_arguments(cls, kwargs: dict[str, Any]) -> MissingArgs:
        """Validate arguments (raises motcrawl.args.ArgumentError with a one-line message)."""
        return parse_missing_args(kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed = 0
        self.drafts_requested = 0
        self._mot_pending = 0
        self._resumed: set[str] = set()  # models an earlier run of this JOBDIR job wanted

    async def start(self) -> AsyncIterator[Any]:
        if self.args.models_dir is not None:
            loaded = self.load_catalog_dir("the listing")
            assert self.catalog is not None
            self._catalog_ready()
            if not loaded:
                return
            for request in self.first_requests():
                yield request
        else:
            self.catalog = Catalog(source=self.mot_api_url)
            yield self.mot_request(1)

    # -- the catalog from MOT's API -------------------------------------------
    def mot_request(self, page: int) -> Request:
        self._mot_pending += 1
        return Request(api_page_url(self.mot_api_url, page), callback=self.parse_mot_page,
                       errback=self.on_mot_error,
                       cb_kwargs={"page": page}, meta={"stage": "mot_api", NODE_LOCAL: True},
                       dont_filter=True)  # every node of a shared crawl needs the catalog

    def parse_mot_page(self, response: Response, page: int) -> Iterator[Any]:
        self._mot_pending -= 1
        assert self.catalog is not None
        try:
            models, total_pages = api_models(json.loads(response.text))
        except ValueError as exc:
            self.inc_stat("mot_api/invalid")
            raise CloseSpider(f"mot_api_invalid: {response.url}: {exc}") from None
        self.inc_stat("mot_api/pages")
        self.inc_stat("mot_api/models", add_api_models(self.catalog, models, self.mot_api_url))
        for number in next_api_pages(page, total_pages, len(models)):
            yield self.mot_request(number)
        if self._mot_pending == 0:
            self.catalog.finish()
            self._catalog_ready()
            if self.empty_catalog_stops(self.catalog, "mot_api/empty",
                                        f"mot_api_empty: {self.mot_api_url} listed 0 models",
                                        "the listing"):
                return
            yield from self.first_requests()

    # -- a resumed JOBDIR job (motcrawl.components.resume) -----------------------
    def first_requests(self) -> Iterator[Request]:
        """The listing from its start; in a resumed JOBDIR job, every model an earlier run
        wanted drafted and did not finish (from its listing entry: no info request), then
        the listing from where it stopped."""
        earlier = earlier_run(self.crawler)
        if earlier is None:
            yield self.listing_request()
            return
        self._resumed = set(earlier.wanted)
        listing = earlier.listing or {}
        self.listed = int(listing.get("listed") or 0)
        self.drafts_requested = len(earlier.wanted)
        unfinished = earlier.unfinished
        self.logger.info("resuming: %d of %d models wanted by this job are finished, %d are "
                         "requested again; listing %s", len(earlier.wanted) - len(unfinished),
                         len(earlier.wanted), len(unfinished),
                         "done" if listing and not listing.get("next") else "continues")
        for want in unfinished:
            yield from self.redraft(want)
        if not listing:
            yield self.listing_request(refetch=True)
        elif listing.get("next"):
            yield self.listing_request(listing["next"], refetch=True)

    def redraft(self, want: dict[str, Any]) -> Iterator[Request]:
        entry = want.get("entry")
        model_id = want["m"]
        if not isinstance(entry, dict):
            yield self.info_request(model_id, refetch=True)
            return
        self.inc_stat("resume/requested_again")
        item = ModelItem(model_id=model_id, url=hf.model_url("https://huggingface.co", model_id),
                         draft_requested=True, **listing_facts(entry))
        item["base_models"] = _base_models(entry)
        if want.get("why"):
            item["incremental"] = want["why"]
        yield from self.details_from_info(item, entry, listed=True, refetch=True)

    def _journal_listing(self, next_url: str | None) -> None:
        found = job_journal(self.crawler)
        if found is not None:
            found[0].listing(next_url, self.listed, self.drafts_requested)

    def on_mot_error(self, failure: Failure) -> None:
        # A partial catalog would report (and draft) models MOT already has: stop.
        # Closing through the engine, not by raising CloseSpider: an errback that raises
        # makes Scrapy log the download error again, with a traceback.
        self.inc_stat("mot_api/failed")
        reason = f"mot_api_failed: {failure.request.url}: {error_reason(failure)}"
        self.logger.error("MOT catalog unavailable, stopping before the listing (%s)", reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _catalog_ready(self) -> None:
        assert self.catalog is not None
        stats = self.crawler.stats
        # The drafts to come, at most max_drafts: the rate limiter paces for that total
        # (no quota saved for work that is not coming) and the progress line shows an ETA.
        # The listing's end makes it exact (_stop).
        stats.set_value("motcrawl/models/total", self.args.max_drafts)
        stats.set_value("motcrawl/catalog/entries", self.catalog.entries)
        stats.set_value("motcrawl/catalog/models", self.catalog.model_count)
        stats.set_value("motcrawl/catalog/warnings", len(self.catalog.warnings))
        self.logger.info("catalog %s: %d entries, %d Hub models, %d warnings",
                         self.catalog.source, self.catalog.entries, self.catalog.model_count,
                         len(self.catalog.warnings))
        for warning in self.catalog.warnings:
            if warning.kind in REFUSED_FILES:  # hostile or broken: say which file, go on
                self.logger.warning("catalog file %s: %s", warning.source, warning.detail)

    # -- the listing ------------------------------------------------------------
    def listing_request(self, url: str | None = None, *, refetch: bool = False) -> Request:
        if url is None:
            url = hf.listing_url(self.hf_endpoint, limit=LISTING_PAGE_SIZE,
                                 pipeline_tag=self.args.model_type)
        # Filtered, so that of several scrapy-redis nodes only one walks the listing (and a
        # JOBDIR resume never re-reads a page); node-local, so that node keeps the walk
        # and its counts (limit, max_drafts) while the per-model requests are shared.
        # ``refetch``: a resumed JOBDIR job continues where the persisted filter saw it.
        return Request(url, callback=self.parse_listing, errback=self.on_listing_error,
                       meta={"stage": "listing", NODE_LOCAL: True}, dont_filter=refetch)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        try:
            entries = json.loads(response.text)
            if not isinstance(entries, list):
                raise ValueError("not a list")
        except ValueError as exc:
            self.inc_stat("listing/invalid")
            self._listing_done()
            self.logger.error("listing page %s is not a JSON list (%s): listing stops",
                              response.url, exc)
            return
        self.inc_stat("listing/pages")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.inc_stat("listing/invalid_entries")
                continue
            downloads = entry.get("downloads")
            if not isinstance(downloads, int) or downloads < self.args.min_downloads:
                # Sorted by downloads: every later model is below the threshold too.
                self._stop("threshold")
                return
            if self.args.limit is not None and self.listed >= self.args.limit:
                self._stop("limit")
                return
            self.listed += 1
            self.inc_stat("listing/models")
            yield from self.listed_model(entry)
        if self.args.limit is not None and self.listed >= self.args.limit:
            self._stop("limit")
            return
        link = response.headers.get("Link")
        next_url = hf.next_link(link.decode("latin-1") if link else None)
        if not next_url:
            self._stop("end")
        elif not same_origin(next_url, self.hf_endpoint):
            self.logger.error("listing next link leaves %s (%s): listing stops",
                              self.hf_endpoint, next_url)
            self._stop("foreign_link")
        else:
            self._journal_listing(next_url)
            yield self.listing_request(next_url)

    def _listing_done(self) -> None:
        """No more drafts will be requested: the total is what was requested."""
        self.crawler.stats.set_value("motcrawl/models/total", self.drafts_requested)

    def _stop(self, reason: str) -> None:
        self._journal_listing(None)
        self._listing_done()
        self.inc_stat(f"listing/stopped/{reason}")
        self.logger.info("listing stopped (%s) after %d models", reason, self.listed)

    def on_listing_error(self, failure: Failure) -> None:
        self.inc_stat("listing/failed")
        self._listing_done()
        self.logger.error("listing page %s failed (%s): listing stops after %d models",
                          failure.request.url, error_reason(failure), self.listed)

    def listed_model(self, entry: dict[str, Any]) -> Iterator[Any]:
        """The diff, before any request: known or beyond max_drafts -> one item, no request."""
        assert self.catalog is not None
        model_id = entry["id"]
        if model_id in self._resumed:
            return  # wanted by an earlier run of this job: finished, or requested again
        try:
            evidence: ModelEvidence | None = build_evidence(model_id, entry, None, "missing")
        except hf.HubAnswerError:
            evidence = None  # a report row with blank type and license; no draft
        item = ModelItem(model_id=model_id, url=hf.model_url("https://huggingface.co", model_id),
                         draft_requested=False, **listing_facts(entry, evidence))
        if model_id in self.catalog or self.drafts_requested >= self.args.max_drafts:
            item["base_models"] = _base_models(entry) if model_id not in self.catalog else []
            yield item
            return
        runstate = self.runstate  # motcrawl.components.incremental (the state file)
        if runstate is not None:
            item["incremental"] = runstate.decide(model_id, entry)
            if item["incremental"] == UNCHANGED:
                # Drafted from this very revision in an earlier run: no request, no budget.
                item.update(base_models=_base_models(entry), draft_status=UNCHANGED,
                            draft_path=runstate.draft_of(model_id))
                yield item
                return
        self.drafts_requested += 1
        self.inc_stat("drafts/requested")
        item["draft_requested"] = True
        item["base_models"] = _base_models(entry)
        found = job_journal(self.crawler)
        if found is not None:  # JOBDIR: a resumed job finishes it even if this run does not
            found[0].want(model_id, why=item.get("incremental"), entry=entry)
        yield from self.details_from_info(item, entry, evidence, listed=True)


def _base_models(entry: dict[str, Any]) -> list[str]:
    """Base model ids from the listing's ``baseModels`` (for possible matches)."""
    base = entry.get("baseModels")
    models = base.get("models") if isinstance(base, dict) else None
    if not isinstance(models, list):
        return []
    return [m["id"] for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)][:10]
