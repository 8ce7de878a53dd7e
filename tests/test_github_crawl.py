"""Crawls against FakeHub + FakeGitHub: caching, the token-less budget, renames, 404s, outages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.crawl_support import run_crawl
from tests.fakes.github import FakeGitHub


@pytest.fixture
def fake_github():
    with FakeGitHub() as gh:
        yield gh


def crawl(tmp_path: Path, hub, gh_api: str, gh_web: str, ids: list[str],
          env: dict[str, str] | None = None, *settings: str) -> dict[str, dict]:
    out = tmp_path / "out.jsonl"
    result = run_crawl(
        ["model", "-a", "model_id=" + ",".join(ids), "-a",
         f"output_dir={tmp_path / 'drafts'}", "-O", str(out), "-s", "LOG_LEVEL=INFO",
         # These tests read the evidence itself, which the review feed leaves out.
         "-s", "FEED_EXPORT_FIELDS=[]", *settings],
        env={"HF_ENDPOINT": hub.url, "GITHUB_API_URL": gh_api, "GITHUB_URL": gh_web,
             **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    items = {}
    for line in out.read_text().splitlines():
        item = json.loads(line)
        items[item["model_id"]] = item
    return items


def draft_text(tmp_path: Path, item: dict) -> str:
    return Path(item["draft_path"]).read_text()


def test_repository_found_and_looked_up_once_per_crawl(tmp_path,
                                                       fake_hub, fake_github):
    # OLMo-7B and OLMo-7B-hf both point at allenai/OLMo and allenai/dolma.
    items = crawl(tmp_path, fake_hub, fake_github.api_url,
                  fake_github.web_url, ["allenai/OLMo-7B-hf", "allenai/OLMo-7B"])
    paths = Counter(r.path for r in fake_github.requests)
    assert paths["/repos/allenai/OLMo"] == 1
    assert paths["/repos/allenai/OLMo/git/trees/main"] == 1
    assert sum(1 for r in fake_hub.requests if r.path == "/api/datasets/allenai/dolma") == 1
    for model_id in ("allenai/OLMo-7B-hf", "allenai/OLMo-7B"):
        item = items[model_id]
        assert item["draft_status"] == "written"
        doc = item["document"]["release"]
        assert doc["repository"] == f"{fake_github.web_url}/allenai/OLMo"
        names = {c["name"] for c in item["components"] if c["confidence"] >= 0.5}
        assert {"Training code", "Evaluation code", "Data preprocessing code"} <= names
        training = next(c for c in item["components"] if c["name"] == "Training code")
        assert training["component_path"].startswith(f"{fake_github.web_url}/allenai/OLMo/")
        assert item["datasets"]["allenai/dolma"]["license"] == "ODC-By-1.0"
    assert not fake_github.web.requests  # budget left: no HEAD needed


def test_token_less_budget_spent_falls_back_to_head(tmp_path,
                                                    fake_hub):
    with FakeGitHub(limit=0) as gh:
        items = crawl(tmp_path, fake_hub, gh.api_url, gh.web_url,
                      ["EleutherAI/pythia-160m"])
        api = [r for r in gh.requests if r.path.startswith("/repos/")]
        heads = [r for r in gh.web.requests if r.method == "HEAD"]
        web_url = gh.web_url
    assert len(api) == 1 and "/git/trees/" not in api[0].path
    assert [h.path for h in heads] == ["/EleutherAI/pythia"]
    item = items["EleutherAI/pythia-160m"]
    assert item["github"]["verified"] == "head"
    assert item["document"]["release"]["repository"] == f"{web_url}/EleutherAI/pythia"
    assert item["github"]["components"] == {}
    text = draft_text(tmp_path, item)
    assert "GitHub API budget spent" in text and "verified by HEAD only" in text


def test_budget_spent_mid_crawl_skips_the_tree(tmp_path, fake_hub):
    with FakeGitHub(limit=1) as gh:
        items = crawl(tmp_path, fake_hub, gh.api_url, gh.web_url,
                      ["EleutherAI/pythia-160m"])
        paths = [r.path for r in gh.requests]
    assert paths == ["/repos/EleutherAI/pythia"]  # remaining 0 after it: no tree request
    item = items["EleutherAI/pythia-160m"]
    assert item["github"]["verified"] == "api" and item["github"]["license"] == "Apache-2.0"
    assert "file tree of EleutherAI/pythia was not read" in draft_text(tmp_path, item)


def test_token_goes_to_the_api_only(tmp_path, fake_hub):
    with FakeGitHub(token_limit=1) as gh:
        crawl(tmp_path, fake_hub, gh.api_url, gh.web_url,
              ["EleutherAI/pythia-160m", "allenai/OLMo-7B-hf"],
              env={"GITHUB_TOKEN": "ghp_secret"})
        api_auth = {r.header("authorization") for r in gh.requests}
        web = gh.web.requests
    assert api_auth == {"Bearer ghp_secret"}
    assert web and all(r.header("authorization") is None for r in web)
    assert all("ghp_secret" not in str(r.headers) for r in fake_hub.requests)


def test_renamed_repository_is_followed(tmp_path, fake_hub,
                                        fake_github):
    items = crawl(tmp_path, fake_hub, fake_github.api_url,
                  fake_github.web_url, ["Qwen/Qwen2.5-7B-Instruct"])
    paths = [r.path for r in fake_github.requests]
    assert paths[:2] == ["/repos/QwenLM/Qwen2.5", "/repositories/772734112"]
    assert "/repos/QwenLM/Qwen3/git/trees/main" in paths
    github = items["Qwen/Qwen2.5-7B-Instruct"]["github"]
    assert github["repository"] == f"{fake_github.web_url}/QwenLM/Qwen3"
    assert github["renamed_from"] == "QwenLM/Qwen2.5"


def test_repository_that_does_not_exist(tmp_path, fake_hub,
                                        fake_github):
    items = crawl(tmp_path, fake_hub, fake_github.api_url,
                  fake_github.web_url, ["someorg/broken-frontmatter-7b"])
    item = items["someorg/broken-frontmatter-7b"]
    assert item["draft_status"] == "written"
    assert item["github"]["repository"] == ""
    assert item["document"]["release"].get("repository", "") == ""
    text = draft_text(tmp_path, item)
    assert "someorg/llm-train does not exist (404)" in text
    assert "no repository confirmed" in text


def test_github_down_never_fails_the_model(tmp_path, fake_hub):
    # RETRY_TIMES as a setting: as an environment variable (before) no crawl read it.
    items = crawl(tmp_path, fake_hub, "http://127.0.0.1:9",
                  "http://127.0.0.1:9", ["EleutherAI/pythia-160m"], None, "-s", "RETRY_TIMES=0")
    item = items["EleutherAI/pythia-160m"]
    assert item["draft_status"] == "written"
    assert item["github"]["repository"] == ""
    assert "lookup failed" in draft_text(tmp_path, item)


def test_every_linked_repository_is_read_in_its_role(tmp_path, fake_hub, fake_github):
    """pythia-160m links its own repository, "Library: [GPT-NeoX]" and the harness its results
    came from: all three are read (once each), the draft keeps pythia as its repository and
    takes GPT-NeoX's preprocessing and generation scripts, with their paths."""
    out = tmp_path / "out.jsonl"
    result = run_crawl(
        ["model", "-a", "model_id=EleutherAI/pythia-160m,EleutherAI/gpt-neox-20b", "-a",
         f"output_dir={tmp_path / 'drafts'}", "-O", str(out), "-s", "LOG_LEVEL=INFO",
         "-s", "FEED_EXPORT_FIELDS=[]"],
        env={"HF_ENDPOINT": fake_hub.url, "GITHUB_API_URL": fake_github.api_url,
             "GITHUB_URL": fake_github.web_url})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    items = {json.loads(line)["model_id"]: json.loads(line)
             for line in out.read_text().splitlines()}
    # Stats: what was read besides each model's repository, by role.
    assert "'motcrawl/github/also_read/training library': 1" in result.stderr
    assert "'motcrawl/github/also_read/evaluation harness': 1" in result.stderr
    paths = Counter(r.path for r in fake_github.requests)
    for repo in ("EleutherAI/pythia", "EleutherAI/gpt-neox", "EleutherAI/lm-evaluation-harness"):
        assert paths[f"/repos/{repo}"] == 1, paths
        assert paths[f"/repos/{repo}/git/trees/main"] == 1, paths
    item = items["EleutherAI/pythia-160m"]
    web = fake_github.web_url
    assert item["document"]["release"]["repository"] == f"{web}/EleutherAI/pythia"
    assert [(r["repo"], r["role"]) for r in item["github"]["repositories"]] == [
        ("EleutherAI/pythia", "model codebase"), ("EleutherAI/gpt-neox", "training library"),
        ("EleutherAI/lm-evaluation-harness", "evaluation harness")]
    comps = {c["name"]: c for c in item["components"] if c["confidence"] >= 0.5}
    assert comps["Data preprocessing code"]["component_path"].startswith(
        f"{web}/EleutherAI/gpt-neox/")
    assert comps["Inference code"]["component_path"].startswith(f"{web}/EleutherAI/gpt-neox/")
    text = draft_text(tmp_path, item)
    assert "also read EleutherAI/gpt-neox as the training library" in text
    assert "also read EleutherAI/lm-evaluation-harness as the evaluation harness" in text
