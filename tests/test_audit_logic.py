"""The audit's plain logic: names, licenses, edits, finding kinds, report (motcrawl.audit.*)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from motcrawl.audit import edits
from motcrawl.audit.entries import entry_from, from_api, read_dir
from motcrawl.audit.findings import (
    KINDS,
    Finding,
    HubAnswer,
    catalog_findings,
    hub_findings,
    settle_guess,
)
from motcrawl.audit.licenses import differs, entry_license, license_key
from motcrawl.audit.names import check_names, family_matches, sizes, versions
from motcrawl.outputs.audit_report import AuditSummary, render
from tests.conftest import MOT, needs_mot


# -- names -------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("CodeGemma-2B", ["2b"]), ("codet5p-220m", ["220m"]), ("OpenELM-1_1B", ["1.1b"]),
    ("Mixtral-8x7B-v0.1", ["8x7b"]), ("Qwen1.5-MoE-A2.7B", ["2.7b"]),
    ("OLMo-7B-Twin-2T-hf", ["7b", "2t"]), ("BTLM-3B-8k-base", ["3b"]),
    ("open_llama_3b_v2", ["3b"]), ("switch-c-2048", []), ("Llama-3.1", []),
    ("stablelm-2-1_6b", ["1.6b"]), ("Yi-1.5-34B-Chat", ["34b"]),
])
def test_sizes(text: str, expected: list[str]) -> None:
    assert sizes(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Llama-3.1-8B", ["31"]), ("Mistral-7B-Instruct-v0.1", ["01"]), ("Codegen2.5", ["25"]),
    ("codegen25-7b-mono_P", ["25"]), ("phi-1_5", ["15"]), ("ChatGLM2", ["2"]),
    ("Switch-C-2048", []), ("BTLM-3B-8k-base", []), ("DeepSeek-V3", ["3"]),
])
def test_versions(text: str, expected: list[str]) -> None:
    assert versions(text) == expected


@pytest.mark.parametrize(("stem", "name", "version", "model_id", "problem", "suggested"), [
    # the example: a 2B file pointing at the 7B repository
    ("CodeGemma-2B", "CodeGemma-2B", "2B", "google/codegemma-7b", "size", "google/codegemma-2b"),
    ("CodeT5+-220M", "CodeT5+-220M", "220M", "Salesforce/codet5p-16b", "size",
     "Salesforce/codet5p-220m"),
    ("Llama-3.1-8B", "Llama-3.1-8B", "8B", "meta-llama/Llama-3.2-8B", "version", None),
    ("CodeGemma-7B-Instruct", "x", "7B", "google/codegemma-7b", "variant", None),
    ("dbrx-instruct", "dbrx-instruct", "132B", "deepseek-ai/deepseek-moe-16b-instruct",
     "family", None),
    ("Hawk", "Hawk", "7B", "XeroCodes/hawk-small-7b-gguf", "conversion", None),
    ("", "Pythia-1B", "1B", "EleutherAI/pythia-2.8b", "size", "EleutherAI/pythia-1b"),  # API
    ("Hawk", "Hawk", "7B", "Google/hawk-1.1b", "size", "Google/hawk-7b"),  # version field
    # agreements: no problem
    ("Qwen2.5-72B-Instruct", "Qwen2.5-32B-Instruct", "32B", "Qwen/Qwen2.5-72B-Instruct", "", None),
    ("RedPajamas-INCITE", "RedPajamas-INCITE", "7B",
     "togethercomputer/RedPajama-INCITE-7B-Base", "", None),
    ("Zephyr-141B", "Zephyr-141B", "141B", "HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1", "", None),
    ("Codegen2.5", "Codegen2.5", "7B", "Salesforce/codegen25-7b-mono_P", "", None),
    ("OpenLLaMA-3Bv2", "OpenLLaMA-3Bv2", "3B", "openlm-research/open_llama_3b_v2", "", None),
    ("Qwen1.5-7B", "Qwen1.5-7B", "14B", "Qwen/Qwen1.5-7B", "", None),  # version field wrong
    ("T5-11b", "T5-11b", "11B", "google-t5/t5-11b", "", None),
    ("gemma-1.1-2b", "gemma-1.1-2b", "2B", "google/gemma-1.1-2b-it", "", None),
])
def test_check_names(stem: str, name: str, version: str, model_id: str, problem: str,
                     suggested: str | None) -> None:
    check = check_names(stem, name, version, model_id)
    kinds = [p.split(":")[0] for p in check.problems]
    assert (problem in kinds) if problem else kinds == []
    assert check.suggested_id == suggested


def test_family_tolerates_spelling_drift_not_another_family() -> None:
    assert family_matches("RedPajamas-INCITE", "togethercomputer/RedPajama-INCITE-7B-Base")
    assert not family_matches("dbrx-instruct", "deepseek-ai/deepseek-moe-16b-base")


@needs_mot
def test_mot_url_names_other_model_findings_are_the_known_faults() -> None:
    """Over all 273 real files: the wrong sizes, variants and families a reviewer confirmed,
    and at most one debatable finding (BioMedGPT.yml names BioMedLM: the URL matches the
    version and producer, the file's name is the odd one)."""
    assert MOT is not None
    found, wrong = catalog_findings(read_dir(MOT / "models"))
    flagged = {f.catalog_file for f in found if f.kind == "url_names_other_model"}
    real = {"CodeGemma-2B.yml", "CodeGemma-7B.yml", "CodeGemma-7B-Instruct.yml",
            "CodeT5+-220M.yml", "CodeT5+-2B.yml", "CodeT5+-6B.yml", "CodeT5+-770M.yml",
            "Hawk.yml", "XVERSE.yml", "dbrx-instruct.yml"}
    assert real <= flagged
    assert flagged - real <= {"BioMedGPT.yml"}
    dupes = {f.catalog_file for f in found if f.kind == "duplicate_url"}
    assert {"DeepSeek-V3-test.yml", "Llama-3-70B-Instruct.yml", "Llama-3-8B-Instruct.yml",
            "DeepSeek-MoE-16B.yml", "CodeT5+-2B.yml"} <= dupes
    assert "DeepSeek-V3.yml" not in dupes and "CodeT5+-16B.yml" not in dupes  # the owners
    bad_urls = {f.catalog_file for f in found if f.kind == "not_a_model_url"}
    assert {"Baichuan-2.yml", "Granite-4-1.yml", "Qwen-72B.yml", "Phi-1.yml", "XGLM.yml",
            "Mistral-7B-v0.1.yml"} <= bad_urls
    assert wrong >= real


# -- licenses ----------------------------------------------------------------------
@pytest.mark.parametrize(("mot", "hub"), [
    ("Apache 2.0", "apache-2.0"), ("Meta Llama 3 Community License Agreement", "llama3"),
    ("Gemma Terms of Use", "gemma"), ("BSD-3", "bsd-3-clause"), ("MIT license", "mit"),
    ("Creative Commons Attribution Non Commercial 4.0", "cc-by-nc-4.0"),
    ("BigCode OpenRAIL-M v1 license agreement", "bigcode-openrail-m"),
    ("tongyi-qianwen-license-agreement", "tongyi-qianwen"),
])
def test_license_spellings_agree(mot: str, hub: str) -> None:
    assert license_key(mot) == license_key(hub)
    assert not differs(mot, hub)


@pytest.mark.parametrize(("mot", "hub"), [
    ("Apache-2.0", "mit"), ("Llama 3 Community License", "llama3.1"),
    ("tongyi-qianwen-research", "tongyi-qianwen"),
])
def test_license_differences(mot: str, hub: str) -> None:
    assert differs(mot, hub)


@pytest.mark.parametrize(("release", "expected"), [
    ({"license": {"distribution": {"name": "MIT"}}, "components": []},
     ("MIT", "release.license.distribution")),
    ({"license": {}, "components": [
        {"name": "Model card", "license": "CC-BY-4.0"},
        {"name": "Datasets", "license": "CC-BY-4.0"},
        {"name": "Model parameters (Final)", "license": "gemma"}]},
     ("gemma", "component 'Model parameters (Final)'")),
    ({"license": {}, "components": [{"name": "Model card", "license": "unlicensed"},
                                    {"name": "Datasets", "license": "Apache 2.0"},
                                    {"name": "Training code", "license": "Apache-2.0"},
                                    {"name": "Data card", "license": "MIT"}]},
     ("Apache 2.0", "the most common component license")),
    ({"license": {"distribution": {"name": "Undisclosed"}},
      "components": [{"name": "Datasets", "license": "Component not included"}]}, (None, "")),
])
def test_entry_license(release: dict, expected: tuple) -> None:
    assert entry_license(release) == expected


# -- edits -------------------------------------------------------------------------
MOT_STYLE = """framework:
  name: 'Model Openness Framework'
release:
  name: Demo-2B
  version: 2B
  date: '2024-11-15'
  license: {  }
  producer: Example
  huggingface: 'https://huggingface.co/example/demo-7b'
  components:
    -
      name: 'Model card'
      description: 'Model details'
"""
COMPACT_STYLE = """release:
  name: Demo
  license:
    distribution:
      name: Apache-2.0
      path: ''
  components:
  - name: Model card
"""


def apply(diff: str, text: str, tmp_path: Path) -> str:
    """``git apply`` the diff to a copy of the file: the diffs must be real patches."""
    (tmp_path / "Demo.yml").write_text(text)
    patch = tmp_path / "p.diff"
    patch.write_text(diff)
    run = subprocess.run(["git", "apply", "--unsafe-paths", "-p1", str(patch)], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return (tmp_path / "Demo.yml").read_text()


def test_edits_keep_the_file_style_and_apply(tmp_path: Path) -> None:
    after = edits.set_release_value(MOT_STYLE, "huggingface",
                                    "https://huggingface.co/example/demo-2b")
    after = edits.set_distribution_license(after, "Gemma Terms of Use")
    after = edits.add_components(after, [("Data card", "Documentation for datasets")])
    diff = edits.unified_diff(MOT_STYLE, after, "Demo.yml")
    assert "-  huggingface: 'https://huggingface.co/example/demo-7b'" in diff
    assert "+  huggingface: 'https://huggingface.co/example/demo-2b'" in diff
    assert "-  license: {  }\n+  license:\n+    distribution:\n" \
           "+      name: 'Gemma Terms of Use'\n+      path: ''\n" in diff
    assert "+    -\n+      name: 'Data card'\n+      description: 'Documentation for datasets'" \
        in diff
    assert apply(diff, MOT_STYLE, tmp_path) == after
    doc = yaml.safe_load(after)["release"]
    assert doc["license"]["distribution"]["name"] == "Gemma Terms of Use"
    assert [c["name"] for c in doc["components"]] == ["Model card", "Data card"]
    # every other line is untouched
    assert [line for line in MOT_STYLE.splitlines() if line not in after.splitlines()] == [
        "  license: {  }", "  huggingface: 'https://huggingface.co/example/demo-7b'"]


def test_edits_on_compact_yaml() -> None:
    after = edits.set_distribution_license(COMPACT_STYLE, "MIT")
    after = edits.add_components(after, [("Datasets", "Training data")])
    doc = yaml.safe_load(after)["release"]
    assert doc["license"]["distribution"] == {"name": "MIT", "path": ""}
    assert doc["components"] == [{"name": "Model card"},
                                 {"name": "Datasets", "description": "Training data"}]
    inserted = edits.set_release_value(COMPACT_STYLE, "huggingface", "https://h/x",
                                       after=("name",))
    assert yaml.safe_load(inserted)["release"]["huggingface"] == "https://h/x"
    assert inserted.splitlines()[2] == "  huggingface: 'https://h/x'"


def test_inline_values_are_left_to_a_human() -> None:
    with pytest.raises(edits.EditError):
        edits.set_distribution_license("release:\n  license: {distribution: {name: MIT}}\n",
                                       "Apache-2.0")


def test_deletion_diff() -> None:
    diff = edits.unified_diff("a: 1\n", None, "X.yml")
    assert diff.splitlines()[:2] == ["--- a/X.yml", "+++ /dev/null"]


# -- finding kinds -----------------------------------------------------------------------
def entry(name: str, hf: str, **release: object):
    doc = {"release": {"name": name, "version": "", "license": {}, "producer": "x",
                       "huggingface": hf, "components": [], **release}}
    return entry_from(f"{name}.yml", yaml.safe_dump(doc, sort_keys=False), doc)


INFO = {"id": "org/demo-7b", "sha": "a" * 40, "downloads": 1234, "gated": False,
        "tags": ["license:apache-2.0"], "cardData": {"license": "apache-2.0"},
        "siblings": [{"rfilename": "README.md"}, {"rfilename": "config.json"},
                     {"rfilename": "model.safetensors"}]}


@pytest.mark.parametrize(("answer", "kinds"), [
    (HubAnswer("org/demo-7b", 404, "RepoNotFound"), ["not_on_hub"]),
    (HubAnswer("org/demo-7b", 401, "RepoNotFound"), ["not_on_hub"]),
    (HubAnswer("org/demo-7b", 200, redirected_to="neworg/demo-7b",
               info={**INFO, "id": "neworg/demo-7b"}), ["renamed"]),
    (HubAnswer("org/demo-7b", 200, info={**INFO, "gated": "manual"}, card_status="gated",
               card_error="401 GatedRepo"), ["gated"]),
    (HubAnswer("org/demo-7b", 200, info={**INFO, "cardData": {"license": "mit"},
                                         "tags": ["license:mit"]}), ["license_drift"]),
    (HubAnswer("org/demo-7b", 200, info=INFO, card_text="---\nlicense: apache-2.0\n---\n# x\n",
               card_status="ok"), []),
])
def test_hub_kinds(answer: HubAnswer, kinds: list[str]) -> None:
    e = entry("Demo-7B", "https://huggingface.co/org/demo-7b",
              license={"distribution": {"name": "Apache-2.0"}},
              components=[{"name": n} for n in ("Model parameters (Final)", "Model metadata",
                                                "Model card")])
    found = hub_findings(e, answer)
    assert [f.kind for f in found] == kinds
    for f in found:
        assert f.suggestion and f.evidence
    if kinds == ["renamed"]:
        assert "+  huggingface: 'https://huggingface.co/neworg/demo-7b'" in found[0].diff
    if kinds == ["not_on_hub"]:
        assert "+  huggingface: ''" in found[0].diff


def test_component_evidence_lists_what_the_entry_lacks() -> None:
    e = entry("Demo-7B", "https://huggingface.co/org/demo-7b",
              license={"distribution": {"name": "Apache-2.0"}},
              components=[{"name": "Model card"}])
    found = hub_findings(e, HubAnswer("org/demo-7b", 200, info=INFO, card_status="missing"))
    assert [f.kind for f in found] == ["component_evidence"]
    assert "Model parameters (Final)" in found[0].detail and "Model card" not in found[0].detail
    assert any(ev.startswith("Model parameters (Final) (0.95): weight files: model.safetensors")
               for ev in found[0].evidence)
    assert "+  - name: 'Model parameters (Final)'" in found[0].diff
    # an entry whose URL names another model gets no evidence about that other repository
    assert hub_findings(e, HubAnswer("org/demo-7b", 200, info=INFO),
                        names_other_model=True) == []


def test_catalog_kinds_on_planted_entries() -> None:
    entries = [
        entry("Demo-2B", "https://huggingface.co/org/demo-7b"),                  # size
        entry("Demo-7B", "https://huggingface.co/org/demo-7b"),                  # owner
        entry("Demo-7B-copy", "https://huggingface.co/org/demo-7b"),             # same model
        entry("Paper", "Demo: a paper title"),                                    # not a URL
        entry("Titled", "https://huggingface.co/org/titled · Hugging Face"),     # page title
        entry("Nothing", ""),                                                     # no URL: skip
    ]
    found, wrong = catalog_findings(entries)
    got = sorted((f.catalog_file, f.kind) for f in found)
    assert got == [("Demo-2B.yml", "duplicate_url"), ("Demo-2B.yml", "url_names_other_model"),
                   ("Demo-7B-copy.yml", "duplicate_url"), ("Paper.yml", "not_a_model_url"),
                   ("Titled.yml", "not_a_model_url")]
    copy = next(f for f in found if f.catalog_file == "Demo-7B-copy.yml")
    assert copy.suggestion.startswith("remove this file: Demo-7B.yml describes the same model")
    assert "+++ /dev/null" in copy.diff
    titled = next(f for f in found if f.catalog_file == "Titled.yml")
    assert "+  huggingface: 'https://huggingface.co/org/titled'" in titled.diff
    assert wrong == {"Demo-2B.yml", "Demo-7B-copy.yml"}


@pytest.mark.parametrize(("exists", "suggestion", "url_in_diff"), [
    (True, "point it at the model the file describes: https://huggingface.co/org/demo-2b "
     "(on the Hub)", "'https://huggingface.co/org/demo-2b'"),
    (False, "point it at the model the file describes (org/demo-2b, the id with the entry's "
     "size, is not on the Hub); until then empty it", "''"),
    (None, "point it at the model the file describes, probably "
     "https://huggingface.co/org/demo-2b (check it)", "'https://huggingface.co/org/demo-2b'"),
])
def test_guessed_id_settled_by_the_hub(exists: bool | None, suggestion: str,
                                       url_in_diff: str) -> None:
    e = entry("Demo-2B", "https://huggingface.co/org/demo-7b")
    [finding] = [f for f in catalog_findings([e])[0] if f.kind == "url_names_other_model"]
    assert finding.guess == "org/demo-2b"
    settle_guess(finding, e, exists)
    assert finding.suggestion == suggestion and finding.guess == ""
    assert f"+  huggingface: {url_in_diff}" in finding.diff


def test_api_entries_have_text_for_diffs() -> None:
    [e] = from_api([{"id": 7, "release": {"name": "Demo-2B",
                                          "huggingface": "https://huggingface.co/org/demo-7b"}}],
                   "http://mot/api/v1")
    assert e.catalog_file == "http://mot/api/v1/model/7" and e.stem == ""
    found, _ = catalog_findings([e])
    assert [f.kind for f in found] == ["url_names_other_model"] and found[0].diff


# -- report ---------------------------------------------------------------------------
def test_report_counts_tables_chart_and_diffs() -> None:
    findings = [
        Finding("A.yml", "org/a", "renamed", "moved", ["e"], "write x", "--- a/A.yml\n", 10),
        Finding("B.yml", "org/b", "renamed", "moved", ["e"], "write y", "", 5000),
        Finding("C.yml", "", "not_a_model_url", "paper | title", ["e"], "fix", ""),
    ]
    text = render(findings, AuditSummary("models/", 3, 2, 2, 4, "2026-12-01"))
    assert "| with a Hub model URL | 2 |" in text and "(2.00)" in text
    assert "| `renamed` | 2 |" in text and "| `gated` | 0 |" in text
    assert "```mermaid\nxychart-beta" in text
    bars = next(line for line in text.splitlines() if line.strip().startswith("bar ["))
    assert bars.strip() == "bar [0, 2, 0, 1, 0, 0, 0, 0]" and len(KINDS) == 8
    renamed = text[text.index("## Renamed"):]
    assert renamed.index("B.yml") < renamed.index("A.yml")  # most downloaded first
    assert "paper \\| title" in text
    assert "### A.yml (`renamed`)\n\n```diff\n--- a/A.yml\n```" in text
