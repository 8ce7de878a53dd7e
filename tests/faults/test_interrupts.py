"""Interrupts: SIGINT, a second SIGINT and SIGTERM end a crawl with exit code 3 (partial),
never 0, and the summary says the crawl is partial."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.fakes.hostile import HostileHub
from tests.faults.support import EXIT_INTERRUPTED, Crawl, crawl_env

NAMES = {f"slow/model-{i:02d}": None for i in range(12)}


def _args(tmp: Path) -> list[str]:
    return ["model", "-a", "model_id=" + ",".join(NAMES), "-a", f"output_dir={tmp / 'drafts'}",
            "-s", "CONCURRENT_REQUESTS=2", "-s", "GITHUB_LOOKUPS=0", "-s", "DATASET_LOOKUPS=0",
            "-s", "MOTCRAWL_INCREMENTAL=False"]


def _first_draft(tmp: Path):
    return lambda: any((tmp / "drafts").glob("*.yml"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_one_signal_exits_3_and_says_partial(tmp_path: Path, signum: int) -> None:
    with HostileHub(names=NAMES, hostile=False, enforce=False, latency=0.3) as hub, \
            Crawl(_args(tmp_path), crawl_env(tmp_path, hub=hub.url), tmp_path / "log") as crawl:
        crawl.wait_for(_first_draft(tmp_path), what="a draft")
        crawl.signal(signum)
        code = crawl.wait()
    log = crawl.text()
    assert "shutting down gracefully" in log
    assert code == EXIT_INTERRUPTED, log[-2000:]
    assert "motcrawl summary (shutdown)" in log
    assert "partial: the crawl was interrupted" in log


def test_second_sigint_forces_exit_3(tmp_path: Path) -> None:
    # Slow answers keep the graceful stop waiting, so the second SIGINT lands during it.
    with HostileHub(names=NAMES, hostile=False, enforce=False, latency=0.3) as hub, \
            Crawl(_args(tmp_path), crawl_env(tmp_path, hub=hub.url), tmp_path / "log") as crawl:
        crawl.wait_for(_first_draft(tmp_path), what="a draft")
        hub.latency = 5.0
        crawl.signal(signal.SIGINT)
        crawl.wait_for(lambda: "shutting down gracefully" in crawl.text(), what="the first stop")
        crawl.signal(signal.SIGINT)
        code = crawl.wait()
    log = crawl.text()
    assert "forcing unclean shutdown" in log
    assert code == EXIT_INTERRUPTED, log[-2000:]
