"""The lookup plan reads every repository the card links in a role that can claim something:
which are tried, the cap, the budget, the per-crawl cache, and the evidence they give."""

from __future__ import annotations

from pathlib import Path

from motcrawl.analysis import github as gh
from motcrawl.analysis import repo_roles as roles
from motcrawl.analysis.lookups import (
    ExternalPlan,
    Fetch,
    GitHubBudget,
    Lookups,
    ModelLookups,
    RepoResult,
    plan_for,
)
from tests.test_github import cassette_model, repo_fixture, tree_fixture
from tests.test_repo_roles import card_of

WEB = "https://github.com"


FIXTURES = Path(__file__).parent / "fixtures" / "github"


def found(full_name: str) -> RepoResult:
    """The fixture's answer (names are case-insensitive on GitHub)."""
    names = {p.stem.replace("__", "/").lower(): p.stem.replace("__", "/")
             for p in (FIXTURES / "repos").glob("*.json")}
    stored = names.get(full_name.lower(), full_name)
    repo = gh.parse_repo(repo_fixture(stored))
    return RepoResult("found", "api", repo, gh.parse_tree(tree_fixture(stored)),
                      canonical=repo.full_name)


def run(plan: ExternalPlan, answer=None) -> list[str]:
    """Answer every step from tests/fixtures/github (404 without a fixture); the repo keys."""
    asked = []
    while (step := plan.next_step()) is not None:
        kind, key = step
        if kind == "dataset":
            plan.record_dataset(key, {"found": True})
            continue
        asked.append(key)
        cand = plan.candidate(key)
        if answer is not None:
            plan.record_repo(key, answer(cand))
            continue
        try:
            plan.record_repo(key, found(cand.full_name))
        except FileNotFoundError:
            plan.record_repo(key, RepoResult("missing", note=f"GitHub: {key} does not exist"))
    return asked


def pythia_plan(budget: GitHubBudget | None = None) -> ExternalPlan:
    info, readme = cassette_model("EleutherAI/pythia-160m")
    return plan_for("EleutherAI/pythia-160m", info, readme, budget=budget)


def test_the_model_repository_first_then_the_training_library_and_the_harness() -> None:
    plan = pythia_plan()
    assert run(plan) == ["eleutherai/pythia", "eleutherai/gpt-neox",
                         "eleutherai/lm-evaluation-harness"]
    ev = plan.github_evidence(WEB)
    assert ev is not None and ev["repository"] == f"{WEB}/EleutherAI/pythia"  # still one
    assert [(r["repo"], r["role"]) for r in ev["repositories"]] == [
        ("EleutherAI/pythia", gh.ROLE_MODEL), ("EleutherAI/gpt-neox", gh.ROLE_TRAINING),
        ("EleutherAI/lm-evaluation-harness", gh.ROLE_EVAL)]
    comps = ev["components"]
    # GPT-NeoX's tree: tools/datasets/preprocess_data.py and generate.py
    assert comps["Data preprocessing code"]["confidence"] >= 0.5
    assert comps["Data preprocessing code"]["component_path"].startswith(
        f"{WEB}/EleutherAI/gpt-neox/")
    assert any(e.startswith("EleutherAI/gpt-neox: ") for e in
               comps["Data preprocessing code"]["evidence"])
    assert comps["Inference code"]["component_path"].startswith(f"{WEB}/EleutherAI/gpt-neox/")
    assert comps["Evaluation code"]["confidence"] >= 0.5
    assert any("also read EleutherAI/gpt-neox as the training library" in n
               for n in ev["notes"])


def test_without_the_other_repositories_the_pythia_draft_lacks_their_components() -> None:
    """The fault this plan fixes: the chosen repository alone shows no preprocessing code."""
    plan = pythia_plan()
    plan.extras = []
    run(plan)
    comps = plan.github_evidence(WEB)["components"]
    assert comps.get("Data preprocessing code", {}).get("confidence", 0) < 0.5


def test_at_most_max_extra_repositories_besides_the_chosen_one() -> None:
    body = "Code: [model](https://github.com/org/model)\n" + "".join(
        f"- Evaluation code: https://github.com/org/eval-{i}\n" for i in range(6))
    plan = plan_for("org/model-7b", {"id": "org/model-7b"}, body, budget=None)
    tree = gh.Tree(files=["eval/run_eval.py", "model.py"], folders=["eval"], truncated=False)

    def exists(cand: gh.Candidate) -> RepoResult:
        repo = gh.RepoInfo(cand.full_name, "", "main", None, None)
        return RepoResult("found", "api", repo, tree, canonical=cand.full_name)

    asked = run(plan, exists)
    assert asked[0] == "org/model"
    extras = [k for k in asked if k.startswith("org/eval-")]
    assert len(extras) == roles.MAX_EXTRA


def test_guessed_repositories_are_never_extras() -> None:
    info, readme = cassette_model("LLM360/Amber")
    plan = plan_for("LLM360/Amber", info, readme, budget=None)
    assert "llm360/amber" not in {c.key for c in plan.extras}  # the organization guess
    assert run(plan) == ["llm360/amber-train", "llm360/amber-data-prep"]
    ev = plan.github_evidence(WEB)
    assert {r["role"] for r in ev["repositories"]} == {gh.ROLE_MODEL, gh.ROLE_DATA}


def test_a_low_budget_reads_no_extra_repository_and_says_so() -> None:
    budget = GitHubBudget(remaining=gh.LOW_BUDGET - 1)
    plan = pythia_plan(budget)
    assert run(plan) == ["eleutherai/pythia"]
    notes = plan.github_evidence(WEB)["notes"]
    assert any("were not read" in n and "EleutherAI/gpt-neox as training library" in n
               for n in notes)


def test_a_budget_spent_after_the_chosen_one_stops_the_extras() -> None:
    budget = GitHubBudget()
    info, readme = cassette_model("EleutherAI/pythia-160m")
    plan = plan_for("EleutherAI/pythia-160m", info, readme, budget=budget, datasets=False)
    assert plan.next_step() == ("repo", "eleutherai/pythia")
    plan.record_repo("eleutherai/pythia", found("EleutherAI/pythia"))
    budget.update(gh.RateLimit(60, 0, 4_102_444_800, "core"))
    assert plan.next_step() is None


def test_two_models_linking_the_same_library_cost_one_lookup() -> None:
    lookups: Lookups[str] = Lookups()
    info, readme = cassette_model("EleutherAI/gpt-neox-20b")
    neox = ModelLookups("neox", plan_for("EleutherAI/gpt-neox-20b", info, readme,
                                         budget=lookups.budget, datasets=False))
    pythia = ModelLookups("pythia", plan_for(*(("EleutherAI/pythia-160m",)
                                               + cassette_model("EleutherAI/pythia-160m")),
                                             budget=lookups.budget, datasets=False))
    fetched: list[str] = []
    pending = [neox, pythia]
    while pending:
        model = pending.pop(0)
        fetch = lookups.advance(model)
        if fetch is None:
            continue
        assert fetch.kind == "repo"
        fetched.append(fetch.key)
        waiters = lookups.answer("repo", fetch.key,
                                 found(model.plan.candidate(fetch.key).full_name))
        pending.extend(waiters)
    assert fetched.count("eleutherai/gpt-neox") == 1
    assert Fetch("repo", "eleutherai/gpt-neox") not in [lookups.advance(m) for m in (neox, pythia)]
    assert "eleutherai/gpt-neox" in pythia.plan.results  # read for pythia from the cache
    assert pythia.plan.next_step() is None and neox.plan.next_step() is None


def test_a_guessed_repository_is_the_repository_but_claims_nothing() -> None:
    info, readme = cassette_model("meta-llama/Meta-Llama-3-8B-Instruct")
    plan = plan_for("meta-llama/Meta-Llama-3-8B-Instruct", info, readme, budget=None)
    run(plan)
    ev = plan.github_evidence(WEB)
    assert ev["repository"] == f"{WEB}/meta-llama/llama3"  # confirmed for the reviewer
    assert ev["role"] == gh.ROLE_GUESS
    assert ev["components"] and all(c["confidence"] < 0.5 for c in ev["components"].values())
    assert any("claim no component" in n for n in ev["notes"])


# COMPONENT_RULES (Training code): user fine-tuning recipes do not count, unless the card says
# this model was trained with the repository. The plan passes the role's verdict
# (repo_roles.recipes_train) to the tree rules of the chosen repository and of the extras.
RECIPE_TREE = gh.Tree(files=["finetune.py", "finetune/finetune_lora_ds.sh", "README.md"],
                      folders=["finetune"], truncated=False)  # QwenLM/Qwen-VL's shape


def _with_tree(tree: gh.Tree):
    def exists(cand: gh.Candidate) -> RepoResult:
        repo = gh.RepoInfo(cand.full_name, "", "main", None, None)
        return RepoResult("found", "api", repo, tree, canonical=cand.full_name)
    return exists


def test_the_models_own_fine_tuning_recipe_is_a_finding() -> None:
    body = "For more details, please refer to our [GitHub](https://github.com/QwenLM/Qwen-VL).\n"
    plan = plan_for("Qwen/Qwen-VL", {"id": "Qwen/Qwen-VL"}, body, budget=None)
    run(plan, _with_tree(RECIPE_TREE))
    ev = plan.github_evidence(WEB)
    assert ev["repository"] == f"{WEB}/QwenLM/Qwen-VL"
    training = ev["components"]["Training code"]
    assert training["confidence"] < 0.5
    assert "fine-tuning recipe for users" in training["evidence"][0]


def test_a_fine_tunes_repository_field_makes_its_recipe_the_training_code() -> None:
    """zephyr-orpo (dev half): "- **Repository:** alignment-handbook" and base_model Mixtral;
    its scripts/orpo.py is how this model was trained."""
    body, data = card_of("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1")
    plan = plan_for("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1",
                    {"id": "HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "cardData": data},
                    body, budget=None)
    tree = gh.Tree(files=["scripts/orpo.py", "scripts/sft.py", "src/alignment/data.py"],
                   folders=["scripts", "src", "src/alignment"], truncated=False)
    run(plan, _with_tree(tree))
    ev = plan.github_evidence(WEB)
    assert ev["repository"] == f"{WEB}/huggingface/alignment-handbook"
    assert ev["components"]["Training code"]["confidence"] >= 0.5


def test_a_library_the_model_was_trained_with_claims_its_fine_tuning_code() -> None:
    """An extra repository read as the training library ("trained using [X]"): its
    fine-tuning scripts under examples/ (huggingface/peft's shape) are this model's training
    code; the model's own repository keeps its recipe a finding."""
    body = ("Code: [model](https://github.com/org/model)\n\n"
            "The model was trained using [Tuner](https://github.com/other/tuner).\n")
    plan = plan_for("org/model-7b", {"id": "org/model-7b"}, body, budget=None)
    tuner = gh.Tree(files=["examples/boft_dreambooth/train_dreambooth.py"],
                    folders=["examples", "examples/boft_dreambooth"], truncated=False)

    def answer(cand: gh.Candidate) -> RepoResult:
        return _with_tree(tuner if cand.name == "tuner" else RECIPE_TREE)(cand)

    run(plan, answer)
    ev = plan.github_evidence(WEB)
    assert [(r["repo"], r["role"]) for r in ev["repositories"]] == [
        ("org/model", gh.ROLE_MODEL), ("other/tuner", gh.ROLE_TRAINING)]
    training = ev["components"]["Training code"]
    assert training["confidence"] >= 0.5
    assert training["component_path"].startswith(f"{WEB}/other/tuner/")
