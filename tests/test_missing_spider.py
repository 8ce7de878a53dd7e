"""`scrapy crawl missing` end to end, against FakeHub and FakeMOTApi.

Crawls run in this process (tests/crawl_support.run_crawl), which gives the exit code
`scrapy` would exit with (the crawl command decides it).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from motcrawl.web.hf import model_id_or_none
from tests.crawl_support import run_crawl
from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi
from tests.fakes.server import Response

NO_MOT = "http://127.0.0.1:9/api/v1"  # nothing listens: a test that needs the API says so


def add_model(hub: FakeHub, model_id: str, downloads: int, **extra: Any) -> None:
    """A listing entry the fake Hub serves (README through /resolve/ as well)."""
    hub.models[model_id] = {
        "_id": hashlib.sha1(model_id.encode()).hexdigest()[:24], "id": model_id,
        "author": model_id.split("/")[0], "downloads": downloads, "likes": 1,
        "pipeline_tag": "text-generation", "library_name": "transformers",
        "createdAt": "2024-05-01T00:00:00.000Z", "lastModified": "2024-05-02T00:00:00.000Z",
        "gated": False, "sha": hashlib.sha1(model_id.encode()).hexdigest(),
        "cardData": {"license": "apache-2.0"}, "tags": ["transformers", "license:apache-2.0"],
        "siblings": [{"rfilename": "README.md"}, {"rfilename": "config.json"}],
        "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama"}, **extra}
    hub.readmes[model_id] = f"---\nlicense: apache-2.0\n---\n# {model_id}\n"


def write_catalog(folder: Path, entries: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, hf in entries.items():
        (folder / name).write_text(yaml.safe_dump({"release": {
            "name": name.rsplit(".", 1)[0], "huggingface": hf}}), encoding="utf-8")
    return folder


def crawl(tmp: Path, hub: FakeHub, *args: str, mot: FakeMOTApi | None = None):
    """Run the spider; returns (process, items by id)."""
    feed = tmp / "out.jsonl"
    feed.unlink(missing_ok=True)
    env = {"HF_ENDPOINT": hub.url, "MOT_MODELS_DIR": "",
           "MOT_API_URL": f"{mot.url}/api/v1" if mot else NO_MOT}
    argv = ["missing", "-a", f"output_dir={tmp / 'drafts'}", *args, "-O", str(feed)]
    proc = run_crawl(argv, env=env)
    items = {}
    if feed.exists():
        for line in feed.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            items[item["model_id"]] = item
    return proc, items


def stat(proc, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", proc.stderr)
    return int(found.group(1)) if found else 0


def listing_requests(hub: FakeHub):
    return [r for r in hub.requests if r.path == "/api/models"]


def by_downloads(hub: FakeHub) -> list[dict[str, Any]]:
    return sorted(hub.models.values(), key=lambda m: (-(m.get("downloads") or 0), m["_id"]))


@pytest.fixture
def empty_catalog(tmp_path: Path) -> Path:
    """A catalog with no model file (every listed model is missing): the crawls that use it
    pass ``-a allow_empty_catalog=true``, else it is a failed catalog."""
    return write_catalog(tmp_path / "models", {})


def test_pagination_follows_link_to_the_end(tmp_path, empty_catalog):
    with FakeHub(generated=250, enforce=False) as hub:
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=0", "-a", f"models_dir={empty_catalog}",
                            "-a", "allow_empty_catalog=true")
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert set(items) == set(hub.models)
        pages = listing_requests(hub)
        assert len(pages) == math.ceil(len(hub.models) / 100) >= 3
        assert pages[0].arg("sort") == "downloads" and pages[0].arg("direction") == "-1"
        assert "siblings" in pages[0].query["expand[]"]
        assert all(p.arg("cursor") for p in pages[1:])
        assert not any("skip" in p.query or "page" in p.query for p in pages)
        # max_drafts=0: the listing is the only thing requested.
        assert len(hub.requests) == len(pages)
        assert stat(proc, "motcrawl/listing/stopped/end") == 1
        assert all(i["status"] == "missing" and i["draft_status"] == "skipped"
                   for i in items.values())
        assert not (tmp_path / "drafts" / "failures.jsonl").exists()


def test_stops_at_threshold_and_limit(tmp_path, empty_catalog):
    with FakeHub(generated=400, enforce=False) as hub:
        ranked = by_downloads(hub)
        threshold = ranked[149]["downloads"]
        expected = [m["id"] for m in ranked if m["downloads"] >= threshold]
        proc, items = crawl(tmp_path, hub, "-a",
                            f"min_downloads={threshold}", "-a", "max_drafts=0",
                            "-a", f"models_dir={empty_catalog}",
                            "-a", "allow_empty_catalog=true")
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert sorted(items) == sorted(expected)
        assert len(listing_requests(hub)) == math.ceil((len(expected) + 1) / 100)
        assert stat(proc, "motcrawl/listing/stopped/threshold") == 1

        hub.clear_requests()
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "limit=120", "-a", "max_drafts=0",
                            "-a", f"models_dir={empty_catalog}",
                            "-a", "allow_empty_catalog=true")
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert sorted(items) == sorted(m["id"] for m in ranked[:120])
        assert len(listing_requests(hub)) == 2
        assert stat(proc, "motcrawl/listing/stopped/limit") == 1


def test_model_type_filters_the_listing(tmp_path, empty_catalog):
    with FakeHub(generated=200, enforce=False) as hub:
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "model_type=text-to-image", "-a", "max_drafts=0",
                            "-a", f"models_dir={empty_catalog}",
                            "-a", "allow_empty_catalog=true")
        assert proc.returncode == 0, proc.stderr[-3000:]
        wanted = {m["id"] for m in hub.models.values()
                  if m.get("pipeline_tag") == "text-to-image"}
        assert wanted and set(items) == wanted
        assert {i["mof_type"] for i in items.values()} == {"image"}
        assert all(r.arg("pipeline_tag") == "text-to-image" for r in listing_requests(hub))


def test_known_models_cost_no_request_and_missing_ones_are_drafted(tmp_path):
    with FakeHub(generated=120, enforce=False) as hub:
        add_model(hub, "allenai/OLMo-7B-hf-clone", 90_000_000)
        add_model(hub, "someone/OLMo-7B-hf-GGUF", 80_000_000)
        ranked = by_downloads(hub)
        known = [m["id"] for m in ranked[:30] if m["id"] != "someone/OLMo-7B-hf-GGUF"]
        catalog = write_catalog(tmp_path / "models", {
            **{f"K{n}.yml": f"https://huggingface.co/{mid.upper()}/tree/main"
               for n, mid in enumerate(known)},
            "OLMo-7B-hf.yml": "https://huggingface.co/allenai/OLMo-7B-hf",
        })
        report = tmp_path / "missing.md"
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=3", "-a", f"models_dir={catalog}",
                            "-a", f"report={report}")
        assert proc.returncode == 0, proc.stderr[-3000:]
        for n, model_id in enumerate(known):
            assert items[model_id]["status"] == "known"
            assert items[model_id]["catalog_file"] == f"K{n}.yml"
            assert items[model_id]["draft_status"] == "skipped"
        gguf = items["someone/OLMo-7B-hf-GGUF"]
        assert gguf["status"] == "missing" and gguf["possible_match"] == "OLMo-7B-hf.yml"
        missing_order = [m["id"] for m in ranked if m["id"] not in known]
        drafted = [i for i in items.values() if i.get("draft_path")]
        assert sorted(i["model_id"] for i in drafted) == sorted(missing_order[:3])
        assert all(Path(i["draft_path"]).is_file() for i in drafted)
        # Per-model requests only for the three drafts; none mentions a known model.
        detail = [r for r in hub.requests if r.path != "/api/models"]
        def model_of(path: str) -> str:
            if path.startswith("/api/models/"):
                return path[len("/api/models/"):].rsplit("/", 1)[0]  # .../refs
            return path.split("/resolve/")[0].lstrip("/")
        assert {model_of(r.path) for r in detail} == set(missing_order[:3])
        cards = [r for r in detail if r.path.endswith("/resolve/main/README.md")]
        assert len(cards) == 3          # the card through the resolver, never /raw/
        assert not any("/raw/" in r.path for r in detail)
        assert items["allenai/OLMo-7B-hf"]["catalog_file"] == "OLMo-7B-hf.yml"
        assert stat(proc, "motcrawl/catalog/known") == len(known) + 1
        assert stat(proc, "motcrawl/report_written") == 1
        assert f"skipped (known to MOT) {len(known) + 1}" in proc.stderr
        # The feed holds the report's columns, never the raw Hub answers.
        assert all("info" not in i and "card_text" not in i for i in items.values())

        text = report.read_text(encoding="utf-8")
        assert f"| models listed | {len(items)} |" in text
        assert f"| already in MOT (known) | {len(known) + 1} |" in text
        assert "| drafts written | 3 |" in text
        assert "someone/OLMo-7B-hf-GGUF" in text and "OLMo-7B-hf.yml" in text
        api = [r for r in hub.requests if r.path.startswith("/api/")]
        resolvers = [r for r in hub.requests if "/resolve/" in r.path]
        assert f"| api | {len(api)} | 200: {len(api)} |" in text
        assert f"| resolvers | {len(resolvers)} |" in text
        ids = (tmp_path / "missing.ids.txt").read_text(encoding="utf-8")
        assert "someone/OLMo-7B-hf-GGUF" in ids and known[0] not in ids


def test_catalog_from_the_mot_api(tmp_path, fake_mot_api):
    with FakeHub(enforce=False) as hub:
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=0", mot=fake_mot_api)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert items["EleutherAI/pythia-160m"]["status"] == "known"
        assert items["openai-community/gpt2"]["status"] == "known"
        assert items["allenai/OLMo-7B"]["status"] == "known"
        assert items["allenai/OLMo-7B-hf"]["status"] == "missing"
        assert items["allenai/OLMo-7B-hf"]["possible_match"]
        mot_pages = [r for r in fake_mot_api.requests if r.path == "/api/v1/models"]
        assert [(r.arg("page"), r.arg("limit")) for r in mot_pages] == [("1", "100")]
        assert len(hub.requests) == len(listing_requests(hub)) == 1


def test_real_catalog_through_the_api_over_several_pages(
        tmp_path, shared_mot):
    """Every catalog entry with a valid HF model URL is matched when the Hub lists it."""
    models_dir = shared_mot / "models"
    valid = set()
    for path in sorted(models_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        model_id = model_id_or_none((data.get("release") or {}).get("huggingface"))
        if model_id:
            valid.add(model_id)
    with FakeHub(generated=50, enforce=False) as hub, \
            FakeMOTApi.from_catalog(models_dir) as mot:
        for n, model_id in enumerate(sorted(valid)):
            # The Hub's own spelling may differ in case from the catalog's.
            add_model(hub, model_id.lower() if n % 2 else model_id, 1_000_000 + n)
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=0", "-a", f"report={tmp_path / 'r.md'}", mot=mot)
        assert proc.returncode == 0, proc.stderr[-3000:]
        listed = {i.lower(): item for i, item in items.items()}
        unmatched = [m for m in valid if listed[m.lower()]["status"] != "known"]
        assert unmatched == []
        assert len([r for r in mot.requests if r.path == "/api/v1/models"]) == math.ceil(
            len(mot.models) / 100) >= 3
        text = (tmp_path / "r.md").read_text(encoding="utf-8")
        assert "Baichuan 2: Open Large-scale Language Models" in text
        assert "Several entries name the same Hub model" in text


def test_real_catalog_from_a_folder(tmp_path, shared_mot):
    with FakeHub(enforce=False) as hub:
        proc, items = crawl(tmp_path, hub, "-a", "min_downloads=0",
                            "-a", "max_drafts=0", "-a", f"models_dir={shared_mot / 'models'}")
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert items["allenai/OLMo-7B-hf"]["status"] == "known"
        assert items["allenai/OLMo-7B-hf"]["catalog_file"].endswith(".yml")
        assert stat(proc, "motcrawl/catalog/entries") == len(list(
            (shared_mot / "models").glob("*.yml")))


def test_mot_api_failure_stops_before_the_listing(tmp_path):
    with FakeHub(enforce=False) as hub, FakeMOTApi() as mot:
        mot.fault = lambda request: Response.json({"error": "down"}, status=503)
        proc, items = crawl(tmp_path, hub, "-a",
                            f"report={tmp_path / 'r.md'}", mot=mot)
        assert items == {}
        assert hub.requests == []
        assert "mot_api_failed" in proc.stderr
        assert "did not finish normally (mot_api_failed" in (tmp_path / "r.partial.md").read_text()
        # The job could not do its work: a non-zero exit, a clear line, no traceback.
        assert proc.returncode == 1
        assert "MOT catalog unavailable, stopping before the listing" in proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["-a", "min_downloads=-1"], "error: min_downloads must not be negative, not '-1'"),
    (["-a", "limit=many"], "error: limit must be a whole number, not 'many'"),
    (["-a", "model_type=llm"], "error: model_type 'llm' is not a Hub task"),
    (["-a", "models_dir=/nonexistent/models"], "error: models_dir /nonexistent/models does "
                                               "not exist"),
])
def test_argument_errors(tmp_path, args, message):
    with FakeHub(enforce=False) as hub, FakeMOTApi() as mot:
        proc, items = crawl(tmp_path, hub, *args, mot=mot)
        assert proc.returncode == 2
        # Checked before Scrapy starts logging: the error is all stderr says.
        assert proc.stderr.strip().startswith(message), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert hub.requests == [] and mot.requests == []
        assert items == {}
