"""``scrapy runstatus [SUMMARY]``: did the last crawl work? For schedulers.

Reads a run summary (``last-run.json``, motcrawl.outputs.run_summary), prints one
line and exits with the crawl's own exit code: a systemd unit, a cron line or a
GitHub Actions step fails loudly when the crawl failed, was interrupted, or never
ran (``--max-age``). ``--job`` checks that the summary is the given scrapyd job's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from motcrawl.outputs.run_summary import LAST_RUN, check_summary


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return f"[SUMMARY (default ./{LAST_RUN})] [--max-age HOURS] [--job JOBID]"

    def short_desc(self) -> str:
        return "Exit with the last crawl's exit code (from its run summary); one line"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--max-age", type=float, metavar="HOURS",
                            help="fail when the run finished longer ago than this")
        parser.add_argument("--job", metavar="JOBID", help="the scrapyd job it must be")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            print("error: give at most one summary file", file=sys.stderr)
            self.exitcode = 2
            return
        path = Path(args[0] if args else LAST_RUN)
        code, line = check_summary(path, max_age_hours=opts.max_age, job=opts.job)
        print(line, file=sys.stdout if code == 0 else sys.stderr)
        self.exitcode = code
