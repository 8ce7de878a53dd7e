"""Under a real scrapyd: a `missing` job cancelled (cancel.json: SIGINT) and scheduled again
with the same JOBDIR finishes the rest; a misspelt argument stops its job with exit 2."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tests.deploy_helpers import scrapyd_with_egg
from tests.fakes.github import FakeGitHub
from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi
from tests.faults.support import drafts_of, failure_ids

PROJECT = "motcrawl"


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory, project_egg: Path):
    """One scrapyd for the module's tests, with the session's egg (conftest.project_egg:
    the build takes seconds)."""
    with scrapyd_with_egg(tmp_path_factory.mktemp("scrapyd"), project_egg, PROJECT) as server:
        yield server


def test_cancelled_job_scheduled_again_finishes_the_rest(scrapyd, tmp_path: Path) -> None:
    out = tmp_path / "out"
    mot_models = [{"release": {"name": "OLMo", "huggingface":
                               "https://huggingface.co/allenai/OLMo-7B-hf"}}]
    with FakeHub(generated=40, seed=9, latency=0.1, enforce=False) as hub, \
            FakeGitHub() as github, FakeMOTApi(mot_models) as mot:
        settings = {"HF_ENDPOINT": hub.url, "MOT_API_URL": f"{mot.url}/api/v1",
                    "GITHUB_API_URL": github.api_url, "GITHUB_URL": github.web_url,
                    "MOTCRAWL_OUTPUT_DIR": str(out), "JOBDIR": str(out / "jobs" / "weekly"),
                    "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "4"}
        args = {"min_downloads": "0", "max_drafts": "1000", "report": "missing.md"}

        first = scrapyd.schedule(PROJECT, "missing", settings, args)
        deadline = time.monotonic() + 120
        while len(list((out / "drafts").glob("*.yml"))) < 3:
            assert time.monotonic() < deadline, scrapyd.log.read_text()[-3000:]
            time.sleep(0.1)
        scrapyd.post("cancel.json", {"project": PROJECT, "job": first})
        scrapyd.wait_finished(PROJECT, first)
        wanted = set(hub.models) - {"allenai/OLMo-7B-hf"}
        drafted_first = set(drafts_of(out / "drafts"))
        assert drafted_first < wanted, "cancelled too late to test resuming"
        github_before = len(github.requests)

        second = scrapyd.schedule(PROJECT, "missing", settings, args)
        scrapyd.wait_finished(PROJECT, second, timeout=180)
        github_calls = Counter(r.path for r in github.requests[github_before:])

    finished = set(drafts_of(out / "drafts")) | failure_ids(out / "drafts")
    assert wanted - finished == set()
    log = scrapyd.job_log(PROJECT, "missing", second)
    assert "Spider closed (finished)" in log
    # Each repository is asked about once in the resumed job, only for unfinished models.
    assert not github_calls or max(github_calls.values()) == 1
    assert (out / "missing.md").exists() and (out / "missing.partial.md").exists()


def test_misspelt_argument_stops_the_job_with_exit_2(scrapyd, tmp_path: Path) -> None:
    job = scrapyd.schedule(PROJECT, "missing", {"MOTCRAWL_OUTPUT_DIR": str(tmp_path / "out")},
                           {"min_download": "5"})
    scrapyd.wait_finished(PROJECT, job)
    log = scrapyd.log.read_text(errors="replace")
    assert "error: unknown argument 'min_download' (did you mean min_downloads?)" in log
    assert "Process died: exitstatus=2" in log
