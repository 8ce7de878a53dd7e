"""Disk faults: a full disk while the failures file is written, and a failing run that must
not clobber the last complete report, ids file and feed."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
from pathlib import Path

import yaml

from tests.fakes.hub import FakeHub
from tests.faults.support import DEAD, ROOT, command, crawl_env, run, stat

GONE = [f"gone/model-{i:02d}" for i in range(30)]  # unknown to the Hub: every one fails
FSIZE = 2500  # bytes any file of the crawl may reach: room for a dozen failure lines


def _small_disk() -> None:
    # Like a full disk for the failures file: writes past FSIZE fail (EFBIG), without a
    # signal killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE, FSIZE))


def test_full_disk_never_tears_the_failures_file_and_the_summary_counts_what_was_lost(
        tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    failures = out / "failures.jsonl"
    with FakeHub(enforce=False) as hub:
        env = crawl_env(tmp_path, hub=hub.url)
        base = ["-a", f"output_dir={out}", "-s", "MOTCRAWL_INCREMENTAL=False",
                "-s", "RETRY_TIMES=0", "-s", "GITHUB_LOOKUPS=0", "-s", "DATASET_LOOKUPS=0"]
        # The log goes to a pipe: a log file would hit the limit as well.
        proc = subprocess.run(command("model", "-a", "model_id=" + ",".join(GONE), *base),
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                              preexec_fn=_small_disk)
        code, log = proc.returncode, proc.stderr
        assert code == 1, log[-3000:]
        lines = failures.read_text(encoding="utf-8").splitlines()
        recorded = [json.loads(line)["model_id"] for line in lines]  # every line is whole
        assert 0 < len(recorded) < len(GONE)
        lost = len(GONE) - len(recorded)
        assert stat(log, "motcrawl/failures/unrecorded") == lost
        assert f"{len(recorded)} of {len(GONE)} failures recorded in {failures}" in log
        assert f"{lost} failures could not be recorded in {failures}" in log

        hub.clear_requests()
        code, log = run(["model", "-a", f"ids_file={failures}", *base], env, tmp_path / "log2")
        assert code == 1, log[-3000:]  # retried (and failed again), not refused
        asked = {r.path.removeprefix("/api/models/") for r in hub.requests}
        assert asked == set(recorded)


def test_retry_reader_skips_a_torn_last_line(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    torn = tmp_path / "torn.jsonl"
    torn.write_text("".join(json.dumps({"model_id": m, "stage": "info", "reason": "x"}) + "\n"
                            for m in GONE[:3]) + '{"model_id": "gone/mod', encoding="utf-8")
    with FakeHub(enforce=False) as hub:
        code, log = run(["model", "-a", f"ids_file={torn}", "-a", f"output_dir={out}",
                         "-s", "RETRY_TIMES=0"], crawl_env(tmp_path, hub=hub.url),
                        tmp_path / "log")
        asked = {r.path.removeprefix("/api/models/") for r in hub.requests}
    assert code == 1, log[-3000:]
    assert f"warning: {torn}:4: torn last line skipped" in log
    assert asked == set(GONE[:3])


def test_failed_run_keeps_the_last_complete_report_ids_and_feed(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "OLMo.yml").write_text(yaml.safe_dump({"release": {
        "name": "OLMo", "huggingface": "https://huggingface.co/allenai/OLMo-7B-hf"}}))
    report, feed = tmp_path / "missing.md", tmp_path / "missing.jsonl"
    ids = tmp_path / "missing.ids.txt"
    args = ["missing", "-a", f"models_dir={models}", "-a", "min_downloads=0",
            "-a", "max_drafts=0", "-a", f"report={report}", "-a", f"output_dir={tmp_path / 'd'}",
            "-O", str(feed)]
    with FakeHub(enforce=False) as hub:
        code, log = run(args, crawl_env(tmp_path, hub=hub.url), tmp_path / "log1")
    assert code == 0, log[-3000:]
    complete = {p: p.read_bytes() for p in (report, feed, ids)}
    assert len(feed.read_text().splitlines()) > 10

    # The network is down: the listing fails.
    code, log = run(args, crawl_env(tmp_path, hub=DEAD), tmp_path / "log2")
    assert code == 1, log[-3000:]
    assert {p: p.read_bytes() for p in complete} == complete
    partial = tmp_path / "missing.partial.md"
    assert "did not finish normally (listing_failed)" in partial.read_text()
    assert (tmp_path / "missing.partial.ids.txt").exists()
    assert (tmp_path / "missing.partial.jsonl").read_text() == ""
    assert not list(tmp_path.glob(".*.tmp"))
