"""A failures line stays one line for every reader (motcrawl.outputs.failures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcrawl.args import read_ids_file
from motcrawl.outputs.failures import FailureLog


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"])
def test_reason_with_a_unicode_line_break_stays_on_its_line(tmp_path: Path, char: str) -> None:
    path = tmp_path / "failures.jsonl"
    log = FailureLog(path)
    assert log.record("org/a", "parse", f"Cannot parse '{char}' as a datetime")
    assert log.record("org/b", "card", "ok")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["model_id"] for line in lines] == ["org/a", "org/b"]
    assert json.loads(lines[0])["reason"] == f"Cannot parse '{char}' as a datetime"
    assert read_ids_file(str(path)) == ["org/a", "org/b"]
