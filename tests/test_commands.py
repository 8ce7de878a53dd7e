"""The validate and classify commands, run as ``scrapy`` runs them (scrapy.cmdline: the
project's commands, their options, exit codes and output), in this process
(tests/crawl_support.run_scrapy_in_process); two run ``python -m scrapy`` as a child
process, where nothing else may reach stdout or stderr."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import MOT, needs_mot
from tests.crawl_support import crawl_env, run_scrapy_in_process

ROOT = Path(__file__).resolve().parents[1]




def scrapy(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_scrapy_in_process([str(a) for a in args])


def scrapy_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = crawl_env()  # the project and the network guard on PYTHONPATH, no tokens
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *map(str, args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


CLASS_III = {
    "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
    "release": {
        "name": "demo",
        "producer": "Example",
        "license": {"distribution": {"name": "Apache-2.0"}, "data": {"name": "CC-BY-4.0"},
                    "document": {"name": "CC-BY-4.0"}},
        "components": [{"name": n} for n in (
            "Model architecture", "Model parameters (Final)", "Model card", "Data card",
            "Technical report", "Evaluation results")],
    },
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good model.yml"  # a space in the name, as in MOT's catalog
    good.write_text(yaml.safe_dump(CLASS_III, sort_keys=False))
    bad_date = tmp_path / "bad_date.yml"
    doc = json.loads(json.dumps(CLASS_III))
    doc["framework"]["date"] = "2024-13-45"
    doc["release"]["components"][0]["name"] = "Training dataset"
    bad_date.write_text(yaml.safe_dump(doc))
    broken = tmp_path / "broken.yml"
    broken.write_text("release: [unclosed\n  name: x\n")
    return {"good": good, "bad_date": bad_date, "broken": broken,
            "absent": tmp_path / "absent.yml"}


def test_validate_ok(files: dict[str, Path]) -> None:
    run = scrapy_process("validate", files["good"])
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"OK {files['good']}"]


def test_validate_reports_each_file_on_one_line(files: dict[str, Path]) -> None:
    run = scrapy("validate", files["good"], files["bad_date"], files["broken"], files["absent"])
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    ok, invalid, broken, absent = run.stdout.splitlines()
    assert ok == f"OK {files['good']}"
    assert invalid.startswith(f"INVALID {files['bad_date']}: $.framework.date: ")
    assert "; $.release.components[0].name: 'Training dataset' is not one of" in invalid
    assert broken.startswith(f"ERROR {files['broken']}: invalid YAML")
    assert absent.startswith(f"ERROR {files['absent']}: cannot read")


def test_validate_schema_option_and_setting(files: dict[str, Path], tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"required": ["nothing-has-this"]}))
    by_option = scrapy("validate", "--schema", schema, files["good"])
    by_setting = scrapy("validate", "-s", f"MOF_SCHEMA={schema}", files["good"])
    for run in (by_option, by_setting):
        assert run.returncode == 1
        assert run.stdout.strip() == (
            f"INVALID {files['good']}: $: 'nothing-has-this' is a required property")


def test_classify_json(files: dict[str, Path]) -> None:
    run = scrapy("classify", "--json", files["good"])
    assert run.returncode == 0, run.stderr
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"file": str(files["good"]), "class": 3, "progress": {"1": 0, "2": 60, "3": 100}}
    ]


def test_classify_text_and_bad_files(files: dict[str, Path]) -> None:
    run = scrapy("classify", files["good"], files["broken"], files["absent"])
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{files['good']}: Class III - Open Model (class 3); progress III 100.0% II 60.0% I 0.0%;"
        " next class needs: Training code, Inference code, Evaluation code, Evaluation data"
    ]
    errors = run.stderr.splitlines()
    assert len(errors) == 2 and "Traceback" not in run.stderr
    assert errors[0].startswith(f"ERROR {files['broken']}: invalid YAML")
    assert errors[1].startswith(f"ERROR {files['absent']}: cannot read")


def test_classify_needs_files() -> None:
    run = scrapy_process("classify")
    assert run.returncode == 2
    assert "give at least one model file" in run.stderr


@needs_mot
def test_classify_reproduces_mot_expected_results() -> None:
    assert MOT is not None
    paths = sorted((MOT / "test_data").glob("*.yml"))
    run = scrapy("classify", "--json", "-s", f"MOT_LICENSES={MOT / 'licenses.json'}", *paths)
    assert run.returncode == 0, run.stderr
    expected = {
        m["release"]["name"]: m["classification"]
        for m in json.loads((MOT / "test_data" / "expected_results.json").read_text())["models"]
    }
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(rows) == len(paths) == 27
    for row in rows:
        name = yaml.safe_load(Path(row["file"]).read_text())["release"]["name"]
        want = expected[name]
        assert (row["class"], row["progress"]) == (want["class"], want["progress"]), row["file"]


@needs_mot
def test_validate_whole_mot_catalog_against_mot_schema() -> None:
    """MOT's 273 catalog files, one with a space in its name, all pass MOT's own schema."""
    assert MOT is not None
    paths = sorted((MOT / "models").glob("*.yml"))
    run = scrapy("validate", "--schema", MOT / "schema" / "mof_schema.json", *paths)
    lines = run.stdout.splitlines()
    assert len(lines) == len(paths) == 273
    assert any(" " in p.name for p in paths)
    rejected = [line for line in lines if not line.startswith("OK ")]
    assert rejected == []
    assert run.returncode == 0
