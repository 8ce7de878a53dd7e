"""Tests that reach past the loopback, for tests/test_netguard.py to run in a separate
pytest session: the guard must fail every one of them but the last. Not collected by
the suite itself (the name does not start with ``test_``).

Each swallows the error it gets, as code under test would: only the guard can fail it.
"""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

from tests.crawl_support import run_crawl, run_crawl_subprocess
from tests.fakes.hub import FakeHub

# The crawls ask the real GitHub API (the crawl helper would point it at 127.0.0.1).
OUTSIDE = {"GITHUB_API_URL": "https://api.github.com"}
MODEL = "EleutherAI/pythia-160m"  # names EleutherAI/pythia on GitHub


def test_resolves_an_outside_name() -> None:
    try:
        socket.getaddrinfo("example.com", 443)
    except OSError:
        pass


def test_connects_to_an_outside_address() -> None:
    try:
        with socket.create_connection(("192.0.2.1", 80), timeout=0.5):
            pass
    except OSError:
        pass
    sock = socket.socket()
    try:
        sock.settimeout(0.5)
        sock.connect(("192.0.2.1", 80))
    except OSError:
        pass
    finally:
        sock.close()


def test_in_process_crawl_reaches_an_outside_host(tmp_path: Path) -> None:
    with FakeHub() as hub:
        proc = run_crawl(["model", "-a", f"model_id={MODEL}", "-a", f"output_dir={tmp_path}",
                          "-s", "RETRY_TIMES=0"], env={"HF_ENDPOINT": hub.url, **OUTSIDE})
    assert proc.returncode == 0, proc.stderr[-2000:]  # GitHub down never fails the model


def test_subprocess_crawl_reaches_an_outside_host(tmp_path: Path) -> None:
    with FakeHub() as hub:
        proc = run_crawl_subprocess(["model", "-a", f"model_id={MODEL}", "-a",
                                     f"output_dir={tmp_path}", "-s", "RETRY_TIMES=0"],
                                    env={"HF_ENDPOINT": hub.url, **OUTSIDE})
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_loopback_only() -> None:
    with FakeHub() as hub:
        socket.getaddrinfo("localhost", 80)
        port = hub.url.rsplit(":", 1)[1]
        with urllib.request.urlopen(f"http://localhost:{port}/api/models/{MODEL}") as answer:
            assert answer.status == 200
