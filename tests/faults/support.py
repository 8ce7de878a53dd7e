"""Running `scrapy crawl` against the fakes, signalling it, reading outputs.

Every crawl gets tests/crawl_support.crawl_env (no token from the machine: tokens are
given explicitly when a test needs one; every base URL on 127.0.0.1; the network
guard) and writes stdout+stderr to a log file the test reads. A crawl that is
signalled or limited (``Crawl``, ``preexec``) is its own process; one that just runs
to its end (``run``) runs in the test's process (tests/crawl_support.run_crawl).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from motcrawl.outputs.yamlfile import HEADER_MARK
from tests import crawl_support

ROOT = Path(__file__).resolve().parents[2]
DEAD = "http://127.0.0.1:9"  # nothing listens: a request there fails at once
EXIT_INTERRUPTED = 3


def crawl_env(tmp: Path, *, hub: str = DEAD, github: str = DEAD, github_web: str = DEAD,
              mot: str = DEAD, **extra: str) -> dict[str, str]:
    return crawl_support.crawl_env(tmp / "home", {
        "HF_ENDPOINT": hub, "GITHUB_API_URL": github, "GITHUB_URL": github_web,
        "MOT_API_URL": mot, "HF_HUB_OFFLINE": "1", "MOTCRAWL_PROGRESS_INTERVAL": "0",
        **extra})


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", *args]


class Crawl:
    """One `scrapy crawl` process; its output goes to ``log``."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, *,
                 preexec: Callable[[], None] | None = None) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(command(*args), cwd=ROOT, env=env, stdout=self._out,
                                     stderr=subprocess.STDOUT, preexec_fn=preexec)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60,
                 what: str = "the condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                raise AssertionError(f"the crawl ended before {what}:\n{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout} s:\n{self.text()[-3000:]}")
            time.sleep(0.02)

    def signal(self, signum: int = signal.SIGINT) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 90) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._out.close()

    def __enter__(self) -> Crawl:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def run(args: list[str], env: dict[str, str], log: Path, timeout: float = 120,
        preexec: Callable[[], None] | None = None) -> tuple[int, str]:
    """Run a crawl to its end: (exit code, output). In this process, unless ``preexec``
    must limit a process of its own."""
    if preexec is not None:
        with Crawl(args, env, log, preexec=preexec) as crawl:
            code = crawl.wait(timeout)
            return code, crawl.text()
    proc = crawl_support.run_crawl(args, env=env, timeout=timeout)
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return proc.returncode, proc.stdout + proc.stderr


def drafts_of(folder: Path) -> dict[str, Path]:
    """model id (from each draft's header) -> draft path; every draft parses, one per model."""
    out: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith(HEADER_MARK):
            continue
        assert isinstance(yaml.safe_load(text), dict), path
        model_id = next(line.split(": ", 1)[1] for line in text.splitlines()
                        if line.startswith("# model-id: "))
        assert model_id not in out, f"two drafts for {model_id}: {out[model_id]}, {path}"
        out[model_id] = path
    return out


def failure_ids(folder: Path, pattern: str = "failures*.jsonl") -> set[str]:
    """Model ids in every failures file of a folder (this run's and earlier runs')."""
    ids: set[str] = set()
    for path in folder.glob(pattern):
        for line in path.read_text(encoding="utf-8").splitlines():
            ids.add(json.loads(line)["model_id"])
    return ids


def stat(log: str, key: str) -> int:
    """A counter from the stats Scrapy dumps at the end of the log (0 when absent)."""
    import re

    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0
