"""Per-crawl cache, GitHub budget, per-model plan, datasets, and the detectors using them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcrawl.analysis import datasets as ds
from motcrawl.analysis import github as gh
from motcrawl.analysis.detect import detect_components
from motcrawl.analysis.evidence import build_evidence
from motcrawl.analysis.lookups import ExternalPlan, GitHubBudget, OnceCache, RepoResult, plan_for
from tests.test_github import cassette_model, repo_fixture, tree_fixture

DATASETS = Path(__file__).parent / "fixtures" / "hub_datasets"


def test_once_cache_fetches_once_and_wakes_waiters():
    cache: OnceCache[str] = OnceCache()
    assert cache.ask("allenai/olmo", "model-a") == ("fetch", None)
    assert cache.ask("allenai/olmo", "model-b") == ("wait", None)
    assert cache.resolve("allenai/olmo", 1) == ["model-a", "model-b"]
    assert cache.ask("allenai/olmo", "model-c") == ("cached", 1)
    cache.alias("qwenlm/qwen3", 2)
    assert cache.ask("qwenlm/qwen3", "x") == ("cached", 2)


FUTURE = 4_102_444_800  # 2100-01-01: a reset still to come


@pytest.mark.parametrize("updates, allows", [
    ([], True),
    ([gh.RateLimit(60, 59, 1, "core")], True),
    ([gh.RateLimit(60, 0, FUTURE, "core")], False),
    ([gh.RateLimit(60, 5, 1, "core"), gh.RateLimit(None, None, None, None)], True),
])
def test_budget(updates, allows):
    budget = GitHubBudget()
    for rate in updates:
        budget.update(rate)
    assert budget.allows_api() is allows


def test_spent_budget_is_usable_again_after_githubs_reset():
    budget = GitHubBudget()
    budget.update(gh.RateLimit(60, 0, 1_000, "core"))
    assert budget.allows_api(now=999.0) is False
    assert budget.allows_api(now=1_000.0) is True       # the hour is over: ask the API again
    budget.update(gh.RateLimit(60, 59, 4_600, "core"))
    assert budget.allows_api(now=1_001.0) is True
    budget.exhaust()                                    # a 403 without headers: no known reset
    assert budget.allows_api(now=4_599.0) is False     # spent until the known reset


def test_plan_datasets_first_then_candidates_until_one_is_found():
    info, readme = cassette_model("allenai/OLMo-7B-hf")
    plan = plan_for("allenai/OLMo-7B-hf", info, readme, budget=GitHubBudget())
    assert plan.next_step() == ("dataset", "allenai/dolma")
    plan.record_dataset("allenai/dolma", {"found": True, "license": "ODC-By-1.0"})
    assert plan.next_step() == ("repo", "allenai/olmo")
    plan.record_repo("allenai/olmo", RepoResult("found", "api",
                                                gh.parse_repo(repo_fixture("allenai/OLMo"))))
    # The model's repository is decided; the card's "Evaluation code:" link is read as the
    # evaluation harness; "Further fine-tuning code" (open-instruct) costs nothing.
    assert plan.next_step() == ("repo", "allenai/olmo-eval")
    plan.record_repo("allenai/olmo-eval", RepoResult(
        "found", "api", gh.parse_repo(repo_fixture("allenai/OLMo-Eval"))))
    assert plan.next_step() is None
    assert "allenai/open-instruct" not in plan.results
    ev = plan.github_evidence("https://github.com")
    assert ev["repository"] == "https://github.com/allenai/OLMo"
    assert ev["license"] == "Apache-2.0"


def test_plan_missing_repository_goes_to_the_next_candidate():
    info, readme = cassette_model("someorg/broken-frontmatter-7b")
    plan = plan_for("someorg/broken-frontmatter-7b", info, readme, budget=GitHubBudget())
    seen = []
    while (step := plan.next_step()) is not None:
        if step[0] == "dataset":  # the card links its training data on the Hub
            plan.record_dataset(step[1], {"found": True})
            continue
        seen.append(step[1])
        plan.record_repo(step[1], RepoResult("missing", note=f"GitHub: {step[1]} does not "
                                                             "exist (404)"))
    assert plan.dataset_ids == ["allenai/c4", "HuggingFaceFW/fineweb"]
    assert seen == ["someorg/llm-train", "someorg/broken-frontmatter"]
    ev = plan.github_evidence("https://github.com")
    assert ev["repository"] == "" and ev["verified"] is None
    assert "no repository confirmed" in ev["note"] and "does not exist (404)" in ev["note"]


def test_plan_skips_known_datasets_and_can_be_switched_off():
    info, readme = cassette_model("allenai/OLMo-7B-hf")
    known = {"allenai/dolma": {"found": True, "license": "ODC-By-1.0"}}
    plan = plan_for("allenai/OLMo-7B-hf", info, readme, budget=None, known=known)
    assert plan.next_step() == ("repo", "allenai/olmo")
    off = plan_for("allenai/OLMo-7B-hf", info, readme, budget=None, github=False,
                   datasets=False)
    assert off.next_step() is None and off.github_evidence("https://github.com") is None


def test_confirmed_guess_is_accepted():
    plan = ExternalPlan("meta-llama/Meta-Llama-3-8B-Instruct", [], [], [])
    cands = gh.candidates(plan.model_id, "", {})
    plan.candidates, plan.tries = cands, gh.to_try(cands, remaining=None)
    plan.record_repo("meta-llama/llama3", RepoResult(
        "found", "api", gh.parse_repo(repo_fixture("meta-llama/llama3")),
        gh.parse_tree(tree_fixture("meta-llama/llama3"))))
    assert plan.chosen is not None and plan.chosen.score == gh.GUESS_CONFIRMED


@pytest.mark.parametrize("payload, expected", [
    (json.loads((DATASETS / "allenai__dolma.json").read_text()),
     {"found": True, "license": "ODC-By-1.0", "has_card": True}),
    ({"id": "a/b", "tags": ["license:mit"], "siblings": []},
     {"found": True, "license": "MIT", "has_card": False}),
    ({"id": "a/b", "cardData": {"license": ["mit", "apache-2.0"]},
      "siblings": [{"rfilename": "README.md"}]},
     {"found": True, "license": None, "has_card": True}),
    ({"id": "a/b", "cardData": {"license": "other"}}, {"found": True, "license": None}),
])
def test_parse_dataset_info(payload, expected):
    info = ds.parse_dataset_info(payload)
    assert {k: info[k] for k in expected} == expected


@pytest.mark.parametrize("infos, expected", [
    ({"a": {"found": True, "license": "MIT"}, "b": {"found": True, "license": "MIT"}}, "MIT"),
    ({"a": {"found": True, "license": "MIT"}, "b": {"found": True, "license": "ODC-By-1.0"}},
     None),
    ({"a": {"found": True, "license": "MIT"}, "b": {"found": True, "license": None}}, None),
    ({"a": ds.missing("not on the Hub")}, None),
    ({}, None),
])
def test_common_license(infos, expected):
    assert ds.common_license(infos) == expected


def _evidence(model_id: str, github=None, datasets=None):
    info, readme = cassette_model(model_id)
    return build_evidence(model_id, info, readme or None, "ok" if readme else "gated",
                          github=github, datasets=datasets)


def test_detectors_use_dataset_lookups():
    dolma = ds.parse_dataset_info(json.loads((DATASETS / "allenai__dolma.json").read_text()))
    found = {d.name: d for d in detect_components(
        _evidence("allenai/OLMo-7B-hf", datasets={"allenai/dolma": dolma}))}
    assert found["Datasets"].license == "ODC-By-1.0"
    assert found["Data card"].confidence >= 0.8
    missing = {d.name: d for d in detect_components(
        _evidence("EleutherAI/pythia-160m", datasets={"EleutherAI/pile": ds.missing("401")}))}
    assert missing["Datasets"].confidence < 0.9 and missing["Datasets"].license is None


def test_detectors_merge_repository_components():
    cand = gh.score_candidate("meta-llama", "llama3",
                              model_id="meta-llama/Meta-Llama-3-8B-Instruct",
                              source="organization guess")
    cand.score = gh.GUESS_CONFIRMED
    github = gh.repository_evidence(
        [cand], chosen=cand, repo=gh.parse_repo(repo_fixture("meta-llama/llama3")),
        tree=gh.parse_tree(tree_fixture("meta-llama/llama3")), web="https://github.com",
        verified="api", notes=[])
    before = {d.name for d in detect_components(_evidence("meta-llama/Meta-Llama-3-8B-Instruct"))
              if d.confidence >= 0.5}
    after = {d.name: d for d in detect_components(
        _evidence("meta-llama/Meta-Llama-3-8B-Instruct", github=github))}
    assert "Inference code" not in before
    assert after["Inference code"].confidence >= 0.5
    assert after["Inference code"].component_path.startswith("https://github.com/meta-llama/llama3/")


@pytest.mark.parametrize("model_id, component, path_start", [
    ("EleutherAI/pythia-160m", "Research paper", "https://arxiv.org/abs/2304.01373"),
    ("allenai/OLMo-7B-hf", "Research paper", "https://arxiv.org/abs/2402.00838"),
    ("allenai/OLMo-7B-hf", "Model parameters (Intermediate)", "https://huggingface.co/"),
    ("bigscience/bloom", "Evaluation results", "https://huggingface.co/bigscience/bloom"),
])
def test_hub_visible_detectors_on_cassettes(model_id, component, path_start):
    info, readme = cassette_model(model_id)
    from tests.fakes.hub import CASSETTE_DIR, load_cassettes
    refs_rec = load_cassettes(str(CASSETTE_DIR)).get(("GET", f"/api/models/{model_id}/refs"))
    refs = [b["name"] for b in json.loads(refs_rec.body)["branches"]] if refs_rec else None
    ev = build_evidence(model_id, info, readme or None, "ok" if readme else "gated", refs=refs)
    found = {d.name: d for d in detect_components(ev)}
    assert found[component].confidence >= 0.5
    assert found[component].component_path.startswith(path_start)


@pytest.mark.parametrize(("card_data", "tags", "body", "expected"), [
    ({"datasets": ["allenai/dolma"]}, ["dataset:EleutherAI/pile"], "", ["allenai/dolma",
                                                                         "EleutherAI/pile"]),
    ({"datasets": "allenai/dolma"}, [], "Trained on [dolma](https://huggingface.co/datasets/"
     "allenai/dolma) and [c4](https://huggingface.co/datasets/allenai/c4).",
     ["allenai/dolma", "allenai/c4"]),
    # Evaluation links, free text and hand-written junk are not training datasets to look up.
    ({"datasets": ["a paper title", True, ""]}, [], "## Evaluation\n\n[gsm8k]"
     "(https://huggingface.co/datasets/openai/gsm8k)", []),
    # A scalar where a list belongs (``datasets: true`` / ``datasets: 3``) declares nothing.
    ({"datasets": True}, ["dataset:EleutherAI/pile"], "", ["EleutherAI/pile"]),
    ({"datasets": 3}, [], "", []),
])
def test_training_dataset_ids(card_data, tags, body, expected) -> None:
    from motcrawl.analysis import datasets as ds
    assert ds.training_ids(card_data, tags, body) == expected
