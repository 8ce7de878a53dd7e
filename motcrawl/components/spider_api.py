"""What pipelines and extensions read from the running spider, typed, in one place.

motcrawl.spiders.base.DraftSpider declares every attribute read here. The readers
also accept a spider without them (a plain ``scrapy.Spider`` in a test, a spider of
another project sharing the settings): then there is nothing to read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from motcrawl.audit.entries import Entry
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


class AuditRun(Protocol):
    """What ``scrapy crawl audit`` (motcrawl.spiders.audit.AuditSpider) counted, for its
    report (motcrawl.outputs.audit_report.AuditSummary)."""

    catalog_source: str       # the models folder or MOT's API URL
    entries: list[Entry]      # catalog entries, those not read included
    with_hub_url: int
    audited: int
    failed: int
    hf_requests: int


_AUDIT_RUN = ("catalog_source", "entries", "with_hub_url", "audited", "failed", "hf_requests")


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


def audit_run(spider: Any) -> AuditRun | None:
    """The audit spider's counts; None for any other spider."""
    return spider if all(hasattr(spider, name) for name in _AUDIT_RUN) else None


def audit_report(spider: Any) -> Path | None:
    """``-a report=`` of an audit spider: where its report goes (None: no report)."""
    args = _args_with(spider, "report")
    if audit_run(spider) is None or args is None or not args.report:
        return None
    return Path(args.report)
