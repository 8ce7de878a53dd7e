"""The audit report: what a MOT maintainer reads after ``scrapy crawl audit -a report=audit.md``.

Counts per kind, a Mermaid chart of them, one table per kind (most downloaded
models first), then the suggested edits as unified diffs against the catalog
files. The report suggests; it never changes a catalog file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from motcrawl.audit.findings import KINDS, Finding
from motcrawl.outputs.gap_report import _md, _n, write_report

__all__ = ["AuditSummary", "render", "write_report", "KIND_TITLES"]

KIND_TITLES: dict[str, str] = {
    "not_on_hub": "Not on the Hub (404)",
    "renamed": "Renamed on the Hub",
    "gated": "Gated on the Hub",
    "not_a_model_url": "`release.huggingface` is not a model URL",
    "duplicate_url": "Several files name one repository",
    "url_names_other_model": "The URL names another model (name, size or version)",
    "license_drift": "License differs from the Hub's",
    "component_evidence": "Components the Hub shows that the entry lacks",
}


@dataclass
class AuditSummary:
    catalog_source: str
    entries: int                 # catalog files (or API models)
    with_hub_url: int            # entries whose release.huggingface names a model
    audited: int                 # entries the Hub answered about (or refused)
    hf_requests: int             # requests sent to the Hub, redirects included
    generated: str
    reason: str = "finished"
    failed: int = 0              # entries whose Hub requests failed (no finding possible)
    not_read: list[str] = field(default_factory=list)  # "file: why" for files not audited


def _order(finding: Finding) -> tuple[int, int, str]:
    downloads = finding.downloads
    return (0 if downloads is not None else 1, -(downloads or 0), finding.catalog_file)


def mermaid_chart(counts: Mapping[str, int]) -> list[str]:
    """A Mermaid bar chart (``xychart-beta``) of findings per kind."""
    top = max([*counts.values(), 1])
    labels = ", ".join(f'"{k}"' for k in KINDS)
    bars = ", ".join(str(counts.get(k, 0)) for k in KINDS)
    return ["```mermaid", "xychart-beta", '    title "Findings per kind"',
            f"    x-axis [{labels}]", f'    y-axis "findings" 0 --> {top}',
            f"    bar [{bars}]", "```"]


def render(findings: Iterable[Finding], summary: AuditSummary) -> str:
    findings = sorted(findings, key=_order)
    counts = Counter(f.kind for f in findings)
    per_entry = summary.hf_requests / summary.with_hub_url if summary.with_hub_url else 0.0
    lines = [
        "# MOT catalog audit", "",
        f"Generated {summary.generated} by `scrapy crawl audit`. Catalog: "
        f"{_md(summary.catalog_source)}. Nothing in the catalog was changed: every edit "
        "below is a suggestion.", "",
    ]
    if summary.reason not in ("finished", "shutdown") or summary.failed:
        lines += [f"**Partial audit** (crawl {summary.reason}; {summary.failed:,} entries "
                  "could not be checked on the Hub).", ""]
    lines += [
        "## Summary", "",
        "| | count |", "| --- | ---: |",
        f"| catalog entries | {summary.entries:,} |",
        f"| with a Hub model URL | {summary.with_hub_url:,} |",
        f"| checked on the Hub | {summary.audited:,} |",
        f"| Hub requests (per entry with a Hub URL) | {summary.hf_requests:,} "
        f"({per_entry:.2f}) |",
        f"| files not read | {len(summary.not_read):,} |",
        f"| findings | {len(findings):,} |", "",
    ]
    if summary.not_read:
        lines += ["Files not read (not audited): "
                  + "; ".join(_md(line) for line in summary.not_read) + ".", ""]
    lines += [
        "## Findings per kind", "",
        "| kind | findings |", "| --- | ---: |",
    ]
    lines += [f"| `{k}` | {counts.get(k, 0):,} |" for k in KINDS]
    lines += [""] + mermaid_chart(counts) + [""]
    for kind in KINDS:
        rows = [f for f in findings if f.kind == kind]
        if not rows:
            continue
        lines += [f"## {KIND_TITLES[kind]} (`{kind}`, {len(rows):,})", "",
                  "| file | model | downloads | detail | suggestion |",
                  "| --- | --- | ---: | --- | --- |"]
        for f in rows:
            model = f"`{_md(f.model_id)}`" if f.model_id else ""
            downloads = _n(f.downloads) if f.downloads is not None else ""
            lines.append(f"| {_md(f.catalog_file)} | {model} | {downloads} | {_md(f.detail)} "
                         f"| {_md(f.suggestion)} |")
        lines.append("")
    lines += _diffs(findings)
    return "\n".join(lines).rstrip("\n") + "\n"


def _diffs(findings: list[Finding]) -> list[str]:
    seen: set[tuple[str, str]] = set()
    by_file: dict[str, list[tuple[str, str]]] = {}
    for f in findings:
        if f.diff and (f.catalog_file, f.diff) not in seen:
            seen.add((f.catalog_file, f.diff))
            by_file.setdefault(f.catalog_file, []).append((f.kind, f.diff))
    if not by_file:
        return []
    lines = ["## Suggested edits", "",
             "One diff per finding, against the catalog file as it is (apply one per file at "
             "a time: `git apply` or by hand).", ""]
    for name in sorted(by_file, key=str.lower):
        for kind, diff in by_file[name]:
            fence = "````" if "```" in diff else "```"
            lines += [f"### {_md(name)} (`{kind}`)", "", f"{fence}diff", diff.rstrip("\n"),
                      fence, ""]
    return lines


def findings_from_feed(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings back from feed dicts (tests, re-rendering a saved feed)."""
    return [Finding(**{k: r[k] for k in ("catalog_file", "model_id", "kind", "detail",
                                        "evidence", "suggestion", "diff", "downloads")
                       if k in r}) for r in rows]
