"""`scrapy crawl model` end to end, against the fake Hub (real-shaped cassettes).

Crawls run in this process (tests/crawl_support.run_crawl); the two whose point is the
exit code of `scrapy` run it as a child process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from motcrawl.mof.schema import load_schema, validate_document
from tests.conftest import SHARED_MOT
from tests.crawl_support import run_crawl, run_crawl_subprocess
from tests.fakes.hub import FakeHub

FIXTURE_IDS = [
    "allenai/OLMo-7B-hf",                          # Apache-2.0, arXiv tags, datasets
    "bigscience/bloom",                            # model-index
    "meta-llama/Meta-Llama-3-8B-Instruct",         # gated, license other + llama3
    "TheBloke/Llama-2-7B-Chat-GGUF",               # GGUF only
    "stabilityai/stable-diffusion-xl-base-1.0",    # diffusers image model
    "EleutherAI/pythia-160m",                      # step-checkpoint branches
    "cardiffnlp/twitter-roberta-base-sentiment",   # card without front matter
    "someorg/broken-frontmatter-7b",               # card with broken front matter
    "nobody/does-not-exist",                       # 404
]


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    with FakeHub() as fake:
        yield fake


@pytest.fixture(scope="module")
def crawl(hub: FakeHub, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("drafts")
    result = run_crawl(["model", "-a", f"model_id={','.join(FIXTURE_IDS)}",
                        "-a", f"output_dir={out}", "-O", str(out / "items.jsonl")],
                       env={"HF_ENDPOINT": hub.url})
    items = {}
    for line in (out / "items.jsonl").read_text().splitlines():
        item = json.loads(line)
        items[item["model_id"]] = item
    return {"result": result, "out": out, "items": items,
            "requests": [r.path for r in hub.requests]}


def draft(crawl: dict, model_id: str) -> dict:
    return yaml.safe_load(Path(crawl["items"][model_id]["draft_path"]).read_text())


def components(doc: dict) -> dict[str, dict]:
    return {c["name"]: c for c in doc["release"]["components"]}


def test_crawl_finishes_and_reports_every_model(crawl: dict) -> None:
    result = crawl["result"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert set(crawl["items"]) == set(FIXTURE_IDS)
    assert "drafted 8 (new 8" in result.stderr and "failed 1" in result.stderr


def test_every_draft_parses_and_validates(crawl: dict) -> None:
    schema = load_schema()
    drafts = sorted(crawl["out"].glob("*.yml"))
    assert len(drafts) == 8
    for path in drafts:
        text = path.read_text()
        assert text.startswith("# AUTO-GENERATED DRAFT - REQUIRES MANUAL REVIEW\n")
        doc = yaml.safe_load(text)
        assert validate_document(doc, schema) == [], path.name
        mot_schema = SHARED_MOT / "schema" / "mof_schema.json"
        if mot_schema.exists():
            validator = Draft202012Validator(json.loads(mot_schema.read_text()),
                                             format_checker=FormatChecker())
            assert list(validator.iter_errors(doc)) == [], path.name


def test_two_requests_per_model_through_the_resolver(crawl: dict) -> None:
    paths = crawl["requests"]
    assert not any("/raw/" in p for p in paths)
    assert all(p.startswith("/api/") or "/resolve/main/" in p for p in paths)
    olmo = [p for p in paths if "allenai/OLMo-7B-hf" in p]
    assert olmo[:2] == ["/api/models/allenai/OLMo-7B-hf",
                        "/allenai/OLMo-7B-hf/resolve/main/README.md"]


def test_apache_model_with_arxiv_and_datasets(crawl: dict) -> None:
    doc = draft(crawl, "allenai/OLMo-7B-hf")
    rel = doc["release"]
    assert rel["license"]["distribution"]["name"] == "Apache-2.0"
    assert (rel["type"], rel["architecture"], rel["version"]) == (
        "language", "transformer decoder", "7B")
    assert rel["date"] == crawl["items"]["allenai/OLMo-7B-hf"]["created"]
    comps = components(doc)
    assert comps["Research paper"]["component_path"] == "https://arxiv.org/abs/2402.00838"
    assert "Datasets" in comps and "Model parameters (Final)" in comps
    assert "Model parameters (Intermediate)" in comps  # step branches in refs


def test_model_index_gives_evaluation_results(crawl: dict) -> None:
    comps = components(draft(crawl, "bigscience/bloom"))
    assert "Evaluation results" in comps and "Evaluation data" in comps
    assert draft(crawl, "bigscience/bloom")["release"]["license"]["distribution"]["name"] == (
        "BigScience-BLOOM-RAIL-1.0")


def test_gated_model_with_custom_license(crawl: dict) -> None:
    doc = draft(crawl, "meta-llama/Meta-Llama-3-8B-Instruct")
    lic = doc["release"]["license"]["distribution"]
    assert lic["name"] == "Llama 3 Community License Agreement"
    assert lic["path"].endswith("/meta-llama/Meta-Llama-3-8B-Instruct/blob/main/LICENSE")
    assert doc["release"]["treatment"] == "instruct fine-tuned"
    assert crawl["items"]["meta-llama/Meta-Llama-3-8B-Instruct"]["gated"] == "manual"


def test_gguf_only_repository(crawl: dict) -> None:
    doc = draft(crawl, "TheBloke/Llama-2-7B-Chat-GGUF")
    comps = components(doc)
    assert "Model parameters (Final)" in comps
    assert "Model metadata" not in comps  # no config.json in a GGUF repo
    assert doc["release"]["origin"] == "meta-llama/Llama-2-7b-chat-hf"
    assert doc["release"]["license"]["distribution"]["name"] == (
        "Llama 2 Community License Agreement")


def test_diffusers_image_model(crawl: dict) -> None:
    rel = draft(crawl, "stabilityai/stable-diffusion-xl-base-1.0")["release"]
    assert (rel["type"], rel["architecture"]) == ("image", "diffusion")
    assert rel["license"]["distribution"]["name"] == "OpenRAIL++-M"


def test_checkpoint_branches_are_intermediate_parameters(crawl: dict) -> None:
    comps = components(draft(crawl, "EleutherAI/pythia-160m"))
    assert "/tree/step" in comps["Model parameters (Intermediate)"]["component_path"]


def test_card_without_front_matter_still_drafts(crawl: dict) -> None:
    doc = draft(crawl, "cardiffnlp/twitter-roberta-base-sentiment")
    assert doc["release"]["name"]
    assert "Model card" in components(doc)


def test_broken_front_matter_is_reported_and_drafted(crawl: dict) -> None:
    assert "broken front matter" in crawl["result"].stderr
    assert crawl["items"]["someorg/broken-frontmatter-7b"]["draft_status"] == "written"


def test_404_is_a_recorded_failure_with_no_file(crawl: dict) -> None:
    item = crawl["items"]["nobody/does-not-exist"]
    assert item["draft_status"] == "failed" and "draft_path" not in item
    lines = [json.loads(x) for x in (crawl["out"] / "failures.jsonl").read_text().splitlines()]
    assert [(f["model_id"], f["stage"]) for f in lines] == [("nobody/does-not-exist", "info")]
    assert "404" in lines[0]["reason"]
    assert "nobody/does-not-exist: not drafted (info): not found (404)" in crawl["result"].stderr


def test_malformed_id_is_one_line_and_exit_2(hub: FakeHub, tmp_path: Path) -> None:
    before = len(hub.requests)
    result = run_crawl_subprocess(["model", "-a", "model_id=not a model!",
                                   "-a", f"output_dir={tmp_path}"],
                                  env={"HF_ENDPOINT": hub.url})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: malformed model id")
    assert "Traceback" not in result.stderr
    assert len(hub.requests) == before


def test_nothing_drafted_exits_1_and_retry_from_failures_file(hub: FakeHub,
                                                               tmp_path: Path) -> None:
    result = run_crawl_subprocess(["model", "-a", "model_id=nobody/does-not-exist",
                                   "-a", f"output_dir={tmp_path}"],
                                  env={"HF_ENDPOINT": hub.url})
    assert result.returncode == 1
    assert list(tmp_path.glob("*.yml")) == []
    retry = run_crawl(["model", "-a", f"ids_file={tmp_path / 'failures.jsonl'}",
                       "-a", f"output_dir={tmp_path / 'again'}"],
                      env={"HF_ENDPOINT": hub.url})
    assert retry.returncode == 1 and "nobody/does-not-exist" in retry.stderr


def test_existing_draft_kept_then_overwritten(hub: FakeHub, tmp_path: Path) -> None:
    args = ["model", "-a", "model_id=microsoft/phi-2", "-a", f"output_dir={tmp_path}"]
    env = {"HF_ENDPOINT": hub.url}
    assert run_crawl(args, env=env).returncode == 0
    (path,) = tmp_path.glob("*.yml")
    path.write_text(path.read_text() + "# reviewer note\n")
    second = run_crawl(args, env=env)
    assert "exists, kept (use -a overwrite=true" in second.stderr
    assert path.read_text().endswith("# reviewer note\n")
    third = run_crawl(args + ["-a", "overwrite=true"], env=env)
    assert "draft overwritten" in third.stderr
    assert not path.read_text().endswith("# reviewer note\n")
    assert [p.name for p in tmp_path.glob("*.yml")] == [path.name]
