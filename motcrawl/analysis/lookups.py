"""Evidence from outside the model repository: the lookups one model needs, in order.

Plain objects, no Scrapy; the spider (``motcrawl.spiders.lookup_requests``) only routes:

- :class:`OnceCache` - per crawl, each repository or dataset is looked up once;
  models asking while the first lookup is in flight wait for its answer.
- :class:`GitHubBudget` - what ``X-RateLimit-Remaining`` says is left; once it
  is spent, repositories are verified with a HEAD on github.com instead.
- :class:`ExternalPlan` - per model: which datasets and repositories to look
  up next, and the ``github`` / ``datasets`` evidence once they are answered.
- :class:`Lookups` - the spider's one lookups object: the caches, the budget, and
  each waiting model (a :class:`ModelLookups`, the model's item with its plan).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from motcrawl.analysis import datasets as ds
from motcrawl.analysis import github as gh
from motcrawl.analysis import repo_roles as roles_
from motcrawl.analysis.detect import INCLUDE_THRESHOLD
from motcrawl.analysis.evidence import ModelEvidence, build_evidence

W = TypeVar("W")


class OnceCache(Generic[W]):
    """Answers by key, fetched once per crawl; concurrent askers queue as waiters."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._waiting: dict[Hashable, list[W]] = {}

    def ask(self, key: Hashable, waiter: W) -> tuple[str, Any]:
        """``("cached", value)``, ``("wait", None)`` (someone is fetching it) or
        ``("fetch", None)`` (the caller must fetch it and call :meth:`resolve`)."""
        if key in self._values:
            return "cached", self._values[key]
        if key in self._waiting:
            self._waiting[key].append(waiter)
            return "wait", None
        self._waiting[key] = [waiter]
        return "fetch", None

    def resolve(self, key: Hashable, value: Any) -> list[W]:
        """Store the answer; return everyone who was waiting for it (the fetcher first)."""
        self._values[key] = value
        return self._waiting.pop(key, [])

    def alias(self, key: Hashable, value: Any) -> None:
        """Also know the answer under another key (a renamed repository's new name)."""
        if key not in self._values and key not in self._waiting:
            self._values[key] = value

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values


@dataclass
class GitHubBudget:
    """The REST API budget as GitHub reports it (60/hour without a token)."""

    remaining: int | None = None
    limit: int | None = None
    reset: int | None = None
    spent: bool = False

    def update(self, rate: gh.RateLimit) -> None:
        if rate.remaining is not None:
            self.remaining = rate.remaining
            if rate.remaining <= 0:
                self.spent = True
        if rate.limit is not None:
            self.limit = rate.limit
        if rate.reset is not None:
            self.reset = rate.reset

    def exhaust(self) -> None:
        self.spent = True
        self.remaining = 0

    def allows_api(self, now: float | None = None) -> bool:
        """False while the budget is spent; GitHub's window resets at ``reset`` (epoch s),
        after which the API is tried again (its answer then tells the new budget)."""
        if self.spent and self.reset is not None:
            if (time.time() if now is None else now) >= self.reset:
                self.spent = False
                self.remaining = None
        return not self.spent and (self.remaining is None or self.remaining > 0)


@dataclass
class RepoResult:
    """What the lookup of one repository found (cached per crawl)."""

    status: str                        # found | missing | error
    verified: str | None = None        # api | head | None
    repo: gh.RepoInfo | None = None
    tree: gh.Tree | None = None
    canonical: str = ""                # full name after renames ("" when unknown)
    note: str = ""


@dataclass
class ExternalPlan:
    """One model's outside lookups: datasets first, then repository candidates until one is
    the model's repository (``tries``), then the other repositories the card links in a
    role that can claim components (``extras``, at most ``repo_roles.MAX_EXTRA``)."""

    model_id: str
    dataset_ids: list[str]
    candidates: list[gh.Candidate]
    tries: list[gh.Candidate]
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, RepoResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    chosen: gh.Candidate | None = None
    roles: dict[str, roles_.Role] = field(default_factory=dict)
    extras: list[gh.Candidate] = field(default_factory=list)
    # The crawl's GitHub budget (None: unlimited, as the benchmark runs): an extra
    # repository is worth its two API requests only while the API answers with budget to spare.
    budget: GitHubBudget | None = None
    extras_skipped: list[str] = field(default_factory=list)

    def next_step(self) -> tuple[str, str] | None:
        """``("dataset", id)``, ``("repo", key)``, or None when nothing is left to ask."""
        for dataset_id in self.dataset_ids:
            if dataset_id not in self.datasets:
                return "dataset", dataset_id
        if self.chosen is None:
            for cand in self.tries:
                if cand.key not in self.results:
                    return "repo", cand.key
        for cand in self.pending_extras():
            if not self._extras_allowed():
                self._skip_extras()
                return None
            return "repo", cand.key
        return None

    def pending_extras(self) -> list[gh.Candidate]:
        """The extra repositories still to read (the cap counts those already read)."""
        own = [c for c in self.extras if c is not self.chosen][:roles_.MAX_EXTRA]
        return [c for c in own if c.key not in self.results
                and c.full_name not in self.extras_skipped]

    def _extras_allowed(self) -> bool:
        if self.budget is None:
            return True
        return self.budget.allows_api() and (self.budget.remaining is None
                                             or self.budget.remaining >= gh.LOW_BUDGET)

    def _skip_extras(self) -> None:
        skipped = self.pending_extras()
        self.extras_skipped += [c.full_name for c in skipped]
        self.notes.append("GitHub API budget low or spent: the other linked repositories ("
                          + ", ".join(f"{c.full_name} as {c.role}" for c in skipped)
                          + ") were not read")

    def candidate(self, key: str) -> gh.Candidate:
        return next(c for c in self.candidates if c.key == key)

    def record_dataset(self, dataset_id: str, info: dict[str, Any]) -> None:
        self.datasets[dataset_id] = info
        if not info.get("found") and info.get("note"):
            self.notes.append(f"dataset {dataset_id}: {info['note']}")

    def record_repo(self, key: str, result: RepoResult) -> None:
        self.results[key] = result
        cand = self.candidate(key)
        if result.status == "found":
            cand.status = "found" if result.verified == "api" else "unverified"
            if self.chosen is None and cand in self.tries:
                if cand.source == "organization guess" and cand.score >= gh.MIN_TRY_SCORE:
                    # The guessed name exists under the model's own organization:
                    # existence was the only doubt.
                    cand.score = max(cand.score, gh.GUESS_CONFIRMED)
                    cand.reasons.append("exists under the organization")
                if cand.score >= gh.ACCEPT_SCORE:
                    self.chosen = cand
        else:
            cand.status = result.status
        if result.note:
            self.notes.append(result.note)

    def github_evidence(self, web: str) -> dict[str, Any] | None:
        """The ``github`` evidence dict (None when there was no candidate at all)."""
        if not self.candidates:
            return None
        notes = list(dict.fromkeys(n for n in self.notes if n.startswith("GitHub")))
        for cand in self.candidates:
            if cand.status == "untried" and cand not in self.tries \
                    and cand not in self.extras:
                cand.status = "skipped"
        if self.chosen is None:
            tried = [c.full_name for c in self.tries]
            if tried:
                notes.append("GitHub: no repository confirmed (tried "
                             + ", ".join(tried) + "); drafted without repository evidence")
            elif self.candidates:
                notes.append("GitHub: no candidate repository scored high enough to look up")
            out = gh.repository_evidence(self.candidates, chosen=None, repo=None, tree=None,
                                         web=web, verified=None, notes=notes)
        else:
            result = self.results[self.chosen.key]
            out = gh.repository_evidence(self.candidates, chosen=self.chosen, repo=result.repo,
                                         tree=result.tree, web=web, verified=result.verified,
                                         notes=notes, canonical=result.canonical,
                                         repo_confidence=self._confidence(self.chosen),
                                         recipes_train=roles_.recipes_train(
                                             self.roles.get(self.chosen.key)))
            out["components"] = self._as_role(self.chosen, out["components"], result,
                                              out["full_name"], out["default_branch"], web)
            out["role"] = self.chosen.role
        self._read_extras(out, web)
        out["note"] = "; ".join(out["notes"])
        return out

    def _confidence(self, cand: gh.Candidate) -> float:
        role = self.roles.get(cand.key)
        return roles_.repo_confidence(role, cand.score) if role else cand.score

    def _as_role(self, cand: gh.Candidate, components: dict[str, dict[str, Any]],
                 result: RepoResult, full_name: str, branch: str,
                 web: str) -> dict[str, dict[str, Any]]:
        role = self.roles.get(cand.key)
        if role is None or result.tree is None:
            return components
        return roles_.role_components(components, role, tree=result.tree, web=web,
                                      full_name=full_name, branch=branch, subdir=cand.subdir)

    def _read_extras(self, out: dict[str, Any], web: str) -> None:
        """Every repository read: its role, and the components it claims (the chosen one's
        first), in ``out["repositories"]``; the extras' components folded into
        ``out["components"]``; one review line per extra."""
        read: list[dict[str, Any]] = []
        if self.chosen is not None and out.get("repository"):
            read.append(_repository_row(self.chosen, out["full_name"], out["repository"],
                                        out["components"]))
            if self.chosen.role == gh.ROLE_GUESS:
                out["notes"].append(
                    f"GitHub: {out['full_name']} was guessed from the organization and family "
                    "names (the card does not link it): its files are listed for the reviewer "
                    "and claim no component (a name with no link is not a release)")
        for cand in self.extras:
            result = self.results.get(cand.key)
            if cand is self.chosen or result is None or result.status != "found":
                continue
            full_name = (result.repo.full_name if result.repo else result.canonical) \
                or cand.full_name
            url = gh.html_url(web, full_name)
            comps: dict[str, dict[str, Any]] = {}
            if result.repo is not None and result.tree is not None:
                comps = gh.tree_components(result.tree, web=web, full_name=full_name,
                                           branch=result.repo.default_branch,
                                           repo_confidence=self._confidence(cand),
                                           subdir=cand.subdir,
                                           recipes_train=roles_.recipes_train(
                                               self.roles.get(cand.key)))
                comps = self._as_role(cand, comps, result, full_name,
                                      result.repo.default_branch, web)
                roles_.merge_components(out["components"], comps)
            row = _repository_row(cand, full_name, url, comps)
            read.append(row)
            claims = ", ".join(row["claims"]) or "no component (findings only)"
            out["notes"].append(f"GitHub: also read {full_name} as the {cand.role} "
                                f"({cand.role_why[:100]}): {claims}")
        out["repositories"] = read
        out["notes"] = list(dict.fromkeys(out["notes"]))


def _repository_row(cand: gh.Candidate, full_name: str, url: str,
                    components: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"repo": full_name, "url": url, "role": cand.role, "why": cand.role_why,
            "claims": [n for n, e in components.items()
                       if e.get("confidence", 0) >= INCLUDE_THRESHOLD]}


def plan_for(model_id: str, info: dict[str, Any], card_text: str | None, *,
             budget: GitHubBudget | None, github: bool = True,
             datasets: bool = True, known: dict[str, Any] | None = None) -> ExternalPlan:
    """What to look up for one model, from its Hub info payload and card text."""
    return plan_from(build_evidence(model_id, info, card_text, "ok"), budget=budget,
                     github=github, datasets=datasets, known=known)


def plan_from(ev: ModelEvidence, *, budget: GitHubBudget | None, github: bool = True,
              datasets: bool = True, known: dict[str, Any] | None = None) -> ExternalPlan:
    """What to look up for one model, from what its Hub answers say."""
    card_data = ev.card_data
    ids = ds.training_ids(card_data, ev.tags, ev.card.body)[:ds.MAX_LOOKUPS] if datasets else []
    cands = gh.candidates(ev.model_id, ev.card.body, card_data) if github else []
    remaining = budget.remaining if budget is not None and not budget.spent else None
    tries = gh.to_try(cands, remaining=remaining)
    plan = ExternalPlan(ev.model_id, ids, cands, tries, budget=budget)
    for cand in cands:
        role = roles_.role_of(cand, ev.card.body, card_data, ev.model_id)
        plan.roles[cand.key] = role
        cand.role, cand.role_why = role.kind, role.why
    plan.extras = [c for c in cands if roles_.worth_reading(plan.roles[c.key])]
    for dataset_id, value in (known or {}).items():
        if dataset_id in ids and isinstance(value, dict):
            plan.datasets[dataset_id] = value  # already known: no request
    return plan


def external_notes(github: dict[str, Any] | None, datasets: dict[str, Any] | None) -> list[str]:
    """Lines for the draft header's review checklist."""
    notes: list[str] = []
    if github:
        notes.extend(github.get("notes") or ([github["note"]] if github.get("note") else []))
    for dataset_id, info in (datasets or {}).items():
        if isinstance(info, dict) and info.get("note"):
            notes.append(f"dataset {dataset_id}: {info['note']}")
    return notes


@dataclass(eq=False)
class ModelLookups(Generic[W]):
    """One model going through its lookups: the item that goes on once they are answered."""

    item: W
    plan: ExternalPlan


LookupKind = Literal["dataset", "repo"]


@dataclass(frozen=True)
class Fetch:
    """Ask the outside for ``key``; the answer goes to :meth:`Lookups.answer`."""

    kind: LookupKind
    key: str


class Lookups(Generic[W]):
    """Per crawl: each repository and dataset looked up once, the GitHub budget, and the
    models waiting for an answer (no Scrapy; the spider turns a :class:`Fetch` into a
    request and hands the answer back).

    ``count`` receives counter names (``dataset/cache_hits``, ``repo/waited``).
    """

    def __init__(self, count: Callable[[str], None] = lambda _key: None) -> None:
        self.repos: OnceCache[ModelLookups[W]] = OnceCache()
        self.datasets: OnceCache[ModelLookups[W]] = OnceCache()
        self.budget = GitHubBudget()
        self._count = count

    def _cache(self, kind: str) -> OnceCache[ModelLookups[W]]:
        return self.datasets if kind == "dataset" else self.repos

    def advance(self, model: ModelLookups[W]) -> Fetch | None:
        """The model's next lookup to fetch; None when it waits for another model's fetch
        or is done (:attr:`ExternalPlan.next_step` is None then)."""
        while (step := model.plan.next_step()) is not None:
            kind, key = step
            state, value = self._cache(kind).ask(key, model)
            if state == "fetch":
                return Fetch("dataset" if kind == "dataset" else "repo", key)
            if state == "wait":
                self._count(f"{kind}/waited")
                return None
            self._count(f"{kind}/cache_hits")
            _record(model.plan, kind, key, value)
        return None

    def answer(self, kind: LookupKind, key: str, value: Any) -> list[ModelLookups[W]]:
        """Store an answer; every model that waited for it, with the answer recorded in its
        plan (the caller advances each). A renamed repository is known by both names."""
        if kind == "repo" and isinstance(value, RepoResult) and value.canonical \
                and value.canonical.lower() != key:
            self.repos.alias(value.canonical.lower(), value)
        waiters = self._cache(kind).resolve(key, value)
        for model in waiters:
            _record(model.plan, kind, key, value)
        return waiters


def _record(plan: ExternalPlan, kind: str, key: str, value: Any) -> None:
    if kind == "dataset":
        plan.record_dataset(key, value)
    else:
        plan.record_repo(key, value)
