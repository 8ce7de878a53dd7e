"""The comment block at the top of every draft: what a reviewer needs before reading it."""

from __future__ import annotations

from typing import Any

from motcrawl.analysis.detect import INCLUDE_THRESHOLD
from motcrawl.outputs.yamlfile import SOURCE_PREFIX


def draft_header(
    *,
    source_url: str,
    model_id: str,
    crawled: str,
    sha: str | None,
    last_modified: str | None,
    confidence: dict[str, Any],
    detections: list[dict[str, Any]],
    fields: dict[str, dict[str, Any]],
    license_info: dict[str, Any],
    evaluation: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    catalog_file: str | None = None,
) -> list[str]:
    """Header lines (without the leading ``# ``), the first being the ``source:`` line."""
    lines = [
        SOURCE_PREFIX[2:] + source_url,
        f"model-id: {model_id}",
        f"hf-sha: {sha or 'unknown'}",
        f"hf-last-modified: {last_modified or 'unknown'}",
        f"crawled: {crawled}",
        f"overall confidence: {confidence.get('overall', 0):.2f}",
    ]
    if catalog_file:
        lines.insert(2, f"already in MOT ({catalog_file}): compare with that entry; "
                        "do not open a pull request for a duplicate")
    if evaluation:
        progress = evaluation.get("progress", {})
        lines.append(
            f"predicted MOF class: {evaluation.get('label', 'Unclassified')} "
            f"(progress: Class III {progress.get('3', 0):.1f}%, "
            f"Class II {progress.get('2', 0):.1f}%, Class I {progress.get('1', 0):.1f}%)")
        if evaluation.get("missing_for_next"):
            lines.append("missing for the next class: " + ", ".join(evaluation["missing_for_next"]))
        for issue in evaluation.get("license_issues", []):
            lines.append(f"license issue: {issue}")
    lic = license_info
    path = f" {lic['path']}" if lic.get("path") else ""
    lines.append(f"license: {lic.get('name')} ({lic.get('source') or 'not found'}, "
                 f"{lic.get('confidence', 0):.2f}){path}")
    lines.append("components (confidence: evidence):")
    claimed = [d for d in detections if d["confidence"] >= INCLUDE_THRESHOLD]
    weak = [d for d in detections if d["confidence"] < INCLUDE_THRESHOLD]
    for d in claimed:
        lines.append(f"  {d['name']}: {d['confidence']:.2f}: {'; '.join(d['evidence'])}")
    if weak:
        lines.append(f"possible, not claimed (below {INCLUDE_THRESHOLD}):")
        for d in weak:
            lines.append(f"  {d['name']}: {d['confidence']:.2f}: {'; '.join(d['evidence'])}")
    lines.append("release fields (confidence: source):")
    for key, f in fields.items():
        lines.append(f"  {key}: {f['confidence']:.2f}: {f['source']}")
    review = list(confidence.get("review", [])) + list(notes or [])
    if review:
        lines.append("review checklist (lowest confidence first):")
        lines.extend(f"  - {r}" for r in review)
    return lines
