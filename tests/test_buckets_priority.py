"""motcrawl.web.buckets and motcrawl.analysis.listing_facts: plain tables."""

from __future__ import annotations

import pytest

from motcrawl.analysis.listing_facts import listing_facts, priority_for
from motcrawl.web.buckets import bucket_for

HF = "https://huggingface.co"
GH = "https://api.github.com"


@pytest.mark.parametrize(("url", "bucket"), [
    (f"{HF}/api/models?sort=downloads", "api"),
    (f"{HF}/api/models/org/m?expand[]=sha", "api"),
    (f"{HF}/api/models/org/m/refs", "api"),
    (f"{HF}/org/m/resolve/main/README.md", "resolvers"),
    (f"{HF}/org/m/raw/main/README.md", "pages"),
    (f"{HF}/org/m", "pages"),
    (f"{HF}/org/m/tree/main", "pages"),
    (f"{HF}/cdn-lfs/org/m/abc/model.safetensors", None),
    (f"{GH}/repos/allenai/OLMo", "github"),
    ("https://github.com/allenai/OLMo", None),
    ("https://mot.isitopen.ai/api/v1/models?page=1", None),
    ("http://huggingface.co/api/models", None),  # another origin: not the Hub we talk to
])
def test_bucket_for(url, bucket):
    assert bucket_for(url, HF, GH) == bucket


def test_bucket_for_local_endpoints():
    assert bucket_for("http://127.0.0.1:8000/api/models", "http://127.0.0.1:8000",
                      "http://127.0.0.1:9000") == "api"
    assert bucket_for("http://127.0.0.1:9000/repos/a/b", "http://127.0.0.1:8000",
                      "http://127.0.0.1:9000") == "github"


@pytest.mark.parametrize(("downloads", "priority"), [
    (10_000_000, "high"), (100_001, "high"), (100_000, "medium"), (10_000, "medium"),
    (9_999, "low"), (0, "low"), (None, "low"), ("12", "low"),
])
def test_priority_for(downloads, priority):
    assert priority_for(downloads) == priority


def test_listing_facts():
    entry = {"id": "org/m", "downloads": 150_000, "likes": 3, "pipeline_tag": "text-generation",
             "gated": "manual", "createdAt": "2024-03-01T10:00:00.000Z",
             "cardData": {"license": "apache-2.0"}, "tags": ["license:apache-2.0"],
             "siblings": [{"rfilename": "config.json"}]}
    facts = listing_facts(entry)
    assert facts == {"downloads": 150_000, "likes": 3, "pipeline_tag": "text-generation",
                     "gated": "manual", "created": "2024-03-01", "mof_type": "language",
                     "license": "Apache-2.0", "priority": "high"}
    odd = listing_facts({"id": "org/x", "downloads": "many", "siblings": "nope"})
    assert odd["priority"] == "low" and odd["mof_type"] == "" and odd["license"] == ""
