"""The end-of-crawl summary text, from crawl stats (no Scrapy import: testable from a dict)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

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
                  reason: str) -> list[str]:
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
    for text, count in failures.most_common(10):
        lines.append(f"  failed x{count}: {text}")
    if failed and failures_path:
        lines.append(f"  failures recorded in {failures_path} "
                     f"(retry them with -a ids_file={failures_path})")
    return lines
