"""``scrapy crawl audit`` end to end, against FakeHub (and FakeMOTApi).

Two catalogs: a small one with a planted fault of every kind, and MOT's own 273
files (skipped when ../shared/mot is absent), where the fake Hub serves every
repository the catalog names: the recorded cassettes where we have them (real Hub
answers), a plain model otherwise. The budget is counted in the fake's request log.

Crawls run in this process (tests/crawl_support.run_crawl), the argument errors too
(the crawl command exits 2 before Scrapy starts).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from motcrawl.audit.entries import read_dir
from motcrawl.audit.findings import KINDS
from tests.conftest import MOT, needs_mot
from tests.crawl_support import run_crawl
from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi
from tests.faults.test_catalog_inputs import alias_bomb

DEAD = "http://127.0.0.1:9"
BUDGET = 2.2  # Hub requests per catalog entry with a Hub URL (issue 16)
FEED_KEYS = {"catalog_file", "model_id", "kind", "detail", "evidence", "suggestion"}


def audit(tmp: Path, hub: FakeHub, *args: str, mot: FakeMOTApi | None = None):
    feed, report = tmp / "audit.jsonl", tmp / "audit.md"
    env = {"HF_ENDPOINT": hub.url, "MOT_MODELS_DIR": "", "GITHUB_API_URL": DEAD,
           "GITHUB_URL": DEAD, "MOT_API_URL": f"{mot.url}/api/v1" if mot else DEAD,
           "MOTCRAWL_RETRY_BACKOFF": "0"}
    proc = run_crawl(["audit", *args, "-a", f"report={report}", "-O", str(feed),
                      "-s", "MOTCRAWL_RETRY_BACKOFF=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
                     env=env, timeout=300)
    rows = [json.loads(line) for line in feed.read_text().splitlines()] if feed.exists() else []
    return proc, rows, report.read_text() if report.exists() else ""


def hub_requests_per_entry(hub: FakeHub, entries_with_url: int) -> float:
    return len(hub.requests) / entries_with_url


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def write(folder: Path, name: str, release: dict[str, Any]) -> None:
    doc = {"framework": {"name": "Model Openness Framework", "version": "1.0",
                         "date": "2024-12-15"},
           "release": {"name": name, "version": "", "license": {}, "producer": "x",
                       **release}}
    (folder / f"{name}.yml").write_text(yaml.safe_dump(doc, sort_keys=False))


ALL_WEIGHTS = [{"name": n} for n in (
    "Model architecture", "Model parameters (Final)", "Model metadata", "Model card",
    "Datasets", "Evaluation results", "Research paper", "Technical report", "Data card",
    "Inference code", "Training code", "Evaluation code", "Evaluation data",
    "Sample model outputs", "Data preprocessing code", "Supporting libraries and tools",
    "Model parameters (Intermediate)")]


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """One file per kind, plus a clean one that must yield nothing."""
    folder = tmp_path / "models"
    folder.mkdir()
    hf = "https://huggingface.co/"
    write(folder, "Gone-7B", {"huggingface": hf + "nobody/does-not-exist"})
    write(folder, "Renamed-7B", {"huggingface": hf + "oldorg/renamed-7b",
                                 "license": {"distribution": {"name": "Apache-2.0"}},
                                 "components": ALL_WEIGHTS})
    write(folder, "gemma-2b", {"huggingface": hf + "google/gemma-2b",
                               "license": {"distribution": {"name": "Gemma Terms of Use"}},
                               "components": ALL_WEIGHTS})
    write(folder, "Paper", {"huggingface": "Paper: an open model"})
    write(folder, "Dup-7B", {"huggingface": hf + "example/dup-7b", "components": ALL_WEIGHTS})
    write(folder, "Dup-7B-copy", {"huggingface": hf + "example/dup-7b",
                                  "components": ALL_WEIGHTS})
    write(folder, "Pythia-1B", {"huggingface": hf + "EleutherAI/pythia-160m",
                                "components": ALL_WEIGHTS})
    write(folder, "OLMo-7B-hf", {"huggingface": hf + "allenai/OLMo-7B-hf",
                                 "license": {"distribution": {"name": "MIT"}},
                                 "components": ALL_WEIGHTS})
    write(folder, "GPT-2", {"huggingface": hf + "openai-community/gpt2",
                            "license": {"distribution": {"name": "MIT"}},
                            "components": [{"name": "Model card"}]})
    write(folder, "Clean-7B", {"huggingface": hf + "example/clean-7b",
                               "license": {"distribution": {"name": "Apache-2.0"}},
                               "components": ALL_WEIGHTS})
    write(folder, "No-URL", {"huggingface": ""})
    (folder / "Bomb.yml").write_text(alias_bomb())  # refused unread, the audit goes on
    return folder


def planted_hub(hub: FakeHub) -> FakeHub:
    card = "---\nlicense: apache-2.0\n---\n# {}\n"
    hub.add_model("neworg/renamed-7b", readme=card.format("renamed"), downloads=900,
                  cardData={"license": "apache-2.0"})
    hub.renamed["oldorg/renamed-7b"] = "neworg/renamed-7b"
    hub.add_model("example/dup-7b", readme=card.format("dup"), downloads=50,
                  cardData={"license": "apache-2.0"})
    hub.add_model("example/clean-7b", readme=card.format("clean"), downloads=5,
                  cardData={"license": "apache-2.0"})
    return hub


def test_planted_faults_of_every_kind(tmp_path: Path, planted: Path) -> None:
    before = digest(planted)
    with planted_hub(FakeHub()) as hub:
        proc, rows, report = audit(tmp_path, hub, "-a", f"models_dir={planted}")
        requests = hub.requests
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    got = {(r["catalog_file"], r["kind"]) for r in rows}
    expected = {
        ("Gone-7B.yml", "not_on_hub"), ("Renamed-7B.yml", "renamed"),
        ("gemma-2b.yml", "gated"), ("Paper.yml", "not_a_model_url"),
        ("Dup-7B-copy.yml", "duplicate_url"), ("Pythia-1B.yml", "url_names_other_model"),
        ("OLMo-7B-hf.yml", "license_drift"), ("GPT-2.yml", "component_evidence"),
    }
    assert expected <= got
    assert {k for _, k in got} == set(KINDS)
    assert not {f for f, _ in got} & {"Clean-7B.yml", "No-URL.yml", "Dup-7B.yml"}
    # Pythia-1B names another model: no license or component claims about pythia-160m.
    assert ("Pythia-1B.yml", "component_evidence") not in got
    assert all(set(r) == FEED_KEYS for r in rows)
    by = {(r["catalog_file"], r["kind"]): r for r in rows}
    assert by[("Renamed-7B.yml", "renamed")]["model_id"] == "oldorg/renamed-7b"
    assert "neworg/renamed-7b" in by[("Renamed-7B.yml", "renamed")]["detail"]
    assert by[("OLMo-7B-hf.yml", "license_drift")]["evidence"] == [
        "entry (release.license.distribution): MIT", "Hub (card license): Apache-2.0"]
    gpt2 = by[("GPT-2.yml", "component_evidence")]
    assert any(e.startswith("Model parameters (Final) (0.95): weight files:")
               for e in gpt2["evidence"])
    # The guessed right id (the name's size in the id) is asked once: not on this Hub.
    pythia = by[("Pythia-1B.yml", "url_names_other_model")]
    assert pythia["suggestion"].startswith("point it at the model the file describes "
                                           "(EleutherAI/pythia-1b, the id with the entry's "
                                           "size, is not on the Hub)")
    assert pythia["evidence"][-1] == "GET /api/models/EleutherAI/pythia-1b: not found"
    # The report: counts per kind, a chart, tables, diffs; the catalog untouched.
    for kind in KINDS:
        assert re.search(rf"^\| `{kind}` \| [1-9]\d* \|$", report, re.M), kind
    assert "```mermaid\nxychart-beta" in report
    assert "| files not read | 1 |" in report
    assert "Files not read (not audited): Bomb.yml: aliases expand to more than" in report
    assert "### Renamed-7B.yml (`renamed`)" in report
    assert "+  huggingface: https://huggingface.co/neworg/renamed-7b" in report or \
        "+  huggingface: 'https://huggingface.co/neworg/renamed-7b'" in report
    assert "--- a/Dup-7B-copy.yml\n+++ /dev/null" in report
    assert digest(planted) == before
    # Budget: info (+ the 307) and card per entry with a Hub URL; nothing else asked.
    entries_with_url = 10
    assert len(requests) / entries_with_url <= BUDGET, [r.path for r in requests]
    assert all(r.path.startswith("/api/models/") or "/resolve/main/README.md" in r.path
               for r in requests)
    assert sum(r.path.startswith("/api/models/example/dup-7b") for r in requests) == 1


@needs_mot
def test_mot_catalog_real_faults_and_budget(project_root: Path, tmp_path: Path) -> None:
    """MOT's 273 files against a fake Hub that has every repository they name: the faults
    the Hub cannot hide (wrong sizes, duplicates, URLs that are no model URL) are found,
    with at most one debatable url_names_other_model finding; within budget."""
    assert MOT is not None
    models = MOT / "models"
    entries = [e for e in read_dir(models) if e.model_id]
    with FakeHub() as hub:
        for model_id in sorted({e.model_id for e in entries if e.model_id}):
            if model_id not in hub.models and model_id != "nobody/does-not-exist":
                hub.add_model(model_id, readme=f"# {model_id}\n")
        for size in ("220m", "770m", "2b", "6b"):  # on the real Hub beside codet5p-16b
            hub.add_model(f"Salesforce/codet5p-{size}", readme="# CodeT5+\n")
        proc, rows, report = audit(tmp_path, hub, "-a", f"models_dir={models}")
        requests = hub.requests
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {(r["catalog_file"], r["kind"]) for r in rows}
    wrong_model = {f for f, k in got if k == "url_names_other_model"}
    real = {"CodeGemma-2B.yml", "CodeGemma-7B.yml", "CodeGemma-7B-Instruct.yml",
            "CodeT5+-220M.yml", "CodeT5+-2B.yml", "CodeT5+-6B.yml", "CodeT5+-770M.yml",
            "Hawk.yml", "XVERSE.yml", "dbrx-instruct.yml"}
    assert real <= wrong_model and len(wrong_model - real) <= 1
    by = {(r["catalog_file"], r["kind"]): r for r in rows}
    assert by[("CodeT5+-220M.yml", "url_names_other_model")]["suggestion"] == (
        "point it at the model the file describes: "
        "https://huggingface.co/Salesforce/codet5p-220m (on the Hub)")
    assert "google/codegemma-2b (on the Hub)" in by[("CodeGemma-2B.yml",
                                                     "url_names_other_model")]["suggestion"]
    assert {("DeepSeek-V3-test.yml", "duplicate_url"), ("Llama-3-8B-Instruct.yml",
            "duplicate_url"), ("Qwen-72B.yml", "not_a_model_url"),
            ("XGLM.yml", "not_a_model_url")} <= got
    assert not {k for _, k in got} & {"not_on_hub", "renamed"}  # the fake has them all
    assert ("Llama-3-8B-Instruct.yml", "gated") in got  # the recorded real answer
    with_url = len(entries)
    assert len(requests) / with_url <= BUDGET
    assert f"| with a Hub model URL | {with_url} |" in report
    (project_root / ".audit-mot-example.md").unlink(missing_ok=True)


def test_catalog_from_mot_api(tmp_path: Path) -> None:
    """Without models_dir (and no MOT_MODELS_DIR, no ../models) the catalog is MOT's API."""
    api_models = [
        {"release": {"name": "Pythia-1B", "huggingface": "https://huggingface.co/EleutherAI/"
                     "pythia-160m", "license": {}, "components": ALL_WEIGHTS}},
        {"release": {"name": "GPT-2", "huggingface": "https://huggingface.co/openai-community/"
                     "gpt2", "license": {}, "components": ALL_WEIGHTS}},
    ]
    with FakeHub() as hub, FakeMOTApi(api_models) as mot:
        proc, rows, report = audit(tmp_path, hub, mot=mot)
        api = f"{mot.url}/api/v1"
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [(r["catalog_file"], r["kind"]) for r in rows] == [
        (f"{api}/model/1", "url_names_other_model")]
    assert "| catalog entries | 2 |" in report


def test_an_audit_that_reaches_no_hub_exits_1(planted: Path, tmp_path: Path) -> None:
    """Every Hub request fails: the report says partial and the exit code says failed."""
    feed, report = tmp_path / "audit.jsonl", tmp_path / "audit.md"
    proc = run_crawl(["audit", "-a", f"models_dir={planted}", "-a", f"report={report}",
                      "-O", str(feed), "-s", "MOTCRAWL_RETRY_BACKOFF=0", "-s", "RETRY_TIMES=0"],
                     env={"HF_ENDPOINT": DEAD, "MOT_API_URL": DEAD, "GITHUB_API_URL": DEAD,
                          "GITHUB_URL": DEAD, "MOT_MODELS_DIR": ""}, timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "**Partial audit**" in report.read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["-a", "models_dir=/nonexistent/models"], "error: models_dir /nonexistent/models does not "
                                               "exist"),
    (["-a", "report=/nonexistent/audit.md"], "error: report folder /nonexistent does not exist"),
])
def test_bad_arguments_one_line_exit_2(planted: Path, args: list[str], message: str) -> None:
    if "report=" in args[1]:
        args = ["-a", f"models_dir={planted}", *args]
    proc = run_crawl(["audit", *args], env={"HF_ENDPOINT": DEAD, "MOT_API_URL": DEAD,
                                            "MOT_MODELS_DIR": ""})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [message]
