"""Release fields on excerpts of real cards: one row per way cards state a field.

Excerpts are verbatim lines of the cards in tests/fixtures/realcards (development
half) and tests/fixtures/cassettes; the model each comes from is named in the row.
"""

from __future__ import annotations

import pytest

from motcrawl.analysis import release
from motcrawl.analysis.license_words import card_license, linked_file_name
from motcrawl.analysis.licenses import UNLICENSED, detect_license
from tests.evidence_helpers import evidence

# No pipeline tag, config, library or tags unless a row gives them: the card alone speaks.
BARE = {"pipeline_tag": None, "library_name": None, "tags": []}


def _ev(card: str, model_id: str = "org/model", **fields: object):
    return evidence(card, model_id=model_id, **{**BARE, **fields})


@pytest.mark.parametrize(("model_id", "card", "fields", "expected"), [
    # The card says it outright.
    ("stabilityai/stable-diffusion-3.5-large-turbo", "## Model\n\n[Stable Diffusion 3.5 Large "
     "Turbo](https://stability.ai/news/introducing-stable-diffusion-3-5) is a Multimodal "
     "Diffusion Transformer (MMDiT) text-to-image model with [Adversarial Diffusion "
     "Distillation (ADD)](https://stability.ai/research/adversarial-diffusion-distillation)\n",
     {}, "diffusion"),
    ("cyberagent/open-calm-7b", "# OpenCALM-7B\n\n## Model Description\n\nOpenCALM is a suite "
     "of decoder-only language models pre-trained on Japanese datasets, developed by "
     "CyberAgent, Inc.\n", {}, "transformer decoder"),
    ("facebook/incoder-6B", "# InCoder 6B\n\nA 6B parameter decoder-only Transformer model "
     "trained on code using a causal-masked objective\n", {}, "transformer decoder"),
    ("sonoisa/t5-base-japanese-mC4-Wikipedia", "# 日本語T5事前学習済みモデル\n\nThis is a T5 "
     "(Text-to-Text Transfer Transformer) model pretrained on Japanese corpus.\n", {},
     "transformer encoder-decoder"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "# SD-XL 1.0-base Model Card\n\n- **Model "
     "type:** Diffusion-based text-to-image generative model\n", {}, "diffusion"),
    # The card names the objective: autoregressive / causal language model.
    ("facebook/xglm-7.5B", "# XGLM-7.5B\n\nXGLM-7.5B is a multilingual autoregressive language "
     "model (with 7.5 billion parameters)\n", {}, "transformer decoder"),
    ("llava-hf/llava-1.5-7b-hf", "# LLaVA Model Card\n\n## Model details\n\nIt is an "
     "auto-regressive language model, based on the transformer architecture.\n", {},
     "transformer decoder"),
    ("Salesforce/codegen25-7b-multi_P", "# CodeGen2.5-7B-multi\n\n## Model description\n\n"
     "[CodeGen2.5](https://github.com/salesforce/CodeGen) is a family of autoregressive "
     "language models for **program synthesis**.\n", {}, "transformer decoder"),
    # The card's code loads a class that says it.
    ("google/switch-c-2048", "# Usage\n\n```python\nfrom transformers import AutoTokenizer, "
     "SwitchTransformersForConditionalGeneration\n```\n", {}, "transformer encoder-decoder"),
    ("state-spaces/mamba-2.8b-hf", "# Mamba\n\n```python\n>>> from transformers import "
     "MambaConfig, MambaForCausalLM, AutoTokenizer\n```\n", {}, "RNN"),
    ("baichuan-inc/Baichuan-7B", "# Baichuan-7B\n\n```python\nfrom transformers import "
     "AutoModelForCausalLM, AutoTokenizer\n```\n", {}, "transformer decoder"),
    # Embedding models: the sentence-transformers card's words.
    ("sentence-transformers/all-MiniLM-L6-v2", "# all-MiniLM-L6-v2\nThis is a "
     "[sentence-transformers](https://www.SBERT.net) model: It maps sentences & paragraphs to "
     "a 384 dimensional dense vector space\n", {}, "encoder"),
    # A transformer for a sequence-to-sequence task.
    ("facebook/tts_transformer-en-ljspeech", "# tts_transformer-en-ljspeech\n\n"
     "[Transformer](https://arxiv.org/abs/1809.08895) text-to-speech model from fairseq S^2\n",
     {"tags": ["fairseq", "audio", "text-to-speech"]}, "transformer encoder-decoder"),
    # Tags and library name.
    ("BlinkDL/rwkv-5-world", "# RWKV-5 World\n", {"tags": ["pytorch", "text-generation",
                                                          "causal-lm", "rwkv"]}, "RNN"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "# SD-XL 1.0-base Model Card\n",
     {"library_name": "diffusers"}, "diffusion"),
    # Config wins over words.
    ("togethercomputer/RedPajama-INCITE-7B-Base", "- **Model type**: Language Model\n",
     {"config": {"model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"]}},
     "transformer decoder"),
    # Hybrids: the card says so, and a hybrid is decoder-only too (tiiuae/Falcon-H1-*).
    ("tiiuae/Falcon-H1-7B-Instruct", "# Model Details\n\n## Model Description\n\n- **Model "
     "type:** Causal decoder-only\n- **Architecture:** Hybrid Transformers + Mamba "
     "architecture\n", {}, "hybrid"),
    ("tiiuae/Falcon-H1-7B-Instruct", "- **Model type:** Causal decoder-only\n- **Architecture:** "
     "Hybrid Transformers + Mamba architecture\n", {"config": {"model_type": "falcon_h1"}},
     "hybrid"),
    # Attention and gated convolutions (Hyena blocks) are a hybrid too; the decoder-only
    # transformers these cards set it against are in contrast.
    ("togethercomputer/StripedHyena-Nous-7B", "StripedHyena is a hybrid architecture composed of "
     "multi-head, grouped-query attention and gated convolutions arranged in [Hyena](https://"
     "arxiv.org/abs/2302.10866) blocks, different from traditional decoder-only Transformers.  "
     "\n  - Costant memory decoding in Hyena blocks via representation of convolutions as "
     "state-space models (modal or canonical form), or as truncated filters.\n", {}, "hybrid"),
    ("togethercomputer/evo-1-131k-base", "StripedHyena is a deep signal processing, hybrid "
     "architecture composed of multi-head attention and gated convolutions arranged in "
     "[Hyena](https://arxiv.org/abs/2302.10866) blocks, improving over decoder-only "
     "Transformers.  \n", {}, "hybrid"),
    # A family model_type covering dense and hybrid members: the card tells which
    # (ibm-granite/granite-4.0-micro is dense; granite-4.0-h-micro-base names Mamba2).
    ("ibm-granite/granite-4.0-micro", "**Model Architecture:**\nGranite-4.0-Micro is based on a "
     "decoder-only dense transformer architecture. Core components of this architecture are: "
     "GQA, RoPE, MLP with SwiGLU, RMSNorm, and shared input/output embeddings.\n",
     {"config": {"model_type": "granitemoehybrid"}}, "transformer decoder"),
    ("ibm-granite/granite-4.0-h-micro-base", "**Model Architecture:** \nGranite-4.0-H-Micro-Base "
     "is based on a decoder-only dense transformer architecture. Core components of this "
     "architecture are: GQA, Mamba2, MLP with SwiGLU, RMSNorm, and shared input/output "
     "embeddings.\n", {"config": {"model_type": "granitemoehybrid"}}, "hybrid"),
    # A repository name naming the family, when nothing else speaks.
    ("google/mt5-large", "# Abstract\n", {}, "transformer encoder-decoder"),
    # A mention in contrast is not the model's own architecture: the BERT family's cards set
    # masked language modelling against "traditional recurrent neural networks (RNNs)" and
    # "autoregressive models like GPT" (the sentence hard-wrapped in the TAPAS card).
    ("macedonizer/gr-roberta-base", "More precisely, it was pre-trained with the Masked "
     "language modeling (MLM) objective. Taking a sentence, the model randomly masks 15% of "
     "the words in the input then runs the entire masked sentence through the model and has to "
     "predict the masked words. This is different from traditional recurrent neural networks "
     "(RNNs) that usually see the words one after the other, or from autoregressive models like "
     "GPT which internally mask the future tokens. It allows the model to learn a bidirectional "
     "representation of the sentence.\n", {}, "encoder"),
    ("google/tapas-base-finetuned-wtq", "- Masked language modeling (MLM): taking a (flattened) "
     "table and associated context, the model randomly masks 15% of the words in \nthe input, "
     "then runs the entire (partially masked) sequence through the model. The model then has to "
     "predict the masked words. \nThis is different from traditional recurrent neural networks "
     "(RNNs) that usually see the words one after the other, \nor from autoregressive models "
     "like GPT which internally mask the future tokens.\n", {}, "encoder"),
    ("distilbert/distilbert-base-uncased", "2) Masked language modeling (MLM): this is part of "
     "the original training loss of the BERT base model. When taking a sentence, the model "
     "randomly masks 15% of the words in the input then run the entire masked sentence through "
     "the model and has to predict the masked words. This is different from traditional "
     "recurrent neural networks (RNNs) that usually see the words one after the other, or from "
     "autoregressive models like GPT which internally mask the future tokens.\n", {},
     "encoder"),
    # A family the card says THIS model belongs to: "<family>-like/-style/-based", "based on",
    # "architecture is similar to", "a fine-tuned version of" - before objective words (Switch
    # is an encoder-decoder trained on MLM) and never in contrast (T5's "in contrast to
    # BERT-style models").
    ("google/switch-c-2048", "Switch Transformers is a Mixture of Experts (MoE) model trained on "
     "Masked Language Modeling (MLM) task. The model architecture is similar to the classic T5, "
     "but with the Feed Forward layers replaced by the Sparse MLP layers containing \"experts\" "
     "MLP.\n", {}, "transformer encoder-decoder"),
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "Zephyr 141B-A39B is the latest model in the "
     "series, and is a fine-tuned version of [mistral-community/Mixtral-8x22B-v0.1](https://"
     "huggingface.co/mistral-community/Mixtral-8x22B-v0.1)\n", {}, "transformer decoder"),
    ("HuggingFaceH4/zephyr-7b-beta", "Zephyr is a series of language models that are trained "
     "to act as helpful assistants. Zephyr-7B-β is the second model in the series, and is a "
     "fine-tuned version of [mistralai/Mistral-7B-v0.1](https://huggingface.co/mistralai/"
     "Mistral-7B-v0.1)\n", {}, "transformer decoder"),
    ("google/tapas-base-finetuned-wtq", "TAPAS is a BERT-like transformers model pretrained on a "
     "large corpus of English data from Wikipedia in a self-supervised fashion.\n", {},
     "encoder"),
    ("google/flan-t5-base", "> With T5, we propose reframing all NLP tasks into a unified "
     "text-to-text-format where the input and output are always text strings, in contrast to "
     "BERT-style models that can only output either a class label or a span of the input.\n",
     {}, "transformer encoder-decoder"),
    # A phrase joining families of two architectures tells neither (a vision encoder and a
    # language decoder): the repository name speaks instead.
    ("openbmb/MiniCPM-V-2", "**MiniCPM-V 2.8B** is a strong multimodal large language model "
     "for efficient end-side deployment. The model is built based on SigLip-400M and "
     "[MiniCPM-2.4B](https://github.com/OpenBMB/MiniCPM/), connected by a perceiver "
     "resampler.\n", {}, "transformer decoder"),
    # A name built on a family (SciBERT, GraphCodeBERT, Cerebras-GPT), when nothing else speaks.
    ("allenai/scibert_scivocab_uncased", "# SciBERT\n", {}, "encoder"),
    ("microsoft/graphcodebert-base", "## GraphCodeBERT model\n", {}, "encoder"),
    ("cerebras/Cerebras-GPT-13B", "# Cerebras-GPT 13B\n", {}, "transformer decoder"),
    # A fine-tune has its base model's architecture.
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "# Model Card for Zephyr 141B-A39B\n",
     {"cardData": {"base_model": "mistral-community/Mixtral-8x22B-v0.1"}}, "transformer decoder"),
    ("HuggingFaceH4/zephyr-7b-beta", "# Model Card for Zephyr 7B β\n",
     {"cardData": {"base_model": "mistralai/Mistral-7B-v0.1"}}, "transformer decoder"),
    # A mixture of experts is a transformer decoder unless the card says otherwise.
    ("HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "- **Model type:** A Mixture of Experts (MoE) "
     "model with 141B total parameters and 39B active parameters.\n", {},
     "transformer decoder"),
    ("deepseek-ai/DeepSeek-V3", "We present DeepSeek-V3, a strong Mixture-of-Experts (MoE) "
     "language model with 671B total parameters with 37B activated for each token.\n", {},
     "transformer decoder"),
])
def test_architecture_as_cards_state_it(model_id: str, card: str, fields: dict,
                                        expected: str) -> None:
    assert release.release_architecture(_ev(card, model_id, **fields)).value == expected


@pytest.mark.parametrize(("model_id", "card", "fields", "expected"), [
    ("Salesforce/codegen25-7b-multi_P", "# CodeGen2.5-7B-multi\n",
     {"pipeline_tag": "text-generation"}, "code"),
    ("cerebras/Cerebras-GPT-13B", "# Cerebras-GPT 13B\n", {"pipeline_tag": "text-generation"},
     "language"),
    ("facebook/tts_transformer-en-ljspeech", "# tts_transformer-en-ljspeech\n",
     {"tags": ["fairseq", "audio", "text-to-speech"]}, "audio"),
    ("sonoisa/t5-base-japanese-mC4-Wikipedia", "# 日本語T5事前学習済みモデル\n",
     {"tags": ["t5", "text2text-generation", "seq2seq"]}, "language"),
    ("sentence-transformers/all-MiniLM-L6-v2", "# all-MiniLM-L6-v2\n",
     {"library_name": "sentence-transformers"}, "language"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "# SD-XL 1.0-base Model Card\n",
     {"library_name": "diffusers"}, "image"),
    ("llava-hf/llava-1.5-7b-hf", "# LLaVA Model Card\n",
     {"config": {"model_type": "llava", "architectures": ["LlavaForConditionalGeneration"]}},
     "multimodal"),
    # The card's code.
    ("facebook/xglm-7.5B", "# XGLM-7.5B\n\n```python\nfrom transformers import XGLMTokenizer, "
     "XGLMForCausalLM\n```\n", {}, "language"),
    # The card's words.
    ("cyberagent/open-calm-7b", "# OpenCALM-7B\n\nOpenCALM is a suite of decoder-only language "
     "models pre-trained on Japanese datasets\n", {}, "language"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "# SD-XL 1.0-base Model Card\n\n- **Model "
     "type:** Diffusion-based text-to-image generative model\n", {}, "image"),
    # "Multimodal Diffusion Transformer" names an architecture, not a multimodal model.
    ("stabilityai/stable-diffusion-3.5-large-turbo", "## Model\n\n[Stable Diffusion 3.5 Large "
     "Turbo](https://stability.ai/news/introducing-stable-diffusion-3-5) is a Multimodal "
     "Diffusion Transformer (MMDiT) text-to-image model with [Adversarial Diffusion "
     "Distillation (ADD)](https://stability.ai/research/adversarial-diffusion-distillation)\n",
     {}, "image"),
    ("llava-hf/llava-1.5-7b-hf", "# LLaVA Model Card\n\nLLaVA is an open-source chatbot "
     "trained by fine-tuning LLaMA/Vicuna on GPT-generated multimodal instruction-following "
     "data.\n", {}, "multimodal"),
    # Trained for code: by the description, or the name.
    ("facebook/incoder-6B", "# InCoder 6B\n\nA 6B parameter decoder-only Transformer model "
     "trained on code using a causal-masked objective\n", {}, "code"),
    ("microsoft/graphcodebert-base", "## GraphCodeBERT model\n\nGraphCodeBERT is a graph-based "
     "pre-trained model based on the Transformer architecture for programming language\n",
     {"pipeline_tag": "fill-mask"}, "code"),
    ("ibm-granite/granite-3b-code-base-2k", "# Granite-3B-Code-Base-2K\n",
     {"pipeline_tag": "text-generation"}, "code"),
    ("microsoft/phi-1", "## Model Summary\n\nThe language model Phi-1 is a Transformer with 1.3 "
     "billion parameters, specialized for basic Python coding.\n",
     {"pipeline_tag": "text-generation"}, "code"),
    # Code families whose names glue "code" to other letters (motcrawl/data/code_models.json).
    ("stabilityai/stablecode-completion-alpha-3b", "# StableCode-Completion-Alpha-3B\n",
     {"pipeline_tag": "text-generation"}, "code"),
    ("infly/OpenCoder-8B-Base", "# OpenCoder\n", {"pipeline_tag": "text-generation"}, "code"),
    # The card's own description of what the model does with text.
    ("spital/gpt2-small-czech-cs", "This way, the model learns an inner representation of the "
     "English language that can then be used to extract features useful for downstream tasks. "
     "The model is best at what it was pretrained for however, which is generating texts from a "
     "prompt.\n", {}, "language"),
    ("pucpr/gpt2-bio-pt", "The model is best at what it was pretrained for however, which is "
     "generating texts from a prompt.\n", {}, "language"),
    ("pierreguillou/gpt2-small-portuguese", "The model is best at what it was pretrained for "
     "however, which is generating texts from a prompt.\n", {}, "language"),
    # When nothing else speaks: the family the repository name or base_model names (its
    # model type's MOF type, else language), at low confidence.
    ("GroNLP/bert-base-dutch-cased", "# BERTje: A Dutch BERT model\n", {}, "language"),
    ("openai/clip-vit-large-patch14-336", "# clip-vit-large-patch14-336\n\nThis model was "
     "trained from scratch on an unknown dataset.\n", {}, "multimodal"),
    ("Xenova/whisper-tiny.en", "# Whisper\n\n[openai/whisper-tiny.en](https://huggingface.co/"
     "openai/whisper-tiny.en) with ONNX weights to be compatible with [Transformers.js]"
     "(https://huggingface.co/docs/transformers.js).\n", {}, "audio"),
    ("alignment-handbook/zephyr-7b-sft-full", "# zephyr-7b-sft-full\n\nIt achieves the "
     "following results on the evaluation set:\n- Loss: 0.9353\n",
     {"cardData": {"base_model": "mistralai/Mistral-7B-v0.1"}}, "language"),
    # The "coder" of an encoder is no code model (facebook's DPR encoders).
    ("facebook/dpr-question_encoder-single-nq-base", "# `dpr-question_encoder-single-nq-base`\n",
     {"pipeline_tag": "feature-extraction"}, "language"),
    ("facebook/dpr-ctx_encoder-single-nq-base", "# `dpr-ctx_encoder-single-nq-base`\n",
     {"pipeline_tag": "feature-extraction"}, "language"),
])
def test_type_as_cards_state_it(model_id: str, card: str, fields: dict, expected: str) -> None:
    assert release.release_type(_ev(card, model_id, **fields)).value == expected


@pytest.mark.parametrize(("model_id", "card", "expected"), [
    # The title spells the repository name: the title's spelling.
    ("facebook/xglm-7.5B", "# XGLM-7.5B\n", "XGLM-7.5B"),
    ("cyberagent/open-calm-7b", "# OpenCALM-7B\n", "OpenCALM-7B"),
    ("facebook/incoder-6B", "# InCoder 6B\n", "InCoder-6B"),
    ("baichuan-inc/Baichuan-7B", "# Baichuan-7B\n", "Baichuan-7B"),
    # An underscore inside a name is no emphasis mark.
    ("facebook/tts_transformer-en-ljspeech", "# tts_transformer-en-ljspeech\n",
     "tts_transformer-en-ljspeech"),
    # A title that is a description, the family, or a section heading: the repository name.
    ("google/switch-c-2048", "# Model Card for Switch Transformers C - 2048 experts (1.6T "
     "parameters for 3.1 TB)\n", "switch-c-2048"),
    ("llava-hf/llava-1.5-7b-hf", "# LLaVA Model Card\n", "llava-1.5-7b-hf"),
    ("state-spaces/mamba-2.8b-hf", "# Mamba\n\n# Usage\n", "mamba-2.8b-hf"),
    ("google/mt5-large", "# Abstract\n\nThe recent \"Text-to-Text Transfer Transformer\"\n",
     "mt5-large"),
    ("microsoft/graphcodebert-base", "## GraphCodeBERT model\n", "graphcodebert-base"),
])
def test_name_is_the_repository_or_its_title_spelling(model_id: str, card: str,
                                                      expected: str) -> None:
    assert release.release_name(_ev(card, model_id)).value == expected


@pytest.mark.parametrize(("card_data", "body", "expected", "source"), [
    ({"license": "cc-by-sa-4.0"}, "", "CC-BY-SA-4.0", "card license"),
    ({"license": "llama2"}, "", "Llama 2 Community License Agreement", "card license"),
    # No license metadata: the card's label, its "licensed under" sentence, its section.
    ({}, "# M\n\n- **License:** Apache 2.0\n", "Apache-2.0", "card text"),
    ({}, "## Models\n\n### Base models\n  * License: Apache-2.0\n", "Apache-2.0", "card text"),
    ({}, "* **License**: OpenCALM is licensed under the Creative Commons Attribution-ShareAlike "
     "4.0 International License ([CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/"
     "))\n", "CC-BY-SA-4.0", "card text"),
    ({}, "## License\n\nLlama 2 is licensed under the LLAMA 2 Community License, \nCopyright (c)"
     " Meta Platforms, Inc. All Rights Reserved.\n", "Llama 2 Community License Agreement",
     "card text"),
    ({}, "* **CodeGen2.5-7B-multi** (this repo): Trained on StarCoderData. Licensed under "
     "Apache-2.0.\n", "Apache-2.0", "card text"),
    ({}, "## License\n\nThis repository is released under the Apache 2.0 license.\n",
     "Apache-2.0", "card text"),
    # A license the tables cannot name: the card's words, for the reviewer.
    ({}, "- **License:** [Baichuan-7B License](https://huggingface.co/baichuan-inc/Baichuan-7B/"
     "blob/main/baichuan-7B.pdf)\n", "Baichuan-7B License", "card words (license not identified)"),
])
def test_license_as_cards_state_it(card_data: dict, body: str, expected: str,
                                   source: str) -> None:
    found = detect_license(card_data, [], [], card_body=body)
    assert (found.name, found.source) == (expected, source)


def test_unnamed_license_goes_to_the_review_checklist() -> None:
    found = detect_license({"license": "other"}, [], [], card_body=(
        "- **License:** [Baichuan-7B License](https://example.org/license.pdf)\n"))
    assert found.name == "Baichuan-7B License"
    assert any("review" in note for note in found.notes)


def test_unlicensed_only_when_nothing_declares_one() -> None:
    found = detect_license({}, [], [], card_body="# M\n\nA model trained on permissively "
                           "licensed code.\n")
    assert found.name == UNLICENSED
    assert not found.known


@pytest.mark.parametrize("body", [
    # A retnet-1.3B-toy card (the ChatGLM cards' wording): one sentence, two licenses.
    "## 协议 (License)\n\nThe code in this repository is open-sourced under the [Apache-2.0 "
    "license](LICENSE), while the use of the retnet-1.3B-toy model weights needs to comply "
    "with the [Model License](MODEL_LICENSE).\n",
    # GLM-4: the model's license is a file the card links.
    "## License\n\nThe use of the GLM-4 model weights needs to comply with the "
    "[LICENSE](LICENSE).\n",
])
def test_the_weights_license_is_the_cards_words_when_unnamed(body: str) -> None:
    found = detect_license({}, [], [], card_body=body)
    assert found.name != "Apache-2.0" and found.name != UNLICENSED
    assert "model weights" in found.name
    assert found.source == "card words (license not identified)"


def test_the_training_data_license_is_not_the_model_license() -> None:
    found = detect_license({}, [], [], card_body="# M\n\n## Training data\n\nThe training "
                           "data is released under ODC-By.\n")
    assert found.name == UNLICENSED


def test_the_code_license_is_not_the_model_license() -> None:
    found = detect_license({}, [], [], card_body=(
        "## License\n\nThis code repository is licensed under the MIT License. The use of the "
        "models is subject to the Model License.\n"))
    assert found.name != "MIT"


def _hub_file(name: str) -> str:
    return f"https://huggingface.co/org/model/blob/main/{name}"


# Issue 12: a license_name of generic words is a placeholder, never the license. Front matter of
# real cards that say "other" and name nothing, each linking a file whose name is no license's.
@pytest.mark.parametrize("card_data", [
    # SMPLest-X's card.
    {"license": "other", "license_name": "license", "license_link": "LICENSE"},
    # FunAudioLLM/SenseVoiceSmall.
    {"license": "other", "license_name": "model-license",
     "license_link": "https://github.com/modelscope/FunASR/blob/main/MODEL_LICENSE"},
    # emotion2vec/emotion2vec_plus_large: the link is a repository.
    {"license": "other", "license_name": "model-license",
     "license_link": "https://github.com/alibaba-damo-academy/FunASR"},
])
def test_a_generic_license_name_is_no_license(card_data: dict) -> None:
    found = detect_license(card_data, [], [], file_url=_hub_file)
    assert found.name != card_data["license_name"]
    # The card's own words - its link - for a reviewer, who finds the terms there.
    assert found.name == found.path and found.path.startswith("https://")
    assert found.source == "card words (license not identified)"
    assert found.confidence < 0.7 and any("review" in note for note in found.notes)


def test_the_license_link_file_names_what_the_license_name_does_not() -> None:
    # Skywork/ChineseDomainModelingEval's front matter (a dataset card; the one real card found
    # that says it this way - its producer's fresh-set model card is not used here).
    found = detect_license({"license": "other", "license_name": "license", "license_link": (
        "https://github.com/SkyworkAI/Skywork/blob/main/Skywork%20Community%20License.pdf")},
        [], [])
    assert (found.name, found.source) == ("Skywork Community License",
                                          "card license_link file name")
    assert found.path.endswith("Skywork%20Community%20License.pdf")


@pytest.mark.parametrize(("link", "expected"), [
    # Qwen/Qwen-7B's license link: no extension, a name the tables know.
    ("https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
     ("Tongyi Qianwen License Agreement", True)),
    # baichuan-inc/Baichuan-13B-Base's English license link (relative, a PDF).
    ("Community%20License%20for%20Baichuan-13B%20Model.pdf",
     ("Community License for Baichuan-13B Model", False)),
    # vivo-ai-lab/BlueLM's README (its models' license since 2024-12).
    ("https://github.com/vivo-ai-lab/BlueLM/blob/main/OpenAtom%20Model%20License.pdf",
     ("OpenAtom Model License", False)),
    # baichuan-inc/Baichuan-7B (development half): a Chinese file name.
    ("https://huggingface.co/baichuan-inc/Baichuan-7B/blob/main/baichuan-7B%20%E6%A8%A1%E5%9E%8B"
     "%E8%AE%B8%E5%8F%AF%E5%8D%8F%E8%AE%AE.pdf", ("baichuan-7B 模型许可协议", False)),
    # An OpenBMB (OmniLMM) card: the General Model License, unencoded.
    ("https://github.com/OpenBMB/General-Model-License/blob/main/通用模型许可协议-来源说明-宣传限制-"
     "商业授权.md", ("通用模型许可协议-来源说明-宣传限制-商业授权", False)),
    # File names that are no license's name.
    ("https://github.com/modelscope/FunASR/blob/main/MODEL_LICENSE", None),  # SenseVoiceSmall
    ("MODEL_LICENSE.pdf", None),  # xverse/XVERSE-13B
    ("https://github.com/WisdomShell/codeshell/blob/main/License.pdf", None),  # CodeShell
    ("LICENSE-MODEL", None),  # deepseek-ai/DeepSeek-V3 (cassette)
    ("https://github.com/QwenLM/Qwen-Audio/blob/main/LICENSE.txt", None),  # Qwen/Qwen-Audio
    ("https://huggingface.co/microsoft/phi-1_5/resolve/main/Research%20License.docx", None),
    ("https://www.apache.org/licenses/LICENSE-2.0", None),  # granite-3b-code-base-2k
    ("https://ai.meta.com/llama/license/", None),  # Llama 2 cards: a web page
    ("https://github.com/alibaba-damo-academy/FunASR", None),  # emotion2vec: a repository
])
def test_a_linked_file_name_is_a_license_name_when_it_reads_as_one(
        link: str, expected: tuple[str, bool] | None) -> None:
    linked = linked_file_name(link)
    assert (None if linked is None else (linked.name, linked.known)) == expected


# Issue 12: "unlicensed only when nothing anywhere declares a license". A License section that
# links the license's document declares one: named by the file's name when it reads as one...
def test_a_license_section_names_the_license_its_link_points_at() -> None:
    # Qwen/Qwen-7B (Qwen-72B-Chat's card says the same).
    found = detect_license({}, [], [], card_body=(
        "## 使用协议（License Agreement）\n\n我们的代码和模型权重对学术研究完全开放，"
        "并支持商用。请查看[LICENSE](https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20"
        "LICENSE%20AGREEMENT)了解具体的开源协议细节。如需商用，请填写[问卷]"
        "(https://dashscope.console.aliyun.com/openModelApply/qianwen)申请。\n\nOur code and "
        "checkpoints are open to research purpose, and they are allowed for "
        "commercial purposes. Check [LICENSE](https://github.com/QwenLM/Qwen/blob/main/Tongyi%20"
        "Qianwen%20LICENSE%20AGREEMENT) for more details about the license. If you have "
        "requirements for commercial use, please fill out the [form](https://dashscope.console."
        "aliyun.com/openModelApply/qianwen) to apply.\n<br>\n"))
    assert (found.name, found.source) == ("Tongyi Qianwen License Agreement",
                                          "card link file name")
    assert found.path.endswith("Tongyi%20Qianwen%20LICENSE%20AGREEMENT")


# ... else the card's words with the link, on the review checklist.
@pytest.mark.parametrize("body", [
    # Qwen/Qwen-VL.
    "## 使用协议 (License Agreement)\n\n研究人员与开发者可使用Qwen-VL和Qwen-VL-Chat或进行"
    "二次开发。我们同样允许商业使用，具体细节请查看[LICENSE](https://github.com/QwenLM/Qwen-VL/"
    "blob/master/LICENSE)。如需商用，请填写[问卷](https://dashscope.console.aliyun.com/"
    "openModelApply/qianwen)申请。\n\nResearchers and "
    "developers are free to use the codes and model weights of both Qwen-VL and Qwen-VL-Chat. We "
    "also allow their commercial use. Check our license at [LICENSE](LICENSE) for more details.\n",
    # Qwen/Qwen-Audio.
    "## License Agreement\nResearchers and developers are free to use the codes and model weights "
    "of Qwen-Audio. We also allow its commercial use. Check our license at [LICENSE](https://"
    "github.com/QwenLM/Qwen-Audio/blob/main/LICENSE.txt) for more details.\n<br>\n",
])
def test_a_license_section_that_links_unnamed_terms_is_never_unlicensed(body: str) -> None:
    found = detect_license({}, [], [], card_body=body, file_url=_hub_file)
    assert found.known
    assert found.source == "card words (license not identified)"
    assert "LICENSE" in found.name and found.path.endswith(("LICENSE", "LICENSE.txt"))
    assert any("review" in note for note in found.notes)


def test_a_list_of_other_models_licenses_names_none_of_them() -> None:
    # LLaMA-Factory's README License section, which fine-tuned models' cards copy.
    said = card_license(
        "## License\n\nThis repository is licensed under the [Apache-2.0 License](LICENSE).\n\n"
        "Please follow the model licenses to use the corresponding model weights: [Baichuan 2]"
        "(https://huggingface.co/baichuan-inc/Baichuan2-7B-Base/blob/main/Community%20License%20"
        "for%20Baichuan%202%20Model.pdf) / [BLOOM](https://huggingface.co/spaces/bigscience/"
        "license) / [ChatGLM3](https://github.com/THUDM/ChatGLM3/blob/main/MODEL_LICENSE) / "
        "[Qwen](https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT)\n")
    assert said is not None and not said.named
    assert said.name not in ("Community License for Baichuan 2 Model",
                             "Tongyi Qianwen License Agreement")


# Chinese License sections ("## 协议", "## 模型协议", "## 模型开源协议"); a Chinese comma
# before a clause about the model weights or the code separates what each is licensed under.
@pytest.mark.parametrize(("body", "expected"), [
    # vivo-ai-lab/BlueLM's README: the license changed; the new one is named by its file.
    ("## 协议\n\n为了使本项目更加开放、灵活，服务更多开发者与用户，"
     "自2024年12月25日起，本项目的大模型开源许可证进行了一次重要更新，"
     "由 [原vivo_BlueLM模型许可协议](MODEL_LICENSE.pdf) 变更为 [开放原子模型许可证]"
     "(https://github.com/vivo-ai-lab/BlueLM/blob/main/OpenAtom%20Model%20License.pdf)。\n",
     "OpenAtom Model License"),
    # OpenBMB's OmniLMM README: the code is Apache-2.0, the weights follow the linked license.
    ("## 模型协议\n\n本仓库中代码依照 Apache-2.0 协议开源\n\n"
     "OmniLMMs 模型权重的使用则需要遵循 “[通用模型许可协议-来源说明-宣传限制-商业授权]"
     "(https://github.com/OpenBMB/General-Model-License/blob/main/"
     "通用模型许可协议-来源说明-宣传限制-商业授权.md)”。\n\n"
     "OmniLMMs 模型权重对学术研究完全开放。\n",
     "通用模型许可协议-来源说明-宣传限制-商业授权"),
])
def test_a_chinese_license_section_names_the_weights_license(body: str, expected: str) -> None:
    found = detect_license({}, [], [], card_body=body)
    assert (found.name, found.source) == (expected, "card link file name")


def test_a_chinese_license_section_keeps_the_code_license_apart() -> None:
    # XVERSE-13B's README: the source code is Apache-2.0; the weights' license is a file whose
    # name names nothing, so the card's words go to a reviewer.
    found = detect_license({}, [], [], card_body=(
        "## 模型开源协议\n\n使用本仓库的源码需要遵循 [Apache-2.0](LICENSE) 开源协议，"
        "使用 XVERSE-13B 的模型权重则需要遵循[模型许可协议](MODEL_LICENSE.pdf)。\n\n"
        "XVERSE-13B 模型权重对学术研究**完全开放**，并且支持**免费商用**。\n"))
    assert found.name != "Apache-2.0" and "模型权重" in found.name
    assert found.source == "card words (license not identified)"
