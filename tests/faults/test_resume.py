"""Resumes and reruns: every model a job wanted ends drafted or recorded as failed - across a
SIGINT, a second SIGINT, a kill -9 that leaves an empty queue file, and a failure in an
earlier incremental run - and a finished model costs nothing when the job resumes."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

from tests.fakes.github import FakeGitHub
from tests.fakes.hostile import HostileHub
from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi
from tests.fakes.server import Response
from tests.faults.support import EXIT_INTERRUPTED, Crawl, crawl_env, drafts_of, failure_ids, run

NAMES = {f"res/model-{i:02d}": None for i in range(20)}


def _model_args(tmp: Path) -> list[str]:
    return ["model", "-a", "model_id=" + ",".join(NAMES), "-a", f"output_dir={tmp / 'drafts'}",
            "-s", f"JOBDIR={tmp / 'job'}", "-s", "CONCURRENT_REQUESTS=2",
            "-s", "GITHUB_LOOKUPS=0", "-s", "DATASET_LOOKUPS=0"]


def _info_requests(hub: FakeHub, start: int = 0) -> Counter[str]:
    return Counter(r.path.removeprefix("/api/models/") for r in hub.requests[start:]
                   if r.path.startswith("/api/models/"))


def test_missing_resume_finishes_every_model_it_wanted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    mot_models = [{"release": {"name": "OLMo", "huggingface":
                               "https://huggingface.co/allenai/OLMo-7B-hf"}}]
    with FakeHub(generated=40, seed=5, latency=0.05, enforce=False) as hub, \
            FakeGitHub() as github, FakeMOTApi(mot_models) as mot:
        env = crawl_env(tmp_path, hub=hub.url, github=github.api_url, github_web=github.web_url,
                        mot=f"{mot.url}/api/v1")
        args = ["missing", "-a", "min_downloads=0", "-a", "max_drafts=1000",
                "-a", "output_dir=drafts", "-s", f"JOBDIR={tmp_path / 'job'}",
                "-s", f"MOTCRAWL_OUTPUT_DIR={out}", "-s", "CONCURRENT_REQUESTS=4"]
        with Crawl(args, env, tmp_path / "log1") as first:
            first.wait_for(lambda: "listing stopped" in first.text(), what="the listing's end")
            first.signal(signal.SIGINT)
            first_code = first.wait()
        wanted = set(hub.models) - {"allenai/OLMo-7B-hf"}
        drafted_first = set(drafts_of(out / "drafts"))
        assert drafted_first < wanted, "interrupted too late to test resuming"

        code, log = run(args, env, tmp_path / "log2")
    finished = set(drafts_of(out / "drafts")) | failure_ids(out / "drafts")
    assert wanted - finished == set()
    assert code == 0, log[-3000:]
    assert "Spider closed (finished)" in log
    assert "resuming: " in log
    assert first_code == EXIT_INTERRUPTED


def test_resume_after_kill9_with_an_empty_queue_file(tmp_path: Path) -> None:
    job = tmp_path / "job"
    with HostileHub(names=NAMES, hostile=False, enforce=False, latency=0.2) as hub:
        env = crawl_env(tmp_path, hub=hub.url)
        with Crawl(_model_args(tmp_path), env, tmp_path / "log1") as first:
            first.wait_for(lambda: len(list((tmp_path / "drafts").glob("*.yml"))) >= 3,
                           what="three drafts")
            first.signal(signal.SIGKILL)
            first.wait()
        # What a kill right after Scrapy created a queue file leaves: the file, 0 bytes.
        slot = job / "requests.queue" / "127.0.0.1-f528764d624db129b32c21fbca0cb8d6"
        slot.mkdir(parents=True, exist_ok=True)
        (slot / "0").write_bytes(b"")
        for queue_file in (job / "requests.queue").rglob("0"):
            os.truncate(queue_file, 0)
        hub.latency = 0
        code, log = run(_model_args(tmp_path), env, tmp_path / "log2")
    assert set(drafts_of(tmp_path / "drafts")) | failure_ids(tmp_path / "drafts") == set(NAMES)
    assert "struct.error" not in log and "Task exception was never retrieved" not in log
    assert code == 0, log[-3000:]
    assert f"JOBDIR {job}: the request queue of an earlier run is not used" in log


def test_model_resume_after_a_forced_stop_refetches_no_finished_model(tmp_path: Path) -> None:
    with HostileHub(names=NAMES, hostile=False, enforce=False, latency=0.2) as hub:
        env = crawl_env(tmp_path, hub=hub.url)
        with Crawl(_model_args(tmp_path), env, tmp_path / "log1") as first:
            first.wait_for(lambda: len(list((tmp_path / "drafts").glob("*.yml"))) >= 5,
                           what="five drafts")
            hub.latency = 3.0  # the graceful stop waits: the second SIGINT forces it
            first.signal(signal.SIGINT)
            first.wait_for(lambda: "shutting down gracefully" in first.text(), what="a stop")
            first.signal(signal.SIGINT)
            first_code = first.wait()
        drafted_first = set(drafts_of(tmp_path / "drafts"))
        assert 5 <= len(drafted_first) < len(NAMES)
        seen = len(hub.requests)
        hub.latency = 0
        code, log = run(_model_args(tmp_path), env, tmp_path / "log2")
        asked = _info_requests(hub, seen)
    assert code == 0, log[-3000:]
    assert set(asked) & drafted_first == set(), "a finished model was fetched again"
    assert set(asked) == set(NAMES) - drafted_first and max(asked.values()) == 1
    assert set(drafts_of(tmp_path / "drafts")) == set(NAMES)
    assert first_code == EXIT_INTERRUPTED


def test_a_failed_model_stays_pending_and_earlier_failures_are_kept(tmp_path: Path) -> None:
    broken = {"on": True}
    victim = "res/model-03"

    def card_fails(request):
        if broken["on"] and request.path.startswith(f"/{victim}/resolve/"):
            return Response.text("down", status=500)
        return None

    models = tmp_path / "models"
    models.mkdir()
    drafts = tmp_path / "drafts"
    args = ["missing", "-a", f"models_dir={models}", "-a", "allow_empty_catalog=true",
            "-a", "min_downloads=0",
            "-a", "max_drafts=1000", "-a", f"output_dir={drafts}", "-s", "RETRY_TIMES=0",
            "-s", "GITHUB_LOOKUPS=0", "-s", "DATASET_LOOKUPS=0",
            "-O", str(tmp_path / "feed.jsonl")]
    with HostileHub(names=NAMES, hostile=False, enforce=False, fault=card_fails) as hub:
        env = crawl_env(tmp_path, hub=hub.url)
        code, log = run(args, env, tmp_path / "log1")
        assert code == 0, log[-3000:]
        assert failure_ids(drafts, "failures.jsonl") == {victim}
        assert victim not in drafts_of(drafts)

        broken["on"] = False
        hub.clear_requests()
        code, log = run(args, env, tmp_path / "log2")
        asked = _info_requests(hub) + Counter(r.path for r in hub.requests
                                              if "/resolve/" in r.path)
    assert code == 0, log[-3000:]
    items = {i["model_id"]: i for i in map(json.loads,
                                           (tmp_path / "feed.jsonl").read_text().splitlines())}
    assert items[victim]["draft_status"] == "written"
    assert victim in drafts_of(drafts)
    assert items["res/model-04"]["draft_status"] == "unchanged"  # the others cost nothing
    assert list(asked) == [f"/{victim}/resolve/main/README.md"]
    # The first run's failures are kept beside the second run's (empty) file.
    assert failure_ids(drafts, "failures.*.jsonl") == {victim}
