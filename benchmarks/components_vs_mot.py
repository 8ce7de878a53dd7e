"""Detected components and release fields against MOT's human-curated entries.

For every fixture model (tests/fixtures/cassettes) that MOT also lists
(``../shared/mot/models``, matched by HF URL through motcrawl.web.hf.model_id_or_none,
case-insensitively), draft it with the plain modules - the same detection the
crawl runs, fed the Hub answers from the cassettes, the GitHub answers from
tests/fixtures/github and the dataset answers from tests/fixtures/hub_datasets,
with the lookup plan the spider follows (no rate limit) - and compare:

- per component: precision / recall over all models (claimed = confidence >=
  INCLUDE_THRESHOLD);
- per model: component F1, distribution license, type, architecture, producer,
  repository (equal after renames);
- the means.

When several MOT files name the same HF model (CodeT5+ sizes), the one whose
release name is closest to the HF repository name is the truth.

    python benchmarks/components_vs_mot.py [--verbose]

Exits 0 and says so when ../shared/mot is absent.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from motcrawl.analysis import datasets as ds  # noqa: E402
from motcrawl.analysis import github as gh  # noqa: E402
from motcrawl.analysis.detect import detect_components, included  # noqa: E402
from motcrawl.analysis.evidence import build_evidence  # noqa: E402
from motcrawl.analysis.licenses import detect_license, normalize_license  # noqa: E402
from motcrawl.analysis.lookups import RepoResult, plan_for  # noqa: E402
from motcrawl.analysis.release import release_fields  # noqa: E402
from motcrawl.mof.framework import NAMES  # noqa: E402
from motcrawl.web.hf import model_id_or_none  # noqa: E402
from tests.fakes.hub import CASSETTE_DIR, load_cassettes  # noqa: E402

MOT_DIRS = [p / "shared" / "mot" / "models" for p in (ROOT.parent, ROOT.parent.parent)]
GH_FIXTURES = ROOT / "tests" / "fixtures" / "github"
DS_FIXTURES = ROOT / "tests" / "fixtures" / "hub_datasets"
WEB = "https://github.com"


def load_mot(models_dir: Path) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    by_id: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path in sorted(models_dir.glob("*.yml")):
        try:
            release = (yaml.safe_load(path.read_text()) or {}).get("release") or {}
        except yaml.YAMLError:
            continue
        model_id = model_id_or_none(release.get("huggingface"))
        if model_id:
            by_id.setdefault(model_id.lower(), []).append((path.name, release))
    return by_id


def pick(entries: list[tuple[str, dict[str, Any]]], model_id: str) -> tuple[str, dict]:
    repo = model_id.split("/")[-1].lower()
    return max(entries, key=lambda e: difflib.SequenceMatcher(
        None, str(e[1].get("name", "")).lower(), repo).ratio())


def fixture_models() -> dict[str, dict[str, Any]]:
    recorded = load_cassettes(str(CASSETTE_DIR))
    out: dict[str, dict[str, Any]] = {}
    for (method, path), rec in recorded.items():
        if method != "GET" or not path.startswith("/api/models/") or rec.status != 200:
            continue
        if path.endswith("/refs"):
            continue
        info = json.loads(rec.body)
        if not isinstance(info, dict) or "siblings" not in info:
            continue
        model_id = info["id"]
        readme = recorded.get(("GET", f"/{model_id}/resolve/main/README.md"))
        refs = recorded.get(("GET", f"/api/models/{model_id}/refs"))
        out[model_id] = {
            "info": info,
            "card": readme.body.decode("utf-8", "replace") if readme and readme.status == 200
            else None,
            "card_status": "ok" if readme and readme.status == 200 else
            ("gated" if readme and readme.status in (401, 403) else "missing"),
            "refs": [b["name"] for b in json.loads(refs.body).get("branches", [])]
            if refs and refs.status == 200 else None,
        }
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.exists() else None


def lookup_repo(key: str) -> RepoResult:
    """What the crawl would learn about one repository from the fake GitHub's fixtures."""
    renames = {k.lower(): v for k, v in (_json(GH_FIXTURES / "renames.json") or {}).items()}
    full = renames.get(key, key)
    matches = [p for p in (GH_FIXTURES / "repos").glob("*.json")
               if p.stem.replace("__", "/").lower() == full.lower()]
    if not matches:
        return RepoResult("missing", note=f"GitHub: {key} does not exist (404)")
    repo = gh.parse_repo(_json(matches[0]))
    tree_payload = _json(GH_FIXTURES / "trees" / matches[0].name)
    tree = gh.parse_tree(tree_payload) if tree_payload else None
    return RepoResult("found", "api", repo, tree, canonical=repo.full_name)


def lookup_dataset(dataset_id: str) -> dict[str, Any]:
    payload = _json(DS_FIXTURES / (dataset_id.replace("/", "__") + ".json"))
    return ds.parse_dataset_info(payload) if payload else ds.missing("not on the Hub (401)")


def draft(model_id: str, fx: dict[str, Any]) -> dict[str, Any]:
    plan = plan_for(model_id, fx["info"], fx["card"], budget=None)
    while (step := plan.next_step()) is not None:
        kind, key = step
        if kind == "dataset":
            plan.record_dataset(key, lookup_dataset(key))
        else:
            plan.record_repo(key, lookup_repo(key))
    github = plan.github_evidence(WEB)
    ev = build_evidence(model_id, fx["info"], fx["card"], fx["card_status"], refs=fx["refs"],
                        github=github, datasets=plan.datasets)
    comps = {d.name for d in included(detect_components(ev))}
    fields = release_fields(ev)
    lic = detect_license(ev.card_data, ev.tags, ev.files)
    return {"components": comps, "type": fields["type"].value,
            "architecture": fields["architecture"].value, "producer": fields["producer"].value,
            "license": lic.name, "repository": (github or {}).get("repository", ""),
            "renamed_from": (github or {}).get("renamed_from", "")}


def _repo_key(url: Any) -> str:
    ref = gh.parse_repo_ref(url) if isinstance(url, str) else None
    return f"{ref[0]}/{ref[1]}".lower() if ref else ""


def _same_license(ours: str, theirs: Any) -> bool:
    a, b = normalize_license(ours), normalize_license(theirs)
    return bool(a and b and a.lower() == b.lower())


def main(argv: list[str]) -> int:
    models_dir = next((d for d in MOT_DIRS if d.is_dir()), None)
    if models_dir is None:
        print("skipped: MOT reference data (../shared/mot/models) not found")
        return 0
    verbose = "--verbose" in argv
    mot = load_mot(models_dir)
    fixtures = fixture_models()
    pairs = [(mid, fx, *pick(mot[mid.lower()], mid)) for mid, fx in sorted(fixtures.items())
             if mid.lower() in mot]
    if not pairs:
        print("no fixture model is in MOT")
        return 0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    rows = []
    agree: dict[str, list[bool]] = {k: [] for k in ("license", "type", "architecture",
                                                    "producer", "repository")}
    f1s = []
    for model_id, fx, mot_file, truth in pairs:
        ours = draft(model_id, fx)
        true_comps = {c.get("name") for c in truth.get("components") or []
                      if isinstance(c, dict) and not _marked_absent(c)}
        true_comps &= set(NAMES)
        for name in NAMES:
            if name in ours["components"] and name in true_comps:
                tp[name] += 1
            elif name in ours["components"]:
                fp[name] += 1
            elif name in true_comps:
                fn[name] += 1
        hit = len(ours["components"] & true_comps)
        prec = hit / len(ours["components"]) if ours["components"] else 0.0
        rec = hit / len(true_comps) if true_comps else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        lic_truth = ((truth.get("license") or {}).get("distribution") or {}).get("name")
        checks = {
            "license": _same_license(ours["license"], lic_truth) if lic_truth else None,
            "type": (ours["type"] == truth.get("type")) if truth.get("type") else None,
            "architecture": _arch_agrees(ours["architecture"], truth.get("architecture"))
            if truth.get("architecture") else None,
            "producer": _producer_agrees(ours["producer"], truth.get("producer"))
            if truth.get("producer") else None,
            "repository": (_repo_key(truth.get("repository")) in
                           {_repo_key(ours["repository"]), ours["renamed_from"].lower()})
            if _repo_key(truth.get("repository")) else None,
        }
        for key, value in checks.items():
            if value is not None:
                agree[key].append(value)
        rows.append((model_id, mot_file, f1, checks, ours, true_comps))

    print(f"{len(pairs)} fixture models found in MOT ({models_dir})\n")
    print(f"{'component':34} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>7}")
    for name in NAMES:
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else float("nan")
        r = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else float("nan")
        print(f"{name:34} {tp[name]:>3} {fp[name]:>3} {fn[name]:>3} {p:>9.2f} {r:>7.2f}")
    all_tp, all_fp, all_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'all (micro)':34} {all_tp:>3} {all_fp:>3} {all_fn:>3} "
          f"{all_tp / max(1, all_tp + all_fp):>9.2f} {all_tp / max(1, all_tp + all_fn):>7.2f}")
    print()
    print(f"{'model':42} {'MOT file':30} {'F1':>5}  lic  type arch prod repo")
    mark = {True: "yes", False: "NO", None: "-"}
    for model_id, mot_file, f1, checks, ours, true_comps in rows:
        print(f"{model_id:42} {mot_file[:30]:30} {f1:>5.2f}  "
              + " ".join(f"{mark[checks[k]]:>4}" for k in ("license", "type", "architecture",
                                                           "producer", "repository")))
        if verbose:
            print(f"    missed: {sorted(true_comps - ours['components'])}")
            print(f"    extra:  {sorted(ours['components'] - true_comps)}")
            print(f"    ours: type={ours['type']} arch={ours['architecture']} "
                  f"producer={ours['producer']} license={ours['license']} "
                  f"repo={ours['repository']}")
    print()
    print(f"mean component F1: {sum(f1s) / len(f1s):.3f} (n={len(f1s)})")
    for key, values in agree.items():
        share = sum(values) / len(values) if values else float("nan")
        print(f"{key} agreement: {share:.2f} ({sum(values)}/{len(values)})")
    return 0


def _marked_absent(component: dict[str, Any]) -> bool:
    """MOT's curators list some components with the license "Component not included"
    (spelled several ways): the entry says the component is absent."""
    return "not includ" in str(component.get("license") or "").lower()


def _producer_agrees(ours: str, truth: Any) -> bool:
    """Same words, or one name's words all within the other's.

    Curators write "Mistral" or "DeepSeek AI", "Technology Innovation Institute,
    LightOn": a draft naming "Mistral AI" or "Technology Innovation Institute"
    names the same producer.
    """
    def words(text: Any) -> set[str]:
        return set(re.findall(r"[a-z0-9]+", str(text).lower()))

    a, b = words(ours), words(truth)
    return bool(a and b) and (a <= b or b <= a)


def _arch_agrees(ours: str, truth: Any) -> bool:
    """Equal, or MOT's generic "transformer" for any transformer variant we name.

    MOF's list has both "decoder" and "transformer decoder"; MOT's curators use
    them interchangeably for decoder-only transformers (Mistral-7B, phi-2 are
    "decoder", Llama and Falcon "transformer decoder"), so they count as one.
    """
    a, b = ours.lower().strip(), str(truth).lower().strip()
    same = {"decoder": "transformer decoder", "encoder": "transformer encoder"}
    a, b = same.get(a, a), same.get(b, b)
    return a == b or (b == "transformer" and a.startswith("transformer"))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
