"""Draft assembly, scoring and the header (motcrawl.outputs.draft, scoring, header)."""

import yaml

from motcrawl.analysis.confidence import score
from motcrawl.analysis.detect import Detection
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field
from motcrawl.mof.evaluator import Evaluation, LicenseIssue
from motcrawl.mof.schema import load_schema, validate_document
from motcrawl.outputs.draft import build_document
from motcrawl.outputs.draft_header import draft_header
from motcrawl.outputs.yamlfile import render_draft

FIELDS = {
    "name": Field("OLMo 7B", 0.9, "card title"),
    "version": Field("7B", 0.8, "repo name"),
    "date": Field("2024-02-01", 0.7, "createdAt"),
    "type": Field("language", 0.9, "pipeline_tag"),
    "architecture": Field("transformer decoder", 0.85, "config"),
    "origin": Field("OLMo 7B", 0.6, "self"),
    "producer": Field("Allen Institute for AI", 0.85, "org"),
    "huggingface": Field("https://huggingface.co/allenai/OLMo-7B-hf", 1.0, "id"),
}
LICENSE = LicenseFinding("Apache-2.0", "", "card license", 0.95)
DETECTIONS = [
    Detection("Model parameters (Final)", 0.95, ["weights"], "https://hf/tree/main"),
    Detection("Datasets", 0.9, ["card datasets"], license="ODC-By-1.0"),
    Detection("Training code", 0.3, ["keyword"]),
]


def test_document_key_order_and_inheritance() -> None:
    doc = build_document(FIELDS, LICENSE, DETECTIONS, repository="https://github.com/a/b")
    assert list(doc) == ["framework", "release"]
    assert list(doc["release"]) == [
        "name", "version", "date", "license", "type", "architecture", "origin", "producer",
        "contact", "repository", "huggingface", "components"]
    comps = {c["name"]: c for c in doc["release"]["components"]}
    assert set(comps) == {"Model parameters (Final)", "Datasets"}  # weak one not claimed
    assert "license" not in comps["Model parameters (Final)"]      # inherits distribution
    assert comps["Datasets"]["license"] == "ODC-By-1.0"
    assert doc["release"]["license"]["distribution"]["name"] == "Apache-2.0"


def test_code_license_only_when_it_differs() -> None:
    same = build_document(FIELDS, LICENSE, [], code_license=LicenseFinding("Apache-2.0"))
    assert "code" not in same["release"]["license"]
    other = build_document(FIELDS, LICENSE, [], code_license=LicenseFinding("MIT", "p"))
    assert other["release"]["license"]["code"] == {"name": "MIT", "path": "p"}


def test_documents_validate_and_empty_dates_are_dropped() -> None:
    schema = load_schema()
    assert validate_document(build_document(FIELDS, LICENSE, DETECTIONS), schema) == []
    no_date = dict(FIELDS, date=Field("", 0.0, "none"))
    doc = build_document(no_date, LICENSE, DETECTIONS)
    assert "date" not in doc["release"]
    assert validate_document(doc, schema) == []


def test_score_overall_and_review_list() -> None:
    conf = score(DETECTIONS, FIELDS, LICENSE)
    assert 0 < conf.overall <= 1
    assert "release.origin: 0.60" in conf.review
    weak_license = score(DETECTIONS, FIELDS, LicenseFinding())
    assert weak_license.overall < conf.overall
    assert score([], FIELDS, LICENSE).overall < conf.overall


def test_header_states_class_evidence_and_checklist() -> None:
    conf = score(DETECTIONS, FIELDS, LICENSE)
    lines = draft_header(
        source_url="https://huggingface.co/allenai/OLMo-7B-hf", model_id="allenai/OLMo-7B-hf",
        crawled="2026-11-27", sha="abc", last_modified="2024-07-16T00:00:00Z",
        confidence=conf, detections=DETECTIONS, fields=FIELDS, license_info=LICENSE,
        evaluation=Evaluation(0, "Unclassified", {1: 0, 2: 0, 3: 50.0}, ["Model card"],
                              [LicenseIssue("Model card", None, "unlicensed")]))
    text = "\n".join(lines)
    assert lines[0] == "source: https://huggingface.co/allenai/OLMo-7B-hf"
    assert "predicted MOF class: Unclassified" in text
    assert "missing for the next class: Model card" in text
    assert "(progress: Class III 50.0%, Class II 0.0%, Class I 0.0%)" in text
    assert "license issue: Model card: no license (unlicensed)" in text
    assert "license: Apache-2.0 (card license, 0.95)" in text
    assert f"overall confidence: {conf.overall:.2f}" in text
    assert "Model parameters (Final): 0.95: weights" in text
    assert "possible, not claimed" in text and "Training code: 0.30" in text
    assert "review checklist" in text
    rendered = render_draft(build_document(FIELDS, LICENSE, DETECTIONS), lines)
    assert yaml.safe_load(rendered)["release"]["name"] == "OLMo 7B"
