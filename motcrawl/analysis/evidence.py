"""What the crawler learned about one model, in one plain object the detectors read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from huggingface_hub import ModelInfo

from motcrawl.web.hf import Card, parse_card, parse_model_info, sibling_names


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

    @property
    def card_data(self) -> dict[str, Any]:
        """Front matter from the card itself, else the API's cardData (gated cards)."""
        if self.card.data:
            return self.card.data
        data = self.info.card_data
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        return data if isinstance(data, dict) else {}

    @property
    def tags(self) -> list[str]:
        return [t for t in (self.info.tags or []) if isinstance(t, str)]

    @property
    def config(self) -> dict[str, Any]:
        return self.info.config if isinstance(self.info.config, dict) else {}

    def with_card(self, card_text: str | None, card_status: str) -> ModelEvidence:
        """The same evidence with the model card read (None: none could be read)."""
        return replace(self, card=parse_card(card_text if card_text is not None else ""),
                       card_status=card_status, card_text=card_text)


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
