"""Run summaries a scheduler can read (issue 15): runs/<spider>-<UTC>.json and last-run.json."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from motcrawl.outputs.run_summary import build_summary, without_credentials, write_summary
from tests.crawl_support import run_crawl
from tests.fakes.hub import FakeHub
from tests.test_missing_spider import add_model, write_catalog

DEAD = "http://127.0.0.1:9"
STARTED = datetime(2026, 12, 1, 6, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("stats, code, partial", [
    ({"finish_reason": "finished", "motcrawl/drafts/written": 3}, 0, None),
    ({"finish_reason": "finished", "motcrawl/listing/failed": 1}, 1, "listing_failed"),
    ({"finish_reason": "finished", "motcrawl/failed": 2}, 1, None),      # nothing drafted
    ({"finish_reason": "finished", "motcrawl/failed": 2, "motcrawl/drafts/written": 1}, 0, None),
    ({"finish_reason": "shutdown", "motcrawl/drafts/written": 1}, 3, "shutdown"),
    ({"finish_reason": "closespider_errorcount"}, 1, "closespider_errorcount"),
])
def test_summary_says_how_the_crawl_ended(stats, code, partial):
    summary = build_summary(stats, spider="missing", reason=None, paths={"drafts": "/x/drafts"})
    assert summary["exit_code"] == code
    assert summary["ok"] is (code == 0)
    assert summary["partial"] == partial
    assert summary["paths"] == {"drafts": "/x/drafts"}


def test_close_reason_given_by_the_spider_counts_when_stats_lack_it():
    summary = build_summary({}, spider="model", reason="shutdown", paths={})
    assert summary["finish_reason"] == "shutdown" and summary["exit_code"] == 3


def test_counts_and_requests_per_bucket():
    stats = {"finish_reason": "finished", "motcrawl/drafts/written": 4,
             "motcrawl/drafts/exists": 1, "motcrawl/failed": 2, "motcrawl/catalog/known": 7,
             "ratelimit/requests/api": 10, "ratelimit/requests/resolvers": 5,
             "motcrawl/requests/github": 3, "ratelimit/429/api": 1}
    summary = build_summary(stats, spider="missing", reason="finished", paths={})
    assert summary["counts"]["drafts_written"] == 4
    assert summary["counts"]["drafts_exists"] == 1
    assert summary["counts"]["failed"] == 2
    assert summary["counts"]["known_to_mot"] == 7
    assert summary["requests"] == {"api": 10, "resolvers": 5, "pages": 0, "github": 3,
                                   "other": 0, "refused_429": 1}


def test_files_are_written_beside_the_output(tmp_path: Path):
    summary = build_summary({"finish_reason": "finished"}, spider="missing", reason=None,
                            paths={})
    written = write_summary(tmp_path, summary, STARTED)
    assert written == [tmp_path / "runs" / "missing-20261201T060000Z.json",
                       tmp_path / "last-run.json"]
    assert json.loads(written[0].read_text()) == json.loads(written[1].read_text()) == summary


def test_feed_uris_lose_their_credentials():
    assert without_credentials("s3://KEY:SECRET@bucket/items.jsonl") == "s3://bucket/items.jsonl"
    assert without_credentials("file:///tmp/items.jsonl") == "file:///tmp/items.jsonl"


def _crawl(tmp_path: Path, hub_url: str, *extra: str):
    catalog = write_catalog(tmp_path / "models", {})
    return run_crawl(["missing", "-a", f"output_dir={tmp_path / 'out' / 'drafts'}",
                      "-a", "min_downloads=0", "-a", "max_drafts=2",
                      "-a", f"models_dir={catalog}", "-a", "allow_empty_catalog=true",
                      "-a", f"report={tmp_path / 'out' / 'm.md'}",
                      "-s", "GITHUB_LOOKUPS=false", "-s", "DATASET_LOOKUPS=false", *extra],
                     env={"HF_ENDPOINT": hub_url, "GITHUB_API_URL": DEAD,
                          "GITHUB_URL": DEAD, "MOT_API_URL": DEAD})


def test_a_crawl_writes_its_summary_and_the_exit_code_is_the_real_one(tmp_path: Path):
    with FakeHub(cassette_dir=tmp_path / "none", enforce=False) as hub:
        for n in range(3):
            add_model(hub, f"org/m-{n}", 900 - n)
        proc = _crawl(tmp_path, hub.url, "-O", str(tmp_path / "out" / "items.jsonl"))
    out = tmp_path / "out"
    runs = sorted((out / "runs").glob("missing-*.json"))
    assert len(runs) == 1, proc.stderr[-3000:]
    summary = json.loads((out / "last-run.json").read_text())
    assert summary == json.loads(runs[0].read_text())
    assert summary["exit_code"] == proc.returncode == 0 and summary["ok"] is True
    assert summary["finish_reason"] == "finished"
    assert summary["counts"]["drafts_written"] == 2 and summary["counts"]["missing"] == 3
    assert summary["requests"]["api"] >= 1 and summary["requests"]["resolvers"] == 2
    assert summary["paths"]["drafts"] == str(out / "drafts")
    assert summary["paths"]["report"] == str(out / "m.md")
    assert summary["paths"]["ids"] == str(out / "m.ids.txt")
    assert summary["paths"]["feeds"] == [str(out / "items.jsonl")]
    assert ".scrapy" in summary["paths"]["state"]
    assert not list((out / "drafts").glob("*.json"))  # drafts and failures only


def test_a_failed_crawl_says_so_in_its_summary(tmp_path: Path):
    proc = _crawl(tmp_path, DEAD, "-s", "RETRY_TIMES=0")   # the listing cannot be had
    summary = json.loads((tmp_path / "out" / "last-run.json").read_text())
    assert proc.returncode == summary["exit_code"] == 1, proc.stderr[-3000:]
    assert summary["ok"] is False and summary["partial"] == "listing_failed"
