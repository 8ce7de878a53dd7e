"""What each repository a card links is to the model, and what its files may claim.

Plain functions, no Scrapy. A card links several repositories, each for something
else: the model's own code, the training library it was trained with, the data
preparation code, the harness that produced its results. The curator's rules
(``../shared/mot/COMPONENT_RULES.md``) depend on that role:

- Data preprocessing code: "the linked training codebase contains code that prepares
  the training corpus";
- Training code: "the code actually used to train this checkpoint, released or linked
  as the model's training codebase";
- Inference code: "code from the producer that runs the model";
- Evaluation code: "the producer's evaluation scripts for this model, or an evaluation
  harness the card links as the one that produced its reported results";
- Supporting libraries and tools: "a reusable library, framework or tool released by the
  producer's organisation and linked from the card ... Third-party libraries ... do not
  count";
- and the general rule: "A name with no link is not a release": a repository guessed
  from the organization and family names claims nothing.

:func:`role_of` reads how the card links one repository (the link's text, the field
label before it, the sentence it stands in, the repository's name);
:func:`claimable` says which components a repository in that role may claim;
:func:`role_components` turns its tree's findings into claims and findings; and
:func:`worth_reading` says whether a linked repository other than the chosen one is
worth its two GitHub requests (only when its role can claim something).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from motcrawl.analysis import cardtext
from motcrawl.analysis import github as gh
from motcrawl.analysis.detect import INCLUDE_THRESHOLD, PRODUCED_WITH_RE, TRAINED_WITH_RE
from motcrawl.analysis.metadata import str_list
from motcrawl.mof.framework import NAMES

# Linked repositories read per model besides the chosen one (each costs a repository and
# a tree request, once per crawl).
MAX_EXTRA = 3
# A role the card states lends its repository's paths this confidence (the model's own
# codebase keeps its candidate score, as before roles existed).
ROLE_CONFIDENCE = 0.8
# What a repository shows but its role may not claim stays a finding at most this.
FINDING_CAP = 0.45
# The repository as a whole stands for its role's component when no path rule matched
# (a data preparation repository whose scripts have other names): below a matched path.
WHOLE_REPO = 0.65

TRAINING = "Training code"
PREPROCESSING = "Data preprocessing code"
INFERENCE = "Inference code"
EVALUATION = "Evaluation code"
SUPPORTING = "Supporting libraries and tools"
ARCHITECTURE = "Model architecture"
_EVAL_SET = frozenset({EVALUATION, "Evaluation data", "Evaluation results"})

# Words that say what a link is for. Matched on the link's text, the field label before it
# ("- Library: [<library>](...)", "- Evaluation code: https://..."), and (data, evaluation)
# the repository's own name ("<family>-data-prep", "<family>-Eval", "<org>-evaluation-harness").
_DATA_RE = re.compile(r"data[ _-]?prep\w*|prepar\w*\s+(the\s+)?(training\s+)?(data|corpus)|"
                      r"\bpre-?process\w*|data[ _-]?process\w*|data[ _-]?pipeline|\bdedup\w*|"
                      r"data[ _-]?clean\w*", re.I)
_EVAL_RE = re.compile(r"\beval(s|uation|uations|uate|uated)?\b|\bharness\b|\bbenchmarks?\b",
                      re.I)
# "Training Code", "RWKV-5 training: ...", "pre-training scripts"; not "fine-tuning code"
# (COMPONENT_RULES: user fine-tuning recipes are not training code) nor "pretrained".
_TRAIN_RE = re.compile(r"\b(pre-?)?train(ing)?\b", re.I)
# The Hub card template's field for the library the model was trained with.
_LIBRARY_LABEL_RE = re.compile(r"^(training\s+)?(library|libraries|framework|codebase|"
                               r"code\s?base|software)$", re.I)
# "Further fine-tuning code": a recipe for users, not how this model was made.
_FINETUNE_RE = re.compile(r"\bfine-?tun\w*", re.I)
# The card template's field for the model's own repository ("- **Repository:** <url>").
_REPO_LABEL_RE = re.compile(r"^(github\s+|code\s+|model\s+)?(repo|repository|code|codebase|"
                            r"source\s+code)$", re.I)
_CODE_WORDS_RE = re.compile(r"\b(code|codebase|source|repo|repository|github|implementation)\b",
                            re.I)
_INFERENCE_RE = re.compile(r"\b(demo|inference|generat(e|ion)|serving|chat|api|cli|"
                           r"examples?|usage)\b", re.I)
# The link follows the verb's preposition: "trained ... using [X]", "obtained using the
# [X] evaluation suite", "together with [jax]", "built on [X]".
_CONNECTOR_END_RE = re.compile(r"\b(using|with|via|through|by|from|upon)\s+"
                               r"(the\s+|our\s+|its\s+|a\s+|an\s+)?[\w\s'-]{0,25}$", re.I)
_BUILT_ON_RE = re.compile(r"\bbuilt\s+(on|upon|with|using)\s+(the\s+|our\s+)?[\w\s'-]{0,25}$",
                          re.I)
# A link to an image, a document or a data file is no link to the repository's code
# ("trained using the [color values dataset](.../skin_tone_dataset.csv)").
_ASSET_RE = re.compile(r"\.(png|jpe?g|gif|svg|webp|ico|mp4|pdf|csv|tsv|jsonl?|parquet|txt|zip|"
                       r"gz|tar)(\?|#|$)|[?&]raw=true", re.I)
_MD_LINK_RE = re.compile(r"\[([^\]]{0,300})\]\([^)\s]{1,500}\)")


@dataclass(frozen=True)
class Role:
    """What one repository is to the model, and the card's words that say so."""

    kind: str                # one of github.ROLE_*
    why: str = ""
    owned: bool = False      # the producer's own GitHub account (github.owned_by_producer)
    family: bool = False     # named for the model's family (a first author's account)
    produced: bool = False   # evaluation: the card says it produced the reported results
    stated: bool = False     # the card's own words name the role (a field label, a verb)
    trained: bool = False    # the card says this model was trained with it ("trained using")

    @property
    def own(self) -> bool:
        """The producer's code: its account, or a repository named for the model."""
        return self.owned or self.family


def _key(url: str) -> str:
    ref = gh.parse_repo_ref(url) if "github.com" in url.lower() else None
    return f"{ref[0]}/{ref[1]}".lower() if ref else ""


def _before(container: str, link: cardtext.Link) -> str:
    """The text of ``container`` (the link's line or sentence) before the link."""
    at = container.find(link.url)
    if at < 0:
        return ""
    prefix = container[:at]
    if prefix.endswith("]("):
        prefix = prefix[:prefix.rfind("[")]
    elif re.search(r"<a\s[^>]*href=[\"']$", prefix, re.I):
        prefix = prefix[:prefix.lower().rfind("<a")]
    return prefix


def _label(link: cardtext.Link) -> str:
    """The field label the link stands after ("- **Library**: [X](...)" -> "Library")."""
    prefix = re.sub(r"[*_`#>]", "", _before(link.line, link)).strip()
    if not prefix.endswith(":"):
        return ""
    label = re.split(r"[.;|]\s|^\s*[-+]\s", prefix[:-1])[-1]
    return " ".join(label.split()).strip(" -")


def _words(text: str) -> str:
    return re.sub(r"[_\W]+", " ", text)


def _url_path_words(url: str) -> str:
    """The file or folder a link points into (".../blob/main/API_DEMO_CHAT.py")."""
    m = re.match(r"^https?://(www\.)?github\.com/[^/]+/[^/?#]+(.*)$", url, re.I)
    return _words(m.group(2)) if m else ""


def _names_family(text: str, model_id: str) -> bool:
    """The link's text names the model's family as a word ("[Google's mT5](...)")."""
    families = gh.family_names(model_id)
    # The family's first word too: "mT5" for the mt5-large family.
    names = [*families, *(f.split("-")[0] for f in families[:1])]
    return any(re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", text, re.I)
               for name in names if len(name) >= 3)


def _stated(link: cardtext.Link, verbs: re.Pattern[str]) -> bool:
    """The link's sentence says so before the link: the verb ("trained", "obtained") and
    its preposition right before it ("using [X]")."""
    # Earlier links read as their text: "using [Megatron-LM](...) and [NeMo-RL](...)".
    prefix = _MD_LINK_RE.sub(r"\1", _before(link.sentence or link.line, link))
    return bool(verbs.search(prefix) and _CONNECTOR_END_RE.search(prefix))


def card_links(key: str, body: str) -> list[cardtext.Link]:
    """The card's links to one repository (``owner/name`` in lower case)."""
    return [lk for lk in cardtext.links(body) if _key(lk.url) == key]


def _in_card_data(key: str, card_data: dict[str, Any]) -> bool:
    for field in gh.DATA_FIELDS:
        for value in str_list(card_data.get(field)):
            ref = gh.parse_repo_ref(value)
            if ref and f"{ref[0]}/{ref[1]}".lower() == key:
                return True
    return False


def role_of(cand: gh.Candidate, body: str, card_data: dict[str, Any], model_id: str) -> Role:
    """The repository's role, from how the card links it; the most specific wins:
    data preparation or evaluation by the repository's name, the model's codebase (named
    for its family, or in the card data), data preparation or evaluation by the link's
    words, a training library, the model's codebase by code words, inference or demo code,
    and otherwise "other". A repository the card never links is a guess."""
    owned = gh.owned_by_producer(cand.owner, model_id)
    family = gh.family_stem(cand.name, model_id)

    def role(kind: str, why: str, produced: bool = False, stated: bool = False,
             trained: bool = False) -> Role:
        return Role(kind, " ".join(why.split())[:160], owned, family, produced, stated,
                    trained)

    if cand.key in gh.GENERIC_REPOS:
        return role(gh.ROLE_GENERIC, "listed in motcrawl/data/generic_repos.json")
    every = card_links(cand.key, body)
    links = [lk for lk in every if not _ASSET_RE.search(lk.url)]
    data_field = _in_card_data(cand.key, card_data)
    if not links and not data_field:
        if every:
            return role(gh.ROLE_OTHER, f"linked only for a file: {every[0].url}")
        return role(gh.ROLE_GUESS, "not linked from the card: guessed from the organization "
                                   "and family names")
    name = _words(cand.name)
    said = [(lk, f"{lk.text if lk.text != lk.url else ''} {_label(lk)}") for lk in links]

    def first(pattern: re.Pattern[str]) -> cardtext.Link | None:
        return next((lk for lk, words in said if pattern.search(words)), None)

    def shown(lk: cardtext.Link) -> str:
        return cardtext.near(lk)

    produced = [lk for lk in links if _stated(lk, PRODUCED_WITH_RE)]
    if _DATA_RE.search(name):
        return role(gh.ROLE_DATA, shown(links[0]))
    if _EVAL_RE.search(name):
        return role(gh.ROLE_EVAL, shown((produced or links)[0]), bool(produced))
    if family or data_field:
        return role(gh.ROLE_MODEL, "named for the model's family" if family
                    else "the card data names it", stated=data_field)
    named = [lk for lk in links if _names_family(lk.text, model_id)]
    if named:
        return role(gh.ROLE_MODEL, f"the link names the model: {shown(named[0])}")
    labelled = [lk for lk in links if _REPO_LABEL_RE.match(_label(lk))]
    if labelled:
        # A fine-tune's "Repository:" is where it was fine-tuned (zephyr-orpo's
        # alignment-handbook): its fine-tuning code is this model's training code.
        return role(gh.ROLE_MODEL, shown(labelled[0]), stated=True,
                    trained=_fine_tune_of_another(card_data, model_id))
    if (lk := first(_DATA_RE)) is not None:
        return role(gh.ROLE_DATA, shown(lk))
    evaluated = [lk for lk in produced if _EVAL_RE.search(lk.sentence or lk.line)]
    if (lk := first(_EVAL_RE)) is not None or evaluated:
        return role(gh.ROLE_EVAL, shown(evaluated[0] if evaluated else lk), bool(produced))
    trained = [lk for lk in links if _stated(lk, TRAINED_WITH_RE)
               or _BUILT_ON_RE.search(_MD_LINK_RE.sub(r"\1", _before(lk.sentence or lk.line,
                                                                       lk)))]
    if trained:
        return role(gh.ROLE_TRAINING, shown(trained[0]), stated=True, trained=True)
    for lk in links:
        if _LIBRARY_LABEL_RE.match(_label(lk)) or _TRAIN_RE.search(f"{lk.text} {_label(lk)}"):
            return role(gh.ROLE_TRAINING, shown(lk), stated=True)
    if (lk := first(_FINETUNE_RE)) is not None:
        return role(gh.ROLE_OTHER, f"fine-tuning for users: {shown(lk)}")
    if (lk := first(_CODE_WORDS_RE)) is not None:
        return role(gh.ROLE_MODEL, shown(lk))
    for lk, words in said:
        if _INFERENCE_RE.search(f"{words} {_url_path_words(lk.url)}"):
            return role(gh.ROLE_INFERENCE, shown(lk))
    return role(gh.ROLE_OTHER, shown(links[0]))


def _fine_tune_of_another(card_data: dict[str, Any], model_id: str) -> bool:
    """The card data names another model as this one's base (``base_model``)."""
    return any(b.strip().lower() != model_id.lower()
               for b in str_list(card_data.get("base_model")) if b.strip())


def recipes_train(role: Role | None) -> bool:
    """The repository's fine-tuning code trained this model, so its fine-tuning scripts are
    this model's training code (``github.tree_components(recipes_train=...)``): the card says
    the model was trained with it ("trained using [X]", TRAINED_WITH_RE), or names it as the
    repository of a model fine-tuned from another. Otherwise fine-tuning recipes in a model's
    repository are for its users (COMPONENT_RULES, Training code)."""
    return role is not None and role.trained


def claimable(role: Role) -> frozenset[str]:
    """The components a repository in this role may claim (everything else it shows stays
    a finding below the claim threshold)."""
    if role.kind == gh.ROLE_MODEL:
        return frozenset(NAMES)
    if role.kind == gh.ROLE_TRAINING:
        # Another organisation's library is this model's training code only when the card
        # says the model was trained with it (a "Library:" field alone is no such sentence);
        # only the producer's own code counts as inference code or a supporting tool.
        if not (role.own or role.trained):
            return frozenset()
        # The codebase that trained this checkpoint defines its architecture: it is "the
        # model's code" in COMPONENT_RULES' sense (Model architecture), where its tree shows
        # model-definition files.
        return frozenset({TRAINING, PREPROCESSING, ARCHITECTURE}
                         | ({INFERENCE} if role.own else set())
                         | ({SUPPORTING} if role.owned else set()))
    if role.kind == gh.ROLE_DATA:
        return frozenset({PREPROCESSING})
    if role.kind == gh.ROLE_EVAL:
        if not (role.own or role.produced):
            return frozenset()  # a harness offered to users, not this model's evaluation
        return _EVAL_SET | ({SUPPORTING} if role.owned else frozenset())
    if role.kind == gh.ROLE_INFERENCE and role.own:
        return frozenset({INFERENCE})
    return frozenset()  # other, guess, generic


def worth_reading(role: Role) -> bool:
    """A linked repository besides the chosen one is read when its role can claim something
    and it is the producer's, or the card says the model was trained, evaluated or prepared
    with it (a repository linked for nothing in particular costs no request)."""
    if not claimable(role):
        return False
    return role.own or role.stated or role.kind in (gh.ROLE_TRAINING, gh.ROLE_DATA,
                                                    gh.ROLE_EVAL)


def repo_confidence(role: Role, score: float) -> float:
    """The confidence a repository lends its paths: the model's codebase keeps its
    candidate score; a role the card states ("Repository:", "Library:", "evaluated
    using") is as sure as the card's words."""
    if role.kind == gh.ROLE_GUESS or (role.kind == gh.ROLE_MODEL and not role.stated):
        return score
    return max(score, ROLE_CONFIDENCE)


_WHOLE = {gh.ROLE_TRAINING: TRAINING, gh.ROLE_DATA: PREPROCESSING, gh.ROLE_EVAL: EVALUATION}
_CODE_FILE_RE = re.compile(r"\.(py|sh|ipynb|rs|cpp|cu|jl|lua|go|java|js|ts|scala)$", re.I)


def role_components(components: dict[str, dict[str, Any]], role: Role, *, tree: gh.Tree,
                    web: str, full_name: str, branch: str,
                    subdir: str = "") -> dict[str, dict[str, Any]]:
    """A repository's tree findings (``github.tree_components``) as its role allows:
    components outside :func:`claimable` are capped at FINDING_CAP with the reason in their
    evidence; the role's own component is claimed for the whole repository when no path
    matched (the card says what the repository is); the producer's own training library or
    harness is its supporting tool."""
    allowed = claimable(role)
    out: dict[str, dict[str, Any]] = {}
    for name, entry in components.items():
        item = {**entry, "evidence": list(entry.get("evidence", []))}
        if name not in allowed and item["confidence"] > FINDING_CAP:
            item["confidence"] = FINDING_CAP
            item["evidence"].append(f"{full_name}: linked as {_as(role)}; not claimed for "
                                    "this model")
        out[name] = item
    prefix = f"{subdir.strip('/')}/" if subdir.strip("/") else ""
    has_code = any(_CODE_FILE_RE.search(f) for f in tree.files if f.startswith(prefix))
    root = gh.path_url(web, full_name, branch, prefix.rstrip("/"), folder=True) if prefix \
        else gh.html_url(web, full_name)
    whole = _WHOLE.get(role.kind)
    claims = [whole] if whole in allowed else []
    if role.owned and SUPPORTING in allowed and role.kind in (gh.ROLE_TRAINING, gh.ROLE_EVAL):
        claims.append(SUPPORTING)
    for name in claims:
        current = out.get(name)
        if not has_code or (current is not None and current["confidence"] >= INCLUDE_THRESHOLD):
            continue
        what = ("the producer's own " if name == SUPPORTING else "") + role.kind
        out[name] = {"confidence": WHOLE_REPO,
                     "evidence": [f"{full_name}: the card links it as {what} ({role.why})",
                                  *(current["evidence"] if current else [])],
                     "component_path": root}
    return out


def _as(role: Role) -> str:
    return {gh.ROLE_GUESS: "nothing (guessed, not linked from the card)",
            gh.ROLE_OTHER: "something other than this model's code",
            gh.ROLE_GENERIC: "a generic library"}.get(role.kind, f"the {role.kind}")


def merge_components(into: dict[str, dict[str, Any]],
                     more: dict[str, dict[str, Any]]) -> None:
    """Fold one more repository's components in: the stronger entry leads (its
    ``component_path``), the other's evidence follows it (at most 6 lines)."""
    for name, entry in more.items():
        current = into.get(name)
        if current is None:
            into[name] = entry
            continue
        lead, other = (entry, current) if entry["confidence"] > current["confidence"] \
            else (current, entry)
        into[name] = {**lead, "evidence": list(dict.fromkeys(
            [*lead["evidence"], *other["evidence"]]))[:6]}
