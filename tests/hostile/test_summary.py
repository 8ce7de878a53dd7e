"""The end-of-crawl summary and retrying exactly the failures with ``-a ids_file=``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from motcrawl.outputs.crawl_summary import reason_group, summary_lines
from tests.crawl_support import run_crawl
from tests.fakes.hostile import HostileHub
from tests.hostile.conftest import drafts_of, failures_of


@pytest.mark.parametrize("stage, reason, expected", [
    ("card", "DownloadTimeoutError: Getting http://h:1/a/b/resolve/main/README.md took longer "
     "than 1.0 seconds.", "card: DownloadTimeoutError: Getting <url> took longer than 1.0 "
     "seconds."),
    ("card", "DownloadCancelledError: Expected to receive 9 bytes in request <GET http://h/x>.",
     "card: DownloadCancelledError: Expected to receive 9 bytes in request <request>."),
    ("info", "invalid info JSON: Expecting value: line 1 column 7 (char 6)",
     "info: invalid info JSON: Expecting value: line N column N (char N)"),
    ("info", "HTTP 500", "info: HTTP 500"),
    ("x", "y" * 500, "x: " + "y" * 157),
])
def test_reason_group(stage: str, reason: str, expected: str) -> None:
    assert reason_group(stage, reason) == expected


def test_same_cause_on_two_models_is_one_summary_line() -> None:
    a = reason_group("card", "DownloadTimeoutError: Getting http://h/a/b/x took longer than 1s")
    b = reason_group("card", "DownloadTimeoutError: Getting http://h/c/d/x took longer than 1s")
    assert a == b


def test_summary_lines() -> None:
    stats = {"motcrawl/drafts/written": 2, "motcrawl/drafts/overwritten": 1,
             "motcrawl/drafts/exists": 4, "motcrawl/failed": 3, "motcrawl/catalog/known": 5}
    lines = summary_lines(stats, Counter({"info: HTTP 500": 2, "card: x": 1}), "/d/f.jsonl",
                          "finished")
    assert lines == [
        "motcrawl summary (finished): drafted 3 (new 2, overwritten 1), kept existing 4, "
        "skipped (known to MOT) 5, failed 3",
        "  failed x2: info: HTTP 500",
        "  failed x1: card: x",
        "  failures recorded in /d/f.jsonl (retry them with -a ids_file=/d/f.jsonl)",
    ]


def test_summary_without_failures_names_no_file() -> None:
    lines = summary_lines({"motcrawl/drafts/written": 1}, Counter(), "/d/f.jsonl", "finished")
    assert len(lines) == 1 and "failed 0" in lines[0]


FLAKY = ("hostile/html-info", "hostile/server-error", "hostile/redirect-loop")
GOOD = ("allenai/OLMo-7B-hf",)


def test_retry_exactly_the_failures(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    with HostileHub(enforce=False) as hub:
        first = run_crawl(["model", "-a", "model_id=" + ",".join(FLAKY + GOOD),
                           "-a", f"output_dir={out}", "-s", "RETRY_TIMES=0"],
                          env={"HF_ENDPOINT": hub.url})
    failures = out / "failures.jsonl"
    assert first.returncode == 0, first.stderr[-2000:]
    assert set(failures_of(failures)) == set(FLAKY)
    assert f"failures recorded in {failures} (retry them with -a ids_file={failures})" \
        in first.stderr

    # The Hub got better: the same ids now answer normally.
    with HostileHub(hostile=False, names=dict.fromkeys(FLAKY), enforce=False) as hub:
        second = run_crawl(["model", "-a", f"ids_file={failures}", "-a", f"output_dir={out}"],
                           env={"HF_ENDPOINT": hub.url})
        asked = {r.path.removeprefix("/api/models/") for r in hub.requests
                 if r.path.startswith("/api/models/")}
    assert second.returncode == 0, second.stderr[-2000:]
    assert asked == set(FLAKY)  # exactly the failures, nothing else
    assert set(drafts_of(out)) == set(FLAKY + GOOD)
    assert not failures.exists()  # this crawl had no failures: the file lists none
    assert "failed 0" in second.stderr


def test_failures_file_lists_only_this_crawls_failures(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    (out / "failures.jsonl").write_text('{"model_id": "old/failure", "stage": "info", '
                                        '"reason": "HTTP 500"}\n', encoding="utf-8")
    with HostileHub(enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=hostile/html-info", "-a",
                          f"output_dir={out}"], env={"HF_ENDPOINT": hub.url})
    assert proc.returncode == 1  # nothing drafted, failures recorded
    assert set(failures_of(out / "failures.jsonl")) == {"hostile/html-info"}


def test_all_failed_exits_1_with_a_summary(tmp_path: Path) -> None:
    with HostileHub(enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=hostile/invalid-json,hostile/html-info",
                          "-a", f"output_dir={tmp_path}"], env={"HF_ENDPOINT": hub.url})
    assert proc.returncode == 1
    assert "drafted 0 (new 0, overwritten 0), kept existing 0, skipped (known to MOT) 0, " \
           "failed 2" in proc.stderr
