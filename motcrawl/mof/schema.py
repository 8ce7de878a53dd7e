"""Check MOT model files against a JSON Schema, the way MOT's validate-model.php does.

MOT parses the YAML with Symfony and validates with opis/json-schema, so
``format: date`` is enforced there; jsonschema only enforces formats when
given a FormatChecker, and its ``date`` check needs no extra package.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError


class ModelFileError(ValueError):
    """A model file that cannot be read, is not YAML, or is not a YAML mapping."""


@dataclass(frozen=True)
class ValidationProblem:
    path: str  # JSON path of the offending value, e.g. $.release.components[3].name
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def load_schema(path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """A JSON Schema from ``path``, or the project's packaged ``data/mof_schema.json``."""
    if path is None:
        text = resources.files("motcrawl").joinpath("data/mof_schema.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    schema = json.loads(text)
    if not isinstance(schema, dict):
        raise ValueError(f"{path or 'packaged schema'}: a JSON Schema must be an object")
    return schema


def load_yaml_file(path: str | PathLike[str]) -> dict[str, Any]:
    """The mapping in a YAML model file, with YAML dates turned into ISO strings.

    Raises :class:`ModelFileError` (one line, no traceback needed) when the
    file cannot be read, does not parse, or does not hold a mapping.
    """
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"cannot read: {exc.__class__.__name__}: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelFileError(f"invalid YAML: {_one_line(exc)}") from exc
    if not isinstance(data, dict):
        raise ModelFileError(f"not a YAML mapping (got {type(data).__name__})")
    return stringify_dates(data)


def stringify_dates(value: Any) -> Any:
    """Replace ``datetime.date``/``datetime`` values with ISO strings, recursively.

    PyYAML's safe_load turns an unquoted ``2024-06-13`` into a ``datetime.date``,
    which JSON Schema sees as neither a string nor anything else it knows, so
    ``type: string`` would fail on a perfectly good date. The model files are
    JSON-shaped documents with dates as strings; MOT's catalog quotes all of
    them. (Symfony's parser, which MOT uses, would make an unquoted date an
    integer timestamp: keep quoting dates in files meant for MOT.)
    """
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: stringify_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stringify_dates(v) for v in value]
    return value


def validate_document(doc: dict[str, Any], schema: dict[str, Any]) -> list[ValidationProblem]:
    """Every schema violation in ``doc``, in document order (empty list: valid)."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(stringify_dates(doc)), key=_error_order)
    return [ValidationProblem(e.json_path, _one_line(e.message)) for e in errors]


def _error_order(error: ValidationError) -> tuple[tuple[tuple[int, int, str], ...], str]:
    # Array indexes sort as numbers, so components[3] comes before components[10].
    path = tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path)
    return path, error.message


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())
