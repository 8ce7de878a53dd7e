"""What the crawler learned about one model, in one plain object the detectors read.

The spider (motcrawl.spiders.base) builds it once per model from the info answer and
adds the card, refs, LICENSE text and outside lookups as they come, each time as a new
object (``with_*``): what is derived from it (front matter, tags, the license) is then
computed once per object and never goes stale. The pipelines read the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from huggingface_hub import ModelInfo

from motcrawl.analysis.licenses import LicenseFinding, detect_license
from motcrawl.web.hf import Card, blob_url, parse_card, parse_model_info, sibling_names

# What each derived value is computed from: a ``with_*`` copy keeps it when none changed.
_DERIVED_FROM: dict[str, frozenset[str]] = {
    "card_data": frozenset({"card", "info"}),
    "tags": frozenset({"info"}),
    "license": frozenset({"card", "info", "files", "license_text", "endpoint", "model_id"}),
}


@dataclass
class ModelEvidence:
    model_id: str
    info: ModelInfo
    card: Card
    card_status: str = "ok"               # ok | missing | gated | error
    card_text: str | None = None          # the card as fetched (None: not read)
    files: list[str] = field(default_factory=list)
    refs: list[str] | None = None         # branch names; None when not fetched
    license_text: str | None = None       # LICENSE file text, when it was needed
    github: dict[str, Any] | None = None  # repository evidence (see motcrawl.analysis.github)
    datasets: dict[str, Any] = field(default_factory=dict)  # dataset id -> info
    endpoint: str = "https://huggingface.co"

    @cached_property
    def card_data(self) -> dict[str, Any]:
        """Front matter from the card itself, else the API's cardData (gated cards)."""
        if self.card.data:
            return self.card.data
        data = self.info.card_data
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        return data if isinstance(data, dict) else {}

    @cached_property
    def tags(self) -> list[str]:
        return [t for t in (self.info.tags or []) if isinstance(t, str)]

    @property
    def config(self) -> dict[str, Any]:
        return self.info.config if isinstance(self.info.config, dict) else {}

    @cached_property
    def license(self) -> LicenseFinding:
        """The distribution license: card metadata, tags, the LICENSE file's text (when
        read) and the card's own words (motcrawl.analysis.licenses.detect_license)."""
        return detect_license(self.card_data, self.tags, self.files,
                              file_url=lambda f: blob_url(self.endpoint, self.model_id, f),
                              license_text=self.license_text, card_body=self.card.body)

    def with_card(self, card_text: str | None, card_status: str) -> ModelEvidence:
        """The same evidence with the model card read (None: none could be read)."""
        return self._replace(card=parse_card(card_text if card_text is not None else ""),
                             card_status=card_status, card_text=card_text)

    def with_followups(self, *, refs: list[str] | None = None,
                       license_text: str | None = None) -> ModelEvidence:
        """The same evidence with the refs or the LICENSE file text added."""
        changes: dict[str, Any] = {}
        if refs is not None:
            changes["refs"] = refs
        if license_text is not None:
            changes["license_text"] = license_text
        return self._replace(**changes)

    def with_lookups(self, github: dict[str, Any] | None,
                     datasets: dict[str, Any] | None) -> ModelEvidence:
        """The same evidence with what the outside lookups found."""
        return self._replace(github=github, datasets=datasets or {})

    def _replace(self, **changes: Any) -> ModelEvidence:
        new = replace(self, **changes)
        for name, inputs in _DERIVED_FROM.items():
            if name in self.__dict__ and not inputs & changes.keys():
                new.__dict__[name] = self.__dict__[name]
        return new


def build_evidence(
    model_id: str,
    info_payload: dict[str, Any],
    card_text: str | None,
    card_status: str,
    *,
    refs: list[str] | None = None,
    license_text: str | None = None,
    github: dict[str, Any] | None = None,
    datasets: dict[str, Any] | None = None,
    endpoint: str = "https://huggingface.co",
) -> ModelEvidence:
    info = parse_model_info(info_payload)
    card = parse_card(card_text) if card_text is not None else parse_card("")
    return ModelEvidence(
        model_id=model_id, info=info, card=card, card_status=card_status, card_text=card_text,
        files=sibling_names(info), refs=refs, license_text=license_text, github=github,
        datasets=datasets or {}, endpoint=endpoint,
    )
