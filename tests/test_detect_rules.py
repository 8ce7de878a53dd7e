"""Component rules as real cards state them: one row per way a card says it.

Each table cites the COMPONENT_RULES rule it implements (see docs/evidence.md). Excerpts
are from real cards: the development half of tests/fixtures/realcards, the old fixtures
(tests/fixtures/cassettes), and named other public cards.
"""

from __future__ import annotations

import pytest

from motcrawl.analysis import detect
from tests.evidence_helpers import evidence


def claimed(det: detect.Detection | None) -> bool:
    return det is not None and det.confidence >= detect.INCLUDE_THRESHOLD


def github_evidence(full_name: str, evidence_line: str) -> dict:
    return {"repository": f"https://github.com/{full_name}", "full_name": full_name,
            "components": {"Supporting libraries and tools": {
                "confidence": 0.43, "evidence": [f"{full_name}: {evidence_line}"],
                "component_path": f"https://github.com/{full_name}/blob/main/setup.py"}}}


# Supporting libraries and tools: "a reusable library, framework or tool released by the
# producer's organisation and linked from the card ... Third-party libraries
# (transformers, PyTorch) and plain example repositories do not count."
@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # microsoft/phi-1 and microsoft/phi-2: the Software section links Microsoft's DeepSpeed
    ("microsoft/phi-1", "### Software\n\n* [PyTorch](https://github.com/pytorch/pytorch)\n\n"
     "* [DeepSpeed](https://github.com/microsoft/DeepSpeed)\n\n"
     "* [Flash-Attention](https://github.com/HazyResearch/flash-attention)\n", True),
    # ... and the same list under another organisation's model is all third-party
    ("org/model-7b", "### Software\n\n* [PyTorch](https://github.com/pytorch/pytorch)\n\n"
     "* [DeepSpeed](https://github.com/microsoft/DeepSpeed)\n", False),
    # EleutherAI/gpt-neox-20b: trained with the producer's own library
    ("EleutherAI/gpt-neox-20b", "GPT-NeoX-20B was trained on [the Pile](https://pile.eleuther.ai/)"
     " using the [GPT-NeoX library](https://github.com/EleutherAI/gpt-neox).", True),
    # cyberagent/open-calm-7b: the same library is another organisation's
    ("cyberagent/open-calm-7b", "* **Library**: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)",
     False),
    # llava-hf/llava-1.5-7b-hf: an installation hint for a third-party package
    ("llava-hf/llava-1.5-7b-hf", "Refer to the [original repository of Flash Attention]"
     "(https://github.com/Dao-AILab/flash-attention) regarding that package installation.", False),
    # tiiuae/falcon-40b: a named codebase without a link is not a release
    ("tiiuae/falcon-40b", "### Software\n\nFalcon-40B was trained a custom distributed training "
     "codebase, Gigatron. It uses a 3D parallelism approach combined with ZeRO.", False),
])
def test_supporting_tools_are_the_producers_own(model_id: str, card: str, expected: bool) -> None:
    det = detect.detect_supporting_tools(evidence(f"# M\n\n{card}\n", model_id=model_id,
                                                  library_name=None))
    assert claimed(det) is expected


@pytest.mark.parametrize(("model_id", "full_name", "line", "expected"), [
    # google/switch-c-2048 links google-research/t5x, which installs with setup.py
    ("google/switch-c-2048", "google-research/t5x",
     "installable package or build file: setup.py", True),
    # meta-llama/Meta-Llama-3-8B-Instruct: meta-llama/llama3 has setup.py
    ("meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/llama3",
     "installable package or build file: setup.py", True),
    # allenai/OLMo-7B: allenai/OLMo installs with pyproject.toml
    ("allenai/OLMo-7B", "allenai/OLMo", "installable package or build file: Makefile, "
     "pyproject.toml", True),
    # a task runner alone is no package
    ("allenai/OLMo-7B", "allenai/OLMo", "installable package or build file: Makefile", False),
    # facebook/incoder-6B links dpfried/incoder: a person's account, not the producer's
    ("facebook/incoder-6B", "dpfried/incoder", "installable package or build file: setup.py",
     False),
    # baichuan-inc/Baichuan-7B, Qwen/Qwen2.5-7B-Instruct: a dependency list names
    # third-party libraries only
    ("baichuan-inc/Baichuan-7B", "baichuan-inc/Baichuan-7B",
     "dependencies and environment (third-party libraries): requirements.txt", False),
])
def test_the_producers_repository_as_a_package(model_id: str, full_name: str, line: str,
                                               expected: bool) -> None:
    ev = evidence("# M\n\nA model.\n", model_id=model_id, library_name=None)
    ev.github = github_evidence(full_name, line)
    assert claimed(detect.detect_supporting_tools(ev)) is expected


def test_a_dependency_list_in_the_repository_is_never_claimed() -> None:
    from motcrawl.analysis import github as gh
    tree = gh.parse_tree({"tree": [{"path": p, "type": "blob"} for p in
                                   ("requirements.txt", "environment.yml", "Dockerfile")],
                          "truncated": False})
    found = gh.tree_components(tree, web="https://github.com", full_name="o/r", branch="main",
                               repo_confidence=0.95)
    assert found["Supporting libraries and tools"]["confidence"] < detect.INCLUDE_THRESHOLD


# Data card: "a datasheet or dataset card for the training data is published or linked:
# a Hub dataset page (through a link or datasets: metadata), or a datasheet or dataset
# paper. Naming a corpus does not count."
@pytest.mark.parametrize(("card", "expected"), [
    # EleutherAI/pythia-160m
    ("## Training data\n\nThe Pile is a 825GiB general-purpose dataset in English. Consult "
     "[the datasheet](https://arxiv.org/abs/2201.07311) for more detailed documentation", True),
    # EleutherAI/gpt-neox-20b
    ("## Training dataset\n\nFor detailed info on the Pile, see [the Pile paper]"
     "(https://arxiv.org/abs/2101.00027), and [its data sheet](https://arxiv.org/abs/2201.07311).",
     True),
    # cerebras/Cerebras-GPT-13B
    ("## Training data\n\nCerebras-GPT is trained using [the Pile](https://pile.eleuther.ai) "
     "dataset from [EleutherAI](https://www.eleuther.ai). See the [Pile paper]"
     "(https://arxiv.org/abs/2101.00027) for a more detailed breakdown of data sources.", True),
    # bigscience/bloom
    ("## Training Data\n\nDetails for each dataset are provided in individual [Data Cards]"
     "(https://huggingface.co/spaces/bigscience/BigScienceCorpus).", True),
    # facebook/xglm-7.5B: statistics about the corpus, no datasheet
    ("## Training Data Statistics\n\n" + "| Language | Tokens |\n|---|---|\n| en | 803 |\n" * 3
     + "The training data is a multilingual corpus of 500B tokens covering 30 languages. " * 4,
     False),
    # openai-community/gpt2: the corpus is described, not published
    ("## Training data\n\nThe OpenAI team wanted to train this model on a corpus as large as "
     "possible. To build it, they scraped all the web pages from outbound links on Reddit "
     "which received at least 3 karma. " * 3, False),
    # google/switch-c-2048: a test-data heading, and the paper of the model, are no datasheet
    ("## Testing Data, Factors & Metrics\n\nThe authors evaluated the model on various tasks. "
     "See the [research paper](https://arxiv.org/pdf/2101.03961.pdf). " * 4, False),
])
def test_data_card_is_a_datasheet_or_dataset_page(card: str, expected: bool) -> None:
    assert claimed(detect.detect_data_card(evidence(f"# M\n\n{card}\n"))) is expected


def test_a_hub_dataset_page_is_a_data_card_once_found() -> None:
    ev = evidence("# M\n\nA model.\n", cardData={"datasets": ["c4"]}, tags=["dataset:c4"])
    assert not claimed(detect.detect_data_card(ev))  # not looked up: unchecked
    ev.datasets = {"c4": {"found": True, "has_card": False, "license": None, "licenses": []}}
    assert claimed(detect.detect_data_card(ev))
    ev.datasets = {"c4": {"found": False, "has_card": False, "license": None, "licenses": []}}
    assert not claimed(detect.detect_data_card(ev))


# Research paper: "an academic paper (arXiv preprint or peer-reviewed) ... linked or cited
# in the card ... An item the card calls only 'paper' is a research paper."
@pytest.mark.parametrize(("card", "arxiv"), [
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1, LLM360/Amber, microsoft/deberta-v3-base
    ("```\n@misc{hong2024orpo,\n  title={ORPO: Monolithic Preference Optimization},\n"
     "  eprint={2403.07691},\n  archivePrefix={arXiv},\n}\n```", "2403.07691"),
    # microsoft/phi-1, Qwen/Qwen2.5-1.5B-Instruct
    ("```bib\n@article{gunasekar2023textbooks,\n  title={Textbooks Are All You Need},\n"
     "  journal={arXiv preprint arXiv:2306.11644},\n  year={2023}\n}\n```", "2306.11644"),
    # google/switch-c-2048, EleutherAI/gpt-neox-20b: the DOI names the arXiv preprint
    ("```\n@misc{https://doi.org/10.48550/arxiv.2101.03961,\n  doi = {10.48550/ARXIV.2101.03961},"
     "\n  url = {https://arxiv.org/abs/2101.03961},\n}\n```", "2101.03961"),
    # an identifier written in prose
    ("The model is described in arXiv:2204.05999 (InCoder).", "2204.05999"),
])
def test_research_paper_cited_by_arxiv_id(card: str, arxiv: str) -> None:
    det = detect.detect_research_paper(evidence(f"# M\n\n{card}\n"))
    assert claimed(det) and arxiv in det.component_path + " ".join(det.evidence)


@pytest.mark.parametrize(("card", "expected"), [
    # facebook/incoder-6B
    ("- [Paper](https://arxiv.org/abs/2204.05999)", True),
    # a peer-reviewed venue: ACL Anthology (cardiffnlp cites aclanthology), CVF open access
    ("[paper](https://openaccess.thecvf.com/content/CVPR2022/html/Rombach_High-Resolution.html)",
     True),
    ("See the [original paper](https://www.aclweb.org/anthology/2020.findings-emnlp.148)", True),
    # a page the card calls its paper
    ("Read the [paper](https://ai.meta.com/research/publications/xglm/).", True),
    # tiiuae/falcon-40b: "Paper coming soon" with a self-made @article is a citation only
    ("## Citation\n\n*Paper coming soon* 😊. In the meanwhile, you can use the following "
     "information to cite:\n```\n@article{falcon40b,\n  title={{Falcon-40B}: an open large "
     "language model},\n  year={2023}\n}\n```", False),
    # bigscience/bloom-style citation of a paper without an arXiv id: still a citation
    ("```\n@inproceedings{barbieri-etal-2020-tweeteval,\n  title = {TweetEval},\n"
     "  booktitle = {Findings of EMNLP 2020},\n}\n```", True),
    # cyberagent/open-calm-7b: a software citation is not a paper
    ("```\n@software{gpt-neox-library,\n  title = {{GPT-NeoX: Large Scale Autoregressive "
     "Language Modeling in PyTorch}},\n  url = {https://www.github.com/eleutherai/gpt-neox},\n}\n"
     "```", False),
])
def test_research_paper_links(card: str, expected: bool) -> None:
    assert claimed(detect.detect_research_paper(evidence(f"# M\n\n{card}\n"))) is expected


# Research paper: "An item the card calls only 'paper' is a research paper; a report, white
# paper or blog is a technical report." An arXiv document the card calls a technical report
# is a Technical report; a paper the card links for another work (a technique, a benchmark,
# the carbon calculator, a training dataset) does not describe this model.
@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # Qwen/Qwen2.5-1.5B-Instruct (and Qwen/Qwen2.5-7B-Instruct): a blog cited with @misc and
    # the arXiv "Qwen2 Technical Report"
    ("Qwen/Qwen2.5-1.5B-Instruct", "```\n@misc{qwen2.5,\n    title = {Qwen2.5: A Party of "
     "Foundation Models},\n    url = {https://qwenlm.github.io/blog/qwen2.5/},\n    author = "
     "{Qwen Team},\n    year = {2024}\n}\n\n@article{qwen2,\n      title={Qwen2 Technical "
     "Report}, \n      journal={arXiv preprint arXiv:2407.10671},\n      year={2024}\n}\n```",
     False),
    # a Qwen2-Math card (PaddleNLP's copy): the report cited alone
    ("Qwen/Qwen2-Math-7B", "```\n@article{yang2024qwen2,\n  title={Qwen2 technical report},\n"
     "  journal={arXiv preprint arXiv:2407.10671},\n  year={2024}\n}\n```", False),
    # deepseek-ai/DeepSeek-V3: the arXiv tag is the report its BibTeX names
    ("deepseek-ai/DeepSeek-V3", "```\n@misc{deepseekai2024deepseekv3technicalreport,\n      "
     "title={DeepSeek-V3 Technical Report},\n      eprint={2412.19437},\n      "
     "archivePrefix={arXiv},\n      url={https://arxiv.org/abs/2412.19437},\n}\n```", False),
    # a blog post or a repository cited with @misc is no academic paper: the Qwen2.5 blog
    # (above), Stanford Alpaca cited by Alpaca fine-tunes (an alpaca-7b replication card, an
    # EpistemeAI Mistral-Nemo card)
    ("org/alpaca-7b-hf", "## Citation\n```\n@misc{alpaca,\n  author = {Rohan Taori and "
     "Ishaan Gulrajani},\n  title = {Stanford Alpaca: An Instruction-following LLaMA model},\n"
     "  year = {2023},\n  publisher = {GitHub},\n  journal = {GitHub repository},\n"
     "  howpublished = {\\url{https://github.com/tatsu-lab/stanford_alpaca}},\n}\n```", False),
    ("org/model-7b", "```\n@misc{qwen2.5,\n    title = {Qwen2.5: A Party of Foundation "
     "Models},\n    url = {https://qwenlm.github.io/blog/qwen2.5/},\n    year = {2024}\n}\n```",
     False),
    # baichuan-inc/Baichuan-7B: a technique and a benchmark, each linked to its own paper
    ("baichuan-inc/Baichuan-7B", "- Layer Normalization: Pre-Normalization based on "
     "[RMSNorm](https://arxiv.org/abs/1910.07467).\n\n[MMLU](https://arxiv.org/abs/2009.03300) "
     "is an English evaluation dataset that includes 57 multiple-choice tasks.", False),
    # google/switch-c-2048 (and most cards from the HF template): the carbon calculator's paper
    ("org/model-7b", "Carbon emissions can be estimated using the [Machine Learning Impact "
     "calculator](https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)]"
     "(https://arxiv.org/abs/1910.09700).", False),
    # google/byt5-xl: a benchmark's paper ...
    ("org/model-7b", "`org/model-7b` significantly outperforms [mt5-xl](https://huggingface.co/"
     "google/mt5-xl) on [TweetQA](https://arxiv.org/abs/1907.06292).", False),
    # cerebras/Cerebras-GPT-13B: a scaling law, and the training corpus's paper under
    # "Training data"
    ("org/model-7b", "All models have been trained in accordance with [Chinchilla scaling laws]"
     "(https://arxiv.org/abs/2203.15556) (20 tokens per model parameter).\n\n## Training data"
     "\n\nSee the [Pile paper](https://arxiv.org/abs/2101.00027) for a more detailed breakdown "
     "of data sources.", False),
    # sentence-transformers/all-MiniLM-L6-v2: a training-data table with each dataset's paper
    ("sentence-transformers/all-MiniLM-L6-v2", "#### Training data\n\n| Dataset | Paper |\n"
     "|---|---|\n| [S2ORC](https://github.com/allenai/s2orc) | [paper](https://aclanthology.org/"
     "2020.acl-main.447/) |", False),
])
def test_research_paper_is_this_models_paper(model_id: str, card: str, expected: bool) -> None:
    det = detect.detect_research_paper(evidence(f"# M\n\n{card}\n", model_id=model_id))
    assert claimed(det) is expected


# ... while the card's own paper still counts however it presents it (guards: these held
# before the rule above and must keep holding)
@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # a card citing a technical report and an academic paper of its recipe has both
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "See the [technical report]"
     "(https://arxiv.org/abs/2412.08905).\n\nplease cite the ORPO paper:\n```\n"
     "@misc{hong2024orpo,\n  title={ORPO: Monolithic Preference Optimization},\n"
     "  eprint={2403.07691},\n  archivePrefix={arXiv},\n}\n```", True),
    # Salesforce/codegen25-7b-multi_P: the family's paper by its name
    ("Salesforce/codegen25-7b-multi_P", "Building upon [CodeGen2](https://arxiv.org/abs/"
     "2305.02309), the model is trained on StarCoderData.", True),
    # facebook/xglm-7.5B: "introduced in the paper [title]"
    ("facebook/xglm-7.5B", "It was introduced in the paper [Few-shot Learning with "
     "Multilingual Language Models](https://arxiv.org/abs/2112.10668) by Xi Victoria Lin et al.",
     True),
    # Salesforce/xgen-7b-8k-inst: "*Title*: [...]"
    ("Salesforce/xgen-7b-8k-inst", "*Title*: [Long Sequence Modeling with XGen: A 7B LLM "
     "Trained on 8K Input Sequence Length](https://arxiv.org/abs/2309.03450)", True),
    # ibm-granite/granite-3b-code-base-2k: "**Paper:** [title]"
    ("ibm-granite/granite-3b-code-base-2k", "- **Paper:** [Granite Code Models: A Family of Open "
     "Foundation Models for Code Intelligence](https://arxiv.org/abs/2405.04324)", True),
])
def test_research_paper_of_the_model_still_counts(model_id: str, card: str,
                                                  expected: bool) -> None:
    det = detect.detect_research_paper(evidence(f"# M\n\n{card}\n", model_id=model_id))
    assert claimed(det) is expected


def test_an_arxiv_tag_of_a_technical_report_is_no_research_paper() -> None:
    # deepseek-ai/DeepSeek-V3: the Hub tags the arXiv id its BibTeX calls a technical report
    card = ("```\n@misc{deepseekai2024deepseekv3technicalreport,\n      title={DeepSeek-V3 "
            "Technical Report},\n      eprint={2412.19437},\n      archivePrefix={arXiv},\n}\n```")
    ev = evidence(f"# M\n\n{card}\n", model_id="deepseek-ai/DeepSeek-V3",
                  tags=["arxiv:2412.19437"])
    assert not claimed(detect.detect_research_paper(ev))
    assert claimed(detect.detect_technical_report(ev))


# Technical report: "a document of report nature from the producer, linked from the card:
# a technical report, white paper, model or system card document, or technical release
# blog post."
@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # Qwen/Qwen2.5-1.5B-Instruct: "our blog"
    ("Qwen/Qwen2.5-1.5B-Instruct", "For more details, please refer to our [blog]"
     "(https://qwenlm.github.io/blog/qwen2.5/), [GitHub](https://github.com/QwenLM/Qwen2.5).",
     True),
    # cerebras/Cerebras-GPT-13B
    ("cerebras/Cerebras-GPT-13B", "Check out our [Blog Post](https://www.cerebras.net/cerebras-gpt)"
     " and [arXiv paper](https://arxiv.org/abs/2304.03208)!", True),
    # allenai/OLMo-7B: the blog's host is the producer's
    ("allenai/OLMo-7B", "- **Technical blog post:** https://blog.allenai.org/"
     "olmo-open-language-model-87ccfc95f580", True),
    # Salesforce/codegen25-7b-multi_P
    ("Salesforce/codegen25-7b-multi_P", "Please refer to the [blog]"
     "(https://blog.salesforceairesearch.com/codegen25) for more details.", True),
    # tiiuae/falcon-40b: another organisation's post
    ("tiiuae/falcon-40b", "we recommend reading [this great blogpost fron HF]"
     "(https://huggingface.co/blog/falcon)!", False),
    # sentence-transformers/all-MiniLM-L6-v2: a training dataset's paper PDF
    ("sentence-transformers/all-MiniLM-L6-v2", "| [Altlex](https://github.com/chridey/altlex/) "
     "| [paper](https://aclanthology.org/P16-1135.pdf) | 112,696 |", False),
])
def test_technical_report_from_the_producer(model_id: str, card: str, expected: bool) -> None:
    det = detect.detect_technical_report(evidence(f"# M\n\n{card}\n", model_id=model_id))
    assert claimed(det) is expected


# Training code: "the code actually used to train this checkpoint, released or linked as
# the model's training codebase. User fine-tuning recipes (LoRA/PEFT examples, third-party
# trainers in a snippet) do not count."
@pytest.mark.parametrize(("model_id", "line", "expected"), [
    # BlinkDL/rwkv-5-world: the producer's own repository
    ("BlinkDL/rwkv-5-world", "RWKV-5 training: set --my_testing \"r2r4\" in latest RWKV-LM v4neo: "
     "https://github.com/BlinkDL/RWKV-LM", True),
    # baichuan-inc/Baichuan-7B
    ("baichuan-inc/Baichuan-7B", "For specific training settings, please refer to [Baichuan-7B]"
     "(https://github.com/baichuan-inc/Baichuan-7B).", True),
    # google/switch-c-2048: the card says the model was trained with it
    ("google/switch-c-2048", "the model has been trained on TPU v3 or TPU v4 pods, using [`t5x`]"
     "(https://github.com/google-research/t5x) codebase together with [`jax`]"
     "(https://github.com/google/jax).", True),
    # stabilityai/stable-diffusion-xl-base-1.0: "pretrained" describes other models
    ("stabilityai/stable-diffusion-xl-base-1.0", "a Latent Diffusion Model that uses two fixed, "
     "pretrained text encoders ([OpenCLIP-ViT/G](https://github.com/mlfoundations/open_clip) "
     "and [CLIP-ViT/L](https://github.com/openai/CLIP/tree/main)).", False),
    # a third-party trainer offered to users
    ("org/model-7b", "You can fine-tune this model with [axolotl]"
     "(https://github.com/OpenAccess-AI-Collective/axolotl).", False),
    # the producer's own repository linked only for users' fine-tuning: a recipe for users
    # baichuan-inc/Baichuan-7B (dev half)
    ("baichuan-inc/Baichuan-7B", "If you wish to use baichuan-7B (for inference, finetuning, "
     "etc.), we recommend using the accompanying code library "
     "[baichuan-7B](https://github.com/baichuan-inc/baichuan-7B).", False),
    # allenai/OLMo-7B and allenai/OLMo-7B-hf (old fixtures)
    ("allenai/OLMo-7B", "- Further fine-tuning code: https://github.com/allenai/open-instruct",
     False),
    ("allenai/OLMo-7B-hf", "- Further fine-tuning code: https://github.com/allenai/open-instruct",
     False),
    # ... while the same cards' training words still claim their core repository
    ("allenai/OLMo-7B", "- Core repo (training, inference, fine-tuning etc.): "
     "https://github.com/allenai/OLMo", True),
    # BAAI/bge-large-en-v1.5 (stored public card): another account's fine-tuning example
    ("BAAI/bge-large-en-v1.5", "| [BAAI/bge-large-en-v1.5](https://huggingface.co/BAAI/"
     "bge-large-en-v1.5) | English | [Inference](#usage-for-embedding-model) [Fine-tune]"
     "(https://github.com/FlagOpen/FlagEmbedding/tree/master/examples/finetune) | version 1.5 "
     "with more reasonable similarity distribution |", False),
])
def test_training_code_is_the_models_own(model_id: str, line: str, expected: bool) -> None:
    det = detect.detect_training_code(evidence(f"# M\n\n{line}\n", model_id=model_id))
    assert claimed(det) is expected


def test_the_producers_fine_tuning_link_stays_a_finding_for_the_reviewer() -> None:
    det = detect.detect_training_code(evidence(
        "# M\n\n- Further fine-tuning code: https://github.com/allenai/open-instruct\n",
        model_id="allenai/OLMo-7B"))
    assert det is not None and det.confidence == 0.4
    assert "fine-tuning code for users" in det.evidence[0]
    assert det.component_path == "https://github.com/allenai/open-instruct"


# Evaluation code: "the producer's evaluation scripts for this model, or an evaluation
# harness the card links as the one that produced its reported results."
@pytest.mark.parametrize(("model_id", "line", "expected"), [
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "The scores reported below were obtained using "
     "the [LightEval](https://github.com/huggingface/lighteval) evaluation suite", True),
    # cerebras/Cerebras-GPT-13B: the verb stands more than a window away from the link
    ("cerebras/Cerebras-GPT-13B", "We performed downstream evaluations of text generation "
     "accuracy on standardized tasks using the [Eleuther lm-evaluation-harness]"
     "(https://github.com/EleutherAI/lm-evaluation-harness). Results are compared against many "
     "publicly available large language models in Section 3 of the paper.", True),
    # allenai/OLMo-7B: the producer's own evaluation repository
    ("allenai/OLMo-7B", "- Evaluation code: https://github.com/allenai/OLMo-Eval", True),
    # baichuan-inc/Baichuan-7B: a benchmark described, not the code that scored the model
    ("baichuan-inc/Baichuan-7B", "[AGIEval](https://github.com/microsoft/AGIEval) "
     "旨在评估模型的认知和解决问题相关的任务中的一般能力。", False),
    # a harness offered to users, not said to have produced the results
    ("org/model-7b", "You can evaluate the model with the [lm-evaluation-harness]"
     "(https://github.com/EleutherAI/lm-evaluation-harness).", False),
])
def test_evaluation_code_produced_the_results(model_id: str, line: str, expected: bool) -> None:
    det = detect.detect_evaluation_code(evidence(f"# M\n\n{line}\n", model_id=model_id))
    assert claimed(det) is expected


# Evaluation data: "reachable from the release, through dataset links ... data files in a
# linked repository, or a linked harness that produced the results. Naming benchmarks in a
# table does not count."
@pytest.mark.parametrize(("card", "expected"), [
    # baichuan-inc/Baichuan-7B
    ("### AGIEval\n\n[AGIEval](https://github.com/microsoft/AGIEval) 旨在评估模型的认知和解决"
     "问题相关的任务中的一般能力。", True),
    # michiyasunaga/BioLinkBERT-large
    ("**Biomedical benchmarks ([BLURB](https://microsoft.github.io/BLURB/), [MedQA]"
     "(https://github.com/jind11/MedQA), [MMLU](https://github.com/hendrycks/test), etc):** "
     "BioLinkBERT attains new state-of-the-art", True),
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1: a paper and a leaderboard space are no data
    ("It achieves strong performance on chat benchmarks like [MT Bench]"
     "(https://huggingface.co/spaces/lmsys/mt-bench) and [IFEval]"
     "(https://arxiv.org/abs/2311.07911).", False),
    # cerebras/Cerebras-GPT-13B: benchmarks named in a table, no harness linked
    ("## Evaluation\n\n| Model | Hella-Swag | PIQA | Lambada |\n|---|---|---|---|\n"
     "| 13B | 0.513 | 0.766 | 0.696 |\n", False),
])
def test_evaluation_data_is_linked(card: str, expected: bool) -> None:
    assert claimed(detect.detect_evaluation_data(evidence(f"# M\n\n{card}\n"))) is expected


# Evaluation data: "... or a linked harness that produced the results", also when the results
# are plots or prose rather than a benchmark table. One row per way a card says the harness
# produced them; a harness offered to users reaches no data of this model's results.
@pytest.mark.parametrize(("card", "expected"), [
    # EleutherAI/pythia-160m: "evaluated using", results shown as plots
    ("### Evaluations\n\nAll 16 *Pythia* models were evaluated using the [LM Evaluation\n"
     "Harness](https://github.com/EleutherAI/lm-evaluation-harness). You can access\n"
     "the results by model and step at `results/json/*` in the [GitHub\n"
     "repository](https://github.com/EleutherAI/pythia/tree/main/results/json/).<br>", True),
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1: "obtained using"
    ("The scores reported below were obtained using the [LightEval]"
     "(https://github.com/huggingface/lighteval) evaluation suite and each prompt has been "
     "formatted with the model's corresponding chat template.", True),
    # cerebras/Cerebras-GPT-13B: "performed ... using"
    ("We performed downstream evaluations of text generation accuracy on standardized tasks "
     "using the [Eleuther lm-evaluation-harness](https://github.com/EleutherAI/"
     "lm-evaluation-harness).", True),
    # a harness offered to users produced nothing the card reports
    ("You can evaluate the model with the [lm-evaluation-harness]"
     "(https://github.com/EleutherAI/lm-evaluation-harness).", False),
    # a training library is no harness, whatever the verb
    ("The model was trained using the [GPT-NeoX library](https://github.com/EleutherAI/gpt-neox).",
     False),
])
def test_evaluation_data_through_the_harness_that_produced_results(card: str,
                                                                    expected: bool) -> None:
    det = detect.detect_evaluation_data(evidence(f"# M\n\n{card}\n"))
    assert claimed(det) is expected


# Evaluation results: "benchmark numbers or plots in the card".
@pytest.mark.parametrize(("card", "expected"), [
    # google/switch-c-2048
    ("# Evaluation\n\n## Testing Data, Factors & Metrics\n\nThe authors evaluated the model on "
     "a variety of tasks and compared the results against T5.\n\n![image.png](https://s3."
     "amazonaws.com/moonup/production/uploads/1666967660372-62441d1d9fdefb55a0b7d12c.png)", True),
    # stabilityai/stable-diffusion-xl-base-1.0
    ("### Evaluation\n![comparison](comparison.png)\nThe chart above evaluates user preference "
     "for SDXL (with and without refinement) over SDXL 0.9 and Stable Diffusion 1.5 and 2.1.",
     True),
    # stabilityai/stable-diffusion-2
    ("## Evaluation Results \nEvaluations with different classifier-free guidance scales (1.5, "
     "2.0, 3.0) and 50 steps DDIM sampling steps show the relative improvements of the "
     "checkpoints:\n\n![pareto](assets/model-variants.jpg) \n", True),
    # openai-community/gpt2: a button under the results heading's citation subsection
    ("## Evaluation results\n\n### BibTeX entry and citation info\n\n<a href=\"https://huggingface"
     ".co/exbert/?model=gpt2\">\n\t<img width=\"300px\" src=\"https://cdn-media.huggingface.co/"
     "exbert/button.png\">\n</a>", False),
])
def test_evaluation_results_plots(card: str, expected: bool) -> None:
    assert claimed(detect.detect_evaluation_results(evidence(f"# M\n\n{card}\n"))) is expected


# Sample model outputs: "example generations published by the producer (outputs shown in
# the card, commented outputs in snippets, sample files). A widget prompt or a live demo
# does not count."
@pytest.mark.parametrize(("block", "expected"), [
    # state-spaces/mamba-2.8b-hf: a doctest answer
    (">>> out = model.generate(input_ids, max_new_tokens=10)\n>>> print(tokenizer.batch_decode("
     "out))\n[\"Hey how are you doing?\\n\\nI'm doing great.\\n\\nI\"]\n", True),
    # openai-community/gpt2: the answer after a blank line
    (">>> set_seed(42)\n>>> generator(\"Hello, I'm a language model,\", max_length=30)\n\n"
     "[{'generated_text': \"Hello, I'm a language model, a language for thinking.\"}]\n", True),
    # google/switch-c-2048: the printed result on the line after print
    ("outputs = model.generate(input_ids)\nprint(tokenizer.decode(outputs[0]))\n>>> <pad> "
     "<extra_id_0> man<extra_id_1> beer<extra_id_2> a<extra_id_3> salt<extra_id_4>.</s>\n", True),
    # facebook/xglm-7.5B: comments that end a block which prints
    ("for lang in data_samples_long:\n    predict = COPA_eval(example)\n    print(f'{lang}', "
     "predict)\n        \n# en-0 1 1\n# en-1 0 0\n", True),
    # a comment labelled as output
    ("print(generator(\"Hello\"))\n# Output: [{'generated_text': 'Hello world'}]\n", True),
    # usage without any output (Cerebras-GPT-13B, zephyr)
    ("generated_text = pipe(text, max_length=50)[0]\nprint(generated_text['generated_text'])\n",
     False),
    ("outputs = pipe(messages, max_new_tokens=512)\nprint(outputs[0][\"generated_text\"][-1]"
     "[\"content\"])\n", False),
    # a doctest session without answers
    (">>> from transformers import pipeline\n>>> pipe = pipeline('fill-mask')\n", False),
    # comments that explain, in a block that prints nothing
    ("# pip install accelerate\nfrom transformers import AutoModel\n# load the model\n"
     "model = AutoModel.from_pretrained('m')\n# done\n", False),
])
def test_outputs_shown_in_code(block: str, expected: bool) -> None:
    assert (detect.shown_output(block) is not None) is expected
    det = detect.detect_sample_outputs(evidence(f"# M\n\n```python\n{block}```\n"))
    assert claimed(det) is expected


def test_outputs_section_needs_outputs_not_output_variables() -> None:
    # the example section of a usage card: variables named outputs are no outputs
    card = ("## Example\n\n```python\noutputs = model(**inputs)\nlogits = outputs.logits\n"
            "messages = [{\"role\": \"assistant\", \"content\": \"\"}]\n```\n")
    assert not claimed(detect.detect_sample_outputs(evidence(f"# M\n\n{card}")))


# Model architecture: "custom modelling code in the HF repository (a `.py` file in the
# repository, an `auto_map` in its config, or `trust_remote_code=True` in the card's usage)
# ... An implementation that lives only in a library the card does not link does not count."
# trust_remote_code counts when it loads the MODEL, not when only the tokenizer runs its code.
@pytest.mark.parametrize(("block", "expected"), [
    # baichuan-inc/Baichuan-7B
    ('tokenizer = AutoTokenizer.from_pretrained("baichuan-inc/Baichuan-7B", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained("baichuan-inc/'
     'Baichuan-7B", device_map="auto", trust_remote_code=True)\n', True),
    # Salesforce/codet5p-16b: a call over several lines
    ("model = AutoModelForSeq2SeqLM.from_pretrained(checkpoint,\n"
     "                                              torch_dtype=torch.float16,\n"
     "                                              low_cpu_mem_usage=True,\n"
     "                                              trust_remote_code=True).to(device)\n", True),
    # allenai/OLMo-7B
    ('olmo = AutoModelForCausalLM.from_pretrained("allenai/OLMo-7B", trust_remote_code=True)\n'
     'tokenizer = AutoTokenizer.from_pretrained("allenai/OLMo-7B")\n', True),
    # tiiuae/falcon-7b, tiiuae/falcon-7b-instruct, OpenLLM-France/Claire-7B-Apache-0.1: a
    # pipeline that loads the model
    ('tokenizer = AutoTokenizer.from_pretrained(model)\npipeline = transformers.pipeline(\n'
     '    "text-generation",\n    model=model,\n    tokenizer=tokenizer,\n'
     '    torch_dtype=torch.bfloat16,\n    trust_remote_code=True,\n    device_map="auto",\n)\n',
     True),
    # Salesforce/xgen-7b-8k-inst, Salesforce/xgen-7b-8k-base, Salesforce/codegen25-7b-multi_P:
    # only the tokenizer runs the repository's code
    ('tokenizer = AutoTokenizer.from_pretrained("Salesforce/xgen-7b-8k-inst", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained("Salesforce/'
     'xgen-7b-8k-inst", torch_dtype=torch.bfloat16)\n', False),
    ('tokenizer = AutoTokenizer.from_pretrained("Salesforce/xgen-7b-8k-base", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained("Salesforce/'
     'xgen-7b-8k-base", torch_dtype=torch.bfloat16)\n', False),
    ('tokenizer = AutoTokenizer.from_pretrained("Salesforce/codegen25-7b-multi", '
     'trust_remote_code=True)\nmodel = AutoModelForCausalLM.from_pretrained("Salesforce/'
     'codegen25-7b-multi")\n', False),
])
def test_architecture_from_remote_code_that_loads_the_model(block: str, expected: bool) -> None:
    assert (detect.remote_model_load(block) is not None) is expected
    ev = evidence(f"# M\n\n```python\n{block}```\n", library_name=None)
    assert claimed(detect.detect_architecture(ev)) is expected


@pytest.mark.parametrize(("config", "library", "expected"), [
    # togethercomputer/RedPajama-INCITE-7B-Base, openai-community/gpt2, EleutherAI/pythia-160m:
    # a stock architecture implemented in transformers
    ({"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox"}, None, False),
    ({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}, "transformers", False),
    # microsoft/deberta-v3-base: a model_type only
    ({"model_type": "deberta-v2"}, None, False),
    # Qwen/Qwen2.5-1.5B-Instruct: library_name only
    ({}, "transformers", False),
    # tiiuae/falcon-40b, allenai/OLMo-7B, Salesforce/codet5p-16b, deepseek-ai/DeepSeek-V3:
    # an auto_map that loads the model from the repository's own code
    ({"auto_map": {"AutoConfig": "configuration_falcon.FalconConfig",
                   "AutoModelForCausalLM": "modeling_falcon.FalconForCausalLM"}}, None, True),
    ({"auto_map": {"AutoConfig": "configuration_olmo.OLMoConfig",
                   "AutoModelForCausalLM": "modeling_olmo.OLMoForCausalLM",
                   "AutoTokenizer": ["tokenization_olmo_fast.OLMoTokenizerFast", None]}},
     None, True),
    ({"auto_map": {"AutoConfig": "configuration_codet5p.CodeT5pConfig",
                   "AutoModelForSeq2SeqLM": "modeling_codet5p.CodeT5pEncoderDecoderModel"}},
     None, True),
    # an auto_map for the tokenizer alone runs no modelling code
    ({"architectures": ["LlamaForCausalLM"],
      "auto_map": {"AutoTokenizer": ["tokenization_xgen.XgenTokenizer", None]}},
     "transformers", False),
])
def test_architecture_only_in_a_library_is_not_released(config: dict, library: str | None,
                                                         expected: bool) -> None:
    ev = evidence("# M\n\nA model.\n", library_name=library, config=config,
                  files=["README.md", "config.json"])
    assert claimed(detect.detect_architecture(ev)) is expected


# Sample model outputs: "outputs shown in the card, commented outputs in snippets". A string
# literal after print(...) holding its result (togethercomputer/RedPajama-INCITE-7B-Base,
# RedPajama-INCITE-Instruct-3B-v1, RedPajama-INCITE-Base-3B-v1)
_INCITE = ("output_str = tokenizer.decode(token)\nprint(output_str)\n\"\"\"\n{}\n\"\"\"\n")


@pytest.mark.parametrize(("block", "expected"), [
    (_INCITE.format("widely considered to be the father of modern computer science and "
                    "artificial intelligence."), True),
    (_INCITE.format("Paris"), True),
    (_INCITE.format("Alan Mathison Turing (23 June 1912  7 June 1954) was an English computer "
                    "scientist, mathematician, logician, cryptanalyst."), True),
    # a string literal that holds code is no output
    ("print(output_str)\n\"\"\"\n# 5\ndef typer(data):\n    print(data)\n\"\"\"\n", False),
])
def test_outputs_in_a_string_after_print(block: str, expected: bool) -> None:
    assert (detect.shown_output(block) is not None) is expected
    det = detect.detect_sample_outputs(evidence(f"# M\n\n```python\n{block}```\n"))
    assert claimed(det) is expected


# ... and an output the card labels after the block that runs the model: RWKV's HF cards
# (RWKV/rwkv-5-world-1b6, RWKV/v6-Finch-7B-World3-HF, RWKV/rwkv-4-world-1b5)
_RWKV = ("```python\ninputs = tokenizer(prompt, return_tensors=\"pt\")\noutput = model.generate("
         "inputs[\"input_ids\"], max_new_tokens=333)\nprint(tokenizer.decode(output[0].tolist(), "
         "skip_special_tokens=True))\n```\n\n{label}\n\n```shell\n{text}\n```\n")


@pytest.mark.parametrize(("card", "expected"), [
    (_RWKV.format(label="output:", text="User: hi\n\nAssistant: Hi. I am your assistant and I "
                                        "will provide expert full response in full details."),
     True),
    (_RWKV.format(label="output:",
                  text="User: 请介绍北京的旅游景点\n\nAssistant: 北京是中国的首都"),
     True),
    (_RWKV.format(label="Output:", text="Question: In a shocking finding, scientist discovered "
                                        "a herd of dragons\n\nAnswer: The researchers discovered"),
     True),
    # a label followed by an install command is no output
    (_RWKV.format(label="## Results", text="# pip install accelerate"), False),
    # a block that runs nothing, then "Output" text
    ("```python\nfrom transformers import AutoModel\n```\n\nOutput:\n\n```\ntensor([1, 2])\n```\n",
     False),
])
def test_outputs_labelled_after_the_usage_block(card: str, expected: bool) -> None:
    assert (detect.labelled_output(card) is not None) is expected
    assert claimed(detect.detect_sample_outputs(evidence(f"# M\n\n{card}"))) is expected


# Evaluation results: "benchmark numbers or plots in the card". A table under a training-data
# heading lists the training datasets, even when they are benchmarks by name.
@pytest.mark.parametrize(("card", "expected"), [
    # sentence-transformers/all-MiniLM-L6-v2 (and the other sentence-transformers cards of
    # its template): the fine-tuning datasets and their sizes
    ("#### Training data\n\n| Dataset | Paper | Number of training tuples |\n|---|---|---|\n"
     "| [Natural Questions (NQ)](https://ai.google.com/research/NaturalQuestions) | [paper]"
     "(https://transacl.org/ojs/index.php/tacl/article/view/1455) | 100,231 |\n"
     "| [SQuAD2.0](https://rajpurkar.github.io/SQuAD-explorer/) | [paper](https://aclanthology.org"
     "/P18-2124.pdf) | 87,599 |\n| [TriviaQA](https://huggingface.co/datasets/trivia_qa) | - | "
     "73,346 |\n", False),
    ("### Training data\n\n| Dataset | Number of training tuples |\n|---|---|\n"
     "| [COCO](https://cocodataset.org/#home) Image captions | 828,395 |\n"
     "| [SQuAD2.0](https://rajpurkar.github.io/SQuAD-explorer/) | 87,599 |\n", False),
    # an NVIDIA Nemotron card: synthetic training data seeded with benchmarks' train splits
    ("## NVIDIA-Sourced Synthetic Datasets\n\n| Dataset | Modality | Dataset Size | Seed Dataset |"
     "\n| :---- | :---- | :---- | :---- |\n| Synthetic STEM | Text | 175M | [GSM8K](https://github."
     "com/openai/grade-school-math) |\n| Synthetic MMLU Auxiliary Train | Text | 0.5B | [MMLU "
     "Auxiliary Train](https://huggingface.co/datasets/cais/mmlu) |\n", False),
    # guards: results under an evaluation heading, and under the template's "Testing Data,
    # Factors & Metrics" (google/switch-c-2048)
    ("## Evaluation\n\n| Model | MMLU | GSM8K |\n|---|---|---|\n| M | 61.2 | 40.1 |\n", True),
    ("### Testing Data, Factors & Metrics\n\n| Task | MMLU | TriviaQA |\n|---|---|---|\n"
     "| 5-shot | 61.2 | 40.1 |\n", True),
])
def test_a_training_data_table_is_no_evaluation_result(card: str, expected: bool) -> None:
    det = detect.detect_evaluation_results(evidence(f"# M\n\n{card}"))
    assert claimed(det) is expected


# Model architecture: "model-definition code in a repository the card links as the model's
# code": the card calls the linked repository the model's original or official
# implementation, or where it was first released.
@pytest.mark.parametrize(("card", "expected"), [
    # facebook/xglm-7.5B
    ("The original implementation was released in [this repository](https://github.com/pytorch/"
     "fairseq/tree/main/examples/xglm).", True),
    # microsoft/deberta-v3-base
    ("Please check the [official repository](https://github.com/microsoft/DeBERTa) for more "
     "implementation details and updates.", True),
    # HF-written cards of ported models (xlnet-large-cased, facebook/dino-vitb16,
    # Salesforce/codet5-base): "first released in [this repository]"
    ("It was introduced in the paper [XLNet](https://arxiv.org/abs/1906.08237) by Yang et al. "
     "and first released in [this repository](https://github.com/zihangdai/xlnet/).", True),
    ("It was introduced in the paper [Emerging Properties in Self-Supervised Vision Transformers]"
     "(https://arxiv.org/abs/2104.14294) by Mathilde Caron and first released in [this "
     "repository](https://github.com/facebookresearch/dino).", True),
    # facebook/tts_transformer-en-ljspeech: "([paper](...)/[code](...))"
    ("Transformer text-to-speech model from fairseq S^2 ([paper](https://arxiv.org/abs/2109.06912)"
     "/[code](https://github.com/pytorch/fairseq/tree/main/examples/speech_synthesis))", True),
    # llava-hf/llava-1.5-7b-hf: another project's original repository
    ("Refer to the [original repository of Flash Attention](https://github.com/Dao-AILab/"
     "flash-attention) regarding that package installation.", False),
    # a repository linked for usage examples only
    ("See [https://github.com/dpfried/incoder](https://github.com/dpfried/incoder) for example "
     "usage.", False),
])
def test_architecture_in_the_repository_linked_as_the_models_code(card: str,
                                                                  expected: bool) -> None:
    ev = evidence(f"# M\n\n{card}\n", library_name=None)
    assert claimed(detect.detect_architecture(ev)) is expected


@pytest.mark.parametrize(("model_id", "line"), [
    # cyberagent/open-calm-7b, stabilityai/stablelm-3b-4e1t,
    # stabilityai/stablecode-completion-alpha-3b: the model-details list names its library
    ("cyberagent/open-calm-7b", "* **Library**: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)"),
    ("stabilityai/stablelm-3b-4e1t",
     "* **Library**: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)"),
    # EleutherAI/pythia-160m
    ("EleutherAI/pythia-160m", "- Library: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)"),
])
def test_architecture_in_the_library_the_card_names(model_id: str, line: str) -> None:
    card = f"# M\n\n* **Model type**: Transformer-based Language Model\n{line}\n"
    ev = evidence(card, model_id=model_id, library_name=None)
    assert claimed(detect.detect_architecture(ev))
    # ... while the transformers library named in prose is no link to the model's code
    ev = evidence("# M\n\nUse it with the Hugging Face [Transformers Library](https://huggingface"
                  ".co/docs/transformers/index).\n", model_id=model_id, library_name=None)
    assert not claimed(detect.detect_architecture(ev))


# Research paper and Technical report as Chinese cards label them (and the Japanese and
# Korean words, 論文/논문 and 技術報告/기술 보고서, the same way): "[论文](arXiv)" is the paper,
# "[技术报告](arXiv)" the technical report.
@pytest.mark.parametrize(("card", "paper", "report"), [
    # IDEA-CCNL's Taiyi Stable Diffusion card; C-Eval's README ("📃 [论文](...)")
    ("增加先验版本，具体可以参考[论文](https://arxiv.org/abs/2208.12242)", True, False),
    ("🌐 [Website](https://cevalbenchmark.com) • 📃 [论文](https://arxiv.org/abs/2305.08322)",
     True, False),
    # RoboTwin's README on RMBench: "（[论文](...)，[网站](...)）"
    ("九个双臂任务覆盖不同任务记忆复杂度（[论文](https://arxiv.org/abs/2603.01229)，[网站]"
     "(https://rmbench.github.io/)）。", True, False),
    # DAMO-YOLO's README ("我们的[技术报告]"), a Hunyuan-MT note, a Gemma 2 note
    ("具体细节可以参考我们的[技术报告](https://arxiv.org/abs/2211.15444)。", False, True),
    ("[Hunyuan-MT 技术报告](https://arxiv.org/abs/2509.05209)", False, True),
    ("[Gemma 2 技术报告](https://arxiv.org/abs/2408.00118)", False, True),
])
def test_paper_and_report_in_cjk_cards(card: str, paper: bool, report: bool) -> None:
    ev = evidence(f"# M\n\n{card}\n")
    assert claimed(detect.detect_research_paper(ev)) is paper
    assert claimed(detect.detect_technical_report(ev)) is report


# Evaluation results: "benchmark numbers or plots in the card, or in a linked producer
# location that holds them". A sentence of the card says the results are in the linked
# document or page, or a results heading points the reader at it; a bare citation, a link
# with no words about results, a harness, evaluation instructions and another's
# leaderboard are not (detect.results_link).
@pytest.mark.parametrize(("card", "expected"), [
    # the link's sentence says results are there
    # google/switch-c-2048
    ("## Results \n\nFor full results for Switch Transformers, see the [research paper]"
     "(https://arxiv.org/pdf/2101.03961.pdf), Table 5.", True),
    # sentence-transformers/all-MiniLM-L6-v2
    ("## Evaluation Results\n\nFor an automated evaluation of this model, see the *Sentence "
     "Embeddings Benchmark*: [https://seb.sbert.net](https://seb.sbert.net?model_name="
     "sentence-transformers/all-MiniLM-L6-v2)", True),
    # BridgeTower/bridgetower-base (Hub card)
    ("## Evaluation results\n\nPlease refer to [Table 5](https://arxiv.org/pdf/2206.08657.pdf) "
     "for BridgeTower's performance on Image Retrieval and other downstream tasks. ", True),
    # ParlAI's BlenderBot 3 175B model card (facebookresearch/ParlAI, projects/bb3)
    ("See Section 6 of our [technical report](https://github.com/facebookresearch/ParlAI/blob/"
     "main/projects/bb3#papers) for full evaluation results, including human evaluations.",
     True),
    # togethercomputer/RedPajama-INCITE-7B-Base
    ("# Benchmark\n\nPlease refer to our [blog post](https://together.xyz) for benchmark "
     "results.", True),
    # under a heading that names results, a sentence that points at the link
    # Salesforce/codegen25-7b-multi_P
    ("## Evaluation results\n\nWe evaluate our models on HumanEval and HumanEval-Infill.\n"
     "Please refer to the [blog](https://blog.salesforceairesearch.com/codegen25) for more "
     "details.\n", True),
    # Salesforce/codet5p-16b (its results prose left out)
    ("## Evaluation results\n\nCodeT5+ models have been comprehensively evaluated on a wide "
     "range of code understanding and generation tasks in various settings: _zero-shot_, "
     "_finetuning_, and _instruction-tuning_.\nPlease refer to the [paper](https://arxiv.org/"
     "pdf/2305.07922.pdf) for more details.\n", True),
    # TIGER-AI-Lab/MAmmoTH2's README (the MAmmoTH2 cards' repository)
    ("## Evaluation Results\n\nPlease refer to https://tiger-ai-lab.github.io/MAmmoTH2/ for "
     "more details.\n", True),
    # guards: the same repository for its evaluation command
    ("## Evaluation Command\nPlease refer to https://github.com/TIGER-AI-Lab/MAmmoTH2/tree/main"
     "/math_eval. \n", False),
    # EvolvingLMMs-Lab/VideoMMMU: evaluation instructions
    ("## Evaluation\n\nPlease refer to our [Code@Github](https://github.com/EvolvingLMMs-Lab/"
     "VideoMMMU)  for full evaluation instructions.\n", False),
    # tiiuae/falcon-40b: another's leaderboard
    ("See the [OpenLLM Leaderboard](https://huggingface.co/spaces/HuggingFaceH4/open_llm_"
     "leaderboard) for early results.", False),
    # facebook/incoder-6B: a paper with no words about results
    ("For more information, see our:\n\n- [Paper](https://arxiv.org/abs/2204.05999)", False),
    # facebook/xglm-7.5B: the paper that introduced the model
    ("It was introduced in the paper [Few-shot Learning with Multilingual Language Models]"
     "(https://arxiv.org/abs/2112.10668) by Xi Victoria Lin et al.", False),
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1: the harness that produced the scores
    ("The scores reported below were obtained using the [LightEval](https://github.com/"
     "huggingface/lighteval) evaluation suite", False),
    # EleutherAI/pythia-160m: the harness the models were evaluated with
    ("All 16 *Pythia* models were evaluated using the [LM Evaluation Harness](https://github."
     "com/EleutherAI/lm-evaluation-harness).", False),
])
def test_evaluation_results_in_a_linked_place(card: str, expected: bool) -> None:
    assert claimed(detect.detect_evaluation_results(evidence(f"# M\n\n{card}\n"))) is expected


# Supporting libraries and tools: "a pip-installable model library ... released by the
# producer's organisation"; "Third-party libraries (transformers, PyTorch) do not count".
# The card installs a package named for the organisation, the model family or a repository
# of the producer's account (motcrawl.analysis.packages); third-party packages
# (motcrawl/data/third_party_packages.json) never count.
@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # state-spaces/mamba-2.8b-hf: mamba-ssm, named for the Mamba family
    ("state-spaces/mamba-2.8b-hf", "We also recommend you to install both `causal_conv_1d` and "
     "`mamba-ssm` using: \n\n```bash\npip install causal-conv1d>=1.2.0\npip install mamba-ssm\n"
     "```", True),
    # allenai/OLMo-7B: ai2-olmo, named for the OLMo family
    ("allenai/OLMo-7B", "**Important:** This model requires the `ai2-olmo` package: "
     "`pip install ai2-olmo`.", True),
    # sentence-transformers/all-MiniLM-L6-v2: the organisation's own library
    ("sentence-transformers/all-MiniLM-L6-v2", "Using this model becomes easy when you have "
     "[sentence-transformers](https://www.SBERT.net) installed:\n\n```\npip install -U "
     "sentence-transformers\n```", True),
    # guards: third-party packages
    # state-spaces/mamba-2.8b-hf: Dao-AILab's kernels and transformers from GitHub
    ("state-spaces/mamba-2.8b-hf", "```bash\npip install git+https://github.com/huggingface/"
     "transformers@main\n```\n\n```bash\npip install causal-conv1d>=1.2.0\n```", False),
    # Salesforce/xgen-7b-8k-inst: OpenAI's tokenizer
    ("Salesforce/xgen-7b-8k-inst", "```sh\npip install tiktoken\n```", False),
    # HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "```python\n# pip install 'transformers>=4.39.3'"
     "\n# pip install accelerate\n```", False),
    # TheBloke's GGUF cards of Llama 2 (their llama-cpp-python section): the package shares
    # "llama" with the family
    ("TheBloke/Llama-2-7B-Chat-GGUF", "```\npip install llama-cpp-python\n```", False),
    # the rule's guard, not a card: a fine-tune of another organisation's Mamba installs the
    # base model's producer's library
    ("someone/mamba-2.8b-chat", "---\nbase_model: state-spaces/mamba-2.8b-hf\n---\n```bash\n"
     "pip install mamba-ssm\n```", False),
])
def test_supporting_library_the_card_installs(model_id: str, card: str, expected: bool) -> None:
    text = card if card.startswith("---") else f"# M\n\n{card}\n"
    det = detect.detect_supporting_tools(evidence(text, model_id=model_id, library_name=None))
    assert claimed(det) is expected
