"""Hub datasets a model names: what ``GET /api/datasets/{id}`` tells about each.

Plain functions. The result per dataset is what ``ModelEvidence.datasets``
holds (``{dataset_id: info}``) and the Datasets / Data card detectors read:

``{"found": bool, "license": str | None, "has_card": bool, "gated": bool,
"note": str}``
"""

from __future__ import annotations

from typing import Any

from motcrawl.analysis import cardtext
from motcrawl.analysis.licenses import normalize_license
from motcrawl.analysis.metadata import str_list, tag_values
from motcrawl.web.urls import quote_path

# A model naming more datasets than this gets the first ones looked up only.
MAX_LOOKUPS = 8


def declared_ids(card_data: dict[str, Any], tags: list[str]) -> list[str]:
    """Dataset ids the model declares: card ``datasets`` and ``dataset:`` tags."""
    return _clean(str_list(card_data.get("datasets")) + tag_values(tags, "dataset"))


def linked_ids(body: str, *, evaluation: bool) -> list[str]:
    """Hub datasets the card text links, as training (or evaluation) data."""
    return _clean([d.dataset_id for d in cardtext.dataset_links(body)
                   if d.evaluation == evaluation])


def training_ids(card_data: dict[str, Any], tags: list[str], body: str) -> list[str]:
    """The training datasets to look up and claim: declared first, then linked."""
    return list(dict.fromkeys(declared_ids(card_data, tags)
                              + linked_ids(body, evaluation=False)))


def _clean(ids: list[str]) -> list[str]:
    clean = [i.strip() for i in ids if i.strip() and len(i) <= 200 and " " not in i.strip()]
    return list(dict.fromkeys(clean))


def dataset_api_url(endpoint: str, dataset_id: str) -> str:
    return f"{endpoint.rstrip('/')}/api/datasets/{quote_path(dataset_id)}"


def _licenses(payload: dict[str, Any]) -> list[str]:
    card = payload.get("cardData") if isinstance(payload.get("cardData"), dict) else {}
    values = str_list(card.get("license")) or tag_values(payload.get("tags") or [], "license")
    names = [normalize_license(v) for v in values]
    return list(dict.fromkeys(n for n in names if n))


def parse_dataset_info(payload: Any) -> dict[str, Any]:
    """One dataset's answer; ValueError when it is not a dataset answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise ValueError("not a dataset answer (no id)")
    licenses = _licenses(payload)
    siblings = [s.get("rfilename") for s in payload.get("siblings") or [] if isinstance(s, dict)]
    card = payload.get("cardData")
    has_card = "README.md" in siblings or (isinstance(card, dict) and bool(card))
    note = f"several licenses: {', '.join(licenses)}" if len(licenses) > 1 else ""
    return {"found": True, "license": licenses[0] if len(licenses) == 1 else None,
            "licenses": licenses, "has_card": has_card,
            "gated": bool(payload.get("gated")), "note": note}


def missing(reason: str) -> dict[str, Any]:
    """A dataset the Hub did not answer for (not found, gated, or an error)."""
    return {"found": False, "license": None, "licenses": [], "has_card": False,
            "gated": False, "note": reason}


def common_license(infos: dict[str, dict[str, Any]]) -> str | None:
    """The datasets' license when every looked-up dataset names the same one."""
    found = [i for i in infos.values() if isinstance(i, dict) and i.get("found")]
    names = {i.get("license") for i in found}
    if found and len(names) == 1 and None not in names:
        return names.pop()
    return None
