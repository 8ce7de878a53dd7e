"""``scrapy validate FILE... [--schema PATH]``: check MOT model files against a JSON Schema."""

from __future__ import annotations

import argparse
import os
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from motcrawl.commands._output import quiet_on_closed_pipe
from motcrawl.mof.schema import ModelFileError, load_schema, load_yaml_file, validate_document


class Command(ScrapyCommand):
    # Works on files: runs from any folder (a MOT checkout) through the scrapy.commands
    # entry point or the motcrawl console script.
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE... [--schema PATH]"

    def short_desc(self) -> str:
        return "Validate MOT model files (YAML) against the MOF JSON Schema"

    def long_desc(self) -> str:
        return (
            "Print one line per file: 'OK path', 'INVALID path: $.json.path: message; ...' "
            "or 'ERROR path: reason' for unreadable or invalid YAML. Exit code 1 if any "
            "file is not OK. The schema is --schema, else the MOF_SCHEMA setting, else "
            "the schema packaged with motcrawl."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--schema", metavar="PATH", help="JSON Schema file to validate against")

    @quiet_on_closed_pipe
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args:
            raise UsageError("give at least one model file")
        # Outside a project the settings are Scrapy's own: MOF_SCHEMA from the environment.
        schema_path = (opts.schema or self.settings.get("MOF_SCHEMA")
                       or os.environ.get("MOF_SCHEMA") or None)
        try:
            schema = load_schema(schema_path)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot load schema {schema_path}: {exc}", print_help=False) from exc
        for path in args:
            try:
                problems = validate_document(load_yaml_file(path), schema)
            except ModelFileError as exc:
                print(f"ERROR {path}: {exc}")
                self.exitcode = 1
                continue
            if problems:
                print(f"INVALID {path}: " + "; ".join(str(p) for p in problems))
                self.exitcode = 1
            else:
                print(f"OK {path}")
