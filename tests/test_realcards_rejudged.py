"""tests/fixtures/realcards/REJUDGED.json: every re-judged slot is well formed and its
evidence is really in the fixtures (a quote from the card, a path in a GitHub tree)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from motcrawl.mof.framework import NAMES

CORPUS = Path(__file__).resolve().parent / "fixtures" / "realcards"
TREES = (CORPUS / "_github" / "trees", CORPUS.parent / "github" / "trees")
NO_EVIDENCE = "no evidence in card/tree"
RULES_HEADS = {name: f"**{name}**" for name in NAMES}


def _slots() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "REJUDGED.json").read_text(encoding="utf-8"))["slots"]


def _tree(repo: str) -> set[str]:
    for folder in TREES:
        path = folder / (repo.replace("/", "__") + ".json")
        if path.exists():
            return {e["path"] for e in json.loads(path.read_text())["tree"]}
    return set()


def test_slots_are_unique_disagreements_of_corpus_models() -> None:
    split = json.loads((CORPUS / "SPLIT.json").read_text())
    models = {m.lower() for m in split["dev"] + split["report"]}
    seen: set[tuple[str, str]] = set()
    for slot in _slots():
        key = (slot["model_id"].lower(), slot["component"])
        assert key not in seen, key
        seen.add(key)
        assert key[0] in models and slot["component"] in NAMES
        assert slot["mot"] is not slot["draft"], key          # only disagreements
        assert isinstance(slot["verdict"], bool)
        assert slot["rule"] and slot["evidence"]


@pytest.mark.parametrize("slot", _slots(), ids=lambda s: f"{s['model_id']}:{s['component']}")
def test_evidence_is_in_the_fixtures(slot: dict[str, Any]) -> None:
    source, evidence = slot["evidence_source"], slot["evidence"]
    folder = CORPUS / slot["model_id"].replace("/", "__")
    if source == "card":
        assert evidence in (folder / "README.md").read_text(encoding="utf-8")
    elif source == "tree":
        repo, _, paths = evidence.partition(": ")
        assert set(paths.split(", ")) <= _tree(repo)
    elif source == "hf file list":
        listed = json.dumps(json.loads((folder / "source.json").read_text()))
        assert all(f in listed for f in evidence.split(", "))
    else:
        assert source == "none" and evidence == NO_EVIDENCE
        assert slot["verdict"] is False          # no evidence never releases a component


def test_rule_is_quoted_from_component_rules() -> None:
    rules = Path(__file__).resolve().parents[2] / "shared" / "mot" / "COMPONENT_RULES.md"
    if not rules.exists():
        pytest.skip("../shared/mot/COMPONENT_RULES.md not present")
    text = rules.read_text(encoding="utf-8")
    for slot in _slots():
        for part in slot["rule"].split(" ... "):
            assert part in text, (slot["model_id"], slot["component"])
