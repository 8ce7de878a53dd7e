"""Data tables the detectors read say where each entry comes from (motcrawl/data)."""

from __future__ import annotations

import json
from importlib import resources

import pytest


def _table(name: str, key: str) -> dict[str, dict[str, object]]:
    text = resources.files("motcrawl").joinpath(f"data/{name}").read_text("utf-8")
    return json.loads(text)[key]


@pytest.mark.parametrize(("name", "key"), [
    ("producers.json", "producers"),
    ("github_orgs.json", "github_orgs"),
    ("generic_repos.json", "generic_repos"),
    ("hub_licenses.json", "licenses"),
    ("third_party_packages.json", "packages"),
])
def test_every_entry_names_its_source(name: str, key: str) -> None:
    table = _table(name, key)
    assert table
    for entry, value in table.items():
        assert isinstance(value.get("source"), str) and len(str(value["source"])) > 10, entry


def test_producers_hold_no_identity_entries() -> None:
    for org, value in _table("producers.json", "producers").items():
        assert value["name"] != org, org


def test_github_orgs_hold_other_names_only() -> None:
    for org, value in _table("github_orgs.json", "github_orgs").items():
        accounts = value["accounts"]
        assert isinstance(accounts, list) and accounts
        assert org == org.lower()
        assert [a.lower() for a in accounts] != [org], org


def test_tables_are_what_the_code_reads() -> None:
    from motcrawl.analysis import github, release

    assert "huggingface/transformers" in github.GENERIC_REPOS
    assert github.GITHUB_ORGS["qwen"] == ("QwenLM",)
    assert release.PRODUCERS["meta-llama"]["name"] == "Meta"


def test_hub_license_table_is_what_normalization_reads() -> None:
    from motcrawl.analysis import licenses

    table = _table("hub_licenses.json", "licenses")
    assert licenses.HUB_LICENSE_NAMES == {k: v["name"] for k, v in table.items()}
    assert licenses.normalize_license("llama2") == "Llama 2 Community License Agreement"


def test_code_model_families_name_their_source_and_are_what_the_code_reads() -> None:
    from motcrawl.analysis import modelkind

    families = json.loads(resources.files("motcrawl").joinpath(
        "data/code_models.json").read_text("utf-8"))["families"]
    for entry in families:
        assert isinstance(entry.get("source"), str) and len(entry["source"]) > 10, entry
    assert modelkind.CODE_FAMILIES == tuple(e["name"] for e in families)
    assert modelkind.CODE_NAME.search("graphcodebert-base")


def test_name_families_state_their_source_and_are_what_the_code_reads() -> None:
    from motcrawl.analysis import modelkind

    table = _table("model_types.json", "name_families")
    assert len(str(table["source"])) > 10
    read = {family: arch for arch, families in table.items() if isinstance(families, list)
            for family in families}
    assert modelkind.NAME_FAMILIES == read
