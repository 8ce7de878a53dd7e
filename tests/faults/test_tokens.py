"""Tokens never reach anything persisted: a JOBDIR crawl with HF_TOKEN and GITHUB_TOKEN set,
with retried (503) and rate-limited (429) requests, interrupted with SIGINT: no file under
JOBDIR, the output folder or the log holds either token; the same crawl through scrapy-redis
leaves no token in the Redis queue."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from tests.deploy_helpers import running_redis
from tests.fakes.github import FakeGitHub
from tests.fakes.hostile import HostileHub
from tests.faults.support import EXIT_INTERRUPTED, Crawl, crawl_env

HF_SECRET = "hf_faultsSECRETtoken0123456789"
GH_SECRET = "ghp_faultsSECRETtoken0123456789"
NAMES = {f"tok/model-{i:02d}": None for i in range(30)}


def _files_holding(folder: Path, secrets: tuple[str, ...]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {s[:6]}..." for s in secrets if s.encode() in data]
    return found


def test_no_token_in_jobdir_outputs_or_log(tmp_path: Path) -> None:
    job, out = tmp_path / "job", tmp_path / "out"
    args = ["model", "-a", "model_id=" + ",".join(NAMES), "-a", f"output_dir={out}",
            "-s", f"JOBDIR={job}", "-s", "CONCURRENT_REQUESTS=2", "-s", "RETRY_TIMES=5",
            "-s", "MOTCRAWL_RETRY_BACKOFF=0.05", "-s", "AUTOTHROTTLE_ENABLED=False"]
    # Every 3rd answer is a 503 (retried through the scheduler); a small token quota
    # gives 429s (re-sent after the reset) as well.
    with HostileHub(names=NAMES, hostile=False, fail_every=3, latency=0.05, window=2,
                    token_quotas={"api": 8, "resolvers": 8}) as hub, FakeGitHub() as github:
        env = crawl_env(tmp_path, hub=hub.url, github=github.api_url,
                        github_web=github.web_url, HF_TOKEN=HF_SECRET, GITHUB_TOKEN=GH_SECRET)
        with Crawl(args, env, tmp_path / "log") as crawl:
            crawl.wait_for(lambda: len(list(out.glob("*.yml"))) >= 3, what="three drafts")
            crawl.signal(signal.SIGINT)
            code = crawl.wait()
        sent = [r for r in hub.requests if r.header("authorization")]
        retried = hub.status_counts[503] + hub.status_counts[429]
    assert sent and all(r.header("authorization") == f"Bearer {HF_SECRET}" for r in sent)
    assert retried, "no request was retried: the test proves nothing"
    assert job.is_dir()
    assert _files_holding(job, (HF_SECRET, GH_SECRET)) == []
    assert _files_holding(out, (HF_SECRET, GH_SECRET)) == []
    assert HF_SECRET not in crawl.text() and GH_SECRET not in crawl.text()
    assert code == EXIT_INTERRUPTED, crawl.text()[-2000:]


def _redis_values(url: str) -> list[bytes]:
    import redis

    client = redis.Redis.from_url(url)
    values: list[bytes] = []
    for key in client.scan_iter():
        kind = client.type(key)
        if kind == b"zset":
            values += client.zrange(key, 0, -1)
        elif kind == b"list":
            values += client.lrange(key, 0, -1)
        elif kind == b"set":
            values += list(client.smembers(key))
        elif kind == b"hash":
            values += list(client.hgetall(key).values())
        elif kind == b"string":
            values.append(client.get(key) or b"")
    return values


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server binary")
def test_no_token_in_the_redis_queue(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with HostileHub(names=NAMES, hostile=False, fail_every=3, latency=0.05, window=2,
                    token_quotas={"api": 8, "resolvers": 8}) as hub, \
            running_redis(tmp_path / "redis") as redis_url:
        args = ["model", "-a", "model_id=" + ",".join(NAMES), "-a", f"output_dir={out}",
                "-s", f"REDIS_URL={redis_url}", "-s", "MOTCRAWL_CRAWL_ID=tokens",
                "-s", "CONCURRENT_REQUESTS=2", "-s", "RETRY_TIMES=5",
                "-s", "MOTCRAWL_RETRY_BACKOFF=0.05", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "GITHUB_LOOKUPS=0"]
        env = crawl_env(tmp_path, hub=hub.url, HF_TOKEN=HF_SECRET)
        with Crawl(args, env, tmp_path / "log") as crawl:
            crawl.wait_for(lambda: len(list(out.glob("*.yml"))) >= 3, what="three drafts")
            crawl.signal(signal.SIGINT)
            code = crawl.wait()
        queued = _redis_values(redis_url)
        retried = hub.status_counts[503] + hub.status_counts[429]
    assert retried, "no request was retried: the test proves nothing"
    assert queued, "nothing left in Redis: the test proves nothing"
    assert [v for v in queued if HF_SECRET.encode() in v] == []
    assert code == EXIT_INTERRUPTED, crawl.text()[-2000:]
