"""motcrawl.mof.catalog: normalizing release.huggingface, tolerant loading, matching."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from motcrawl.mof.catalog import (
    Catalog,
    add_api_models,
    api_entry_name,
    api_models,
    catalog_model_id,
    load_dir,
    name_stem,
)
from motcrawl.web.hf import model_id_or_none


@pytest.mark.parametrize(("value", "model_id", "warning"), [
    ("https://huggingface.co/allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf", None),
    ("http://huggingface.co/allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf", None),
    ("https://www.huggingface.co/allenai/OLMo-7B-hf/", "allenai/OLMo-7B-hf", None),
    ("huggingface.co/allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf", None),
    ("https://hf.co/allenai/OLMo-7B-hf", "allenai/OLMo-7B-hf", None),
    ("https://huggingface.co/microsoft/phi-1/blob/main/README.md", "microsoft/phi-1", None),
    ("https://huggingface.co/org/m/tree/main", "org/m", None),
    ("https://huggingface.co/org/m/resolve/main/config.json", "org/m", None),
    ("https://huggingface.co/org/m?library=transformers", "org/m", None),
    ("mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1", None),
    ("https://huggingface.co/yandex/yalm-100b · Hugging Face", "yandex/yalm-100b", "page_title"),
    ("", None, "no_hf_link"),
    ("   ", None, "no_hf_link"),
    (None, None, "no_hf_link"),
    (42, None, "not_a_model_url"),
    ("Baichuan 2: Open Large-scale Language Models", None, "not_a_model_url"),
    ("https://huggingface.co/collections/ibm-granite/granite-41", None, "not_a_model_url"),
    ("https://huggingface.co/papers/2309.16609", None, "not_a_model_url"),
    ("https://huggingface.co/datasets/allenai/dolma", None, "not_a_model_url"),
    ("https://github.com/allenai/OLMo", None, "not_a_model_url"),
    ("Some Title · Hugging Face", None, "not_a_model_url"),
])
def test_catalog_model_id(value, model_id, warning):
    found, problem = catalog_model_id(value)
    assert found == model_id
    assert (problem.kind if problem else None) == warning


@pytest.mark.parametrize(("name", "stem"), [
    ("OLMo-7B-hf", "olmo7b"),
    ("OLMo-7B-hf-GGUF", "olmo7b"),
    ("Meta-Llama-3-8B-Instruct-GGUF", "metallama38binstruct"),
    ("Llama-2-7B-Chat-AWQ", "llama27bchat"),
    ("Mistral-7B-Instruct-v0.2-Q4_K_M", "mistral7binstructv02"),
    ("phi-2-4bit-mlx", "phi2"),
    ("gpt2", "gpt2"),
    ("phi-1_5-GGUF", "phi15"),
    ("opt", ""),             # too short to say anything
    ("7B", ""),
    ("GGUF", ""),
])
def test_name_stem(name, stem):
    assert name_stem(name) == stem


def _write(folder: Path, name: str, data: object) -> None:
    (folder / name).write_text(data if isinstance(data, str) else yaml.safe_dump(data),
                               encoding="utf-8")


def _release(name: str, hf: object, **extra: object) -> dict:
    return {"framework": {"name": "MOF"}, "release": {"name": name, "huggingface": hf, **extra}}


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    _write(tmp_path, "OLMo-7B-hf.yml", _release("OLMo", "https://huggingface.co/allenai/OLMo-7B-hf",
                                                version="7B"))
    _write(tmp_path, "OLMo-copy.yml", _release("OLMo again", "huggingface.co/ALLENAI/olmo-7b-hf/"))
    _write(tmp_path, "Broken.yml", "release: [unclosed\n  name: x\n")
    (tmp_path / "Latin1.yml").write_bytes(b"release:\n  name: caf\xe9\n")
    _write(tmp_path, "List.yml", "- just\n- a list\n")
    _write(tmp_path, "Empty.yml", "")
    _write(tmp_path, "NoLink.yml", _release("Aquila", ""))
    _write(tmp_path, "Paper.yml", _release("Qwen", "https://huggingface.co/papers/2309.16609"))
    _write(tmp_path, "Title.yml", _release("YaLM", "https://huggingface.co/yandex/yalm-100b · "
                                                   "Hugging Face"))
    _write(tmp_path, "Falcon.yaml", _release("Falcon", "tiiuae/falcon-40b", origin="Falcon-40B"))
    (tmp_path / "README.md").write_text("not a model file", encoding="utf-8")
    return tmp_path


def test_load_dir_tolerates_messy_files(messy: Path):
    catalog = load_dir(messy)
    assert catalog.entries == 10  # README.md is not a catalog file
    kinds = sorted((w.kind, w.source) for w in catalog.warnings)
    assert kinds == [
        ("duplicate", "OLMo-7B-hf.yml"),
        ("invalid_yaml", "Broken.yml"),
        ("no_hf_link", "NoLink.yml"),
        ("not_a_model_file", "Empty.yml"),
        ("not_a_model_file", "List.yml"),
        ("not_a_model_url", "Paper.yml"),
        ("page_title", "Title.yml"),
        ("unreadable", "Latin1.yml"),
    ]
    assert catalog.model_count == 3
    assert catalog.match("allenai/olmo-7b-hf") == "OLMo-7B-hf.yml"  # first file, any case
    assert catalog.match("yandex/yalm-100b") == "Title.yml"
    assert catalog.match("tiiuae/Falcon-40B") == "Falcon.yaml"
    assert catalog.match("allenai/OLMo-7B") is None
    assert "ALLENAI/OLMO-7B-HF" in catalog


@pytest.mark.parametrize(("model_id", "base", "expected"), [
    ("someone/OLMo-7B-hf-GGUF", [], "OLMo-7B-hf.yml"),       # re-upload: same name stem
    ("allenai/OLMo-7B", [], "OLMo-7B-hf.yml"),               # name + version "OLMo 7B"
    ("someone/my-finetune", ["allenai/OLMo-7B-hf"], "OLMo-7B-hf.yml"),  # base model known
    ("TheBloke/falcon-40b-GPTQ", [], "Falcon.yaml"),
    ("someone/unrelated-model", [], None),
    ("someone/unrelated-model", ["someone/other-base"], None),
])
def test_possible_match(messy: Path, model_id, base, expected):
    assert load_dir(messy).possible_match(model_id, base) == expected


def test_api_pages():
    catalog = Catalog(source="api")
    models, total = api_models({"pager": {"total_pages": 3, "current_page": 1},
                                "models": [{"id": 7, "release": {"huggingface": "org/a"}},
                                           "junk"]})
    assert total == 3 and len(models) == 1
    assert add_api_models(catalog, models, "http://mot/api/v1/") == 1
    # Entries are named by model name and MOT id, never by API URL (the report cites them).
    assert catalog.finish().match("org/a") == "MOT id 7"
    assert api_models({"models": []}) == ([], None)
    for bad in ([], {"pager": {}}, {"models": "x"}, None):
        with pytest.raises(ValueError):
            api_models(bad)


def test_real_catalog_every_valid_url_is_matched(shared_mot: Path):
    catalog = load_dir(shared_mot / "models")
    assert catalog.entries == len(list((shared_mot / "models").glob("*.yml")))
    checked = 0
    for path in sorted((shared_mot / "models").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        model_id = model_id_or_none((data.get("release") or {}).get("huggingface"))
        if model_id:
            assert catalog.match(model_id) is not None, path.name
            assert catalog.match(model_id.upper()) is not None, path.name
            checked += 1
    assert checked > 100
    kinds = {w.kind for w in catalog.warnings}
    assert {"no_hf_link", "not_a_model_url", "duplicate", "page_title"} <= kinds


@pytest.mark.parametrize("model, name", [
    ({"id": 68, "release": {"name": "OLMo 7B", "huggingface": "allenai/OLMo-7B"}},
     "OLMo 7B (MOT id 68)"),
    ({"id": 3, "release": {"name": "  Pythia\n 160m "}}, "Pythia 160m (MOT id 3)"),
    ({"id": 9, "release": {}}, "MOT id 9"),
    ({"release": {"name": ""}}, "MOT id ?"),
])
def test_api_entries_are_named_by_model_not_url(model, name):
    catalog = Catalog(source="http://mot/api/v1")
    add_api_models(catalog, [model], "http://mot/api/v1")
    catalog.add_problem("x", api_entry_name(model), "")
    assert all("http" not in w.source for w in catalog.finish().warnings)
    assert api_entry_name(model) == name


@pytest.mark.parametrize(("page", "total", "count", "expected"), [
    (1, 3, 100, [2, 3]),        # the pager says how many: the rest side by side
    (1, 1, 100, []),
    (2, 3, 100, []),            # asked for by page 1 already
    (1, None, 100, [2]),        # no pager: the next page while pages come full
    (4, None, 100, [5]),
    (4, None, 37, []),
])
def test_next_api_pages(page, total, count, expected) -> None:
    from motcrawl.mof.catalog import api_page_url, next_api_pages
    assert next_api_pages(page, total, count) == expected
    assert api_page_url("https://mot/api/v1/", 2) == "https://mot/api/v1/models?page=2&limit=100"
