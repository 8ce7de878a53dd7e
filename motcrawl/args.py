"""Spider arguments: parsed and validated before any request, with one-line errors.

Unknown keys are ignored, not rejected: scrapyd passes ``_job`` and every
schedule parameter as spider arguments.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motcrawl.hf import ModelRefError, parse_model_ref


class ArgumentError(ValueError):
    """A spider argument is missing or wrong; the message is one line for the user."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ArgumentError(f"{name} must be true or false, not {value!r}")


def parse_count(name: str, value: Any, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip().replace("_", ""))
    except ValueError:
        raise ArgumentError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ArgumentError(f"{name} must not be negative, not {value!r}")
    return number


def read_ids_file(path: str) -> list[str]:
    """Model ids from a text file (one per line, ``#`` comments) or a failures JSONL file."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArgumentError(f"ids_file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ArgumentError(f"ids_file unreadable: {path}: {exc.__class__.__name__}") from None
    ids: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("{"):
            try:
                line = str(json.loads(line).get("model_id", ""))
            except (ValueError, AttributeError):
                raise ArgumentError(f"{path}:{number}: not a failures line") from None
        else:
            line = line.split("#", 1)[0].strip()
        if line:
            ids.append(line)
    return ids


def parse_model_ids(model_id: str | None, ids_file: str | None) -> list[str]:
    raw: list[str] = []
    if model_id:
        raw += [part for part in str(model_id).split(",") if part.strip()]
    if ids_file:
        raw += read_ids_file(ids_file)
    if not raw:
        raise ArgumentError("give -a model_id=ORG/NAME (comma-separated for several) "
                            "or -a ids_file=PATH")
    ids: list[str] = []
    for text in raw:
        try:
            ids.append(parse_model_ref(text))
        except ModelRefError as exc:
            raise ArgumentError(str(exc)) from None
    return list(dict.fromkeys(ids))


def output_dir(value: Any, default: str = "drafts") -> Path:
    """An absolute output folder that exists (or can be made) and is writable."""
    path = Path(str(value or default)).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArgumentError(f"output_dir {path} cannot be created: {exc.strerror}") from None
    if not path.is_dir():
        raise ArgumentError(f"output_dir {path} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise ArgumentError(f"output_dir {path} is not writable")
    return path


def failures_file(value: Any, out: Path) -> Path:
    """The failures file: absolute, in a writable folder, not a folder itself."""
    path = Path(str(value or out / "failures.jsonl")).expanduser().resolve()
    if path.is_dir():
        raise ArgumentError(f"failures {path} is a folder, not a file")
    try:
        output_dir(path.parent)
    except ArgumentError as exc:
        raise ArgumentError(f"failures: {exc}") from None
    return path


@dataclass
class ModelArgs:
    model_ids: list[str]
    output_dir: Path
    overwrite: bool
    failures: Path


def parse_model_args(kwargs: dict[str, Any]) -> ModelArgs:
    ids = parse_model_ids(kwargs.get("model_id"), kwargs.get("ids_file"))
    out = output_dir(kwargs.get("output_dir"))
    failures = failures_file(kwargs.get("failures"), out)
    return ModelArgs(ids, out, parse_bool("overwrite", kwargs.get("overwrite")), failures)
