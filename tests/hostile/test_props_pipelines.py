"""Property: an arbitrary Hub answer and card through the drafting pipelines never loses a model.

Each item ends either as a draft file that parses, or as a line in the failures
file; no pipeline raises (an exception in a pipeline would drop the item
silently in Scrapy).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from motcrawl import settings as motcrawl_settings
from motcrawl.items import ModelItem
from motcrawl.spiders.model import ModelSpider
from tests.hostile.test_props_parsers import hostile_text, info_payload

PIPELINES = sorted(motcrawl_settings.ITEM_PIPELINES.items(), key=lambda kv: kv[1])


def _chain(tmp: Path):
    crawler = get_crawler(ModelSpider, {"ITEM_PIPELINES": motcrawl_settings.ITEM_PIPELINES})
    crawler.spider = ModelSpider.from_crawler(crawler, model_id="org/name", output_dir=str(tmp),
                                              overwrite="true")
    pipelines = []
    for path, _ in PIPELINES:
        try:
            pipelines.append(build_from_crawler(load_object(path), crawler))
        except NotConfigured:  # JobProgress without JOBDIR
            pass
    return crawler, pipelines


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(info_payload, st.one_of(st.none(), hostile_text), st.sampled_from(["ok", "gated"]))
def test_pipelines_never_lose_a_model(tmp_path_factory, info, card_text, status) -> None:
    tmp = tmp_path_factory.mktemp("drafts")
    crawler, pipelines = _chain(tmp)
    item = ModelItem(model_id="org/name", url="https://huggingface.co/org/name",
                     draft_requested=True, info=info, card_text=card_text, card_status=status)
    for pipeline in pipelines:
        item = pipeline.process_item(item)
    drafts = list(tmp.glob("*.yml"))
    failures = tmp / "failures.jsonl"
    event("failed" if item.get("failure") else "drafted")
    if item.get("failure"):
        event(f"failed at {item['failure']['stage']}")
        lines = [json.loads(x) for x in failures.read_text(encoding="utf-8").splitlines()]
        assert [x["model_id"] for x in lines] == ["org/name"]
        assert not drafts
    else:
        assert item["draft_status"] in ("written", "overwritten"), item.get("draft_status")
        assert [Path(item["draft_path"])] == drafts
        assert yaml.safe_load(drafts[0].read_text(encoding="utf-8")) == item["document"]
        assert not failures.exists()
    assert not list(tmp.glob(".*.tmp"))
