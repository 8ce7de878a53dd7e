"""Third-party tool vocabulary (motcrawl.analysis.tools, motcrawl/data/tools.json): every entry
is found by the detector that reads it, as its own documentation writes it."""

from __future__ import annotations

import pytest

from motcrawl.analysis import detect, tools
from tests.evidence_helpers import evidence


def test_every_entry_names_its_source_and_an_example() -> None:
    assert tools.USAGE_CODE and tools.EVALUATION_HARNESSES
    for tool in (*tools.USAGE_CODE, *tools.EVALUATION_HARNESSES):
        assert tool.patterns, tool.name
        assert tool.source.count("http") >= 1, tool.name
        assert tool.example.strip(), tool.name


@pytest.mark.parametrize("tool", tools.USAGE_CODE, ids=lambda t: t.name)
def test_a_tools_usage_line_in_the_card_is_usage_code(tool: tools.Tool) -> None:
    card = f"# M\n\n## Usage\n\n```\n{tool.example}\n```\n"
    det = detect.detect_inference_code(evidence(card))
    assert det is not None, tool.name
    assert tool.example.strip()[:100] in det.evidence[0]


def test_a_code_block_without_a_tools_call_is_not_usage_code() -> None:
    card = "# M\n\n```\npip install torch numpy\nexport CUDA_VISIBLE_DEVICES=0\n```\n"
    assert detect.detect_inference_code(evidence(card)) is None


@pytest.mark.parametrize("tool", tools.EVALUATION_HARNESSES, ids=lambda t: t.name)
def test_a_harness_named_in_prose_is_an_evaluation_code_finding(tool: tools.Tool) -> None:
    det = detect.detect_evaluation_code(evidence(f"# M\n\n{tool.example}\n"))
    assert det is not None and det.confidence < detect.INCLUDE_THRESHOLD
    assert tool.example in det.evidence[0]
