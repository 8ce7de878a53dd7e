"""Third-party libraries and tools the detectors recognise in a card, by their calls or names.

The vocabulary is data, each entry with its source: motcrawl/data/tools.json, loaded once
at import. ``pattern`` joins a list's regular expressions into one alternation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Tool:
    name: str
    patterns: tuple[str, ...]   # regular expressions, matched case-insensitively
    example: str                # a line as the tool's documentation writes it
    source: str


def _tools(entries: list[dict[str, Any]]) -> tuple[Tool, ...]:
    return tuple(Tool(str(e["tool"]), tuple(map(str, e["patterns"])), str(e["example"]),
                      str(e["source"])) for e in entries)


_DATA = json.loads(resources.files("motcrawl").joinpath("data/tools.json").read_text("utf-8"))

# Calls that make a code block in the card usage (inference) code.
USAGE_CODE: tuple[Tool, ...] = _tools(_DATA["usage_code"])
# Harness names that make a sentence a mention of evaluation code.
EVALUATION_HARNESSES: tuple[Tool, ...] = _tools(_DATA["evaluation_harnesses"])


def pattern(tools: tuple[Tool, ...]) -> str:
    """One regular-expression alternation of every tool's patterns."""
    return "|".join(p for tool in tools for p in tool.patterns)
