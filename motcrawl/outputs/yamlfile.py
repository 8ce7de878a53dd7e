"""Writing drafts: a real YAML emitter, safe file names, atomic and no-clobber writes."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Read once (os.umask can only be read by setting it): the mode new files get.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

HEADER_MARK = "# AUTO-GENERATED DRAFT - REQUIRES MANUAL REVIEW"
SOURCE_PREFIX = "# source: "
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}
MAX_STEM = 100


class _DraftDumper(yaml.SafeDumper):
    """SafeDumper that indents lists under their key, as MOT's files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


# YAML 1.1 reads these as line breaks; PyYAML's emitter writes them raw in plain,
# single-quoted and block scalars, where they come back as spaces or newlines.
_YAML_BREAKS = frozenset("\x85\u2028\u2029")


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if _YAML_BREAKS.intersection(value):
        style = '"'  # the only style that escapes them (\N, \L, \P)
    elif "\n" in value and len(value) < 10_000 and not value.endswith(" "):
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_DraftDumper.add_representer(str, _str_representer)


# Everything but the characters YAML allows in a stream, and line breaks (\x85,
# \u2028, \u2029 count as breaks in YAML 1.1): one stray \x80 in a comment makes
# the whole file unreadable, a break would end the comment.
_NOT_IN_COMMENT_RE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]+")


def comment_line(text: str) -> str:
    """One header comment line; newlines and control characters cannot break out of it."""
    flat = _NOT_IN_COMMENT_RE.sub(" ", str(text))
    return ("# " + flat).rstrip()


def dump_yaml(doc: dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=_DraftDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=4096)


def render_draft(doc: dict[str, Any], header: list[str]) -> str:
    lines = [HEADER_MARK] + [comment_line(h) for h in header]
    return "\n".join(lines) + "\n" + dump_yaml(doc)


def safe_file_stem(name: str) -> str:
    """A file name stem from a model name: no separators, no dot-names, no reserved names."""
    stem = re.sub(r"[^\w.+-]+", "-", str(name), flags=re.ASCII).strip("-.")
    stem = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", stem))[:MAX_STEM].strip("-.") or "model"
    first, dot, rest = stem.partition(".")
    if first.lower() in _WINDOWS_RESERVED:
        stem = f"{first}_{dot}{rest}"  # Windows reserves CON.txt as well as CON
    return stem


def draft_owner(path: Path) -> str | None:
    """The model URL a draft file was written for; None when it is not one of our drafts."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            head = [fh.readline() for _ in range(5)]
    except OSError:
        return None
    if not head or head[0].rstrip("\n") != HEADER_MARK:
        return None
    for line in head[1:]:
        if line.startswith(SOURCE_PREFIX):
            return line[len(SOURCE_PREFIX):].strip()
    return None


def atomic_write(path: Path, text: str, *, replace: bool) -> bool:
    """Write via a temporary file in the same folder, fsync, then move into place.

    With ``replace=False`` the final step is a hard link, which fails if the name
    exists: a concurrent writer can never be clobbered. Returns False in that case.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; drafts are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass
class WriteResult:
    path: Path
    status: str  # written | overwritten | exists


class DraftStore:
    """Places drafts in one folder: one file per model, names stable across runs.

    A name belongs to the model that claimed it in an earlier crawl (through the
    ``# source:`` header), else to the first model of this crawl to claim it.
    Another model whose name collides gets ``<name>--<org>``, then
    ``<name>--<org>--<hash>``: distinct, and stable from one crawl to the next.
    A written draft is never moved: the path an item reports is where it stays.
    Files that are not our drafts (a MOT catalog file, say) are never touched,
    even with ``overwrite``.
    """

    def __init__(self, directory: Path, *, overwrite: bool = False) -> None:
        self.directory = directory
        self.overwrite = overwrite
        # file name -> (model url, model id, release name) of the model holding it
        self._claimed: dict[str, tuple[str, str, str]] = {}

    def candidates(self, model_id: str, name: str) -> list[str]:
        stem = safe_file_stem(name)
        org = safe_file_stem(model_id.split("/")[0]) if "/" in model_id else "hf"
        digest = hashlib.sha1(model_id.encode()).hexdigest()[:8]
        return [f"{stem}.yml", f"{stem}--{org}.yml", f"{stem}--{org}--{digest}.yml"]

    def path_for(self, model_id: str, source_url: str, name: str,
                 skip: frozenset[str] = frozenset()) -> Path:
        for file_name in self.candidates(model_id, name):
            if file_name in skip:
                continue
            claim = self._claimed.get(file_name)
            if claim is not None and claim[0] != source_url:
                continue
            path = self.directory / file_name
            if path.exists() and draft_owner(path) != source_url:
                continue
            self._claimed[file_name] = (source_url, model_id, name)
            return path
        raise FileExistsError(f"no free draft file name for {model_id}")

    def write(self, model_id: str, source_url: str, name: str, text: str, *,
              overwrite: bool | None = None) -> WriteResult:
        """``overwrite`` (default: the store's) replaces an earlier draft of this model.

        Another process may write into the same folder (two scrapyd jobs): when the
        name it chose is taken between the check and the link, the file is read
        again; if it holds another model's draft the next candidate name is tried."""
        taken: set[str] = set()
        while True:
            path = self.path_for(model_id, source_url, name, frozenset(taken))
            if path.exists():
                if draft_owner(path) != source_url:
                    # Another process took the name since path_for looked: not ours.
                    taken.add(path.name)
                    self._claimed.pop(path.name, None)
                    continue
                if not (self.overwrite if overwrite is None else overwrite):
                    return WriteResult(path, "exists")
                atomic_write(path, text, replace=True)
                return WriteResult(path, "overwritten")
            if atomic_write(path, text, replace=False):
                return WriteResult(path, "written")
            if draft_owner(path) == source_url:
                return WriteResult(path, "exists")  # the other process drafted this model
            taken.add(path.name)
            self._claimed.pop(path.name, None)
