"""motcrawl.analysis.github: candidates, scoring, REST answers and tree components (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcrawl.analysis import github as gh
from tests.fakes.hub import CASSETTE_DIR, cassette_name, load_cassettes

FIXTURES = Path(__file__).parent / "fixtures" / "github"
WEB = "https://github.com"


def repo_fixture(full_name: str) -> dict:
    return json.loads((FIXTURES / "repos" / f"{full_name.replace('/', '__')}.json").read_text())


def tree_fixture(full_name: str) -> dict:
    return json.loads((FIXTURES / "trees" / f"{full_name.replace('/', '__')}.json").read_text())


def cassette_model(model_id: str) -> tuple[dict, str]:
    """(info payload, README text or "") of a cassette model."""
    recorded = load_cassettes(str(CASSETTE_DIR))
    info = json.loads(recorded[("GET", f"/api/models/{model_id}")].body)
    readme = recorded.get(("GET", f"/{model_id}/resolve/main/README.md"))
    text = readme.body.decode() if readme is not None and readme.status == 200 else ""
    assert (CASSETTE_DIR / cassette_name(model_id)).exists()
    return info, text


@pytest.mark.parametrize("text, expected", [
    ("https://github.com/allenai/OLMo", ("allenai", "OLMo")),
    ("https://github.com/allenai/OLMo.git", ("allenai", "OLMo")),
    ("https://www.github.com/EleutherAI/gpt-neox/tree/main/configs", ("EleutherAI", "gpt-neox")),
    ("http://github.com/salesforce/CodeT5/tree/main/CodeT5%2B", ("salesforce", "CodeT5")),
    ("github.com/meta-llama/llama3", ("meta-llama", "llama3")),
    ("meta-llama/llama3", ("meta-llama", "llama3")),
    ("https://github.com/sponsors/someone", None),
    ("https://github.com/allenai", None),
    ("https://gitlab.com/a/b", None),
    ("https://huggingface.co/allenai/OLMo-7B", None),
    (None, None),
    (42, None),
])
def test_parse_repo_ref(text, expected):
    assert gh.parse_repo_ref(text) == expected


@pytest.mark.parametrize("model_id, expected", [
    ("meta-llama/Meta-Llama-3-8B-Instruct", ["Llama3", "Llama-3"]),
    ("allenai/OLMo-7B-hf", ["OLMo"]),
    ("EleutherAI/pythia-160m", ["pythia"]),
    ("EleutherAI/gpt-neox-20b", ["gpt-neox", "gptneox"]),
    ("Qwen/Qwen2.5-7B-Instruct", ["Qwen2.5"]),
    ("deepseek-ai/DeepSeek-V3", ["DeepSeek-V3", "DeepSeekV3"]),
    ("stabilityai/stable-diffusion-xl-base-1.0", ["stable-diffusion-xl", "stablediffusionxl"]),
    ("LLM360/Amber", ["Amber"]),
    ("org/7B-1.0", []),
])
def test_family_names(model_id, expected):
    assert gh.family_names(model_id) == expected


@pytest.mark.parametrize("owner, name, model_id, source, context, low, high", [
    # the model's own repository, linked as code: top score
    ("allenai", "OLMo", "allenai/OLMo-7B-hf", "card link", "Code: https://...", 0.9, 0.95),
    # same organization, another project: tried, but after the own one
    ("EleutherAI", "gpt-neox", "EleutherAI/pythia-160m", "card link", "", 0.5, 0.6),
    # the family's stem (CodeT5 for codet5p)
    ("salesforce", "CodeT5", "Salesforce/codet5p-16b", "card link", "", 0.75, 0.85),
    # a generic tool a quantizer's card links: never tried
    ("ggerganov", "llama.cpp", "TheBloke/Llama-2-7B-Chat-GGUF", "card link", "code", 0.0, 0.1),
    # an unrelated link
    ("facebookresearch", "llama", "tiiuae/falcon-40b", "card link", "", 0.3, 0.4),
    # a guess from organization and family: worth one request
    ("meta-llama", "Llama3", "meta-llama/Meta-Llama-3-8B-Instruct", "organization guess", "",
     0.6, 0.7),
    # a repository named in the card data
    ("someorg", "tool", "other/model", "card data", "", 0.7, 0.7),
])
def test_score_candidate(owner, name, model_id, source, context, low, high):
    cand = gh.score_candidate(owner, name, model_id=model_id, source=source, context=context)
    assert low <= cand.score <= high, cand


@pytest.mark.parametrize("model_id, best", [
    ("allenai/OLMo-7B-hf", "allenai/olmo"),
    ("EleutherAI/pythia-160m", "eleutherai/pythia"),
    ("LLM360/Amber", "llm360/amber-train"),
    ("Qwen/Qwen2.5-7B-Instruct", "qwenlm/qwen2.5"),
    ("Salesforce/codet5p-16b", "salesforce/codet5"),
    ("deepseek-ai/DeepSeek-V3", "deepseek-ai/deepseek-v3"),
    ("ibm-granite/granite-4.0-micro", "ibm-granite/granite-4.0-language-models"),
    ("openai-community/gpt2", "openai/gpt-2"),
    # gated card, no links: the organization/family guess
    ("meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/llama3"),
])
def test_candidates_on_cassette_cards(model_id, best):
    info, readme = cassette_model(model_id)
    from motcrawl.web.hf import parse_card
    card = parse_card(readme)
    cands = gh.candidates(model_id, card.body, card.data or info.get("cardData") or {})
    tries = gh.to_try(cands, remaining=None)
    assert tries and tries[0].key == best
    assert len(tries) <= gh.MAX_TRIES


def test_generic_links_are_never_tried():
    info, readme = cassette_model("TheBloke/Llama-2-7B-Chat-GGUF")
    from motcrawl.web.hf import parse_card
    card = parse_card(readme)
    cands = gh.candidates("TheBloke/Llama-2-7B-Chat-GGUF", card.body, card.data)
    assert "ggerganov/llama.cpp" in {c.key for c in cands}
    assert "ggerganov/llama.cpp" not in {c.key for c in gh.to_try(cands, remaining=None)}


def test_card_data_repository_field_wins():
    cands = gh.candidates("org/model-7b", "", {"repository": "https://github.com/org/model"})
    assert cands[0].key == "org/model" and cands[0].source == "card data"


def test_low_budget_tries_only_the_best():
    cands = gh.candidates("allenai/OLMo-7B-hf", "[code](https://github.com/allenai/OLMo) "
                          "[eval](https://github.com/allenai/OLMo-Eval)", {})
    assert len(gh.to_try(cands, remaining=None)) > 1
    assert [c.key for c in gh.to_try(cands, remaining=3)] == ["allenai/olmo"]


@pytest.mark.parametrize("full_name, spdx, key, branch, archived", [
    ("allenai/OLMo", "Apache-2.0", "apache-2.0", "main", False),
    ("EleutherAI/lm-evaluation-harness", "MIT", "mit", "main", False),
    ("meta-llama/llama3", None, "other", "main", True),      # NOASSERTION: no SPDX id
    ("openai/gpt-2", None, "other", "master", True),
    ("cardiffnlp/tweeteval", None, None, "main", False),      # no license at all
    ("salesforce/CodeT5", "BSD-3-Clause", "bsd-3-clause", "main", False),
])
def test_parse_repo(full_name, spdx, key, branch, archived):
    repo = gh.parse_repo(repo_fixture(full_name))
    assert (repo.full_name, repo.license, repo.license_key, repo.default_branch,
            repo.archived) == (full_name, spdx, key, branch, archived)


@pytest.mark.parametrize("payload", [None, [], {"message": "Not Found"}, {"full_name": 3}])
def test_parse_repo_rejects_other_answers(payload):
    with pytest.raises(ValueError):
        gh.parse_repo(payload)


def test_parse_tree_kinds_and_truncation():
    tree = gh.parse_tree(tree_fixture("EleutherAI/pythia"))
    assert "utils/batch_viewer.py" in tree.files
    assert "utils" in tree.folders and "utils" not in tree.files
    assert tree.submodules == ["utils/gpt-neox"]
    assert not tree.truncated
    assert gh.parse_tree({"sha": "x", "tree": [], "truncated": True}).truncated
    with pytest.raises(ValueError):
        gh.parse_tree({"message": "Not Found"})


@pytest.mark.parametrize("headers, status, limited, remaining", [
    ({"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "60"}, 403, True, 0),
    ({"x-ratelimit-remaining": "0"}, 429, True, 0),
    ({"X-RateLimit-Remaining": "12"}, 403, False, 12),     # a real refusal, not the budget
    ({"Retry-After": "60"}, 429, True, None),              # secondary rate limit
    ({"X-RateLimit-Remaining": "0"}, 200, False, 0),       # the last allowed request
    ({}, 404, False, None),
])
def test_rate_limit(headers, status, limited, remaining):
    assert gh.is_rate_limited(status, headers) is limited
    assert gh.parse_rate_limit(headers).remaining == remaining


# Each fixture repository: the components its files show (and must not show).
TREE_CASES = [
    ("allenai/OLMo", {"Training code", "Evaluation code", "Data preprocessing code",
                      "Inference code", "Model architecture", "Supporting libraries and tools"},
     set()),
    ("meta-llama/llama3", {"Model architecture", "Inference code",
                           "Supporting libraries and tools"},
     {"Training code", "Data preprocessing code"}),
    ("EleutherAI/lm-evaluation-harness", {"Evaluation code"}, {"Training code"}),
    ("LLM360/amber-train", {"Training code", "Model architecture", "Data preprocessing code"},
     set()),
    ("EleutherAI/pythia", {"Supporting libraries and tools", "Evaluation results"},
     {"Training code"}),
    ("deepseek-ai/DeepSeek-V3", {"Inference code", "Model architecture", "Technical report"},
     {"Training code", "Evaluation code"}),
    ("ibm-granite/granite-4.0-language-models", set(),
     {"Training code", "Model architecture", "Evaluation code"}),
]


@pytest.mark.parametrize("full_name, present, absent", TREE_CASES)
def test_tree_components(full_name, present, absent):
    repo = gh.parse_repo(repo_fixture(full_name))
    comps = gh.tree_components(gh.parse_tree(tree_fixture(full_name)), web=WEB,
                               full_name=full_name, branch=repo.default_branch,
                               repo_confidence=0.95)
    assert present <= set(comps), sorted(comps)
    assert not (absent & set(comps)), sorted(comps)
    for entry in comps.values():
        assert entry["component_path"].startswith(f"{WEB}/{full_name}/")
        assert entry["evidence"] and all(e.startswith(full_name) for e in entry["evidence"])
        assert 0 < entry["confidence"] <= 0.95


def test_component_paths_point_at_files_or_folders():
    comps = gh.tree_components(gh.parse_tree(tree_fixture("allenai/OLMo")), web=WEB,
                               full_name="allenai/OLMo", branch="main", repo_confidence=1.0)
    assert comps["Training code"]["component_path"] == f"{WEB}/allenai/OLMo/blob/main/olmo/train.py"
    assert comps["Evaluation code"]["component_path"] == f"{WEB}/allenai/OLMo/tree/main/olmo/eval"


def test_repository_evidence_rename_and_license_path():
    cand = gh.score_candidate("QwenLM", "Qwen2.5", model_id="Qwen/Qwen2.5-7B-Instruct",
                              source="card link")
    repo = gh.parse_repo(repo_fixture("QwenLM/Qwen3"))
    tree = gh.parse_tree(tree_fixture("QwenLM/Qwen3"))
    ev = gh.repository_evidence([cand], chosen=cand, repo=repo, tree=tree, web=WEB,
                                verified="api", notes=[])
    assert ev["repository"] == f"{WEB}/QwenLM/Qwen3"
    assert ev["renamed_from"] == "QwenLM/Qwen2.5"
    assert ev["license"] == "Apache-2.0"
    assert ev["license_path"] == f"{WEB}/QwenLM/Qwen3/blob/main/LICENSE"
    assert any("renamed to QwenLM/Qwen3" in n for n in ev["notes"])


def test_repository_evidence_head_only_has_no_license_or_components():
    cand = gh.score_candidate("allenai", "OLMo", model_id="allenai/OLMo-7B-hf",
                              source="card link")
    ev = gh.repository_evidence([cand], chosen=cand, repo=None, tree=None, web=WEB,
                                verified="head", notes=["GitHub API budget spent: x"])
    assert ev["repository"] == f"{WEB}/allenai/OLMo"
    assert ev["license"] is None and ev["components"] == {}
    assert "HEAD request only" in ev["note"] and "budget spent" in ev["note"]


@pytest.mark.parametrize(("url", "subdir"), [
    ("https://github.com/salesforce/CodeT5/tree/main/CodeT5+", "CodeT5+"),
    ("https://github.com/microsoft/unilm/tree/master/layoutlmv3/", "layoutlmv3"),
    ("https://github.com/org/repo/tree/main/a%20b/c?tab=readme", "a b/c"),
    ("https://github.com/org/repo/tree/main", ""),
    ("https://github.com/org/repo/blob/main/README.md", ""),
    ("https://github.com/org/repo/tree/main/../../etc", ""),
    ("https://github.com/org/repo", ""),
    ("https://example.com/org/repo/tree/main/x", ""),
])
def test_parse_repo_subdir(url: str, subdir: str) -> None:
    assert gh.parse_repo_subdir(url) == subdir


MULTI_PROJECT_TREE = {"sha": "s", "truncated": False, "tree": [
    {"path": p, "type": "blob"} for p in (
        "README.md", "CodeT5/evaluator/bleu.py", "CodeT5/sh/run_exp.py",
        "CodeT5+/humaneval/generate_codet5p.py", "CodeT5+/requirements.txt",
        "CodeT5/data/preprocess_data.py")]}


def test_linked_folder_scopes_the_tree_rules() -> None:
    card = "See [CodeT5+](https://github.com/salesforce/CodeT5/tree/main/CodeT5+)."
    (cand, *_) = gh.candidates("Salesforce/codet5p-16b", card, {})
    assert cand.full_name == "salesforce/CodeT5" and cand.subdir == "CodeT5+"
    tree = gh.parse_tree(MULTI_PROJECT_TREE)
    scoped = gh.tree_components(tree, web=WEB, full_name="salesforce/CodeT5", branch="main",
                                repo_confidence=1.0, subdir=cand.subdir)
    assert set(scoped) == {"Inference code", "Supporting libraries and tools"}
    assert scoped["Inference code"]["component_path"] == (
        "https://github.com/salesforce/CodeT5/blob/main/CodeT5%2B/humaneval/generate_codet5p.py")
    whole = gh.tree_components(tree, web=WEB, full_name="salesforce/CodeT5", branch="main",
                               repo_confidence=1.0)
    assert "Data preprocessing code" in whole and "Evaluation code" in whole


def test_a_link_to_the_whole_repository_keeps_it_whole() -> None:
    card = ("[CodeT5+](https://github.com/salesforce/CodeT5/tree/main/CodeT5+) and "
            "[CodeT5](https://github.com/salesforce/CodeT5)")
    (cand, *_) = gh.candidates("Salesforce/codet5p-16b", card, {})
    assert cand.full_name == "salesforce/CodeT5" and cand.subdir == ""


# COMPONENT_RULES (Evaluation data): "data files in a linked repository". One row per tree
# shape real repositories use (paths as in each repository's tree).
@pytest.mark.parametrize(("paths", "expected"), [
    # deepseek-ai/DeepSeek-Coder: Evaluation/<bench>/data/
    (["Evaluation/HumanEval/data/humaneval-cpp.jsonl", "Evaluation/HumanEval/eval.sh"],
     "Evaluation/HumanEval/data"),
    # deepseek-ai/DeepSeek-Math: evaluation/datasets/<bench>/
    (["evaluation/datasets/cmath/test.jsonl", "evaluation/run_subset_parallel.py"],
     "evaluation/datasets/cmath"),
    # THUDM/CodeGeeX: benchmark/<bench>/<lang>/data/, gzipped
    (["codegeex/benchmark/humaneval-x/cpp/data/humaneval_cpp.jsonl.gz"],
     "codegeex/benchmark/humaneval-x/cpp/data"),
    # QwenLM/Qwen: eval/ holds scripts and a prompt text, no data files
    (["eval/evaluate_gsm8k.py", "eval/gsm8k_prompt.txt", "eval/EVALUATION.md"], None),
    # training data and result files are not evaluation data
    (["data/train.jsonl", "evals/results.json", "eval_results/mmlu.csv"], None),
])
def test_tree_evaluation_data_files(paths: list[str], expected: str | None) -> None:
    tree = gh.parse_tree({"sha": "s", "truncated": False,
                          "tree": [{"path": p, "type": "blob"} for p in paths]})
    comps = gh.tree_components(tree, web=WEB, full_name="org/repo", branch="main",
                               repo_confidence=0.9)
    if expected is None:
        assert "Evaluation data" not in comps
    else:
        entry = comps["Evaluation data"]
        assert entry["confidence"] >= 0.5
        assert entry["component_path"] == f"{WEB}/org/repo/tree/main/{expected}"


# COMPONENT_RULES (Training code): "User fine-tuning recipes (LoRA/PEFT examples, third-party
# trainers in a snippet) do not count"; (Data preprocessing code): the training codebase's
# corpus preparation. One row per tree shape of real repositories (paths as in their trees):
# (repository, paths, component, claimed without recipes_train, claimed with it).
TRAINING, PREP = "Training code", "Data preprocessing code"
RECIPE_ROWS = [
    # -- a fine-tuning script, at the root or in a fine-tuning folder: a recipe for users
    ("OpenLMLab/MOSS", ["finetune_moss.py", "moss_inference.py"], TRAINING, False, True),
    ("QwenLM/Qwen-VL", ["finetune.py", "finetune/finetune_lora_ds.sh"], TRAINING, False, True),
    ("baichuan-inc/Baichuan2", ["fine-tune/fine-tune.py", "fine-tune/ds_config.json"],
     TRAINING, False, True),
    ("google-research/multilingual-t5", ["multilingual_t5/finetune_mt5_tasks.sh"], TRAINING,
     False, True),
    ("google-deepmind/gemma", ["colabs/finetuning.ipynb", "examples/lora.py"], TRAINING, False,
     True),
    ("huggingface/alignment-handbook", ["scripts/sft.py", "scripts/orpo.py"], TRAINING, False,
     True),
    ("allenai/open-instruct", ["open_instruct/finetune.py", "open_instruct/dpo_tune_cache.py"],
     TRAINING, False, True),
    # -- a training script or package under a fine-tuning or examples folder
    ("OpenBMB/MiniCPM", ["finetune/finetune.py", "finetune/lora_finetune.sh",
                         "minicpm_sala/finetune/trainer/finetune.py"], TRAINING, False, True),
    ("huggingface/peft", ["examples/boft_dreambooth/train_dreambooth.py",
                          "examples/boft_dreambooth/train_dreambooth.sh"], TRAINING, False, True),
    ("haotian-liu/LLaVA", ["scripts/finetune_lora.sh", "scripts/v1_5/finetune_task.sh"],
     TRAINING, False, True),
    # -- data preparation under a fine-tuning or examples folder
    ("huggingface/peft", ["examples/corda_finetuning/preprocess.py"], PREP, False, True),
    ("facebookresearch/fairseq", ["examples/criss/download_and_preprocess_flores_test.sh",
                                  "examples/MMPT/scripts/video_feature_extractor/preprocessing.py"],
     PREP, False, True),
    ("Cerebras/modelzoo", ["src/cerebras/modelzoo/data_preparation/data_curation/nemo-curator/"
                           "example/semdedup.py"], PREP, False, True),
    # -- the model's own training code outside those folders still claims
    ("baichuan-inc/Baichuan-7B", ["train.py", "scripts/train.sh"], TRAINING, True, True),
    ("haotian-liu/LLaVA", ["llava/train/train.py", "scripts/finetune_lora.sh"], TRAINING, True,
     True),
    ("BlinkDL/RWKV-LM", ["RWKV-v4/train.py", "RWKV-v4/src/trainer.py"], TRAINING, True, True),
    ("facebookresearch/fairseq", ["fairseq_cli/train.py", "examples/backtranslation/"
                                  "prepare-wmt18en2de.sh"], TRAINING, True, True),
    ("facebookresearch/fairseq", ["fairseq_cli/preprocess.py",
                                  "examples/criss/download_and_preprocess_flores_test.sh"],
     PREP, True, True),
    ("google-research/multilingual-t5", ["multilingual_t5/preprocessors.py",
                                         "multilingual_t5/finetune_mt5_tasks.sh"], PREP, True,
     True),
]


@pytest.mark.parametrize(("repo", "paths", "component", "claimed", "claimed_trained"),
                         RECIPE_ROWS)
def test_fine_tuning_recipes_are_findings(repo: str, paths: list[str], component: str,
                                          claimed: bool, claimed_trained: bool) -> None:
    tree = gh.parse_tree({"sha": "s", "truncated": False,
                          "tree": [{"path": p, "type": "blob"} for p in paths]})
    for recipes_train, expected in ((False, claimed), (True, claimed_trained)):
        comps = gh.tree_components(tree, web=WEB, full_name=repo, branch="main",
                                   repo_confidence=0.95, recipes_train=recipes_train)
        entry = comps[component]  # listed either way: the reviewer sees the paths
        assert (entry["confidence"] >= 0.5) is expected, entry
        if not expected:
            assert entry["confidence"] <= gh.RECIPE_CAP
            assert "fine-tuning recipe for users" in entry["evidence"][0]


def test_a_linked_examples_folder_is_the_project_not_a_recipe() -> None:
    """xglm's card links fairseq/tree/main/examples/xglm: inside the linked folder, paths
    are read as the project's own (the folder is the repository root)."""
    tree = gh.parse_tree({"sha": "s", "truncated": False, "tree": [
        {"path": "examples/xglm/train.sh", "type": "blob"}]})
    comps = gh.tree_components(tree, web=WEB, full_name="facebookresearch/fairseq",
                               branch="main", repo_confidence=0.9, subdir="examples/xglm")
    assert comps["Training code"]["confidence"] >= 0.5
