"""The job journal: what a JOBDIR job asked for and finished, written as it happens.

One JSON object per line, appended with one ``write`` each (no buffer), so it
survives SIGINT, a second SIGINT and kill -9 (Scrapy's own ``spider.state`` is
written only when the spider closes, and its request queue can be left broken
by a kill). A resumed job reads it back:

- ``{"e": "want", "m": ID, "why": REASON, "entry": {...}}``: a model the job
  decided to draft (``entry``: its listing entry, so a resume needs no request
  to know it; ``why``: the incremental reason);
- ``{"e": "done", "m": ID}``: the model was drafted or its failure recorded;
- ``{"e": "listing", "next": URL or null, "listed": N, "drafts": K}``: a listing
  page was read; ``next`` is the page to read next (null: the listing is over).

A torn last line (a kill in the middle of a write) is ignored.
No Scrapy import: motcrawl.components.resume is the adapter.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOURNAL_FILE = "motcrawl-journal.jsonl"


@dataclass
class JournalState:
    """What the journal says about the job so far."""

    wanted: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> want line
    done: set[str] = field(default_factory=set)
    listing: dict[str, Any] | None = None  # the last listing line
    lines: int = 0

    @property
    def unfinished(self) -> list[dict[str, Any]]:
        """Want lines of models not done, in the order they were wanted."""
        return [w for m, w in self.wanted.items() if m not in self.done]


def read_journal(path: Path) -> JournalState:
    state = JournalState()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return state
    for raw in data.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # a torn line (the job was killed while writing it)
        if not isinstance(line, dict):
            continue
        state.lines += 1
        kind, model_id = line.get("e"), line.get("m")
        if kind == "want" and isinstance(model_id, str):
            state.wanted.setdefault(model_id, line)
        elif kind == "done" and isinstance(model_id, str):
            state.done.add(model_id)
        elif kind == "listing":
            state.listing = line
    return state


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        # A torn last line from a kill: start on a fresh line.
        size = os.fstat(self._fd).st_size
        if size and not path.read_bytes()[-1:] == b"\n":
            os.write(self._fd, b"\n")

    def write(self, line: dict[str, Any]) -> None:
        os.write(self._fd, (json.dumps(line, ensure_ascii=False, separators=(",", ":"))
                            + "\n").encode("utf-8"))

    def want(self, model_id: str, *, why: str | None = None,
             entry: dict[str, Any] | None = None) -> None:
        self.write({"e": "want", "m": model_id, "why": why, "entry": entry})

    def done(self, model_id: str) -> None:
        self.write({"e": "done", "m": model_id})

    def listing(self, next_url: str | None, listed: int, drafts: int) -> None:
        self.write({"e": "listing", "next": next_url, "listed": listed, "drafts": drafts})

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
