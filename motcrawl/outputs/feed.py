"""The feed boundary: what the pipelines pass as dataclasses becomes plain JSON-ready dicts.

Inside the crawl an item carries the analysis' own objects (Detection, LicenseFinding,
release Fields, Confidence, Evaluation, ModelEvidence), and the draft header
(motcrawl.outputs.draft_header) reads them as they are; the feed (JSON lines, the gap
report) gets dicts. ``to_feed`` runs once per item, in DraftWriterPipeline, after the
header is made and before anything is written.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import asdict
from typing import Any

from motcrawl.analysis.confidence import Confidence
from motcrawl.analysis.detect import Detection
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field, fields_as_dict
from motcrawl.mof.evaluator import Evaluation


def evaluation_as_dict(result: Evaluation) -> dict[str, Any]:
    return {
        "class": result.mof_class, "label": result.label,
        "progress": {str(k): v for k, v in result.progress.items()},
        "missing_for_next": result.missing_for_next,
        "license_issues": [i.line() for i in result.license_issues],
    }


def to_feed(item: MutableMapping[str, Any]) -> None:
    """Replace the item's analysis objects by dicts; drop the parsed evidence."""
    item.pop("evidence", None)
    components = item.get("components")
    if components and isinstance(components[0], Detection):
        item["components"] = [d.as_dict() for d in components]
    if isinstance(item.get("license_finding"), LicenseFinding):
        item["license_finding"] = asdict(item["license_finding"])
    release = item.get("release")
    if release and isinstance(next(iter(release.values())), Field):
        item["release"] = fields_as_dict(release)
    if isinstance(item.get("confidence"), Confidence):
        item["confidence"] = item["confidence"].as_dict()
    if isinstance(item.get("evaluation"), Evaluation):
        item["evaluation"] = evaluation_as_dict(item["evaluation"])
