"""End to end: ``scrapy crawl model`` against the fake Hub with tiny quotas and windows.

Each crawl runs in this process (tests/crawl_support.run_crawl); the fake enforces
its quotas (a request over quota gets the Hub's 429), so "no 429" and "every model
drafted or failed" are behaviour, not timing.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.crawl_support import drafted_ids, failures, run_crawl
from tests.fakes.hub import FakeHub, info_url
from tests.fakes.server import FakeService, RecordedRequest, Response

# The Hub's buckets are under test: no GitHub or dataset lookups.
FAST = ["-s", "MOTCRAWL_RETRY_BACKOFF=0.05", "-s", "MOTCRAWL_PROGRESS_INTERVAL=0",
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "GITHUB_LOOKUPS=false",
        "-s", "DATASET_LOOKUPS=false"]


def generated(hub: FakeHub, n: int) -> list[str]:
    return sorted(hub.readmes)[:n]


def crawl(hub_url: str, tmp: Path, ids: list[str], *args: str, out: str = "drafts",
          env: dict[str, str] | None = None):
    ids_file = tmp / f"{out}-ids.txt"
    ids_file.write_text("\n".join(ids) + "\n", encoding="utf-8")
    proc = run_crawl(["model", "-a", f"ids_file={ids_file}", "-a", f"output_dir={tmp / out}",
                      *FAST, *args], env={"HF_ENDPOINT": hub_url, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


def spend(hub: FakeHub, n: int) -> None:
    """Another client (same IP, no token) spends n api requests."""
    for _ in range(n):
        try:
            urllib.request.urlopen(hub.url + "/api/models/nobody/else", timeout=5).read()
        except urllib.error.HTTPError:
            pass


def test_waits_on_429_then_succeeds(tmp_path):
    # The window outlasts the crawler's start-up on a loaded machine (a 3 s window
    # could reset before the first request, and then no 429 is ever answered). In
    # this process the start-up is no interpreter start: 6 s is plenty (was 10 s).
    hub = FakeHub(generated=3, window=6, quotas={"api": 4})
    with hub:
        ids = generated(hub, 3)
        spend(hub, 4)                       # the bucket is empty when the crawl starts
        proc = crawl(hub.url, tmp_path, ids)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert hub.status_counts[429] == 1      # the first request learns it; the rest wait
    assert drafted_ids(tmp_path / "drafts") == set(ids)
    assert failures(tmp_path / "drafts" / "failures.jsonl") == []
    refused = [r for r in hub.requests if r.path.startswith("/api/models/") and
               r.path != "/api/models/nobody/else"]
    assert len(refused) == len(ids) + 1     # one request sent twice: 429, then 200
    assert "429 answers 1, re-sent after the reset 1, given up 0" in proc.stderr
    assert "5xx/connection retries 0 " in proc.stderr  # no 5xx retry was spent on it


def test_bucket_running_dry_mid_crawl(tmp_path):
    hub = FakeHub(generated=10, window=2, quotas={"api": 4, "resolvers": 6})
    with hub:
        ids = generated(hub, 10)
        proc = crawl(hub.url, tmp_path, ids, "-s", "MOTCRAWL_PROGRESS_INTERVAL=0.5")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert hub.bucket_counts["api"] == 10   # needed three api windows
    assert hub.status_counts[429] == 0      # paced, never refused
    assert drafted_ids(tmp_path / "drafts") | {
        f["model_id"] for f in failures(tmp_path / "drafts" / "failures.jsonl")} == set(ids)
    assert failures(tmp_path / "drafts" / "failures.jsonl") == []
    assert "429 answers 0" in proc.stderr
    # three windows take seconds: the progress line showed the budgets meanwhile
    assert "progress: models seen" in proc.stderr and "budgets api " in proc.stderr


def test_5xx_retried_with_backoff_then_failure_recorded(tmp_path):
    attempts: dict[str, int] = {}
    hub = FakeHub(generated=3)
    broken_info, flaky_info, broken_card = generated(hub, 3)

    def fault(request: RecordedRequest) -> Response | None:
        attempts[request.path] = attempts.get(request.path, 0) + 1
        if request.path == f"/api/models/{broken_info}":
            return Response.text("upstream error", status=503)
        if request.path == f"/api/models/{flaky_info}" and attempts[request.path] <= 2:
            return Response.text("upstream error", status=502)
        if request.path == f"/{broken_card}/resolve/main/README.md":
            return Response.text("upstream error", status=500)
        return None

    hub.fault = fault
    with hub:
        proc = crawl(hub.url, tmp_path, [broken_info, flaky_info, broken_card])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert attempts[f"/api/models/{broken_info}"] == 4      # 1 + RETRY_TIMES
    assert attempts[f"/api/models/{flaky_info}"] == 3
    assert drafted_ids(tmp_path / "drafts") == {flaky_info}
    recorded = {f["model_id"]: f for f in failures(tmp_path / "drafts" / "failures.jsonl")}
    assert recorded[broken_info]["stage"] == "info"
    assert recorded[broken_info]["reason"].startswith("HTTP 503")
    assert recorded[broken_card]["stage"] == "card"
    assert recorded[broken_card]["reason"].startswith("HTTP 500")
    assert "given up after the last retry 2" in proc.stderr


HF_SECRET = "hf_TESTsecretTOKENvalue123"
GH_SECRET = "ghp_TESTsecretGITHUBvalue456"


def test_tokens_stay_on_their_host_and_out_of_logs_and_files(tmp_path):
    hub = FakeHub(generated=4, window=60, quotas={"api": 2}, token_quotas={"api": 50})
    moved, kept = generated(hub, 2)
    mirror = FakeService()
    mirror.route("GET", "/api/models/{repo:path}", lambda req, repo: Response.json(
        hub.models[repo]))

    def redirect(request: RecordedRequest) -> Response | None:
        if request.path == f"/api/models/{moved}":
            return Response(302, b"", [("Location", info_url(moved, mirror.url))])
        return None

    hub.fault = redirect
    with hub, mirror:
        proc = crawl(hub.url, tmp_path, [moved, kept] + generated(hub, 4)[2:],
                     "-s", "LOG_LEVEL=DEBUG", "-s", "HTTPCACHE_ENABLED=true",
                     "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}",
                     env={"HF_TOKEN": HF_SECRET, "GITHUB_TOKEN": GH_SECRET})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(drafted_ids(tmp_path / "drafts")) == 4
    # the Hub saw the HF token on every request, never the GitHub one
    assert hub.requests and all(r.header("authorization") == f"Bearer {HF_SECRET}"
                                for r in hub.requests)
    # the other server (the redirect target, another port) saw no token at all
    assert mirror.requests and all(r.header("authorization") is None for r in mirror.requests)
    # the token's quota paced the crawl: 4+ api requests in one window (anonymous: 2)
    windows = {k: v for k, v in hub._windows.items() if k[1] == "api"}
    assert list(windows) == [(f"Bearer {HF_SECRET}", "api")]
    assert windows[(f"Bearer {HF_SECRET}", "api")][1] >= 4
    assert hub.status_counts[429] == 0
    # never in the log or any file the crawl wrote (drafts, failures, HTTP cache)
    for secret in (HF_SECRET, GH_SECRET):
        assert secret not in proc.stderr and secret not in proc.stdout
        for path in tmp_path.rglob("*"):
            if path.is_file() and "ids.txt" not in path.name:
                assert secret.encode() not in path.read_bytes(), path


def test_cache_replay_offline_gives_the_same_drafts(tmp_path):
    hub = FakeHub(generated=3)
    ids = generated(hub, 3) + ["allenai/OLMo-7B-hf"]   # OLMo also asks for refs
    cache = ["-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}"]
    with hub:
        online = crawl(hub.url, tmp_path, ids, "-s", "HTTPCACHE_ENABLED=true", *cache,
                       out="online")
        url = hub.url
    assert online.returncode == 0, online.stderr[-3000:]
    # the fake is gone: only the cache can answer now
    offline = crawl(url, tmp_path, ids, "-s", "MOTCRAWL_OFFLINE=true", *cache, out="offline")
    assert offline.returncode == 0, offline.stderr[-3000:]
    first = {p.name: p.read_text() for p in (tmp_path / "online").glob("*.yml")}
    second = {p.name: p.read_text() for p in (tmp_path / "offline").glob("*.yml")}
    assert len(first) == len(ids)
    assert second == first
    assert failures(tmp_path / "offline" / "failures.jsonl") == []

    # a model the cache never saw fails loudly, with the URL, instead of vanishing
    missing = crawl(url, tmp_path, ["someorg/never-crawled"], "-s", "MOTCRAWL_OFFLINE=true",
                    *cache, out="miss")
    assert missing.returncode == 1
    (failure,) = failures(tmp_path / "miss" / "failures.jsonl")
    assert failure["model_id"] == "someorg/never-crawled"
    assert "not in the HTTP cache" in failure["reason"]
    assert "/api/models/someorg/never-crawled" in failure["reason"]
    error_lines = [ln for ln in missing.stderr.splitlines()
                   if "ERROR" in ln and "not in the HTTP cache" in ln]
    assert len(error_lines) == 1 and "/api/models/someorg/never-crawled" in error_lines[0]


@pytest.mark.parametrize("value", ["-5", "soon"])
def test_bad_progress_interval_does_not_crash(tmp_path, value):
    hub = FakeHub(generated=1)
    with hub:
        proc = crawl(hub.url, tmp_path, generated(hub, 1), "-s",
                     f"MOTCRAWL_PROGRESS_INTERVAL={value}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "progress:" not in proc.stderr
