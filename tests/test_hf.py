"""Model ids, URLs and Hub response parsing (motcrawl.web.hf)."""

import pytest

from motcrawl.web import hf


@pytest.mark.parametrize(("text", "expected"), [
    ("allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf"),
    ("  allenai/OLMo-7B-hf \n", "allenai/OLMo-7B-hf"),
    ("https://huggingface.co/allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf"),
    ("https://huggingface.co/allenai/OLMo-7B-hf/", "allenai/OLMo-7B-hf"),
    ("http://www.huggingface.co/allenai/OLMo-7B-hf/tree/main", "allenai/OLMo-7B-hf"),
    ("https://huggingface.co/microsoft/phi-1/blob/main/README.md", "microsoft/phi-1"),
    ("https://huggingface.co/a/b/resolve/main/config.json?download=true", "a/b"),
    ("huggingface.co/EleutherAI/pythia-160m?x=1#y", "EleutherAI/pythia-160m"),
    ("https://hf.co/Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B"),
    ("gpt2", "gpt2"),
    ("https://huggingface.co/gpt2/tree/main", "gpt2"),
])
def test_parse_model_ref_accepts_ids_and_urls(text: str, expected: str) -> None:
    assert hf.parse_model_ref(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "a b/c", "../etc/passwd", "a/../b", "/etc/passwd", "org/name/extra",
    "https://example.com/org/name", "https://huggingface.co/collections/ibm-granite/x",
    "https://huggingface.co/papers/2309.16609", "https://huggingface.co/datasets/allenai/dolma",
    "https://huggingface.co/spaces/org/app", "ftp://huggingface.co/a/b", "org--x/name",
    "Baichuan 2: Open Large-scale Language Models",
])
def test_parse_model_ref_rejects_non_models(text: str) -> None:
    with pytest.raises(hf.ModelRefError):
        hf.parse_model_ref(text)
    assert hf.model_id_or_none(text) is None


def test_model_id_or_none_takes_any_value() -> None:
    assert hf.model_id_or_none(None) is None
    assert hf.model_id_or_none(42) is None
    assert hf.model_id_or_none("https://huggingface.co/a/b") == "a/b"


def test_urls_are_built_from_the_endpoint() -> None:
    base = "http://127.0.0.1:9"
    assert hf.card_url(base + "/", "a/b") == "http://127.0.0.1:9/a/b/resolve/main/README.md"
    assert hf.refs_url(base, "a/b") == "http://127.0.0.1:9/api/models/a/b/refs"
    info = hf.model_info_url(base, "a/b")
    assert info.startswith("http://127.0.0.1:9/api/models/a/b?expand%5B%5D=")
    assert info.count("expand%5B%5D=") == len(hf.EXPAND_FIELDS)
    listing = hf.listing_url(base, pipeline_tag="text-generation")
    assert "sort=downloads" in listing and "direction=-1" in listing and "limit=100" in listing
    assert "pipeline_tag=text-generation" in listing
    assert "skip=" not in listing and "page=" not in listing


@pytest.mark.parametrize(("header", "expected"), [
    ('<https://huggingface.co/api/models?cursor=abc>; rel="next"',
     "https://huggingface.co/api/models?cursor=abc"),
    ('<https://x/prev>; rel="prev", <https://x/next>; rel="next"', "https://x/next"),
    ("<https://x/n>; rel=next", "https://x/n"),
    ('<https://x/p>; rel="prev"', None),
    ("", None),
    (None, None),
    ("garbage", None),
])
def test_next_link(header: str | None, expected: str | None) -> None:
    assert hf.next_link(header) == expected


def test_parse_card_with_front_matter() -> None:
    card = hf.parse_card("---\nlicense: mit\ndatasets:\n- a/b\n---\n# Title\nBody\n")
    assert card.data == {"license": "mit", "datasets": ["a/b"]}
    assert card.body.startswith("# Title")
    assert card.error is None


def test_parse_card_without_front_matter() -> None:
    card = hf.parse_card("# Just a title\n\nText.")
    assert card.data == {}
    assert "Just a title" in card.body
    assert card.error is None


@pytest.mark.parametrize("text", [
    "---\nlicense: [mit\nfoo: : :\n---\n# T\nbody",
    "---\n- a\n- b\n---\nbody",
])
def test_parse_card_with_broken_front_matter_reports_not_raises(text: str) -> None:
    card = hf.parse_card(text)
    assert card.data == {}
    assert card.error and "front matter" in card.error
    assert "body" in card.body
    assert "---" not in card.body
