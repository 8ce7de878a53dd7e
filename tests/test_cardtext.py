"""Reading card bodies: the heading forms real cards use, tables, links, Hub dataset links."""

from __future__ import annotations

import pytest

from motcrawl.analysis import cardtext


@pytest.mark.parametrize(("body", "titles"), [
    ("# Model\n\ntext\n\n## Evaluation\n\nmore", ["Model", "Evaluation"]),
    # IBM Granite, among many: a line of bold text is the section heading.
    ("**Model Summary:**\nabc\n\n**Evaluation Results:**\n<table></table>",
     ["Model Summary", "Evaluation Results"]),
    ("__Training Data__\nabc", ["Training Data"]),
    ("<h2 align=\"center\">Evaluation</h2>\nabc", ["Evaluation"]),
    ("Evaluation\n==========\nabc\n\nTraining data\n-------------\nxyz",
     ["Evaluation", "Training data"]),
    # Not headings: a bold sentence, list items with bold labels, code comments, table rules.
    ("**It is the best open-source model currently available.**\ntext", []),
    ("- **Developers:** Granite Team\n- **License:** Apache 2.0", []),
    ("```python\n# Load the model\nmodel = load()\n```\n", []),
    ("| a | b |\n|---|---|\n| 1 | 2 |", []),
])
def test_section_headings(body: str, titles: list[str]) -> None:
    assert [s.title for s in cardtext.sections(body)] == titles


def test_code_comment_does_not_cut_a_section() -> None:
    body = "## Usage\n\n```python\n# Load the model\nx = 1\n```\nafter the code\n"
    (usage,) = cardtext.sections(body)
    assert "after the code" in usage.text


def test_sub_label_keeps_its_enclosing_heading() -> None:
    body = "## Evaluation\n\n**Base models**\n\n| a | b |\n\n## Citation\n\n**BibTeX**\n"
    trails = [s.trail for s in cardtext.sections(body)]
    assert trails == ["Evaluation", "Evaluation / Base models", "Citation", "Citation / BibTeX"]


@pytest.mark.parametrize(("body", "expected"), [
    ("# tts_transformer-en-ljspeech\n", "tts_transformer-en-ljspeech"),
    ("# **InCoder** _6B_\n", "InCoder 6B"),
    ("# `gpt2` model\n", "gpt2 model"),
])
def test_title_drops_emphasis_marks_not_underscores_in_names(body: str, expected: str) -> None:
    assert cardtext.title(body) == expected


def test_title_ignores_bold_lines() -> None:
    assert cardtext.title("**Model Summary:**\n\n# Granite-4.0-Micro\n") == "Granite-4.0-Micro"


def test_html_table_rows() -> None:
    html = ("<table><thead><tr><th>Benchmarks</th><th>Metric</th></tr></thead><tbody>"
            "<tr><td style='x'>MMLU</td><td>5-shot <b>65.98</b></td></tr></tbody></table>")
    assert cardtext.tables(html) == [["| Benchmarks | Metric |", "| MMLU | 5-shot 65.98 |"]]


def test_one_row_html_table_is_no_table() -> None:
    assert cardtext.tables("<table><tr><td>logo</td></tr></table>") == []


def test_link_text_may_wrap() -> None:
    body = ("All models were evaluated using the [LM Evaluation\n"
            "Harness](https://github.com/EleutherAI/lm-evaluation-harness).")
    (link,) = cardtext.links(body)
    assert link.text == "LM Evaluation Harness"
    assert link.url == "https://github.com/EleutherAI/lm-evaluation-harness"


@pytest.mark.parametrize(("body", "expected"), [
    ("Trained on [RefinedWeb](https://huggingface.co/datasets/tiiuae/falcon-refinedweb).",
     [("tiiuae/falcon-refinedweb", False)]),
    ("- [Fully processed pretraining data](https://huggingface.co/datasets/LLM360/AmberDatasets)",
     [("LLM360/AmberDatasets", False)]),
    ("## Evaluation\n\nWe report [GSM8K](https://huggingface.co/datasets/openai/gsm8k/viewer).",
     [("openai/gsm8k", True)]),
    ("Scores on the [benchmark](https://huggingface.co/datasets/squad).", [("squad", True)]),
    ("See https://huggingface.co/datasets/allenai/dolma/tree/main and "
     "[dolma](https://huggingface.co/datasets/allenai/dolma).", [("allenai/dolma", False)]),
    ("A [model](https://huggingface.co/allenai/OLMo-7B) and a "
     "[space](https://huggingface.co/spaces/org/demo).", []),
])
def test_dataset_links(body: str, expected: list[tuple[str, bool]]) -> None:
    assert [(d.dataset_id, d.evaluation) for d in cardtext.dataset_links(body)] == expected
