"""The run summary a scheduler reads: one JSON file per crawl, and ``last-run.json``.

Exit codes are invisible under scrapyd (``listjobs.json`` has no exit status), so a
weekly crawl that failed looked like one that worked. Every crawl therefore writes,
beside its output folder (the drafts folder's parent)::

    runs/<spider>-<UTC start, 20261201T060000Z>.json
    last-run.json                      (the same content, replaced atomically)

with the close reason, the exit code the process exits with (computed by
``motcrawl.outputs.outcome.exit_code``, which the crawl command uses too), counts per
outcome, requests per rate-limit bucket and the paths the crawl wrote. A scheduler
fails loudly when ``ok`` is false (docs/scheduling.md).

Plain logic, no Scrapy: the extension (motcrawl.components.extensions.RunSummary)
hands in the stats and paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from motcrawl.outputs.outcome import close_reason, exit_code, incomplete_reason
from motcrawl.outputs.yamlfile import atomic_write
from motcrawl.web.buckets import BUCKETS

SCHEMA_VERSION = 1
LAST_RUN = "last-run.json"
RUNS_DIR = "runs"

_DRAFT_OUTCOMES = ("written", "overwritten", "exists", "unchanged")


def summary_folder(output_dir: Path) -> Path:
    """Beside the drafts folder (never inside it: it goes into MOT pull requests)."""
    return Path(output_dir).resolve().parent


def stamp(when: datetime) -> str:
    """``20261201T060000Z``: sortable, no colons (file-name safe everywhere)."""
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(microsecond=0).isoformat()
    return None


def without_credentials(uri: str) -> str:
    """A feed URI without user:password (s3://KEY:SECRET@bucket/...)."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def outcome_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Models per outcome: drafted (new, overwritten), kept, unchanged, known, failed."""
    counts = {f"drafts_{k}": int(stats.get(f"motcrawl/drafts/{k}", 0)) for k in _DRAFT_OUTCOMES}
    counts.update(
        drafts_requested=int(stats.get("motcrawl/drafts/requested", 0)),
        failed=int(stats.get("motcrawl/failed", 0)),
        known_to_mot=int(stats.get("motcrawl/catalog/known", 0)),
        already_in_mot=int(stats.get("motcrawl/catalog/already_in_mot", 0)),
        missing=int(stats.get("motcrawl/catalog/missing", 0)),
        listed=int(stats.get("motcrawl/listing/models", 0)),
        items=int(stats.get("item_scraped_count", 0)),
    )
    return counts


def request_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Requests per rate-limit bucket (the rate limiter's count, else the downloaded answers)."""
    counts: dict[str, int] = {}
    for bucket in (*BUCKETS, "other"):
        value = stats.get(f"ratelimit/requests/{bucket}")
        if value is None:
            value = stats.get(f"motcrawl/requests/{bucket}", 0)
        counts[bucket] = int(value)
    counts["refused_429"] = sum(int(stats.get(f"ratelimit/429/{b}", 0)) for b in BUCKETS)
    return counts


def build_summary(stats: Mapping[str, Any], *, spider: str, reason: str | None,
                  paths: Mapping[str, str | list[str] | None],
                  job: str | None = None) -> dict[str, Any]:
    """The summary document; ``reason``: the spider's close reason (stats may lack it yet)."""
    final = dict(stats)
    if reason:
        final.setdefault("finish_reason", reason)
    code = exit_code(final)
    return {
        "schema": SCHEMA_VERSION,
        "spider": spider,
        "job": job,
        "started": _iso(final.get("start_time")),
        "finished": _iso(final.get("finish_time")) or _iso(datetime.now(timezone.utc)),
        "finish_reason": close_reason(final),
        "exit_code": code,
        "ok": code == 0,
        "partial": incomplete_reason(final) or None,
        "counts": outcome_counts(final),
        "requests": request_counts(final),
        "paths": {k: v for k, v in paths.items() if v},
    }


def write_summary(folder: Path, summary: Mapping[str, Any], started: datetime) -> list[Path]:
    """Write ``runs/<spider>-<stamp>.json`` and ``last-run.json`` (atomically); their paths."""
    text = json.dumps(summary, indent=2, sort_keys=False, default=str) + "\n"
    run_file = folder / RUNS_DIR / f"{summary['spider']}-{stamp(started)}.json"
    run_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(run_file, text, replace=True)
    last = folder / LAST_RUN
    atomic_write(last, text, replace=True)
    return [run_file, last]


def check_summary(path: Path, *, max_age_hours: float | None = None, job: str | None = None,
                  now: datetime | None = None) -> tuple[int, str]:
    """(exit code, one line) for a scheduler: the crawl's exit code, 1 when the summary
    is missing, unreadable, too old or another job's."""
    try:
        summary = json.loads(Path(path).read_text(encoding="utf-8"))
        code = int(summary["exit_code"])
        spider, reason = str(summary["spider"]), str(summary["finish_reason"])
    except FileNotFoundError:
        return 1, f"FAILED: no run summary at {path} (the crawl never ran or never finished)"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return 1, f"FAILED: run summary {path} unreadable: {exc}"
    finished = summary.get("finished")
    if job is not None and summary.get("job") != job:
        return 1, f"FAILED: {path} is job {summary.get('job')!r}, not {job!r} (still running?)"
    if max_age_hours is not None:
        try:
            when = datetime.fromisoformat(str(finished))
        except ValueError:
            return 1, f"FAILED: run summary {path} has no finish time"
        age = ((now or datetime.now(timezone.utc)) - when).total_seconds() / 3600
        if age > max_age_hours:
            return 1, (f"FAILED: the last {spider} crawl finished {age:.0f} h ago "
                       f"(more than {max_age_hours:g} h): did the schedule run?")
    counts = summary.get("counts") or {}
    drafted = sum(int(counts.get(k, 0)) for k in ("drafts_written", "drafts_overwritten"))
    text = (f"{spider} crawl {reason}, exit code {code}, drafted {drafted}, failed "
            f"{counts.get('failed', 0)}, finished {finished}")
    if code != 0:
        partial = summary.get("partial")
        return code, f"FAILED: {text}" + (f" (partial: {partial})" if partial else "")
    return 0, f"OK: {text}"
