"""MOF classification of a model file, reproducing the Model Openness Tool's evaluator.

The rules (MOT's README and its ModelEvaluator):

* A listed component counts as *included* for a class when its resolved
  license is open. Resolution: the component's own ``license``; else
  ``release.license.<content type>.name``; else
  ``release.license.distribution.name``; else unlicensed. An own ``license``
  that is set but empty means unlicensed (no inheritance), as in MOT.
* Class k requires the required components of classes 3 down to k.
  Progress for k walks 3, 2, 1 down to k; if a higher class is incomplete,
  progress for k is 0; otherwise it is included / total * 100, capped at 100.
  The class is the highest one whose progress is exactly 100.
* A Research paper stands in for a missing Technical report: it then counts
  in classes 3 and 2, and the Class I total drops by one.

MOT finds the technical report and the research paper with PHP's
``array_search`` used as a boolean, so one found at index 0 of the list it
searches reads as "absent". Those quirks are kept (see ``_php_found``), since
the point is to predict MOT's verdict, not to improve on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from motcrawl.mof.framework import BY_NAME, COMPONENTS, Component
from motcrawl.mof.license_facts import LicenseDB

LABELS: dict[int, str] = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}

TECHNICAL_REPORT = "Technical report"
RESEARCH_PAPER = "Research paper"

Problem = Literal["unlicensed", "not open", "not type-appropriate"]

# MOT's own spelling of "included, but no license" (see its sample_model.yml).
_UNLICENSED = "unlicensed"


@dataclass(frozen=True)
class LicenseIssue:
    component: str
    license: str | None  # the resolved license; None when unlicensed
    problem: Problem

    def line(self) -> str:
        """One line for the draft header and the feed."""
        return f"{self.component}: {self.license or 'no license'} ({self.problem})"


@dataclass(frozen=True)
class Evaluation:
    mof_class: int  # 0 (Unclassified), 3, 2 or 1
    label: str
    progress: dict[int, float]  # percent per class 1, 2, 3, as MOT computes it
    missing_for_next: list[str]  # components still needed for the next class up
    license_issues: list[LicenseIssue] = field(default_factory=list)
    resolved_licenses: dict[str, str | None] = field(default_factory=dict)
    unknown_components: list[str] = field(default_factory=list)  # names MOF does not define


def required(mof_class: int) -> list[Component]:
    """The required components that class ``mof_class`` itself adds, in MOT's order."""
    return [c for c in COMPONENTS if c.mof_class == mof_class and c.required]


def optional(mof_class: int) -> list[Component]:
    return [c for c in COMPONENTS if c.mof_class == mof_class and not c.required]


def resolve_license(component: Mapping[str, Any], release: Mapping[str, Any]) -> str | None:
    """The license that applies to one listed component, None when unlicensed."""
    comp = BY_NAME[component["name"]]
    own = component.get("license")
    if own is not None:
        return _license_value(own)
    licenses = release.get("license")
    if not isinstance(licenses, Mapping):
        return None
    for key in (comp.content_type, "distribution"):
        entry = licenses.get(key)
        if isinstance(entry, Mapping) and not _php_empty(entry.get("name")):
            return _license_value(entry["name"])
    return None


def evaluate(doc: Mapping[str, Any], db: LicenseDB) -> Evaluation:
    """Classify one MOT model document (the parsed YAML) with the licenses in ``db``."""
    release = doc.get("release") if isinstance(doc, Mapping) else None
    release = release if isinstance(release, Mapping) else {}
    listed, unknown = _listed_components(release)

    resolved: dict[str, str | None] = {}
    issues: list[LicenseIssue] = []
    is_included: dict[str, bool] = {}
    for name, entry in listed.items():
        comp = BY_NAME[name]
        lic = resolve_license(entry, release)
        resolved[name] = lic
        is_open = db.is_open(lic)
        is_included[name] = is_open
        if lic is None:
            issues.append(LicenseIssue(name, None, "unlicensed"))
        elif not is_open:
            issues.append(LicenseIssue(name, lic, "not open"))
        elif not db.is_appropriate(lic, comp.content_type):
            issues.append(LicenseIssue(name, lic, "not type-appropriate"))

    included = _included_per_class(is_included)
    progress = {k: _progress(k, included) for k in (1, 2, 3)}
    mof_class = 0
    for k in (3, 2, 1):
        if progress[k] == 100.0:
            mof_class = k
    return Evaluation(
        mof_class=mof_class,
        label=LABELS[mof_class],
        progress=progress,
        missing_for_next=_missing_for(_next_class(mof_class), is_included),
        license_issues=issues,
        resolved_licenses=resolved,
        unknown_components=unknown,
    )


def _listed_components(
    release: Mapping[str, Any],
) -> tuple[dict[str, Mapping[str, Any]], list[str]]:
    """MOF components the release lists (first entry wins), and names MOF does not define."""
    listed: dict[str, Mapping[str, Any]] = {}
    unknown: list[str] = []
    components = release.get("components")
    for entry in components if isinstance(components, list) else []:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("name")
        if isinstance(name, str) and name in BY_NAME:
            listed.setdefault(name, entry)
        else:
            unknown.append(str(name))
    return listed, unknown


def _included_per_class(is_included: Mapping[str, bool]) -> dict[int, list[str]]:
    """For each class, the open required components of it and the classes above, in order.

    Then MOT's stand-in rule: unless the technical report is found among the
    class-3 included components, a listed research paper is added to classes
    3 and 2 (counted as included there only when its license is open).
    """
    included: dict[int, list[str]] = {}
    cumulative: list[str] = []
    for k in (3, 2, 1):
        cumulative += [c.name for c in required(k)]
        included[k] = [n for n in cumulative if is_included.get(n)]
    if not _php_found(TECHNICAL_REPORT, included[3]) and is_included.get(RESEARCH_PAPER):
        included[3].append(RESEARCH_PAPER)
        included[2].append(RESEARCH_PAPER)
    return included


def _progress(mof_class: int, included: Mapping[int, list[str]]) -> float:
    total = 0
    count = 0
    for k in range(3, mof_class - 1, -1):
        total += len(required(k))
        count = len(included[k])
        if count < total:
            if k > mof_class:  # a higher class is not met
                return 0.0
            break
    if (
        mof_class == 1
        and not _php_found(TECHNICAL_REPORT, included[1])
        and _php_found(RESEARCH_PAPER, included[1])
    ):
        total -= 1
    return min(count / total * 100, 100.0)


def _next_class(mof_class: int) -> int | None:
    return {0: 3, 3: 2, 2: 1}.get(mof_class)


def _missing_for(target: int | None, is_included: Mapping[str, bool]) -> list[str]:
    """Required components (down to ``target``) not yet listed with an open license."""
    if target is None:
        return []
    names = [c.name for k in range(3, target - 1, -1) for c in required(k)]
    missing = [n for n in names if not is_included.get(n)]
    if TECHNICAL_REPORT in missing and is_included.get(RESEARCH_PAPER):
        missing.remove(TECHNICAL_REPORT)
    return sorted(missing, key=lambda n: BY_NAME[n].mof_class, reverse=True)


def _php_found(needle: str, haystack: list[str]) -> bool:
    """``array_search($needle, $haystack)`` in a boolean context: index 0 reads as false."""
    return needle in haystack and haystack.index(needle) != 0


def _php_empty(value: Any) -> bool:
    """PHP's ``empty()``: null, "", "0", 0, false and empty arrays are all empty."""
    return value is None or value == "" or value == "0" or value is False or value == 0 or (
        isinstance(value, list | dict) and not value
    )


def _license_value(value: Any) -> str | None:
    """A license id as MOT keeps it; PHP-falsy values and "unlicensed" mean no license."""
    if _php_empty(value):
        return None
    text = str(value)
    return None if text == _UNLICENSED else text
