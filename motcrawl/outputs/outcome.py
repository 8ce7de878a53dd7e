"""How a crawl ended, from its stats: complete or partial, and the exit code it gets.

Plain logic (no Scrapy import), read by the crawl command (exit code), the gap
report and the feed storage (a partial run never replaces the last complete
outputs) and the end-of-crawl summary.

Exit codes (README "Exit codes"):
- 0: the crawl ran to its end;
- 1: the job could not do its work (MOT catalog or Hub listing failed, an empty
  MOT catalog, an unusable JOBDIR), or nothing could be drafted and failures were
  recorded, or an audit could check no entry on the Hub;
- 2: bad arguments or settings (one line on stderr, nothing requested);
- 3: interrupted (SIGINT/SIGTERM, once or twice, or scrapyd's cancel): partial;
  run the same command again (with the same ``-s JOBDIR=``) to finish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 3

# Scrapy's close reason after SIGINT/SIGTERM (also scrapyd's cancel.json).
SHUTDOWN = "shutdown"
# The close reason the engine never got to write: a second SIGINT stops the reactor at once.
KILLED = "killed"

# Stats that say a job-level step failed although the close reason is "finished".
_FAILED_STEPS = {
    "motcrawl/listing/failed": "listing_failed",
    "motcrawl/listing/invalid": "listing_invalid",
    "motcrawl/mot_api/failed": "mot_api_failed",
    "motcrawl/mot_api/empty": "mot_api_empty",
    "motcrawl/catalog/empty": "catalog_empty",
}


def close_reason(stats: Mapping[str, Any], reason: str | None = None) -> str:
    """The close reason: the one given, else the stats', else KILLED (never closed)."""
    return str(reason or stats.get("finish_reason") or KILLED)


def incomplete_reason(stats: Mapping[str, Any], reason: str | None = None,
                      *, interrupted: bool = False) -> str | None:
    """None when the crawl did all its work; else a short reason why its outputs are partial.

    ``interrupted``: the crawler was stopped (a signal) even if the reason reads otherwise.
    """
    if interrupted:
        return SHUTDOWN
    final = close_reason(stats, reason)
    if final != "finished":
        return final
    for key, name in _FAILED_STEPS.items():
        if stats.get(key):
            return name
    return None


def exit_code(stats: Mapping[str, Any]) -> int:
    """The exit code of a crawl that started (see the module docstring)."""
    reason = close_reason(stats)
    if reason in (SHUTDOWN, KILLED):
        return EXIT_INTERRUPTED
    if incomplete_reason(stats, reason):
        return EXIT_FAILED
    drafted = sum(stats.get(f"motcrawl/drafts/{k}", 0)
                  for k in ("written", "overwritten", "exists"))
    if stats.get("motcrawl/failed", 0) and not drafted and not stats.get(
            "motcrawl/report_written"):
        return EXIT_FAILED
    # An audit that could check no entry on the Hub (all its requests failed) did nothing.
    if stats.get("motcrawl/audit/failed", 0) and not stats.get("motcrawl/audit/audited", 0):
        return EXIT_FAILED
    return EXIT_OK
