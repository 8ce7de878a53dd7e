"""The base of motcrawl's spiders: arguments, and one model's requests from its id to its item.

:class:`MotSpider` is every motcrawl spider (``audit`` too): validated arguments, the
output base folder, the Hub token, the endpoints. :class:`DraftSpider` adds the requests
that turn a model id into a ModelItem (``model``, ``missing``).

Per model, in order (each step only when needed):

1. the info JSON (unless a listing entry with the same ``expand[]`` fields carried it);
2. the card through ``/resolve/``;
3. refs and the LICENSE file, when motcrawl.analysis.followups says a detector needs them;
4. the outside lookups (Hub datasets, GitHub), routed here, planned and cached by the
   spider's one :class:`motcrawl.analysis.lookups.Lookups` object (see
   motcrawl.spiders.lookup_requests for the requests);
5. the item, with the parsed :class:`motcrawl.analysis.evidence.ModelEvidence`.

Pipelines and extensions read what this class declares (``args``, ``catalog``,
``runstate``, ``hf_token``, ``state_dir``): see motcrawl.components.spider_api.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from motcrawl import settings as defaults
from motcrawl.analysis.evidence import ModelEvidence, build_evidence
from motcrawl.analysis.followups import license_file_to_fetch, needs_refs
from motcrawl.analysis.lookups import Lookups, ModelLookups, plan_from
from motcrawl.args import AuditArgs, MissingArgs, ModelArgs, settings_into_arguments
from motcrawl.components.incremental import RunState
from motcrawl.components.middlewares import OfflineCacheMiss
from motcrawl.items import ModelItem
from motcrawl.mof.catalog import Catalog, load_dir
from motcrawl.spiders import lookup_requests
from motcrawl.web import hf


def error_reason(failure: Failure) -> str:
    """One line that says what went wrong with a request, for logs and the failures file."""
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        code = response.headers.get(b"X-Error-Code", b"").decode("latin-1")
        message = response.headers.get(b"X-Error-Message", b"").decode("latin-1")
        text = {401: "unauthorized (401)", 403: "forbidden (403)", 404: "not found (404)",
                429: "rate limited (429)"}.get(response.status, f"HTTP {response.status}")
        detail = ", ".join(p for p in (code, message) if p)
        return f"{text}{': ' + detail if detail else ''}"
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{name}: {text[:200]}" if text else name


def _status(failure: Failure) -> int | None:
    return failure.value.response.status if isinstance(failure.value, HttpError) else None


class MotSpider(Spider):
    """Every motcrawl spider. Subclasses set ``name`` and ``parse_arguments`` and
    implement ``start()``; ``scrapy crawl`` calls ``parse_arguments`` before the crawl
    too (motcrawl.commands.crawl), so bad arguments stop it with one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Spider.__init__ keeps every -a argument as an attribute too (Scrapy's contract).
        super().__init__(*args, **kwargs)
        self.args: ModelArgs | MissingArgs | AuditArgs = self.parse_arguments(kwargs)
        # -a hf_token: the Hub token for this crawl (else HF_TOKEN, motcrawl.web.tokens).
        self.hf_token: str | None = kwargs.get("hf_token") or None

    @classmethod
    def parse_arguments(cls, kwargs: dict[str, Any]) -> ModelArgs | MissingArgs | AuditArgs:
        """Validate arguments (raises motcrawl.args.ArgumentError with a one-line message)."""
        raise NotImplementedError

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        # Arguments are parsed in __init__, before the spider sees settings: hand the
        # output base folder (MOTCRAWL_OUTPUT_DIR, scrapyd default) over as an argument.
        settings_into_arguments(kwargs, crawler.settings)
        return super().from_crawler(crawler, *args, **kwargs)

    def inc_stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"motcrawl/{key}", count)

    @property
    def hf_endpoint(self) -> str:
        return str(self.settings.get("HF_ENDPOINT")).rstrip("/")

    @property
    def mot_api_url(self) -> str:
        return str(self.settings.get("MOT_API_URL")).rstrip("/")


class DraftSpider(MotSpider):
    """A spider that turns model ids (or listing entries) into ModelItems."""

    args: ModelArgs | MissingArgs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # -a state_dir: folder of the incremental state (motcrawl.components.incremental).
        self.state_dir: str | None = kwargs.get("state_dir") or None
        # The MOT catalog the listing is compared with (the ``missing`` spider's).
        self.catalog: Catalog | None = None
        # Set by motcrawl.components.incremental.IncrementalRuns when the spider opens.
        self.runstate: RunState | None = None
        # The outside lookups: per-crawl caches, GitHub budget, the models waiting.
        self.lookups: Lookups[ModelItem] = Lookups(self.inc_stat)

    def empty_catalog_stops(self, catalog: Catalog, stat: str, reason: str, before: str) -> bool:
        """True, and the crawl closing with ``reason``, when ``catalog`` holds no entry and
        ``-a allow_empty_catalog=true`` was not given. MOT has hundreds of models: an empty
        catalog (an API answer, a models folder) is a broken source, and drafting against
        it would draft models MOT has."""
        if catalog.entries or self.args.allow_empty_catalog:
            return False
        self.inc_stat(stat)
        self.logger.error("MOT catalog unavailable, stopping before %s (%s; "
                          "-a allow_empty_catalog=true if that is right)", before, reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
        return True

    def load_catalog_dir(self, before: str) -> bool:
        """Read ``-a models_dir`` into ``self.catalog``; False when it holds no model file
        and the crawl stops (:meth:`empty_catalog_stops`)."""
        assert self.args.models_dir is not None
        # Reading the catalog is input, like ids_file; the spider writes nothing.
        self.catalog = load_dir(self.args.models_dir)
        reason = f"catalog_empty: {self.args.models_dir} holds no model file"
        return not self.empty_catalog_stops(self.catalog, "catalog/empty", reason, before)

    def _request(self, url: str, callback: Any, item: ModelItem, stage: str,
                 errback: Any = None, *, entry: bool = False) -> Request:
        """A request for one model's chain (info, card, refs, license).

        Only a model's *entry* request goes through the duplicate filter: the same
        model reached twice (a listing that shifted between pages, two scrapy-redis
        nodes) is then fetched once. The rest of its chain belongs to whoever passed
        the entry, and is never filtered: the filter would drop a follow-up seen in an
        earlier, interrupted run of a JOBDIR job without a callback or an errback,
        and the model would be lost without a trace.
        """
        return Request(url, callback=callback, errback=errback or self.on_stage_error,
                       cb_kwargs={"item": item}, dont_filter=not entry,
                       meta={"model_id": item["model_id"], "stage": stage})

    # -- info -----------------------------------------------------------------
    def info_request(self, model_id: str, *, refetch: bool = False) -> Request:
        """The first request for a model. ``refetch``: a resumed job asks again for a
        model whose requests were in the downloader at shutdown; the persisted
        duplicate filter has seen them, and would drop the model without a trace."""
        item = ModelItem(model_id=model_id, url=hf.model_url("https://huggingface.co", model_id),
                         draft_requested=True)
        return self._request(hf.model_info_url(self.hf_endpoint, model_id), self.parse_info,
                             item, "info", entry=not refetch)

    def parse_info(self, response: Response, item: ModelItem) -> Iterator[Any]:
        try:
            # The body, not response.text: a JSON answer with a wrong Content-Type
            # (octet-stream) is no TextResponse, and json.loads detects UTF-8/16/32.
            payload = json.loads(response.body)
            if not isinstance(payload, dict) or "id" not in payload:
                raise ValueError("no model id in the answer")
        except (ValueError, TypeError, AttributeError) as exc:
            yield self.failed(item, "info", f"invalid info JSON: {str(exc)[:150]}")
            return
        yield from self.details_from_info(item, payload)

    def details_from_info(self, item: ModelItem, payload: dict[str, Any],
                          evidence: ModelEvidence | None = None, *,
                          listed: bool = False, refetch: bool = False) -> Iterator[Any]:
        """Continue from an info payload (fetched, or ``listed``: from a listing entry with
        the same expand, whose card request is then the model's entry request, unless
        ``refetch``: a resumed job asks again for a model its earlier run wanted).
        ``evidence``: the payload already parsed (None: parse it here)."""
        if evidence is None:
            try:
                evidence = build_evidence(item["model_id"], payload, None, "missing")
            except hf.HubAnswerError as exc:
                yield self.failed(item, "info", f"invalid info JSON: {str(exc)[:150]}")
                return
        item["info"] = payload
        item["evidence"] = evidence
        for field, key in (("downloads", "downloads"), ("likes", "likes"),
                           ("pipeline_tag", "pipeline_tag"), ("gated", "gated")):
            if item.get(field) is None and key in payload:
                item[field] = payload[key]
        if item.get("created") is None and isinstance(payload.get("createdAt"), str):
            item["created"] = payload["createdAt"][:10]
        if payload.get("id") and payload["id"] != item["model_id"]:
            self.logger.info("%s is now %s (renamed on the Hub)", item["model_id"], payload["id"])
        names = evidence.files
        if "README.md" in names or not names:
            yield self._request(hf.card_url(self.hf_endpoint, item["model_id"]), self.parse_card,
                                item, "card", errback=self.on_card_error,
                                entry=listed and not refetch)
        else:
            yield from self.with_card(item, None, "missing")

    # -- card -----------------------------------------------------------------
    def parse_card(self, response: Response, item: ModelItem) -> Iterator[Any]:
        try:
            text = response.body.decode("utf-8")
        except UnicodeDecodeError:
            text = response.body.decode("utf-8", errors="replace")
            self.inc_stat("card_invalid_utf8")
        yield from self.with_card(item, text, "ok")

    def on_card_error(self, failure: Failure) -> Iterator[Any]:
        item: ModelItem = failure.request.cb_kwargs["item"]
        status = _status(failure)
        if status in (401, 403):
            # Gated card: the info answer's cardData still holds its front matter.
            yield from self.with_card(item, None, "gated")
        elif status == 404:
            yield from self.with_card(item, None, "missing")
        else:
            yield self.failed(item, "card", error_reason(failure))

    def with_card(self, item: ModelItem, text: str | None, status: str) -> Iterator[Any]:
        item["card_text"], item["card_status"] = text, status
        item["evidence"] = evidence_of(item).with_card(text, status)
        yield from self.after_card(item)

    # -- optional follow-ups --------------------------------------------------
    def after_card(self, item: ModelItem) -> Iterator[Any]:
        ev = evidence_of(item)
        if ev.refs is None and needs_refs(ev):
            yield self._request(hf.refs_url(self.hf_endpoint, item["model_id"]), self.parse_refs,
                                item, "refs", errback=self.on_optional_error)
            return
        lic_file = None if ev.license_text is not None else license_file_to_fetch(ev)
        if lic_file:
            yield self._request(hf.resolve_url(self.hf_endpoint, item["model_id"], lic_file),
                                self.parse_license_file, item, "license",
                                errback=self.on_optional_error)
            return
        yield from self.finish(item)

    def parse_refs(self, response: Response, item: ModelItem) -> Iterator[Any]:
        try:
            payload = json.loads(response.text)
            refs = [b["name"] for b in payload.get("branches", [])
                    if isinstance(b, dict) and isinstance(b.get("name"), str)]
        except (ValueError, AttributeError, TypeError):
            refs = []
            self.inc_stat("refs_invalid")
        yield from self.with_refs(item, refs)

    def with_refs(self, item: ModelItem, refs: list[str]) -> Iterator[Any]:
        item["refs"] = refs
        item["evidence"] = evidence_of(item).with_followups(refs=refs)
        yield from self.after_card(item)

    def parse_license_file(self, response: Response, item: ModelItem) -> Iterator[Any]:
        yield from self.with_license_text(
            item, response.body[:20_000].decode("utf-8", errors="replace"))

    def with_license_text(self, item: ModelItem, text: str) -> Iterator[Any]:
        item["license_text"] = text
        item["evidence"] = evidence_of(item).with_followups(license_text=text)
        yield from self.after_card(item)

    def on_optional_error(self, failure: Failure) -> Iterator[Any]:
        """A follow-up that only sharpens the draft failed: draft without it, say so."""
        item: ModelItem = failure.request.cb_kwargs["item"]
        stage = failure.request.meta.get("stage", "")
        if isinstance(failure.value, OfflineCacheMiss):
            # A replay that cannot give the same draft fails rather than drafting less.
            yield self.failed(item, stage, error_reason(failure))
            return
        self.logger.warning("%s: %s request failed (%s); drafting without it",
                            item["model_id"], stage, error_reason(failure))
        self.inc_stat(f"optional_failed/{stage}")
        if stage == "refs":
            yield from self.with_refs(item, [])
        elif stage == "license":
            yield from self.with_license_text(item, "")
        else:
            yield from self.after_card(item)

    # -- outside lookups (datasets, GitHub) -------------------------------------
    def finish(self, item: ModelItem) -> Iterator[Any]:
        """Hub requests done: look up datasets and the GitHub repository, then the item."""
        github_on = self.settings.getbool("GITHUB_LOOKUPS", defaults.GITHUB_LOOKUPS)
        datasets_on = self.settings.getbool("DATASET_LOOKUPS", defaults.DATASET_LOOKUPS)
        if item.get("failure") or not item.get("draft_requested") or not (
                github_on or datasets_on) or not isinstance(item.get("info"), dict):
            yield item
            return
        plan = plan_from(evidence_of(item), budget=self.lookups.budget, github=github_on,
                        datasets=datasets_on, known=item.get("datasets"))
        yield from self.advance(ModelLookups(item, plan))

    def advance(self, model: ModelLookups[ModelItem]) -> Iterator[Any]:
        """The model's next lookup request, or its item once every lookup is answered."""
        fetch = self.lookups.advance(model)
        if fetch is not None:
            yield lookup_requests.request_for(self, fetch, model.plan)
        elif model.plan.next_step() is None:
            yield self.with_lookups(model)

    def answered(self, kind: lookup_requests.LookupKind, key: str,
                 value: Any) -> Iterator[Any]:
        """A lookup's answer: every model that waited for it goes on."""
        for model in self.lookups.answer(kind, key, value):
            yield from self.advance(model)

    def with_lookups(self, model: ModelLookups[ModelItem]) -> ModelItem:
        item, plan = model.item, model.plan
        if plan.dataset_ids:
            item["datasets"] = {**(item.get("datasets") or {}), **plan.datasets}
        github = plan.github_evidence(lookup_requests.github_web(self))
        if github is not None:
            item["github"] = github
            self.inc_stat("github/repository_found" if github["repository"]
                       else "github/repository_none")
            # The other repositories the card links, read in their roles (per model: a
            # repository shared by two models counts twice here, its requests once).
            for other in github.get("repositories", [])[1 if github["repository"] else 0:]:
                self.inc_stat(f"github/also_read/{other['role']}")
            if plan.extras_skipped:
                self.inc_stat("github/also_read_skipped", len(plan.extras_skipped))
        item["evidence"] = evidence_of(item).with_lookups(item.get("github"),
                                                          item.get("datasets"))
        return item

    # The lookups' callbacks are spider methods (JOBDIR pickles callbacks by name);
    # motcrawl.spiders.lookup_requests reads the answers.
    def parse_dataset(self, response: Response, key: str) -> Iterator[Any]:
        yield from lookup_requests.parse_dataset(self, response, key)

    def parse_repo(self, response: Response, key: str, full_name: str) -> Iterator[Any]:
        yield from lookup_requests.parse_repo(self, response, key, full_name)

    def parse_tree(self, response: Response, key: str,
                   result: lookup_requests.RepoResult) -> Iterator[Any]:
        yield from lookup_requests.parse_tree(self, response, key, result)

    def parse_head(self, response: Response, key: str, full_name: str) -> Iterator[Any]:
        yield from lookup_requests.parse_head(self, response, key, full_name)

    def on_lookup_error(self, failure: Failure) -> Iterator[Any]:
        yield from lookup_requests.on_lookup_error(self, failure)

    # -- failures -------------------------------------------------------------
    def on_stage_error(self, failure: Failure) -> Iterator[Any]:
        item: ModelItem = failure.request.cb_kwargs["item"]
        yield self.failed(item, failure.request.meta.get("stage", "fetch"),
                          error_reason(failure))

    def failed(self, item: ModelItem, stage: str, reason: str) -> ModelItem:
        item["failure"] = {"stage": stage, "reason": reason}
        return item


def evidence_of(item: ModelItem) -> ModelEvidence:
    """The model's evidence, parsed once from its info when the item got it.

    An item without one comes from a JOBDIR queue written before items carried it:
    parse what it holds (once; it keeps the result)."""
    ev: ModelEvidence | None = item.get("evidence")
    if ev is None:
        ev = build_evidence(item["model_id"], item["info"], item.get("card_text"),
                            item.get("card_status") or "missing", refs=item.get("refs"),
                            license_text=item.get("license_text"))
        item["evidence"] = ev
    return ev
