"""AuditReportPipeline reads the audit spider through motcrawl.components.spider_api."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from motcrawl.audit.entries import Entry
from motcrawl.audit.findings import Finding
from motcrawl.components.spider_api import audit_report, audit_run
from motcrawl.pipelines import AuditReportPipeline
from motcrawl.spiders.audit import AuditSpider, as_item
from motcrawl.spiders.missing import MissingSpider


def _pipeline(spider_cls: type, **kwargs: str) -> tuple[AuditReportPipeline, object]:
    crawler = get_crawler(spider_cls)
    spider = spider_cls.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    return build_from_crawler(AuditReportPipeline, crawler), spider


def test_the_audit_spiders_counts_make_the_report(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    report = tmp_path / "audit.md"
    pipeline, spider = _pipeline(AuditSpider, models_dir=str(tmp_path / "models"),
                                 report=str(report))
    assert audit_report(spider) == report
    run = audit_run(spider)
    assert run is spider
    run.catalog_source = "models"
    run.entries = [Entry("A.yml", "", {}, model_id="org/a"),
                   Entry("B.yml", "", {}, problem="invalid YAML at line 3",
                         problem_kind="invalid_yaml")]
    run.with_hub_url, run.audited, run.hf_requests = 1, 1, 2
    pipeline.open_spider()
    pipeline.process_item(as_item(Finding("A.yml", "org/a", "renamed", "moved")))
    pipeline.spider_closed(spider, "finished")
    text = report.read_text()
    assert "A.yml" in text and "renamed" in text
    assert "B.yml: invalid YAML at line 3" in text
    assert pipeline.stats.get_value("motcrawl/report_written") == 1


def test_another_spiders_report_argument_is_not_an_audit(tmp_path: Path) -> None:
    """The ``missing`` spider has ``-a report=`` too, but none of the audit's counts:
    the audit pipeline in its pipelines writes nothing and does not fail."""
    report = tmp_path / "missing.md"
    pipeline, spider = _pipeline(MissingSpider, output_dir=str(tmp_path),
                                 models_dir=str(tmp_path), report=str(report))
    assert audit_run(spider) is None and audit_report(spider) is None
    pipeline.open_spider()
    pipeline.spider_closed(spider, "finished")
    assert not report.exists()
    assert pipeline.stats.get_value("motcrawl/report_written") is None
