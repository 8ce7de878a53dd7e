"""Integration: a `missing` crawl interrupted (SIGINT) and resumed with the same JOBDIR.

The resumed run replays the persisted queue and duplicate filter: no listing
page and no model is fetched twice, and no model gets a second draft. The first run
is a `scrapy` child process (it gets the signal); the resumed one runs in this
process (tests/crawl_support.run_crawl).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.crawl_support import run_crawl
from tests.deploy_helpers import PROJECT_ROOT, clean_env, read_jsonl
from tests.fakes.github import FakeGitHub
from tests.fakes.hub import FakeHub


def _args(tmp: Path, hub: FakeHub, github: FakeGitHub, mot_api: str, feed: str) -> list[str]:
    return ["missing",
            "-s", f"JOBDIR={tmp / 'job'}", "-s", f"HF_ENDPOINT={hub.url}",
            "-s", f"GITHUB_API_URL={github.api_url}", "-s", f"GITHUB_URL={github.web_url}",
            "-s", f"MOT_API_URL={mot_api}", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS=2", "-s", f"MOTCRAWL_OUTPUT_DIR={tmp / 'out'}",
            "-a", "min_downloads=0", "-a", "max_drafts=1000", "-O", str(tmp / feed)]


def _crawl(tmp: Path, hub: FakeHub, github: FakeGitHub, mot_api: str,
           feed: str) -> subprocess.Popen:
    home = tmp / "home"
    env = clean_env(PYTHONPATH=str(PROJECT_ROOT), SCRAPY_SETTINGS_MODULE="motcrawl.settings",
                    HOME=str(home), HF_HOME=str(home / "hf"), PYTHONUNBUFFERED="1")
    args = [sys.executable, "-m", "scrapy", "crawl", *_args(tmp, hub, github, mot_api, feed)]
    log = (tmp / f"{feed}.log").open("wb")
    return subprocess.Popen(args, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_interrupted_crawl_resumes_without_duplicates(tmp_path, fake_mot_api):
    drafts = tmp_path / "out" / "drafts"
    mot = f"{fake_mot_api.url}/api/v1"
    with FakeHub(generated=30, seed=3, latency=0.05) as hub, FakeGitHub() as github:
        first = _crawl(tmp_path, hub, github, mot, "first.jsonl")
        try:
            deadline = time.monotonic() + 120
            while len(list(drafts.glob("*.yml"))) < 3 and first.poll() is None:
                assert time.monotonic() < deadline, "no draft written"
                time.sleep(0.05)
            first.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy's graceful stop
            assert first.wait(timeout=60) == 3  # interrupted: partial (README "Exit codes")
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        log1 = (tmp_path / "first.jsonl.log").read_text(errors="replace")
        assert "(shutdown)" in log1, log1[-2000:]
        drafted_first = set(drafts.glob("*.yml"))

        second = run_crawl(_args(tmp_path, hub, github, mot, "second.jsonl"), cwd=tmp_path,
                           timeout=120)
        (tmp_path / "second.jsonl.log").write_text(second.stdout + second.stderr)
        assert second.returncode == 0
        log2 = (tmp_path / "second.jsonl.log").read_text(errors="replace")
        assert "(finished)" in log2, log2[-2000:]
        assert "] ERROR:" not in log2, log2[-3000:]
        listing = Counter(r.raw_path for r in hub.requests if r.path == "/api/models")
        cards = Counter(r.path for r in hub.requests if r.path.endswith("/README.md"))

    # The interrupted run is partial: its feed went beside the -O path (docs/faults.md,
    # "What survives what").
    first_items = read_jsonl(tmp_path / "first.partial.jsonl")
    items = first_items + read_jsonl(tmp_path / "second.jsonl")
    assert max(listing.values()) == 1
    # A model finished in the first run is never fetched again. One the interruption caught
    # half-way (its card read, its GitHub lookup still waiting in the stopped process's
    # memory) is asked for again from its first request, once: it is drafted, not lost.
    finished_first = {f"/{i['model_id']}/resolve/main/README.md" for i in first_items}
    assert not [c for c, n in cards.items() if n > 1 and c in finished_first]
    assert max(cards.values()) <= 2
    assert {i["model_id"] for i in items if i.get("status") == "missing"} \
        == {i["model_id"] for i in items if i.get("draft_status") == "written"}
    assert drafted_first and drafted_first < set(drafts.glob("*.yml"))
    statuses = Counter(i.get("draft_status") for i in items)
    assert "exists" not in statuses and "overwritten" not in statuses, statuses
    written = Counter(i["model_id"] for i in items if i.get("draft_status") == "written")
    assert max(written.values()) == 1
    assert sum(written.values()) == len(list(drafts.glob("*.yml")))
