"""`scrapy crawl missing` tells the rate limiter (and the progress line) how many drafts remain.

The total is ``max_drafts`` until the listing ends, then the drafts really requested:
without it the limiter paced ``missing`` as work of unknown size, spreading half of
every window, and 300 drafts took 2.9 times the quota bound (issue 15).
"""

from __future__ import annotations

import re

from tests.fakes.hub import FakeHub
from tests.test_missing_spider import add_model, crawl, stat, write_catalog


def progress_lines(stderr: str) -> list[str]:
    return [line.split("INFO: ", 1)[1] for line in stderr.splitlines() if "progress: " in line]


def test_total_is_max_drafts_then_what_the_listing_gave(tmp_path):
    catalog = write_catalog(tmp_path / "models", {"known.yml": "https://huggingface.co/k/known"})
    with FakeHub(cassette_dir=tmp_path / "none", latency=0.3, enforce=False) as hub:
        add_model(hub, "k/known", 900)
        for n in range(3):
            add_model(hub, f"org/missing-{n}", 500 - n)
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=10", "-a", f"models_dir={catalog}",
                            "-s", "MOTCRAWL_PROGRESS_INTERVAL=0.4",
                            "-s", "GITHUB_LOOKUPS=false", "-s", "DATASET_LOOKUPS=false")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(items) == 4
    # 10 allowed, 3 missing: once the listing ended, the total is the 3 drafts (not 10,
    # not the 4 listed: the known model makes no request).
    assert stat(proc, "motcrawl/models/total") == 3
    lines = progress_lines(proc.stderr)
    assert lines, proc.stderr[-3000:]
    assert all(re.search(r"models seen \d+/(10|3),", line) for line in lines), lines
    assert any("ETA" in line for line in lines), lines


def test_max_drafts_caps_the_total(tmp_path):
    catalog = write_catalog(tmp_path / "models", {})
    with FakeHub(cassette_dir=tmp_path / "none", enforce=False) as hub:
        for n in range(5):
            add_model(hub, f"org/missing-{n}", 500 - n)
        proc, _ = crawl(tmp_path, hub, "-a", "min_downloads=0",
                        "-a", "max_drafts=2", "-a", f"models_dir={catalog}",
                        "-a", "allow_empty_catalog=true",
                        "-s", "GITHUB_LOOKUPS=false", "-s", "DATASET_LOOKUPS=false")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stat(proc, "motcrawl/drafts/requested") == 2
    assert stat(proc, "motcrawl/models/total") == 2


