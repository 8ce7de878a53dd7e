"""Spider arguments: parsed and validated before any request, with one-line errors.

An unknown key is an error naming the closest known one (``-a min_download=5``
would otherwise be ignored and the crawl run with the default). scrapyd passes
``_job``, ``_version`` and every schedule parameter (``project``, ``spider``,
``setting``, ``jobid``, ``priority``) as spider arguments: those are allowed.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motcrawl.analysis.modelkind import PIPELINE_TYPES
from motcrawl.outputs.paths import (
    OUTPUT_BASE_ARG,
    START_TIME_ARG,
    base_of,
    inject,
    path_arg,
    resolve,
    under_scrapyd,
)
from motcrawl.web.hf import ModelRefError, parse_model_ref

# The spider argument that carries the MOT_MODELS_DIR setting to argument parsing, which
# runs before the spider sees its settings (like motcrawl.outputs.paths.OUTPUT_BASE_ARG).
MODELS_DIR_ARG = "_mot_models_dir"


def settings_into_arguments(spider_kwargs: dict[str, Any], settings: Any) -> dict[str, Any]:
    """Add what argument parsing needs from the settings: the output base folder, the
    start time, and MOT_MODELS_DIR (values already there are kept)."""
    inject(spider_kwargs, settings.get("MOTCRAWL_OUTPUT_DIR"))
    spider_kwargs.setdefault(MODELS_DIR_ARG, settings.get("MOT_MODELS_DIR") or "")
    return spider_kwargs


class ArgumentError(ValueError):
    """A spider argument is missing or wrong; the message is one line for the user."""


# What scrapyd adds to every job's spider arguments, and what motcrawl injects itself.
SCRAPYD_KEYS = frozenset({"_job", "_version", "project", "spider", "setting", "jobid",
                          "priority"})
INTERNAL_KEYS = frozenset({OUTPUT_BASE_ARG, START_TIME_ARG, MODELS_DIR_ARG})
MODEL_KEYS = frozenset({"model_id", "ids_file", "output_dir", "overwrite", "failures", "models_dir",
                        "hf_token", "state_dir", "allow_empty_catalog"})
MISSING_KEYS = frozenset({"min_downloads", "limit", "model_type", "models_dir", "max_drafts",
                          "report", "full", "output_dir", "overwrite", "failures", "hf_token",
                          "state_dir", "allow_empty_catalog"})
AUDIT_KEYS = frozenset({"models_dir", "report", "hf_token", "allow_empty_catalog"})


def check_known(kwargs: dict[str, Any], known: frozenset[str]) -> None:
    """Raise ArgumentError for the first argument the spider does not know."""
    for key in kwargs:
        if key in known or key in SCRAPYD_KEYS or key in INTERNAL_KEYS:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else "known: " + ", ".join(sorted(known))
        raise ArgumentError(f"unknown argument {key!r} ({hint})")


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


_WARNED: set[str] = set()


def _warn_once(line: str) -> None:
    """Arguments are parsed twice (the crawl command, then the spider): say it once."""
    if line not in _WARNED:
        _WARNED.add(line)
        print(line, file=sys.stderr)


def read_ids_file(path: str) -> list[str]:
    """Model ids from a text file (one per line, ``#`` comments) or a failures JSONL file.

    A failures file whose last line was torn (a crash or a full disk while writing
    it) loses that line, with a warning on stderr; a bad line elsewhere is an error."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArgumentError(f"ids_file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ArgumentError(f"ids_file unreadable: {path}: {exc.__class__.__name__}") from None
    ids: list[str] = []
    lines = text.splitlines()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("{"):
            try:
                line = str(json.loads(line).get("model_id", ""))
            except (ValueError, AttributeError):
                if number == len(lines) and not text.endswith("\n"):
                    _warn_once(f"warning: {path}:{number}: torn last line skipped (the file "
                               "was cut while being written)")
                    break
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


def output_dir(value: Any, default: str = "drafts", base: Path | None = None) -> Path:
    """An absolute output folder that exists (or can be made) and is writable.

    A relative folder is taken under ``base`` (motcrawl.outputs.paths: never scrapyd's
    working directory by accident)."""
    path = resolve(value or default, base)
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
    models_dir: Path | None = None  # MOT's catalog, to say which drafts MOT already has
    allow_empty_catalog: bool = False  # a models_dir holding no model file is not a failure


def parse_model_args(kwargs: dict[str, Any]) -> ModelArgs:
    check_known(kwargs, MODEL_KEYS)
    ids = parse_model_ids(kwargs.get("model_id"), kwargs.get("ids_file"))
    out = output_dir(kwargs.get("output_dir"), base=base_of(kwargs))
    failures = failures_file(
        path_arg(kwargs, kwargs.get("failures") or out / "failures.jsonl", "model"), out)
    return ModelArgs(ids, out, parse_bool("overwrite", kwargs.get("overwrite")), failures,
                     _catalog_dir(kwargs),
                     parse_bool("allow_empty_catalog", kwargs.get("allow_empty_catalog")))


# -- scrapy crawl missing -----------------------------------------------------
# Hub tasks accepted by -a model_type (the listing's pipeline_tag filter): every task
# that has a MOF type, and the Hub's tasks that have none.
MODEL_TYPES: frozenset[str] = frozenset(PIPELINE_TYPES) | {
    "reinforcement-learning", "robotics", "tabular-classification", "tabular-regression",
    "time-series-forecasting", "graph-ml",
}


@dataclass
class MissingArgs:
    min_downloads: int
    limit: int | None
    model_type: str | None
    models_dir: Path | None      # None: the catalog comes from MOT's API
    max_drafts: int
    output_dir: Path
    overwrite: bool
    failures: Path
    report: Path | None
    full: bool = False           # incremental runs: redraft every missing model
    allow_empty_catalog: bool = False  # an empty catalog (API or folder) is not a failure


def _catalog_dir(kwargs: dict[str, Any]) -> Path | None:
    """-a models_dir, else MOT_MODELS_DIR, else ../models when it exists, else None (the API).

    The MOT_MODELS_DIR setting arrives as an argument (settings_into_arguments); parsed
    without one (a test, a script), the environment variable stands in for it."""
    given = kwargs.get("models_dir")
    name = "models_dir"
    setting = kwargs[MODELS_DIR_ARG] if MODELS_DIR_ARG in kwargs \
        else os.environ.get("MOT_MODELS_DIR")
    if not given and str(setting or "").strip():
        given, name = str(setting).strip(), "MOT_MODELS_DIR"
    if not given:
        if under_scrapyd(kwargs):  # scrapyd's working directory says nothing about MOT
            return None
        fallback = Path("..", "models").resolve()
        return fallback if fallback.is_dir() else None
    path = Path(str(given)).expanduser().resolve()
    if not path.exists():
        raise ArgumentError(f"{name} {path} does not exist")
    if not path.is_dir():
        raise ArgumentError(f"{name} {path} is not a folder")
    return path


def _report_path(value: Any, kwargs: dict[str, Any]) -> Path | None:
    if value is None or str(value).strip() == "":
        return None
    path = path_arg(kwargs, value, "missing")
    if path.is_dir():
        raise ArgumentError(f"report {path} is a folder; give a file name such as missing.md")
    if not path.parent.is_dir():
        raise ArgumentError(f"report folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ArgumentError(f"report folder {path.parent} is not writable")
    return path


def parse_missing_args(kwargs: dict[str, Any]) -> MissingArgs:
    check_known(kwargs, MISSING_KEYS)
    min_downloads = parse_count("min_downloads", kwargs.get("min_downloads"), 10_000)
    limit = parse_count("limit", kwargs.get("limit"), None)
    if limit == 0:
        raise ArgumentError("limit must be at least 1 (leave it out for no limit)")
    model_type = str(kwargs.get("model_type") or "").strip() or None
    if model_type is not None and model_type not in MODEL_TYPES:
        raise ArgumentError(f"model_type {model_type!r} is not a Hub task "
                            "(e.g. text-generation, text-to-image, automatic-speech-recognition)")
    max_drafts = parse_count("max_drafts", kwargs.get("max_drafts"), 20)
    overwrite = parse_bool("overwrite", kwargs.get("overwrite"))
    full = parse_bool("full", kwargs.get("full"))
    allow_empty = parse_bool("allow_empty_catalog", kwargs.get("allow_empty_catalog"))
    models_dir = _catalog_dir(kwargs)
    out = output_dir(kwargs.get("output_dir"), base=base_of(kwargs))
    report = _report_path(kwargs.get("report"), kwargs)
    failures = failures_file(
        path_arg(kwargs, kwargs.get("failures") or out / "failures.jsonl", "missing"), out)
    assert min_downloads is not None and max_drafts is not None
    return MissingArgs(min_downloads, limit, model_type, models_dir, max_drafts, out,
                       overwrite, failures, report, full, allow_empty)


# -- scrapy crawl audit -------------------------------------------------------
@dataclass
class AuditArgs:
    models_dir: Path | None      # None: the catalog comes from MOT's API
    report: Path | None
    allow_empty_catalog: bool = False  # an empty catalog (API or folder) is not a failure


def parse_audit_args(kwargs: dict[str, Any]) -> AuditArgs:
    """``models_dir`` (else MOT_MODELS_DIR, ../models, MOT's API) and ``report``, as for
    ``missing``."""
    check_known(kwargs, AUDIT_KEYS)
    return AuditArgs(_catalog_dir(kwargs), _report_path(kwargs.get("report"), kwargs),
                     parse_bool("allow_empty_catalog", kwargs.get("allow_empty_catalog")))
