"""``scrapy crawl``, with motcrawl's exit codes.

- 2 and one line on stderr when the spider name, its arguments, the Redis
  settings or MOF_SCHEMA are wrong: checked in ``process_options``, before
  Scrapy sets up logging or makes any request;
- 1 when the crawl drafted nothing and recorded failures, or could not do its job
  (the MOT catalog or the listing failed: the report then says it is partial);
- 3 when it was interrupted (SIGINT/SIGTERM, once or twice): partial.
See motcrawl.outputs.outcome.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from motcrawl.args import ArgumentError, settings_into_arguments
from motcrawl.components.addons import settings_error
from motcrawl.mof.schema import load_schema
from motcrawl.outputs.outcome import EXIT_FAILED, EXIT_USAGE, exit_code


def _fail(message: str) -> NoReturn:
    print(f"error: {message}".splitlines()[0], file=sys.stderr)
    sys.exit(EXIT_USAGE)


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give exactly one spider name: scrapy crawl model|missing ...")
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        try:
            spidercls = loader.load(args[0])
        except KeyError:
            _fail(f"no spider named {args[0]!r} (try: {', '.join(sorted(loader.list()))})")
        problem = settings_error(self.settings)
        if problem:
            _fail(problem)
        schema = self.settings.get("MOF_SCHEMA")
        if schema:
            # SchemaValidationPipeline would only be disabled (a warning): refuse instead
            # of writing drafts nobody validated.
            try:
                load_schema(str(Path(schema).expanduser().resolve()))
            except (OSError, ValueError) as exc:
                _fail(f"MOF_SCHEMA {schema}: {exc}")
        # Relative output paths resolve under one base folder (motcrawl.outputs.paths).
        settings_into_arguments(opts.spargs, self.settings)
        parse = getattr(spidercls, "parse_arguments", None)
        if parse is not None:
            try:
                parse(dict(opts.spargs))
            except ArgumentError as exc:
                _fail(str(exc))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
            return
        # No finish_reason: a second SIGINT stopped the reactor before the spider closed.
        self.exitcode = exit_code(crawler.stats.get_stats() if crawler.stats else {})
