"""The fake services answer like the real HF Hub and MOT API."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from huggingface_hub import ModelCard, ModelInfo
from huggingface_hub.utils import parse_ratelimit_headers

from tests.fakes.hub import (
    CASSETTE_DIR,
    EXPAND,
    FIXTURE_MODELS,
    MISSING_MODEL,
    REFS_MODELS,
    FakeHub,
    cassette_name,
    info_url,
    readme_url,
)
from tests.fakes.mot_api import FakeMOTApi
from tests.fakes.server import FakeService, Response

KNOWN = [m for m in FIXTURE_MODELS if m != MISSING_MODEL]
GATED = ["meta-llama/Meta-Llama-3-8B-Instruct", "google/gemma-2b", "mistralai/Mistral-7B-v0.1"]
LISTING = "/api/models?sort=downloads&direction=-1&limit=100"


def _cassette(model_id: str) -> dict:
    return json.loads((CASSETTE_DIR / cassette_name(model_id)).read_text(encoding="utf-8"))


def _answer(model_id: str, uri: str) -> dict:
    for interaction in _cassette(model_id)["http_interactions"]:
        if interaction["request"]["uri"] == uri:
            return interaction["response"]
    raise AssertionError(f"{uri} not in the cassette of {model_id}")


def _walk(url: str, **kwargs) -> tuple[list[dict], list[str]]:
    items, urls = [], []
    while url:
        urls.append(url)
        response = requests.get(url, timeout=10, **kwargs)
        assert response.status_code == 200, response.text
        items += response.json()
        url = response.links.get("next", {}).get("url")
    return items, urls


# -- cassettes -----------------------------------------------------------------
@pytest.mark.parametrize("model_id", KNOWN)
def test_cassette_info_parses_as_model_info(model_id):
    response = _answer(model_id, info_url(model_id))
    assert response["status"]["code"] == 200
    payload = json.loads(response["body"]["string"])
    info = ModelInfo(**payload)
    assert info.id == model_id
    assert set(payload) - {"_id", "id"} <= set(EXPAND)
    assert info.siblings and info.sha and info.created_at


@pytest.mark.parametrize("model_id", [m for m in KNOWN if m not in GATED])
def test_cassette_card_parses_as_model_card(model_id):
    text = _answer(model_id, readme_url(model_id))["body"]["string"]
    if model_id == "someorg/broken-frontmatter-7b":
        with pytest.raises(yaml.YAMLError):
            ModelCard(text, ignore_metadata_errors=True)
        return
    card = ModelCard(text, ignore_metadata_errors=True)
    payload = json.loads(_answer(model_id, info_url(model_id))["body"]["string"])
    if text.startswith("---\n"):
        assert card.data.to_dict().get("license") == payload["cardData"].get("license")
    else:
        assert "cardData" not in payload


@pytest.mark.parametrize("model_id", GATED)
def test_gated_cassettes_answer_401_on_readme(model_id):
    response = _answer(model_id, readme_url(model_id))
    assert response["status"]["code"] == 401
    assert response["headers"]["X-Error-Code"] == ["GatedRepo"]
    payload = json.loads(_answer(model_id, info_url(model_id))["body"]["string"])
    assert payload["gated"] in ("auto", "manual") and payload["cardData"]


def test_cassettes_hold_no_credentials():
    for path in CASSETTE_DIR.glob("*.json"):
        for interaction in json.loads(path.read_text(encoding="utf-8"))["http_interactions"]:
            auth = interaction["request"]["headers"].get("Authorization", ["<HF_TOKEN>"])
            assert all("<HF_TOKEN>" in value for value in auth), path.name


def test_every_fixture_model_has_a_cassette():
    assert {cassette_name(m) for m in FIXTURE_MODELS} == {
        p.name for p in CASSETTE_DIR.glob("*.json")
    }


# -- per-model answers -------------------------------------------------------------
def test_info_replayed_with_hub_headers(fake_hub):
    response = requests.get(info_url("allenai/OLMo-7B-hf", fake_hub.url), timeout=10)
    assert response.status_code == 200
    assert response.json()["cardData"]["license"] == "apache-2.0"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-Request-Id"].startswith("Root=1-")
    assert response.headers["ETag"].startswith('W/"')
    info = parse_ratelimit_headers(response.headers)
    assert (info.resource_type, info.remaining, info.limit, info.window_seconds) == (
        "api", 499, 500, 300)


def test_readme_replayed_as_text(fake_hub):
    response = requests.get(readme_url("EleutherAI/pythia-160m", fake_hub.url), timeout=10)
    assert response.status_code == 200
    assert response.text.startswith("---\n")
    assert "github.com/EleutherAI/pythia" in response.text
    assert response.headers["X-Repo-Commit"]
    assert parse_ratelimit_headers(response.headers).resource_type == "resolvers"


def test_unknown_model_is_404_repo_not_found(fake_hub):
    for model_id in (MISSING_MODEL, "someone/else-entirely"):
        response = requests.get(f"{fake_hub.url}/api/models/{model_id}", timeout=10)
        assert response.status_code == 404
        assert response.json() == {"error": "Repository not found"}
        assert response.headers["X-Error-Code"] == "RepoNotFound"
        assert response.headers["X-Error-Message"] == "Repository not found"


def test_unknown_repo_on_resolve_is_401(fake_hub):
    response = requests.get(readme_url("someone/else-entirely", fake_hub.url), timeout=10)
    assert response.status_code == 401
    assert response.headers["X-Error-Code"] == "RepoNotFound"
    assert response.headers["X-Error-Message"] == "Invalid username or password."


def test_gated_readme_is_401_gated_repo(fake_hub):
    model_id = "meta-llama/Meta-Llama-3-8B-Instruct"
    response = requests.get(readme_url(model_id, fake_hub.url), timeout=10)
    assert response.status_code == 401
    assert response.headers["X-Error-Code"] == "GatedRepo"
    assert response.headers["X-Error-Message"] == (
        f"Access to model {model_id} is restricted. You must have access to it and be "
        "authenticated to access it. Please log in.")
    # the other files of a gated repo too, even though no cassette holds them
    response = requests.head(f"{fake_hub.url}/{model_id}/resolve/main/config.json", timeout=10)
    assert response.status_code == 401
    assert response.headers["X-Error-Code"] == "GatedRepo"


def test_gated_generated_model_with_a_token_is_403():
    with FakeHub(generated=200, seed=3) as hub:
        gated = next(m for m in hub.models.values() if m.get("gated") and m["id"] in hub.readmes)
        url = readme_url(gated["id"], hub.url)
        assert requests.get(url, timeout=10).status_code == 401
        response = requests.get(url, headers={"Authorization": "Bearer hf_x"}, timeout=10)
        assert response.status_code == 403
        assert response.headers["X-Error-Code"] == "GatedRepo"


def test_unknown_file_and_revision(fake_hub):
    base = f"{fake_hub.url}/openai-community/gpt2/resolve"
    response = requests.get(f"{base}/main/NOPE.md", timeout=10)
    assert response.status_code == 404
    assert response.headers["X-Error-Code"] == "EntryNotFound"
    response = requests.get(f"{base}/no-such-branch/README.md", timeout=10)
    assert response.status_code == 404
    assert response.headers["X-Error-Code"] == "RevisionNotFound"


def test_lfs_files_redirect_to_the_fake_cdn(fake_hub):
    url = f"{fake_hub.url}/openai-community/gpt2/resolve/main/model.safetensors"
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(fake_hub.url + "/cdn-lfs/")
    assert response.headers["X-Linked-Size"]


def test_refs_with_checkpoint_branches(fake_hub):
    for model_id in REFS_MODELS:
        refs = requests.get(f"{fake_hub.url}/api/models/{model_id}/refs", timeout=10).json()
        names = [b["name"] for b in refs["branches"]]
        assert "main" in names and len(names) > 5, model_id
        assert refs["converts"] == [] and refs["tags"] == []
    branch = requests.get(f"{fake_hub.url}/api/models/EleutherAI/pythia-160m/refs",
                          timeout=10).json()["branches"][-1]
    assert branch == {"name": "step143000", "ref": "refs/heads/step143000",
                      "targetCommit": branch["targetCommit"]}
    # a checkpoint branch is a valid revision for /resolve/
    url = f"{fake_hub.url}/EleutherAI/pythia-160m/resolve/step1000/README.md"
    assert requests.get(url, timeout=10).status_code == 200


def test_refs_default_is_main_only(fake_hub):
    refs = requests.get(f"{fake_hub.url}/api/models/microsoft/phi-2/refs", timeout=10).json()
    sha = requests.get(f"{fake_hub.url}/api/models/microsoft/phi-2", timeout=10).json()["sha"]
    assert refs == {"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": sha}],
                    "converts": [], "tags": []}


def test_raw_and_html_pages_count_as_pages(fake_hub):
    assert requests.get(f"{fake_hub.url}/microsoft/phi-2", timeout=10).status_code == 200
    assert requests.get(f"{fake_hub.url}/microsoft/phi-2/tree/main", timeout=10).status_code == 200
    response = requests.get(f"{fake_hub.url}/microsoft/phi-2/raw/main/README.md", timeout=10)
    assert response.status_code == 200 and "Phi-2" in response.text
    assert parse_ratelimit_headers(response.headers).resource_type == "pages"
    assert fake_hub.bucket_counts == {"pages": 3}


# -- listing -------------------------------------------------------------------------
def test_listing_pages_through_link_cursor():
    with FakeHub(generated=250, seed=7) as hub:
        items, urls = _walk(hub.url + LISTING)
        assert len(items) == len(hub.models) == 250 + len(KNOWN)
        assert len({m["id"] for m in items}) == len(items)
        downloads = [m["downloads"] for m in items]
        assert downloads == sorted(downloads, reverse=True)
        assert len(urls) == 3
        for url in urls[1:]:
            assert url.startswith(hub.url + "/api/models?")
            query = parse_qs(urlsplit(url).query)
            assert query["cursor"][0].startswith("ey")  # base64 of a JSON object
            assert query["limit"] == ["100"] and query["sort"] == ["downloads"]


def test_listing_carries_expand_into_next_link():
    with FakeHub(generated=150) as hub:
        url = hub.url + LISTING + "&expand%5B%5D=gated&expand%5B%5D=cardData"
        first = requests.get(url, timeout=10)
        assert parse_qs(urlsplit(first.links["next"]["url"]).query)["expand[]"] == [
            "gated", "cardData"]
        items, _ = _walk(url)
        assert all(set(m) <= {"_id", "id", "gated", "cardData"} for m in items)
        assert all("gated" in m for m in items)


def test_listing_default_fields():
    with FakeHub() as hub:
        item = requests.get(hub.url + LISTING, timeout=10).json()[0]
        assert set(item) >= {"_id", "id", "likes", "private", "downloads", "tags",
                             "createdAt", "modelId"}
        assert "siblings" not in item and "cardData" not in item


def test_listing_ignores_skip_and_page():
    with FakeHub(generated=250) as hub:
        first = requests.get(hub.url + LISTING, timeout=10).json()
        for extra in ("&skip=100", "&page=2", "&skip=100&page=3"):
            assert requests.get(hub.url + LISTING + extra, timeout=10).json() == first


def test_listing_filters_and_limit_cap():
    with FakeHub(generated=300, seed=1) as hub:
        items, _ = _walk(hub.url + LISTING + "&pipeline_tag=text-to-image")
        assert items and all(m["pipeline_tag"] == "text-to-image" for m in items)
        items, _ = _walk(hub.url + LISTING + "&filter=license:mit")
        assert items and all("license:mit" in m["tags"] for m in items)
        big = requests.get(hub.url + "/api/models?sort=downloads&limit=5000", timeout=10)
        assert len(big.json()) == 1000 if len(hub.models) > 1000 else len(hub.models)
        bad = requests.get(hub.url + LISTING + "&cursor=not-base64!!", timeout=10)
        assert bad.status_code == 400


def test_generated_models_are_deterministic_and_served():
    with FakeHub(generated=40, seed=5) as a, FakeHub(generated=40, seed=5) as b:
        assert list(a.models) == list(b.models)
        model_id = list(a.models)[-1]
        info = requests.get(info_url(model_id, a.url), timeout=10).json()
        ModelInfo(**info)
        readme = requests.get(readme_url(model_id, a.url), timeout=10)
        if not info["gated"]:
            assert readme.status_code == 200
            ModelCard(readme.text, ignore_metadata_errors=True)


# -- rate limits and faults ---------------------------------------------------------
def test_429_after_quota_with_retry_after():
    with FakeHub(quotas={"api": 3}, window=60) as hub:
        url = hub.url + "/api/models/microsoft/phi-2"
        remaining = [parse_ratelimit_headers(requests.get(url, timeout=10).headers).remaining
                     for _ in range(3)]
        assert remaining == [2, 1, 0]
        response = requests.get(url, timeout=10)
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= 60
        info = parse_ratelimit_headers(response.headers)
        assert (info.remaining, info.limit, info.window_seconds) == (0, 3, 60)
        # buckets are separate
        assert requests.get(readme_url("microsoft/phi-2", hub.url), timeout=10).status_code == 200
        assert hub.status_counts[429] == 1


def test_token_quota_is_separate_and_larger():
    with FakeHub(quotas={"api": 1}, token_quotas={"api": 2}) as hub:
        url = hub.url + "/api/models/microsoft/phi-2"
        assert requests.get(url, timeout=10).status_code == 200
        assert requests.get(url, timeout=10).status_code == 429
        auth = {"Authorization": "Bearer hf_test"}
        response = requests.get(url, headers=auth, timeout=10)
        assert response.status_code == 200
        assert response.headers["RateLimit-Policy"] == '"fixed window";"api";q=2;w=300'
        assert [r.header("authorization") for r in hub.requests] == [None, None, "Bearer hf_test"]


def test_window_resets():
    with FakeHub(quotas={"api": 1}, window=1) as hub:
        url = hub.url + "/api/models/microsoft/phi-2"
        assert requests.get(url, timeout=10).status_code == 200
        assert requests.get(url, timeout=10).status_code == 429
        time.sleep(1.1)
        assert requests.get(url, timeout=10).status_code == 200


def test_enforce_false_only_reports():
    with FakeHub(quotas={"api": 1}, enforce=False) as hub:
        url = hub.url + "/api/models/microsoft/phi-2"
        assert [requests.get(url, timeout=10).status_code for _ in range(3)] == [200] * 3


def test_injected_failures():
    with FakeHub(fail_every=3) as hub:
        url = hub.url + "/api/models/microsoft/phi-2"
        assert [requests.get(url, timeout=10).status_code for _ in range(6)] == [
            200, 200, 503, 200, 200, 503]
    with FakeHub(fail_ratio=0.5, seed=1) as a, FakeHub(fail_ratio=0.5, seed=1) as b:
        codes = [[requests.get(h.url + "/api/models/microsoft/phi-2", timeout=10).status_code
                  for _ in range(10)] for h in (a, b)]
        assert codes[0] == codes[1] and 503 in codes[0] and 200 in codes[0]


def test_latency():
    with FakeHub(latency=0.2) as hub:
        start = time.monotonic()
        requests.get(hub.url + "/api/models/microsoft/phi-2", timeout=10)
        assert time.monotonic() - start >= 0.2


# -- generic service ----------------------------------------------------------------
def test_generic_service_routes_and_fault_hook():
    def fault(request):
        return Response.json({"message": "boom"}, status=500) if "boom" in request.path else None

    service = FakeService(fault=fault)
    service.route("GET", "/repos/{owner}/{repo}", lambda req, owner, repo: Response.json(
        {"full_name": f"{owner}/{repo}"}, headers=[("X-RateLimit-Remaining", "59")]))
    with service:
        response = requests.get(service.url + "/repos/allenai/OLMo?per_page=1", timeout=10)
        assert response.json() == {"full_name": "allenai/OLMo"}
        assert response.headers["X-RateLimit-Remaining"] == "59"
        assert requests.get(service.url + "/boom", timeout=10).status_code == 500
        assert requests.get(service.url + "/nothing", timeout=10).status_code == 404
        assert service.requests[0].query == {"per_page": ["1"]}
    with pytest.raises(RuntimeError):
        _ = service.url


# -- MOT API ---------------------------------------------------------------------------
def test_mot_api_paging(fake_mot_api):
    url = fake_mot_api.url + "/api/v1/models"
    body = requests.get(url, params={"page": 1, "limit": 2}, timeout=10).json()
    assert body["pager"] == {"total_items": 3, "total_pages": 2, "current_page": 1}
    assert [m["id"] for m in body["models"]] == ["1", "2"]
    assert set(body["models"][0]) == {"id", "framework", "release", "classification"}
    body = requests.get(url, params={"page": 2, "limit": 2}, timeout=10).json()
    assert [m["release"]["name"] for m in body["models"]] == ["GPT-2"]
    assert requests.get(url, params={"page": 9}, timeout=10).json()["models"] == []
    one = requests.get(fake_mot_api.url + "/api/v1/model/2", timeout=10).json()
    assert one["release"]["huggingface"] == "https://huggingface.co/EleutherAI/pythia-160m"


def test_mot_api_from_catalog(shared_mot):
    with FakeMOTApi.from_catalog(shared_mot / "models") as api:
        body = requests.get(api.url + "/api/v1/models?page=1&limit=100", timeout=10).json()
        assert body["pager"]["total_items"] == len(api.models) > 200
        assert body["pager"]["total_pages"] == -(-len(api.models) // 100)
        assert len(body["models"]) == 100


def test_mot_api_shape_matches_mot(shared_mot):
    expected = json.loads((shared_mot / "test_data" / "expected_results.json").read_text())
    with FakeMOTApi(expected["models"]) as api:
        body = requests.get(api.url + "/api/v1/models", timeout=10).json()
        assert body == {**expected, "models": expected["models"][:100]}


# -- run_scrapy helper ----------------------------------------------------------------------
def test_run_scrapy_helper(run_scrapy, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_should_not_leak")
    result = run_scrapy(["version"], cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Scrapy ")


def test_huggingface_hub_client_reads_the_fake_like_the_hub(fake_hub, tmp_path):
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        RepositoryNotFoundError,
    )

    api = HfApi(endpoint=fake_hub.url, token=False)
    assert api.model_info("microsoft/phi-2").card_data.license == "mit"
    assert len(list(api.list_models(sort="downloads"))) == len(KNOWN)
    assert "step143000" in [b.name for b in api.list_repo_refs("EleutherAI/pythia-160m").branches]
    path = hf_hub_download("microsoft/phi-2", "README.md", endpoint=fake_hub.url, token=False,
                           cache_dir=tmp_path)
    assert "Phi-2" in open(path, encoding="utf-8").read()
    cases = [("meta-llama/Meta-Llama-3-8B-Instruct", "README.md", GatedRepoError),
             ("someone/else-entirely", "README.md", RepositoryNotFoundError),
             ("microsoft/phi-2", "nope.txt", EntryNotFoundError)]
    for repo_id, filename, error in cases:
        with pytest.raises(error):
            hf_hub_download(repo_id, filename, endpoint=fake_hub.url, token=False,
                            cache_dir=tmp_path)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(MISSING_MODEL)
