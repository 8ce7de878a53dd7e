"""Promote a reviewed draft into MOT's catalog: checks, file name, atomic write.

Plain functions, no Scrapy (``motcrawl.commands.promote`` is the command). A draft
is the file ``scrapy crawl model`` writes: a comment header that starts with
``HEADER_MARK`` (the reviewer's notes, never meant for MOT), then the MOT document.
Promotion strips the header, checks the document against MOT's schema, refuses a
model the catalog already has and a file name that is taken, and refuses a draft
whose review checklist still lists a required release field, unless forced.

Outcomes are exceptions with the exit code the command uses: ``BadInput`` (2: not
a draft, invalid YAML, missing folder) and ``Refused`` (1: the draft is readable
but may not enter the catalog as it is).
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from motcrawl.mof.catalog import Catalog, catalog_model_id, load_dir
from motcrawl.mof.schema import stringify_dates, validate_document
from motcrawl.outputs.yamlfile import HEADER_MARK, atomic_write

CHECKLIST_TITLE = "review checklist"
# A checklist entry a reviewer has dealt with: ticked as in Markdown task lists.
_TICKED_RE = re.compile(r"^\[[xX✓]\]\s*")
_FIELD_ENTRY_RE = re.compile(r"^release\.(\w+)\s*:")
# Characters MOT's file names never hold (path separators, controls, shell and
# Windows trouble); spaces, '+', '(' and ')' occur in MOT's own names and stay.
_UNSAFE_NAME_RE = re.compile(r"[^\w .+()\-]+", re.ASCII)


class PromoteError(Exception):
    """One line for the user; ``exit_code`` for the command."""

    exit_code = 1


class BadInput(PromoteError):
    exit_code = 2


class Refused(PromoteError):
    exit_code = 1


@dataclass
class Draft:
    path: Path
    header: list[str]                 # comment lines, without the leading '# '
    body: str                         # the YAML document, as the reviewer left it
    document: dict[str, Any]
    checklist: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.document["release"].get("name") or "").strip()

    @property
    def model_id(self) -> str | None:
        return catalog_model_id(self.document["release"].get("huggingface"))[0]


def split_draft(text: str) -> tuple[list[str], str]:
    """The header's comment lines and the rest; BadInput when it is not a motcrawl draft."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != HEADER_MARK:
        raise BadInput(f"not a motcrawl draft (the first line is not {HEADER_MARK!r})")
    end = 1
    while end < len(lines) and lines[end].startswith("#"):
        end += 1
    header = [line.rstrip("\r\n")[1:].removeprefix(" ") for line in lines[1:end]]
    return header, "".join(lines[end:]).lstrip("\r\n")


def checklist_entries(header: list[str]) -> list[str]:
    """The review checklist's entries (``- text``), in order."""
    entries: list[str] = []
    inside = False
    for line in header:
        if not line.startswith(" "):
            inside = line.lower().startswith(CHECKLIST_TITLE)
            continue
        text = line.strip()
        if inside and text.startswith("- "):
            entries.append(text[2:].strip())
    return entries


def unresolved_required(entries: list[str], required: list[str]) -> list[str]:
    """Checklist entries on a required release field that nobody ticked (``- [x] ...``)."""
    open_fields = []
    for entry in entries:
        if _TICKED_RE.match(entry):
            continue
        match = _FIELD_ENTRY_RE.match(entry)
        if match and match.group(1) in required:
            open_fields.append(entry)
    return open_fields


def required_release_fields(schema: dict[str, Any]) -> list[str]:
    """What the schema requires of ``release`` (MOT's: name, license, producer, components)."""
    release = schema.get("properties", {}).get("release", {})
    required = release.get("required") if isinstance(release, dict) else None
    return [str(r) for r in required] if isinstance(required, list) else []


def read_draft(path: Path) -> Draft:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput("no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read: {type(exc).__name__}") from None
    header, body = split_draft(text)
    try:
        document = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1 + len(header) + 1}" if mark is not None else ""
        raise BadInput(f"invalid YAML{where}") from None
    if not isinstance(document, dict) or not isinstance(document.get("release"), dict):
        raise BadInput("not a MOT model document (no release mapping)")
    return Draft(path, header, body, stringify_dates(document), checklist_entries(header))


def mot_file_name(name: str) -> str:
    """MOT's naming: the release name, ``.yml``; unsafe characters become '-'.

    MOT names its files after ``release.name`` (``Pile-T5 XXL.yml``, ``CodeT5+-16B.yml``,
    ``RWKV-v4-(Raven).yml``); accents are dropped and other letters become the
    first letter of their name (``PanGu-α`` has ``PanGu-a.yml`` in MOT); anything
    else outside ASCII becomes '-', never a separator.
    """
    ascii_name = "".join(_ascii(c) for c in unicodedata.normalize("NFKD", name))
    stem = _UNSAFE_NAME_RE.sub("-", ascii_name)
    stem = re.sub(r"-{2,}", "-", re.sub(r"\.{2,}", ".", stem)).strip(" .-")
    if not stem:
        raise Refused(f"release.name {name!r} gives no usable file name")
    return f"{stem}.yml"


def _ascii(char: str) -> str:
    if char.isascii():
        return char
    if unicodedata.combining(char):
        return ""
    words = unicodedata.name(char, "").split()
    if "LETTER" in words and words.index("LETTER") + 1 < len(words):
        first = words[words.index("LETTER") + 1][0]
        return first.lower() if "SMALL" in words else first
    return "-"


def check(draft: Draft, catalog: Catalog, folder: Path, schema: dict[str, Any], *,
          force: bool = False) -> Path:
    """The path the draft would take in the catalog, or Refused with the reason."""
    problems = validate_document(draft.document, schema)
    if problems:
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Refused(f"fails MOT's schema: {problems[0]}{extra}")
    model_id = draft.model_id
    if model_id is not None:
        known = catalog.match(model_id)
        if known:
            raise Refused(f"the catalog already has {model_id} ({known})")
    target = folder / mot_file_name(draft.name)
    if target.exists() or _exists_case_insensitive(target):
        raise Refused(f"{target.name} already exists in {folder}")
    if not force:
        open_fields = unresolved_required(draft.checklist, required_release_fields(schema))
        if open_fields:
            raise Refused("review checklist has unresolved required fields: "
                          + "; ".join(open_fields)
                          + " (tick them as '- [x] ...' once checked, or use --force)")
    return target


def _exists_case_insensitive(target: Path) -> bool:
    """macOS and Windows checkouts of MOT fold case: ``model-2b.yml`` vs ``Model-2B.yml``."""
    lower = target.name.lower()
    return any(p.name.lower() == lower for p in target.parent.iterdir())


def catalog_folder(value: str | None) -> Path:
    if not value:
        raise BadInput("give the catalog folder: --to PATH (a MOT checkout's models/)")
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise BadInput(f"catalog folder {folder} does not exist")
    return folder


def promote(draft: Draft, catalog: Catalog, folder: Path, schema: dict[str, Any], *,
            force: bool = False) -> Path:
    """Check, then write the document without its header; the catalog learns the model."""
    target = check(draft, catalog, folder, schema, force=force)
    if not atomic_write(target, draft.body, replace=False):
        raise Refused(f"{target.name} already exists in {folder}")
    catalog.add(target.name, draft.document)
    return target


def load_catalog(folder: Path) -> Catalog:
    return load_dir(folder)


def git_commands(written: list[Path], folder: Path) -> list[str]:
    """The commands that turn the new files into a pull request on MOT's repository."""
    if not written:
        return []
    repo = next((p for p in (folder, *folder.parents) if (p / ".git").exists()), folder)
    names = [p.stem for p in written]
    branch = "add-" + re.sub(r"[^a-z0-9.]+", "-", names[0].lower()).strip("-.")
    if len(names) > 1:
        branch += f"-and-{len(names) - 1}-more"
    title = f"Add {', '.join(names)}" if len(names) <= 3 else f"Add {len(names)} models"
    paths = " ".join(shlex.quote(str(p.relative_to(repo))) for p in written)
    git = f"git -C {shlex.quote(str(repo))}"
    return [
        f"{git} switch -c {shlex.quote(branch)}",
        f"{git} add -- {paths}",
        f"{git} commit -m {shlex.quote(title)}",
        f"{git} push -u origin {shlex.quote(branch)}",
        "# then open the pull request (gh pr create --fill, or the link git push prints)",
    ]
