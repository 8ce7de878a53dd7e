"""A model's GitHub repository: which one it is, and what it holds.

Plain functions, no Scrapy. The spider asks :func:`candidates` which
repositories to verify, builds the URLs with :func:`repo_api_url`,
:func:`tree_api_url` and :func:`html_url`, feeds the answers to
:func:`parse_repo`, :func:`parse_tree` and :func:`parse_rate_limit`, and hands
the result to :func:`repository_evidence`, whose dict is what
``ModelEvidence.github`` / ``ModelItem["github"]`` carry:

``{"repository": url, "license": spdx_or_None, "license_path": str,
"components": {MOF name: {"confidence", "evidence", "component_path"}},
"candidates": [{"repo", "url", "score", "source", "reasons", "status"}],
"verified": "api" | "head" | None, "note": str, "notes": [str], "full_name": str,
"default_branch": str, "renamed_from": str, "tree_truncated": bool}``

Why scores and not a single rule: a card links many repositories (the
training framework, the eval harness, llama.cpp...), and a gated card links
none. A repository whose name matches the model's family and whose owner
matches its organization is the model's own; a generic tool is not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import unquote

from motcrawl.analysis import cardtext
from motcrawl.analysis.licenses import normalize_license
from motcrawl.analysis.metadata import str_list
from motcrawl.web.urls import quote_path, quote_segment

# Verify candidates at or above this score; accept a verified one at or above ACCEPT.
MIN_TRY_SCORE = 0.5
ACCEPT_SCORE = 0.5
# A guessed organization/family repository that exists scores this.
GUESS_CONFIRMED = 0.85
# At most this many candidates per model cost a request.
MAX_TRIES = 3
# Below this X-RateLimit-Remaining only each model's best candidate gets an API call.
LOW_BUDGET = 10

_GITHUB_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})",
    re.I)
_OWNER_REPO_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})$")
# First path segments of github.com that are not users or organizations.
_NOT_OWNERS = {"sponsors", "orgs", "features", "topics", "settings", "marketplace", "apps",
               "about", "pricing", "login", "join", "collections", "explore", "site",
               "security", "enterprise", "notifications", "new", "trending", "readme"}
# Repositories many cards link that are never a model's own repository
# (motcrawl/data/generic_repos.json, each entry with why it is listed).
GENERIC_REPOS: frozenset[str] = frozenset(json.loads(resources.files("motcrawl").joinpath(
    "data/generic_repos.json").read_text("utf-8"))["generic_repos"])
# HF organizations whose GitHub account has another name (motcrawl/data/github_orgs.json,
# each entry with its source).
GITHUB_ORGS: dict[str, tuple[str, ...]] = {
    org: tuple(entry["accounts"])
    for org, entry in json.loads(resources.files("motcrawl").joinpath(
        "data/github_orgs.json").read_text("utf-8"))["github_orgs"].items()}
# Words in a link's text or line that say "this is the code".
_CODE_CONTEXT_RE = re.compile(
    r"\b(code|repo(sitory)?|github|source|training|train(ing)? code|pre-?train\w*|"
    r"implementation|codebase)\b", re.I)
# Tokens dropped from a model name to get its family name.
_NAME_NOISE_RE = re.compile(
    r"^(\d+(\.\d+)?[bmkt]|\d+x\d+(\.\d+)?[bm]|v?\d+(\.\d+)*[a-z]?|hf|base|instruct|chat|it|"
    r"sft|dpo|rlhf|gguf|ggml|awq|gptq|fp8|fp16|bf16|int4|int8|exl2|mlx|onnx|preview|"
    r"deduped|final|latest|pt|en|multilingual|uncensored|distill|distilled|\d{4})$", re.I)


_VERSION_RE = re.compile(r"v?\d+(\.\d+)?", re.I)

# What a repository is to the model, from how the card links it (motcrawl.analysis.repo_roles
# decides; the names are here so every module can read them from the evidence dict).
ROLE_MODEL = "model codebase"            # the model's own code
ROLE_TRAINING = "training library"       # "trained using X", "Library: X", "built on X"
ROLE_DATA = "data preparation"           # "Data Preparation", "preprocessing code"
ROLE_EVAL = "evaluation harness"         # "evaluated using X", "Evaluation code:"
ROLE_INFERENCE = "inference or demo code"  # "demo", "inference" (the producer's)
ROLE_OTHER = "other"                     # linked, but the card does not say for what
ROLE_GUESS = "organization guess"        # never linked: "a name with no link is not a release"
ROLE_GENERIC = "generic library"         # motcrawl/data/generic_repos.json


@dataclass
class Candidate:
    """A repository that may be the model's own, with why we think so."""

    owner: str
    name: str
    score: float
    source: str                      # card link | card data | organization guess
    reasons: list[str] = field(default_factory=list)
    status: str = "untried"          # untried | found | missing | unverified | error | skipped
    # The folder the card links when the repository holds several projects
    # (github.com/salesforce/CodeT5/tree/main/CodeT5+): tree rules read only that folder.
    subdir: str = ""
    # What the repository is to the model (ROLE_*) and the card's words that say so.
    role: str = ""
    role_why: str = ""

    @property
    def key(self) -> str:
        """Cache key: GitHub names are case-insensitive."""
        return f"{self.owner}/{self.name}".lower()

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def as_dict(self, web: str = "https://github.com") -> dict[str, Any]:
        out = {"repo": self.full_name, "url": html_url(web, self.full_name),
               "score": round(self.score, 2), "source": self.source,
               "reasons": self.reasons, "status": self.status}
        if self.subdir:
            out["subdir"] = self.subdir
        if self.role:
            out["role"] = self.role
            out["role_why"] = self.role_why
        return out


# -- URLs ---------------------------------------------------------------------
def repo_api_url(api: str, full_name: str) -> str:
    return f"{api.rstrip('/')}/repos/{quote_path(full_name)}"


def tree_api_url(api: str, full_name: str, branch: str) -> str:
    return f"{api.rstrip('/')}/repos/{quote_path(full_name)}/git/trees/{quote_segment(branch)}" \
           "?recursive=1"


def html_url(web: str, full_name: str) -> str:
    return f"{web.rstrip('/')}/{quote_path(full_name)}"


def path_url(web: str, full_name: str, branch: str, path: str, *, folder: bool) -> str:
    kind = "tree" if folder else "blob"
    return f"{html_url(web, full_name)}/{kind}/{quote_segment(branch)}/{quote_path(path)}"


def parse_repo_ref(text: Any) -> tuple[str, str] | None:
    """``(owner, name)`` from a github.com URL or an ``owner/name`` string."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    m = _GITHUB_URL_RE.match(text) or (_OWNER_REPO_RE.match(text) if "://" not in text
                                       else None)
    if not m:
        return None
    owner, name = m.group(1), m.group(2)
    name = re.sub(r"\.git$", "", name).rstrip(".")
    if owner.lower() in _NOT_OWNERS or not name or name in (".", ".."):
        return None
    return owner, name


_SUBDIR_RE = re.compile(r"^/tree/[^/?#]+/([^?#]+)")


def parse_repo_subdir(url: Any) -> str:
    """The folder a github.com link points into (``.../tree/main/CodeT5+`` -> ``CodeT5+``).

    Only ``/tree/<branch>/<folder>`` links: a ``/blob/`` link names a file (a
    README, a script), not the project's folder.
    """
    if not isinstance(url, str):
        return ""
    m = _GITHUB_URL_RE.match(url.strip())
    if not m:
        return ""
    sub = _SUBDIR_RE.match(url.strip()[m.end():])
    if not sub:
        return ""
    parts = [unquote(p) for p in sub.group(1).split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        return ""
    return "/".join(parts)


# -- candidates -----------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def family_names(model_id: str) -> list[str]:
    """The model's family name(s): its repository name without sizes, versions,
    treatments and organization words (``Meta-Llama-3-8B-Instruct`` -> ``llama3``)."""
    org, _, name = model_id.rpartition("/")
    org_tokens = {t.lower() for t in re.split(r"[-_.]", org) if t}
    tokens = [t for t in re.split(r"[-_\s]+", name) if t]
    if len(tokens) > 1 and tokens[0].lower() in org_tokens and not _NAME_NOISE_RE.match(
            tokens[1]):
        tokens = tokens[1:]  # Meta-Llama-3 under meta-llama: the family is Llama 3
    kept: list[str] = []
    for tok in tokens:
        if not _NAME_NOISE_RE.match(tok):
            kept.append(tok)
            continue
        if kept and _VERSION_RE.fullmatch(tok):
            kept.append(tok)  # Llama 3, DeepSeek V3: a bare version is part of the name
        if kept:
            break
    if not kept:
        return []
    dashed = "-".join(kept)
    joined = "".join(kept)
    # "llama3" rather than "llama-3": repositories drop the dash before a bare number.
    order = (joined, dashed) if re.fullmatch(r"\d+(\.\d+)?", kept[-1]) else (dashed, joined)
    return list(dict.fromkeys(n for n in order if len(n) >= 2))


def owned_by_producer(owner: str, model_id: str) -> bool:
    """The GitHub account is the model's Hub organization's own (same name, or one of
    its listed accounts in motcrawl/data/github_orgs.json)."""
    return _org_matches(owner, model_id.split("/")[0] if "/" in model_id else "")


def names_model_family(repo_name: str, model_id: str) -> bool:
    """The repository is named after the model's family (``incoder`` for incoder-6B)."""
    return _family_match(repo_name, family_names(model_id)) == 1.0


def family_stem(repo_name: str, model_id: str) -> bool:
    """The repository is named for the model's family or its stem (``CodeT5`` for
    codet5p-16b, ``amber-train`` for Amber)."""
    return _family_match(repo_name, family_names(model_id)) > 0


def _org_matches(owner: str, org: str) -> bool:
    if not org:
        return False
    options = {_norm(org)} | {_norm(o) for o in GITHUB_ORGS.get(org.lower(), ())}
    return _norm(owner) in options


def _family_match(name: str, families: list[str]) -> float:
    """1.0: the repository is named after the family (``OLMo``, ``llama3``, also
    ``granite-4.0-language-models``); 0.7: the family extends its name (``CodeT5``
    for ``codet5p``, ``DeBERTa`` for ``deberta-v3``); 0: unrelated."""
    repo = _norm(name)
    best = 0.0
    for fam in (_norm(f) for f in families):
        if not fam:
            continue
        if repo == fam or (len(fam) >= 4 and fam in repo):
            return 1.0
        if len(repo) >= 4 and fam.startswith(repo):
            best = 0.7
    return best


def score_candidate(owner: str, name: str, *, model_id: str, source: str,
                    context: str = "") -> Candidate:
    """Score one repository for one model (table-driven tests pin the weights)."""
    org = model_id.split("/")[0] if "/" in model_id else ""
    families = family_names(model_id)
    base = {"card data": 0.7, "card link": 0.35, "organization guess": 0.1}[source]
    reasons = [source]
    score = base
    family = _family_match(name, families)
    if family:
        score += 0.35 * family
        reasons.append("name matches the model family" if family == 1.0
                       else "name is the model family's stem")
    if _org_matches(owner, org):
        score += 0.2
        reasons.append("owner matches the Hub organization")
    if context and _CODE_CONTEXT_RE.search(context):
        score += 0.1
        reasons.append("linked as code")
    if f"{owner}/{name}".lower() in GENERIC_REPOS:
        score -= 0.4
        reasons.append("a generic library or tool")
    return Candidate(owner, name, round(max(0.0, min(0.95, score)), 2), source, reasons)


DATA_FIELDS = ("repository", "repo", "github", "code", "code_repository", "source_code",
                "github_repo", "repo_url", "code_url")


def candidates(model_id: str, card_body: str, card_data: dict[str, Any]) -> list[Candidate]:
    """Every repository that may be the model's own, best first (duplicates merged)."""
    found: dict[str, Candidate] = {}
    # Per repository: the folders the card links into ("" for a link to the whole repository).
    folders: dict[str, set[str]] = {}

    def add(cand: Candidate) -> None:
        current = found.get(cand.key)
        if current is None or cand.score > current.score:
            found[cand.key] = cand

    for key in DATA_FIELDS:
        values = card_data.get(key)
        for value in str_list(values):
            ref = parse_repo_ref(value)
            if ref:
                add(score_candidate(*ref, model_id=model_id, source="card data"))
    for link in cardtext.links(card_body):
        ref = parse_repo_ref(link.url)
        if ref:
            add(score_candidate(*ref, model_id=model_id, source="card link",
                                context=f"{link.text} {link.line}"))
            if "/blob/" not in link.url:
                folders.setdefault(f"{ref[0]}/{ref[1]}".lower(), set()).add(
                    parse_repo_subdir(link.url))
    for key, linked in folders.items():
        if key in found and len(linked) == 1 and "" not in linked:
            found[key].subdir = linked.pop()  # one folder, never the whole repository
    org = model_id.split("/")[0] if "/" in model_id else ""
    # A guess costs a request that often ends in 404: one name, on at most two accounts.
    owners = list(dict.fromkeys([*GITHUB_ORGS.get(org.lower(), ()), org]))[:2] if org else []
    families = family_names(model_id)
    for owner in owners if families else []:
        add(score_candidate(owner, families[0], model_id=model_id, source="organization guess"))
    order = {key: i for i, key in enumerate(found)}
    return sorted(found.values(), key=lambda c: (-c.score, c.source == "organization guess",
                                                 order[c.key]))


def to_try(cands: list[Candidate], *, remaining: int | None) -> list[Candidate]:
    """The candidates worth a request, best first: spend a scarce budget on the best."""
    good = [c for c in cands if c.score >= MIN_TRY_SCORE]
    limit = 1 if remaining is not None and remaining < LOW_BUDGET else MAX_TRIES
    return good[:limit]


# -- REST answers --------------------------------------------------------------------
@dataclass
class RepoInfo:
    full_name: str
    html_url: str
    default_branch: str
    license: str | None            # SPDX id, or None (no license, or NOASSERTION)
    license_key: str | None        # GitHub's key ("other" for a custom license)
    archived: bool = False
    fork: bool = False
    description: str = ""


def parse_repo(payload: Any) -> RepoInfo:
    """A ``GET /repos/{owner}/{repo}`` answer (ValueError when it is not one)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("full_name"), str):
        raise ValueError("not a repository answer (no full_name)")
    lic = payload.get("license") if isinstance(payload.get("license"), dict) else {}
    spdx = lic.get("spdx_id") if isinstance(lic.get("spdx_id"), str) else None
    license_name = normalize_license(spdx) if spdx and spdx != "NOASSERTION" else None
    return RepoInfo(
        full_name=payload["full_name"],
        html_url=str(payload.get("html_url") or ""),
        default_branch=str(payload.get("default_branch") or "main"),
        license=license_name,
        license_key=lic.get("key") if isinstance(lic.get("key"), str) else None,
        archived=bool(payload.get("archived")),
        fork=bool(payload.get("fork")),
        description=str(payload.get("description") or ""),
    )


@dataclass
class Tree:
    files: list[str]
    folders: list[str]
    truncated: bool
    submodules: list[str] = field(default_factory=list)  # vendored repositories (type commit)


def parse_tree(payload: Any) -> Tree:
    """A ``GET /repos/{o}/{r}/git/trees/{sha}?recursive=1`` answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("tree"), list):
        raise ValueError("not a git tree answer (no tree list)")
    files, folders, submodules = [], [], []
    for entry in payload["tree"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        kind = entry.get("type")
        (folders if kind == "tree" else submodules if kind == "commit" else files).append(
            entry["path"])
    return Tree(files, folders, bool(payload.get("truncated")), submodules)


@dataclass
class RateLimit:
    limit: int | None
    remaining: int | None
    reset: int | None
    resource: str | None


def parse_rate_limit(headers: dict[str, str]) -> RateLimit:
    """``X-RateLimit-*`` headers (names in any case)."""
    low = {k.lower(): v for k, v in headers.items()}

    def num(name: str) -> int | None:
        try:
            return int(str(low.get(name, "")).strip())
        except ValueError:
            return None

    return RateLimit(num("x-ratelimit-limit"), num("x-ratelimit-remaining"),
                     num("x-ratelimit-reset"), low.get("x-ratelimit-resource"))


def is_rate_limited(status: int, headers: dict[str, str]) -> bool:
    """GitHub says "budget spent" with 403 or 429 and ``X-RateLimit-Remaining: 0``
    (a 403 with budget left is a real refusal, e.g. a blocked repository)."""
    if status not in (403, 429):
        return False
    rl = parse_rate_limit(headers)
    low = {k.lower() for k in headers}
    return rl.remaining == 0 or (status == 429 and "retry-after" in low)


# -- the tree as component evidence ----------------------------------------------------
@dataclass(frozen=True)
class PathRule:
    component: str
    pattern: re.Pattern[str]
    confidence: float
    what: str
    folder: bool  # component_path points at the matching file's folder, not the file


def _rule(component: str, pattern: str, confidence: float, what: str,
          folder: bool = False) -> PathRule:
    return PathRule(component, re.compile(pattern, re.I), confidence, what, folder)


_PY = r"\.(py|sh|ipynb|rs|cpp|cu|jl|lua)$"
# Most specific first within a component; the strongest match per component wins.
PATH_RULES: tuple[PathRule, ...] = (
    _rule("Training code", r"(^|/)(pre)?train(ing|er)?([-_]\w+)?" + _PY, 0.85, "training script"),
    # Always a fine-tuning recipe for users (see is_recipe) unless the card says this model
    # was trained with the repository.
    _rule("Training code", r"(^|/)(fine[-_]?tun\w*|sft|dpo|rlhf|p[-_]?tuning)[\w-]*" + _PY, 0.8,
          "fine-tuning script"),
    _rule("Training code", r"(^|/)(scripts|recipes?)/(pre)?train\w*(/|" + _PY[:-1] + "$)", 0.85,
          "training scripts", folder=True),
    _rule("Training code", r"(^|/)(training|trainer|train)/.+" + _PY, 0.8,
          "training package", folder=True),
    _rule("Training code", r"(^|/)configs?/.*(train|pretrain|official).*\.(ya?ml|json)$", 0.65,
          "training configurations", folder=True),
    _rule("Evaluation code", r"(^|/)(lm[-_]?eval\w*|eval|evals|evaluation|evaluate|evaluator|"
                             r"benchmarks?)/.+\.(py|sh|ya?ml)$", 0.8, "evaluation code",
          folder=True),
    _rule("Evaluation code", r"(^|/)(run_)?eval(uate|uation)?\w*" + _PY, 0.8,
          "evaluation script"),
    _rule("Data preprocessing code", r"(^|/)\w*(preprocess|prepare|pre_process|dedup|"
                                     r"clean|filter|tokeni[sz]e(?!r))\w*" + _PY, 0.8,
          "data preparation script"),
    _rule("Data preprocessing code", r"(^|/)(data_prep|preprocessing|data_processing)/.+\.py$",
          0.75, "data preparation package", folder=True),
    # A plain data/ package mostly loads and samples batches: listed, not claimed.
    _rule("Data preprocessing code", r"(^|/)(data|dataset|datasets)/.+\.py$", 0.5,
          "data package", folder=True),
    _rule("Data preprocessing code", r"(^|/)train_tokenizer\w*" + _PY, 0.75,
          "tokenizer training"),
    _rule("Inference code", r"(^|/)(generate|generation|inference|infer|sample|sampling|"
                            r"chat|cli|demo|serve|server|example\w*|run_model)\w*\.py$", 0.8,
          "inference script"),
    _rule("Inference code", r"(^|/)(inference|examples?|demo|serving)/.+\.py$", 0.75,
          "inference examples", folder=True),
    _rule("Model architecture", r"(^|/)(modeling\w*|model|models?/\w+|transformer|"
                                r"architecture|layers?|attention)\.py$", 0.85,
          "model definition"),
    _rule("Model architecture", r"(^|/)(models?|modeling|arch|architectures?|nn|modules)/"
                                r".+\.py$", 0.75, "model package", folder=True),
    _rule("Evaluation results", r"(^|/)(evals?|results|eval_results|evaluation_results)/.+"
                                r"\.(json|csv|jsonl)$", 0.7, "evaluation result files",
          folder=True),
    # COMPONENT_RULES (Evaluation data): "data files in a linked repository": benchmark data
    # kept under the repository's evaluation code (Evaluation/HumanEval/data/*.jsonl,
    # evaluation/datasets/cmath/test.jsonl, benchmark/humaneval-x/cpp/data/*.jsonl.gz).
    # Prompt text files and result files are not data.
    _rule("Evaluation data", r"(^|/)(eval\w*|evaluation|benchmarks?)/(.+/)?(data|datasets?)/.+"
                             r"\.(jsonl|json|csv|tsv|parquet)(\.gz)?$", 0.7,
          "evaluation data files", folder=True),
    _rule("Technical report", r"^[^/]+\.pdf$", 0.7, "report at the repository root"),
    # Packaging says the repository's own code installs, not that separate supporting
    # tools were released: a finding for the reviewer, below the claim threshold.
    # (A Makefile is the repository's own task runner, alike.)
    _rule("Supporting libraries and tools", r"^(setup\.py|pyproject\.toml|setup\.cfg|Makefile)$",
          0.45, "installable package or build file"),
    # COMPONENT_RULES (Supporting libraries and tools): third-party libraries do not
    # count, and a dependency list or image names exactly those: a finding, not a claim.
    _rule("Supporting libraries and tools", r"^(requirements[\w.-]*\.txt|environment\.ya?ml|"
                                            r"Dockerfile[\w.-]*)$", 0.45,
          "dependencies and environment (third-party libraries)"),
)
# COMPONENT_RULES (Training code): "User fine-tuning recipes (LoRA/PEFT examples, third-party
# trainers in a snippet) do not count"; (Data preprocessing code) counts only the training
# codebase's corpus preparation. A model's repository that ships a fine-tuning script for its
# users (finetune.py, finetune/, fine-tune/, ptuning/, lora/, peft/, sft/, examples/) has not
# released what trained the checkpoint: such a path is a finding for the reviewer, below the
# claim threshold. The model's own training code (train.py, pretrain scripts, a training
# package or configs outside those folders) still claims.
_RECIPE_DIR_RE = re.compile(r"(^|/)(fine[-_]?tun\w*|p[-_]?tuning\w*|q?lora|peft|sft|examples?)/",
                            re.I)
_RECIPE_FILE_RE = re.compile(r"(^|/)(fine[-_]?tun\w*|sft|dpo|rlhf|p[-_]?tuning)[\w-]*\.\w+$",
                             re.I)
RECIPE_COMPONENTS = frozenset({"Training code", "Data preprocessing code"})
# A recipe is listed at most this confident (motcrawl.analysis.detect.INCLUDE_THRESHOLD is 0.5).
RECIPE_CAP = 0.45
RECIPE_WHAT = "fine-tuning recipe for users, not this model's training code"


def is_recipe(path: str) -> bool:
    """A fine-tuning script, or any file under a fine-tuning or examples folder."""
    return bool(_RECIPE_DIR_RE.search(path) or _RECIPE_FILE_RE.search(path))


_SKIP_PATH_RE = re.compile(r"(^|/)(\.github|\.vscode|tests?|docs?|\.devcontainer|node_modules|"
                           r"third_party|vendor)/", re.I)


def tree_components(tree: Tree, *, web: str, full_name: str, branch: str,
                    repo_confidence: float, subdir: str = "",
                    recipes_train: bool = False) -> dict[str, dict[str, Any]]:
    """Components the repository's files show, each with the paths as evidence
    and ``component_path`` at the best-matching file or folder.

    With ``subdir``, only that folder counts, read as if it were the repository
    root: a repository of several projects shows the linked project's code only.
    Fine-tuning recipes for users (:func:`is_recipe`) are findings below the claim
    threshold, unless ``recipes_train``: the card says this model was trained with the
    repository, so its fine-tuning code is this model's training code.
    """
    out: dict[str, dict[str, Any]] = {}
    folders = set(tree.folders)
    prefix = f"{subdir.strip('/')}/" if subdir.strip("/") else ""
    relative = {p[len(prefix):]: p for p in tree.files if p.startswith(prefix)}
    for rule in PATH_RULES:
        hits = [(rel, full) for rel, full in relative.items()
                if rule.pattern.search(rel) and not _SKIP_PATH_RE.search(rel)]
        confidence = round(rule.confidence * repo_confidence, 2)
        groups = [(rule.what, [full for _, full in hits], confidence)]
        if rule.component in RECIPE_COMPONENTS and not recipes_train:
            groups = [(rule.what, [full for rel, full in hits if not is_recipe(rel)], confidence),
                      (f"{RECIPE_WHAT} ({rule.what})",
                       [full for rel, full in hits if is_recipe(rel)],
                       min(confidence, RECIPE_CAP))]
        for what, paths, conf in groups:
            if paths:
                _add_paths(out, rule, what, paths, conf, web=web, full_name=full_name,
                           branch=branch, folders=folders)
    submodules = [m for m in tree.submodules if m.startswith(prefix)]
    if submodules and "Supporting libraries and tools" not in out:
        out["Supporting libraries and tools"] = {
            "confidence": round(0.7 * repo_confidence, 2),
            "evidence": [_paths_evidence("submodules", submodules)],
            "component_path": path_url(web, full_name, branch, submodules[0], folder=True)}
    for entry in out.values():
        entry["evidence"] = [f"{full_name}: {e}" for e in entry["evidence"]]
    return out


def _add_paths(out: dict[str, dict[str, Any]], rule: PathRule, what: str, hits: list[str],
               confidence: float, *, web: str, full_name: str, branch: str,
               folders: set[str]) -> None:
    """One rule's matching paths into ``out``: the stronger finding leads, the other's
    evidence follows."""
    hits = sorted(hits, key=lambda p: (p.count("/"), len(p), p))
    current = out.get(rule.component)
    if current is not None and current["confidence"] >= confidence:
        current["evidence"].append(_paths_evidence(what, hits))
        return
    target = hits[0].rsplit("/", 1)[0] if rule.folder and "/" in hits[0] else hits[0]
    out[rule.component] = {
        "confidence": confidence,
        "evidence": [_paths_evidence(what, hits)] + ([current["evidence"][0]] if current else []),
        "component_path": path_url(web, full_name, branch, target,
                                   folder=target in folders or target != hits[0])}


def _paths_evidence(what: str, hits: list[str]) -> str:
    shown = ", ".join(hits[:3]) + (f" (+{len(hits) - 3} more)" if len(hits) > 3 else "")
    return f"{what}: {shown}"


def license_path(tree: Tree | None, *, web: str, full_name: str, branch: str) -> str:
    if tree is not None:
        for path in tree.files:
            if re.fullmatch(r"(LICEN[CS]E|COPYING)(\.\w+)?", path, re.I):
                return path_url(web, full_name, branch, path, folder=False)
    return f"{html_url(web, full_name)}#license"


# -- the evidence dict ---------------------------------------------------------------
def repository_evidence(
    cands: list[Candidate],
    *,
    chosen: Candidate | None,
    repo: RepoInfo | None,
    tree: Tree | None,
    web: str,
    verified: str | None,
    notes: list[str],
    canonical: str = "",
    repo_confidence: float | None = None,
    recipes_train: bool = False,
) -> dict[str, Any]:
    """The ``github`` evidence dict of one model (see the module docstring).

    ``repo_confidence`` is what the chosen repository lends its paths (its score unless
    its role says otherwise, see ``motcrawl.analysis.repo_roles.repo_confidence``);
    ``recipes_train``: its fine-tuning code trained this model (see :func:`tree_components`)."""
    out: dict[str, Any] = {
        "repository": "", "license": None, "license_path": "", "components": {},
        "candidates": [c.as_dict(web) for c in cands[:8]], "verified": verified,
        "note": "", "full_name": "", "default_branch": "", "renamed_from": "",
        "tree_truncated": False,
    }
    if chosen is not None and verified:
        full_name = repo.full_name if repo else (canonical or chosen.full_name)
        branch = repo.default_branch if repo else "main"
        out.update(repository=html_url(web, full_name), full_name=full_name,
                   default_branch=branch if repo else "")
        if full_name.lower() != chosen.full_name.lower():
            out["renamed_from"] = chosen.full_name
            notes.append(f"GitHub: {chosen.full_name} was renamed to {full_name}")
        if repo and repo.license:
            out["license"] = repo.license
            out["license_path"] = license_path(tree, web=web, full_name=full_name,
                                               branch=branch)
        elif repo and repo.license_key == "other":
            notes.append(f"GitHub: {full_name} has a custom license (not an SPDX id); "
                         "code license not set")
        if repo and repo.archived:
            notes.append(f"GitHub: {full_name} is archived")
        if repo and repo.fork:
            notes.append(f"GitHub: {full_name} is a fork; check it is the producer's own")
        if tree is not None:
            out["components"] = tree_components(tree, web=web, full_name=full_name,
                                                branch=branch,
                                                repo_confidence=chosen.score
                                                if repo_confidence is None else repo_confidence,
                                                subdir=chosen.subdir,
                                                recipes_train=recipes_train)
            if chosen.subdir:
                notes.append(f"GitHub: the card links the folder {chosen.subdir}/ of "
                             f"{full_name}; only its files count as evidence")
            out["tree_truncated"] = tree.truncated
            if tree.truncated:
                notes.append(f"GitHub: the file tree of {full_name} was truncated; "
                             "components may be missing")
    if out["repository"]:
        how = "its API answer" if verified == "api" else "a HEAD request only"
        role = f" as the {chosen.role}" if chosen.role else ""
        notes.insert(0, f"GitHub: repository {out['full_name']}{role} (score {chosen.score:.2f}, "
                        f"{', '.join(chosen.reasons)}), confirmed by {how}")
    out["notes"] = list(dict.fromkeys(notes))
    out["note"] = "; ".join(out["notes"])
    return out
