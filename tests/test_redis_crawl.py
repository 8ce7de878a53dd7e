"""Integration: two crawler processes share one `missing` crawl through a real redis-server.

Each node has its own output folder and feed, so a model drafted by both would
show up twice; the shared duplicate filter and the node-local listing walk must
make every listed missing model drafted (or failed) exactly once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.deploy_helpers import PROJECT_ROOT, clean_env, read_jsonl, running_redis
from tests.fakes.github import FakeGitHub
from tests.fakes.hub import FakeHub

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="no redis-server binary (Debian package redis-server; .ci/run installs it)")


def _node(name: str, tmp: Path, redis_url: str, hub: FakeHub, github: FakeGitHub,
          mot_api: str) -> subprocess.Popen:
    home = tmp / f"home-{name}"
    env = clean_env(PYTHONPATH=str(PROJECT_ROOT), SCRAPY_SETTINGS_MODULE="motcrawl.settings",
                    HOME=str(home), HF_HOME=str(home / "hf"), PYTHONUNBUFFERED="1")
    args = [sys.executable, "-m", "scrapy", "crawl", "missing",
            "-s", f"REDIS_URL={redis_url}", "-s", "MOTCRAWL_CRAWL_ID=test-crawl",
            "-s", "MOTCRAWL_REDIS_IDLE_CLOSE=3", "-s", f"HF_ENDPOINT={hub.url}",
            "-s", f"GITHUB_API_URL={github.api_url}", "-s", f"GITHUB_URL={github.web_url}",
            "-s", f"MOT_API_URL={mot_api}", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"MOTCRAWL_OUTPUT_DIR={tmp / name}",
            "-a", "min_downloads=0", "-a", "max_drafts=1000",
            "-O", str(tmp / f"{name}.jsonl")]
    log = (tmp / f"{name}.log").open("wb")
    return subprocess.Popen(args, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_two_nodes_draft_every_listed_model_once(tmp_path, fake_mot_api):
    with FakeHub(generated=40, seed=7, latency=0.01) as hub, FakeGitHub() as github, \
            running_redis(tmp_path / "redis") as redis_url:
        nodes = {name: _node(name, tmp_path, redis_url, hub, github,
                             f"{fake_mot_api.url}/api/v1")
                 for name in ("a", "b")}
        try:
            codes = {name: proc.wait(timeout=150) for name, proc in nodes.items()}
        finally:
            for proc in nodes.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        logs = {n: (tmp_path / f"{n}.log").read_text(errors="replace") for n in nodes}
        assert codes == {"a": 0, "b": 0}, {n: logs[n][-2000:] for n in nodes}
        listing_requests = [r for r in hub.requests if r.path == "/api/models"]
        card_requests = Counter(r.path for r in hub.requests if r.path.endswith("/README.md"))
        repo_lookups = Counter(r.path for r in github.api_requests())

    items = {n: read_jsonl(tmp_path / f"{n}.jsonl") for n in nodes}
    every = [i for n in nodes for i in items[n]]
    # The listing was walked once (one node won the first page through the shared filter).
    assert len(listing_requests) == len({r.raw_path for r in listing_requests})
    assert sum("shared crawl test-crawl" in log for log in logs.values()) == 2

    missing = Counter(i["model_id"] for i in every if i.get("status") == "missing")
    assert missing and max(missing.values()) == 1, [m for m, c in missing.items() if c > 1]
    assert Counter(i["model_id"] for i in every).most_common(1)[0][1] == 1
    outcomes = Counter(i.get("draft_status") for i in every if i.get("status") == "missing")
    assert set(outcomes) <= {"written", "failed", "invalid"}, outcomes
    drafted = [Path(i["draft_path"]) for i in every if i.get("draft_status") == "written"]
    files = [p for n in nodes for p in (tmp_path / n / "drafts").glob("*.yml")]
    assert sorted(drafted) == sorted(files)
    failures = [line for n in nodes
                for line in read_jsonl(tmp_path / n / "drafts" / "failures.jsonl")
                if (tmp_path / n / "drafts" / "failures.jsonl").exists()] \
        if any((tmp_path / n / "drafts" / "failures.jsonl").exists() for n in nodes) else []
    assert len(drafted) + len(failures) == len(missing)
    assert not [path for path, count in card_requests.items() if count > 1]
    assert repo_lookups, "no GitHub lookup: the node-local lookups were not exercised"


def test_redis_url_without_a_crawl_id_is_a_one_line_error(tmp_path):
    env = clean_env(PYTHONPATH=str(PROJECT_ROOT), SCRAPY_SETTINGS_MODULE="motcrawl.settings",
                    HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "missing",
                             "-s", "REDIS_URL=redis://127.0.0.1:9/0"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(
        "error: REDIS_URL is set: give -s MOTCRAWL_CRAWL_ID"), result.stderr
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []  # nothing created before the error
