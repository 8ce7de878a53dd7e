"""Helpers for the hostile-input tests: fake servers and reading what a crawl wrote.

Crawls run through tests/crawl_support.py like every other crawl test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from motcrawl.outputs.yamlfile import HEADER_MARK
from tests.fakes.hostile import CardServer, HostileHub


def failures_of(path: Path) -> dict[str, dict]:
    """model id -> failure line (asserting each model appears once)."""
    if not path.exists():
        return {}
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    ids = [x["model_id"] for x in lines]
    assert len(ids) == len(set(ids)), f"duplicate failure lines: {ids}"
    return {x["model_id"]: x for x in lines}


def drafts_of(folder: Path) -> dict[str, Path]:
    """model id (from each draft's header) -> draft path; every draft must parse."""
    out: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert isinstance(yaml.safe_load(text), dict), path
        if not text.startswith(HEADER_MARK):
            continue  # not a draft (a MOT file placed there by the test)
        model_id = next(line.split(": ", 1)[1] for line in text.splitlines()
                        if line.startswith("# model-id: "))
        assert model_id not in out, f"two drafts for {model_id}: {out[model_id]}, {path}"
        out[model_id] = path
    return out


@pytest.fixture
def card_server() -> Iterator[CardServer]:
    with CardServer() as server:
        yield server


@pytest.fixture
def hostile_hub(card_server: CardServer) -> Iterator[HostileHub]:
    with HostileHub(offsite=card_server, slow=4.0, enforce=False) as hub:
        yield hub
