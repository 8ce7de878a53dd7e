import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from motcrawl.mof.schema import (
    ModelFileError,
    ValidationProblem,
    load_schema,
    load_yaml_file,
    stringify_dates,
    validate_document,
)
from tests.conftest import MOT

ROOT = Path(__file__).resolve().parents[1]



VALID: dict[str, Any] = {
    "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
    "release": {
        "name": "demo",
        "version": "7B",
        "date": "2024-06-13",
        "license": {"distribution": {"name": "Apache-2.0", "path": None}},
        "type": "language",
        "architecture": "transformer decoder",
        "producer": "Example",
        "repository": "https://github.com/example/demo",
        "huggingface": "https://huggingface.co/example/demo",
        "components": [
            {"name": "Model architecture", "license": "Apache-2.0"},
            {"name": "Model parameters (Final)"},
        ],
    },
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return load_schema()


def _with(path: str, value: Any) -> dict[str, Any]:
    """VALID with the dotted ``path`` set to ``value`` (a value of ``...`` deletes it)."""
    doc = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return doc


def test_packaged_schema_loads() -> None:
    schema = load_schema()
    assert schema["title"].startswith("MOF 1.0")


def test_schema_from_path(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps({"type": "object", "required": ["x"]}))
    problems = validate_document({}, load_schema(tmp_path / "s.json"))
    assert problems == [ValidationProblem("$", "'x' is a required property")]


def test_valid_document(schema: dict[str, Any]) -> None:
    assert validate_document(VALID, schema) == []


@pytest.mark.parametrize(
    ("path", "value", "where", "says"),
    [
        ("framework.date", "2024-13-45", "$.framework.date", "is not a 'date'"),
        ("release.date", "13/06/2024", "$.release.date", "is not a 'date'"),
        ("release.date", "20240613", "$.release.date", "is not a 'date'"),
        ("framework.name", "MOF", "$.framework.name", "Model Openness Framework"),
        ("release.components.1.name", "Training dataset", "$.release.components[1].name",
         "is not one of"),
        ("release.components.0.license", 3, "$.release.components[0].license", "not of type"),
        ("release.license.distribution.name", 5, "$.release.license.distribution.name",
         "not of type"),
        ("release.type", "llm", "$.release.type", "is not one of"),
        ("release.producer", ..., "$.release", "'producer' is a required property"),
        ("release", ..., "$", "'release' is a required property"),
    ],
)
def test_problems_point_at_the_value(
    schema: dict[str, Any], path: str, value: Any, where: str, says: str
) -> None:
    problems = validate_document(_with(path, value), schema)
    assert [p.path for p in problems] == [where]
    assert says in problems[0].message


def test_problems_in_document_order(schema: dict[str, Any]) -> None:
    doc = copy.deepcopy(VALID)
    doc["release"]["components"] = [{"name": "Datasets"}] * 11 + [{"name": "x"}]
    doc["release"]["components"][3] = {"name": "y"}
    paths = [p.path for p in validate_document(doc, schema)]
    assert paths == ["$.release.components[3].name", "$.release.components[11].name"]


def test_python_dates_count_as_iso_strings(schema: dict[str, Any]) -> None:
    doc = _with("release.date", datetime.date(2024, 6, 13))
    assert validate_document(doc, schema) == []


def test_stringify_dates_recurses() -> None:
    value = {"a": [datetime.date(2024, 1, 2), {"b": datetime.datetime(2024, 1, 2, 3, 4)}]}
    assert stringify_dates(value) == {"a": ["2024-01-02", {"b": "2024-01-02T03:04:00"}]}


def test_load_yaml_file_turns_unquoted_dates_into_strings(tmp_path: Path) -> None:
    path = tmp_path / "m.yml"
    path.write_text("framework:\n  date: 2024-12-15\nrelease:\n  date: '2024-06-13'\n")
    assert load_yaml_file(path) == {
        "framework": {"date": "2024-12-15"}, "release": {"date": "2024-06-13"}
    }


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"release: [unclosed\n", "invalid YAML"),
        (b"- a\n- b\n", "not a YAML mapping"),
        (b"", "not a YAML mapping"),
        (b"\xff\xfe\x00bad", "cannot read"),
    ],
)
def test_load_yaml_file_errors(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=says) as info:
        load_yaml_file(path)
    assert "\n" not in str(info.value)


def test_load_yaml_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read"):
        load_yaml_file(tmp_path / "absent.yml")


@pytest.mark.skipif(MOT is None, reason="../shared/mot (MOT reference data) absent")
def test_mot_schema_and_sample() -> None:
    assert MOT is not None
    mot_schema = load_schema(MOT / "schema" / "mof_schema.json")
    assert validate_document(load_yaml_file(MOT / "schema" / "sample_model.yml"), mot_schema) == []
    assert validate_document(VALID, mot_schema) == []
    bad = validate_document(_with("release.date", "2024-13-45"), mot_schema)
    assert [p.path for p in bad] == ["$.release.date"]
