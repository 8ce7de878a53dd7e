# TEMPORARY stand-in until the eval branch lands
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from jsonschema import Draft202012Validator, FormatChecker, validators


@dataclass(frozen=True)
class ValidationProblem:
    path: str
    message: str

def load_schema(path=None):
    if path:
        return json.loads(open(path, encoding="utf-8").read())
    return json.loads(resources.files("motcrawl").joinpath("data/mof_schema.json").read_text())

def validate_document(doc, schema):
    cls = validators.validator_for(schema, default=Draft202012Validator)
    v = cls(schema, format_checker=FormatChecker())
    return [ValidationProblem(e.json_path, e.message) for e in v.iter_errors(doc)]
