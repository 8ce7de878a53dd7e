"""``scrapy classify FILE... [--json]``: MOF class and progress of MOT model files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from motcrawl.commands._output import quiet_on_closed_pipe
from motcrawl.mof.evaluator import evaluate
from motcrawl.mof.license_facts import LicenseDB, load_license_db
from motcrawl.mof.schema import ModelFileError, load_yaml_file


class Command(ScrapyCommand):
    # Works on files: runs from any folder (a MOT checkout) through the scrapy.commands
    # entry point or the motcrawl console script.
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE... [--json]"

    def short_desc(self) -> str:
        return "Classify MOT model files (MOF class and progress), as MOT would"

    def long_desc(self) -> str:
        return (
            "Licenses are judged with MOT's own license files when the MOT_LICENSES "
            "setting names them (licenses.json and/or mof-licenses.json, comma-separated), "
            "else with motcrawl's default license database. Files that cannot be read "
            "get one ERROR line on stderr and make the exit code 1."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object per file and line"
        )

    @quiet_on_closed_pipe
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args:
            raise UsageError("give at least one model file")
        db = self._license_db()
        for path in args:
            try:
                doc = load_yaml_file(path)
            except ModelFileError as exc:
                print(f"ERROR {path}: {exc}", file=sys.stderr)
                self.exitcode = 1
                continue
            result = evaluate(doc, db)
            if opts.json:
                progress = {str(k): result.progress[k] for k in (1, 2, 3)}
                print(json.dumps({"file": path, "class": result.mof_class, "progress": progress}))
            else:
                p = result.progress
                line = (
                    f"{path}: {result.label} (class {result.mof_class}); progress "
                    f"III {p[3]:.1f}% II {p[2]:.1f}% I {p[1]:.1f}%"
                )
                if result.missing_for_next:
                    line += "; next class needs: " + ", ".join(result.missing_for_next)
                print(line)

    def _license_db(self) -> LicenseDB:
        assert self.settings is not None
        # Outside a project the settings are Scrapy's own: MOT_LICENSES from the environment.
        value = self.settings.get("MOT_LICENSES") or os.environ.get("MOT_LICENSES") or ""
        paths = [p.strip() for p in str(value).split(",") if p.strip()] if not isinstance(
            value, list) else value
        try:
            return load_license_db(paths)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot load MOT_LICENSES {paths}: {exc}", print_help=False) from exc
