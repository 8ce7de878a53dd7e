"""Commands that work where users are (issue 15): outside this repository, e.g. in a MOT
checkout, through the ``motcrawl`` console script and the ``scrapy.commands`` entry points;
``runstatus`` turns a run summary into an exit code for schedulers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from motcrawl.outputs.run_summary import build_summary, check_summary, write_summary
from tests.crawl_support import crawl_env, run_scrapy_in_process
from tests.test_commands import CLASS_III

BIN = Path(sys.executable).parent


def run(tool: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """An installed console script, from a folder that is not this project (no scrapy.cfg)."""
    # No PYTHONPATH but the network guard's: the installed package, no settings from here.
    env = crawl_env(pythonpath=None)
    return subprocess.run([str(BIN / tool), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def mot_checkout(tmp_path: Path) -> Path:
    """A folder like a MOT checkout: models/*.yml, no scrapy.cfg anywhere above."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "demo.yml").write_text(yaml.safe_dump(CLASS_III, sort_keys=False))
    assert not any((p / "scrapy.cfg").exists() for p in [tmp_path, *tmp_path.parents])
    return tmp_path


@pytest.mark.parametrize("tool", ["motcrawl", "scrapy"])
def test_validate_and_classify_run_outside_the_project(tool, mot_checkout):
    validated = run(tool, "validate", "models/demo.yml", cwd=mot_checkout)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.splitlines() == ["OK models/demo.yml"]
    classified = run(tool, "classify", "--json", "models/demo.yml", cwd=mot_checkout)
    assert classified.returncode == 0, classified.stderr
    assert json.loads(classified.stdout)["class"] == 3


def test_promote_is_reachable_outside_the_project(mot_checkout):
    done = run("motcrawl", "promote", cwd=mot_checkout)
    assert "Unknown command" not in done.stdout + done.stderr
    assert done.returncode == 2 and done.stderr.startswith("error: give at least one draft")


def test_motcrawl_knows_the_spiders_anywhere(mot_checkout):
    listed = run("motcrawl", "list", cwd=mot_checkout)
    assert listed.returncode == 0, listed.stderr
    assert {"missing", "model"} <= set(listed.stdout.split())


def _summary(folder: Path, stats: dict, job: str | None = None) -> Path:
    summary = build_summary(stats, spider="missing", reason=None, paths={}, job=job)
    return write_summary(folder, summary, datetime.now(timezone.utc))[1]


@pytest.mark.parametrize("stats, code, first_word", [
    ({"finish_reason": "finished", "motcrawl/drafts/written": 2}, 0, "OK:"),
    ({"finish_reason": "finished", "motcrawl/listing/failed": 1}, 1, "FAILED:"),
    ({"finish_reason": "shutdown"}, 3, "FAILED:"),
])
def test_runstatus_exits_with_the_crawls_exit_code(tmp_path, stats, code, first_word):
    _summary(tmp_path, stats)
    # The command as `motcrawl runstatus` runs it, in this process (the console script
    # itself is the point of test_runstatus_fails_when_no_crawl_ran).
    done = run_scrapy_in_process(["runstatus"], cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert (done.stdout + done.stderr).startswith(first_word)


def test_runstatus_fails_when_no_crawl_ran(tmp_path):
    done = run("motcrawl", "runstatus", tmp_path / "last-run.json", cwd=tmp_path)
    assert done.returncode == 1 and "no run summary" in done.stderr


def test_check_summary_age_and_job(tmp_path):
    path = _summary(tmp_path, {"finish_reason": "finished"}, job="j1")
    assert check_summary(path, job="j1")[0] == 0
    assert check_summary(path, job="j2")[0] == 1
    later = datetime.now(timezone.utc) + timedelta(days=8)
    code, line = check_summary(path, max_age_hours=24 * 7, now=later)
    assert code == 1 and "did the schedule run?" in line
    assert check_summary(path, max_age_hours=24 * 7)[0] == 0
    path.write_text("{not json")
    assert check_summary(path)[0] == 1
