"""Draft files: YAML round-trips, safe names, atomic no-clobber writes (outputs.yamlfile)."""

from pathlib import Path

import pytest
import yaml

from motcrawl.outputs.yamlfile import (
    DraftStore,
    atomic_write,
    draft_owner,
    render_draft,
    safe_file_stem,
)

SRC_A = "https://huggingface.co/org-a/Model"
SRC_B = "https://huggingface.co/org-b/Model"


@pytest.mark.parametrize("name", [
    'He said "hi": #1', "multi\nline\nname", "ünïcødé ✓ 模型", "x" * 5000, "- leading dash",
    "yes", "2024-01-01", "null", "'quoted'", "tab\there", "trailing space ",
])
def test_render_draft_round_trips(name: str) -> None:
    doc = {"framework": {"name": "Model Openness Framework"}, "release": {"name": name,
                                                                         "components": []}}
    text = render_draft(doc, [f"source: {SRC_A}", "evil\nrelease: {name: injected}"])
    assert yaml.safe_load(text) == doc


def test_header_lines_cannot_inject_yaml() -> None:
    text = render_draft({"a": 1}, ["line\nb: 2", "carriage\rc: 3", "sep\u2028d: 4"])
    assert yaml.safe_load(text) == {"a": 1}
    assert all(line.startswith("#") for line in text.splitlines()[:4])


@pytest.mark.parametrize(("name", "expected"), [
    ("OLMo 7B", "OLMo-7B"),
    ("../../etc/passwd", "etc-passwd"),
    ("/abs/path", "abs-path"),
    ("CON", "CON_"),
    ("nul.txt", "nul_.txt"),  # Windows reserves NUL with any extension, so not nul.txt_
    ("...", "model"),
    ("a/b\\c", "a-b-c"),
    ("Qwen2.5-7B", "Qwen2.5-7B"),
])
def test_safe_file_stem(name: str, expected: str) -> None:
    assert safe_file_stem(name) == expected


def test_collisions_get_distinct_deterministic_names(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    a = store.write("org-a/Model", SRC_A, "Model", render_draft({"n": "a"}, [f"source: {SRC_A}"]))
    b = store.write("org-b/Model", SRC_B, "Model", render_draft({"n": "b"}, [f"source: {SRC_B}"]))
    assert (a.path.name, b.path.name) == ("Model.yml", "Model--org-b.yml")
    # A later crawl maps each model back to its own file.
    again = DraftStore(tmp_path)
    assert again.path_for("org-b/Model", SRC_B, "Model").name == "Model--org-b.yml"
    assert again.path_for("org-a/Model", SRC_A, "Model").name == "Model.yml"


def test_existing_draft_is_kept_unless_overwrite(tmp_path: Path) -> None:
    first = DraftStore(tmp_path).write("org-a/Model", SRC_A, "Model",
                                       render_draft({"v": 1}, [f"source: {SRC_A}"]))
    kept = DraftStore(tmp_path).write("org-a/Model", SRC_A, "Model",
                                      render_draft({"v": 2}, [f"source: {SRC_A}"]))
    assert kept.status == "exists" and yaml.safe_load(first.path.read_text()) == {"v": 1}
    new = DraftStore(tmp_path, overwrite=True).write(
        "org-a/Model", SRC_A, "Model", render_draft({"v": 3}, [f"source: {SRC_A}"]))
    assert new.status == "overwritten" and yaml.safe_load(new.path.read_text()) == {"v": 3}


def test_a_file_that_is_not_our_draft_is_never_touched(tmp_path: Path) -> None:
    mot_file = tmp_path / "Model.yml"
    mot_file.write_text("release:\n  name: Model\n")
    result = DraftStore(tmp_path, overwrite=True).write(
        "org-a/Model", SRC_A, "Model", render_draft({"v": 1}, [f"source: {SRC_A}"]))
    assert result.path.name == "Model--org-a.yml"
    assert mot_file.read_text() == "release:\n  name: Model\n"
    assert draft_owner(mot_file) is None and draft_owner(result.path) == SRC_A


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "x.yml"
    assert atomic_write(target, "one", replace=False)
    assert not atomic_write(target, "two", replace=False)
    assert target.read_text() == "one"
    assert atomic_write(target, "three", replace=True)
    assert target.read_text() == "three"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yml"]


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_name_another_process_takes_after_the_check_is_left_to_it(
        tmp_path: Path, overwrite: bool) -> None:
    """Two crawls in one folder: the other one links ``Model.yml`` between this store's
    choice of the name and its write. The file is the other model's: never reported as
    ours ('exists'), never overwritten; this model takes the next name."""
    store = DraftStore(tmp_path, overwrite=overwrite)
    other = render_draft({"n": "b"}, [f"source: {SRC_B}"])
    choose, raced = store.path_for, []

    def other_process_wins(*args, **kwargs):
        path = choose(*args, **kwargs)
        if not raced:  # only the first name chosen is taken by the other crawl
            raced.append(path)
            path.write_text(other)
        return path

    store.path_for = other_process_wins  # type: ignore[method-assign]
    result = store.write("org-a/Model", SRC_A, "Model",
                         render_draft({"n": "a"}, [f"source: {SRC_A}"]))
    assert (result.status, result.path.name) == ("written", "Model--org-a.yml")
    assert (tmp_path / "Model.yml").read_text() == other
    assert draft_owner(result.path) == SRC_A
