"""motcrawl.analysis.repo_roles: what each linked repository is to the model, and what it may claim.

One row per way real cards link a repository, each from at least three different real
cards: old fixture cards (tests/fixtures/cassettes), the development half of the real-card
corpus (tests/fixtures/realcards, SPLIT.json "dev"), and verbatim lines of stored public
cards (the model id in each row; never a report-half card nor a held-out model of issue 12).
"""

from __future__ import annotations

import functools

import pytest

from benchmarks import realcards
from motcrawl.analysis import github as gh
from motcrawl.analysis import repo_roles as roles
from motcrawl.web.hf import parse_card
from tests.test_github import cassette_model

WEB = "https://github.com"


@functools.cache
def _dev_cards() -> dict[str, str]:
    dev = {m for m, half in realcards.load_split().items() if half == "dev"}
    return {m.model_id: m.card for m in realcards.load_corpus() if m.model_id.lower() in dev}


def card_of(model_id: str) -> tuple[str, dict]:
    """(body, card data) of a fixture card: an old cassette card or a dev-half corpus card."""
    cards = _dev_cards()
    if model_id in cards:
        card = parse_card(cards[model_id])
        return card.body, card.data or {}
    info, readme = cassette_model(model_id)
    card = parse_card(readme)
    return card.body, card.data or info.get("cardData") or {}


def role_for(model_id: str, repo: str, body: str | None = None,
             card_data: dict | None = None) -> roles.Role:
    if body is None:
        body, card_data = card_of(model_id)
    owner, name = repo.split("/")
    source = "card link" if f"github.com/{repo}".lower() in body.lower() else "organization guess"
    cand = gh.score_candidate(owner, name, model_id=model_id, source=source)
    return roles.role_of(cand, body, card_data or {}, model_id)


# (model id, card excerpt or None for the fixture's whole card, repository, role, worth
# reading besides the chosen one, components it may claim (a subset), components it may not)
TRAINING = {"Training code", "Data preprocessing code"}
EVAL = {"Evaluation code", "Evaluation data", "Evaluation results"}
ROWS = [
    # -- named for the model's family: the model's own codebase, everything claimable
    ("EleutherAI/pythia-160m", None, "EleutherAI/pythia", gh.ROLE_MODEL, True,
     {"Training code", "Inference code", "Evaluation code"}, set()),
    ("allenai/OLMo-7B", None, "allenai/OLMo", gh.ROLE_MODEL, True, TRAINING, set()),
    ("microsoft/deberta-v3-base", None, "microsoft/DeBERTa", gh.ROLE_MODEL, True,
     {"Model architecture"}, set()),
    # -- the card template's "Repository:" field, also another organisation's
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", None, "huggingface/alignment-handbook",
     gh.ROLE_MODEL, True, TRAINING, set()),
    ("ibm-granite/granite-4.0-micro", None, "ibm-granite/granite-4.0-language-models",
     gh.ROLE_MODEL, True, TRAINING, set()),
    ("ibm-granite/granite-3b-code-base-2k", None, "ibm-granite/granite-code-models",
     gh.ROLE_MODEL, True, TRAINING, set()),
    # -- "Library: [X]": the training library; the producer's own gives its code and tool,
    # another organisation's is no claim without a sentence that this model was trained with it
    ("EleutherAI/pythia-160m", None, "EleutherAI/gpt-neox", gh.ROLE_TRAINING, True,
     TRAINING | {"Inference code", "Supporting libraries and tools", "Model architecture"},
     EVAL),
    ("EleutherAI/deep-ignorance-unfiltered",  # stored public card
     "- Library: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)\n",
     "EleutherAI/gpt-neox", gh.ROLE_TRAINING, True, TRAINING, EVAL),
    ("cyberagent/open-calm-7b", None, "EleutherAI/gpt-neox", gh.ROLE_TRAINING, False, set(),
     TRAINING | {"Supporting libraries and tools"}),
    ("Haiyang-W/TokenFormer-150M",  # stored public card
     "- Library: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)\n",
     "EleutherAI/gpt-neox", gh.ROLE_TRAINING, False, set(), TRAINING),
    # -- "trained ... using [X]": another organisation's codebase counts as training code
    ("google/switch-c-2048", None, "google-research/t5x", gh.ROLE_TRAINING, True,
     TRAINING | {"Model architecture"}, EVAL),
    ("nvidia/NVIDIA-Nemotron-Nano-9B-v2",  # stored public card
     "The model was trained using [Megatron-LM](https://github.com/NVIDIA/Megatron-LM) and "
     "[NeMo-RL](https://github.com/NVIDIA-NeMo/RL).\n",
     "NVIDIA-NeMo/RL", gh.ROLE_TRAINING, True, TRAINING,
     {"Inference code", "Supporting libraries and tools"} | EVAL),
    ("nvidia/NVIDIA-Nemotron-Nano-9B-v2-Japanese",  # stored public card
     "The model was trained using [Megatron-LM](https://github.com/NVIDIA/Megatron-LM) and "
     "[NeMo-RL](https://github.com/NVIDIA-NeMo/RL). Improved using Qwen.  \n",
     "NVIDIA-NeMo/RL", gh.ROLE_TRAINING, True, TRAINING | {"Model architecture"}, EVAL),
    # -- "evaluated / obtained using [X]": the harness that produced the results
    ("EleutherAI/pythia-160m", None, "EleutherAI/lm-evaluation-harness", gh.ROLE_EVAL, True,
     EVAL | {"Supporting libraries and tools"}, TRAINING),
    ("cerebras/Cerebras-GPT-13B", None, "EleutherAI/lm-evaluation-harness", gh.ROLE_EVAL, True,
     EVAL, TRAINING | {"Supporting libraries and tools"}),
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", None, "huggingface/lighteval", gh.ROLE_EVAL,
     True, EVAL, TRAINING),
    # -- "Evaluation code: <url>" and evaluation repositories of the producer
    ("allenai/OLMo-7B", None, "allenai/OLMo-Eval", gh.ROLE_EVAL, True,
     EVAL | {"Supporting libraries and tools"}, TRAINING),
    ("allenai/OLMo-2-0325-32B-Instruct",  # stored public card
     "- **Repositories:** \n"
     "    - Core repo (training, inference, fine-tuning etc.): https://github.com/allenai/OLMo-core\n"
     "    - Evaluation code: https://github.com/allenai/olmes\n"
     "    - Further fine-tuning code: https://github.com/allenai/open-instruct\n",
     "allenai/olmes", gh.ROLE_EVAL, True, EVAL, TRAINING),
    ("adamkarvonen/chess_llms",  # stored public card
     "## Source Code References\n- Training Code: https://github.com/adamkarvonen/nanoGPT\n"
     "- Evaluation Code: https://github.com/adamkarvonen/chess_gpt_eval/tree/master/nanogpt\n",
     "adamkarvonen/chess_gpt_eval", gh.ROLE_EVAL, True, EVAL, TRAINING),
    # -- "Training Code: <url>" of the producer
    ("adamkarvonen/chess_llms",
     "## Source Code References\n- Training Code: https://github.com/adamkarvonen/nanoGPT\n"
     "- Evaluation Code: https://github.com/adamkarvonen/chess_gpt_eval/tree/master/nanogpt\n",
     "adamkarvonen/nanoGPT", gh.ROLE_TRAINING, True, TRAINING | {"Model architecture"}, EVAL),
    ("BlinkDL/rwkv-5-world", None, "BlinkDL/RWKV-LM", gh.ROLE_TRAINING, True,
     TRAINING | {"Model architecture"}, EVAL),
    ("LLM360/Amber", None, "LLM360/amber-train", gh.ROLE_MODEL, True, TRAINING, set()),
    # -- "Data Preparation": the repository is the data preparation code
    ("LLM360/Amber", None, "LLM360/amber-data-prep", gh.ROLE_DATA, True,
     {"Data preprocessing code"}, {"Training code", "Evaluation code"}),
    ("MBZUAI/MobiLlama-05B",  # stored public card: another organisation's data preparation
     "  - [Training Code](https://github.com/mbzuai-oryx/MobiLlama)\n"
     "  - [Data Preparation](https://github.com/LLM360/amber-data-prep)\n",
     "LLM360/amber-data-prep", gh.ROLE_DATA, True, {"Data preprocessing code"},
     {"Training code"}),
    ("LLM360/AmberChat",  # stored public card
     "- **Resources for more information:**\n"
     "  - [Training Code](https://github.com/LLM360/amber-train)\n"
     "  - [Data Preparation](https://github.com/LLM360/amber-data-prep)\n"
     "  - [Metrics](https://github.com/LLM360/Analysis360)\n",
     "LLM360/amber-data-prep", gh.ROLE_DATA, True, {"Data preprocessing code"},
     {"Training code"}),
    # -- demo scripts of the producer: inference code only
    ("BlinkDL/rwkv-5-world", None, "BlinkDL/ChatRWKV", gh.ROLE_INFERENCE, True,
     {"Inference code"}, TRAINING | EVAL),
    ("BlinkDL/rwkv-6-world",  # stored public card
     "For developer: https://github.com/BlinkDL/ChatRWKV/blob/main/API_DEMO_CHAT.py\n\n"
     "https://github.com/BlinkDL/ChatRWKV/blob/main/RWKV_v6_demo.py\n",
     "BlinkDL/ChatRWKV", gh.ROLE_INFERENCE, True, {"Inference code"}, TRAINING),
    ("BlinkDL/rwkv-4-world",  # stored public card
     "* use https://github.com/BlinkDL/ChatRWKV/blob/main/v2/benchmark_world.py and "
     "https://github.com/BlinkDL/ChatRWKV/blob/main/API_DEMO_WORLD.py to test it\n",
     "BlinkDL/ChatRWKV", gh.ROLE_INFERENCE, True, {"Inference code"}, TRAINING),
    # -- never linked, guessed from the organization and family: no claim at all
    ("meta-llama/Meta-Llama-3-8B-Instruct", None, "meta-llama/llama3", gh.ROLE_GUESS, False,
     set(), {"Inference code", "Model architecture"}),
    ("google/gemma-2b", None, "google-deepmind/gemma", gh.ROLE_GUESS, False, set(),
     {"Inference code"}),
    ("mistralai/Mistral-7B-v0.1", None, "mistralai/mistral", gh.ROLE_GUESS, False, set(),
     {"Inference code"}),
    # -- linked for something else: checkpoints, users' fine-tuning, an image, a comparison
    ("cerebras/Cerebras-GPT-13B", None, "Cerebras/modelzoo", gh.ROLE_OTHER, False, set(),
     TRAINING | {"Inference code"}),
    ("allenai/OLMo-7B", None, "allenai/open-instruct", gh.ROLE_OTHER, False, set(), TRAINING),
    ("baichuan-inc/Baichuan-7B", None, "baichuan-inc/Baichuan-13B", gh.ROLE_OTHER, False,
     set(), TRAINING),
    ("tiiuae/falcon-40b", None, "facebookresearch/llama", gh.ROLE_OTHER, False, set(),
     TRAINING),
    # -- generic libraries (motcrawl/data/generic_repos.json), even "trained using [TRL]"
    ("microsoft/phi-2", None, "microsoft/DeepSpeed", gh.ROLE_GENERIC, False, set(), TRAINING),
    ("google/switch-c-2048", None, "google/jax", gh.ROLE_GENERIC, False, set(), TRAINING),
    ("Qwen/Qwen2-0.5B-GRPO-test",  # stored public card (TRL's generated card, one of many)
     "This model is a fine-tuned version of [Qwen/Qwen2-0.5B-Instruct](https://huggingface.co/"
     "Qwen/Qwen2-0.5B-Instruct).\nIt has been trained using [TRL](https://github.com/"
     "huggingface/trl).\n", "huggingface/trl", gh.ROLE_GENERIC, False, set(), TRAINING),
]


@pytest.mark.parametrize("model_id, excerpt, repo, kind, read, may, may_not", ROWS)
def test_role_from_how_the_card_links_it(model_id: str, excerpt: str | None, repo: str,
                                         kind: str, read: bool, may: set[str],
                                         may_not: set[str]) -> None:
    role = role_for(model_id, repo, excerpt, {})
    assert role.kind == kind, role
    assert roles.worth_reading(role) is read
    allowed = roles.claimable(role)
    assert may <= allowed and not (may_not & allowed), sorted(allowed)


def test_the_card_data_field_names_the_model_codebase() -> None:
    data = {"repository": "https://github.com/org/tool"}
    role = role_for("org/model-7b", "org/tool", "", data)
    assert role.kind == gh.ROLE_MODEL and roles.worth_reading(role)


def test_a_generic_library_is_never_read_even_when_the_card_says_trained_with_it() -> None:
    body = "It has been trained using [TRL](https://github.com/huggingface/trl).\n"
    assert not roles.worth_reading(role_for("someone/model", "huggingface/trl", body))


# -- what the tree of a repository in a role claims ------------------------------------------
TREE = gh.Tree(files=["train.py", "tools/preprocess_data.py", "generate.py", "eval/run.py",
                      "megatron/model/gpt2_model.py", "setup.py", "README.md"],
               folders=["tools", "eval", "megatron", "megatron/model"], truncated=False)


def _claims(role: roles.Role, tree: gh.Tree = TREE) -> dict[str, float]:
    comps = gh.tree_components(tree, web=WEB, full_name="org/repo", branch="main",
                               repo_confidence=roles.repo_confidence(role, 0.65))
    out = roles.role_components(comps, role, tree=tree, web=WEB, full_name="org/repo",
                                branch="main")
    return {n: e["confidence"] for n, e in out.items()}


def test_a_training_library_claims_training_preprocessing_inference_and_architecture() -> None:
    role = roles.Role(gh.ROLE_TRAINING, "Library: GPT-NeoX", owned=True)
    got = _claims(role)
    claimed = {n for n, c in got.items() if c >= 0.5}
    # The codebase that trained the model defines it (megatron/model/gpt2_model.py).
    assert {"Training code", "Data preprocessing code", "Inference code",
            "Supporting libraries and tools", "Model architecture"} <= claimed
    assert got["Evaluation code"] <= roles.FINDING_CAP  # shown, not claimed


def test_a_training_library_without_model_files_claims_no_architecture() -> None:
    role = roles.Role(gh.ROLE_TRAINING, "trained with [trainer]", owned=True)
    tree = gh.Tree(files=["train.py", "tools/preprocess_data.py", "README.md"],
                   folders=["tools"], truncated=False)
    assert "Model architecture" not in _claims(role, tree)


def test_a_guessed_repository_claims_nothing_but_keeps_its_findings() -> None:
    got = _claims(roles.Role(gh.ROLE_GUESS, "not linked", owned=True))
    assert got and max(got.values()) <= roles.FINDING_CAP


def test_a_harness_only_offered_to_users_claims_nothing() -> None:
    offered = roles.Role(gh.ROLE_EVAL, "you can evaluate with [harness]")
    assert not roles.claimable(offered)
    produced = roles.Role(gh.ROLE_EVAL, "were evaluated using", produced=True)
    assert _claims(produced)["Evaluation code"] >= 0.5


def test_a_data_preparation_repository_is_its_component_as_a_whole() -> None:
    tree = gh.Tree(files=["stages/stage1.sh", "utils/split.py", "README.md"],
                   folders=["stages", "utils"], truncated=False)
    comps = gh.tree_components(tree, web=WEB, full_name="LLM360/amber-data-prep",
                               branch="main", repo_confidence=roles.ROLE_CONFIDENCE)
    out = roles.role_components(comps, roles.Role(gh.ROLE_DATA, "Data Preparation"), tree=tree,
                                web=WEB, full_name="LLM360/amber-data-prep", branch="main")
    entry = out["Data preprocessing code"]
    assert entry["confidence"] == roles.WHOLE_REPO
    assert entry["component_path"] == f"{WEB}/LLM360/amber-data-prep"
    assert "data preparation" in entry["evidence"][0]
    # Without code files the card's words alone claim nothing.
    empty = gh.Tree(files=["README.md"], folders=[], truncated=False)
    assert roles.role_components({}, roles.Role(gh.ROLE_DATA, "x"), tree=empty, web=WEB,
                                 full_name="o/r", branch="main") == {}


def test_merging_keeps_the_stronger_path_and_both_repositories_evidence() -> None:
    into = {"Training code": {"confidence": 0.55, "evidence": ["a/model: train.py"],
                              "component_path": "https://github.com/a/model/blob/main/train.py"}}
    roles.merge_components(into, {
        "Training code": {"confidence": 0.68, "evidence": ["a/lib: pretrain.py"],
                          "component_path": "https://github.com/a/lib/blob/main/pretrain.py"},
        "Data preprocessing code": {"confidence": 0.64, "evidence": ["a/lib: prep.py"],
                                    "component_path": "https://github.com/a/lib/blob/main/prep.py"}})
    assert into["Training code"]["component_path"].startswith("https://github.com/a/lib/")
    assert into["Training code"]["evidence"] == ["a/lib: pretrain.py", "a/model: train.py"]
    assert "Data preprocessing code" in into


def test_a_stated_role_lends_its_paths_the_cards_confidence() -> None:
    """zephyr-orpo's "Repository:" field names alignment-handbook: its training script is
    claimed even though the repository's candidate score is low."""
    role = role_for("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "huggingface/alignment-handbook")
    assert role.stated and roles.repo_confidence(role, 0.45) == roles.ROLE_CONFIDENCE
    family = role_for("EleutherAI/pythia-160m", "EleutherAI/pythia")
    assert roles.repo_confidence(family, 0.95) == 0.95
    guess = role_for("meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/llama3")
    assert roles.repo_confidence(guess, 0.85) == 0.85


# Fine-tuning recipes (github.is_recipe) are this model's training code only when the card
# says this model was trained with the repository, or names it as the repository of a model
# fine-tuned from another (base_model). (model id, card excerpt or None, repository, expected)
RECIPES_TRAIN_ROWS = [
    # "trained ... using [X]"
    ("google/switch-c-2048", None, "google-research/t5x", True),
    ("nvidia/NVIDIA-Nemotron-Nano-9B-v2",  # stored public card
     "The model was trained using [Megatron-LM](https://github.com/NVIDIA/Megatron-LM) and "
     "[NeMo-RL](https://github.com/NVIDIA-NeMo/RL).\n", "NVIDIA-NeMo/RL", True),
    # a fine-tune's "Repository:" field: where it was fine-tuned
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", None, "huggingface/alignment-handbook", True),
    # the model's own repository, a base model's "Repository:", a "Library:" field alone, a
    # link for users' fine-tuning: their fine-tuning scripts are recipes for users
    ("ibm-granite/granite-3b-code-base-2k", None, "ibm-granite/granite-code-models", False),
    ("Qwen/Qwen2.5-1.5B-Instruct", None, "QwenLM/Qwen2.5", False),
    ("cyberagent/open-calm-7b", None, "EleutherAI/gpt-neox", False),
    ("allenai/OLMo-7B", None, "allenai/open-instruct", False),
    ("baichuan-inc/Baichuan-7B", None, "baichuan-inc/Baichuan-7B", False),
]


@pytest.mark.parametrize(("model_id", "body", "repo", "expected"), RECIPES_TRAIN_ROWS)
def test_recipes_train_only_when_the_card_says_so(model_id: str, body: str | None, repo: str,
                                                  expected: bool) -> None:
    assert roles.recipes_train(role_for(model_id, repo, body)) is expected
    assert roles.recipes_train(None) is False
