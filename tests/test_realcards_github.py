"""The real-card corpus's GitHub fixtures: the worklist, the builder, and the recorded files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from benchmarks import realcards
from motcrawl.analysis import github as gh
from scripts import realcards_github as builder
from scripts import realcards_repos as worklist

GH = realcards.CORPUS / "_github"
MIT = ("MIT License\n\nCopyright (c) 2024 Acme\n\nPermission is hereby granted, free of charge, "
       "to any person obtaining a copy of this software...\n")
SECRET_LINE = "print('contents never reach a fixture')\n"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """A small repository on branch ``trunk``; returns its git directory."""
    repo = tmp_path / "work"
    (repo / "src").mkdir(parents=True)
    (repo / "LICENSE").write_text(MIT)
    (repo / "src" / "train.py").write_text(SECRET_LINE)
    (repo / "README.md").write_text("# Widget\n")
    _git(repo, "init", "-q", "-b", "trunk")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
    return repo / ".git"


def test_tree_answer_holds_paths_ids_and_sizes_never_contents(snapshot: Path) -> None:
    tree, branch, commit = builder.tree_answer(snapshot, "acme/widget")
    assert branch == "trunk" and commit == _git(snapshot.parent, "rev-parse", "HEAD")
    assert tree["sha"] == _git(snapshot.parent, "rev-parse", "HEAD^{tree}")
    parsed = gh.parse_tree(tree)
    assert sorted(parsed.files) == ["LICENSE", "README.md", "src/train.py"]
    assert parsed.folders == ["src"] and not parsed.truncated
    sizes = {e["path"]: e.get("size") for e in tree["tree"]}
    assert sizes == {"LICENSE": len(MIT), "README.md": 9, "src": None,
                     "src/train.py": len(SECRET_LINE)}
    assert "contents never reach" not in json.dumps(tree)
    train = next(e for e in tree["tree"] if e["path"] == "src/train.py")
    assert train["url"] == f"https://api.github.com/repos/acme/widget/git/blobs/{train['sha']}"


def test_a_blob_the_snapshot_lacks_has_a_null_size(snapshot: Path) -> None:
    sha = _git(snapshot.parent, "rev-parse", "HEAD:src/train.py")
    (snapshot / "objects" / sha[:2] / sha[2:]).unlink()
    tree, _, _ = builder.tree_answer(snapshot, "acme/widget")
    sizes = {e["path"]: e.get("size") for e in tree["tree"]}
    assert sizes["src/train.py"] is None and sizes["LICENSE"] == len(MIT)


def test_license_is_what_github_would_report(snapshot: Path) -> None:
    tree, branch, _ = builder.tree_answer(snapshot, "acme/widget")
    assert builder.license_found(snapshot, tree) == ("MIT", "LICENSE")
    owner = builder.owner_block("acme", user=False)
    repo = gh.parse_repo(builder.repo_answer("acme/widget", branch,
                                             builder.license_object("MIT"), owner))
    assert (repo.full_name, repo.default_branch, repo.license, repo.license_key) == \
        ("acme/widget", "trunk", "MIT", "mit")
    # GNU licenses under GitHub's older ids; a text GitHub does not know is "other".
    assert builder.license_object("GPL-3.0-only")["spdx_id"] == "GPL-3.0"
    other = gh.parse_repo(builder.repo_answer("acme/widget", branch,
                                              builder.license_object("Acme License"), owner))
    assert other.license is None and other.license_key == "other"
    bare = builder.repo_answer("acme/widget", branch, None, owner)
    assert bare["license"] is None and gh.parse_repo(bare).license is None


def test_no_license_file_means_no_license(snapshot: Path) -> None:
    tree = {"tree": [{"path": "README.md", "type": "blob", "sha": "0" * 40}]}
    assert builder.license_found(snapshot, tree) == (None, "")


def test_a_user_account_has_no_organization_block() -> None:
    user = builder.repo_answer("someone/x", "main", None, builder.owner_block("someone", True))
    org = builder.repo_answer("acme/x", "main", None, builder.owner_block("acme", False))
    assert "organization" not in user and user["owner"]["type"] == "User"
    assert org["organization"]["login"] == "acme"
    # An account an existing fixture knows keeps that fixture's type.
    assert builder.owner_block("BlinkDL", user=False)["type"] == "User"


def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path: Path, capsys) -> None:
    assert builder.main([str(tmp_path), "acme/widget", "--linked-from", "m/x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a git directory" in err
    assert builder.main([str(tmp_path), "no-slash", "--linked-from", "m/x"]) == 2
    assert builder.main(["-", "a/new", "--asked", "a/old", "--linked-from", "m/x"]) == 2
    assert "--evidence" in capsys.readouterr().err


def _model(card: str) -> realcards.CorpusModel:
    return realcards.CorpusModel("acme/widget-7b", realcards.info_from_fixture(
        "acme/widget-7b", card, None, None), card, False, None)


CARD = ("# Widget\n\nTraining code: [code](https://github.com/acme/widget)\n\n"
        "Evaluation code: [repo](https://github.com/acme/widget-eval)\n")


def test_tries_follow_the_crawls_plan_with_the_other_linked_repositories() -> None:
    model = _model(CARD)
    # The model's repository answers; the evaluation repository the card also links is read
    # next, in its role (the crawl's plan, ExternalPlan.extras): without a fixture, worklist.
    tries = worklist.tries_for(model, {}, {"acme/widget"}, set())
    assert [(t.key, t.status) for t in tries] == [
        ("acme/widget", "fixture"), ("acme/widget-eval", "missing")]
    assert "evaluation harness" in tries[1].source
    tries = worklist.tries_for(model, {}, {"acme/widget", "acme/widget-eval"}, set())
    assert [t.status for t in tries] == ["fixture", "fixture"]
    tries = worklist.tries_for(model, {}, set(), {"acme/widget"})
    assert [(t.key, t.status) for t in tries][:2] == [
        ("acme/widget", "unavailable"), ("acme/widget-eval", "missing")]
    # A renamed repository is answered by its new name's fixture.
    tries = worklist.tries_for(model, {"acme/widget": "acme/gadget"}, {"acme/gadget"}, set())
    assert tries[0].status == "fixture"


def test_recorded_fixtures_agree_with_sources() -> None:
    sources = json.loads((GH / "sources.json").read_text(encoding="utf-8"))
    stems = {p.stem for p in (GH / "repos").glob("*.json")}
    assert stems == {p.stem for p in (GH / "trees").glob("*.json")}
    for full_name, record in sources["repos"].items():
        stem = full_name.replace("/", "__")
        assert stem in stems, full_name
        repo = gh.parse_repo(json.loads((GH / "repos" / f"{stem}.json").read_text()))
        tree = json.loads((GH / "trees" / f"{stem}.json").read_text())
        assert repo.full_name == full_name
        assert repo.default_branch == record["default_branch"]
        assert len(tree["tree"]) == record["entries"]
    fixtures = {s.replace("__", "/").lower() for s in stems} | {
        p.stem.replace("__", "/").lower()
        for p in (realcards.ROOT / "tests" / "fixtures" / "github" / "repos").glob("*.json")}
    renames = json.loads((GH / "renames.json").read_text(encoding="utf-8"))
    for old, new in renames.items():
        assert new.lower() in fixtures and old in sources["renames"], old
    for name in sources.get("unavailable", {}):
        assert name.lower() not in fixtures and name not in renames, name
