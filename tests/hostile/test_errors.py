"""Bad input gives exactly one line on stderr and exit code 2, before any request.

The crawl command decides both before Scrapy starts: the cases run it in this process
(tests/crawl_support.run_crawl); one runs `scrapy` as a child process, where nothing
else may reach stderr either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawl_support import run_crawl, run_crawl_subprocess


@pytest.mark.parametrize("args, line", [
    (["model"], "error: give -a model_id=ORG/NAME (comma-separated for several) or "
                "-a ids_file=PATH"),
    (["model", "-a", "model_id=https://example.com/a/b"],
     "error: not a Hugging Face URL: 'https://example.com/a/b'"),
    (["model", "-a", "model_id=https://[::1/a"], "error: not a URL: 'https://[::1/a'"),
    (["model", "-a", "model_id=datasets/x/y"], "error: not a model URL (datasets/...): "
                                               "'datasets/x/y'"),
    (["model", "-a", "model_id=a/b", "-a", "overwrite=maybe"],
     "error: overwrite must be true or false, not 'maybe'"),
    (["model", "-a", "ids_file=/nonexistent/ids.txt"],
     "error: ids_file not found: /nonexistent/ids.txt"),
    (["nosuchspider"], "error: no spider named 'nosuchspider' (try: audit, missing, model)"),
    (["model", "-a", "model_id=a/b", "-s", "MOF_SCHEMA=/nonexistent/schema.json"],
     "error: MOF_SCHEMA /nonexistent/schema.json: [Errno 2] No such file or directory: "
     "'/nonexistent/schema.json'"),
])
def test_one_line_error_and_exit_2(tmp_path: Path, args: list[str], line: str) -> None:
    proc = run_crawl([*args, "-a", f"output_dir={tmp_path}"])  # the Hub: a dead port
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [line]
    assert proc.stdout == ""


def test_bad_failures_line_in_ids_file(tmp_path: Path) -> None:
    ids = tmp_path / "failures.jsonl"
    ids.write_text('{"model_id": "a/b"}\n{broken\n', encoding="utf-8")
    proc = run_crawl_subprocess(["model", "-a", f"ids_file={ids}", "-a", f"output_dir={tmp_path}"])
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: {ids}:2: not a failures line"]
