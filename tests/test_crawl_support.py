"""The crawl helper (tests/crawl_support.py): the environment every crawl gets, and what an
in-process crawl leaves behind (nothing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.crawl_support import BASE_URLS, GUARD_SITE, QUICK, crawl_env, run_crawl


def test_every_base_url_is_on_the_loopback() -> None:
    from motcrawl import settings

    urls = {name for name in dir(settings) if name.endswith(("_ENDPOINT", "_URL"))
            and name != "REDIS_URL"}
    assert urls == set(BASE_URLS)
    env = crawl_env()
    assert all(env[name].startswith("http://127.0.0.1:") for name in BASE_URLS)


def test_the_callers_tokens_and_settings_stay_out(monkeypatch, tmp_path: Path) -> None:
    for name in ("HF_TOKEN", "GITHUB_TOKEN", "HF_TOKEN_PATH", "MOT_MODELS_DIR", "https_proxy",
                 "MOTCRAWL_OUTPUT_DIR", "SCRAPY_SETTINGS_MODULE"):
        monkeypatch.setenv(name, "from-the-caller")
    env = crawl_env(tmp_path, {"GITHUB_TOKEN": "given-by-the-test"})
    assert "HF_TOKEN" not in env and "HF_TOKEN_PATH" not in env and "https_proxy" not in env
    assert "MOT_MODELS_DIR" not in env and "MOTCRAWL_OUTPUT_DIR" not in env
    assert "SCRAPY_SETTINGS_MODULE" not in env
    assert env["GITHUB_TOKEN"] == "given-by-the-test"
    assert env["HOME"] == str(tmp_path) and env["HF_HOME"] == str(tmp_path / "hf")
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(GUARD_SITE)


def test_an_in_process_crawl_restores_environment_and_folder(tmp_path: Path) -> None:
    before_env, before_cwd = dict(os.environ), Path.cwd()
    proc = run_crawl(["model", "-a", "model_id=not a model!"], env={"HF_TOKEN": "hf_x"},
                     cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("error: malformed model id")
    assert dict(os.environ) == before_env and Path.cwd() == before_cwd
    assert proc.args[:1 + len(QUICK)] == ["crawl", *QUICK]


@pytest.mark.parametrize("args", [["nosuchspider"], ["model", "model"]])
def test_in_process_usage_errors_exit_2(args: list[str]) -> None:
    assert run_crawl(args).returncode == 2
