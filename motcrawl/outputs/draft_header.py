"""The comment block at the top of every draft: what a reviewer needs before reading it.

It reads the analysis' own dataclasses, as the pipelines pass them; dicts are only for
the feed (motcrawl.outputs.feed).
"""

from __future__ import annotations

from motcrawl.analysis.confidence import Confidence
from motcrawl.analysis.detect import INCLUDE_THRESHOLD, Detection
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field
from motcrawl.mof.evaluator import Evaluation
from motcrawl.outputs.yamlfile import SOURCE_PREFIX


def _component_line(d: Detection) -> str:
    return f"  {d.name}: {d.confidence:.2f}: {'; '.join(d.evidence)}"


def draft_header(
    *,
    source_url: str,
    model_id: str,
    crawled: str,
    sha: str | None,
    last_modified: str | None,
    confidence: Confidence,
    detections: list[Detection],
    fields: dict[str, Field],
    license_info: LicenseFinding,
    evaluation: Evaluation | None = None,
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
        f"overall confidence: {confidence.overall:.2f}",
    ]
    if catalog_file:
        lines.insert(2, f"already in MOT ({catalog_file}): compare with that entry; "
                        "do not open a pull request for a duplicate")
    if evaluation is not None:
        progress = evaluation.progress
        lines.append(
            f"predicted MOF class: {evaluation.label} "
            f"(progress: Class III {progress.get(3, 0):.1f}%, "
            f"Class II {progress.get(2, 0):.1f}%, Class I {progress.get(1, 0):.1f}%)")
        if evaluation.missing_for_next:
            lines.append("missing for the next class: " + ", ".join(evaluation.missing_for_next))
        for issue in evaluation.license_issues:
            lines.append(f"license issue: {issue.line()}")
    lic = license_info
    path = f" {lic.path}" if lic.path else ""
    lines.append(f"license: {lic.name} ({lic.source or 'not found'}, "
                 f"{lic.confidence:.2f}){path}")
    lines.append("components (confidence: evidence):")
    claimed = [d for d in detections if d.confidence >= INCLUDE_THRESHOLD]
    weak = [d for d in detections if d.confidence < INCLUDE_THRESHOLD]
    lines.extend(_component_line(d) for d in claimed)
    if weak:
        lines.append(f"possible, not claimed (below {INCLUDE_THRESHOLD}):")
        lines.extend(_component_line(d) for d in weak)
    lines.append("release fields (confidence: source):")
    for key, f in fields.items():
        lines.append(f"  {key}: {f.confidence:.2f}: {f.source}")
    review = list(confidence.review) + list(notes or [])
    if review:
        lines.append("review checklist (lowest confidence first):")
        lines.extend(f"  - {r}" for r in review)
    return lines
