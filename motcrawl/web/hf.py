"""Hugging Face Hub shapes: model ids, the URLs the crawler requests, and response parsing.

Plain functions, no Scrapy: every URL is built from an endpoint passed in, so a
crawl can be pointed at a local server. Parsing leans on huggingface_hub
(``ModelInfo``, ``ModelCard``, ``validate_repo_id``) rather than re-implementing
the Hub's data shapes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import yaml
from huggingface_hub import ModelCard, ModelInfo
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id

from motcrawl.web.urls import quote_path, quote_segment

DEFAULT_ENDPOINT = "https://huggingface.co"

# Every field a draft needs, asked for in the one info (or listing) request so
# that no per-model follow-up is needed for the file list, card data or config.
EXPAND_FIELDS: tuple[str, ...] = (
    "author", "baseModels", "cardData", "config", "createdAt", "downloads", "gated",
    "lastModified", "library_name", "likes", "pipeline_tag", "safetensors", "sha",
    "siblings", "tags", "transformersInfo",
)

_HF_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co", "www.hf.co"}
# First path segments that name something other than a model repository.
_NON_MODEL_PREFIXES = {
    "datasets", "spaces", "collections", "papers", "docs", "blog", "organizations",
    "settings", "api", "models", "tasks", "learn", "join", "login", "posts",
}
_REPO_TAIL_MARKERS = {"tree", "blob", "resolve", "raw", "commit", "commits", "discussions",
                      "edit", "settings", "viewer"}


class ModelRefError(ValueError):
    """The text does not name a Hugging Face model."""


def parse_model_ref(text: str) -> str:
    """Turn an HF model id or model URL into ``org/name``.

    Accepts ``org/name``, ``https://huggingface.co/org/name`` with or without
    ``www.``, a trailing slash, ``/tree/main``, ``/blob/main/README.md``, a query
    string or a fragment. Raises ModelRefError with a one-line reason otherwise.
    """
    raw = (text or "").strip()
    if not raw:
        raise ModelRefError("empty model id")
    candidate = raw
    if "://" in raw or raw.lower().split("/", 1)[0] in _HF_HOSTS:
        try:
            parts = urlsplit(raw if "://" in raw else "https://" + raw)
        except ValueError:  # e.g. "Invalid IPv6 URL"
            raise ModelRefError(f"not a URL: {raw!r}") from None
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _HF_HOSTS:
            raise ModelRefError(f"not a Hugging Face URL: {raw!r}")
        candidate = unquote(parts.path)
    else:
        if raw.startswith(("/", "\\")) or "\\" in raw:
            raise ModelRefError(f"not a model id: {raw!r}")
        candidate = candidate.split("?", 1)[0].split("#", 1)[0]
    segments = [s for s in candidate.strip("/").split("/") if s]
    if not segments:
        raise ModelRefError(f"no model id in {raw!r}")
    if segments[0].lower() in _NON_MODEL_PREFIXES:
        raise ModelRefError(f"not a model URL ({segments[0]}/...): {raw!r}")
    if len(segments) >= 2 and segments[1] in _REPO_TAIL_MARKERS:
        segments = segments[:1]  # legacy one-segment id: name/tree/main
    elif len(segments) > 2:
        if segments[2] not in _REPO_TAIL_MARKERS:
            raise ModelRefError(f"not a model id: {raw!r}")
        segments = segments[:2]
    else:
        segments = segments[:2]
    model_id = "/".join(segments)
    if not model_id.isascii():
        # Hub ids are ASCII; huggingface_hub before 1.3 matched its pattern with Unicode \w.
        raise ModelRefError(f"malformed model id {raw!r}: not ASCII")
    try:
        validate_repo_id(model_id)
    except HFValidationError as exc:
        reason = str(exc).splitlines()[0]
        raise ModelRefError(f"malformed model id {raw!r}: {reason}") from None
    return model_id


def model_id_or_none(text: Any) -> str | None:
    """``parse_model_ref`` for data that may hold anything (catalog fields)."""
    if not isinstance(text, str):
        return None
    try:
        return parse_model_ref(text)
    except ModelRefError:
        return None


def model_url(endpoint: str, model_id: str) -> str:
    """The public page of a model (used in drafts, never requested)."""
    return f"{endpoint.rstrip('/')}/{quote_path(model_id)}"


def model_info_url(endpoint: str, model_id: str, expand: tuple[str, ...] = EXPAND_FIELDS) -> str:
    query = urlencode([("expand[]", f) for f in expand])
    return f"{endpoint.rstrip('/')}/api/models/{quote_path(model_id)}?{query}"


def resolve_url(endpoint: str, model_id: str, filename: str, revision: str = "main") -> str:
    """A file through the resolver: the Hub's generous "resolvers" rate-limit bucket.

    ``/raw/`` and HTML pages fall in the "pages" bucket (100 requests per 5
    minutes anonymously), so they are never used.
    """
    return (f"{endpoint.rstrip('/')}/{quote_path(model_id)}/resolve/{quote_segment(revision)}/"
            f"{quote_path(filename)}")


def card_url(endpoint: str, model_id: str) -> str:
    return resolve_url(endpoint, model_id, "README.md")


def refs_url(endpoint: str, model_id: str) -> str:
    return f"{endpoint.rstrip('/')}/api/models/{quote_path(model_id)}/refs"


def blob_url(endpoint: str, model_id: str, filename: str) -> str:
    """Human-readable link to a file, for draft paths (never requested)."""
    return f"{endpoint.rstrip('/')}/{quote_path(model_id)}/blob/main/{quote_path(filename)}"


def listing_url(endpoint: str, *, limit: int = 100, pipeline_tag: str | None = None,
                filter_tag: str | None = None,
                expand: tuple[str, ...] = EXPAND_FIELDS) -> str:
    """First page of the model listing, most downloaded first; later pages come from Link."""
    params: list[tuple[str, str]] = [("sort", "downloads"), ("direction", "-1"),
                                     ("limit", str(limit))]
    if pipeline_tag:
        params.append(("pipeline_tag", pipeline_tag))
    if filter_tag:
        params.append(("filter", filter_tag))
    params.extend(("expand[]", f) for f in expand)
    return f"{endpoint.rstrip('/')}/api/models?{urlencode(params)}"


_LINK_RE = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)')


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 Link header, if any."""
    if not link_header:
        return None
    for match in _LINK_RE.finditer(link_header):
        target, params = match.group(1), match.group(2)
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "rel" and "next" in value.strip().strip('"').split():
                return target
    return None


class HubAnswerError(ValueError):
    """An info or listing answer huggingface_hub cannot read (a field of the wrong shape)."""


def parse_model_info(payload: dict[str, Any]) -> ModelInfo:
    """huggingface_hub's own model of an info or listing entry.

    ``ModelInfo`` raises KeyError, TypeError or ValueError on fields of the wrong
    shape (``siblings: [{}]``, ``createdAt: "0"``); callers get one error type.
    """
    if not isinstance(payload, dict):
        raise HubAnswerError(f"expected a JSON object, got {type(payload).__name__}")
    try:
        return ModelInfo(**payload)
    except Exception as exc:  # any shape error in a stranger's answer
        raise HubAnswerError(f"{type(exc).__name__}: {str(exc)[:150]}") from None


@dataclass
class Card:
    """A model card: its front matter (``data``), its Markdown body, and any parse problem."""

    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    error: str | None = None


_FRONT_MATTER_RE = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)

logging.getLogger("huggingface_hub.repocard").setLevel(logging.ERROR)


def parse_card(text: str) -> Card:
    """Parse a model card; broken front matter is reported, never raised."""
    if not isinstance(text, str):
        return Card(error="card is not text")
    try:
        card = ModelCard(text, ignore_metadata_errors=True)
        data = card.data.to_dict() if card.data is not None else {}
        return Card(data=data if isinstance(data, dict) else {}, body=card.text or "")
    except (yaml.YAMLError, ValueError) as exc:
        match = _FRONT_MATTER_RE.match(text)
        body = text[match.end():] if match else text
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Card(body=body, error=f"broken front matter: {reason}")
    except Exception as exc:  # huggingface_hub may raise other types on odd input
        return Card(body=text, error=f"unreadable card: {type(exc).__name__}")


def sibling_names(info: ModelInfo) -> list[str]:
    """File names of the repository (entries that are not non-empty strings are ignored)."""
    names = (getattr(s, "rfilename", None) for s in (info.siblings or []))
    return [n for n in names if isinstance(n, str) and n]
