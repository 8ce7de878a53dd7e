"""tests/fixtures/realcards/_blind/: the blind second reader's judgments are well formed and
their evidence is really there (a quote from the card, a path in a GitHub tree fixture, or a
path in a snapshot the reader names with its commit)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from motcrawl.mof.framework import NAMES

CORPUS = Path(__file__).resolve().parent / "fixtures" / "realcards"
BLIND = CORPUS / "_blind"
TREES = (CORPUS / "_github" / "trees", CORPUS.parent / "github" / "trees")
REPO_PATH_RE = re.compile(r"^([\w.-]+/[\w.-]+): (.+)$")
HF_FILES_RE = re.compile(r"^[\w.-]+/[\w.-]+ \(HF file list[^)]*\): (.+)$")
FETCHED_RE = re.compile(r"^fetched: ([\w.-]+/[\w.-]+)@([0-9a-f]{40})\b")


def _files() -> list[Path]:
    return sorted(BLIND.glob("*.json")) if BLIND.is_dir() else []


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _tree(repo: str) -> set[str] | None:
    for folder in TREES:
        path = folder / (repo.replace("/", "__") + ".json")
        if path.exists():
            return {e["path"] for e in json.loads(path.read_text())["tree"]}
    return None


def test_there_is_a_judgment_for_every_report_only_model_with_a_mot_file() -> None:
    split = json.loads((CORPUS / "SPLIT.json").read_text())
    judged = {_load(p)["model_id"].lower() for p in _files()}
    report_with_mot = {m.lower() for m in split["report"] + split.get("fresh", [])
                       if json.loads((CORPUS / m.replace("/", "__") / "source.json")
                                     .read_text()).get("mot_file")}
    assert report_with_mot <= judged


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_judgment_is_whole_and_its_evidence_is_there(path: Path) -> None:
    data = _load(path)
    folder = CORPUS / data["model_id"].replace("/", "__")
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert path.stem == folder.name
    fetched = {m.group(1).lower() for r in data.get("read", [])
               if (m := FETCHED_RE.match(str(r)))}
    # Paths the reader took from the stored code index (a repository too large to fetch, or
    # a branch no snapshot holds), named in "read": weaker than a snapshot, and said so there.
    fetched |= {repo.lower() for r in data.get("read", []) if "stored index" in str(r)
                for repo in re.findall(r"\b([\w.-]+/[\w.-]+)\b", str(r).split(":", 1)[-1])}
    names = [row["component"] for row in data["components"]]
    assert sorted(names) == sorted(NAMES)
    for row in data["components"]:
        released, evidence = row["released"], row["evidence"]
        assert released in (True, False, None), row["component"]
        assert row["rule"] and row["note"], row["component"]
        if released is False:
            assert evidence == [] and row["evidence_source"] == "none", row["component"]
        if released is True:
            assert evidence, row["component"]        # a release always shows where
        for item in evidence:
            if item in card:
                continue
            if m := HF_FILES_RE.match(item):
                siblings = json.loads((folder / "source.json").read_text())["siblings"] or []
                assert set(m.group(1).split(", ")) <= set(siblings), item
                continue
            m = REPO_PATH_RE.match(item)
            assert m, f"{row['component']}: {item!r} is neither a card quote nor repo: path"
            repo, paths = m.group(1), m.group(2)
            tree = _tree(repo) or set()
            if repo.lower() in fetched:
                continue      # a snapshot the reader names by commit (may be newer than a fixture)
            for one in paths.split(", "):
                assert one.rstrip("/") in tree, f"{repo}: {one} (no tree fixture holds it)"


def test_rules_are_quoted_from_component_rules() -> None:
    rules = Path(__file__).resolve().parents[2] / "shared" / "mot" / "COMPONENT_RULES.md"
    if not rules.exists():
        pytest.skip("../shared/mot/COMPONENT_RULES.md not present")
    text = " ".join(rules.read_text(encoding="utf-8").replace("**", "").split())
    for path in _files():
        for row in _load(path)["components"]:
            # Sentences may come from different places of the file: each is checked.
            for part in re.split(r"\s*(?:\.\.\.|…)\s*|(?<=[.;:])\s+", row["rule"]):
                part = " ".join(part.replace("**", "").split()).strip("\"' ")
                assert not part or part in text, (path.stem, row["component"], part)
