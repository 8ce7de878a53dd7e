"""Property-based tests: the parsers take any text and never raise out of their module.

Card text, model ids and URLs, license ids and texts come from strangers; a crash
in one of these would lose a model (or the whole crawl), so each is fed
arbitrary input, plus inputs built to look almost right.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from motcrawl.analysis import cardtext
from motcrawl.analysis.detect import detect_components
from motcrawl.analysis.evidence import build_evidence
from motcrawl.analysis.licenses import (
    HUB_LICENSE_NAMES,
    LicenseFinding,
    detect_license,
    identify_license_text,
    normalize_license,
)
from motcrawl.analysis.release import fields_as_dict, release_fields
from motcrawl.web.hf import Card, ModelRefError, model_id_or_none, parse_card, parse_model_ref

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Text that looks like what the parsers expect: YAML-ish, Markdown-ish, URL-ish.
_pieces = st.sampled_from([
    "---", "\n", "\r\n", ": ", "- ", "#", "# ", "## ", "|", ">", "'", '"', "[", "]", "(", ")",
    "{", "}", "!!python/object:os.system", "&a", "*a", "<<: *a", "license: ", "model_name: ",
    "https://", "huggingface.co/", "github.com/", "/", "..", "\t", "\x00", "\ufeff", "é",
    "```", "|---|", "<a href='", "'>", "</a>", "apache-2.0", "mit", "other", "?", "%2e%2e",
    "\u2028", "\x85", " ", "a", "7b",
])
hostile_text = st.one_of(
    st.text(),
    st.lists(_pieces, max_size=40).map("".join),
    st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=40).map("".join),
)


# -- card / front matter -----------------------------------------------------------
@SETTINGS
@given(hostile_text)
@example("---\nlicense: [unclosed\n---\nbody")
@example("---\n!!python/object/apply:os.system ['echo hi']\n---\n")
@example("---\n- just\n- a list\n---\n")
@example("---\n" + "a: &a [*a]\n" + "---\n")
@example("\ufeff---\nlicense: mit\n---\n# T")
def test_parse_card_never_raises(text: str) -> None:
    card = parse_card(text)
    assert isinstance(card, Card)
    assert isinstance(card.data, dict)
    assert isinstance(card.body, str)
    assert card.error is None or ("\n" not in card.error and card.error)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["license", "model_name", "license_name", "x"]),
                       # YAML 1.1 reads NEL/LS/PS as line breaks even inside quotes
                       st.text(st.characters(exclude_characters="\x85\u2028\u2029"),
                               max_size=30), max_size=4), hostile_text)
def test_parse_card_reads_valid_front_matter(data: dict[str, str], body: str) -> None:
    """Well-formed front matter comes back with the same values, whatever the body."""
    # JSON strings are YAML double-quoted scalars, control characters escaped.
    front = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                    for key, value in data.items())
    card = parse_card(f"---\n{front}---\n{body}")
    if card.error is None:
        for key, value in data.items():
            assert card.data.get(key) == value


# -- model ids and URLs --------------------------------------------------------------
_ID_CHARS = st.sampled_from(list("abcXYZ019-_.") + ["..", "/", "//", "%2F", "%2e", "\\", " ",
                                                    "?", "#", ":", "~", "é", "\x00"])
id_like = st.one_of(
    st.text(),
    st.lists(_ID_CHARS, max_size=30).map("".join),
    st.tuples(st.sampled_from(["", "https://", "http://", "hf.co/", "https://www.huggingface.co/",
                               "ftp://huggingface.co/", "https://huggingface.co.evil.com/",
                               "https://user@huggingface.co/", "file:///", "/"]),
              st.lists(_ID_CHARS, max_size=30).map("".join)).map("".join),
)
_REPO_ID_RE = re.compile(r"^(?:[\w.-]+/)?[\w.-]+$", re.ASCII)


@SETTINGS
@given(id_like)
@example("../../etc/passwd")
@example("/etc/passwd")
@example("https://huggingface.co/../../x")
@example("https://huggingface.co/a/..")
@example("https://huggingface.co/%2e%2e/%2e%2e")
@example("org/..")
@example("..")
@example("C:\\Windows\\x")
@example("https://huggingface.co:99999/a/b")
@example("https://[::1/a/b")
@example("org/name\x00")
def test_parse_model_ref_only_raises_model_ref_error(text: str) -> None:
    try:
        model_id = parse_model_ref(text)
    except ModelRefError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert _REPO_ID_RE.match(model_id), model_id
    parts = model_id.split("/")
    assert 1 <= len(parts) <= 2
    assert all(p not in ("", ".", "..") for p in parts)
    assert ".." not in model_id and not model_id.startswith(("/", "."))


@SETTINGS
@given(st.one_of(id_like, st.none(), st.integers(), st.lists(st.text(max_size=3), max_size=2)))
def test_model_id_or_none_never_raises(value: object) -> None:
    result = model_id_or_none(value)
    assert result is None or _REPO_ID_RE.match(result)


@pytest.mark.parametrize("text, expected", [
    ("org/name", "org/name"),
    ("https://huggingface.co/org/name/tree/main", "org/name"),
    ("hf.co/org/name?x=1#y", "org/name"),
    ("gpt2", "gpt2"),
])
def test_parse_model_ref_still_accepts_real_ids(text: str, expected: str) -> None:
    assert parse_model_ref(text) == expected


# -- licenses ------------------------------------------------------------------------
license_like = st.one_of(
    hostile_text,
    st.sampled_from(sorted(HUB_LICENSE_NAMES)),
    st.sampled_from(["Apache-2.0", "MIT OR Apache-2.0", "GPL-2.0+", "(MIT", "MIT AND",
                     "WITH", "LicenseRef-x", "apache 2.0", " other ", "x" * 500]),
)


@SETTINGS
@given(st.one_of(license_like, st.none(), st.integers(), st.lists(st.text(max_size=3))))
def test_normalize_license_never_raises(value: object) -> None:
    result = normalize_license(value)
    assert result is None or (isinstance(result, str) and result == result.strip()
                              and len(result) <= 500)


@SETTINGS
@given(hostile_text)
def test_identify_license_text_never_raises(text: str) -> None:
    result = identify_license_text(text)
    assert result is None or isinstance(result, str)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | license_like,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["license", "license_name", "license_link", "other"]),
                       _json_values, max_size=4),
       st.lists(st.one_of(st.text(max_size=20), license_like.map("license:{}".format)),
                max_size=5),
       st.lists(st.sampled_from(["LICENSE", "LICENSE.txt", "COPYING", "../LICENSE", "a/LICENSE",
                                 "README.md"]), max_size=3),
       st.one_of(st.none(), hostile_text))
def test_detect_license_never_raises(card_data, tags, files, license_text) -> None:
    finding = detect_license(card_data, tags, files, file_url=lambda f: f"https://h/{f}",
                             license_text=license_text)
    assert isinstance(finding, LicenseFinding)
    assert isinstance(finding.name, str) and finding.name
    assert 0.0 <= finding.confidence <= 1.0


# -- card text helpers ---------------------------------------------------------------
@SETTINGS
@given(hostile_text)
def test_cardtext_helpers_never_raise(body: str) -> None:
    for section in cardtext.sections(body):
        assert 1 <= section.level <= 6
    title = cardtext.title(body)
    assert title is None or (title and "\n" not in title)
    for link in cardtext.links(body):
        assert link.url.startswith(("http://", "https://"))
        assert "\n" not in link.line
    assert all(isinstance(b, str) for b in cardtext.code_blocks(body))
    assert all(len(t) >= 3 for t in cardtext.tables(body))


@pytest.mark.parametrize("body", [None, 42, b"bytes"])
def test_cardtext_tolerates_non_text(body: object) -> None:
    assert cardtext.sections(body) == []  # type: ignore[arg-type]
    assert cardtext.links(body) == []  # type: ignore[arg-type]


# -- detectors and release fields on arbitrary cards and info answers ----------------
_sibling = st.one_of(
    st.sampled_from(["config.json", "model.safetensors", "README.md", "LICENSE",
                     "checkpoint-100/model.bin", "step1000/x.pt", "../../x.bin", "/abs.gguf",
                     "train.py", "data/x.parquet"]).map(lambda f: {"rfilename": f}),
    st.text(max_size=10).map(lambda f: {"rfilename": f}),
    _json_values.map(lambda f: {"rfilename": f}),
)
info_payload = st.fixed_dictionaries(
    {"id": st.just("org/name")},
    optional={
        "siblings": st.lists(_sibling, max_size=6),
        "tags": st.lists(st.one_of(st.text(max_size=15), license_like.map("license:{}".format),
                                   st.text(max_size=10).map("dataset:{}".format),
                                   st.text(max_size=10).map("arxiv:{}".format),
                                   st.text(max_size=10).map("base_model:{}".format)),
                         max_size=6),
        "cardData": st.one_of(_json_values, st.dictionaries(
            st.sampled_from(["license", "license_name", "model_name", "datasets", "base_model",
                             "model-index", "language", "pipeline_tag", "tags"]),
            _json_values, max_size=5)),
        "transformersInfo": _json_values,
        "evalResults": _json_values,
        "config": st.one_of(st.none(), st.dictionaries(
            st.sampled_from(["architectures", "model_type", "x"]), _json_values, max_size=3)),
        "pipeline_tag": st.one_of(st.none(), st.text(max_size=20)),
        "library_name": st.one_of(st.none(), st.text(max_size=10), _json_values),
        "safetensors": st.one_of(st.none(), _json_values,
                                 st.just({"parameters": {"F32": 7}, "total": 7})),
        "baseModels": _json_values,
        "gguf": _json_values,
        "createdAt": st.one_of(st.none(), st.text(max_size=25),
                               st.just("2024-01-02T03:04:05.000Z")),
        "gated": st.one_of(st.booleans(), st.sampled_from(["manual", "auto"])),
        "sha": st.one_of(st.none(), st.text(max_size=40)),
    },
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(info_payload, st.one_of(st.none(), hostile_text),
       st.sampled_from(["ok", "missing", "gated"]),
       st.one_of(st.none(), st.lists(st.text(max_size=12), max_size=4)))
def test_detectors_and_release_fields_never_raise(info, card_text, status, refs) -> None:
    try:
        ev = build_evidence("org/name", info, card_text, status, refs=refs)
    except (TypeError, ValueError, KeyError):
        # huggingface_hub rejects the info answer: ComponentDetectionPipeline turns
        # exactly these into a recorded failure (see test_pipelines_never_lose_a_model).
        return
    for det in detect_components(ev):
        assert 0.0 <= det.confidence <= 1.0
    fields = fields_as_dict(release_fields(ev))
    name = fields["name"]["value"]
    assert isinstance(name, str) and name.strip()
