"""components.addons: scrapy-redis only with REDIS_URL, feeds only with an output folder."""

from __future__ import annotations

import pickle

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from motcrawl import settings as project_settings
from motcrawl.components.addons import OutputAddon, RedisAddon, redis_keys, settings_error
from motcrawl.items import ModelItem
from motcrawl.outputs.paths import OUTPUT_BASE_ARG
from motcrawl.spiders.model import ModelSpider


def _settings(**values):
    base = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    return {**base, **values}


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({}, None),
        ({"MOTCRAWL_CRAWL_ID": "x"}, None),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "give -s MOTCRAWL_CRAWL_ID"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0", "MOTCRAWL_CRAWL_ID": "weekly-2026-W48"}, None),
        ({"REDIS_URL": "redis://127.0.0.1:1/0", "MOTCRAWL_CRAWL_ID": "a b"}, "use letters"),
        ({"REDIS_URL": "  ", "MOTCRAWL_CRAWL_ID": ""}, None),
    ],
)
def test_settings_error(values, error):
    problem = settings_error(Settings(values))
    assert (problem is None) if error is None else (error in problem)


def _unfrozen(values):
    """A crawler before _apply_settings: what an add-on's update_settings sees."""
    return Crawler(ModelSpider, Settings(values))


def _crawl_settings(tmp_path, **values):
    crawler = _unfrozen(_settings(**values))
    crawler.spider = ModelSpider.from_crawler(
        crawler, model_id="o/m", output_dir=str(tmp_path / "d"))
    return crawler


def test_redis_addon_switches_scheduler_and_keys(tmp_path):
    crawler = _crawl_settings(tmp_path, REDIS_URL="redis://127.0.0.1:1/0",
                              MOTCRAWL_CRAWL_ID="c1")
    RedisAddon(crawler).update_settings(crawler.settings)
    s = crawler.settings
    assert s["SCHEDULER"] == "motcrawl.components.redis_queue.NodeLocalScheduler"
    assert s["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert s.getbool("SCHEDULER_PERSIST") is True
    assert s["SCHEDULER_QUEUE_KEY"] == redis_keys("c1")["SCHEDULER_QUEUE_KEY"]
    assert "c1" in s["SCHEDULER_DUPEFILTER_KEY"]
    assert s.getdict("EXTENSIONS")["motcrawl.components.shared_crawl.SharedCrawl"] == 530


def test_redis_addon_does_nothing_without_redis_url(tmp_path):
    crawler = _crawl_settings(tmp_path)
    RedisAddon(crawler).update_settings(crawler.settings)
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


@pytest.mark.parametrize(
    ("values", "job", "feed"),
    [
        ({}, None, None),  # command line, no -o: no feed in the working directory
        ({"MOTCRAWL_OUTPUT_DIR": "{tmp}/out"}, None, "file://{tmp}/out/items/"),
        ({}, "job1", "file://{tmp}/xdg/motcrawl/items/"),  # scrapyd default folder
        ({"FEEDS": {"x.jsonl": {"format": "jsonlines"}}, "MOTCRAWL_OUTPUT_DIR": "/o"}, None,
         "x.jsonl"),  # -O / scrapyd items_dir win
    ],
)
def test_output_addon_feeds(tmp_path, monkeypatch, values, job, feed):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    values = {k: (v.format(tmp=tmp_path) if isinstance(v, str) else v)
              for k, v in values.items()}
    crawler = _unfrozen(_settings(**values))
    kwargs = {"model_id": "o/m", "output_dir": str(tmp_path / "d")}
    if job:
        kwargs["_job"] = job
    crawler.spider = ModelSpider.from_crawler(crawler, **kwargs)
    OutputAddon(crawler).update_settings(crawler.settings)
    feeds = list(crawler.settings.getdict("FEEDS"))
    if feed is None:
        assert feeds == []
    else:
        assert feeds[0].startswith(feed.format(tmp=tmp_path))


def test_spider_arguments_resolve_under_the_output_setting(tmp_path):
    crawler = get_crawler(ModelSpider, _settings(MOTCRAWL_OUTPUT_DIR=str(tmp_path)))
    spider = ModelSpider.from_crawler(crawler, model_id="o/m", output_dir="weekly")
    assert getattr(spider, OUTPUT_BASE_ARG) == str(tmp_path)
    assert spider.args.output_dir == tmp_path / "weekly"


def test_requests_survive_a_jobdir_round_trip(tmp_path):
    """JOBDIR (and scrapy-redis) pickle request dicts: callbacks by name, the item whole."""
    crawler = get_crawler(ModelSpider, _settings())
    spider = ModelSpider.from_crawler(crawler, model_id="o/m", output_dir=str(tmp_path))
    request = spider.info_request("o/m")
    request.cb_kwargs["item"]["info"] = {"id": "o/m", "sha": "abc", "siblings": []}
    assert isinstance(request, Request) and not request.dont_filter
    restored = request_from_dict(pickle.loads(pickle.dumps(request.to_dict(spider=spider),
                                                           protocol=4)), spider=spider)
    assert restored.callback == spider.parse_info
    assert restored.errback == spider.on_stage_error
    item = restored.cb_kwargs["item"]
    assert isinstance(item, ModelItem) and item["info"]["sha"] == "abc"
    assert restored.meta["stage"] == "info"
