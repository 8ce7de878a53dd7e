"""License detection: from card metadata, tags and LICENSE files to SPDX ids or stable names.

SPDX normalization is license-expression's job (``apache-2.0`` -> ``Apache-2.0``);
this module owns only what SPDX lacks: the Hub's own license ids and the ids
producers give custom licenses, a table in motcrawl/data/hub_licenses.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from license_expression import ExpressionError, get_spdx_licensing

from motcrawl.analysis.license_words import (
    card_license,
    is_placeholder,
    linked_file_name,
    names_in,
)
from motcrawl.analysis.metadata import str_list, tag_values

UNLICENSED = "unlicensed"

# License ids SPDX lacks or the Hub spells its own way (the Hub's documented license list,
# and ids producers write as license_name), mapped to the stable names MOT maintainers use:
# data, each entry with its source, in motcrawl/data/hub_licenses.json.
HUB_LICENSE_NAMES: dict[str, str] = {
    license_id: entry["name"] for license_id, entry in json.loads(
        resources.files("motcrawl").joinpath("data/hub_licenses.json").read_text("utf-8")
    )["licenses"].items()}

# Ids that say nothing about the license itself.
_PLACEHOLDERS = {"", "other", "unknown", "none", "n/a", "custom", "proprietary?"}


@dataclass
class LicenseFinding:
    """The distribution license of a model, with where it came from."""

    name: str = UNLICENSED
    path: str = ""
    source: str = ""          # "card", "card license_name", "tag", "LICENSE file"
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.name != UNLICENSED


@lru_cache(maxsize=1)
def _licensing():
    return get_spdx_licensing()


def normalize_license(value: Any) -> str | None:
    """An SPDX id or stable name for one license id; None when it names nothing.

    Known SPDX keys come back in canonical case, Hub ids through the table,
    anything else is returned trimmed so a reviewer sees what the producer wrote.
    """
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    key = text.lower()
    if key in _PLACEHOLDERS:
        return None
    if key in HUB_LICENSE_NAMES:
        return HUB_LICENSE_NAMES[key]
    if len(text) > 200:
        text = text[:200].rstrip()  # a cut on a space must not leave it trailing
    try:
        licensing = _licensing()
        if not licensing.validate(text).errors:
            return licensing.parse(text, validate=False).render("{symbol.key}")
    except (ExpressionError, Exception):  # odd input must never escape this module
        pass
    slug = re.sub(r"[\s_]+", "-", key)
    if slug in HUB_LICENSE_NAMES:
        return HUB_LICENSE_NAMES[slug]
    return text


# Recognizable first lines of common license texts, for LICENSE files.
_LICENSE_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I | re.S), name) for p, name in (
        (r"apache license,?\s+version 2\.0", "Apache-2.0"),
        (r"\bMIT License\b|permission is hereby granted, free of charge", "MIT"),
        (r"LLAMA 4 COMMUNITY LICENSE", "Llama 4 Community License Agreement"),
        (r"LLAMA 3\.3 COMMUNITY LICENSE", "Llama 3.3 Community License Agreement"),
        (r"LLAMA 3\.2 COMMUNITY LICENSE", "Llama 3.2 Community License Agreement"),
        (r"LLAMA 3\.1 COMMUNITY LICENSE", "Llama 3.1 Community License Agreement"),
        (r"META LLAMA 3 COMMUNITY LICENSE", "Llama 3 Community License Agreement"),
        (r"LLAMA 2 COMMUNITY LICENSE", "Llama 2 Community License Agreement"),
        (r"Gemma Terms of Use", "Gemma Terms of Use"),
        (r"DEEPSEEK LICENSE AGREEMENT", "DeepSeek License Agreement"),
        (r"Tongyi Qianwen (LICENSE|RESEARCH LICENSE) AGREEMENT",
         "Tongyi Qianwen License Agreement"),
        (r"BigScience RAIL License v1\.0", "BigScience-BLOOM-RAIL-1.0"),
        (r"CreativeML Open RAIL\+\+-M", "OpenRAIL++-M"),
        (r"CreativeML Open RAIL-M", "CreativeML-OpenRAIL-M"),
        (r"GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3", "AGPL-3.0-only"),
        (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3", "LGPL-3.0-only"),
        (r"GNU GENERAL PUBLIC LICENSE\s+Version 3", "GPL-3.0-only"),
        (r"GNU GENERAL PUBLIC LICENSE\s+Version 2", "GPL-2.0-only"),
        (r"Mozilla Public License,?\s+v(?:ersion)?\.? 2\.0", "MPL-2.0"),
        (r"Redistribution and use in source and binary forms.*Neither the name", "BSD-3-Clause"),
        (r"Redistribution and use in source and binary forms", "BSD-2-Clause"),
        (r"Attribution-NonCommercial-ShareAlike 4\.0", "CC-BY-NC-SA-4.0"),
        (r"Attribution-NonCommercial 4\.0", "CC-BY-NC-4.0"),
        (r"Attribution-ShareAlike 4\.0", "CC-BY-SA-4.0"),
        (r"Attribution 4\.0 International", "CC-BY-4.0"),
        (r"CC0 1\.0 Universal", "CC0-1.0"),
        (r"This is free and unencumbered software released into the public domain",
         "Unlicense"),
        (r"OpenMDW", "OpenMDW-1.0"),
    )
)


def identify_license_text(text: str) -> str | None:
    """Name the license a LICENSE file holds, from its opening (first 3,000 characters)."""
    if not isinstance(text, str):
        return None
    head = text[:3000]
    for pattern, name in _LICENSE_TEXT_PATTERNS:
        if pattern.search(head):
            return name
    spdx = re.search(r"SPDX-License-Identifier:\s*(\S+)", head)
    if spdx:
        return normalize_license(spdx.group(1))
    # A short notice naming its license ("Licensed under the Apache License, Version 2.0").
    names = names_in(head[:600])
    return names[0] if names else None


LICENSE_FILE_RE = re.compile(r"^(?:LICEN[CS]E|COPYING)(?:[._-][\w.-]*)?$", re.I)


def license_files(filenames: list[str]) -> list[str]:
    """Top-level LICENSE-like files of a repository: LICENSE* before COPYING*, shortest first."""
    found = [f for f in filenames if "/" not in f and LICENSE_FILE_RE.match(f)]

    def rank(name: str) -> tuple[int, int, str]:
        upper = name.upper()
        # The model's own license first; a code-only license file (DeepSeek's
        # LICENSE-CODE beside LICENSE-MODEL) says nothing about the weights.
        kind = 3 if not upper.startswith("LICEN") else 2 if "CODE" in upper else (
            1 if "MODEL" in upper else 0)
        return (kind, len(name), name)

    return sorted(found, key=rank)


def detect_license(
    card_data: dict[str, Any],
    tags: list[str],
    filenames: list[str],
    *,
    file_url: Any = None,
    license_text: str | None = None,
    card_body: str | None = None,
) -> LicenseFinding:
    """The distribution license of a model.

    Order of trust: the card's ``license`` (``license_name``/``license_link`` when
    it is ``other``), then ``license:`` tags, then a LICENSE file's text, then the
    license the card's prose states (``card_body``). ``license: other`` that nothing
    names becomes the card's words, on the review checklist; ``unlicensed`` only when
    nothing declares a license. ``file_url(filename)`` turns a repository file into a
    link for ``path``.
    """
    files = license_files(filenames)
    path = file_url(files[0]) if (files and file_url) else ""
    finding = LicenseFinding(path=path)

    def resolve(link: str) -> str:
        link = link.strip()
        if not re.match(r"^https?://", link) and file_url:
            return str(file_url(link.lstrip("./")))
        return link

    raw_ids = str_list(card_data.get("license"))
    names = [n for n in (normalize_license(v) for v in raw_ids) if n]
    license_name = card_data.get("license_name")
    license_link = card_data.get("license_link")
    if names:
        finding.name = names[0] if len(names) == 1 else " OR ".join(names)
        finding.source, finding.confidence = "card license", 0.95
        if len(names) > 1:
            finding.notes.append(f"card lists several licenses: {', '.join(raw_ids)}")
            finding.confidence = 0.7
    elif any(str(v).lower() == "other" for v in raw_ids) or license_name or license_link:
        # A license_name of generic words ("license", "model-license", "see-license") names
        # nothing: the license then comes from the file its license_link points at.
        name = None if is_placeholder(license_name) else normalize_license(license_name)
        if name:
            finding.name, finding.source = name, "card license_name"
            finding.confidence = 0.9 if name in HUB_LICENSE_NAMES.values() else 0.7
        elif isinstance(license_name, str) and license_name.strip():
            finding.notes.append(f"license_name {license_name!r} names no license")
        if isinstance(license_link, str) and license_link.strip():
            finding.path = resolve(license_link)
            linked = None if name else linked_file_name(license_link)
            if linked is not None:
                finding.name, finding.source = linked.name, "card license_link file name"
                finding.confidence = 0.85 if linked.known else 0.7
                finding.notes.append(f"license named by the file its license_link points at: "
                                     f"{finding.path}")
    if not finding.known:
        tag_ids = tag_values(tags, "license")
        tag_names = [n for n in (normalize_license(t) for t in tag_ids) if n]
        if tag_names:
            finding.name, finding.source, finding.confidence = tag_names[0], "license tag", 0.85
    if not finding.known and license_text:
        name = identify_license_text(license_text)
        if name:
            finding.name, finding.source, finding.confidence = name, "LICENSE file", 0.75
    said = card_license(card_body) if card_body and not finding.known else None
    if said is not None and said.link and not finding.path:
        finding.path = resolve(said.link)
    if said is not None and said.named and said.link:
        # Named by the file a License label or section links ("Check [LICENSE](…/Tongyi%20
        # Qianwen%20LICENSE%20AGREEMENT)"); a name no table knows is checked by a reviewer.
        finding.name, finding.source = said.name, "card link file name"
        finding.confidence = 0.7 if said.known else 0.6
        finding.notes.append(f"license named by the file the card links: {resolve(said.link)} "
                             f"({said.words!r})")
    elif said is not None and said.named:
        finding.name, finding.source, finding.confidence = said.name, "card text", 0.7
        finding.notes.append(f"license from the card's words: {said.words!r}")
    declared_other = any(str(v).strip().lower() == "other" for v in raw_ids)
    link = license_link if declared_other else None
    if not finding.known and (said is not None or (isinstance(link, str) and link.strip())):
        # The card declares a license nobody could name: its own words, for a reviewer.
        words = said.name if said is not None else resolve(str(link))
        finding.name = " ".join(words.split())[:200]
        finding.source, finding.confidence = "card words (license not identified)", 0.4
        finding.notes.append(f"license: {finding.name!r} is the card's own wording, not an "
                             "identified license: review")
    if not finding.known:
        finding.notes.append("no license found in card, tags or LICENSE file: review")
    return finding
