"""Settings in one place: declared once in motcrawl/settings.py, documented in
docs/settings.md, defaults from the environment, ``-s`` wins; secrets never logged."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.settings import default_settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

import motcrawl.settings as project
from motcrawl.args import parse_missing_args, settings_into_arguments
from motcrawl.components.extensions import CrawlProgress
from motcrawl.components.incremental import IncrementalRuns
from motcrawl.components.middlewares import RateLimitMiddleware, TokenMiddleware
from motcrawl.components.shared_crawl import SharedCrawl
from motcrawl.pipelines import GapReportPipeline
from tests.crawl_support import run_crawl
from tests.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent
# Read from the environment by settings.py, but the default of Scrapy's LOG_LEVEL.
ENV_ONLY = {"MOTCRAWL_LOG_LEVEL"}
# Settings of Scrapy versions after the lowest one allowed.
SCRAPY_LATER = {"REMOTE_CONTROL_ENABLED"}
# A setting only: a REDIS_URL exported for other tools must not share a crawl.
NOT_FROM_ENV = {"REDIS_URL"}


def custom_settings() -> list[str]:
    """motcrawl's own settings: upper-case names Scrapy does not define."""
    # Scrapy's own (REMOTE_CONTROL_ENABLED: Scrapy >= 2.19's, set off here for it; 2.18, the
    # lowest version allowed, does not have it).
    scrapy_names = {n for n in dir(default_settings) if n.isupper()} | SCRAPY_LATER
    return sorted(n for n in vars(project) if n.isupper() and n not in scrapy_names)


def documented() -> set[str]:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", text, re.M))


def test_every_setting_is_declared_once_and_documented() -> None:
    names = set(custom_settings())
    assert {"MOT_MODELS_DIR", "GITHUB_TOKEN", "HF_TOKEN", "MOTCRAWL_RETRY_BACKOFF_MAX",
            "MOTCRAWL_STATE_SAVE_INTERVAL", "MOTCRAWL_INCREMENTAL",
            "MOTCRAWL_REDIS_TTL"} <= names
    assert documented() == names | ENV_ONLY
    source = (ROOT / "motcrawl" / "settings.py").read_text(encoding="utf-8")
    for name in names:  # once: one assignment each
        assert len(re.findall(rf"^{name} = ", source, re.M)) == 1, name


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(project.__file__)


@pytest.mark.parametrize("name", [n for n in custom_settings() if n not in NOT_FROM_ENV])
def test_each_setting_takes_its_default_from_the_environment(monkeypatch, name) -> None:
    default = vars(project)[name]
    assert _settings_with(monkeypatch, **{name: "   "})[name] == default  # blank: unset
    if isinstance(default, bool):
        assert _settings_with(monkeypatch, **{name: "off"})[name] is False
        assert _settings_with(monkeypatch, **{name: "1"})[name] is True
    else:
        assert _settings_with(monkeypatch, **{name: "7"})[name] == "7"


def test_redis_url_is_a_setting_only(monkeypatch) -> None:
    assert _settings_with(monkeypatch, REDIS_URL="redis://elsewhere:6379/0")["REDIS_URL"] is None


# -- -s NAME=value reaches the component that reads it ------------------------------------
def _component(cls: type, **settings: Any) -> Any:
    crawler = get_crawler(Spider, {"HF_ENDPOINT": "https://huggingface.co",
                                   "GITHUB_API_URL": "https://api.github.com", **settings})
    crawler.spider = Spider("t")
    return build_from_crawler(cls, crawler)


@pytest.mark.parametrize(("cls", "setting", "value", "attribute", "expected"), [
    (RateLimitMiddleware, "MOTCRAWL_RATELIMIT_MAX_429", "5", "max_refusals", 5),
    (RateLimitMiddleware, "MOTCRAWL_RATELIMIT_MAX_WAIT", "12", "max_wait", 12.0),
    (RateLimitMiddleware, "MOTCRAWL_RETRY_BACKOFF", "0", "backoff", 0.0),
    (RateLimitMiddleware, "MOTCRAWL_RETRY_BACKOFF_MAX", "2.5", "backoff_max", 2.5),
    (CrawlProgress, "MOTCRAWL_PROGRESS_INTERVAL", "7", "interval", 7.0),
    (IncrementalRuns, "MOTCRAWL_STATE_SAVE_INTERVAL", "0.5", "interval", 0.5),
    (IncrementalRuns, "MOTCRAWL_STATE_DIR", "/srv/state", "state_dir", "/srv/state"),
    (IncrementalRuns, "MOTCRAWL_CRAWL_ID", "weekly", "crawl_id", "weekly"),
    (TokenMiddleware, "GITHUB_TOKEN", "ghp_from_s", "github_token", "ghp_from_s"),
])
def test_a_setting_given_with_s_reaches_its_component(monkeypatch, cls, setting, value,
                                                       attribute, expected) -> None:
    monkeypatch.delenv(setting, raising=False)
    assert getattr(_component(cls, **{setting: value}), attribute) == expected


@pytest.mark.parametrize(("cls", "setting", "attribute"), [
    (RateLimitMiddleware, "MOTCRAWL_RATELIMIT_MAX_429", "max_refusals"),
    (RateLimitMiddleware, "MOTCRAWL_RETRY_BACKOFF_MAX", "backoff_max"),
    (CrawlProgress, "MOTCRAWL_PROGRESS_INTERVAL", "interval"),
    (IncrementalRuns, "MOTCRAWL_STATE_SAVE_INTERVAL", "interval"),
])
def test_a_component_without_the_setting_uses_the_declared_default(cls, setting,
                                                                    attribute) -> None:
    """Defaults live in settings.py only: a crawler without project settings gets them too."""
    assert getattr(_component(cls), attribute) == float(vars(project)[setting])


def test_switches_given_with_s(monkeypatch) -> None:
    from scrapy.exceptions import NotConfigured
    with pytest.raises(NotConfigured):
        _component(IncrementalRuns, MOTCRAWL_INCREMENTAL="False")
    with pytest.raises(NotConfigured):
        _component(RateLimitMiddleware, MOTCRAWL_RATELIMIT_ENABLED="0")
    with pytest.raises(NotConfigured):
        _component(SharedCrawl)  # no REDIS_URL: no shared crawl
    assert isinstance(_component(GapReportPipeline, MOTCRAWL_REPORT_ROWS="3"), GapReportPipeline)


def test_models_dir_given_with_s_or_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOT_MODELS_DIR", raising=False)
    models = tmp_path / "mot-models"
    models.mkdir()
    kwargs = settings_into_arguments({"output_dir": str(tmp_path / "d")},
                                     {"MOT_MODELS_DIR": str(models)})
    assert parse_missing_args(kwargs).models_dir == models
    # -s MOT_MODELS_DIR= (blank) wins over the environment: the catalog is MOT's API.
    monkeypatch.setenv("MOT_MODELS_DIR", str(models))
    kwargs = settings_into_arguments({"output_dir": str(tmp_path / "d")}, {"MOT_MODELS_DIR": ""})
    assert parse_missing_args(kwargs).models_dir is None


def test_models_dir_given_with_s_is_checked_before_the_crawl(tmp_path) -> None:
    result = run_crawl(["missing", "-a", f"output_dir={tmp_path / 'd'}",
                        "-s", f"MOT_MODELS_DIR={tmp_path / 'nope'}"])
    assert result.returncode == 2
    assert "MOT_MODELS_DIR" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_tokens_given_with_s_are_used_and_never_printed(tmp_path, fake_hub) -> None:
    hf_secret, gh_secret = "hf_cmdline_SECRET_1", "ghp_cmdline_SECRET_2"
    out = tmp_path / "drafts"
    with FakeGitHub() as gh:
        result = run_crawl(
            ["model", "-a", "model_id=allenai/OLMo-7B-hf", "-a", f"output_dir={out}",
             "-o", str(tmp_path / "items.jsonl"), "-s", "LOG_LEVEL=DEBUG",
             "-s", f"HF_TOKEN={hf_secret}", "-s", f"GITHUB_TOKEN={gh_secret}",
             "-s", f"HF_ENDPOINT={fake_hub.url}", "-s", f"GITHUB_API_URL={gh.api_url}",
             "-s", f"GITHUB_URL={gh.web_url}"])
        github_auth = {r.header("authorization") for r in gh.requests}
    assert result.returncode == 0, result.stderr[-2000:]
    assert github_auth == {f"Bearer {gh_secret}"}
    assert {r.header("authorization") for r in fake_hub.requests} == {f"Bearer {hf_secret}"}
    assert "Overridden settings" in result.stderr
    for secret in (hf_secret, gh_secret):
        assert secret not in result.stdout and secret not in result.stderr
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path
