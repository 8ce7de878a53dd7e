"""Fetching one model's details: the requests every draft needs, shared by both spiders.

Per model: the info JSON (unless the listing already carried it, with the
same ``expand[]`` fields) and the card through ``/resolve/``; refs and the
LICENSE file only when motcrawl.analysis.followups says a detector needs them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from motcrawl.analysis.followups import license_file_to_fetch, needs_refs
from motcrawl.components.middlewares import OfflineCacheMiss
from motcrawl.items import ModelItem
from motcrawl.outputs.paths import inject
from motcrawl.spiders.lookup_requests import ExternalEvidenceMixin
from motcrawl.web import hf


def _error_reason(failure: Failure) -> str:
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


class ModelDetailsMixin(ExternalEvidenceMixin, Spider):
    """Callbacks that turn a model id (and maybe its listing entry) into a ModelItem."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        # Arguments are parsed in __init__, before the spider sees settings: hand the
        # output base folder (MOTCRAWL_OUTPUT_DIR, scrapyd default) over as an argument.
        inject(kwargs, crawler.settings.get("MOTCRAWL_OUTPUT_DIR"))
        return super().from_crawler(crawler, *args, **kwargs)

    @property
    def hf_endpoint(self) -> str:
        return self.settings.get("HF_ENDPOINT").rstrip("/")

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
            hf.parse_model_info(payload)
        except (ValueError, TypeError, AttributeError) as exc:
            yield self.failed(item, "info", f"invalid info JSON: {str(exc)[:150]}")
            return
        yield from self.details_from_info(item, payload)

    def details_from_info(self, item: ModelItem, payload: dict[str, Any], *,
                          listed: bool = False, refetch: bool = False) -> Iterator[Any]:
        """Continue from an info payload (fetched, or ``listed``: from a listing entry with
        the same expand, whose card request is then the model's entry request, unless
        ``refetch``: a resumed job asks again for a model its earlier run wanted)."""
        try:
            info = hf.parse_model_info(payload)
        except hf.HubAnswerError as exc:
            yield self.failed(item, "info", f"invalid info JSON: {str(exc)[:150]}")
            return
        item["info"] = payload
        for field, key in (("downloads", "downloads"), ("likes", "likes"),
                           ("pipeline_tag", "pipeline_tag"), ("gated", "gated")):
            if item.get(field) is None and key in payload:
                item[field] = payload[key]
        if item.get("created") is None and isinstance(payload.get("createdAt"), str):
            item["created"] = payload["createdAt"][:10]
        if payload.get("id") and payload["id"] != item["model_id"]:
            self.logger.info("%s is now %s (renamed on the Hub)", item["model_id"], payload["id"])
        names = hf.sibling_names(info)
        if "README.md" in names or not names:
            yield self._request(hf.card_url(self.hf_endpoint, item["model_id"]), self.parse_card,
                                item, "card", errback=self.on_card_error,
                                entry=listed and not refetch)
        else:
            item["card_text"], item["card_status"] = None, "missing"
            yield from self.after_card(item)

    # -- card -----------------------------------------------------------------
    def parse_card(self, response: Response, item: ModelItem) -> Iterator[Any]:
        try:
            item["card_text"] = response.body.decode("utf-8")
        except UnicodeDecodeError:
            item["card_text"] = response.body.decode("utf-8", errors="replace")
            self.crawler.stats.inc_value("motcrawl/card_invalid_utf8")
        item["card_status"] = "ok"
        yield from self.after_card(item)

    def on_card_error(self, failure: Failure) -> Iterator[Any]:
        item: ModelItem = failure.request.cb_kwargs["item"]
        status = _status(failure)
        if status in (401, 403):
            # Gated card: the info answer's cardData still holds its front matter.
            item["card_text"], item["card_status"] = None, "gated"
        elif status == 404:
            item["card_text"], item["card_status"] = None, "missing"
        else:
            yield self.failed(item, "card", _error_reason(failure))
            return
        yield from self.after_card(item)

    # -- optional follow-ups --------------------------------------------------
    def after_card(self, item: ModelItem) -> Iterator[Any]:
        if item.get("refs") is None and needs_refs(item["info"], item.get("card_text")):
            yield self._request(hf.refs_url(self.hf_endpoint, item["model_id"]), self.parse_refs,
                                item, "refs", errback=self.on_optional_error)
            return
        lic_file = None if item.get("license_text") is not None else license_file_to_fetch(
            item["info"], item.get("card_text"))
        if lic_file:
            yield self._request(hf.resolve_url(self.hf_endpoint, item["model_id"], lic_file),
                                self.parse_license_file, item, "license",
                                errback=self.on_optional_error)
            return
        yield from self.finish(item)

    def parse_refs(self, response: Response, item: ModelItem) -> Iterator[Any]:
        try:
            payload = json.loads(response.text)
            item["refs"] = [b["name"] for b in payload.get("branches", [])
                            if isinstance(b, dict) and isinstance(b.get("name"), str)]
        except (ValueError, AttributeError, TypeError):
            item["refs"] = []
            self.crawler.stats.inc_value("motcrawl/refs_invalid")
        yield from self.after_card(item)

    def parse_license_file(self, response: Response, item: ModelItem) -> Iterator[Any]:
        item["license_text"] = response.body[:20_000].decode("utf-8", errors="replace")
        yield from self.after_card(item)

    def on_optional_error(self, failure: Failure) -> Iterator[Any]:
        """A follow-up that only sharpens the draft failed: draft without it, say so."""
        item: ModelItem = failure.request.cb_kwargs["item"]
        stage = failure.request.meta.get("stage", "")
        if isinstance(failure.value, OfflineCacheMiss):
            # A replay that cannot give the same draft fails rather than drafting less.
            yield self.failed(item, stage, _error_reason(failure))
            return
        self.logger.warning("%s: %s request failed (%s); drafting without it",
                            item["model_id"], stage, _error_reason(failure))
        self.crawler.stats.inc_value(f"motcrawl/optional_failed/{stage}")
        if stage == "refs":
            item["refs"] = []
        elif stage == "license":
            item["license_text"] = ""
        yield from self.after_card(item)

    def finish(self, item: ModelItem) -> Iterator[Any]:
        """Hub requests done: look up datasets and the GitHub repository, then the item."""
        yield from self.external_evidence(item)

    # -- failures -------------------------------------------------------------
    def on_stage_error(self, failure: Failure) -> Iterator[Any]:
        item: ModelItem = failure.request.cb_kwargs["item"]
        yield self.failed(item, failure.request.meta.get("stage", "fetch"),
                          _error_reason(failure))

    def failed(self, item: ModelItem, stage: str, reason: str) -> ModelItem:
        item["failure"] = {"stage": stage, "reason": reason}
        return item
