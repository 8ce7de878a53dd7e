"""``scrapy promote DRAFT... --to CATALOG_DIR``: reviewed drafts into MOT's catalog.

Runs from any folder (registered under the ``scrapy.commands`` entry point as
well as COMMANDS_MODULE): a maintainer promotes from inside a MOT checkout.
The logic is ``motcrawl.outputs.promote``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from motcrawl.commands._output import quiet_on_closed_pipe
from motcrawl.mof.schema import load_schema
from motcrawl.outputs.promote import (
    BadInput,
    PromoteError,
    catalog_folder,
    git_commands,
    load_catalog,
    promote,
    read_draft,
)


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "DRAFT... --to CATALOG_DIR [--force] [--schema PATH]"

    def short_desc(self) -> str:
        return "Move reviewed drafts into a MOT catalog folder (header stripped, validated)"

    def long_desc(self) -> str:
        return (
            "Per draft: strip the review header, validate against MOT's schema (--schema, "
            "else MOF_SCHEMA, else the packaged one), refuse a model the catalog already "
            "has, a file name that exists, and a review checklist with unresolved required "
            "fields (unless --force); write <release.name>.yml atomically. One line per "
            "draft; then the git commands for a pull request. Exit 1 if a draft was "
            "refused, 2 on bad input (not a draft, invalid YAML, missing folder)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--to", metavar="CATALOG_DIR", dest="to",
                            help="the catalog folder (a MOT checkout's models/)")
        parser.add_argument("--force", action="store_true",
                            help="promote even if the review checklist lists required fields")
        parser.add_argument("--schema", metavar="PATH", help="JSON Schema to validate against")

    def _fail(self, message: str, code: int = 2) -> None:
        print(f"error: {message}".splitlines()[0], file=sys.stderr)
        self.exitcode = code

    @quiet_on_closed_pipe
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args:
            self._fail("give at least one draft: scrapy promote DRAFT... --to CATALOG_DIR")
            return
        # Outside a project the settings are Scrapy's own: MOF_SCHEMA from the environment.
        schema_path = (opts.schema or self.settings.get("MOF_SCHEMA")
                       or os.environ.get("MOF_SCHEMA") or None)
        try:
            schema = load_schema(str(Path(schema_path).expanduser()) if schema_path else None)
        except (OSError, ValueError) as exc:
            self._fail(f"cannot load schema {schema_path}: {exc}")
            return
        try:
            folder = catalog_folder(opts.to)
        except BadInput as exc:
            self._fail(str(exc))
            return
        catalog = load_catalog(folder)
        written: list[Path] = []
        for arg in args:
            try:
                target = promote(read_draft(Path(arg)), catalog, folder, schema,
                                 force=opts.force)
            except PromoteError as exc:
                print(f"REFUSED {arg}: {exc}" if exc.exit_code == 1 else f"ERROR {arg}: {exc}")
                self.exitcode = max(self.exitcode, exc.exit_code)
                continue
            except OSError as exc:
                print(f"ERROR {arg}: not written: {exc.strerror or exc}")
                self.exitcode = max(self.exitcode, 1)
                continue
            written.append(target)
            print(f"PROMOTED {arg} -> {target}")
        if written:
            print()
            print("\n".join(git_commands(written, folder)))
