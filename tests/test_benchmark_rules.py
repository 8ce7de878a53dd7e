"""The comparison rules of benchmarks/components_vs_mot.py (what counts as agreeing with MOT)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import components_vs_mot as bench


@pytest.mark.parametrize(("ours", "truth", "agrees"), [
    ("transformer decoder", "decoder", True),
    ("transformer decoder", "transformer decoder", True),
    ("encoder", "transformer encoder", True),
    ("transformer encoder-decoder", "transformer", True),  # MOT's bare "transformer"
    ("RNN", "transformer", False),
    ("transformer decoder", "transformer encoder-decoder", False),
    ("", "decoder", False),
])
def test_architecture_agreement(ours: str, truth: str, agrees: bool) -> None:
    assert bench._arch_agrees(ours, truth) is agrees


@pytest.mark.parametrize(("value", "informative"), [
    ("language", True), ("", False), ("none", False), ("undisclosed", False),
    ("  Undisclosed ", False), (None, False),
])
def test_only_informative_truth_is_scored(value: object, informative: bool) -> None:
    assert bench.informative(value) is informative


@pytest.mark.parametrize(("name", "body", "model_id", "heading"), [
    ("Highlights", "# gpt-oss-120b\n\n## Highlights\n\ntext\n", "openai/gpt-oss-120b", True),
    ("Intro", "# Intro\n\ntext\n", "01-ai/Yi-1.5-34B-Chat", True),
    ("GPT-2", "# GPT-2\n\ntext\n", "openai-community/gpt2", False),
    ("Falcon-40B", "# 🚀 Falcon-40B\n", "tiiuae/falcon-40b", False),
    ("OLMo-7B-hf", "# Model Card for OLMo 7B\n", "allenai/OLMo-7B-hf", False),
    ("mamba-2.8b-hf", "# Mamba\n", "state-spaces/mamba-2.8b-hf", False),
])
def test_release_name_that_is_a_heading(name: str, body: str, model_id: str,
                                        heading: bool) -> None:
    assert bench.name_is_heading(name, body, model_id) is heading


def test_licenses_agree_after_normalisation() -> None:
    assert bench._same_license("Apache-2.0", "apache-2.0")
    assert bench._same_license("Llama 2 Community License Agreement", "llama2")
    assert not bench._same_license("unlicensed", "MIT")


def test_unknown_lookup_is_not_an_answer() -> None:
    result = bench.lookup_repo("no-such-owner/no-such-repo-without-fixture")
    assert result.status == "error" and "unknown" in result.note
    assert bench.lookup_dataset("no-such/dataset-without-fixture") is None


def test_rejudged_verdict_replaces_mot_only_for_listed_slots() -> None:
    mot = {"Model card", "Research paper", "Datasets"}
    rejudged = {("org/model", "Research paper"): False,       # MOT said yes, verdict no
                ("org/model", "Evaluation code"): True,       # MOT said no, verdict yes
                ("org/other", "Model card"): False}           # another model's slot
    truth = bench.rejudged_truth("Org/Model", mot, rejudged)
    assert truth == {"Model card", "Datasets", "Evaluation code"}
    assert mot == {"Model card", "Research paper", "Datasets"}  # MOT's set is left as is
    assert bench.rejudged_truth("org/unlisted", mot, rejudged) == mot


def test_rejudged_scores_use_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    case = bench.Case("org/model", {}, None, "ok", None, True, True,
                      components={"Model card", "Research paper"})
    ours = {"components": {"Model card", "Evaluation code"}, "unknown": set()}
    bench.report_rejudged([(case, ours, {}, None)],
                          {("org/model", "Research paper"): False,
                           ("org/model", "Evaluation code"): True})
    out = capsys.readouterr().out
    assert "re-judged by COMPONENT_RULES (REJUDGED.json): 2 slot(s) changed" in out
    assert "mean per-model component F1 (re-judged): 1.000 (n=1)" in out
    bench.report_rejudged([(case, ours, {}, None)], {})      # nothing listed: MOT's truth
    assert "mean per-model component F1 (re-judged): 0.500 (n=1)" in capsys.readouterr().out


def test_rejudged_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "REJUDGED.json"
    path.write_text(json.dumps({"slots": [
        {"model_id": "Org/Model", "component": "Datasets", "mot": True, "draft": False,
         "verdict": False}]}))
    assert bench.load_rejudged(path) == {("org/model", "Datasets"): False}
    assert bench.load_rejudged(tmp_path / "absent.json") == {}


def test_broken_rejudged_file_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if not any(d.is_dir() for d in bench.MOT_DIRS):
        pytest.skip("../shared/mot/models not present")
    bad = tmp_path / "REJUDGED.json"
    bad.write_text("{not json")
    monkeypatch.setattr(bench, "REJUDGED_FILE", bad)
    assert bench.main(["--set", "fixtures"]) == 2
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("REJUDGED.json: not a list of re-judged slots (")


def _blind_file(folder: Path, model_id: str, verdicts: dict[str, bool | None]) -> None:
    folder.mkdir(exist_ok=True)
    rows = [{"component": name, "released": verdicts.get(name, False)} for name in bench.NAMES]
    (folder / (model_id.replace("/", "__") + ".json")).write_text(
        json.dumps({"model_id": model_id, "components": rows}))


def test_blind_reader_disagreement_rule_changes_only_disputed_slots() -> None:
    mot = {"Model card", "Research paper", "Datasets"}
    claimed = {"Model card", "Evaluation code", "Training code", "Datasets"}
    verdicts = {"Research paper": False,     # disputed, reader says no
                "Evaluation code": True,     # disputed, reader says yes
                "Training code": None,       # disputed, reader cannot tell: MOT stays
                "Datasets": False,           # not disputed: MOT stays
                "Model card": True}
    truth = bench.blind_rejudged_truth(mot, claimed, verdicts)
    assert truth == {"Model card", "Datasets", "Evaluation code"}
    assert mot == {"Model card", "Research paper", "Datasets"}


def test_blind_reader_blocks_score_the_judgment(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _blind_file(tmp_path / "_blind", "Org/Model", {
        "Model card": True, "Evaluation code": True, "Research paper": False,
        "Training code": None})
    blind = bench.load_blind(tmp_path / "_blind")
    assert blind["org/model"]["Training code"] is None
    case = bench.Case("org/model", {}, None, "ok", None, True, True,
                      components={"Model card", "Research paper"})
    ours = {"components": {"Model card", "Evaluation code", "Training code"}, "unknown": set()}
    bench.report_blind([(case, ours, {}, None)], blind, {("org/model", "Research paper"): False})
    out = capsys.readouterr().out
    # Full judgment: Training code (null) unscored, the rest agrees.
    assert "mean per-model component F1 (blind reader): 1.000 (n=1)" in out
    # MOT re-judged: Research paper -> no, Evaluation code -> yes, Training code stays MOT's no.
    assert "re-judged by the blind second reader: 2 slot(s) changed from MOT" in out
    assert "mean per-model component F1 (MOT, blind re-judged): 0.800 (n=1)" in out
    assert "with REJUDGED.json on 1 of 1 of its slots" in out


def test_blind_file_that_skips_a_component_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "_blind"
    _blind_file(folder, "org/model", {})
    path = folder / "org__model.json"
    data = json.loads(path.read_text())
    data["components"].pop()
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="judges 16 of 17"):
        bench.load_blind(folder)
    assert bench.load_blind(tmp_path / "absent") == {}


def test_an_unanswered_extra_repository_leaves_its_components_unknown(monkeypatch) -> None:
    """The plan reads the card's other repositories after the chosen one; when the fixtures
    cannot answer one (here GPT-NeoX, pythia-160m's training library), what it could have
    given is unknown, never scored as a hit or a miss."""
    real = bench.lookup_repo

    def without_neox(key: str):
        return bench.RepoResult("error", note="no fixture (unknown)") \
            if key == "eleutherai/gpt-neox" else real(key)

    case = next(c for c in bench.fixture_cases(bench.load_mot(next(
        d for d in bench.MOT_DIRS if d.is_dir()))[0]) if c.model_id == "EleutherAI/pythia-160m") \
        if any(d.is_dir() for d in bench.MOT_DIRS) else None
    if case is None:
        pytest.skip("MOT reference data (../shared/mot) not found")
    answered = bench.draft(case)
    assert "Data preprocessing code" in answered["components"]  # from GPT-NeoX's tree
    monkeypatch.setattr(bench, "lookup_repo", without_neox)
    unanswered = bench.draft(case)
    assert "Data preprocessing code" not in unanswered["components"]
    assert "Data preprocessing code" in unanswered["unknown"]


def test_what_an_unanswered_repository_could_give_follows_its_role() -> None:
    """A repository without a fixture leaves unknown only what its role may claim: the model's
    codebase anything its tree can show, a data preparation repository its preprocessing
    code, a guessed repository nothing (it claims nothing even when it answers)."""
    from motcrawl.analysis import github as gh
    from motcrawl.analysis import repo_roles

    model = bench.could_give(repo_roles.Role(gh.ROLE_MODEL, "named for the family"))
    assert {"Training code", "Inference code", "Evaluation code"} <= model
    assert bench.could_give(repo_roles.Role(gh.ROLE_DATA, "Data Preparation")) == {
        "Data preprocessing code"}
    assert bench.could_give(repo_roles.Role(gh.ROLE_GUESS, "not linked")) == set()
    assert bench.could_give(None) == set(bench.REPO_COMPONENTS)
