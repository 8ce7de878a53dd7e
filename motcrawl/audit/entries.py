"""Catalog entries as the audit needs them: the file's text (for diffs), its document,
and the Hub id it names (``motcrawl.mof.catalog`` keeps only the ids).

From a MOT checkout's ``models/`` folder, or from MOT's API (then there is no file:
the entry's text is its YAML rendering, and ``catalog_file`` is the API URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from motcrawl.mof.catalog import (
    MAX_FILE_BYTES,
    CatalogFileError,
    catalog_model_id,
    load_catalog_yaml,
)
from motcrawl.outputs.yamlfile import dump_yaml

HF_URL = "https://huggingface.co/"


@dataclass
class Entry:
    """One catalog entry. ``problem`` says why it cannot be audited on the Hub."""

    catalog_file: str                 # file name (or MOT API URL)
    text: str                         # the file's text, or its YAML rendering (API)
    document: dict[str, Any]
    hf_value: Any = None              # release.huggingface as written
    model_id: str | None = None       # the Hub id it names, when it names one
    problem: str = ""                 # not_a_model_url / unreadable / ... detail
    problem_kind: str = ""            # catalog warning kind (motcrawl.mof.catalog)

    @property
    def release(self) -> dict[str, Any]:
        release = self.document.get("release")
        return release if isinstance(release, dict) else {}

    @property
    def stem(self) -> str:
        """The file's own name without ``.yml`` ('' for an API entry)."""
        if "://" in self.catalog_file:
            return ""
        return re.sub(r"\.ya?ml$", "", self.catalog_file, flags=re.I)

    @property
    def canonical_url(self) -> str | None:
        return f"{HF_URL}{self.model_id}" if self.model_id else None


def entry_from(catalog_file: str, text: str, data: Any) -> Entry:
    document = data if isinstance(data, dict) else {}
    release = document.get("release")
    if not isinstance(release, dict):
        return Entry(catalog_file, text, document, problem="no release mapping",
                     problem_kind="not_a_model_file")
    value = release.get("huggingface")
    model_id, warning = catalog_model_id(value)
    entry = Entry(catalog_file, text, document, value, model_id)
    if warning is not None:
        entry.problem, entry.problem_kind = warning.detail, warning.kind
    return entry


def read_dir(folder: Path | str) -> Iterator[Entry]:
    """Every ``*.yml``/``*.yaml`` file of a folder, sorted; bad files come with a problem."""
    for path in sorted(p for p in Path(folder).iterdir()
                       if p.suffix.lower() in (".yml", ".yaml") and p.is_file()):
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                yield Entry(path.name, "", {}, problem=f"{size:,} bytes, more than "
                            f"{MAX_FILE_BYTES:,}: not read", problem_kind="too_large")
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield Entry(path.name, "", {}, problem=f"unreadable: {type(exc).__name__}",
                        problem_kind="unreadable")
            continue
        try:
            # Bounded like the missing spider's catalog: an alias bomb is refused before
            # anything walks it (str() of a name, a diff).
            data = load_catalog_yaml(text)
        except CatalogFileError as exc:
            yield Entry(path.name, "", {}, problem=f"{exc}: not read", problem_kind=exc.kind)
            continue
        except yaml.YAMLError:
            yield Entry(path.name, text, {}, problem="invalid YAML", problem_kind="invalid_yaml")
            continue
        yield entry_from(path.name, text, data)


def from_api(models: Iterable[dict[str, Any]], api_url: str) -> Iterator[Entry]:
    """Entries from MOT API models (no files: the text is the model rendered as YAML)."""
    for model in models:
        source = f"{api_url.rstrip('/')}/model/{model.get('id', '?')}"
        document = {k: v for k, v in model.items() if k in ("framework", "release")}
        yield entry_from(source, dump_yaml(document), document)


def is_canonical(entry: Entry) -> bool:
    """The value is exactly ``https://huggingface.co/<id>`` (no page title, file, bare id)."""
    return isinstance(entry.hf_value, str) and entry.model_id is not None and \
        entry.hf_value.strip().rstrip("/") == entry.canonical_url
