"""What `scrapy crawl model` writes for a reviewer: the review columns in its feed, and a
draft header and summary that say when MOT already has the model (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from motcrawl.items import REVIEW_FIELDS
from tests.crawl_support import run_crawl
from tests.fakes.hub import FakeHub

DEAD = "http://127.0.0.1:9"


def test_model_feed_has_review_columns_and_known_models_are_flagged(tmp_path: Path):
    catalog = tmp_path / "models"
    catalog.mkdir()
    (catalog / "Pythia-160m.yml").write_text(yaml.safe_dump({"release": {
        "name": "Pythia-160m", "huggingface": "https://huggingface.co/EleutherAI/pythia-160m"}}))
    out, feed = tmp_path / "drafts", tmp_path / "items.jsonl"
    with FakeHub() as hub:
        proc = run_crawl(["model", "-a", "model_id=EleutherAI/pythia-160m,allenai/OLMo-7B-hf",
                          "-a", f"output_dir={out}", "-a", f"models_dir={catalog}",
                          "-O", str(feed)],
                         env={"HF_ENDPOINT": hub.url, "GITHUB_API_URL": DEAD,
                              "GITHUB_URL": DEAD, "MOT_API_URL": DEAD})
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = feed.read_text(encoding="utf-8").splitlines()
    items = {i["model_id"]: i for i in map(json.loads, lines)}
    assert set(items) == {"EleutherAI/pythia-160m", "allenai/OLMo-7B-hf"}
    for item in items.values():
        assert set(item) <= set(REVIEW_FIELDS)
        assert not {"info", "card_text", "document", "evidence", "components"} & set(item)
    assert max(len(line) for line in lines) < 2000  # was 14-17 KB a line
    known, new = items["EleutherAI/pythia-160m"], items["allenai/OLMo-7B-hf"]
    assert known["draft_status"] == "written" and known["catalog_file"] == "Pythia-160m.yml"
    assert "catalog_file" not in new or not new["catalog_file"]
    header = Path(known["draft_path"]).read_text(encoding="utf-8").split("\nrelease:")[0]
    assert "# already in MOT (Pythia-160m.yml)" in header
    assert "already in MOT" not in Path(new["draft_path"]).read_text(encoding="utf-8")
    assert "already in MOT (Pythia-160m.yml): EleutherAI/pythia-160m" in proc.stderr
