"""What pipelines and extensions read from the running spider, typed, in one place.

motcrawl.spiders.base.DraftSpider declares every attribute read here. The readers
also accept a spider without them (a plain ``scrapy.Spider`` in a test, a spider of
another project sharing the settings): then there is nothing to read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from motcrawl.components.incremental import RunState
    from motcrawl.mof.catalog import Catalog


class OutputArgs(Protocol):
    """The arguments every drafting spider has (motcrawl.args.ModelArgs, MissingArgs)."""

    output_dir: Path
    overwrite: bool
    failures: Path


class ReportArgs(OutputArgs, Protocol):
    """The ``missing`` spider's arguments the gap report and incremental runs read."""

    report: Path | None
    min_downloads: int
    limit: int | None
    model_type: str | None
    max_drafts: int
    full: bool


def _args_with(spider: Any, *names: str) -> Any:
    args = getattr(spider, "args", None)
    return args if all(hasattr(args, name) for name in names) else None


def spider_args(spider: Any) -> OutputArgs | None:
    """The arguments of a spider that writes drafts (not ``audit``'s)."""
    return _args_with(spider, "output_dir", "overwrite", "failures")


def spider_output_dir(spider: Any) -> Path | None:
    args = _args_with(spider, "output_dir")
    return Path(args.output_dir) if args is not None else None


def spider_failures(spider: Any) -> Path | None:
    """The failures file of a spider that has one."""
    args = _args_with(spider, "failures")
    return Path(args.failures) if args is not None and args.failures else None


def report_args(spider: Any) -> ReportArgs | None:
    """The ``missing`` spider's arguments, when it was asked for a gap report."""
    args = _args_with(spider, "report", "min_downloads", "max_drafts")
    return args if args is not None and args.report is not None else None


def spider_catalog(spider: Any) -> Catalog | None:
    return getattr(spider, "catalog", None)


def spider_runstate(spider: Any) -> RunState | None:
    return getattr(spider, "runstate", None)


def spider_hf_token(spider: Any) -> str | None:
    """``-a hf_token=`` (never logged)."""
    return getattr(spider, "hf_token", None) or None


def spider_state_dir(spider: Any) -> str | None:
    """``-a state_dir=``: folder of the incremental state."""
    return getattr(spider, "state_dir", None) or None
