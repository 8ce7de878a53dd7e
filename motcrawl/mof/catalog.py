"""The MOT catalog as a set of Hugging Face ids, built from model files or MOT's API.

A catalog entry is known to the crawl by its ``release.huggingface`` value,
normalized with ``motcrawl.web.hf.model_id_or_none`` (scheme/host variants, ``www.``,
trailing slash, ``/tree/...``, ``/blob/...``, ``/resolve/...``, query strings)
and compared case-insensitively, as the Hub itself resolves ids.

The real catalog is messy, so nothing here raises on a bad entry: unreadable
files, invalid YAML, files without a ``release`` mapping, empty or non-model
values (paper titles, ``collections/...``, ``papers/...``) and several files
naming the same model all become ``CatalogWarning``s, one per entry.

Decision on page titles: some values are a URL followed by the Hub's page-title
suffix (``https://huggingface.co/org/name · Hugging Face``: a browser's "copy
link with title"). They are not URLs, so ``hf.parse_model_ref`` keeps rejecting
them (a command-line id with such a suffix is a typo). The catalog, though, is
a human's statement that MOT has that model; treating it as absent would draft
a duplicate. So the catalog strips that exact suffix, matches the id, and warns
(``page_title``) so a maintainer fixes the file.

Name similarity (``possible_match``) never makes a model known: it only names a
catalog file a reviewer should look at before adding a re-upload or a
quantization (``someone/Model-7B-hf-GGUF`` of a catalogued ``org/Model-7B-hf``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from motcrawl.web.hf import model_id_or_none

try:  # libyaml is ten times faster on 273 files; the pure-Python loader is the fallback
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# A MOT model file is a few KiB; a catalog file larger than this is not read.
MAX_FILE_BYTES = 1024 * 1024
# Nodes a catalog file may expand to once its aliases are followed: a file of a few
# hundred bytes can alias its way to billions of nodes, which PyYAML builds as shared
# objects but any walk over them (the matching, str()) would expand.
MAX_EXPANDED_NODES = 100_000
# Warning kinds of files refused before use.
REFUSED_FILES = frozenset({"too_large", "too_many_aliases"})


class CatalogFileError(ValueError):
    """A catalog file refused before it is used (too large, too many alias expansions)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes ``root`` stands for with every alias expanded, counting up to ``limit``.

    Aliases make the node graph a DAG whose shared parts count once per use; sizes
    are memoized per node, so the walk is linear in the graph, not in the expansion.
    Raises CatalogFileError beyond ``limit``. Iterative: depth is no concern.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(child), 0) for child in children)
        if total > limit:
            raise CatalogFileError("too_many_aliases",
                                   f"aliases expand to more than {limit:,} nodes")
        sizes[id(node)] = total
    return sizes.get(id(root), 0)


def load_catalog_yaml(text: str, *, limit: int = MAX_EXPANDED_NODES) -> Any:
    """One catalog file's YAML (SafeLoader), refusing alias bombs before building objects."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, limit)
        return loader.construct_document(node)
    except RecursionError:
        raise CatalogFileError("invalid_yaml", "nested too deeply") from None
    finally:
        loader.dispose()


# The Hub's HTML <title> suffix, as pasted by "copy link with title".
_PAGE_TITLE_RE = re.compile(r"\s*·\s*Hugging\s*Face\s*$", re.I)

# Trailing name tokens that mark a re-upload, conversion or quantization of a model.
_NOISE_TOKENS = frozenset({
    "gguf", "ggml", "gptq", "awq", "exl2", "exl3", "mlx", "onnx", "hf", "fp16", "bf16", "fp8",
    "fp32", "int4", "int8", "quantized", "quant", "imatrix", "i1", "hqq", "bnb", "nf4", "mlc",
    "openvino", "ov", "safetensors", "unsloth", "dynamic", "sharded", "converted", "ct2",
    "llamafile", "4bit", "8bit", "3bit", "2bit", "6bit", "5bit",
})
_QUANT_TOKEN_RE = re.compile(r"^(q\d\w*|iq\d\w*|w\d+a\d+\w*|\d+(\.\d+)?bpw|\d+bits?)$")
_MIN_STEM = 4


@dataclass(frozen=True)
class CatalogWarning:
    """One problem with one catalog entry, for the report (``kind`` groups them)."""

    kind: str     # unreadable | invalid_yaml | not_a_model_file | no_hf_link |
    #               not_a_model_url | page_title | duplicate
    source: str   # the catalog file (or MOT API URL) it concerns
    detail: str = ""

    def line(self) -> str:
        return f"{self.source}: {self.detail}" if self.detail else self.source


def name_stem(name: str) -> str:
    """A model name reduced for similarity: lower case, no separators, no re-upload suffixes."""
    tokens = [t for t in re.split(r"[-.\s/]+", str(name).lower()) if t]
    while tokens and (tokens[-1] in _NOISE_TOKENS or _QUANT_TOKEN_RE.match(tokens[-1])):
        tokens.pop()
    stem = re.sub(r"[^a-z0-9]+", "", "".join(tokens))
    return stem if len(stem) >= _MIN_STEM and re.search(r"[a-z]", stem) else ""


def catalog_model_id(value: Any) -> tuple[str | None, CatalogWarning | None]:
    """The HF model id a ``release.huggingface`` value names, and what is wrong with it.

    Returns ``(id, None)`` for a clean value, ``(id, warning)`` for a page title
    that still names a model, ``(None, warning)`` for everything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, CatalogWarning("no_hf_link", "", "no release.huggingface")
    if not isinstance(value, str):
        return None, CatalogWarning("not_a_model_url", "",
                                    f"release.huggingface is a {type(value).__name__}")
    model_id = model_id_or_none(value)
    if model_id is not None:
        return model_id, None
    stripped = _PAGE_TITLE_RE.sub("", value)
    if stripped != value:
        model_id = model_id_or_none(stripped)
        if model_id is not None:
            return model_id, CatalogWarning(
                "page_title", "", f"release.huggingface {value!r} is a page title; "
                f"matched as {model_id} (write the plain URL)")
    return None, CatalogWarning("not_a_model_url", "",
                                f"release.huggingface is not a model URL: {value!r}")


@dataclass
class Catalog:
    """HF id -> catalog file, plus the warnings met while building it."""

    source: str = ""
    entries: int = 0
    warnings: list[CatalogWarning] = field(default_factory=list)
    _files: dict[str, list[str]] = field(default_factory=dict)      # lower id -> files
    _similar: dict[str, str] = field(default_factory=dict)          # name stem -> file
    _finished: bool = False

    # -- building ------------------------------------------------------------
    def add(self, source: str, data: Any) -> None:
        """One parsed catalog entry (a model file's mapping or an API model)."""
        self.entries += 1
        release = data.get("release") if isinstance(data, dict) else None
        if not isinstance(release, dict):
            self.warnings.append(CatalogWarning("not_a_model_file", source,
                                                "no release mapping"))
            return
        model_id, problem = catalog_model_id(release.get("huggingface"))
        if problem is not None:
            self.warnings.append(CatalogWarning(problem.kind, source, problem.detail))
        if model_id is not None:
            self._files.setdefault(model_id.lower(), []).append(source)
        names = [release.get("name"), release.get("origin"),
                 f"{release.get('name') or ''} {release.get('version') or ''}"]
        if model_id:
            names.append(model_id.split("/")[-1])
        for name in names:
            stem = name_stem(name) if isinstance(name, str) else ""
            if stem:
                self._similar.setdefault(stem, source)

    def add_problem(self, kind: str, source: str, detail: str) -> None:
        self.entries += 1
        self.warnings.append(CatalogWarning(kind, source, detail))

    def finish(self) -> Catalog:
        """Add the duplicate warnings; call once all entries are in."""
        if not self._finished:
            for key, files in sorted(self._files.items()):
                if len(files) > 1:
                    self.warnings.append(CatalogWarning(
                        "duplicate", files[0],
                        f"{len(files)} catalog entries name {key}: {', '.join(files)}"))
            self._finished = True
        return self

    # -- reading -------------------------------------------------------------
    @property
    def model_count(self) -> int:
        """Distinct HF models the catalog names."""
        return len(self._files)

    def __contains__(self, model_id: object) -> bool:
        return isinstance(model_id, str) and model_id.lower() in self._files

    def match(self, model_id: str) -> str | None:
        """The (first) catalog file for an HF id, case-insensitively; None when MOT lacks it."""
        files = self._files.get(model_id.lower())
        return files[0] if files else None

    def possible_match(self, model_id: str, base_models: Iterable[str] = ()) -> str | None:
        """A catalog file a missing model may duplicate: its base model, or a similar name."""
        for base in base_models:
            found = self.match(base) if isinstance(base, str) else None
            if found:
                return found
        stem = name_stem(model_id.split("/")[-1])
        return self._similar.get(stem) if stem else None


def _model_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.iterdir()
                      if p.suffix.lower() in (".yml", ".yaml") and p.is_file())


def load_dir(directory: Path | str) -> Catalog:
    """A MOT checkout's ``models/`` folder; a bad file is a warning, never an exception."""
    folder = Path(directory)
    catalog = Catalog(source=str(folder))
    for path in _model_files(folder):
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                catalog.add_problem("too_large", path.name,
                                    f"{size:,} bytes, more than {MAX_FILE_BYTES:,}: not read")
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            catalog.add_problem("unreadable", path.name, f"unreadable: {type(exc).__name__}")
            continue
        try:
            data = load_catalog_yaml(text)
        except CatalogFileError as exc:
            catalog.add_problem(exc.kind, path.name, f"{exc}: not read")
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            catalog.add_problem("invalid_yaml", path.name, f"invalid YAML{where}")
            continue
        catalog.add(path.name, data)
    return catalog.finish()


# Models per page of MOT's API (``GET {MOT_API_URL}/models?page=N&limit=...``).
MOT_PAGE_SIZE = 100


def api_page_url(api: str, page: int) -> str:
    return f"{api.rstrip('/')}/models?{urlencode({'page': page, 'limit': MOT_PAGE_SIZE})}"


def next_api_pages(page: int, total_pages: int | None, count: int) -> list[int]:
    """The catalog pages to ask for after ``page`` (which held ``count`` models): after
    page 1, every other page when the pager says how many (side by side); without a
    pager, the next page while pages come full."""
    if page == 1 and total_pages is not None:
        return list(range(2, total_pages + 1))
    if total_pages is None and count >= MOT_PAGE_SIZE:
        return [page + 1]
    return []


def api_models(payload: Any) -> tuple[list[dict[str, Any]], int | None]:
    """The models of one MOT API page and the total page count (None when not given).

    Raises ValueError when the answer does not have the API's shape.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("models"), list):
        raise ValueError("not a MOT API page (no models list)")
    pager = payload.get("pager")
    total = pager.get("total_pages") if isinstance(pager, dict) else None
    return ([m for m in payload["models"] if isinstance(m, dict)],
            total if isinstance(total, int) and total >= 0 else None)


def api_entry_name(model: Any) -> str:
    """How the report names an API catalog entry: its model name and MOT id, never a URL
    (98 of 118 warnings of a real run were a wall of ``.../api/v1/model/N``)."""
    release = model.get("release") if isinstance(model, dict) else None
    name = release.get("name") if isinstance(release, dict) else None
    ident = model.get("id", "?") if isinstance(model, dict) else "?"
    if isinstance(name, str) and name.strip():
        return f"{' '.join(name.split())[:80]} (MOT id {ident})"
    return f"MOT id {ident}"


def add_api_models(catalog: Catalog, models: Iterable[dict[str, Any]], api_url: str) -> int:
    """Add one page of MOT's API; ``api_url`` is the catalog's source, not an entry's name."""
    count = 0
    for model in models:
        catalog.add(api_entry_name(model), model)
        count += 1
    return count
