"""Component detectors (motcrawl.analysis.detect): strong Hub signals score high, card prose low."""

import pytest

from motcrawl.analysis import detect
from motcrawl.mof.framework import NAMES
from tests.evidence_helpers import evidence

LONG_CARD = "# Model\n\n" + "This model card describes the model. " * 20


def names(ev) -> dict[str, float]:
    return {d.name: d.confidence for d in detect.detect_components(ev)}


@pytest.mark.parametrize(("files", "expected"), [
    (["model.safetensors"], True),
    (["pytorch_model-00001-of-00002.bin"], True),
    (["llama-2-7b-chat.Q4_K_M.gguf"], True),
    (["sd_xl_base_1.0.safetensors", "unet/diffusion_pytorch_model.safetensors"], True),
    (["training_args.bin", "README.md"], False),
    (["README.md", "config.json"], False),
])
def test_final_parameters_from_weight_files(files: list[str], expected: bool) -> None:
    det = detect.detect_final_parameters(evidence(files=files))
    assert (det is not None) is expected
    if det:
        assert det.confidence >= 0.9
        assert files[0] in det.evidence[0]


@pytest.mark.parametrize(("refs", "files", "card", "minimum"), [
    (["main", "step1000", "step2000"], [], "", 0.9),
    (["main", "step1000-tokens4B"], [], "", 0.9),
    (["main", "ckpt_000"], [], "", 0.9),
    (None, ["checkpoint-500/model.safetensors"], "", 0.85),
    (None, [], 'Load with revision="step1000".', 0.5),
])
def test_intermediate_parameters(refs, files, card, minimum) -> None:
    det = detect.detect_intermediate_parameters(evidence(card, refs=refs, files=files))
    assert det is not None and det.confidence >= minimum


def test_no_intermediate_parameters_for_plain_branches() -> None:
    assert detect.detect_intermediate_parameters(
        evidence(refs=["main", "v1.0", "fp16"], files=["model.safetensors"])) is None


def test_research_paper_from_arxiv_tag_beats_links() -> None:
    det = detect.detect_research_paper(evidence(
        "See [paper](https://aclanthology.org/2023.x).", tags=["arxiv:2402.00838"]))
    assert det.confidence >= 0.9
    assert det.component_path == "https://arxiv.org/abs/2402.00838"


@pytest.mark.parametrize(("card", "found"), [
    ("Read the [paper](https://arxiv.org/abs/2304.01373).", True),
    ("Paper: https://openreview.net/forum?id=abc", True),
    ("Blog: https://example.com/post", False),
])
def test_research_paper_from_links(card: str, found: bool) -> None:
    assert (detect.detect_research_paper(evidence(card)) is not None) is found


def test_technical_report_link_is_not_a_research_paper() -> None:
    ev = evidence("Our [technical report](https://arxiv.org/abs/2412.19437) explains it.")
    assert detect.detect_technical_report(ev).confidence >= 0.8
    assert detect.detect_research_paper(ev) is None


def test_datasets_from_card_data_and_tags() -> None:
    det = detect.detect_datasets(evidence(cardData={"datasets": ["allenai/dolma"]},
                                          tags=["dataset:EleutherAI/pile"]))
    assert det.confidence >= 0.9
    assert "allenai/dolma" in det.evidence[0] and "EleutherAI/pile" in det.evidence[0]


def test_model_index_gives_results_and_evaluation_data() -> None:
    model_index = [{"name": "m", "results": [
        {"task": {"type": "text-generation"},
         "dataset": {"name": "MMLU", "type": "cais/mmlu"},
         "metrics": [{"type": "acc", "value": 0.5}]}]}]
    ev = evidence(cardData={"model-index": model_index})
    assert detect.detect_evaluation_results(ev).confidence >= 0.9
    data = detect.detect_evaluation_data(ev)
    assert data.confidence >= 0.8 and "cais/mmlu" in data.evidence[0]


def test_evaluation_table_is_weaker_than_model_index() -> None:
    card = ("# M\n\n## Evaluation\n\n| Task | Score |\n|---|---|\n| MMLU | 60 |\n"
            "| HellaSwag | 80 |\n")
    ev = evidence(card)
    res = detect.detect_evaluation_results(ev)
    assert 0.5 <= res.confidence < 0.9
    assert detect.detect_evaluation_data(ev).confidence < 0.8


def test_keyword_mentions_score_below_the_include_threshold() -> None:
    found = names(evidence("# M\n\nWe will release the training code and the "
                           "evaluation harness soon."))
    assert found["Training code"] < detect.INCLUDE_THRESHOLD
    assert found["Evaluation code"] < detect.INCLUDE_THRESHOLD


def test_linked_training_code_is_claimed() -> None:
    card = "# M\n\n- Training code: [OLMo](https://github.com/allenai/OLMo)\n"
    det = detect.detect_training_code(evidence(card))
    assert det.confidence >= detect.INCLUDE_THRESHOLD
    assert det.component_path == "https://github.com/allenai/OLMo"


def test_model_card_needs_a_body() -> None:
    assert detect.detect_model_card(evidence(LONG_CARD)).confidence >= 0.9
    assert detect.detect_model_card(evidence("", card_status="missing")) is None
    gated = evidence("", card_status="gated", cardData={"license": "other"})
    assert detect.detect_model_card(gated).confidence >= 0.7


def test_architecture_from_modeling_code_beats_config() -> None:
    ev = evidence(files=["modeling_olmo.py", "config.json"],
                  config={"architectures": ["OLMoForCausalLM"], "model_type": "olmo"})
    det = detect.detect_architecture(ev)
    assert det.confidence >= 0.9 and det.component_path.endswith("modeling_olmo.py")


def test_only_mof_names_and_mof_order() -> None:
    ev = evidence(LONG_CARD, files=["model.safetensors", "config.json"],
                  tags=["arxiv:1234.56789"], cardData={"datasets": ["a/b"]})
    found = [d.name for d in detect.detect_components(ev)]
    assert found == [n for n in NAMES if n in found]
    assert set(found) <= set(NAMES)


def test_detection_rejects_non_mof_names() -> None:
    with pytest.raises(ValueError):
        detect.Detection("Training dataset", 0.9)


def test_repository_evidence_is_merged_when_stronger() -> None:
    ev = evidence("# M\n\nWe will release the training code soon.")
    ev.github = {"components": {"Training code": {
        "confidence": 0.85, "evidence": ["scripts/train.py"],
        "component_path": "https://github.com/o/r/blob/main/scripts/train.py"}}}
    found = {d.name: d for d in detect.detect_components(ev)}
    assert found["Training code"].confidence == 0.85
    assert found["Training code"].component_path.endswith("train.py")


GRANITE_STYLE = """# Granite-4.0-Micro

**Evaluation Results:**

<table>
<thead><tr><th>Benchmarks</th><th>Metric</th><th>Micro Dense</th></tr></thead>
<tbody><tr><td>MMLU</td><td>5-shot</td><td>65.98</td></tr>
<tr><td>GSM8K</td><td>8-shot</td><td>85.45</td></tr></tbody></table>

**Model Architecture:**
Built on a decoder-only dense transformer architecture.
"""


def test_results_table_in_html_under_a_bold_heading() -> None:
    ev = evidence(GRANITE_STYLE)
    res = detect.detect_evaluation_results(ev)
    assert res.confidence >= detect.INCLUDE_THRESHOLD and "Evaluation Results" in res.evidence[0]
    data = detect.detect_evaluation_data(ev)
    # COMPONENT_RULES (Evaluation data): naming benchmarks in a table does not count; the
    # names stay in the draft's findings for the reviewer.
    assert data.confidence < detect.INCLUDE_THRESHOLD and "mmlu" in data.evidence[0]
    linked = evidence(GRANITE_STYLE + "\nEvaluated with the [LM Evaluation Harness]"
                                      "(https://github.com/EleutherAI/lm-evaluation-harness).\n")
    data = detect.detect_evaluation_data(linked)
    assert data.confidence >= detect.INCLUDE_THRESHOLD
    assert data.component_path == "https://github.com/EleutherAI/lm-evaluation-harness"


@pytest.mark.parametrize(("card", "claimed"), [
    # CodeT5+: results in sentences under an evaluation heading.
    ("## Evaluation results\n\nInstructCodeT5+ 16B sets new SoTA results of 35.0% pass@1 and "
     "54.5% pass@10 on HumanEval.", True),
    # DeBERTa: the table is introduced as results, under a heading that does not say so.
    ("#### Fine-tuning on NLU tasks\n\nWe present the dev results on SQuAD 2.0 and MNLI.\n\n"
     "| Model | SQuAD 2.0 | MNLI-m |\n|---|---|---|\n| DeBERTa-v3-base | 88.4/85.4 | 90.6 |\n",
     True),
    # Promises and numbers outside an evaluation context are no results.
    ("## Evaluation\n\n*Paper coming soon.*", False),
    ("## Training\n\nTrained for 3 epochs at 95% of the compute budget, 1.5% warmup.", False),
    ("## Hyperparameters\n\n| Name | Value |\n|---|---|\n| lr | 3e-4 |\n| layers | 32 |\n", False),
])
def test_evaluation_results_from_card_text(card: str, claimed: bool) -> None:
    det = detect.detect_evaluation_results(evidence(card))
    assert (det is not None and det.confidence >= detect.INCLUDE_THRESHOLD) is claimed


def test_datasets_linked_in_the_card_are_claimed_below_declared_ones() -> None:
    card = ("# M\n\nTrained on [RefinedWeb](https://huggingface.co/datasets/tiiuae/falcon-refinedweb)"
            ".\n\n## Evaluation\n\nScores on [GSM8K](https://huggingface.co/datasets/openai/gsm8k).\n")
    ev = evidence(card)
    data = detect.detect_datasets(ev)
    assert detect.INCLUDE_THRESHOLD <= data.confidence < 0.9
    assert "tiiuae/falcon-refinedweb" in data.evidence[0] and "gsm8k" not in data.evidence[0]
    evaluation = detect.detect_evaluation_data(ev)
    assert evaluation.confidence >= detect.INCLUDE_THRESHOLD
    assert "openai/gsm8k" in evaluation.evidence[0]
    declared = detect.detect_datasets(evidence(card, cardData={"datasets": ["tiiuae/x"]}))
    assert declared.confidence > data.confidence


def test_a_github_link_in_a_data_section_is_not_the_data() -> None:
    card = ("# GPT-2\n\n## Training data\n\nThe resulting dataset (WebText) weights 40GB of "
            "texts but has not been publicly released. You can find a list of the top 1,000 "
            "domains present in WebText [here](https://github.com/openai/gpt-2/blob/master/"
            "domains.txt).\n")
    det = detect.detect_datasets(evidence(card))
    assert det is None or det.confidence < detect.INCLUDE_THRESHOLD


@pytest.mark.parametrize(("line", "component"), [
    ("procedure, including [how to reproduce it](https://github.com/EleutherAI/pythia)",
     "Training code"),
    ("* Modified from Megatron-LM ([BLOOM Megatron code](https://github.com/bigscience-workshop/"
     "Megatron-DeepSpeed))", "Training code"),
    ("- [Metrics](https://github.com/LLM360/Analysis360)", "Evaluation code"),
    ("evaluated using the [LM Evaluation\nHarness](https://github.com/EleutherAI/"
     "lm-evaluation-harness)", "Evaluation code"),
    # The link's text names it the model's code (LLM360/Amber, fairseq's TTS card, BLOOM).
    ("- [Training Code](https://github.com/LLM360/amber-train)", "Training code"),
    ("[Transformer](https://arxiv.org/abs/1809.08895) text-to-speech model from fairseq S^2 "
     "([paper](https://arxiv.org/abs/2109.06912)/[code](https://github.com/pytorch/fairseq/"
     "tree/main/examples/speech_synthesis)):", "Training code"),
    # Evaluation words in the link or its sentence (Zephyr 141B, Cerebras-GPT).
    ("The scores reported below were obtained using the [LightEval](https://github.com/"
     "huggingface/lighteval) evaluation suite", "Evaluation code"),
    ("We performed downstream evaluations of text generation accuracy on standardized tasks "
     "using the [Eleuther lm-evaluation-harness](https://github.com/EleutherAI/"
     "lm-evaluation-harness).", "Evaluation code"),
])
def test_linked_code_by_its_words(line: str, component: str) -> None:
    # COMPONENT_RULES: the producer's own repository with training or evaluation words is
    # its code; another's only when the card says it trained the model or produced the
    # results. These rows link the producer's own repository on their real cards.
    model_id = next((m for key, m in _OWN_REPOSITORY_ROWS.items() if key in line),
                    "org/model-7b")
    found = names(evidence(f"# M\n\n{line}\n", model_id=model_id))
    assert found.get(component, 0) >= detect.INCLUDE_THRESHOLD


_OWN_REPOSITORY_ROWS = {"github.com/EleutherAI/pythia": "EleutherAI/pythia-160m",
                        "github.com/LLM360/Analysis360": "LLM360/Amber"}


@pytest.mark.parametrize("line", [
    # A paragraph about training is no label for every link in it (Cerebras-GPT, phi-1).
    "These models were trained on the Andromeda AI supercomputer. Cerebras systems for "
    "pre-training and fine tuning are available in the cloud. Cerebras CS-2 compatible "
    "checkpoints are available in [Cerebras Model Zoo](https://github.com/Cerebras/modelzoo).",
    "Its training involved a variety of data sources, including subsets of Python codes from "
    "[The Stack v1.2](https://huggingface.co/datasets/bigcode/the-stack), competition code "
    "from [code_contests](https://github.com/deepmind/code_contests), and synthetic Python "
    "textbooks",
])
def test_a_link_in_a_training_paragraph_is_not_training_code(line: str) -> None:
    found = names(evidence(f"# M\n\n{line}\n"))
    assert found.get("Training code", 0) < detect.INCLUDE_THRESHOLD


# COMPONENT_RULES (Supporting libraries and tools): a library "released by the producer's
# organisation and linked from the card"; "a name with no link is not a release", and
# third-party libraries (PyTorch) do not count. These two rows named tools without links.
@pytest.mark.parametrize(("section", "claimed"), [
    ("### Software\n\nFalcon-40B was trained a custom distributed training codebase, Gigatron.",
     False),
    ("#### Software\n\n* PyTorch\n* DeepSpeed\n", False),
    ("#### Software\n\n[More Information Needed]\n", False),  # the Hub template's placeholder
    ("### Hardware\n\n384 A100 40GB GPUs in P4d instances.\n", False),
])
def test_software_section_names_the_supporting_tools(section: str, claimed: bool) -> None:
    det = detect.detect_supporting_tools(evidence(f"# M\n\n{section}", library_name=None))
    assert (det is not None and det.confidence >= detect.INCLUDE_THRESHOLD) is claimed


@pytest.mark.parametrize(("code", "claimed"), [
    # Baichuan-7B, XGen-7B-8K-Inst: the usage runs modelling code shipped with the model.
    ('tokenizer = AutoTokenizer.from_pretrained("baichuan-inc/Baichuan-7B", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained('
     '"baichuan-inc/Baichuan-7B", device_map="auto", trust_remote_code=True)', True),
    ('tokenizer = AutoTokenizer.from_pretrained("Salesforce/xgen-7b-8k-inst", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained('
     '"Salesforce/xgen-7b-8k-inst", torch_dtype=torch.bfloat16)', True),
    # RedPajama-INCITE, Cerebras-GPT: transformers' own implementation only.
    ('model = AutoModelForCausalLM.from_pretrained("togethercomputer/RedPajama-INCITE-7B-Base",'
     ' torch_dtype=torch.float16)', False),
    ('tokenizer = AutoTokenizer.from_pretrained("cerebras/Cerebras-GPT-13B")\n'
     'model = AutoModelForCausalLM.from_pretrained("cerebras/Cerebras-GPT-13B")', False),
])
def test_usage_code_is_inference_code_when_it_runs_the_models_own_code(code: str,
                                                                       claimed: bool) -> None:
    det = detect.detect_inference_code(evidence(f"# M\n\n```python\n{code}\n```\n"))
    assert det is not None
    assert (det.confidence >= detect.INCLUDE_THRESHOLD) is claimed


def test_usage_code_with_modelling_files_in_the_repository_is_inference_code() -> None:
    card = "# M\n\n```python\nmodel = AutoModel.from_pretrained('org/m')\n```\n"
    det = detect.detect_inference_code(evidence(card, files=["modeling_m.py", "config.json"]))
    assert det is not None and det.confidence >= detect.INCLUDE_THRESHOLD


def test_a_license_pdf_is_not_a_technical_report() -> None:
    # Baichuan-7B links its license as a PDF; a report PDF still counts.
    card = ("# M\n\n- **License:** [Baichuan-7B License](https://huggingface.co/baichuan-inc/"
            "Baichuan-7B/blob/main/baichuan-7B%20license.pdf)\n")
    det = detect.detect_technical_report(evidence(card))
    assert det is None or det.confidence < detect.INCLUDE_THRESHOLD
    report = detect.detect_technical_report(evidence(card + "\nSee [our report](https://x.org/"
                                                            "m.pdf).\n"))
    assert report is not None and report.confidence >= detect.INCLUDE_THRESHOLD


@pytest.mark.parametrize(("section", "claimed"), [
    # mamba-2.8b-hf: a fine-tuning recipe names its output folder; no outputs are shown.
    ("## PEFT finetuning example\n\n```python\ntraining_args = TrainingArguments(\n"
     "    output_dir=\"./results\",\n)\n```\n", False),
    ("## Examples\n\n```python\noutputs = model.generate(**inputs)\n```\n", False),
    # Outputs the card shows.
    ("## Sample outputs\n\n**Prompt:** Tell me a joke.\n\n**Response:** Why did the chicken...\n",
     True),
])
def test_sample_outputs_are_shown_outputs(section: str, claimed: bool) -> None:
    det = detect.detect_sample_outputs(evidence(f"# M\n\n{section}", cardData={}))
    assert (det is not None and det.confidence >= detect.INCLUDE_THRESHOLD) is claimed
