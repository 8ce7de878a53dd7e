"""Release fields (motcrawl.analysis.release)."""

import pytest

from motcrawl.analysis import modelkind, release
from tests.evidence_helpers import evidence


@pytest.mark.parametrize(("card", "card_data", "model_id", "expected"), [
    # The repository name says which variant this is; the title names the family.
    ("# Model Card for OLMo 7B\n", {}, "allenai/OLMo-7B-hf", "OLMo-7B-hf"),
    ("# Model Card for OLMo 7B\n", {}, "allenai/OLMo-7B", "OLMo-7B"),
    ("# pythia-160m\n", {}, "EleutherAI/pythia-160m", "pythia-160m"),
    # The title spells a lower-case repository name as its authors write it.
    ("# 🚀 Falcon-40B\n", {}, "tiiuae/falcon-40b", "Falcon-40B"),
    ("# GPT-2\n", {}, "openai-community/gpt2", "GPT-2"),
    # Without a usable title: the card's prose spelling, never a URL's or a file name's.
    ("# Model Details\n\nBLOOM is an autoregressive LLM. [bloom](https://hf.co/bigscience/bloom)"
     " and bloom-560m; BLOOM again.\n", {}, "bigscience/bloom", "BLOOM"),
    ("# Introduction\n\nSee https://huggingface.co/org/phi-9 and phi-9.gguf\n", {},
     "org/phi-9", "phi-9"),
    ("# Introduction\n", {}, "org/Cool-Model", "Cool-Model"),
    ("", {"model_name": "Fancy: \"name\""}, "org/x", "Fancy: \"name\""),
    ("", {}, "org/Keep-Case-1B", "Keep-Case-1B"),
])
def test_name(card, card_data, model_id, expected) -> None:
    ev = evidence(card, model_id=model_id, cardData=card_data)
    assert release.release_name(ev).value == expected


@pytest.mark.parametrize(("model_id", "safetensors", "expected"), [
    ("allenai/OLMo-7B-hf", None, "7B"),
    ("EleutherAI/pythia-160m", None, "160M"),
    ("mistralai/Mixtral-8x7B-v0.1", None, "8x7B"),
    ("Qwen/Qwen2.5-1.5B-Instruct", None, "1.5B"),
    ("org/model", {"parameters": {"BF16": 6738415616}, "total": 6738415616}, "6.7B"),
    ("org/model", {"parameters": {"F32": 124439808}, "total": 124439808}, "124M"),
    ("org/model-v2", None, "v2"),
    ("org/model", None, ""),
])
def test_version(model_id, safetensors, expected) -> None:
    fields = {"safetensors": safetensors} if safetensors else {}
    assert release.release_version(evidence(model_id=model_id, **fields)).value == expected


@pytest.mark.parametrize(("pipeline_tag", "model_id", "expected"), [
    ("text-generation", "org/llm", "language"),
    ("text-generation", "bigcode/starcoder", "code"),
    ("text-to-image", "org/sd", "image"),
    ("automatic-speech-recognition", "openai/whisper", "audio"),
    ("image-text-to-text", "org/vlm", "multimodal"),
    ("image-classification", "org/vit", "vision"),
    ("text-to-video", "org/v", "video"),
    ("robotics", "org/r", "other"),
])
def test_type(pipeline_tag, model_id, expected) -> None:
    ev = evidence(model_id=model_id, pipeline_tag=pipeline_tag)
    assert release.release_type(ev).value == expected


@pytest.mark.parametrize(("config", "library", "files", "expected"), [
    ({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}, "transformers", [],
     "transformer decoder"),
    ({"model_type": "t5", "architectures": ["T5ForConditionalGeneration"]}, "transformers", [],
     "transformer encoder-decoder"),
    ({"model_type": "deberta-v2"}, "transformers", [], "encoder"),
    ({"model_type": "rwkv5"}, "transformers", [], "RNN"),
    ({"model_type": "jamba"}, "transformers", [], "hybrid"),
    ({}, "diffusers", ["model_index.json"], "diffusion"),
    ({"model_type": "newthing", "architectures": ["NewThingForCausalLM"]}, "transformers", [],
     "transformer decoder"),
    ({}, None, ["model.Q4_K_M.gguf"], "transformer decoder"),
    ({}, None, ["weights.bin"], ""),
])
def test_architecture(config, library, files, expected) -> None:
    ev = evidence(config=config, library_name=library, files=files)
    assert release.release_architecture(ev).value == expected


@pytest.mark.parametrize(("model_id", "expected"), [
    ("meta-llama/Meta-Llama-3-8B-Instruct", "instruct fine-tuned"),
    ("google/gemma-2-9b-it", "instruct fine-tuned"),
    ("THUDM/chatglm3-6b", None),
    ("Qwen/Qwen1.5-72B-Chat", "chat fine-tuned"),
    ("ibm-granite/granite-4.0-micro-base", "pre-trained"),
])
def test_treatment(model_id, expected) -> None:
    field = release.release_treatment(evidence(model_id=model_id, pipeline_tag=None))
    assert (field.value if field else None) == expected


def test_origin_prefers_base_model() -> None:
    ev = evidence(cardData={"base_model": "meta-llama/Llama-2-7b-chat-hf"})
    assert release.release_origin(ev, "x").value == "meta-llama/Llama-2-7b-chat-hf"
    assert release.release_origin(evidence(), "Self").value == "Self"


def test_producer_and_date() -> None:
    ev = evidence(model_id="meta-llama/Llama-3.1-8B", author="meta-llama")
    assert release.release_producer(ev).value == "Meta"
    assert release.release_producer(evidence(model_id="someone/x", author="someone")
                                    ).value == "someone"
    assert release.release_date(ev).value == "2024-02-01"


@pytest.mark.parametrize(("card", "expected"), [
    # Granite-4.0-Micro shares model_type granitemoehybrid with the Mamba-2 hybrids.
    ("Granite-4.0-Micro is built on a decoder-only dense transformer architecture.",
     "transformer decoder"),
    ("A hybrid Mamba-2/transformer, decoder-only transformer blocks every 9 layers.", "hybrid"),
    ("", "hybrid"),
])
def test_card_tells_a_dense_member_of_a_hybrid_family(card: str, expected: str) -> None:
    ev = evidence(f"# M\n\n{card}\n", config={"model_type": "granitemoehybrid",
                                              "architectures": ["GraniteMoeHybridForCausalLM"]})
    assert release.release_architecture(ev).value == expected


@pytest.mark.parametrize(("text", "word", "contrasted"), [
    ("This is different from traditional recurrent neural networks (RNNs) that usually see the "
     "words one after the other, or from autoregressive models like GPT", "RNNs", True),
    ("This is different from traditional recurrent neural networks (RNNs) that usually see the "
     "words one after the other, or from autoregressive models like GPT", "autoregressive",
     True),
    ("our Mamba-3B model outperforms Transformers of the same size", "Transformers", True),
    ("A non-autoregressive model", "autoregressive", True),
    # The contrast ends with its clause, and a quantity is no comparison.
    ("Unlike BERT, Foo is a decoder-only model.", "decoder-only", False),
    ("Unlike BERT. Foo is a decoder-only model.", "decoder-only", False),
    ("Foo was trained on more than 2T tokens and is a decoder-only model.", "decoder-only",
     False),
    ("Foo is a decoder-only model.", "decoder-only", False),
])
def test_a_mention_in_contrast_is_not_the_models_own(text: str, word: str,
                                                     contrasted: bool) -> None:
    assert modelkind.in_contrast(text, text.index(word)) is contrasted
