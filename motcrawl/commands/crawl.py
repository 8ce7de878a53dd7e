"""``scrapy crawl``, with motcrawl's exit codes.

- 2 and one line on stderr when spider arguments are wrong (checked before any request);
- 1 when the crawl drafted nothing and recorded failures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from motcrawl.args import ArgumentError
from motcrawl.validation import load_schema


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Check spider arguments here: before the crawler process exists and logs anything,
        so a bad argument prints exactly one line."""
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() says what is wrong
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            print(f"error: no spider named {args[0]!r} (try: model, missing)", file=sys.stderr)
            raise SystemExit(2) from None
        parse = getattr(spidercls, "parse_arguments", None)
        if parse is not None:
            try:
                parse(dict(opts.spargs))
            except ArgumentError as exc:
                print(f"error: {exc}", file=sys.stderr)
                raise SystemExit(2) from None
        schema = self.settings.get("MOF_SCHEMA")
        if schema:
            # SchemaValidationPipeline would only be disabled (a warning): refuse instead
            # of writing drafts nobody validated.
            try:
                load_schema(str(Path(schema).expanduser().resolve()))
            except (OSError, ValueError) as exc:
                print(f"error: MOF_SCHEMA {schema}: {exc}".splitlines()[0], file=sys.stderr)
                raise SystemExit(2) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name: scrapy crawl model|missing ...")
        assert self.crawler_process is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            print(f"error: no spider named {args[0]!r} (try: model, missing)", file=sys.stderr)
            self.exitcode = 2
            return
        parse = getattr(spidercls, "parse_arguments", None)
        if parse is not None:
            try:
                parse(dict(opts.spargs))
            except ArgumentError as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        crawler = self._create_crawler(spidercls)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        drafted = sum(stats.get(f"motcrawl/drafts/{k}", 0)
                      for k in ("written", "overwritten", "exists"))
        if stats.get("motcrawl/failed", 0) and not drafted and not stats.get(
                "motcrawl/report_written"):
            self.exitcode = 1
