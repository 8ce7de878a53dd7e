"""Packages a card installs, and whose they are (motcrawl.analysis.packages)."""

from __future__ import annotations

import pytest

from motcrawl.analysis import packages


@pytest.mark.parametrize(("text", "names"), [
    ("pip install -U sentence-transformers", ["sentence-transformers"]),
    ("pip install causal-conv1d>=1.2.0", ["causal-conv1d"]),
    ("# pip install 'transformers>=4.39.3'", ["transformers"]),
    ("!pip install --upgrade rwkv lm_eval", ["rwkv", "lm-eval"]),
    ("pip install git+https://github.com/huggingface/transformers@main", []),
    ("pip install -e .", []),
    ("`pip install ai2-olmo`. A Transformers-native", ["ai2-olmo"]),
    ("pip install \"tokenizers>=0.12.1\"", ["tokenizers"]),
    ("pip install flash_attn[cuda]", ["flash-attn"]),
])
def test_installed_packages(text: str, names: list[str]) -> None:
    assert [n for n, _ in packages.installed(text)] == names


@pytest.mark.parametrize(("package", "model_id", "repos", "family", "expected"), [
    ("mamba-ssm", "state-spaces/mamba-2.8b-hf", [], True, True),
    ("ai2-olmo", "allenai/OLMo-7B", [], True, True),
    ("sentence-transformers", "sentence-transformers/all-MiniLM-L6-v2", [], True, True),
    ("rwkv", "BlinkDL/rwkv-5-world", [], True, True),           # the family without "5"
    ("jaxformer", "Salesforce/codegen25-7b-multi_P", ["jaxformer"], True, True),
    ("tiktoken", "Salesforce/xgen-7b-8k-inst", [], True, False),
    ("causal-conv1d", "state-spaces/mamba-2.8b-hf", [], True, False),
    ("llama-cpp-python", "TheBloke/Llama-2-7B-Chat-GGUF", [], True, False),  # third party
    ("mamba-ssm", "someone/mamba-2.8b-chat", [], False, False),  # a fine-tune of another's
    ("sentence-transformers", "someone/minilm-finetuned", [], True, False),
])
def test_the_producers_own_package(package: str, model_id: str, repos: list[str],
                                   family: bool, expected: bool) -> None:
    why = packages.producers_own(package, model_id, repos, family=family)
    assert (why is not None) is expected
