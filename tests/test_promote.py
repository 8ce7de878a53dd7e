"""``scrapy promote``: reviewed drafts into a MOT catalog folder (motcrawl.outputs.promote).

Drafts are built with the same functions the crawl uses to write them (build_document,
draft_header, render_draft); the command runs for real, as a ``python -m scrapy``
subprocess, from a folder that is not this project.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml
from scrapy.cmdline import execute

from motcrawl.analysis.confidence import score
from motcrawl.analysis.detect import Detection
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field
from motcrawl.mof.schema import load_schema, load_yaml_file, validate_document
from motcrawl.outputs.draft import build_document
from motcrawl.outputs.draft_header import draft_header
from motcrawl.outputs.promote import (
    checklist_entries,
    mot_file_name,
    split_draft,
    unresolved_required,
)
from motcrawl.outputs.yamlfile import HEADER_MARK, render_draft
from tests.conftest import MOT, needs_mot
from tests.crawl_support import crawl_env


def fields(name: str, model_id: str, producer: float = 0.85) -> dict[str, Field]:
    return {
        "name": Field(name, 0.9, "card title"),
        "version": Field("7B", 0.8, "repo name"),
        "date": Field("2024-02-01", 0.7, "createdAt"),
        "type": Field("language", 0.9, "pipeline_tag"),
        "architecture": Field("transformer decoder", 0.85, "config"),
        "origin": Field(name, 0.6, "self"),
        "producer": Field("Example Lab", producer, "org"),
        "huggingface": Field(f"https://huggingface.co/{model_id}", 1.0, "id"),
    }


def make_draft(folder: Path, name: str, model_id: str, *, license_conf: float = 0.95,
               producer: float = 0.85) -> Path:
    """A draft exactly as DraftWriterPipeline writes one."""
    f = fields(name, model_id, producer)
    lic = LicenseFinding("Apache-2.0" if license_conf else "unlicensed", "", "card license",
                         license_conf)
    detections = [Detection("Model parameters (Final)", 0.95, ["weights"]),
                  Detection("Model card", 0.9, ["README.md"])]
    conf = score(detections, f, lic)
    header = draft_header(
        source_url=f"https://huggingface.co/{model_id}", model_id=model_id,
        crawled="2026-12-01", sha="abc", last_modified=None, confidence=conf,
        detections=detections, fields=f, license_info=lic)
    path = folder / f"{name}.draft.yml"
    path.write_text(render_draft(build_document(f, lic, detections), header), encoding="utf-8")
    return path


def promote_process(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, from ``cwd`` (a folder that is not this project)."""
    env = crawl_env()  # the project and the network guard on PYTHONPATH; no MOF_SCHEMA
    return subprocess.run([sys.executable, "-m", "scrapy", "promote", *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def promote(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The same command through scrapy.cmdline.execute in this process (no start-up cost);
    ``cwd`` is only for the subprocess variant."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            execute(["scrapy", "promote", *map(str, args)])
        except SystemExit as exc:
            code = exc.code
    return subprocess.CompletedProcess(args, int(code or 0), out.getvalue(), err.getvalue())


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "mot" / "models"
    folder.mkdir(parents=True)
    (folder / "Known-7B.yml").write_text(yaml.safe_dump({"release": {
        "name": "Known-7B", "huggingface": "https://huggingface.co/example/known-7b"}}))
    return folder


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder with no scrapy.cfg: the command must run from anywhere."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# -- pure parts ------------------------------------------------------------------
def test_split_draft_strips_only_the_header(tmp_path: Path) -> None:
    path = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    header, body = split_draft(path.read_text())
    assert header[0] == "source: https://huggingface.co/example/demo-7b"
    assert body.startswith("framework:") and "#" not in body.splitlines()[0]
    assert yaml.safe_load(body)["release"]["name"] == "Demo-7B"


@pytest.mark.parametrize(("entries", "open_fields"), [
    (["release.origin: 0.60"], []),                                  # not required
    (["release.license: 0.00", "Model card: 0.55"], ["release.license: 0.00"]),
    (["[x] release.license: 0.00"], []),                              # ticked by a reviewer
    (["[X] release.producer: 0.40", "release.name: 0.30"], ["release.name: 0.30"]),
    (["no license found in card, tags or LICENSE file: review"], []),
])
def test_unresolved_required(entries: list[str], open_fields: list[str]) -> None:
    assert unresolved_required(entries, ["name", "license", "producer", "components"]) \
        == open_fields


def test_checklist_entries_read_from_the_header(tmp_path: Path) -> None:
    path = make_draft(tmp_path, "Demo-7B", "example/demo-7b", license_conf=0.0, producer=0.4)
    entries = checklist_entries(split_draft(path.read_text())[0])
    assert entries[:2] == ["release.license: 0.00", "release.producer: 0.40"]


@pytest.mark.parametrize(("name", "file"), [
    ("Pile-T5 XXL", "Pile-T5 XXL.yml"),         # MOT keeps spaces
    ("CodeT5+-16B", "CodeT5+-16B.yml"),
    ("RWKV-v4-(Raven)", "RWKV-v4-(Raven).yml"),
    ("Qwen1.5-32B", "Qwen1.5-32B.yml"),
    ("PanGu-α", "PanGu-a.yml"),                  # as MOT's own PanGu-a.yml
    ("../../etc/passwd", "etc-passwd.yml"),       # never a path
    ("Llama 3: 8B/Instruct", "Llama 3- 8B-Instruct.yml"),
])
def test_mot_file_name(name: str, file: str) -> None:
    assert mot_file_name(name) == file


# -- the command ---------------------------------------------------------------
def test_scrapy_commands_entry_point_is_installed() -> None:
    names = {ep.name for ep in entry_points(group="scrapy.commands")}
    assert "promote" in names, "reinstall the project: pip install -e '.[test]'"


def test_promote_writes_without_header_and_prints_git(tmp_path: Path, catalog: Path,
                                                      elsewhere: Path) -> None:
    draft = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    run = promote_process(draft, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 0, run.stdout + run.stderr
    target = catalog / "Demo-7B.yml"
    assert run.stdout.splitlines()[0] == f"PROMOTED {draft} -> {target}"
    text = target.read_text()
    assert HEADER_MARK not in text and not text.startswith("#")
    assert load_yaml_file(target)["release"]["huggingface"] == (
        "https://huggingface.co/example/demo-7b")
    assert validate_document(load_yaml_file(target), load_schema()) == []
    assert f"git -C {catalog} switch -c add-demo-7b" in run.stdout
    assert "add -- Demo-7B.yml" in run.stdout and "push -u origin add-demo-7b" in run.stdout
    assert draft.exists()  # the draft stays where it was
    assert not [p for p in catalog.iterdir() if p.name.startswith(".")]  # no temp file left


def test_refuses_a_model_the_catalog_has(tmp_path: Path, catalog: Path,
                                         elsewhere: Path) -> None:
    draft = make_draft(tmp_path, "Other-Name", "Example/Known-7B")  # ids match case-blind
    run = promote(draft, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 1
    assert run.stdout.strip() == (
        f"REFUSED {draft}: the catalog already has Example/Known-7B (Known-7B.yml)")
    assert not (catalog / "Other-Name.yml").exists()


def test_refuses_an_existing_file_name(tmp_path: Path, catalog: Path, elsewhere: Path) -> None:
    (catalog / "demo-7b.yml").write_text("release: {name: x}\n")  # case-folding checkouts
    draft = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    run = promote(draft, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 1
    assert run.stdout.strip() == f"REFUSED {draft}: Demo-7B.yml already exists in {catalog}"
    assert (catalog / "demo-7b.yml").read_text() == "release: {name: x}\n"


def test_refuses_unresolved_required_fields_unless_forced(tmp_path: Path, catalog: Path,
                                                          elsewhere: Path) -> None:
    draft = make_draft(tmp_path, "Demo-7B", "example/demo-7b", license_conf=0.0)
    run = promote(draft, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 1
    assert run.stdout.startswith(f"REFUSED {draft}: review checklist has unresolved required "
                                 "fields: release.license: 0.00")
    assert not (catalog / "Demo-7B.yml").exists()
    # A reviewer ticks the entry: promoted.
    draft.write_text(draft.read_text().replace("- release.license:", "- [x] release.license:"))
    assert promote(draft, "--to", catalog, cwd=elsewhere).returncode == 0
    # Or forces it.
    other = make_draft(tmp_path, "Demo-13B", "example/demo-13b", license_conf=0.0)
    forced = promote(other, "--to", catalog, "--force", cwd=elsewhere)
    assert forced.returncode == 0, forced.stdout
    assert (catalog / "Demo-13B.yml").exists()


def test_refuses_a_schema_invalid_draft(tmp_path: Path, catalog: Path, elsewhere: Path) -> None:
    draft = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    draft.write_text(draft.read_text().replace("name: Model card", "name: Training dataset"))
    run = promote(draft, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 1
    assert run.stdout.startswith(f"REFUSED {draft}: fails MOT's schema: "
                                 "$.release.components[1].name: 'Training dataset' is not one of")
    assert not (catalog / "Demo-7B.yml").exists()


def test_two_drafts_of_one_model_in_one_run(tmp_path: Path, catalog: Path,
                                            elsewhere: Path) -> None:
    first = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    second = make_draft(tmp_path, "Demo-7B-again", "example/demo-7b")
    run = promote(first, second, "--to", catalog, cwd=elsewhere)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("PROMOTED") and lines[1] == (
        f"REFUSED {second}: the catalog already has example/demo-7b (Demo-7B.yml)")


@pytest.mark.parametrize("case", ["not_a_draft", "invalid_yaml", "missing_folder",
                                  "absent_draft", "no_to"])
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path, catalog: Path,
                                          elsewhere: Path) -> None:
    draft = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    to = ["--to", str(catalog)]
    if case == "not_a_draft":
        draft = catalog / "Known-7B.yml"   # a catalog file is not a draft
    elif case == "invalid_yaml":
        draft.write_text(draft.read_text() + "release: [unclosed\n")
    elif case == "missing_folder":
        to = ["--to", str(tmp_path / "nowhere")]
    elif case == "absent_draft":
        draft = tmp_path / "absent.yml"
    else:
        to = []
    run = (promote_process if case == "missing_folder" else promote)(draft, *to, cwd=elsewhere)
    assert run.returncode == 2, run.stdout + run.stderr
    output = (run.stdout + run.stderr).strip().splitlines()
    assert len(output) == 1 and "Traceback" not in output[0]
    expected = {
        "not_a_draft": f"ERROR {draft}: not a motcrawl draft",
        "invalid_yaml": f"ERROR {draft}: invalid YAML at line",
        "missing_folder": f"error: catalog folder {tmp_path / 'nowhere'} does not exist",
        "absent_draft": f"ERROR {draft}: no such file",
        "no_to": "error: give the catalog folder: --to PATH",
    }[case]
    assert output[0].startswith(expected)
    assert sorted(p.name for p in catalog.iterdir()) == ["Known-7B.yml"]


@needs_mot
def test_promote_into_a_copy_of_mot_and_validate_with_mot_schema(tmp_path: Path,
                                                                 elsewhere: Path) -> None:
    """Against MOT's 273 real files: a known model is refused, a new one lands and passes
    MOT's own schema (scrapy validate --schema)."""
    assert MOT is not None
    models = tmp_path / "mot" / "models"
    shutil.copytree(MOT / "models", models)
    schema = MOT / "schema" / "mof_schema.json"
    known = make_draft(tmp_path, "CodeGemma 2B again", "google/codegemma-7b")
    new = make_draft(tmp_path, "Demo-7B", "example/demo-7b")
    run = promote_process(known, new, "--to", models, "--schema", schema, cwd=elsewhere)
    assert run.returncode == 1
    assert run.stdout.splitlines()[:2] == [
        f"REFUSED {known}: the catalog already has google/codegemma-7b (CodeGemma-2B.yml)",
        f"PROMOTED {new} -> {models / 'Demo-7B.yml'}"]
    env = crawl_env()
    check = subprocess.run([sys.executable, "-m", "scrapy", "validate", "--schema", str(schema),
                            str(models / "Demo-7B.yml")], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("OK "), check.stdout + check.stderr
    assert len(list(models.glob("*.yml"))) == 274
