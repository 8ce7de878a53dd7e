"""The gap report: what a maintainer reads after ``scrapy crawl missing -a report=missing.md``.

Built from items as they pass, in memory that does not grow with the listing:
counters, the high-priority rows (bounded: the listing is sorted, so the first
rows are the top ones) and the missing ids, streamed to a sidecar ids file
(``missing.ids.txt``) that ``scrapy crawl model -a ids_file=`` reads back.
Both files are written atomically: a reader never sees half a report.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from motcrawl.analysis.listing_facts import PRIORITIES
from motcrawl.mof.catalog import CatalogWarning
from motcrawl.outputs.yamlfile import atomic_write
from motcrawl.web.buckets import BUCKETS

DEFAULT_MAX_ROWS = 200
MAX_COMMAND_IDS = 20   # ids in the ready-made "draft the top ones" command
_WARNING_TITLES = {
    "unreadable": "Unreadable files",
    "too_large": "Files too large to be a model file (not read)",
    "too_many_aliases": "YAML aliases that expand beyond any model file (not read)",
    "invalid_yaml": "Invalid YAML",
    "not_a_model_file": "Not a model file (no `release` mapping)",
    "not_a_model_url": "`release.huggingface` is not a model URL",
    "page_title": "`release.huggingface` is a page title (matched, but write the plain URL)",
    "duplicate": "Several entries name the same Hub model",
    "no_hf_link": "No `release.huggingface` (cannot be matched)",
}
ROW_FIELDS = ("model_id", "downloads", "likes", "pipeline_tag", "mof_type", "license", "gated",
              "created", "possible_match", "draft_path", "draft_status")


def ids_path_for(report: Path) -> Path:
    """``missing.md`` -> ``missing.ids.txt``, next to the report."""
    return report.with_name(f"{report.stem}.ids.txt")


def partial_path(path: Path) -> Path:
    """Where a partial run's output goes, beside the last complete one:
    ``missing.md`` -> ``missing.partial.md``, ``missing.jsonl`` -> ``missing.partial.jsonl``."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


class IdsFile:
    """Missing ids, most downloaded first, one per line with a ``#`` comment.

    The listing arrives sorted by downloads, except the drafted models (they come after
    their detail requests) and whatever a listing that shifted between pages puts out of
    place. Lines in order are streamed to a temp file; the others (about ``max_drafts``)
    are kept, sorted and merged in when the file is moved into place: memory stays
    bounded by the out-of-order lines, not by the listing.
    """

    HEADER = ("# Hub models the MOT catalog lacks, most downloaded first.\n"
              "# Draft them: scrapy crawl model -a ids_file={path}\n")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._tmp: str | None = None
        self._fh: IO[str] | None = None
        self._last: int | None = None              # downloads of the last streamed line
        self._held: list[tuple[int, int, str]] = []  # (-downloads, arrival, line)

    def _open(self) -> IO[str]:
        if self._fh is None:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                             dir=self.path.parent)
            self._fh = os.fdopen(fd, "w+", encoding="utf-8", newline="\n")
        return self._fh

    def add(self, model_id: str, comment: str, downloads: int = 0) -> None:
        line = f"{model_id}  # {comment}\n"
        if self._last is None or downloads <= self._last:
            self._open().write(f"{downloads}\t{line}")
            self._last = downloads
        else:
            self._held.append((-downloads, self.count, line))
        self.count += 1

    @staticmethod
    def _lines(fh: IO[str]) -> Iterator[tuple[int, int, str]]:
        for raw in fh:
            downloads, _, line = raw.partition("\t")
            yield -int(downloads), 0, line

    def close(self) -> None:
        """Move the sorted file into place (even empty: an older run's list must not linger)."""
        streamed = self._open()
        assert self._tmp is not None
        streamed.flush()
        streamed.seek(0)
        fd, final = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                     dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(self.HEADER.format(path=self.path))
                # On equal downloads: streamed (listing) order first, then arrival order.
                for _, _, line in heapq.merge(self._lines(streamed), sorted(self._held),
                                              key=lambda entry: entry[0]):
                    out.write(line)
                out.flush()
                os.fsync(out.fileno())
            os.replace(final, self.path)
        except BaseException:
            if os.path.exists(final):
                os.unlink(final)
            raise
        finally:
            streamed.close()
            os.unlink(self._tmp)
            self._fh = self._tmp = None
            self._held = []

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._tmp and os.path.exists(self._tmp):
            os.unlink(self._tmp)
        self._fh = self._tmp = None


@dataclass
class GapReport:
    """Aggregates over the listed models; ``add`` one item's fields at a time."""

    max_rows: int = DEFAULT_MAX_ROWS
    listed: int = 0
    known: int = 0
    missing: Counter[str] = field(default_factory=Counter)            # priority -> count
    missing_by_type: Counter[tuple[str, str]] = field(default_factory=Counter)
    possible_matches: int = 0
    drafts: Counter[str] = field(default_factory=Counter)             # draft_status -> count
    high_rows: list[tuple[Any, ...]] = field(default_factory=list)
    undrafted_high: list[str] = field(default_factory=list)

    def add(self, item: Mapping[str, Any]) -> None:
        self.listed += 1
        if item.get("status") == "known":
            self.known += 1
            return
        priority = item.get("priority") or "low"
        self.missing[priority] += 1
        self.missing_by_type[(item.get("mof_type") or "unknown", priority)] += 1
        if item.get("possible_match"):
            self.possible_matches += 1
        if item.get("draft_requested"):
            self.drafts[item.get("draft_status") or "failed"] += 1
        # Drafted items arrive after their detail requests, out of listing order; they
        # are at most max_drafts, so they always get a row. render() sorts the rows.
        if priority == "high" and (item.get("draft_requested")
                                   or len(self.high_rows) < self.max_rows):
            self.high_rows.append(tuple(item.get(k) for k in ROW_FIELDS))
            if not item.get("draft_path") and len(self.undrafted_high) < MAX_COMMAND_IDS:
                self.undrafted_high.append(str(item.get("model_id")))

    @property
    def missing_total(self) -> int:
        return sum(self.missing.values())


def _md(text: Any) -> str:
    """A table cell: no pipes or newlines that would break the row."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _md(value)


def bucket_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Requests per rate-limit bucket: the rate-limit middleware's stats, else ours."""
    counts = {}
    for bucket in BUCKETS:
        value = stats.get(f"ratelimit/requests/{bucket}")
        if value is None:
            value = stats.get(f"motcrawl/requests/{bucket}", 0)
        counts[bucket] = int(value)
    return counts


def bucket_outcomes(stats: Mapping[str, Any], bucket: str) -> str:
    prefix = f"motcrawl/requests/{bucket}/status/"
    parts = sorted((k[len(prefix):], v) for k, v in stats.items() if k.startswith(prefix))
    return ", ".join(f"{code}: {count:,}" for code, count in parts)


MAX_CHART_TYPES = 10
# Back to front: all priorities, high + medium, high: drawn over each other the bars stack.
CHART_COLORS = "#c9d3df, #f2a541, #d1495b"


def _label(text: str) -> str:
    """An x-axis label Mermaid accepts: no quotes, brackets or commas."""
    cleaned = "".join(ch if ch.isalnum() or ch in " -_./+" else " " for ch in text)
    return " ".join(cleaned.split())[:30] or "unknown"


def missing_chart(report: GapReport) -> list[str]:
    """A Mermaid bar chart (GitHub renders it) of missing models by MOF type and priority.

    Mermaid's xychart has no stacked bars: three bars per type are drawn over each other,
    all priorities at the back, then high + medium, then high, so they read as a stack.
    """
    totals: Counter[str] = Counter()
    for (mof_type, _priority), count in report.missing_by_type.items():
        totals[mof_type or "unknown"] += count
    if not totals:
        return []
    shown = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    other = shown[MAX_CHART_TYPES - 1:] if len(shown) > MAX_CHART_TYPES else []
    shown = shown[:MAX_CHART_TYPES - 1] if other else shown

    def count(types: list[str], priorities: tuple[str, ...]) -> int:
        return sum(report.missing_by_type[(t, p)] for t in types for p in priorities)

    groups = [[t] for t in shown] + ([other] if other else [])
    labels = [_label(t) for t in shown] + ([f"{len(other)} other types"] if other else [])
    series = [[count(g, prios) for g in groups]
              for prios in (("high", "medium", "low"), ("high", "medium"), ("high",))]
    top = max(series[0])
    return [
        "```mermaid",
        "---",
        "config:",
        "  themeVariables:",
        "    xyChart:",
        f'      plotColorPalette: "{CHART_COLORS}"',
        "---",
        "xychart-beta",
        '  title "Missing models by MOF type and priority"',
        "  x-axis [" + ", ".join(f'"{label}"' for label in labels) + "]",
        f'  y-axis "models" 0 --> {max(1, top)}',
        *(f"  bar [{', '.join(str(v) for v in values)}]" for values in series),
        "```",
        "",
        "Bars stack by priority: high (front), medium, low (back); table under "
        "[Missing per type](#missing-per-type).",
        "",
    ]


def what_changed(counts: Mapping[str, int] | None, previous: str | None,
                 first_run: bool) -> list[str]:
    """The short 'What changed since the last run' section (details further down)."""
    lines = ["## What changed since the last run", ""]
    if counts is None:
        return lines + ["Not known: incremental state is off for this run.", ""]
    if first_run:
        return lines + ["First run: every missing model is new.", ""]
    lines.append(
        f"Since {previous or 'the previous run'}: **{counts.get('new_missing', 0):,} newly "
        f"missing**, {counts.get('changed', 0):,} changed on the Hub (redrafted), "
        f"{counts.get('became_known', 0):,} now in the MOT catalog. Lists: "
        "[Changes since the previous run](#changes-since-the-previous-run).")
    return lines + [""]


def render(report: GapReport, *, catalog_source: str, catalog_entries: int,
           catalog_models: int, warnings: list[CatalogWarning], stats: Mapping[str, Any],
           params: Mapping[str, Any], ids_file: Path | None, output_dir: str,
           generated: str, reason: str = "finished", changes: list[str] | None = None,
           changed: list[str] | None = None) -> str:
    """The Markdown report. ``changes``: the detailed section; ``changed``: the short one
    at the top (``what_changed``)."""
    shown = ", ".join(f"`{k}={v}`" for k, v in params.items() if v not in (None, ""))
    lines = [
        "# Popular Hugging Face models the MOT catalog lacks", "",
        f"Generated {generated} by `scrapy crawl missing` ({shown}).", "",
        f"Catalog: {_md(catalog_source)}.", "",
        *([f"**The crawl did not finish normally ({_md(reason)}): the counts below are "
           "partial.**", ""] if reason != "finished" else []),
        *missing_chart(report),
        *(changed or []),
        "## Summary", "",
        "| | count |", "| --- | ---: |",
        f"| catalog entries | {_n(catalog_entries)} ({_n(catalog_models)} distinct Hub models) |",
        f"| models listed | {_n(report.listed)} |",
        f"| already in MOT (known) | {_n(report.known)} |",
        f"| missing | {_n(report.missing_total)} |",
    ]
    for priority in PRIORITIES:
        lines.append(f"| missing, {priority} priority | {_n(report.missing[priority])} |")
    lines += [
        f"| missing with a possible match in the catalog | {_n(report.possible_matches)} |",
        f"| drafts requested | {_n(sum(report.drafts.values()))} |",
    ]
    for status, count in sorted(report.drafts.items()):
        lines.append(f"| drafts {status} | {_n(count)} |")
    lines.append(f"| catalog warnings | {_n(len(warnings))} |")
    lines += ["", "Priority: high above 100,000 downloads, medium 10,000 to 100,000, low below.",
              "", "### Requests", "", "| bucket | requests | by outcome |", "| --- | ---: | --- |"]
    for bucket, count in bucket_counts(stats).items():
        lines.append(f"| {bucket} | {_n(count)} | {bucket_outcomes(stats, bucket)} |")
    other = stats.get("motcrawl/requests/other")
    if other:
        lines.append(f"| other (MOT API) | {_n(other)} | {bucket_outcomes(stats, 'other')} |")
    lines += ["",
              f"Listing pages: {_n(stats.get('motcrawl/listing/pages', 0))}; "
              f"MOT API pages: {_n(stats.get('motcrawl/mot_api/pages', 0))}.", ""]

    lines += list(changes or [])  # motcrawl.outputs.state.changes_markdown: since the previous run
    lines += ["## Missing per type", ""]
    types = sorted({t for t, _ in report.missing_by_type},
                   key=lambda t: -sum(report.missing_by_type[(t, p)] for p in PRIORITIES))
    if types:
        lines += ["| MOF type | high | medium | low | total |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for mof_type in types:
            counts = [report.missing_by_type[(mof_type, p)] for p in PRIORITIES]
            lines.append(f"| {_md(mof_type)} | " + " | ".join(_n(c) for c in counts)
                         + f" | {_n(sum(counts))} |")
    else:
        lines.append("No missing models.")
    lines.append("")

    lines += ["## High priority (more than 100,000 downloads)", ""]
    if report.high_rows:
        lines += ["| # | model | downloads | likes | task | MOF type | license | gated | created "
                  "| possible match | draft |",
                  "| ---: | --- | ---: | ---: | --- | --- | --- | --- | --- | --- | --- |"]
        rows = sorted(report.high_rows, key=lambda r: -(r[1] if isinstance(r[1], int) else 0))
        for number, row in enumerate(rows, 1):
            r = dict(zip(ROW_FIELDS, row, strict=True))
            draft = r["draft_path"] or (r["draft_status"] if r["draft_status"] not in (
                None, "skipped") else "")
            lines.append(
                f"| {number} | [{_md(r['model_id'])}](https://huggingface.co/{_md(r['model_id'])}) "
                f"| {_n(r['downloads'])} | {_n(r['likes'])} | {_md(r['pipeline_tag'])} "
                f"| {_md(r['mof_type'])} | {_md(r['license'])} | {_md(r['gated'] or '')} "
                f"| {_md(r['created'])} | {_md(r['possible_match'] or '')} | {_md(draft)} |")
        more = report.missing["high"] - len(report.high_rows)
        if more > 0:
            lines += ["", f"{more:,} more high-priority models are in the ids file and the feed."]
    else:
        lines.append("No high-priority model is missing.")
    lines.append("")

    lines += ["## Catalog warnings", ""]
    if not warnings:
        lines.append("None.")
    grouped: dict[str, list[CatalogWarning]] = {}
    for warning in warnings:
        grouped.setdefault(warning.kind, []).append(warning)
    for kind, items in grouped.items():
        lines += [f"### {_WARNING_TITLES.get(kind, kind)} ({len(items)})", ""]
        if kind == "no_hf_link":
            lines += [", ".join(w.source for w in items), ""]
            continue
        lines += [f"- {_md(w.line())}" for w in items] + [""]
    lines.append("")

    lines += ["## Drafting", "", "Drafts are written to "
              f"`{output_dir}`; review them before opening a pull request on MOT.", "",
              "Draft one model:", "", "```sh",
              f"scrapy crawl model -a model_id=ORG/NAME -a output_dir={output_dir}", "```", ""]
    if ids_file is not None:
        lines += ["Draft every missing model of this report (delete lines from the file to "
                  "skip some):", "", "```sh",
                  f"scrapy crawl model -a ids_file={ids_file} -a output_dir={output_dir}",
                  "```", ""]
    if report.undrafted_high:
        lines += [f"Draft the top {len(report.undrafted_high)} high-priority models this run "
                  "did not draft:", "", "```sh",
                  f"scrapy crawl model -a model_id={','.join(report.undrafted_high)} "
                  f"-a output_dir={output_dir}", "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_report(path: Path, text: str) -> None:
    atomic_write(path, text, replace=True)
