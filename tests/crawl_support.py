"""Running ``scrapy crawl`` in a subprocess against local fakes (rate-limit tests).

A stand-in for the shared ``run_scrapy`` helper until tests/conftest.py lands:
the environment never carries the caller's tokens or stored token, and every
base URL points at 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
DEAD = "http://127.0.0.1:9"  # nothing listens there: a request to it fails at once


def crawl_env(hub_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_TOKEN", "GITHUB_TOKEN", "HUGGING_FACE_HUB_TOKEN")}
    env.update(HF_ENDPOINT=hub_url, GITHUB_API_URL=DEAD, GITHUB_URL=DEAD, MOT_API_URL=DEAD,
               PYTHONPATH=str(ROOT), HF_TOKEN_PATH=str(tmp / "no-stored-token"),
               HF_HOME=str(tmp / "hf-home"))
    env.update(extra)
    return env


def run_crawl(args: list[str], env: dict[str, str], timeout: float = 120
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRAPY, "crawl", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def failures(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def drafted_ids(out: Path) -> set[str]:
    ids = set()
    for path in out.glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# model-id:"):
                ids.add(line.split(":", 1)[1].strip())
                break
    return ids
