"""Item pipelines, in ITEM_PIPELINES order. Each is a thin adapter over one plain module.

Items that carry a ``failure`` or were not asked to be drafted pass through
untouched until DraftWriterPipeline, which records every failure: no model is
dropped silently. Between pipelines the item carries the analysis' dataclasses
(the spider's ModelEvidence, Detections, LicenseFinding, Fields, Confidence,
Evaluation); DraftWriterPipeline writes the draft header from them, then turns them
into dicts for the feed (motcrawl.outputs.feed).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from motcrawl import settings as defaults
from motcrawl.analysis.confidence import score
from motcrawl.analysis.detect import Detection, detect_components
from motcrawl.analysis.evidence import ModelEvidence, build_evidence
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.listing_facts import priority_for
from motcrawl.analysis.lookups import external_notes
from motcrawl.analysis.release import Field, release_fields, release_license
from motcrawl.audit.findings import Finding
from motcrawl.components.resume import resuming
from motcrawl.components.spider_api import (
    audit_report,
    audit_run,
    report_args,
    spider_args,
    spider_catalog,
    spider_runstate,
)
from motcrawl.mof.evaluator import evaluate
from motcrawl.mof.license_facts import load_license_db
from motcrawl.mof.schema import load_schema, validate_document
from motcrawl.outputs.audit_report import AuditSummary
from motcrawl.outputs.audit_report import render as render_audit
from motcrawl.outputs.draft import build_document, today
from motcrawl.outputs.draft_header import draft_header
from motcrawl.outputs.failures import FailureLog
from motcrawl.outputs.feed import to_feed
from motcrawl.outputs.gap_report import (
    GapReport,
    IdsFile,
    ids_path_for,
    partial_path,
    render,
    what_changed,
    write_report,
)
from motcrawl.outputs.outcome import incomplete_reason
from motcrawl.outputs.state import REDRAFT, changes_markdown
from motcrawl.outputs.yamlfile import DraftStore, render_draft

logger = logging.getLogger(__name__)


def drafting(adapter: ItemAdapter) -> bool:
    return bool(adapter.get("draft_requested")) and not adapter.get("failure")


def evidence_of(adapter: ItemAdapter) -> ModelEvidence:
    """The spider's parsed evidence; built here only for an item made without it."""
    ev = adapter.get("evidence")
    if ev is None:
        ev = build_evidence(
            adapter["model_id"], adapter["info"], adapter.get("card_text"),
            adapter.get("card_status") or "missing", refs=adapter.get("refs"),
            license_text=adapter.get("license_text"), github=adapter.get("github"),
            datasets=adapter.get("datasets"))
        adapter["evidence"] = ev
    return ev


class _Pipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)


class ComponentDetectionPipeline(_Pipeline):
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        try:
            ev = evidence_of(adapter)
        except (TypeError, ValueError, KeyError) as exc:
            adapter["failure"] = {"stage": "parse", "reason": f"unusable Hub answer: {exc}"[:300]}
            return item
        if ev.card.error:
            self.stats.inc_value("motcrawl/card_front_matter_broken")
            logger.warning("%s: %s", adapter["model_id"], ev.card.error)
        detections = detect_components(ev)
        adapter["components"] = detections
        self.stats.inc_value("motcrawl/components_detected", len(detections))
        return item


class LicenseDetectionPipeline(_Pipeline):
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        finding = release_license(evidence_of(adapter))
        adapter["license_finding"] = finding
        adapter["license"] = finding.name
        if not finding.known:
            self.stats.inc_value("motcrawl/license_unknown")
        return item


class ReleaseFieldsPipeline(_Pipeline):
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        fields = release_fields(evidence_of(adapter))
        adapter["release"] = fields
        adapter["mof_type"] = fields["type"].value
        return item


class ConfidenceScoringPipeline(_Pipeline):
    """Scores the draft, then assembles the MOT document the next stages check and write."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        detections: list[Detection] = adapter["components"]
        fields: dict[str, Field] = adapter["release"]
        finding: LicenseFinding = adapter["license_finding"]
        adapter["confidence"] = score(detections, fields, finding)
        github = adapter.get("github") or {}
        code_license = None
        if github.get("license"):
            code_license = LicenseFinding(name=github["license"],
                                          path=github.get("license_path", ""),
                                          source="repository", confidence=0.8)
        adapter["document"] = build_document(fields, finding, detections,
                                             code_license=code_license,
                                             repository=github.get("repository", ""))
        return item


class ClassificationPipeline(_Pipeline):
    """Predicts the MOF class MOT will show for the draft (MOT's evaluator, reproduced)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        paths = crawler.settings.getlist("MOT_LICENSES") if crawler.settings.get(
            "MOT_LICENSES") else []
        try:
            self.license_db = load_license_db(paths)
        except (OSError, ValueError) as exc:
            raise NotConfigured(f"MOT_LICENSES {paths}: {exc}") from exc

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        result = evaluate(adapter["document"], self.license_db)
        adapter["evaluation"] = result
        adapter["mof_class"] = result.label
        self.stats.inc_value(f"motcrawl/mof_class/{result.mof_class}")
        return item


class SchemaValidationPipeline(_Pipeline):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        path = crawler.settings.get("MOF_SCHEMA")
        try:
            self.schema = load_schema(str(Path(path).expanduser().resolve()) if path else None)
        except (OSError, ValueError) as exc:
            raise NotConfigured(f"MOF_SCHEMA {path}: {exc}") from exc

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not drafting(adapter):
            return item
        problems = validate_document(adapter["document"], self.schema)
        if problems:
            adapter["validation_errors"] = [f"{p.path}: {p.message}" for p in problems]
            adapter["failure"] = {"stage": "validation",
                                  "reason": "; ".join(adapter["validation_errors"])[:500]}
            adapter["draft_status"] = "invalid"
            self.stats.inc_value("motcrawl/validation_failed")
            logger.error("%s: draft fails the MOF schema: %s", adapter["model_id"],
                         "; ".join(adapter["validation_errors"]))
        else:
            self.stats.inc_value("motcrawl/validation_passed")
        return item


class DraftWriterPipeline(_Pipeline):
    """Writes valid drafts atomically and records every failure in the failures file."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._store: DraftStore | None = None
        self._failures: FailureLog | None = None

    def _setup(self) -> tuple[DraftStore, FailureLog]:
        if self._store is None or self._failures is None:
            args = spider_args(self.crawler.spider)
            if args is None:
                raise RuntimeError("DraftWriterPipeline needs a motcrawl spider (its args)")
            self._store = DraftStore(Path(args.output_dir), overwrite=args.overwrite)
            self._failures = FailureLog(Path(args.failures))
        return self._store, self._failures

    def open_spider(self) -> None:
        """The failures file lists this crawl's failures; a resumed JOBDIR job keeps its own.

        An earlier crawl's file is moved aside (``failures.<time>.jsonl``), never deleted."""
        _, failures = self._setup()
        if not resuming(self.crawler.settings):
            try:
                aside = failures.reset()
            except OSError as exc:
                logger.error("failures file %s not moved aside: %s", failures.path,
                             exc.strerror or exc)
            else:
                if aside is not None:
                    logger.info("failures of the previous crawl kept in %s", aside)

    def _record(self, failures: FailureLog, model_id: str, stage: str, reason: str) -> None:
        if failures.record(model_id, stage, reason):
            self.stats.inc_value("motcrawl/failures/recorded")
            return
        self.stats.inc_value("motcrawl/failures/unrecorded")
        logger.error("%s: failure not recorded in %s: %s", model_id, failures.path,
                     failures.error)

    @staticmethod
    def _header(adapter: ItemAdapter) -> list[str]:
        info = adapter["info"]
        finding: LicenseFinding = adapter["license_finding"]
        return draft_header(
            source_url=adapter["url"], model_id=adapter["model_id"], crawled=today(),
            sha=info.get("sha"), last_modified=info.get("lastModified"),
            confidence=adapter["confidence"], detections=adapter["components"],
            fields=adapter["release"], license_info=finding,
            evaluation=adapter.get("evaluation"), catalog_file=adapter.get("catalog_file"),
            notes=list(finding.notes)
            + external_notes(adapter.get("github"), adapter.get("datasets")))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        store, failures = self._setup()
        # The header reads the analysis' dataclasses; the feed gets dicts from here on.
        header = self._header(adapter) if drafting(adapter) else None
        to_feed(adapter)
        failure = adapter.get("failure")
        if failure:
            self._record(failures, adapter["model_id"], failure["stage"], failure["reason"])
            adapter.setdefault("draft_status", "failed")
            self.stats.inc_value("motcrawl/failed")
            self.stats.inc_value(f"motcrawl/failed/{failure['stage']}")
            logger.error("%s: not drafted (%s): %s", adapter["model_id"], failure["stage"],
                         failure["reason"])
            return item
        if not adapter.get("draft_requested") or header is None:
            adapter.setdefault("draft_status", "skipped")
            return item
        text = render_draft(adapter["document"], header)
        try:
            result = store.write(adapter["model_id"], adapter["url"],
                                 adapter["document"]["release"]["name"], text,
                                 overwrite=True if adapter.get("incremental") in REDRAFT else None)
        except OSError as exc:
            adapter["failure"] = {"stage": "write", "reason": f"{exc.strerror or exc}"}
            self._record(failures, adapter["model_id"], "write", adapter["failure"]["reason"])
            adapter["draft_status"] = "failed"
            self.stats.inc_value("motcrawl/failed")
            logger.error("%s: draft not written: %s", adapter["model_id"], exc)
            return item
        adapter["draft_path"] = str(result.path)
        adapter["draft_status"] = result.status
        self.stats.inc_value(f"motcrawl/drafts/{result.status}")
        if result.status == "exists":
            logger.info("%s: %s exists, kept (use -a overwrite=true to replace it)",
                        adapter["model_id"], result.path)
        else:
            logger.info("%s: draft %s -> %s", adapter["model_id"], result.status, result.path)
        return item


class CatalogDiffPipeline(_Pipeline):
    """Records each listed model's status against the spider's MOT catalog (motcrawl.mof.catalog).

    Spiders without a ``catalog`` (the ``model`` spider) pass through untouched.
    """

    def process_item(self, item: Any) -> Any:
        catalog = spider_catalog(self.crawler.spider)
        if catalog is None:
            return item
        adapter = ItemAdapter(item)
        model_id = adapter["model_id"]
        adapter.setdefault("priority", priority_for(adapter.get("downloads")))
        found = catalog.match(model_id)
        if found:
            adapter["status"], adapter["catalog_file"] = "known", found
            if adapter.get("draft_requested"):
                # Asked for by name (``model``): drafted all the same, and the draft says so.
                self.stats.inc_value("motcrawl/catalog/already_in_mot")
            else:
                self.stats.inc_value("motcrawl/catalog/known")
            return item
        adapter["status"] = "missing"
        self.stats.inc_value("motcrawl/catalog/missing")
        self.stats.inc_value(f"motcrawl/catalog/missing/{adapter['priority']}")
        possible = catalog.possible_match(model_id, adapter.get("base_models") or [])
        if possible:
            adapter["possible_match"] = possible
            self.stats.inc_value("motcrawl/catalog/possible_match")
        return item


def _what_changed(runstate: Any) -> list[str]:
    if runstate is None:
        return what_changed(None, None, False)
    changes = runstate.changes()
    previous = changes.previous_run or {}
    return what_changed(changes.counts(), previous.get("finished") or previous.get("started"),
                        changes.first_run)


class GapReportPipeline(_Pipeline):
    """Feeds motcrawl.outputs.gap_report with every item; writes the report when the spider closes.

    Active only for a spider whose ``args.report`` names a file (``-a report=``).
    Runs last, so it sees draft paths and statuses.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.report: GapReport | None = None
        self.ids: IdsFile | None = None
        self.path: Path | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def open_spider(self) -> None:
        args = report_args(self.crawler.spider)
        if args is not None and args.report:
            self.path = Path(args.report)
            self.report = GapReport(max_rows=self.crawler.settings.getint(
                "MOTCRAWL_REPORT_ROWS", defaults.MOTCRAWL_REPORT_ROWS))
            self.ids = IdsFile(ids_path_for(self.path))

    def process_item(self, item: Any) -> Any:
        if self.report is None or self.ids is None:
            return item
        adapter = ItemAdapter(item)
        self.report.add(adapter)
        if adapter.get("status") == "missing":
            downloads = adapter.get("downloads")
            downloads = downloads if isinstance(downloads, int) else 0
            self.ids.add(adapter["model_id"],
                         f"{downloads:,} downloads, "
                         f"{adapter.get('priority')}, {adapter.get('pipeline_tag') or '-'}",
                         downloads)
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Written on spider_closed (not close_spider): the close reason goes in the report.
        if self.report is None or self.ids is None or self.path is None:
            return
        catalog = spider_catalog(spider)
        runstate = spider_runstate(spider)  # motcrawl.components.incremental
        args = report_args(spider)
        assert args is not None  # open_spider found the report path there
        params = {"min_downloads": args.min_downloads, "limit": args.limit,
                  "model_type": args.model_type, "max_drafts": args.max_drafts}
        # A partial run (interrupted, catalog or listing failed) never replaces the last
        # complete report: it goes beside it (missing.partial.md, missing.partial.ids.txt).
        partial = incomplete_reason(self.stats.get_stats(), reason,
                                    interrupted=not self.crawler.crawling)
        path = partial_path(self.path) if partial else self.path
        self.ids.path = ids_path_for(path)
        try:
            self.ids.close()
            text = render(
                self.report, catalog_source=str(getattr(catalog, "source", "") or "none"),
                catalog_entries=getattr(catalog, "entries", 0),
                catalog_models=getattr(catalog, "model_count", 0),
                warnings=list(getattr(catalog, "warnings", [])),
                stats=self.stats.get_stats(), params=params, ids_file=self.ids.path,
                output_dir=str(args.output_dir), generated=today(), reason=partial or reason,
                changes=changes_markdown(runstate.changes()) if runstate else None,
                changed=_what_changed(runstate))
            write_report(path, text)
        except OSError as exc:
            self.ids.discard()
            self.stats.inc_value("motcrawl/report_failed")
            logger.error("report %s not written: %s", path, exc.strerror or exc)
            return
        if partial:
            self.stats.set_value("motcrawl/report_partial", 1)
            logger.warning("partial gap report (%s) written to %s; the last complete report "
                           "%s is kept", partial, path, self.path)
            return
        self.stats.set_value("motcrawl/report_written", 1)
        logger.info("gap report written to %s (%d missing, ids in %s)", path,
                    self.report.missing_total, self.ids.path)


class AuditReportPipeline(_Pipeline):
    """Collects ``scrapy crawl audit``'s findings; writes motcrawl.outputs.audit_report when
    the spider closes. Active only with ``-a report=``; the only pipeline of that spider."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.path: Path | None = None
        self.findings: list[Finding] = []
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def open_spider(self) -> None:
        self.path = audit_report(self.crawler.spider)

    def process_item(self, item: Any) -> Any:
        if self.path is not None:
            adapter = ItemAdapter(item)
            self.findings.append(Finding(**{k: adapter.get(k) for k in (
                "catalog_file", "model_id", "kind", "detail", "evidence", "suggestion",
                "diff", "downloads")}))
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        run = audit_run(spider)
        if self.path is None or run is None:
            return
        summary = AuditSummary(
            catalog_source=run.catalog_source or "none", entries=len(run.entries),
            with_hub_url=run.with_hub_url, audited=run.audited,
            hf_requests=run.hf_requests, generated=today(), reason=reason,
            failed=run.failed, not_read=[f"{e.catalog_file}: {e.problem}"
                                         for e in run.entries if e.problem_kind in
                                         ("unreadable", "invalid_yaml", "too_large",
                                          "too_many_aliases", "not_a_model_file")])
        try:
            write_report(self.path, render_audit(self.findings, summary))
        except OSError as exc:
            self.stats.inc_value("motcrawl/report_failed")
            logger.error("report %s not written: %s", self.path, exc.strerror or exc)
            return
        self.stats.set_value("motcrawl/report_written", 1)
        logger.info("audit report written to %s (%d findings)", self.path, len(self.findings))
