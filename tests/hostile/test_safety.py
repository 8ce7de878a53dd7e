"""The safety net: an exception in a callback or a pipeline records the model as failed."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from motcrawl.components.extensions import CrawlSummary
from motcrawl.components.safety import (
    CallbackErrorsToFailures,
    PipelineErrorsToFailures,
    internal_reason,
)
from motcrawl.items import ModelItem
from motcrawl.spiders.model import ModelSpider


def _response(item: ModelItem | None, stage: str = "card") -> Response:
    request = Request("http://127.0.0.1/x", cb_kwargs={"item": item} if item else {},
                      meta={"stage": stage})
    return Response("http://127.0.0.1/x", request=request)


def test_callback_exception_becomes_a_failure_item() -> None:
    crawler = get_crawler()
    mw = build_from_crawler(CallbackErrorsToFailures, crawler)
    item = ModelItem(model_id="org/name", draft_requested=True)
    out = mw.process_spider_exception(_response(item), KeyError("rfilename"))
    assert out == [item]
    assert item["failure"] == {"stage": "card", "reason": "internal error: KeyError: 'rfilename'"}
    assert crawler.stats.get_value("motcrawl/internal_errors") == 1


@pytest.mark.parametrize("item", [None, ModelItem(model_id="a/b", failure={"stage": "x",
                                                                           "reason": "y"})])
def test_callback_exception_without_a_fresh_item_is_left_to_scrapy(item) -> None:
    mw = build_from_crawler(CallbackErrorsToFailures, get_crawler())
    assert mw.process_spider_exception(_response(item), ValueError("boom")) is None


def test_pipeline_exception_is_recorded_in_the_failures_file(tmp_path) -> None:
    crawler = get_crawler(ModelSpider)
    ext = build_from_crawler(PipelineErrorsToFailures, crawler)
    summary = build_from_crawler(CrawlSummary, crawler)
    spider = SimpleNamespace(args=SimpleNamespace(failures=tmp_path / "f.jsonl"))
    item = ModelItem(model_id="org/name", draft_requested=True)
    failure = Failure(TypeError("unhashable type: 'list'"))
    ext.item_error(item=item, response=None, spider=spider, failure=failure)
    summary.item_error(item=item, failure=failure)
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert [(x["model_id"], x["stage"]) for x in lines] == [("org/name", "pipeline")]
    assert lines[0]["reason"] == "internal error: TypeError: unhashable type: 'list'"
    assert crawler.stats.get_value("motcrawl/failed") == 1
    assert crawler.stats.get_value("motcrawl/failed/pipeline") == 1
    assert item["draft_status"] == "failed"
    assert list(summary.failures) == ["pipeline: internal error: TypeError: unhashable type: "
                                      "'list'"]


@pytest.mark.parametrize("exc, expected", [
    (ValueError(""), "internal error: ValueError"),
    (ValueError("a\nb"), "internal error: ValueError: a"),
    (RuntimeError("x" * 500), "internal error: RuntimeError: " + "x" * 200),
])
def test_internal_reason_is_one_bounded_line(exc, expected) -> None:
    assert internal_reason(exc) == expected


def test_info_with_wrong_content_type_is_still_read() -> None:
    """A JSON info answer served as application/octet-stream is not a TextResponse."""
    spider = ModelSpider(model_id="org/name", output_dir="/tmp")
    crawler = get_crawler(ModelSpider, {"HF_ENDPOINT": "http://127.0.0.1:9"})
    spider.crawler, spider.settings = crawler, crawler.settings
    item = ModelItem(model_id="org/name", draft_requested=True)
    body = json.dumps({"id": "org/name", "siblings": []}).encode("utf-16")
    out = list(spider.parse_info(Response("http://127.0.0.1/api/models/org/name", body=body),
                                 item))
    assert not item.get("failure")
    assert item["info"]["id"] == "org/name"
    assert out  # went on to the card or the item


@pytest.mark.parametrize("body", [b'{"id": "org/name", "siblings": [{}]}', b"\xff\xfe{",
                                  b'{"id": "org/na', b"[1, 2]", b'{"id": "a/b", "createdAt": "0"}'])
def test_unreadable_info_answer_is_a_failure(body: bytes) -> None:
    spider = ModelSpider(model_id="org/name", output_dir="/tmp")
    item = ModelItem(model_id="org/name", draft_requested=True)
    out = list(spider.parse_info(Response("http://127.0.0.1/api/models/org/name", body=body),
                                 item))
    assert out == [item]
    assert item["failure"]["stage"] == "info"
    assert item["failure"]["reason"].startswith("invalid info JSON")
