"""Detected components and release fields against curated truth, on three separate sets.

1. ``fixtures``: the old fixture models (tests/fixtures/cassettes) that MOT lists;
2. ``dev``: the development half of the real-card corpus (tests/fixtures/realcards);
3. ``report``: its report-only half (never tuned on; see SPLIT.json);
4. ``fresh``: report-only models added after the detectors were written, by
   helpers who had not worked on them (source.json ``"set": "fresh"``).

Each model is drafted with the plain modules the crawl runs, following the
lookup plan the spider follows (no rate limit). Repository answers come from
tests/fixtures/github and tests/fixtures/realcards/_github, dataset answers from
tests/fixtures/hub_datasets.

Comparison rules (each changes only in a commit of its own):

- Truth: MOT's curated file (``../shared/mot/models``, matched by HF URL, or the
  corpus source.json's ``mot_file``). For corpus models MOT lacks, source.json's
  ``truth`` is used for the release fields only (the output says so).
- Components: claimed = confidence >= INCLUDE_THRESHOLD; truth = MOT's listed
  components minus those it marks "not included". Per component TP/FP/FN,
  precision, recall, F1; the micro totals; the mean per-model F1.
- Unknown is not an answer: a repository or dataset lookup with no fixture, and a
  file list the fixture does not hold, are *unknown* (never a confirmed 404).
  A component such an answer could have given, and that the draft did not claim
  from other evidence, is counted as ``unk`` and not scored. What a repository could
  give is what its role may claim (``repo_roles.claimable``: the model's codebase
  anything its tree can show, a training library its training and preprocessing code,
  a guessed repository nothing).
- License, type, architecture: scored only where the truth is informative (not
  empty, ``none``, ``undisclosed``). Licenses compare after SPDX normalisation;
  architecture after MOF-vocabulary normalisation (``decoder`` ==
  ``transformer decoder``, ``encoder`` == ``transformer encoder``; MOT's bare
  ``transformer`` accepts any transformer variant).
- "release name is a heading": the draft's name is a heading of the card that
  shares no word of 3+ characters with the repository name (must be 0).
- Re-judged truth (a second block per set, printed after MOT's raw figures):
  tests/fixtures/realcards/REJUDGED.json lists slots where MOT and the draft
  disagreed, each re-judged by ../shared/mot/COMPONENT_RULES.md. For a listed
  (model, component) slot its ``verdict`` replaces MOT's value; every other slot
  keeps MOT's value. A guide, not the target (see benchmarks/README.md).
- Blind second reader (two more blocks per set, for the models it judged):
  tests/fixtures/realcards/_blind/*.json hold a second reader's judgment of all
  17 components of a model by COMPONENT_RULES.md, made without seeing MOT's file,
  the draft or REJUDGED.json. ``released: null`` (the evidence is not available
  here) leaves the slot unscored. (a) The reader's judgment is the whole truth.
  (b) MOT's file is the truth, except that a slot where MOT and the draft disagree
  takes the reader's verdict when it is not null: the issue's own method, with a
  reader who had not seen the draft.

    python benchmarks/components_vs_mot.py [--verbose] [--set fixtures|dev|report|fresh]

Exits 0 and says so when ../shared/mot is absent.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks import realcards  # noqa: E402
from motcrawl.analysis import cardtext, repo_roles  # noqa: E402
from motcrawl.analysis import datasets as ds  # noqa: E402
from motcrawl.analysis import github as gh  # noqa: E402
from motcrawl.analysis.detect import detect_components, included  # noqa: E402
from motcrawl.analysis.evidence import build_evidence  # noqa: E402
from motcrawl.analysis.followups import license_file_to_fetch, needs_refs  # noqa: E402
from motcrawl.analysis.licenses import normalize_license  # noqa: E402
from motcrawl.analysis.lookups import RepoResult, plan_for  # noqa: E402
from motcrawl.analysis.release import release_fields, release_license  # noqa: E402
from motcrawl.mof.framework import NAMES  # noqa: E402
from motcrawl.web.hf import model_id_or_none  # noqa: E402
from tests.fakes.hub import CASSETTE_DIR, load_cassettes  # noqa: E402

MOT_DIRS = [p / "shared" / "mot" / "models" for p in (ROOT.parent, ROOT.parent.parent)]
GH_DIRS = [ROOT / "tests" / "fixtures" / "github", realcards.CORPUS / "_github"]
DS_FIXTURES = ROOT / "tests" / "fixtures" / "hub_datasets"
REJUDGED_FILE = realcards.CORPUS / "REJUDGED.json"
REJUDGED_TITLE = "against MOT re-judged by COMPONENT_RULES (REJUDGED.json)"
BLIND_DIR = realcards.CORPUS / "_blind"
BLIND_TITLE = "against a blind second reader's full judgment (_blind/)"
BLIND_REJUDGED_TITLE = "against MOT, disagreements re-judged by the blind second reader"
WEB = "https://github.com"
SETS = ("fixtures", "dev", "report", "fresh")
FIELDS = ("license", "type", "architecture")
UNINFORMATIVE = {"", "none", "undisclosed", "unknown", "null"}

# Components an unanswered lookup could have supplied.
FILE_COMPONENTS = {"Model parameters (Final)", "Model parameters (Intermediate)",
                   "Model metadata", "Model architecture"}
REPO_COMPONENTS = {rule.component for rule in gh.PATH_RULES} | {
    "Training code", "Evaluation code", "Data preprocessing code", "Inference code",
    "Model architecture", "Supporting libraries and tools"}
DATASET_COMPONENTS = {"Data card"}


def could_give(role: repo_roles.Role | None) -> set[str]:
    """The components a repository in this role could have given, had it answered."""
    return set(REPO_COMPONENTS) if role is None else REPO_COMPONENTS & repo_roles.claimable(role)

REFS_COMPONENTS = {"Model parameters (Intermediate)"}


@dataclass
class Case:
    model_id: str
    info: dict[str, Any]
    card: str | None
    card_status: str
    refs: list[str] | None
    refs_known: bool
    files_known: bool
    license_text: str | None = None
    mot_file: str = ""
    components: set[str] | None = None      # truth; None: no component truth
    release: dict[str, Any] = field(default_factory=dict)
    release_source: str = "MOT"


def load_mot(models_dir: Path) -> tuple[dict[str, list[tuple[str, dict[str, Any]]]],
                                        dict[str, dict[str, Any]]]:
    by_id: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    by_file: dict[str, dict[str, Any]] = {}
    for path in sorted(models_dir.glob("*.yml")):
        try:
            release = (yaml.safe_load(path.read_text()) or {}).get("release") or {}
        except yaml.YAMLError:
            continue
        by_file[path.name] = release
        model_id = model_id_or_none(release.get("huggingface"))
        if model_id:
            by_id.setdefault(model_id.lower(), []).append((path.name, release))
    return by_id, by_file


def pick(entries: list[tuple[str, dict[str, Any]]], model_id: str) -> tuple[str, dict]:
    """Several MOT files naming one HF model (CodeT5+ sizes): the closest release name."""
    repo = model_id.split("/")[-1].lower()
    return max(entries, key=lambda e: difflib.SequenceMatcher(
        None, str(e[1].get("name", "")).lower(), repo).ratio())


def true_components(release: dict[str, Any]) -> set[str]:
    return {c.get("name") for c in release.get("components") or []
            if isinstance(c, dict) and not _marked_absent(c)} & set(NAMES)


def load_rejudged(path: Path | None = None) -> dict[tuple[str, str], bool]:
    """The re-judged slots: (model id lowercased, component) -> verdict."""
    path = path or REJUDGED_FILE
    if not path.exists():
        return {}
    slots = json.loads(path.read_text(encoding="utf-8")).get("slots") or []
    return {(str(r["model_id"]).lower(), str(r["component"])): bool(r["verdict"])
            for r in slots}


def rejudged_truth(model_id: str, truth: set[str],
                   rejudged: dict[tuple[str, str], bool]) -> set[str]:
    """MOT's components with each re-judged slot of this model set to its verdict."""
    out = set(truth)
    for (mid, component), verdict in rejudged.items():
        if mid != model_id.lower():
            continue
        if verdict:
            out.add(component)
        else:
            out.discard(component)
    return out


def load_blind(folder: Path | None = None) -> dict[str, dict[str, bool | None]]:
    """The blind reader's judgments: model id lowercased -> component -> released."""
    folder = folder or BLIND_DIR
    out: dict[str, dict[str, bool | None]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        verdicts: dict[str, bool | None] = {}
        for row in data["components"]:
            name, released = str(row["component"]), row["released"]
            if name not in NAMES or name in verdicts:
                raise ValueError(f"{path.name}: unknown or repeated component {name!r}")
            if released is not None and not isinstance(released, bool):
                raise ValueError(f"{path.name}: {name}: released must be true, false or null")
            verdicts[name] = released
        if set(verdicts) != set(NAMES):
            raise ValueError(f"{path.name}: judges {len(verdicts)} of {len(NAMES)} components")
        out[str(data["model_id"]).lower()] = verdicts
    return out


def blind_rejudged_truth(truth: set[str], claimed: set[str],
                         verdicts: dict[str, bool | None]) -> set[str]:
    """MOT's components, each slot where MOT and the draft disagree set to the blind
    reader's verdict (kept as MOT says when the reader could not tell)."""
    out = set(truth)
    for name in truth ^ claimed:
        verdict = verdicts.get(name)
        if verdict is True:
            out.add(name)
        elif verdict is False:
            out.discard(name)
    return out


def _marked_absent(component: dict[str, Any]) -> bool:
    """MOT's curators list some components with the license "Component not included"
    (spelled several ways): the entry says the component is absent."""
    return "not includ" in str(component.get("license") or "").lower()


def fixture_cases(mot: dict[str, list[tuple[str, dict[str, Any]]]]) -> list[Case]:
    recorded = load_cassettes(str(CASSETTE_DIR))
    out: list[Case] = []
    for (method, path), rec in sorted(recorded.items()):
        if method != "GET" or not path.startswith("/api/models/") or rec.status != 200 \
                or path.endswith("/refs"):
            continue
        info = json.loads(rec.body)
        if not isinstance(info, dict) or "siblings" not in info:
            continue
        model_id = info["id"]
        if model_id.lower() not in mot:
            continue
        readme = recorded.get(("GET", f"/{model_id}/resolve/main/README.md"))
        card = readme.body.decode("utf-8", "replace") if readme and readme.status == 200 \
            else None
        status = "ok" if card is not None else (
            "gated" if readme and readme.status in (401, 403) else "missing")
        refs_rec = recorded.get(("GET", f"/api/models/{model_id}/refs"))
        refs = [b["name"] for b in json.loads(refs_rec.body).get("branches", [])] \
            if refs_rec and refs_rec.status == 200 else None
        # The crawl asks for refs only when the card hints at checkpoints: when it
        # would not ask, "no refs" is the crawl's real answer.
        hub = build_evidence(model_id, info, card, status)  # what the spider has by then
        refs_known = refs is not None or not needs_refs(hub)
        lic_name = license_file_to_fetch(hub)
        lic_rec = recorded.get(("GET", f"/{model_id}/resolve/main/{lic_name}")) \
            if lic_name else None
        mot_file, release = pick(mot[model_id.lower()], model_id)
        out.append(Case(model_id, info, card, status, refs, refs_known, True,
                        license_text=lic_rec.body.decode("utf-8", "replace")
                        if lic_rec and lic_rec.status == 200 else None,
                        mot_file=mot_file, components=true_components(release),
                        release=release))
    return out


def corpus_cases(mot: dict[str, list[tuple[str, dict[str, Any]]]],
                 by_file: dict[str, dict[str, Any]]) -> dict[str, list[Case]]:
    split = realcards.load_split()
    out: dict[str, list[Case]] = {"dev": [], "report": [], "fresh": []}
    for model in realcards.load_corpus():
        half = split.get(model.model_id.lower())
        if half is None:
            print(f"note: {model.model_id} is not in SPLIT.json "
                  "(run benchmarks/realcards_split.py); left out")
            continue
        case = Case(model.model_id, model.info, model.card, "ok", None, False,
                    model.files_known)
        release = by_file.get(model.mot_file or "") if model.mot_file else None
        if release is None and model.model_id.lower() in mot:
            model.mot_file, release = pick(mot[model.model_id.lower()], model.model_id)
        if release is not None:
            case.mot_file, case.components, case.release = model.mot_file or "", \
                true_components(release), release
        else:
            case.release = {"type": model.truth.get("type"),
                            "architecture": model.truth.get("architecture"),
                            "license": {"distribution": {"name": model.truth.get("license")}}}
            case.release_source = "source.json truth"
        out[half].append(case)
    return out


# -- lookups the fixtures can answer ---------------------------------------------------------
def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def lookup_repo(key: str) -> RepoResult:
    """What the crawl would learn about one repository, or "unknown" without a fixture."""
    renames: dict[str, str] = {}
    for d in GH_DIRS:
        renames.update({k.lower(): v for k, v in (_json(d / "renames.json") or {}).items()})
    full = renames.get(key, key)
    for d in GH_DIRS:
        matches = [p for p in (d / "repos").glob("*.json")
                   if p.stem.replace("__", "/").lower() == full.lower()]
        if matches:
            repo = gh.parse_repo(_json(matches[0]))
            tree_payload = _json(d / "trees" / matches[0].name)
            tree = gh.parse_tree(tree_payload) if tree_payload else None
            return RepoResult("found", "api", repo, tree, canonical=repo.full_name)
    return RepoResult("error", note=f"GitHub: {key}: no fixture (unknown)")


def lookup_dataset(dataset_id: str) -> dict[str, Any] | None:
    payload = _json(DS_FIXTURES / (dataset_id.replace("/", "__") + ".json"))
    return ds.parse_dataset_info(payload) if payload else None


def draft(case: Case) -> dict[str, Any]:
    plan = plan_for(case.model_id, case.info, case.card, budget=None)
    unknown: set[str] = set()
    unanswered: list[str] = []
    while (step := plan.next_step()) is not None:
        kind, key = step
        if kind == "dataset":
            answer = lookup_dataset(key)
            if answer is None:
                unknown |= DATASET_COMPONENTS
                unanswered.append(key)
                answer = ds.missing("no fixture (unknown)")
            plan.record_dataset(key, answer)
        else:
            result = lookup_repo(key)
            if result.status != "found":
                unknown |= could_give(plan.roles.get(key))
            plan.record_repo(key, result)
    if not case.files_known:
        unknown |= FILE_COMPONENTS
    if not case.refs_known:
        unknown |= REFS_COMPONENTS
    for key in unanswered:
        # Unknown, not "not on the Hub": the detectors see it as never looked up.
        plan.datasets.pop(key, None)
    github = plan.github_evidence(WEB)
    ev = build_evidence(case.model_id, case.info, case.card, case.card_status, refs=case.refs,
                        license_text=case.license_text, github=github,
                        datasets=plan.datasets)
    comps = {d.name for d in included(detect_components(ev))}
    fields = release_fields(ev)
    lic = release_license(ev)
    return {"components": comps, "unknown": unknown - comps, "name": fields["name"].value,
            "type": fields["type"].value, "architecture": fields["architecture"].value,
            "producer": fields["producer"].value, "license": lic.name,
            "repository": (github or {}).get("repository", ""),
            "renamed_from": (github or {}).get("renamed_from", ""),
            "heading": name_is_heading(fields["name"].value, ev.card.body, case.model_id)}


# -- comparison rules ---------------------------------------------------------------------
def informative(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() not in UNINFORMATIVE


def _same_license(ours: str, theirs: Any) -> bool:
    a, b = normalize_license(ours), normalize_license(theirs)
    return bool(a and b and a.lower() == b.lower())


def _arch_agrees(ours: str, truth: Any) -> bool:
    """Equal after normalisation, or MOT's generic "transformer" for any transformer.

    MOF's list has both "decoder" and "transformer decoder"; MOT's curators use
    them interchangeably for decoder-only transformers (Mistral-7B, phi-2 are
    "decoder", Llama and Falcon "transformer decoder"), so they count as one.
    """
    a, b = ours.lower().strip(), str(truth).lower().strip()
    same = {"decoder": "transformer decoder", "encoder": "transformer encoder"}
    a, b = same.get(a, a), same.get(b, b)
    return a == b or (b == "transformer" and a.startswith("transformer"))


def _producer_agrees(ours: str, truth: Any) -> bool:
    """Same words, or one name's words all within the other's ("Mistral" / "Mistral AI")."""
    def words(text: Any) -> set[str]:
        return set(re.findall(r"[a-z0-9]+", str(text).lower()))

    a, b = words(ours), words(truth)
    return bool(a and b) and (a <= b or b <= a)


def _repo_key(url: Any) -> str:
    ref = gh.parse_repo_ref(url) if isinstance(url, str) else None
    return f"{ref[0]}/{ref[1]}".lower() if ref else ""


def name_is_heading(name: str, body: str, model_id: str) -> bool:
    """The name is one of the card's headings and does not name the repository's model:
    no 3+ character word in common, neither spelling within the other once reduced to
    letters and digits ("Highlights" for gpt-oss-120b is a heading; "Falcon-40B" for
    falcon-40b and "GPT-2" for gpt2 are not)."""
    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= 3}

    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    key = " ".join(name.lower().split())
    headings = {" ".join(s.title.lower().split()) for s in cardtext.sections(body or "")}
    titled = cardtext.title(body or "")
    if titled:
        headings.add(" ".join(titled.lower().split()))
    repo = model_id.split("/")[-1]
    a, b = squash(name), squash(repo)
    same_model = bool(words(name) & words(repo)) or bool(a and b and (a in b or b in a))
    return key in headings and not same_model


def release_checks(case: Case, ours: dict[str, Any]) -> dict[str, bool | None]:
    truth = case.release
    lic_truth = ((truth.get("license") or {}).get("distribution") or {}).get("name")
    checks: dict[str, bool | None] = {
        "license": _same_license(ours["license"], lic_truth) if informative(lic_truth)
        else None,
        "type": (ours["type"] == truth["type"].strip()) if informative(truth.get("type"))
        else None,
        "architecture": _arch_agrees(ours["architecture"], truth["architecture"])
        if informative(truth.get("architecture")) else None,
    }
    if case.release_source == "MOT":
        checks["producer"] = _producer_agrees(ours["producer"], truth["producer"]) \
            if informative(truth.get("producer")) else None
        checks["repository"] = (_repo_key(truth.get("repository")) in
                                {_repo_key(ours["repository"]), ours["renamed_from"].lower()}) \
            if _repo_key(truth.get("repository")) else None
    return checks


# -- report --------------------------------------------------------------------------------
def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def report(set_name: str, what: str, cases: list[Case], verbose: bool,
           rejudged: dict[tuple[str, str], bool] | None = None,
           blind: dict[str, dict[str, bool | None]] | None = None) -> None:
    print(f"=== {set_name}: {what} ({len(cases)} models)")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    unk: Counter[str] = Counter()
    f1s: list[float] = []
    agree: dict[str, list[bool]] = {}
    sources: Counter[str] = Counter()
    headings: list[str] = []
    rows = []
    for case in cases:
        ours = draft(case)
        if ours["heading"]:
            headings.append(f"{case.model_id}: {ours['name']!r}")
        checks = release_checks(case, ours)
        for key, value in checks.items():
            if value is not None:
                agree.setdefault(key, []).append(value)
                if key in FIELDS:
                    sources[case.release_source] += 1
        f1 = None
        if case.components is not None:
            f1 = score_model(ours, case.components, tp, fp, fn, unk)
            f1s.append(f1)
        rows.append((case, ours, checks, f1))
    with_truth = [c for c in cases if c.components is not None]
    print(f"components scored on {len(with_truth)} models with a MOT file")
    if with_truth:
        print_components(tp, fp, fn, unk)
    if verbose:
        mark = {True: "yes", False: "NO", None: "-"}
        print(f"\n{'model':44} {'truth':26} {'F1':>5}  lic  type arch")
        for case, ours, checks, f1 in rows:
            truth = case.mot_file or case.release_source
            print(f"{case.model_id[:44]:44} {truth[:26]:26} "
                  f"{'' if f1 is None else f'{f1:.2f}':>5}  "
                  + " ".join(f"{mark[checks.get(k)]:>4}" for k in FIELDS))
            if case.components is not None:
                scored = set(NAMES) - ours["unknown"]
                print(f"    missed: {sorted((case.components - ours['components']) & scored)}")
                print(f"    extra:  {sorted((ours['components'] - case.components) & scored)}")
            rel = case.release
            lic_truth = ((rel.get("license") or {}).get("distribution") or {}).get("name")
            print(f"    ours: name={ours['name']!r} type={ours['type']} "
                  f"arch={ours['architecture']} license={ours['license']}")
            print(f"    truth: type={rel.get('type')} arch={rel.get('architecture')} "
                  f"license={lic_truth}")
    print()
    if f1s:
        print(f"mean per-model component F1: {sum(f1s) / len(f1s):.3f} (n={len(f1s)})")
    for key in (*FIELDS, "producer", "repository"):
        values = agree.get(key)
        if values is None:
            continue
        print(f"{key} agreement: {_ratio(sum(values), len(values)):.2f} "
              f"({sum(values)}/{len(values)})")
    if sources.get("source.json truth"):
        print(f"release fields judged against: {dict(sources)} "
              "(source.json truth only for models MOT lacks)")
    print(f"release name is a heading: {len(headings)}"
          + (f" ({'; '.join(headings)})" if headings else ""))
    print()
    if with_truth:
        report_rejudged(rows, rejudged if rejudged is not None else load_rejudged())
    report_blind(rows, blind if blind is not None else load_blind(),
                 rejudged if rejudged is not None else load_rejudged())


def report_rejudged(rows: list[tuple[Case, dict[str, Any], Any, Any]],
                    rejudged: dict[tuple[str, str], bool]) -> None:
    """The same component scores with each re-judged slot's truth set to its verdict."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    unk: Counter[str] = Counter()
    f1s: list[float] = []
    changed = 0
    for case, ours, _checks, _f1 in rows:
        if case.components is None:
            continue
        truth = rejudged_truth(case.model_id, case.components, rejudged)
        changed += len(truth ^ case.components)
        f1s.append(score_model(ours, truth, tp, fp, fn, unk))
    print(f"--- {REJUDGED_TITLE}: {changed} slot(s) changed from MOT")
    print_components(tp, fp, fn, unk)
    print(f"mean per-model component F1 (re-judged): {sum(f1s) / len(f1s):.3f} "
          f"(n={len(f1s)})")
    print()


def report_blind(rows: list[tuple[Case, dict[str, Any], Any, Any]],
                 blind: dict[str, dict[str, bool | None]],
                 rejudged: dict[tuple[str, str], bool]) -> None:
    """Scores against the blind reader (full truth), and against MOT with the
    disagreements re-judged by the blind reader; then how the readers agree."""
    judged = [(case, ours) for case, ours, _checks, _f1 in rows
              if case.model_id.lower() in blind]
    if not judged:
        return
    counters: list[Counter[str]] = [Counter() for _ in range(4)]
    f1s: list[float] = []
    for case, ours in judged:
        verdicts = blind[case.model_id.lower()]
        unsure = {name for name, v in verdicts.items() if v is None}
        truth = {name for name, v in verdicts.items() if v}
        f1s.append(score_model({**ours, "unknown": ours["unknown"] | unsure}, truth,
                               *counters))
    print(f"--- {BLIND_TITLE}: {len(judged)} model(s); a null verdict is not scored")
    print_components(*counters)
    print(f"mean per-model component F1 (blind reader): {sum(f1s) / len(f1s):.3f} "
          f"(n={len(f1s)})")
    print()
    with_mot = [(c, o) for c, o in judged if c.components is not None]
    if not with_mot:
        return
    counters = [Counter() for _ in range(4)]
    f1s, changed = [], 0
    agree_mot = agree_rejudged = judged_mot = judged_rejudged = 0
    for case, ours in with_mot:
        verdicts = blind[case.model_id.lower()]
        mot = case.components or set()
        scored = set(NAMES) - ours["unknown"]
        claimed = ours["components"] & scored
        truth = blind_rejudged_truth(mot & scored, claimed, verdicts)
        changed += len(truth ^ (mot & scored))
        f1s.append(score_model(ours, truth, *counters))
        for name, verdict in verdicts.items():
            if verdict is None or name not in scored:
                continue
            judged_mot += 1
            agree_mot += verdict == (name in mot)
            earlier = rejudged.get((case.model_id.lower(), name))
            if earlier is not None:
                judged_rejudged += 1
                agree_rejudged += verdict == earlier
    print(f"--- {BLIND_REJUDGED_TITLE}: {changed} slot(s) changed from MOT")
    print_components(*counters)
    print(f"mean per-model component F1 (MOT, blind re-judged): {sum(f1s) / len(f1s):.3f} "
          f"(n={len(f1s)})")
    print(f"blind reader agrees with MOT on {agree_mot} of {judged_mot} scored slots; "
          f"with REJUDGED.json on {agree_rejudged} of {judged_rejudged} of its slots")
    print()


def score_model(ours: dict[str, Any], truth_all: set[str], tp: Counter[str],
                fp: Counter[str], fn: Counter[str], unk: Counter[str]) -> float:
    """Count one model's components into the counters; return its F1."""
    scored = set(NAMES) - ours["unknown"]
    claimed, truth = ours["components"] & scored, truth_all & scored
    for name in NAMES:
        if name not in scored:
            unk[name] += 1
        elif name in claimed and name in truth:
            tp[name] += 1
        elif name in claimed:
            fp[name] += 1
        elif name in truth:
            fn[name] += 1
    hit = len(claimed & truth)
    return 2 * hit / (len(claimed) + len(truth)) if claimed or truth else 1.0


def print_components(tp: Counter[str], fp: Counter[str], fn: Counter[str],
                     unk: Counter[str]) -> None:
    print(f"{'component':34} {'TP':>3} {'FP':>3} {'FN':>3} {'unk':>3} "
          f"{'prec':>5} {'rec':>5} {'F1':>5}")
    for name in NAMES:
        p = _ratio(tp[name], tp[name] + fp[name])
        r = _ratio(tp[name], tp[name] + fn[name])
        f = _ratio(2 * tp[name], 2 * tp[name] + fp[name] + fn[name])
        print(f"{name:34} {tp[name]:>3} {fp[name]:>3} {fn[name]:>3} {unk[name]:>3} "
              f"{p:>5.2f} {r:>5.2f} {f:>5.2f}")
    a_tp, a_fp, a_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'all (micro)':34} {a_tp:>3} {a_fp:>3} {a_fn:>3} {sum(unk.values()):>3} "
          f"{_ratio(a_tp, a_tp + a_fp):>5.2f} {_ratio(a_tp, a_tp + a_fn):>5.2f} "
          f"{_ratio(2 * a_tp, 2 * a_tp + a_fp + a_fn):>5.2f}")


def main(argv: list[str]) -> int:
    models_dir = next((d for d in MOT_DIRS if d.is_dir()), None)
    if models_dir is None:
        print("skipped: MOT reference data (../shared/mot/models) not found")
        return 0
    verbose = "--verbose" in argv
    only = argv[argv.index("--set") + 1] if "--set" in argv[:-1] else None
    if only is not None and only not in SETS:
        print(f"--set must be one of {', '.join(SETS)}")
        return 2
    mot, by_file = load_mot(models_dir)
    try:
        rejudged = load_rejudged()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        print(f"{REJUDGED_FILE.name}: not a list of re-judged slots ({exc})")
        return 2
    try:
        blind = load_blind()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        print(f"{BLIND_DIR.name}: not a blind reader's judgment ({exc})")
        return 2
    corpus = corpus_cases(mot, by_file)
    sets = {"fixtures": ("old fixtures, tests/fixtures/cassettes", fixture_cases(mot)),
            "dev": ("real-card corpus, development half", corpus["dev"]),
            "report": ("real-card corpus, report-only half", corpus["report"]),
            "fresh": ("real-card corpus, fresh report-only set", corpus["fresh"])}
    print(f"truth: {models_dir}\ncorpus approximations:")
    for line in realcards.APPROXIMATIONS:
        print(f"  - {line}")
    print()
    for name in SETS:
        what, cases = sets[name]
        if only in (None, name) and (cases or name == only):
            report(name, what, cases, verbose, rejudged, blind)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
