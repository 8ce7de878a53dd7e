"""Property-based tests of the YAML writer: every draft reads back with the same values.

A model name (from a stranger's card) may hold quotes, colons, ``#``, newlines,
unicode or be very long; header lines may hold anything too. Whatever they
hold, ``yaml.safe_load`` of the rendered draft must give back exactly the
document, and the header must stay comments.
"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from motcrawl.outputs.yamlfile import (
    HEADER_MARK,
    comment_line,
    draft_owner,
    render_draft,
    safe_file_stem,
)

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

_tricky = st.sampled_from([
    "'", '"', ": ", ":", "#", " #", "- ", "? ", "|", ">", "&a", "*a", "!!python/object", "%", "@",
    "`", "{", "}", "[", "]", ",", "\n", "\r", "\r\n", "\t", " ", "\x00", "\x85", "\u2028",
    "\u2029", "\ufeff", "\x7f", "\x9f", "é", "名前", "🙂", "---", "...", "null", "~", "yes", "no",
    "on", "1e3", "0x1F", "2024-01-01", "12:30", ".inf", "=", "<<",
])
names = st.one_of(
    st.text(),
    st.lists(st.one_of(_tricky, st.text(max_size=3)), max_size=30).map("".join),
    st.text(min_size=5000, max_size=12000, alphabet="ab \n#:'\""),
)


def _document(name: str, extra: str) -> dict:
    return {"framework": {"name": "Model Openness Framework", "version": "1.0",
                          "date": "2024-12-15"},
            "release": {"name": name, "version": extra, "license": {"distribution": {
                "name": extra, "path": f"https://h/{extra}"}},
                "components": [{"name": "Model card", "description": name}]}}


@SETTINGS
@given(names, names)
@example("Llama 3: 8B # instruct", "a\nb")
@example("x" * 20_000, "y")
@example("trailing space\n ", "\n")
@example("\x85", "a\u2028b")
@example("line\nwith trailing \nspace ", "'quoted'")
@example("- item", "key: value")
def test_rendered_draft_round_trips(name: str, extra: str) -> None:
    doc = _document(name, extra)
    text = render_draft(doc, [f"source: https://huggingface.co/{name}", f"note: {extra}"])
    assert yaml.safe_load(text) == doc


@SETTINGS
@given(st.lists(names, max_size=5))
@example(["x\n---\nrelease: {name: injected}", "\rrelease: hacked", "\u2028evil: 1"])
def test_header_lines_cannot_inject_yaml(header: list[str]) -> None:
    doc = {"release": {"name": "safe"}}
    text = render_draft(doc, header)
    assert yaml.safe_load(text) == doc
    lines = text.split("\n")
    assert lines[0] == HEADER_MARK
    # Every header line stays one comment line, whatever line breaks it held.
    head = lines[1:1 + len(header)]
    assert all(line.startswith("#") for line in head)
    assert all(not re.search(r"[\r\x85\u2028\u2029]", line) for line in head)


@SETTINGS
@given(names)
def test_comment_line_is_one_line(text: str) -> None:
    line = comment_line(text)
    assert line.startswith("#")
    assert len(line.splitlines()) <= 1


@SETTINGS
@given(names)
@example("../../etc/passwd")
@example("/etc/passwd")
@example("CON")
@example("con.txt")
@example("LPT1")
@example("..")
@example("name\x00with nul")
@example("a" * 1000)
def test_safe_file_stem_is_a_plain_file_name(name: str) -> None:
    stem = safe_file_stem(name)
    assert stem and len(stem) <= 101
    assert re.fullmatch(r"[A-Za-z0-9_.+-]+", stem), stem
    assert not stem.startswith(".") and "/" not in stem and ".." not in stem
    assert stem.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


@pytest.mark.parametrize("name", ["a", "Llama 3", "x" * 300, "é"])
def test_draft_owner_reads_back_the_source_line(tmp_path, name: str) -> None:
    path = tmp_path / "d.yml"
    url = f"https://huggingface.co/org/{name}"
    path.write_text(render_draft({"release": {"name": name}}, [f"source: {url}"]),
                    encoding="utf-8")
    assert draft_owner(path) == url
