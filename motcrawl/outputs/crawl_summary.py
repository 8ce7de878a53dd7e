"""The end-of-crawl summary text, from crawl stats (no Scrapy import: testable from a dict)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from motcrawl.outputs.outcome import SHUTDOWN, incomplete_reason

_REQUEST_RE = re.compile(r"<[A-Z]+ https?://[^>\s]*>")
_URL_RE = re.compile(r"https?://\S+")
_POSITION_RE = re.compile(r"(line|column|char|position) \d+")


def reason_group(stage: str, reason: str) -> str:
    """The summary line a failure counts under: its stage and reason, minus what is per model.

    Reasons name the URL that failed (``Getting http://.../org/name/... took longer``)
    or a position in the answer; without them, one cause across many models is one line.
    """
    text = _REQUEST_RE.sub("<request>", str(reason))
    text = _URL_RE.sub("<url>", text)
    text = _POSITION_RE.sub(r"\1 N", text)
    return f"{stage}: {text}"[:160]


def summary_lines(stats: Mapping[str, Any], failures: Counter[str], failures_path: str,
                  reason: str, already_in_mot: list[tuple[str, str]] | None = None) -> list[str]:
    """``already_in_mot``: (model id, catalog file) of drafts of models MOT already has."""
    written = stats.get("motcrawl/drafts/written", 0)
    overwritten = stats.get("motcrawl/drafts/overwritten", 0)
    exists = stats.get("motcrawl/drafts/exists", 0)
    failed = stats.get("motcrawl/failed", 0)
    known = stats.get("motcrawl/catalog/known", 0)
    lines = [
        f"motcrawl summary ({reason}): drafted {written + overwritten} "
        f"(new {written}, overwritten {overwritten}), kept existing {exists}, "
        f"skipped (known to MOT) {known}, failed {failed}",
    ]
    for model_id, catalog_file in (already_in_mot or [])[:10]:
        lines.append(f"  already in MOT ({catalog_file}): {model_id}")
    if len(already_in_mot or []) > 10:
        lines.append(f"  ... and {len(already_in_mot or []) - 10} more already in MOT")
    for text, count in failures.most_common(10):
        lines.append(f"  failed x{count}: {text}")
    unrecorded = stats.get("motcrawl/failures/unrecorded", 0)
    recorded = stats.get("motcrawl/failures/recorded", max(failed - unrecorded, 0))
    if recorded and failures_path:
        which = f"{recorded} of {recorded + unrecorded} failures" if unrecorded else "failures"
        lines.append(f"  {which} recorded in {failures_path} "
                     f"(retry them with -a ids_file={failures_path})")
    if unrecorded:
        lines.append(f"  {unrecorded} failures could not be recorded"
                     f"{' in ' + failures_path if failures_path else ''} (disk full or "
                     "not writable): their ids are only in this log's 'not drafted' lines")
    partial = incomplete_reason(stats, reason)
    if partial == SHUTDOWN:
        lines.append("  partial: the crawl was interrupted; run the same command again "
                     "(with the same -s JOBDIR=...) to finish it")
    elif partial:
        lines.append(f"  partial: the job could not do all its work ({partial})")
    return lines


def _num(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def ratelimit_lines(stats: Mapping[str, Any]) -> list[str]:
    """The rate-limit part of the summary: requests and 429s per bucket, retries, waits."""
    buckets = sorted({k.split("/", 2)[2] for k in stats
                      if k.startswith(("ratelimit/requests/", "ratelimit/429/"))})
    if not buckets:
        return []
    per_bucket = ", ".join(
        f"{b} {stats.get(f'ratelimit/requests/{b}', 0)}"
        + (f" ({stats[f'ratelimit/429/{b}']} refused)" if stats.get(f"ratelimit/429/{b}") else "")
        for b in buckets)
    refused = sum(stats.get(f"ratelimit/429/{b}", 0) for b in buckets)
    lines = [
        f"  requests by rate-limit bucket: {per_bucket}",
        f"  429 answers {refused}, re-sent after the reset {stats.get('ratelimit/retries', 0)}, "
        f"given up {stats.get('ratelimit/gave_up', 0)}; {stats.get('ratelimit/waits', 0)} "
        f"requests waited for a budget, "
        f"{_num(float(stats.get('ratelimit/wait_seconds', 0.0)))} s in all (summed over "
        f"requests waiting side by side)",
        f"  5xx/connection retries {stats.get('retry/count', 0)} (backoff "
        f"{_num(float(stats.get('ratelimit/backoff_seconds', 0.0)))} s), "
        f"given up after the last retry {stats.get('retry/max_reached', 0)}",
    ]
    return lines


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def progress_line(*, seen: int, total: int | None, finished: int, drafted: int, failed: int,
                  elapsed: float, budgets: list[tuple[str, int | None, int | None,
                                                      float | None]]) -> str:
    """One progress line: models seen/drafted/failed, each bucket's budget, ETA when known.

    ``budgets``: (bucket, remaining, quota, seconds to reset). The ETA assumes the
    rest goes at the average pace so far (rate limits included).
    """
    of_total = f"/{total}" if total is not None else ""
    parts = [f"progress: models seen {seen}{of_total}, drafted {drafted}, failed {failed}"]
    shown = []
    for bucket, remaining, quota, reset_in in budgets:
        text = f"{bucket} {'?' if remaining is None else remaining}"
        if quota:
            text += f"/{quota}"
        if reset_in is not None:
            text += f" (reset in {_duration(reset_in)})"
        shown.append(text)
    if shown:
        parts.append("budgets " + ", ".join(shown))
    if total is not None and finished and total > finished:
        parts.append(f"ETA {_duration(elapsed / finished * (total - finished))}")
    elif total is not None and finished >= total:
        parts.append("ETA 0 s")
    return " | ".join(parts)
