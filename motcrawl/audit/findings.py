"""The eight finding kinds, computed from catalog entries and the Hub's answers.

Catalog-only kinds (no request): ``not_a_model_url``, ``duplicate_url``,
``url_names_other_model``. Hub kinds, from one info answer (``expand[]``) and the
card: ``not_on_hub``, ``renamed``, ``gated``, ``license_drift``,
``component_evidence``. An entry whose URL names another model gets no
``license_drift`` or ``component_evidence``: that would be evidence about the
wrong repository.

Every finding carries a suggestion (one line) and, where the change is
mechanical, the edited file text; ``diff`` is the unified diff against the
catalog file. Nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from motcrawl.analysis.detect import INCLUDE_THRESHOLD, detect_components
from motcrawl.analysis.evidence import build_evidence
from motcrawl.analysis.licenses import detect_license
from motcrawl.audit import edits
from motcrawl.audit.entries import Entry, is_canonical
from motcrawl.audit.licenses import differs, entry_license
from motcrawl.audit.names import NameCheck, check_names
from motcrawl.mof.framework import BY_NAME
from motcrawl.web.hf import HubAnswerError

KINDS: tuple[str, ...] = (
    "not_on_hub", "renamed", "gated", "not_a_model_url", "duplicate_url",
    "url_names_other_model", "license_drift", "component_evidence",
)
HF_URL = "https://huggingface.co/"


@dataclass
class Finding:
    catalog_file: str
    model_id: str
    kind: str
    detail: str
    evidence: list[str] = field(default_factory=list)
    suggestion: str = ""
    diff: str = ""                    # unified diff of the suggested edit ('' when none)
    downloads: int | None = None
    guess: str = ""                   # a guessed right id the Hub has yet to confirm

    def feed(self) -> dict[str, Any]:
        """The feed item's columns."""
        return {"catalog_file": self.catalog_file, "model_id": self.model_id, "kind": self.kind,
                "detail": self.detail, "evidence": self.evidence,
                "suggestion": self.suggestion}


@dataclass
class HubAnswer:
    """What the Hub said about one entry's repository (``motcrawl.spiders.audit`` fills it)."""

    requested_id: str
    status: int                       # of the info request (after redirects)
    error_code: str = ""              # X-Error-Code
    redirected_to: str | None = None  # the id a redirect led to
    info: dict[str, Any] | None = None
    card_text: str | None = None
    card_status: str = "missing"      # ok | missing | gated | error
    card_error: str = ""              # status and X-Error-Code of a failed card request

    @property
    def final_id(self) -> str | None:
        if self.info and isinstance(self.info.get("id"), str):
            return self.info["id"]
        return self.redirected_to

    @property
    def downloads(self) -> int | None:
        value = (self.info or {}).get("downloads")
        return value if isinstance(value, int) else None


def _edit(entry: Entry, change: Any) -> str:
    """The diff of ``change(text)``; '' when the file's shape does not allow it."""
    if not entry.text:
        return ""
    try:
        after = change(entry.text) if change is not None else None
    except edits.EditError:
        return ""
    return edits.unified_diff(entry.text, after, entry.catalog_file)


def _set_url(entry: Entry, url: str) -> str:
    return _edit(entry, lambda text: edits.set_release_value(text, "huggingface", url))


# -- catalog-only kinds ---------------------------------------------------------
def name_check(entry: Entry) -> NameCheck:
    if not entry.model_id:
        return NameCheck()
    release = entry.release
    return check_names(entry.stem, str(release.get("name") or ""),
                       str(release.get("version") or ""), entry.model_id)


def not_a_model_url(entry: Entry) -> Finding | None:
    value = entry.hf_value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # no Hub URL at all: nothing to audit
    if entry.model_id and is_canonical(entry):
        return None
    if entry.model_id:
        url = entry.canonical_url or ""
        reason = {"page_title": "a URL with the page title pasted after it"}.get(
            entry.problem_kind, "a bare id" if "huggingface" not in str(value).lower()
            else "a URL of a page inside the repository")
        return Finding(entry.catalog_file, entry.model_id, "not_a_model_url",
                       f"release.huggingface is {reason}, not the model URL",
                       [f"release.huggingface: {value!r}"], f"write the plain URL {url}",
                       _set_url(entry, url))
    return Finding(entry.catalog_file, "", "not_a_model_url",
                   entry.problem or "release.huggingface is not a model URL",
                   [f"release.huggingface: {value!r}"],
                   "replace it with the model's own repository URL (a collection or paper "
                   "link belongs in the components), or empty it", _set_url(entry, ""))


def url_names_other_model(entry: Entry, check: NameCheck) -> Finding | None:
    if not check or not entry.model_id:
        return None
    if check.suggested_id:
        url = HF_URL + check.suggested_id
        suggestion = f"point it at the model the file describes, probably {url} (check it)"
    else:
        url = ""
        suggestion = ("point it at the model the file describes; until then empty it "
                      "(a wrong repository misattributes licenses and components)")
    return Finding(entry.catalog_file, entry.model_id, "url_names_other_model",
                   "; ".join(check.problems),
                   [f"file: {entry.catalog_file}", f"release.name: {entry.release.get('name')!r}",
                    f"release.version: {entry.release.get('version')!r}",
                    f"release.huggingface: {entry.hf_value!r}"],
                   suggestion, _set_url(entry, url), guess=check.suggested_id or "")


def settle_guess(finding: Finding, entry: Entry, exists: bool | None) -> None:
    """What the Hub said about a finding's guessed id: there (the suggestion stands,
    confirmed), not there (the edit empties the URL instead), or unknown (unchanged)."""
    guess, finding.guess = finding.guess, ""
    if not guess or exists is None:
        return
    url = HF_URL + guess
    if exists:
        finding.suggestion = f"point it at the model the file describes: {url} (on the Hub)"
        finding.evidence.append(f"GET /api/models/{guess}: 200")
        return
    finding.suggestion = (f"point it at the model the file describes ({guess}, the id with "
                          "the entry's size, is not on the Hub); until then empty it")
    finding.evidence.append(f"GET /api/models/{guess}: not found")
    finding.diff = _set_url(entry, "")


def _keeper(group: list[Entry], checks: dict[str, NameCheck]) -> Entry:
    """The file of a duplicate group that the repository belongs to: its name agrees
    with the id, and is closest to the repository's name."""
    def rank(entry: Entry) -> tuple[int, int, int, str]:
        repo = (entry.model_id or "").split("/")[-1].lower()
        stem = (entry.stem or str(entry.release.get("name") or "")).lower()
        return (len(checks[entry.catalog_file].problems), 0 if stem == repo else 1,
                abs(len(stem) - len(repo)), entry.catalog_file)
    return min(group, key=rank)


def duplicate_urls(entries: list[Entry], checks: dict[str, NameCheck]) -> list[Finding]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.model_id:
            groups.setdefault(entry.model_id.lower(), []).append(entry)
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue
        keeper: Entry | None = _keeper(group, checks)
        if keeper is not None and checks[keeper.catalog_file]:
            keeper = None  # every file's name contradicts the id: it belongs to none
        owner = keeper.catalog_file if keeper else "none of them (each name contradicts it)"
        files = ", ".join(e.catalog_file for e in group)
        for entry in group:
            if entry is keeper:
                continue
            check = checks[entry.catalog_file]
            guess = ""
            if check:
                other = url_names_other_model(entry, check)
                suggestion, diff, guess = (other.suggestion, other.diff, other.guess) \
                    if other else ("", "", "")
            else:
                suggestion = (f"remove this file: {owner} describes the same "
                              "model (or point this one at its own repository)")
                diff = _edit(entry, None)
            found.append(Finding(
                entry.catalog_file, entry.model_id or "", "duplicate_url",
                f"{len(group)} files name {entry.model_id}: {files}; it belongs to {owner}",
                [f"{e.catalog_file}: {e.hf_value!r}" for e in group],
                suggestion, diff, guess=guess))
    return found


def catalog_findings(entries: Iterable[Entry]) -> tuple[list[Finding], set[str]]:
    """The catalog-only findings, and the files whose URL names another model."""
    entries = list(entries)
    checks = {e.catalog_file: name_check(e) for e in entries}
    found: list[Finding] = []
    for entry in entries:
        finding = not_a_model_url(entry)
        if finding:
            found.append(finding)
        finding = url_names_other_model(entry, checks[entry.catalog_file])
        if finding:
            found.append(finding)
    duplicates = duplicate_urls(entries, checks)
    found += duplicates
    wrong = {f.catalog_file for f in found if f.kind == "url_names_other_model"}
    wrong |= {f.catalog_file for f in duplicates}
    return found, wrong


# -- Hub kinds --------------------------------------------------------------------
def not_on_hub(entry: Entry, answer: HubAnswer) -> Finding | None:
    missing = answer.status == 404 or (answer.status == 401 and
                                       answer.error_code == "RepoNotFound")
    if not missing:
        return None
    code = f" {answer.error_code}" if answer.error_code else ""
    return Finding(entry.catalog_file, answer.requested_id, "not_on_hub",
                   f"{answer.requested_id} is not on the Hub (deleted, or never there)",
                   [f"GET /api/models/{answer.requested_id}: {answer.status}{code}"],
                   "find where the model moved (the producer's organization) or empty "
                   "release.huggingface", _set_url(entry, ""))


def renamed(entry: Entry, answer: HubAnswer) -> Finding | None:
    new = answer.final_id
    if not new or new == answer.requested_id:
        return None
    how = "redirects to" if answer.redirected_to else "answers as"
    case_only = " (letter case only)" if new.lower() == answer.requested_id.lower() else ""
    url = HF_URL + new
    return Finding(entry.catalog_file, answer.requested_id, "renamed",
                   f"the Hub {how} {new}{case_only}",
                   [f"GET /api/models/{answer.requested_id}: {how} {new}"],
                   f"write the current URL {url}", _set_url(entry, url), answer.downloads)


def gated(entry: Entry, answer: HubAnswer) -> Finding | None:
    value = (answer.info or {}).get("gated")
    if not value and answer.card_status != "gated":
        return None
    evidence = []
    if value:
        evidence.append(f"info: gated: {value!r}")
    if answer.card_status == "gated":
        evidence.append(f"README.md: {answer.card_error or 'refused'}")
    how = {"auto": "accepting the producer's terms (approved automatically)",
           "manual": "the producer's approval of each request"}.get(
        str(value), "logging in and accepting the producer's terms")
    return Finding(entry.catalog_file, answer.final_id or answer.requested_id, "gated",
                   f"downloads need {how}",
                   evidence,
                   "no file change needed; make sure the license named for 'Model parameters "
                   "(Final)' is the one people accept to download them",
                   "", answer.downloads)


def _evidence(answer: HubAnswer, endpoint: str) -> Any:
    if not answer.info:
        return None
    try:
        return build_evidence(answer.final_id or answer.requested_id, answer.info,
                              answer.card_text, answer.card_status, endpoint=endpoint)
    except (HubAnswerError, TypeError, ValueError, KeyError):
        return None


def license_drift(entry: Entry, answer: HubAnswer, ev: Any) -> Finding | None:
    if ev is None:
        return None
    stated, where = entry_license(entry.release)
    hub = detect_license(ev.card_data, ev.tags, ev.files)
    if stated is None or not hub.known or not differs(stated, hub.name):
        return None
    return Finding(entry.catalog_file, ev.model_id, "license_drift",
                   f"the entry says {stated}, the Hub says {hub.name}",
                   [f"entry ({where}): {stated}", f"Hub ({hub.source}): {hub.name}"],
                   f"check the Hub's license and set release.license.distribution to {hub.name}"
                   " if it applies", _edit(entry, lambda t: edits.set_distribution_license(
                       t, hub.name)), answer.downloads)


def component_evidence(entry: Entry, answer: HubAnswer, ev: Any) -> Finding | None:
    if ev is None:
        return None
    listed = {c.get("name") for c in entry.release.get("components") or []
              if isinstance(c, dict)}
    new = [d for d in detect_components(ev)
           if d.confidence >= INCLUDE_THRESHOLD and d.name not in listed]
    if not new:
        return None
    names = ", ".join(d.name for d in new)
    return Finding(entry.catalog_file, ev.model_id, "component_evidence",
                   f"the Hub shows {len(new)} component(s) the entry lacks: {names}",
                   [f"{d.name} ({d.confidence:.2f}): {'; '.join(d.evidence)}" for d in new],
                   f"add {names} after checking the evidence",
                   _edit(entry, lambda t: edits.add_components(
                       t, [(d.name, BY_NAME[d.name].description) for d in new])),
                   answer.downloads)


def hub_findings(entry: Entry, answer: HubAnswer, *, names_other_model: bool = False,
                 endpoint: str = "https://huggingface.co") -> list[Finding]:
    """The Hub kinds for one entry; ``names_other_model``: skip the content kinds."""
    missing = not_on_hub(entry, answer)
    if missing:
        return [missing]
    found = [f for f in (renamed(entry, answer), gated(entry, answer)) if f]
    if not names_other_model and answer.info:
        ev = _evidence(answer, endpoint)
        found += [f for f in (license_drift(entry, answer, ev),
                              component_evidence(entry, answer, ev)) if f]
    return found
