"""motcrawl.analysis.lookups.Lookups (plain) and the base spider that owns one."""

from __future__ import annotations

import pickle
from collections import Counter

from scrapy.utils.test import get_crawler

from motcrawl.analysis import github as gh
from motcrawl.analysis.lookups import (
    ExternalPlan,
    Fetch,
    Lookups,
    ModelLookups,
    RepoResult,
    plan_from,
)
from motcrawl.items import ModelItem
from motcrawl.spiders.base import DraftSpider
from motcrawl.spiders.missing import MissingSpider
from motcrawl.spiders.model import ModelSpider
from tests.evidence_helpers import evidence
from tests.test_github import repo_fixture


def _model(model_id: str, datasets: list[str]) -> ModelLookups[str]:
    return ModelLookups(model_id, ExternalPlan(model_id, datasets, [], []))


def test_a_dataset_is_fetched_once_and_every_waiting_model_goes_on() -> None:
    counts: Counter[str] = Counter()
    lookups: Lookups[str] = Lookups(lambda key: counts.update([key]))
    first, second = _model("o/a", ["allenai/dolma"]), _model("o/b", ["allenai/dolma"])
    assert lookups.advance(first) == Fetch("dataset", "allenai/dolma")
    assert lookups.advance(second) is None  # waits for the first model's fetch
    assert second.plan.next_step() == ("dataset", "allenai/dolma")
    waiters = lookups.answer("dataset", "allenai/dolma", {"found": True})
    assert waiters == [first, second]
    assert all(m.plan.datasets == {"allenai/dolma": {"found": True}} for m in waiters)
    assert [lookups.advance(m) for m in waiters] == [None, None]
    assert all(m.plan.next_step() is None for m in waiters)  # done
    third = _model("o/c", ["allenai/dolma"])
    assert lookups.advance(third) is None and third.plan.next_step() is None  # cache hit
    assert counts == {"dataset/waited": 1, "dataset/cache_hits": 1}


def test_two_items_of_one_model_keep_their_own_plans() -> None:
    """Waiters are per-model objects, not ids: the same model id twice never mixes plans."""
    lookups: Lookups[str] = Lookups()
    one, two = _model("o/a", ["d/x"]), _model("o/a", ["d/x", "d/y"])
    assert lookups.advance(one) == Fetch("dataset", "d/x")
    assert lookups.advance(two) is None
    lookups.answer("dataset", "d/x", {"found": True})
    assert lookups.advance(one) is None and one.plan.next_step() is None
    assert lookups.advance(two) == Fetch("dataset", "d/y")


def test_a_renamed_repository_is_known_by_both_names() -> None:
    lookups: Lookups[str] = Lookups()
    ev = evidence("See https://github.com/allenai/OLMo for the code.", model_id="allenai/OLMo-7B")
    model = ModelLookups("item", plan_from(ev, budget=lookups.budget, datasets=False))
    fetch = lookups.advance(model)
    assert fetch is not None and fetch.kind == "repo"
    repo = gh.parse_repo(repo_fixture("allenai/OLMo"))
    result = RepoResult("found", "api", repo, canonical="allenai/OLMo-renamed")
    lookups.answer("repo", fetch.key, result)
    assert "allenai/olmo-renamed" in lookups.repos and fetch.key in lookups.repos


def test_the_base_spider_declares_what_components_read(tmp_path) -> None:
    crawler = get_crawler(ModelSpider)
    spider = ModelSpider.from_crawler(crawler, model_id="o/m", output_dir=str(tmp_path),
                                      hf_token="hf_x", state_dir="st")
    assert isinstance(spider, DraftSpider)
    assert spider.args.model_ids == ["o/m"] and spider.args.output_dir == tmp_path
    assert (spider.hf_token, spider.state_dir) == ("hf_x", "st")
    assert spider.catalog is None and spider.runstate is None
    assert isinstance(spider.lookups, Lookups)
    missing = MissingSpider.from_crawler(get_crawler(MissingSpider), output_dir=str(tmp_path),
                                         models_dir=str(tmp_path))
    assert missing.hf_token is None and missing.lookups is not spider.lookups


def test_a_model_item_with_its_evidence_survives_pickling() -> None:
    """JOBDIR pickles requests with their cb_kwargs: the item carries the parsed evidence."""
    item = ModelItem(model_id="org/model-7b", evidence=evidence("---\nlicense: mit\n---\n# M"))
    back = pickle.loads(pickle.dumps(item))
    assert back["evidence"].card.data == {"license": "mit"}
    assert back["evidence"].info.id == "org/model-7b"


def test_one_model_is_parsed_once_from_its_id_to_its_draft(tmp_path, monkeypatch) -> None:
    """Info JSON -> ModelInfo once, the card's front matter once, the license detected once,
    across the spider's callbacks and every pipeline up to the schema check."""
    import json

    from scrapy.http import Response
    from scrapy.utils.misc import build_from_crawler

    from motcrawl import pipelines
    from motcrawl.analysis import evidence as evidence_module
    from tests.evidence_helpers import info_payload

    calls: Counter[str] = Counter()

    def spy(name: str, real):  # counts, then runs the real function
        def wrapper(*args, **kwargs):
            if name != "parse_card" or args[0]:
                calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    for name in ("parse_model_info", "parse_card", "detect_license"):
        monkeypatch.setattr(evidence_module, name, spy(name, getattr(evidence_module, name)))
    crawler = get_crawler(ModelSpider, {"GITHUB_LOOKUPS": False, "DATASET_LOOKUPS": False,
                                        "HF_ENDPOINT": "http://127.0.0.1:9"})
    spider = ModelSpider.from_crawler(crawler, model_id="org/model-7b", output_dir=str(tmp_path))
    crawler.spider = spider
    crawler.stats.open_spider()
    info_req = spider.info_request("org/model-7b")
    payload = info_payload(siblings=[{"rfilename": "README.md"},
                                     {"rfilename": "model.safetensors"}])
    card_req = next(spider.parse_info(
        Response(info_req.url, body=json.dumps(payload).encode(), request=info_req),
        **info_req.cb_kwargs))
    card = "---\nlicense: apache-2.0\ndatasets: true\n---\n# Model 7B\nA causal LM.\n"
    [item] = list(spider.parse_card(Response(card_req.url, body=card.encode(),
                                             request=card_req), **card_req.cb_kwargs))
    for cls in (pipelines.ComponentDetectionPipeline, pipelines.LicenseDetectionPipeline,
                pipelines.ReleaseFieldsPipeline, pipelines.ConfidenceScoringPipeline,
                pipelines.ClassificationPipeline, pipelines.SchemaValidationPipeline):
        item = build_from_crawler(cls, crawler).process_item(item)
    assert not item.get("failure") and item["license"] == "Apache-2.0"
    assert calls == {"parse_model_info": 1, "parse_card": 1, "detect_license": 1}
