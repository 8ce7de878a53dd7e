"""The real-card corpus as the benchmark reads it: the split, and info built only from fixtures."""

from __future__ import annotations

import json

from benchmarks import realcards, realcards_split


def test_recorded_split_follows_the_id_hash_rule() -> None:
    recorded = json.loads(realcards.SPLIT_FILE.read_text(encoding="utf-8"))
    for half in ("dev", "report"):
        for model_id in recorded[half]:
            assert realcards_split.half_of(model_id) == half, model_id
    assert not set(recorded["dev"]) & set(recorded["report"])
    ids = dict(realcards_split.corpus_ids())
    for model_id in recorded.get("fresh", []):          # fresh by its source.json, not its hash
        assert ids[model_id] is True, model_id
    for model_id in recorded["dev"] + recorded["report"]:
        assert ids[model_id] is False, model_id


def test_a_fresh_model_is_report_only_whatever_its_hash() -> None:
    dev_id = next(f"org/model-{i}" for i in range(50)
                  if realcards_split.half_of(f"org/model-{i}") == "dev")
    sets = realcards_split.split([(dev_id, True), ("org/other", False)])
    assert sets["fresh"] == [dev_id] and dev_id not in sets["dev"]


def test_split_is_by_id_alone() -> None:
    assert realcards_split.half_of("Org/Model") == realcards_split.half_of("org/model")
    halves = {realcards_split.half_of(f"org/model-{i}") for i in range(20)}
    assert halves == {"dev", "report"}


def test_info_holds_only_what_the_fixture_holds() -> None:
    card = "---\nlicense: apache-2.0\ntags:\n- text-to-speech\n---\n# M\n\nText.\n"
    info = realcards.info_from_fixture("org/m", card, None, None)
    assert "pipeline_tag" not in info and "library_name" not in info and "config" not in info
    assert info["tags"] == ["text-to-speech", "license:apache-2.0"]
    assert [s["rfilename"] for s in info["siblings"]] == ["README.md"]
    stated = realcards.info_from_fixture(
        "org/m", "---\npipeline_tag: text-generation\nlibrary_name: transformers\n---\n# M\n",
        {"model_type": "llama"}, ["config.json", "model.safetensors"])
    assert stated["pipeline_tag"] == "text-generation"
    assert stated["library_name"] == "transformers"
    assert stated["config"] == {"model_type": "llama"}
    assert [s["rfilename"] for s in stated["siblings"]] == ["config.json", "model.safetensors"]


def test_card_without_front_matter_has_no_card_data() -> None:
    info = realcards.info_from_fixture("org/m", "# M\n\nNo front matter.\n", None, None)
    assert info["cardData"] == {} and info["tags"] == []


def test_every_corpus_model_loads() -> None:
    models = realcards.load_corpus()
    assert models
    for model in models:
        assert model.info["id"] == model.model_id
        assert model.card
