"""Integration: the real scrapyd runs the deployed egg against the fake Hub and MOT API.

scrapyd starts on a free loopback port with every folder in a temporary
directory; the egg is the one scrapyd-client builds; jobs are scheduled and
polled through scrapyd's JSON API as the README's curl commands do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.deploy_helpers import read_jsonl, scrapyd_with_egg
from tests.fakes.github import FakeGitHub

PROJECT = "motcrawl"
ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (ERROR|CRITICAL):", re.M)


@pytest.fixture
def fake_github():
    with FakeGitHub() as github:
        yield github


@pytest.fixture
def scrapyd(tmp_path, project_egg):
    with scrapyd_with_egg(tmp_path, project_egg, PROJECT) as server:
        yield server


def _drafts(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.yml")}


def test_scheduled_missing_runs_are_incremental(scrapyd, fake_hub, fake_mot_api, fake_github,
                                                tmp_path):
    assert set(scrapyd.get("listspiders.json", project=PROJECT)["spiders"]) >= {
        "missing", "model"}
    out = tmp_path / "out"
    settings = {"HF_ENDPOINT": fake_hub.url, "MOT_API_URL": f"{fake_mot_api.url}/api/v1",
                "GITHUB_API_URL": fake_github.api_url, "GITHUB_URL": fake_github.web_url,
                "MOTCRAWL_OUTPUT_DIR": str(out), "AUTOTHROTTLE_ENABLED": "False"}
    args = {"min_downloads": "0", "max_drafts": "6", "report": "missing-%(time)s.md"}

    first = scrapyd.schedule(PROJECT, "missing", settings, args)
    model_job = scrapyd.schedule(PROJECT, "model", settings,
                                 {"model_id": "allenai/OLMo-7B-hf", "output_dir": "one"})
    scrapyd.wait_finished(PROJECT, first)
    scrapyd.wait_finished(PROJECT, model_job)

    log = scrapyd.job_log(PROJECT, "missing", first)
    assert "Spider closed (finished)" in log
    assert ERROR_LINE.findall(log) == [], log[-3000:]
    assert ERROR_LINE.findall(scrapyd.job_log(PROJECT, "model", model_job)) == []

    feeds = sorted((out / "items" / "missing").glob("*.jsonl"))
    assert len(feeds) == 1
    items = read_jsonl(feeds[0])
    statuses = {i["model_id"]: i for i in items}
    assert statuses["EleutherAI/pythia-160m"]["status"] == "known"
    written = [i for i in items if i.get("draft_status") == "written"]
    assert len(written) == 6
    drafts = _drafts(out / "drafts")
    assert sorted(drafts) == sorted(Path(i["draft_path"]).name for i in written)
    reports = list(out.glob("missing-*.md"))
    assert len(reports) == 1 and "First run" in reports[0].read_text()
    # The incremental state is under the project data folder of the output base, not in
    # the drafts folder (which is copied into MOT pull requests).
    assert len(list((out / ".scrapy" / "motcrawl-state").glob("drafts-*.sqlite3"))) == 1
    assert not list((out / "drafts").glob("*.sqlite3*"))
    assert list((out / "one").glob("*.yml")), "the model job wrote no draft"
    # Nothing landed in scrapyd's working directory.
    assert not list(scrapyd.root.glob("*.md")) and not (scrapyd.root / "drafts").exists()

    second = scrapyd.schedule(PROJECT, "missing", settings, args)
    scrapyd.wait_finished(PROJECT, second)
    log2 = scrapyd.job_log(PROJECT, "missing", second)
    assert ERROR_LINE.findall(log2) == [], log2[-3000:]
    assert _drafts(out / "drafts") == drafts  # no new draft, none rewritten
    feeds2 = sorted((out / "items" / "missing").glob("*.jsonl"))
    assert len(feeds2) == 2
    items2 = read_jsonl(next(f for f in feeds2 if f not in feeds))
    missing2 = [i for i in items2 if i["status"] == "missing"]
    assert missing2 and all(i["draft_status"] == "unchanged" for i in missing2)
    assert {i["model_id"] for i in missing2 if i.get("draft_path")} \
        == {i["model_id"] for i in written}
    assert not [i for i in items2 if i.get("draft_status") in ("written", "overwritten")]
    report2 = next(p for p in out.glob("missing-*.md") if p not in reports).read_text()
    assert "## Changes since the previous run" in report2
    # Exit codes are invisible under scrapyd: each job left a run summary a scheduler reads,
    # naming its job; the last one is last-run.json beside the drafts folder.
    summaries = {s["job"]: s for s in map(json.loads, map(Path.read_text,
                                                          (out / "runs").glob("*.json")))}
    assert {first, model_job, second} <= set(summaries)
    assert {summaries[j]["spider"] for j in (first, second)} == {"missing"}
    assert all(summaries[j]["ok"] and summaries[j]["exit_code"] == 0
               for j in (first, model_job, second))
    assert json.loads((out / "last-run.json").read_text())["job"] == second
    assert "| newly missing | 0 |" in report2
