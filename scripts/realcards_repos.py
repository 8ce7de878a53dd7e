"""GitHub repositories the crawl would look up for the real-card corpus; which lack a fixture.

    python scripts/realcards_repos.py [--all] [--json]

For each corpus model (tests/fixtures/realcards), the lookup plan is the crawl's own
(``motcrawl.analysis.lookups.plan_for``, unlimited budget, as the benchmark runs it): its
repository tries in order, best first. A try is

- ``fixture``: tests/fixtures/github or tests/fixtures/realcards/_github answers it (renames
  followed as the benchmark follows them); the crawl would stop here;
- ``unavailable``: _github/sources.json records that no snapshot could be had (stays unknown);
- ``missing``: no fixture and no record: the worklist.

The plan asks candidates until one is the model's repository (a fixture answers), then the
other repositories the card links in a role that can claim something (each try shows its
role).

The worklist (printed last) is the missing repositories, most-linked first. The cards are
never read by a person to choose: this list is the only input of the fixture builders.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import realcards  # noqa: E402
from motcrawl.analysis.lookups import RepoResult, plan_for  # noqa: E402

GH_DIRS = [ROOT / "tests" / "fixtures" / "github", realcards.CORPUS / "_github"]
SOURCES = realcards.CORPUS / "_github" / "sources.json"


@dataclass
class Try:
    key: str          # owner/name as the card spells it
    score: float
    source: str
    status: str       # fixture | unavailable | missing


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def fixture_names() -> tuple[dict[str, str], set[str]]:
    """Renames (old -> new, lower case) and the repositories that have a fixture (lower case)."""
    renames: dict[str, str] = {}
    names: set[str] = set()
    for d in GH_DIRS:
        recorded = _json(d / "renames.json")
        if isinstance(recorded, dict):
            renames.update({k.lower(): str(v).lower() for k, v in recorded.items()})
        names |= {p.stem.replace("__", "/").lower() for p in (d / "repos").glob("*.json")}
    return renames, names


def unavailable_names() -> set[str]:
    recorded = _json(SOURCES)
    gone = recorded.get("unavailable") if isinstance(recorded, dict) else None
    return {k.lower() for k in gone} if isinstance(gone, dict) else set()


def tries_for(model: realcards.CorpusModel, renames: dict[str, str], names: set[str],
              gone: set[str]) -> list[Try]:
    """The repositories the crawl's plan asks for, in order, as the fixtures would answer
    them: candidates until one is the model's repository, then the other linked
    repositories in a role that can claim something (``ExternalPlan.extras``)."""
    plan = plan_for(model.model_id, model.info, model.card, budget=None)
    out: list[Try] = []
    while (step := plan.next_step()) is not None:
        kind, key = step
        if kind == "dataset":
            plan.record_dataset(key, {"found": True})
            continue
        cand = plan.candidate(key)
        if renames.get(cand.key, cand.key) in names:
            status = "fixture"
            result = RepoResult("found", "api")
        else:
            status = "unavailable" if cand.key in gone else "missing"
            result = RepoResult("error")
        plan.record_repo(key, result)
        role = f", {cand.role}" if cand.role else ""
        out.append(Try(cand.full_name, round(cand.score, 2), cand.source + role, status))
    return out


def main(argv: list[str]) -> int:
    unknown = [a for a in argv if a not in ("--all", "--json")]
    if unknown:
        print(f"unknown argument {unknown[0]!r}; usage: realcards_repos.py [--all] [--json]")
        return 2
    split = realcards.load_split()
    renames, names = fixture_names()
    gone = unavailable_names()
    per_model: dict[str, list[Try]] = {}
    halves: dict[str, str] = {}
    for model in realcards.load_corpus():
        per_model[model.model_id] = tries_for(model, renames, names, gone)
        halves[model.model_id] = split.get(model.model_id.lower(), "?")
    linked: Counter[str] = Counter()
    linkers: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    first: dict[str, int] = {}  # earliest place in any plan: a first try is asked for sure
    for model_id, tries in per_model.items():
        for i, t in enumerate(tries):
            if t.status == "missing":
                linked[t.key.lower()] += 1
                linkers.setdefault(t.key.lower(), []).append(model_id)
                spelled.setdefault(t.key.lower(), t.key)
                first[t.key.lower()] = min(i, first.get(t.key.lower(), i))
    worklist = [spelled[k] for k in sorted(linked, key=lambda k: (-linked[k], first[k], k))]
    if "--json" in argv:
        print(json.dumps({
            "models": {m: {"half": halves[m], "tries": [t.__dict__ for t in tries]}
                       for m, tries in per_model.items()},
            "worklist": [{"repo": r, "linked_from": linkers[r.lower()]} for r in worklist]},
            indent=1))
        return 0
    for model_id, tries in per_model.items():
        if not tries or ("--all" not in argv and all(t.status != "missing" for t in tries)):
            continue
        print(f"{model_id} [{halves[model_id]}]")
        for t in tries:
            print(f"    {t.status:12} {t.key} (score {t.score}, {t.source})")
    statuses = Counter(t.status for tries in per_model.values() for t in tries)
    no_tries = sum(1 for tries in per_model.values() if not tries)
    print(f"\n{len(per_model)} models, {no_tries} with no repository to try; tries: "
          + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"worklist ({len(worklist)} repositories, most-linked first):")
    for repo in worklist:
        print(f"  {repo}  ({linked[repo.lower()]} model{'s' if linked[repo.lower()] > 1 else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
