"""Report facts of a listed model, from its listing entry alone (no further request).

The listing carries the same ``expand[]`` fields as an info request, so the MOF
type and license a report row shows come from the same detectors the drafts use.
"""

from __future__ import annotations

from typing import Any

from motcrawl.analysis.evidence import ModelEvidence, build_evidence
from motcrawl.analysis.release import release_type

HIGH = 100_000
MEDIUM = 10_000
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")


def priority_for(downloads: Any) -> str:
    """``high`` above 100,000 downloads, ``medium`` from 10,000 to 100,000, ``low`` below."""
    count = downloads if isinstance(downloads, int) else 0
    if count > HIGH:
        return "high"
    if count >= MEDIUM:
        return "medium"
    return "low"


def listing_facts(entry: dict[str, Any], ev: ModelEvidence | None = None) -> dict[str, Any]:
    """The gap report's columns for one listing entry; odd entries give empty values.

    ``ev``: the entry already parsed (the spider parses each entry once)."""
    model_id = str(entry.get("id") or entry.get("modelId") or "")
    created = entry.get("createdAt")
    gated = entry.get("gated")
    facts: dict[str, Any] = {
        "downloads": entry.get("downloads") if isinstance(entry.get("downloads"), int) else 0,
        "likes": entry.get("likes") if isinstance(entry.get("likes"), int) else 0,
        "pipeline_tag": entry.get("pipeline_tag") or "",
        "gated": gated if isinstance(gated, str) else bool(gated),
        "created": created[:10] if isinstance(created, str) else "",
        "mof_type": "",
        "license": "",
    }
    facts["priority"] = priority_for(facts["downloads"])
    try:
        if ev is None:
            ev = build_evidence(model_id, entry, None, "missing")
        facts["mof_type"] = release_type(ev).value
        finding = ev.license
        facts["license"] = finding.name if finding.known else ""
    except (TypeError, ValueError, KeyError, AttributeError):
        pass  # a malformed entry still gets a row; its type and license stay blank
    return facts
