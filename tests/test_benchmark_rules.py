"""The comparison rules of benchmarks/components_vs_mot.py (what counts as agreeing with MOT)."""

from __future__ import annotations

import pytest

from benchmarks import components_vs_mot as bench


@pytest.mark.parametrize(("ours", "truth", "agrees"), [
    ("transformer decoder", "decoder", True),
    ("transformer decoder", "transformer decoder", True),
    ("encoder", "transformer encoder", True),
    ("transformer encoder-decoder", "transformer", True),  # MOT's bare "transformer"
    ("RNN", "transformer", False),
    ("transformer decoder", "transformer encoder-decoder", False),
    ("", "decoder", False),
])
def test_architecture_agreement(ours: str, truth: str, agrees: bool) -> None:
    assert bench._arch_agrees(ours, truth) is agrees


@pytest.mark.parametrize(("value", "informative"), [
    ("language", True), ("", False), ("none", False), ("undisclosed", False),
    ("  Undisclosed ", False), (None, False),
])
def test_only_informative_truth_is_scored(value: object, informative: bool) -> None:
    assert bench.informative(value) is informative


@pytest.mark.parametrize(("name", "body", "model_id", "heading"), [
    ("Highlights", "# gpt-oss-120b\n\n## Highlights\n\ntext\n", "openai/gpt-oss-120b", True),
    ("Intro", "# Intro\n\ntext\n", "01-ai/Yi-1.5-34B-Chat", True),
    ("GPT-2", "# GPT-2\n\ntext\n", "openai-community/gpt2", False),
    ("Falcon-40B", "# 🚀 Falcon-40B\n", "tiiuae/falcon-40b", False),
    ("OLMo-7B-hf", "# Model Card for OLMo 7B\n", "allenai/OLMo-7B-hf", False),
    ("mamba-2.8b-hf", "# Mamba\n", "state-spaces/mamba-2.8b-hf", False),
])
def test_release_name_that_is_a_heading(name: str, body: str, model_id: str,
                                        heading: bool) -> None:
    assert bench.name_is_heading(name, body, model_id) is heading


def test_licenses_agree_after_normalisation() -> None:
    assert bench._same_license("Apache-2.0", "apache-2.0")
    assert bench._same_license("Llama 2 Community License Agreement", "llama2")
    assert not bench._same_license("unlicensed", "MIT")


def test_unknown_lookup_is_not_an_answer() -> None:
    result = bench.lookup_repo("no-such-owner/no-such-repo-without-fixture")
    assert result.status == "error" and "unknown" in result.note
    assert bench.lookup_dataset("no-such/dataset-without-fixture") is None
