"""The entry's license against the Hub's, compared by a key tolerant of spelling.

MOT writes licenses by hand (``Apache 2.0``, ``Meta Llama 3 Community License
Agreement``, ``Gemma Terms of Use``, ``BSD-3``); the Hub by id (``apache-2.0``,
``llama3``, ``gemma``, ``bsd-3-clause``). Both go through
``motcrawl.analysis.licenses.normalize_license`` and then lose the words that do
not tell licenses apart (license, agreement, community, terms of use, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from motcrawl.analysis.licenses import normalize_license

# Values that say nothing about a license: they never count as the entry's license.
_UNINFORMATIVE_RE = re.compile(
    r"^(unlicensed|undisclosed|unknown|none|n/?a|other( license)?|proprietary|"
    r"(component )*not included?.*|component not include.*|license only .*|)$", re.I)
_NOISE_WORDS = re.compile(
    r"\b(the|license|licence|agreement|community|terms|of|use|meta|version|v1|clause|"
    r"model|public)\b")
_SYNONYMS = (
    (r"creative commons attribution", "cc by"), (r"non ?commercial", "nc"),
    (r"share ?alike", "sa"), (r"no ?derivatives", "nd"),
)
WEIGHTS = "Model parameters (Final)"


def informative(value: Any) -> bool:
    return isinstance(value, str) and not _UNINFORMATIVE_RE.match(value.strip())


def license_key(value: str) -> str:
    """A comparison key: ``Apache 2.0`` and ``apache-2.0`` -> ``apache20``."""
    text = (normalize_license(value) or value).lower()
    for pattern, short in _SYNONYMS:
        text = re.sub(pattern, short, text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _NOISE_WORDS.sub(" ", text)
    return re.sub(r"\s+", "", text)


def entry_license(release: dict[str, Any]) -> tuple[str | None, str]:
    """The license an entry states for the model, and where it was read.

    The distribution license; else the weights' own (``Model parameters (Final)``:
    the Hub's license describes the weights); else the most common component license.
    Uninformative values (unlicensed, undisclosed, "component not included") never count.
    """
    lic = release.get("license")
    dist = lic.get("distribution") if isinstance(lic, dict) else None
    name = dist.get("name") if isinstance(dist, dict) else None
    if informative(name):
        return str(name).strip(), "release.license.distribution"
    components = [c for c in release.get("components") or [] if isinstance(c, dict)]
    for comp in components:
        if comp.get("name") == WEIGHTS and informative(comp.get("license")):
            return str(comp["license"]).strip(), f"component {WEIGHTS!r}"
    counts = Counter(license_key(c["license"]) for c in components
                     if informative(c.get("license")))
    if not counts:
        return None, ""
    best = counts.most_common(1)[0][0]
    first = next(c["license"] for c in components
                 if informative(c.get("license")) and license_key(c["license"]) == best)
    return str(first).strip(), "the most common component license"


def differs(entry_value: str, hub_value: str) -> bool:
    return license_key(entry_value) != license_key(hub_value)
