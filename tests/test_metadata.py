"""One helper each: string-or-list values, tag prefixes, URL quoting (and who uses them)."""

from __future__ import annotations

from typing import Any

import pytest

from motcrawl.analysis import datasets as ds
from motcrawl.analysis.detect import detect_components
from motcrawl.analysis.licenses import detect_license
from motcrawl.analysis.lookups import plan_from
from motcrawl.analysis.metadata import str_list, tag_values
from motcrawl.web.urls import quote_path, quote_segment
from tests.evidence_helpers import evidence


@pytest.mark.parametrize(("value", "expected"), [
    ("allenai/dolma", ["allenai/dolma"]),
    (["a/b", 3, None, "c/d"], ["a/b", "c/d"]),
    (True, []),
    ({"name": "x"}, []),
    (None, []),
    (7, []),
])
def test_str_list(value: Any, expected: list[str]) -> None:
    assert str_list(value) == expected


@pytest.mark.parametrize(("tags", "prefix", "expected"), [
    (["license:mit", "dataset:a/b", "arxiv:2402.00838", "text-generation"], "license", ["mit"]),
    (["dataset:a/b", "dataset:c:d", None, 5], "dataset", ["a/b", "c:d"]),
    (["arxiv:1", "arxiv:2"], "arxiv", ["1", "2"]),
    (["licensed:mit", "license"], "license", []),
])
def test_tag_values(tags: list[Any], prefix: str, expected: list[str]) -> None:
    assert tag_values(tags, prefix) == expected


@pytest.mark.parametrize(("text", "path", "segment"), [
    ("org/name", "org/name", "org%2Fname"),
    ("a b/c#d", "a%20b/c%23d", "a%20b%2Fc%23d"),
    ("refs/pr/1", "refs/pr/1", "refs%2Fpr%2F1"),
])
def test_quoting(text: str, path: str, segment: str) -> None:
    assert (quote_path(text), quote_segment(text)) == (path, segment)


CARD_DATASETS_TRUE = "---\nlicense: mit\ndatasets: true\nbase_model: true\n---\n# A model\n"


def test_a_card_with_datasets_true_is_drafted_not_failed() -> None:
    """``datasets: true`` in the front matter used to raise TypeError in datasets.py."""
    ev = evidence(CARD_DATASETS_TRUE, tags=["dataset:allenai/dolma", "license:apache-2.0"])
    assert ds.declared_ids(ev.card_data, ev.tags) == ["allenai/dolma"]
    assert plan_from(ev, budget=None, github=False).dataset_ids == ["allenai/dolma"]
    assert {d.name for d in detect_components(ev)}  # no exception, something detected
    assert detect_license(ev.card_data, ev.tags, ev.files).name == "MIT"


def test_licenses_true_and_tags_fall_back() -> None:
    ev = evidence("---\nlicense: true\n---\n# M", tags=["license:apache-2.0"])
    assert detect_license(ev.card_data, ev.tags, ev.files).name == "Apache-2.0"
    payload = {"id": "d/x", "cardData": {"license": True}, "tags": ["license:mit"]}
    assert ds.parse_dataset_info(payload)["license"] == "MIT"
