"""Component detection: which of the 17 MOF components a model release has, and why.

Each detector reads one kind of evidence and returns a Detection with a
confidence in [0, 1] and the evidence it used (file path, tag, card line).
Structured Hub data (file list, tags, card metadata, refs) scores high; words
in the card's prose score low, because a card that *mentions* training code
rarely *links* it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from motcrawl.analysis import cardtext, packages, tools
from motcrawl.analysis import datasets as ds
from motcrawl.analysis import github as gh
from motcrawl.analysis.evidence import ModelEvidence
from motcrawl.analysis.metadata import str_list, tag_values
from motcrawl.mof.framework import BY_NAME, NAMES
from motcrawl.web.hf import blob_url, model_url

# A component enters the draft at this confidence; weaker findings are listed
# in the draft's header for the reviewer but not claimed.
INCLUDE_THRESHOLD = 0.5


@dataclass
class Detection:
    name: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    component_path: str = ""
    license: str | None = None

    def __post_init__(self) -> None:
        if self.name not in BY_NAME:
            raise ValueError(f"not a MOF component: {self.name!r}")
        self.confidence = round(min(1.0, max(0.0, self.confidence)), 2)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": self.confidence, "evidence": self.evidence,
                "component_path": self.component_path, "license": self.license}


WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".ggml", ".ckpt", ".pt", ".pth", ".h5",
                   ".msgpack", ".onnx", ".tflite", ".nemo", ".pdparams", ".mlmodel", ".keras")
_NOT_WEIGHTS_RE = re.compile(
    r"(^|/)(training_args|optimizer|scheduler|rng_state\w*|trainer_state)\.(bin|pt|pth)$")
_CHECKPOINT_DIR_RE = re.compile(
    r"(^|/)(checkpoints?|ckpts?|intermediate)[-_]?\d*/|(^|/)(step|checkpoint|ckpt|iter|global_step)"
    r"[-_]?\d+", re.I)
_CHECKPOINT_BRANCH_RE = re.compile(
    r"^(step|checkpoint|ckpt|tokens|iter|iteration|global[-_]?step|stage\d*[-_]step|epoch)"
    r"[-_]?\d", re.I)
_METADATA_FILES = {"config.json": 0.75, "generation_config.json": 0.75, "model_index.json": 0.7,
                   "params.json": 0.7, "trainer_state.json": 0.9, "training_args.bin": 0.9,
                   "configuration.json": 0.7}
_PAPER_HOSTS_RE = re.compile(
    r"^https?://(www\.)?(arxiv\.org/(abs|pdf)/|aclanthology\.org/|openreview\.net/(forum|pdf)|"
    r"proceedings\.(neurips|mlr)\.|papers\.nips\.cc/|dl\.acm\.org/doi/|doi\.org/|"
    r"huggingface\.co/papers/|(www\.)?aclweb\.org/anthology/|openaccess\.thecvf\.com/|"
    r"(www\.)?jmlr\.org/papers/|ieeexplore\.ieee\.org/|link\.springer\.com/|ojs\.aaai\.org/|"
    r"(www\.)?isca-(speech|archive)\.org/|(www\.)?biorxiv\.org/|(www\.)?semanticscholar\.org/paper)",
    re.I)
# An arXiv identifier written out in the card ("arXiv:2101.03961", "arXiv preprint
# arXiv:2306.11644", a BibTeX ``eprint={2403.07691}`` with ``archivePrefix={arXiv}``).
_ARXIV_TEXT_RE = re.compile(r"arxiv[:\s]\s*(\d{4}\.\d{4,5})|eprint\s*=\s*[{\"](\d{4}\.\d{4,5})",
                            re.I)
_ARXIV_ID_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.I)
# "Technical report" also as Chinese, Japanese and Korean cards write it (技术报告, 技術報告,
# 기술 보고서).
_TECH_REPORT_RE = re.compile(r"tech(nical)?[ -]?report|white ?paper|model report|技术报告|技術報告|"
                             r"기술\s?보고서", re.I)
_EVAL_HEADING_RE = re.compile(r"eval|benchmark|result|performance|metric|leaderboard", re.I)
_DATA_HEADING_RE = re.compile(r"(training|pre-?training|fine-?tuning)?\s*(data|dataset|corpus|"
                              r"corpora)", re.I)
_SAMPLE_HEADING_RE = re.compile(r"example|sample|generation|demo|showcase|output", re.I)
# Third-party libraries' and tools' calls (data: motcrawl/data/tools.json).
_USAGE_CODE_RE = re.compile(tools.pattern(tools.USAGE_CODE), re.I)
# Benchmark names as cards write them in tables: "MMLU", "arc_challenge", "HellaSwag".
_BENCHMARKS_RE = re.compile(
    r"(?<![a-z])(mmlu(?:-pro|-redux)?|mmmlu|hellaswag|arc(?:[_ -](?:challenge|easy|c|e))?|"
    r"truthfulqa|winogrande|gsm8k|gsm-8k|humaneval\+?|mbpp\+?|piqa|siqa|boolq|lambada|squad|"
    r"glue|superglue|bbh|big-?bench(?:[ -]hard)?|math(?:-500)?|drop|openbookqa|sciq|copa|"
    r"triviaqa|natural ?questions|ifeval|gpqa(?:[ -]diamond)?|mt-bench|alpacaeval|arena-hard|"
    r"agieval|ceval|c-eval|cmmlu|mnli|qnli|qqp|rte|mrpc|sst-?2|cola|sts-?b|xnli|race|swag|"
    r"wikitext|livecodebench|ds-1000|multipl-e|aime|mmmu|mathvista|docvqa|textvqa|chartqa|"
    r"vqav2|imagenet(?:-1k)?|coco|cifar-?10{1,2}|librispeech|common ?voice|mteb|beir|"
    r"fid|clip score|wer|bleu|rouge)(?![a-z])", re.I)
# Numbers reported as results in prose: "35.0% pass@1", "+3.2 avg. MRR", "accuracy of 85.3".
_PROSE_RESULT_RE = re.compile(
    r"\d+(?:\.\d+)?\s?%|pass@\d+|\b(?:accuracy|f1|exact match|em|mrr|bleu(?:-4)?|rouge|"
    r"perplexity|score)\b[^.\n]{0,20}?\d+\.\d+|\d+\.\d+\s?(?:avg\.?\s)?"
    r"(?:accuracy|f1|em|mrr|bleu|points)", re.I)
_BIBTEX_REPORT_RE = re.compile(r"title\s*=\s*[{\"][^}\"]*(technical report|tech report)", re.I)
# Where a sentence says the results are: its words about results ("for benchmark results",
# "Detailed evaluation results are reported in", "For full results ..., see", "For an
# automated evaluation of this model, see", "You can access the results ... in") and a word
# that points the reader at the link.
_RESULTS_WORDS_RE = re.compile(
    r"\bresults?\b|\bscores\b|\bperformance\b|\bevaluations? of (this|the|our) models?\b|"
    r"\b(full|detailed|complete|more|further|additional|automated)( \w+)? evaluations?\b|"
    r"\btrained and evaluated\b", re.I)
_POINTS_TO_RE = re.compile(
    r"\bsee\b|\brefer\b|\bfound\b|\breported\b|\bavailable\b|\bshown\b|\bpresented\b|"
    r"\blisted\b|\bdocumented\b|\bdescribed\b|\bcheck\b|\bread\b|\bvisit\b|\baccess\b|"
    r"\bdiscussed\b|\bfor (more|full|further) (details|information)\b", re.I)
# A sentence about code or a harness, not where results are: "evaluation scripts to
# reproduce the performance ... details as [link]", "results were obtained from
# [OpenCompass]", "evaluations are implemented ... in a [standardized way]", "for full
# evaluation instructions".
_NOT_RESULTS_PLACE_RE = re.compile(
    r"\b(scripts?|code|reproduce|install\w*|implemented|obtained|computed|instructions?)\b|"
    r"\b(evaluated|evaluate) (\w+ ){0,3}(on|using|with)\b", re.I)
_SOFTWARE_HEADING_RE = re.compile(r"^(training )?(software|libraries|frameworks?|tooling)"
                                  r"( and (tools|hardware))?$", re.I)
_GITHUB_RE = re.compile(r"^https?://(www\.)?github\.com/([\w.-]+)/([\w.-]+)", re.I)


def _github_links(ev: ModelEvidence) -> list[cardtext.Link]:
    return [lk for lk in cardtext.links(ev.card.body) if _GITHUB_RE.match(lk.url)]


def _context(link: cardtext.Link) -> str:
    """What the card says about one link: its text, its URL and the clause it stands in
    (not the whole paragraph: a paragraph that mentions training does not make every
    link in it training code)."""
    return f"{link.text} {cardtext.near(link)} {link.url}".lower()


def detect_final_parameters(ev: ModelEvidence) -> Detection | None:
    weights = [f for f in ev.files if f.lower().endswith(WEIGHT_SUFFIXES)
               and not _NOT_WEIGHTS_RE.search(f) and not _CHECKPOINT_DIR_RE.search(f)]
    if not weights:
        return None
    shown = ", ".join(weights[:3]) + (f" (+{len(weights) - 3} more)" if len(weights) > 3 else "")
    evidence = [f"weight files: {shown}"]
    total = getattr(ev.info.safetensors, "total", None) if ev.info.safetensors else None
    if total:
        evidence.append(f"safetensors parameters: {total:,}")
    return Detection("Model parameters (Final)", 0.95, evidence,
                     f"{model_url(ev.endpoint, ev.model_id)}/tree/main")


def detect_intermediate_parameters(ev: ModelEvidence) -> Detection | None:
    branches = [b for b in (ev.refs or []) if _CHECKPOINT_BRANCH_RE.match(b)]
    if branches:
        shown = ", ".join(branches[:3]) + (f" (+{len(branches) - 3} more)"
                                           if len(branches) > 3 else "")
        return Detection("Model parameters (Intermediate)", 0.9,
                         [f"checkpoint branches: {shown}"],
                         f"{model_url(ev.endpoint, ev.model_id)}/tree/{branches[0]}")
    folders = sorted({f.rsplit("/", 1)[0] for f in ev.files
                      if "/" in f and _CHECKPOINT_DIR_RE.search(f)
                      and f.lower().endswith(WEIGHT_SUFFIXES)})
    if folders:
        return Detection("Model parameters (Intermediate)", 0.85,
                         [f"checkpoint folders: {', '.join(folders[:3])}"],
                         f"{model_url(ev.endpoint, ev.model_id)}/tree/main/{folders[0]}")
    body = cardtext.clip(ev.card.body)
    m = re.search(r"intermediate checkpoints?|revision\s*=\s*[\"'](step|ckpt|checkpoint)", body,
                  re.I)
    if m:
        return Detection("Model parameters (Intermediate)", 0.5,
                         [f"card: {cardtext._line_of(body, m.start())}"])
    return None


def detect_metadata(ev: ModelEvidence) -> Detection | None:
    found = [(f, c) for f, c in _METADATA_FILES.items() if f in ev.files]
    if not found:
        return None
    best = max(c for _, c in found)
    names = [f for f, _ in found]
    return Detection("Model metadata", best, [f"files: {', '.join(names)}"],
                     blob_url(ev.endpoint, ev.model_id, names[0]))


# A call that is not the model's: it loads only a tokenizer, processor or configuration
# ("AutoTokenizer.from_pretrained(..., trust_remote_code=True)" runs the tokenizer's code).
_NOT_MODEL_CALL_RE = re.compile(r"token|processor|config|extractor", re.I)
_REMOTE_CODE_RE = re.compile(r"trust_remote_code\s*=\s*True")


def _callee(block: str, pos: int) -> str | None:
    """The name of the call whose parentheses are open at ``pos``
    (``AutoModelForCausalLM.from_pretrained``, ``transformers.pipeline``), or None."""
    depth, i = 0, pos - 1
    while i >= 0:
        if block[i] == ")":
            depth += 1
        elif block[i] == "(":
            if depth == 0:
                m = re.search(r"([A-Za-z_][\w.]*)\s*$", block[:i])
                return m.group(1) if m else ""
            depth -= 1
        i -= 1
    return None


def remote_model_load(block: str) -> str | None:
    """The line of a card code block that loads the MODEL with the code shipped in its
    repository: ``trust_remote_code=True`` passed to a model class or a pipeline
    (``AutoModelForCausalLM.from_pretrained(...)``, ``pipeline(...)``,
    ``SentenceTransformer(...)``). A tokenizer, processor or configuration loaded that way
    runs only its own code."""
    for m in _REMOTE_CODE_RE.finditer(block):
        callee = _callee(block, m.start())
        if callee is None:
            continue
        owner = re.sub(r"\.from_pretrained$", "", callee)
        if not _NOT_MODEL_CALL_RE.search(owner.rsplit(".", 1)[-1]):
            return cardtext._line_of(block, m.start())
    return None


def _model_auto_map(ev: ModelEvidence) -> list[str]:
    """``auto_map`` entries of the config that load the model (``AutoModelForCausalLM``),
    not only its tokenizer or configuration."""
    auto_map = ev.config.get("auto_map")
    if not isinstance(auto_map, dict):
        return []
    return [str(k) for k in auto_map if str(k).startswith("AutoModel")]


# How a card links the repository that implements the model: "The original implementation
# was released in [this repository](...)", "first released in [this repository](...)",
# "Please check the [official repository](...) for more implementation details",
# "([paper](...)/[code](...))", "Library: [GPT-NeoX](...)".
_MODEL_CODE_WORDS_RE = re.compile(
    r"\b(original|official|reference)\s+(implementation|code(base)?|repo(sitory)?)\b|"
    r"\bfirst released in\b", re.I)
# The model-details list names the library the model is built with: "- Library: [GPT-NeoX](...)".
_LIBRARY_LABEL_RE = re.compile(r"^\s*[-*]?\s*\**\s*library\s*\**\s*:", re.I)


def _model_code_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """GitHub links the card presents as the model's own implementation (COMPONENT_RULES:
    "model-definition code in a repository the card links as the model's code"); "the
    original repository of Flash Attention" is another project's."""
    return [lk for lk in _github_links(ev)
            if (_MODEL_CODE_WORDS_RE.search(f"{lk.text} {_words_around(lk)}")
                and not re.search(r"\brepository of\b", f"{lk.text} {_words_around(lk)}", re.I))
            or _CODE_LINK_TEXT_RE.search(lk.text.strip()) or _LIBRARY_LABEL_RE.match(lk.line)]


def detect_architecture(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Model architecture): code that defines the architecture, released
    with the model or pointed to by it: custom modelling code in the HF repository (a
    ``modeling_*.py`` file, an ``auto_map`` for the model, ``trust_remote_code=True`` in the
    card's usage when it loads the model), or model code in a linked repository
    (``github.PATH_RULES``). "An implementation that lives only in a library the card does
    not link does not count": config architectures, a diffusers pipeline, ``model_type``
    and ``library_name`` are findings for the reviewer, not claims."""
    modeling = [f for f in ev.files if re.search(r"(^|/)modeling_\w+\.py$", f)]
    if modeling:
        return Detection("Model architecture", 0.9, [f"modeling code: {', '.join(modeling[:3])}"],
                         blob_url(ev.endpoint, ev.model_id, modeling[0]))
    mapped = _model_auto_map(ev)
    if mapped:
        return Detection("Model architecture", 0.85,
                         [f"config auto_map loads the model from the repository's code: "
                          f"{', '.join(mapped[:3])}"],
                         blob_url(ev.endpoint, ev.model_id, "config.json"))
    for block in cardtext.code_blocks(ev.card.body):
        line = remote_model_load(block)
        if line:
            return Detection("Model architecture", 0.7,
                             [f"card usage loads the model with its own code: {line[:120]}"],
                             blob_url(ev.endpoint, ev.model_id, "README.md"))
    linked = _model_code_links(ev)
    if linked:
        return Detection("Model architecture", 0.55,
                         [f"card links the model's implementation: "
                          f"{cardtext.near(linked[0])[:120]}"], linked[0].url)
    archs = str_list(ev.config.get("architectures"))
    library = ev.info.library_name if isinstance(ev.info.library_name, str) else ""
    if archs and library in ("transformers", ""):
        return Detection("Model architecture", 0.45,
                         [f"config architectures: {', '.join(map(str, archs[:3]))} "
                          "(implemented in the transformers library, not released with the "
                          "model)"])
    if "model_index.json" in ev.files or library == "diffusers":
        return Detection("Model architecture", 0.45,
                         ["diffusers pipeline (model_index.json), implemented in the diffusers "
                          "library, not released with the model"])
    model_type = ev.config.get("model_type")
    if model_type:
        return Detection("Model architecture", 0.4, [f"config model_type: {model_type}"])
    if library:
        return Detection("Model architecture", 0.35, [f"library_name: {library}"])
    return None


def detect_inference_code(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Inference code): the card's usage counts when it runs modelling code
    shipped in the HF repository (``trust_remote_code=True``, ``.py`` files, an ``auto_map``);
    a snippet that only calls a library's built-in implementation is a finding, not a claim.
    """
    custom = [f for f in ev.files if f.endswith(".py")]
    auto_map = isinstance(ev.config.get("auto_map"), dict) and bool(ev.config.get("auto_map"))
    for block in cardtext.code_blocks(ev.card.body):
        m = _USAGE_CODE_RE.search(block)
        if not m:
            continue
        line = next((ln.strip() for ln in block.splitlines() if m.group(0) in ln), "")
        remote = re.search(r"trust_remote_code\s*=\s*True", block)
        if remote or custom or auto_map:
            why = ("trust_remote_code=True" if remote else
                   f"runs {custom[0]}" if custom else "config auto_map")
            return Detection("Inference code", 0.65,
                             [f"usage code in card: {line[:120]}",
                              f"runs modelling code shipped with the model ({why})"])
        return Detection("Inference code", 0.45,
                         [f"usage code in card: {line[:120]} (a library's own implementation)"])
    return None


def detect_model_card(ev: ModelEvidence) -> Detection | None:
    body = ev.card.body.strip()
    url = blob_url(ev.endpoint, ev.model_id, "README.md")
    if ev.card_status == "ok" and len(body) >= 300:
        return Detection("Model card", 0.95, [f"README.md ({len(body):,} characters)"], url)
    if ev.card_status == "ok" and body:
        return Detection("Model card", 0.6, [f"short README.md ({len(body)} characters)"], url)
    if ev.card_status == "gated" and ev.card_data:
        return Detection("Model card", 0.75, ["gated README.md; card metadata from the API"], url)
    return None


def _declared_dataset_ids(ev: ModelEvidence) -> list[str]:
    return ds.declared_ids(ev.card_data, ev.tags)


def _dataset_ids(ev: ModelEvidence) -> list[str]:
    """Training datasets: declared in the card data or tags, or linked in the card text."""
    return ds.training_ids(ev.card_data, ev.tags, ev.card.body)


def detect_datasets(ev: ModelEvidence) -> Detection | None:
    ids = _dataset_ids(ev)
    if ids:
        declared = _declared_dataset_ids(ev)
        evidence = [f"card datasets: {', '.join(ids[:5])}" if declared
                    else f"card links Hub datasets: {', '.join(ids[:5])}"]
        looked = {d: i for d, i in ev.datasets.items() if d in ids and isinstance(i, dict)}
        found = [d for d, i in looked.items() if i.get("found")]
        confidence = 0.9 if declared else 0.8
        if looked and not found:
            # Named, but the Hub knows none of them (typo, removed or private): weaker.
            confidence = 0.7
            evidence.append("none of them found on the Hub")
        elif found:
            evidence.append(f"on the Hub: {', '.join(found[:5])}")
        lic = ds.common_license(looked)
        if lic:
            evidence.append(f"dataset license: {lic} (all looked-up datasets agree)")
        return Detection("Datasets", confidence, evidence,
                         f"{ev.endpoint.rstrip('/')}/datasets/{ids[0]}", license=lic)
    for sec in cardtext.sections(ev.card.body):
        if _DATA_HEADING_RE.search(sec.title) and "eval" not in sec.title.lower():
            # A Hub dataset, or a page named for the corpus; a bare GitHub link in a data
            # section is more often a domain list or the preparation code than the data.
            ds_links = [lk.url for lk in cardtext.links(sec.text)
                        if "/datasets/" in lk.url
                        or re.search(r"corpus|corpora|data ?cards?|dataset", f"{lk.text} {lk.url}",
                                     re.I)]
            if ds_links:
                return Detection("Datasets", 0.65, [f"card section {sec.title!r} links data"],
                                 ds_links[0])
            if len(sec.text.strip()) > 150:
                return Detection("Datasets", 0.4, [f"card section {sec.title!r} describes data"])
    return None


# A document about the training data: "[the datasheet](...)", "individual [Data Cards](...)",
# "See the [Pile paper](...)" in a training-data section.
_DATASHEET_RE = re.compile(r"data ?sheets?|data(set)? cards?", re.I)
_DATA_PAPER_RE = re.compile(r"\bpaper\b", re.I)


def _datasheet_link(ev: ModelEvidence) -> cardtext.Link | None:
    for lk in cardtext.links(ev.card.body):
        if _DATASHEET_RE.search(f"{lk.text} {cardtext.near(lk)}"):
            return lk
    for sec in cardtext.sections(ev.card.body):
        if _DATA_HEADING_RE.search(sec.title) and not _EVAL_HEADING_RE.search(sec.title) \
                and not re.search(r"test", sec.title, re.I):
            for lk in cardtext.links(sec.text):
                if _DATA_PAPER_RE.search(lk.text) and _PAPER_HOSTS_RE.match(lk.url):
                    return lk
    return None


def detect_data_card(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Data card): a datasheet or dataset card for the training data,
    published or linked: a Hub dataset page (through a link or ``datasets:`` metadata), or
    a datasheet or dataset paper. A model card's own section describing the data only names
    the corpus: a finding, not a claim."""
    with_cards = [d for d, info in ev.datasets.items() if isinstance(info, dict)
                  and info.get("has_card")]
    if with_cards:
        return Detection("Data card", 0.8, [f"dataset cards: {', '.join(with_cards[:3])}"],
                         f"{ev.endpoint.rstrip('/')}/datasets/{with_cards[0]}")
    sheet = _datasheet_link(ev)
    if sheet is not None:
        return Detection("Data card", 0.65,
                         [f"card links a datasheet or dataset paper: {cardtext.near(sheet)[:120]}"],
                         sheet.url)
    ids = _dataset_ids(ev)
    pages = [d for d in ids if isinstance(ev.datasets.get(d), dict) and ev.datasets[d].get("found")]
    if pages:
        return Detection("Data card", 0.6, [f"Hub dataset pages: {', '.join(pages[:3])}"],
                         f"{ev.endpoint.rstrip('/')}/datasets/{pages[0]}")
    for sec in cardtext.sections(ev.card.body):
        if _DATA_HEADING_RE.search(sec.title) and "eval" not in sec.title.lower() \
                and len(sec.text.strip()) > 300:
            return Detection("Data card", 0.4,
                             [f"card section {sec.title!r} describes the training data "
                              "(not a datasheet)"])
    if ids:
        return Detection("Data card", 0.45, ["datasets named on the Hub (their cards unchecked)"])
    return None


def _model_index_results(ev: ModelEvidence) -> list[dict[str, Any]]:
    entries = ev.card_data.get("model-index") or ev.card_data.get("model_index") or []
    results: list[dict[str, Any]] = []
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("results"), list):
                results.extend(r for r in entry["results"] if isinstance(r, dict))
    return results


def _eval_tables(ev: ModelEvidence) -> list[tuple[str, list[str]]]:
    """Tables of results: under an evaluation heading, naming benchmarks, or introduced
    as results ("We present the dev results on SQuAD 2.0 and MNLI")."""
    found = []
    for sec in cardtext.sections(ev.card.body):
        if _DATA_HEADING_RE.search(sec.title) and not _EVAL_HEADING_RE.search(sec.title):
            # A table under "Training data" lists the training datasets (SQuAD, COCO and
            # their sizes), not results on them.
            continue
        says_results = re.search(r"\bresults?\b|\bscores?\b|\baccuracy\b", sec.text, re.I)
        for table in cardtext.tables(sec.text):
            joined = "\n".join(table)
            names = len(set(n.lower() for n in _BENCHMARKS_RE.findall(joined)))
            if _EVAL_HEADING_RE.search(sec.trail) or names >= 2 or (names and says_results):
                found.append((sec.title, table))
    return found


def _prose_results(ev: ModelEvidence) -> tuple[str, str] | None:
    """An evaluation section that reports numbers in sentences rather than a table."""
    for sec in cardtext.sections(ev.card.body):
        if not _EVAL_HEADING_RE.search(sec.trail):
            continue
        hits = list(_PROSE_RESULT_RE.finditer(sec.text))
        if len(hits) >= 2:
            return sec.title, cardtext._line_of(sec.text, hits[0].start())
    return None


_IMAGE_RE = re.compile(r"!\[[^\]]{0,200}\]\([^)\s]{1,500}\)|<img\b[^>]{0,500}>", re.I)
_NOT_PLOT_RE = re.compile(r"badge|button|logo|shields\.io|icon|banner|avatar", re.I)


def _results_plot(ev: ModelEvidence) -> tuple[str, str] | None:
    """COMPONENT_RULES (Evaluation results): "benchmark numbers or plots in the card". An
    image in a section whose own heading names evaluation or results, not a badge."""
    for sec in cardtext.sections(ev.card.body):
        if not _EVAL_HEADING_RE.search(sec.title):
            continue
        for m in _IMAGE_RE.finditer(sec.text):
            if not _NOT_PLOT_RE.search(m.group(0)):
                return sec.title, m.group(0)
    return None


def detect_evaluation_results(ev: ModelEvidence) -> Detection | None:
    results = _model_index_results(ev)
    if results:
        return Detection("Evaluation results", 0.95,
                         [f"model-index: {len(results)} result(s)"],
                         blob_url(ev.endpoint, ev.model_id, "README.md"))
    tables = _eval_tables(ev)
    if tables:
        heading, table = tables[0]
        return Detection("Evaluation results", 0.75,
                         [f"evaluation table under {heading!r}: {table[0][:100]}"],
                         blob_url(ev.endpoint, ev.model_id, "README.md"))
    prose = _prose_results(ev)
    if prose:
        heading, line = prose
        return Detection("Evaluation results", 0.6,
                         [f"results reported under {heading!r}: {line[:100]}"],
                         blob_url(ev.endpoint, ev.model_id, "README.md"))
    plot = _results_plot(ev)
    if plot:
        heading, image = plot
        return Detection("Evaluation results", 0.6,
                         [f"results plot under {heading!r}: {image[:100]}"],
                         blob_url(ev.endpoint, ev.model_id, "README.md"))
    linked = results_link(ev.card.body)
    if linked is not None:
        return Detection("Evaluation results", 0.6,
                         [f"card links where its evaluation results are: "
                          f"{_sentence(linked)[:120]}"], linked.url)
    return None


def _results_section_links(body: str) -> list[cardtext.Link]:
    """Links in a section whose own heading names results or performance ("## Evaluation
    results", "## Evaluation & Performance", "## Results", "## Benchmark")."""
    return [lk for sec in cardtext.sections(body)
            if re.search(r"result|performance|benchmark", sec.title, re.I)
            for lk in cardtext.links(sec.text)]


def _results_place(lk: cardtext.Link, under_results: bool) -> bool:
    sentence = _sentence(lk)
    if not _POINTS_TO_RE.search(sentence) or _NOT_RESULTS_PLACE_RE.search(sentence) \
            or _BENCHMARKS_RE.search(lk.text) or lk.url.startswith("#"):
        return False
    # A leaderboard is another's results page unless the card calls it its own.
    if re.search(r"leaderboard", f"{lk.text} {lk.url}", re.I) \
            and not re.search(r"\bour\b", sentence, re.I):
        return False
    return under_results or bool(_RESULTS_WORDS_RE.search(sentence))


def results_link(body: str) -> cardtext.Link | None:
    """A link the card says holds its evaluation results (COMPONENT_RULES: results "in a
    linked producer location that holds them"), or None.

    - the link's sentence says results are there: "Please refer to our [blog post] for
      benchmark results", "Detailed evaluation results are reported in this [blog]", "For
      full results ..., see the [research paper], Table 5", "You can access the results ...
      in the [GitHub repository]";
    - under a heading that names results or performance, a sentence that points the reader
      at the link: "## Evaluation results ... Please refer to the [blog] for more details".

    Not a bare citation or a link with no words about results, not a harness or scripts
    ("evaluation scripts to reproduce the performance ... [link]", "obtained from
    [OpenCompass]"), not a benchmark ("We evaluate ... on [KOBEST dataset]"), not another's
    leaderboard ("See the [OpenLLM Leaderboard] for early results")."""
    for lk in cardtext.links(body):
        if _results_place(lk, under_results=False):
            return lk
    return next((lk for lk in _results_section_links(body)
                 if _results_place(lk, under_results=True)), None)


def _benchmark_repo_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """COMPONENT_RULES (Evaluation data): data files in a linked repository. A GitHub link
    whose text names a benchmark ("[AGIEval](https://github.com/microsoft/AGIEval)",
    "[MMLU](https://github.com/hendrycks/test)") points at the benchmark's data."""
    return [lk for lk in _github_links(ev)
            if 0 < len(lk.text) <= 40 and _BENCHMARKS_RE.search(lk.text)
            and not _own_code(lk, ev)]


def detect_evaluation_data(ev: ModelEvidence) -> Detection | None:
    names = []
    for result in _model_index_results(ev):
        named = result.get("dataset")
        if isinstance(named, dict):
            names.append(str(named.get("type") or named.get("name") or ""))
    names = [n for n in dict.fromkeys(names) if n]
    if names:
        return Detection("Evaluation data", 0.85, [f"model-index datasets: {', '.join(names[:5])}"])
    linked = ds.linked_ids(ev.card.body, evaluation=True)
    if linked:
        return Detection("Evaluation data", 0.7,
                         [f"card links evaluation datasets: {', '.join(linked[:5])}"],
                         f"{ev.endpoint.rstrip('/')}/datasets/{linked[0]}")
    repos = _benchmark_repo_links(ev)
    if repos:
        return Detection("Evaluation data", 0.6,
                         [f"card links benchmark repositories: "
                          f"{', '.join(f'{lk.text} ({lk.url})' for lk in repos[:4])}"],
                         repos[0].url)
    bench: list[str] = []
    for _, table in _eval_tables(ev):
        bench += [m.lower() for m in _BENCHMARKS_RE.findall("\n".join(table))]
    bench = list(dict.fromkeys(bench))
    if len(bench) >= 2:
        # COMPONENT_RULES: naming benchmarks does not release them; a linked harness that
        # produced the results makes them reachable.
        harness = _eval_harness_links(ev)
        if harness:
            return Detection("Evaluation data", 0.6,
                             [f"benchmarks in evaluation table: {', '.join(bench[:6])}",
                              f"reachable through the linked harness {harness[0].url}"],
                             harness[0].url)
        return Detection("Evaluation data", 0.4,
                         [f"benchmarks in evaluation table: {', '.join(bench[:6])} "
                          "(named, not linked)"])
    # COMPONENT_RULES: "a linked harness that produced the results" reaches the data even
    # when the results are plots or prose ("were evaluated using the [LM Evaluation
    # Harness]"); a harness merely offered to users is not.
    produced = [lk for lk in _code_links(ev, _EVAL_LINK_WORDS)
                if PRODUCED_WITH_RE.search(_sentence(lk))]
    if produced:
        return Detection("Evaluation data", 0.6,
                         [f"reachable through the harness the card says produced its "
                          f"results: {cardtext.near(produced[0])[:120]}"], produced[0].url)
    return None


def _paper_links(ev: ModelEvidence) -> list[cardtext.Link]:
    return [lk for lk in cardtext.links(ev.card.body) if _PAPER_HOSTS_RE.match(lk.url)]


def _bibtex_entries(body: str) -> list[str]:
    """BibTeX entries in the card ("@article{...}"), each cut at the next entry."""
    starts = [m.start() for m in re.finditer(r"@\w+\s*\{", body)]
    if not starts:
        return []
    return [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]


_PAPER_ENTRY_RE = re.compile(r"^@(article|inproceedings|misc|incollection|phdthesis|"
                             r"proceedings)\s*\{", re.I)


# How a card presents a paper-host link as a paper: "[Paper](...)", "[arXiv paper](...)",
# "Paper: [Title](...)", "introduced in the paper [...]", "please cite".
_CALLED_PAPER_RE = re.compile(r"\bpapers?\b|\bpreprint\b|\barxiv\b|\bpublication\b|\bcite\b|"
                              r"\bcitation\b|\btitle\b|论文|論文|논문", re.I)
_MD_URL_RE = re.compile(r"\]\([^)\s]*\)|https?://\S+")
_AUTHOR_YEAR_RE = re.compile(r"\bet al\b", re.I)
_BIBTEX_FIELD_RE = re.compile(r"^\s*\w+\s*=\s*[{\"]")


def _words_around(lk: cardtext.Link) -> str:
    """The words next to a link without any URL (a neighbour's ``arxiv.org`` is no word)."""
    return _MD_URL_RE.sub("]", cardtext.near(lk))


def _data_section_urls(ev: ModelEvidence) -> set[str]:
    """Links in a training-data section: a paper there describes the data, not the model."""
    return {lk.url for sec in cardtext.sections(ev.card.body)
            if _DATA_HEADING_RE.search(sec.title) and not _EVAL_HEADING_RE.search(sec.title)
            for lk in cardtext.links(sec.text)}


def _paper_role(lk: cardtext.Link, ev: ModelEvidence, data_urls: set[str]) -> str:
    """What a paper-host link is to this model: ``"report"`` (the card calls it a technical
    report), ``"paper"`` (its paper: the card calls it a paper or gives its title, or it
    names the model's family) or ``"other"`` (another work the card refers to: a technique,
    benchmark, scaling law or training dataset, "[RMSNorm](...)", "[MMLU](...)")."""
    if _TECH_REPORT_RE.search(_context(lk)):
        return "report"
    text, words = lk.text.strip(), _words_around(lk)
    if lk.url in data_urls and not re.search(r"\bour\b", words, re.I):
        return "other"
    if _CALLED_PAPER_RE.search(f"{text} {words}") or not text:
        return "paper"
    if _AUTHOR_YEAR_RE.search(text):
        return "other"
    if len(text.split()) >= 5 or any(gh._family_match(word, gh.family_names(ev.model_id)) > 0
                                     for word in re.findall(r"[\w.-]{4,}", text)):
        return "paper"
    return "other"


# A BibTeX entry that cites a web page: a blog post or a repository
# ("journal = {GitHub repository}", "url = {https://qwenlm.github.io/blog/qwen2.5/}").
_BIBTEX_WEB_RE = re.compile(r"\b(journal|howpublished|url|publisher)\s*=\s*[{\"][^}\"]*"
                            r"(github|blog)", re.I)


def _cites_a_paper(entry: str) -> bool:
    """A BibTeX entry of an academic paper: an arXiv preprint or a publication, not a
    technical report, and not a blog post or repository (``@misc`` with a GitHub or blog
    address, or without any journal or proceedings)."""
    if _BIBTEX_REPORT_RE.search(entry) or not _PAPER_ENTRY_RE.match(entry):
        return False
    if _arxiv_id(entry):
        return True
    if _BIBTEX_WEB_RE.search(entry):
        return False
    return not entry.lower().startswith("@misc") \
        or bool(re.search(r"\b(journal|booktitle)\s*=", entry, re.I))


def _arxiv_id(text: str) -> str | None:
    m = _ARXIV_ID_RE.search(text) or _ARXIV_TEXT_RE.search(text) \
        or re.search(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", text, re.I)
    return next((g for g in m.groups() if g), None) if m else None


def detect_research_paper(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Research paper): an arXiv preprint or peer-reviewed paper describing
    this model or its family or recipe, linked or cited in the card; an item the card calls
    only "paper" is one, a report, white paper or blog is not; "paper coming soon" does not
    count.

    An arXiv document the card calls a technical report ("Qwen2 Technical Report") is a
    Technical report, not a research paper; a paper the card links for something else (a
    technique, a benchmark, a training dataset) does not describe this model."""
    body = cardtext.clip(ev.card.body)
    data_urls = _data_section_urls(ev)
    # A URL inside a BibTeX entry ("url = {https://arxiv.org/abs/...}") is judged with its
    # entry, by the entry's title.
    roles = [(lk, _paper_role(lk, ev, data_urls)) for lk in _paper_links(ev)
             if not _BIBTEX_FIELD_RE.match(lk.line)]
    entries = [e for e in _bibtex_entries(body) if _PAPER_ENTRY_RE.match(e)]
    cited = [e for e in entries if _cites_a_paper(e)]
    # arXiv ids the card presents as something other than its paper (a report, another
    # work); an id it also cites as a paper, or links as one, stays its paper.
    not_ours = {i for lk, role in roles if role != "paper" and (i := _arxiv_id(lk.url))}
    not_ours |= {i for e in entries if _BIBTEX_REPORT_RE.search(e) and (i := _arxiv_id(e))}
    ours = {i for lk, role in roles if role == "paper" and (i := _arxiv_id(lk.url))}
    ours |= {i for e in cited if (i := _arxiv_id(e))}
    not_ours -= ours
    roles = [(lk, "paper" if _arxiv_id(lk.url) in ours else role) for lk, role in roles]
    arxiv = [a for a in tag_values(ev.tags, "arxiv") if a not in not_ours]
    if arxiv:
        return Detection("Research paper", 0.95, [f"arxiv tags: {', '.join(arxiv[:4])}"],
                         f"https://arxiv.org/abs/{arxiv[0]}")
    papers = [lk for lk, role in roles if role == "paper"]
    if papers:
        return Detection("Research paper", 0.85, [f"paper link: {papers[0].url}"], papers[0].url)
    for entry in cited:
        arxiv_id = _arxiv_id(entry)
        if arxiv_id:
            return Detection("Research paper", 0.85, [f"BibTeX cites arXiv:{arxiv_id}"],
                             f"https://arxiv.org/abs/{arxiv_id}")
    named = [lk for lk in cardtext.links(body)
             if re.fullmatch(r"(the |our |original |research |arxiv )?paper", lk.text.strip(),
                             re.I) and not _NOT_REPORT_RE.search(lk.url)
             and not (lk.url in data_urls and not re.search(r"\bour\b", _words_around(lk),
                                                            re.I))]
    if named:
        return Detection("Research paper", 0.7,
                         [f"card links its paper: {cardtext.near(named[0])[:120]}"], named[0].url)
    for prose in _ARXIV_TEXT_RE.finditer(body):
        arxiv_id = prose.group(1) or prose.group(2)
        if arxiv_id not in not_ours:
            return Detection("Research paper", 0.75,
                             [f"card: {cardtext._line_of(body, prose.start())[:120]}"],
                             f"https://arxiv.org/abs/{arxiv_id}")
    if cited and not re.search(r"paper (is )?coming soon", body, re.I):
        return Detection("Research paper", 0.55, ["BibTeX citation in card"])
    others = [lk for lk, role in roles if role == "other"]
    if others:
        return Detection("Research paper", 0.4,
                         [f"card links another work's paper, not this model's: "
                          f"{cardtext.near(others[0])[:120]}"], others[0].url)
    return None


# A document that is a license or policy, not a report ("[Baichuan-7B License](....pdf)").
_NOT_REPORT_RE = re.compile(r"licen[cs]e|terms|agreement|policy|privacy|acceptable use", re.I)


def _producer_blog(lk: cardtext.Link, model_id: str) -> bool:
    """A blog post of the model's producer: the card calls it "our" blog, or the blog's
    host is named for the producer (qwenlm.github.io/blog for Qwen, blog.allenai.org for
    allenai); another organisation's post about the model is neither."""
    if not re.search(r"blog", f"{lk.text} {lk.url}", re.I):
        return False
    if re.search(r"\bour\b", cardtext.near(lk), re.I):
        return True
    host = re.sub(r"^https?://(www\.)?", "", lk.url.lower()).split("/")[0]
    org = re.sub(r"[^a-z0-9]", "", model_id.split("/")[0].lower())
    labels = [re.sub(r"[^a-z0-9]", "", x) for x in host.split(".")[:-1]]
    return any(len(x) >= 4 and (x in org or org in x) for x in labels if x not in ("blog", "www"))


def detect_technical_report(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Technical report): a document of report nature from the producer,
    linked from the card: a technical report, white paper, model or system card document,
    or technical release blog post. A paper on a paper host, a license and another
    organisation's blog are not."""
    for lk in cardtext.links(ev.card.body):
        ctx = _context(lk)
        if _NOT_REPORT_RE.search(lk.text) and not _TECH_REPORT_RE.search(lk.text):
            continue
        if _TECH_REPORT_RE.search(ctx) or (lk.url.lower().endswith(".pdf")
                                           and not _PAPER_HOSTS_RE.match(lk.url)):
            return Detection("Technical report", 0.8, [f"report link: {lk.line[:120]}"], lk.url)
    for sec in cardtext.sections(ev.card.body):
        if _TECH_REPORT_RE.search(sec.title):
            return Detection("Technical report", 0.6, [f"card heading {sec.title!r}"])
    body = cardtext.clip(ev.card.body)
    cited = _BIBTEX_REPORT_RE.search(body)
    if cited:
        # The card cites a technical report: it exists, though the link may be elsewhere.
        return Detection("Technical report", 0.65,
                         [f"card cites: {cardtext._line_of(body, cited.start())}"])
    blogs = [lk for lk in cardtext.links(body) if _producer_blog(lk, ev.model_id)]
    if blogs:
        return Detection("Technical report", 0.6,
                         [f"the producer's release blog post: {cardtext.near(blogs[0])[:120]}"],
                         blogs[0].url)
    m = _TECH_REPORT_RE.search(body)
    if m:
        return Detection("Technical report", 0.4, [f"card: {cardtext._line_of(body, m.start())}"])
    return None


_PRINT_RE = re.compile(r"\bprint\s*\(")
_OUTPUT_COMMENT_RE = re.compile(r"^\s*#+\s*(outputs?|results?|prints?|returns?|response|"
                                r"generated|->|=>)\b", re.I)


_NOT_OUTPUT_TEXT_RE = re.compile(r"^\s*((def|class|import|from|print|return|for|if)\b|#)")


def _docstring_after(lines: list[str], start: int) -> str | None:
    """The text of a string literal that follows a ``print(...)`` as its result
    (``print(output_str)`` then ``\"\"\"`` / ``Paris`` / ``\"\"\"``), or None when it holds
    code."""
    j = start
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or lines[j].strip() not in ('"""', "'''"):
        return None
    quote = lines[j].strip()
    text = []
    for line in lines[j + 1:]:
        if line.strip().startswith(quote):
            break
        text.append(line)
    shown = next((t.strip() for t in text if t.strip()), "")
    return shown if shown and not _NOT_OUTPUT_TEXT_RE.match(shown) else None


# A label the card puts between a block that runs the model and the output it shows
# ("output:", "**Output:**", "Sample output").
_OUTPUT_LABEL_RE = re.compile(r"^[\W_]*(sample |example |model |generated )?(outputs?|results?|"
                              r"responses?|generations?)[\W_]*$", re.I)
_RUNS_MODEL_RE = re.compile(r"\bprint\s*\(|\.generate\(|pipeline\(")


def labelled_output(body: str) -> str | None:
    """An output the card shows under a label right after a code block that runs the
    model (RWKV's HF cards: the usage block, then "output:" and a block with the text),
    as its first line, or None."""
    text = cardtext.clip(body)
    for m in re.finditer(r"```[^\n]*\n(.*?)```", text, re.S):
        if not _RUNS_MODEL_RE.search(m.group(1)):
            continue
        rest = text[m.end():m.end() + 2000].lstrip("\n").splitlines()
        label = next((ln for ln in rest if ln.strip()), "")
        if not _OUTPUT_LABEL_RE.match(label.strip()) or not re.search(r"\w", label):
            continue
        after = "\n".join(rest[rest.index(label) + 1:]).lstrip()
        fenced = re.match(r"```[^\n]*\n(.*?)```", after, re.S)
        shown = fenced.group(1) if fenced else after.split("\n\n")[0]
        first = next((ln.strip() for ln in shown.splitlines() if ln.strip()), "")
        if first and not first.startswith("#"):
            return first
    return None


def shown_output(block: str) -> str | None:
    """A model output a card's code block shows, as its first line, or None.

    - a doctest answer: a line after a ``>>>`` prompt that is not itself code
      (``>>> generator("Hello, I'm a language model,")`` then ``[{'generated_text': ...}]``);
    - a result printed after ``print(...)``: ``>>> <pad> man beer ...`` on the next line;
    - comments that end a block which prints, or a comment labelled as output
      (``# en-0 1 1``, ``# Output: ...``);
    - a string literal after ``print(...)`` holding its result (RedPajama-INCITE cards).
    """
    lines = block.rstrip().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(">>>"):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and not lines[j].lstrip().startswith((">>>", "...", "#")):
                if any(ln.startswith(">>>") for ln in lines[:i]):  # a doctest session
                    return lines[j].strip()
        if _PRINT_RE.search(line) and i + 1 < len(lines) and lines[i + 1].startswith(">>>") \
                and not re.match(r">>>\s*(\w+\s*=|import|from|print)", lines[i + 1]):
            return lines[i + 1].strip()
        if _OUTPUT_COMMENT_RE.match(line):
            return line.strip()
        if _PRINT_RE.search(line):
            shown = _docstring_after(lines, i + 1)
            if shown:
                return shown
    code = [ln for ln in lines if ln.strip()]
    tail = []
    while code and code[-1].lstrip().startswith("#"):
        tail.insert(0, code.pop())
    if tail and code and any(_PRINT_RE.search(ln) for ln in code):
        return tail[0].strip()
    return None


def detect_sample_outputs(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Sample model outputs): example generations published by the
    producer: outputs shown in the card, commented outputs in snippets, sample files. A
    widget prompt or a live demo does not count."""
    for block in cardtext.code_blocks(ev.card.body):
        shown = shown_output(block)
        if shown:
            return Detection("Sample model outputs", 0.6,
                             [f"card code shows the model's output: {shown[:100]}"])
    labelled = labelled_output(ev.card.body)
    if labelled:
        return Detection("Sample model outputs", 0.6,
                         [f"card shows the output of its usage code: {labelled[:100]}"])
    for sec in cardtext.sections(ev.card.body):
        if _SAMPLE_HEADING_RE.search(sec.title) and not re.search(
                r"usage|how to|code|fine-?tun|train|peft|lora", sec.title, re.I):
            # Outputs shown in the section's prose or images, not a variable in its code
            # ("output_dir", "outputs = ...", "outputs.logits", "role": "assistant").
            prose = re.sub(r"```.*?```", " ", sec.text, flags=re.S)
            if re.search(r"!\[|<img|\b(outputs?|responses?)\b(?!\s*[=.\[(_])|"
                         r"^\s*\**(assistant|model|bot)\**\s*:|\bgenerated\b", prose,
                         re.I | re.M):
                return Detection("Sample model outputs", 0.6,
                                 [f"card section {sec.title!r} shows outputs"])
    if ev.card_data.get("widget"):
        return Detection("Sample model outputs", 0.35, ["card widget examples (inputs only)"])
    return None


def _code_links(ev: ModelEvidence, pattern: str) -> list[cardtext.Link]:
    rx = re.compile(pattern, re.I)
    return [lk for lk in _github_links(ev) if rx.search(_context(lk))]


_EVAL_LINK_WORDS = r"eval|harness|benchmark|\bmetrics?\b"
# Training words about this model's training; "pretrained text encoders ([OpenCLIP](...))"
# describes another model, not code.
_TRAIN_LINK_WORDS = r"\btraining\b|\b(pre)?train(s|er)?\b|\btrained\b|fine-?tun|recipe|reproduc"
# The card says this code trained the model: "the model has been trained ... using [t5x]".
TRAINED_WITH_RE = re.compile(
    r"\b(was|were|been|is|are|we|model)\b[^.]{0,60}\b(pre-?)?trained\b[^.]{0,80}\b(using|with|"
    r"via|on)\b|\btraining (code|codebase|scripts?)\b", re.I)
# The card says the harness produced its numbers: "The scores reported below were obtained
# using [LightEval]", "were evaluated using the [LM Evaluation Harness]".
PRODUCED_WITH_RE = re.compile(
    r"\b(obtained|evaluated|performed|computed|measured|reported|conducted|produced|run|ran)\b"
    r"[^.]{0,100}\b(using|with|via|through|by|in)\b", re.I)


def _sentence(lk: cardtext.Link) -> str:
    """The link's whole sentence (``near`` keeps at most NEAR_CHARS either side, which
    can cut the verb that says what the link did)."""
    return lk.sentence or cardtext.near(lk)


def _own_code(lk: cardtext.Link, ev: ModelEvidence) -> bool:
    """A repository of the producer's organisation, or one named for the model's family
    (a first author's account holding the model's code: dpfried/incoder)."""
    m = _GITHUB_RE.match(lk.url)
    return bool(m) and (gh.owned_by_producer(m.group(2), ev.model_id)
                        or gh.names_model_family(m.group(3), ev.model_id))


# Training words that are not about users' fine-tuning ("for inference, finetuning, etc.",
# "Further fine-tuning code:", "[Fine-tune](...)", "recipes for how to use ...").
_OWN_TRAIN_WORDS_RE = re.compile(r"\btraining\b|\b(pre)?train(s|er)?\b|\btrained\b|reproduc",
                                 re.I)


def _training_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """COMPONENT_RULES (Training code): the model's training codebase. The producer's own
    repository with training words other than fine-tuning ones, or any repository the card
    says trained this model; a trainer offered for users' fine-tuning is not."""
    return [lk for lk in _code_links(ev, _TRAIN_LINK_WORDS)
            if TRAINED_WITH_RE.search(_sentence(lk))
            or (_own_code(lk, ev) and _OWN_TRAIN_WORDS_RE.search(_context(lk)))]


def _users_fine_tuning_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """The producer's own repository linked only for fine-tuning: a recipe for users."""
    return [lk for lk in _code_links(ev, _TRAIN_LINK_WORDS)
            if _own_code(lk, ev) and not _OWN_TRAIN_WORDS_RE.search(_context(lk))
            and not TRAINED_WITH_RE.search(_sentence(lk))]


def _eval_harness_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """COMPONENT_RULES (Evaluation code): the producer's evaluation code, or a harness the
    card links as the one that produced its reported results."""
    return [lk for lk in _code_links(ev, _EVAL_LINK_WORDS)
            if _own_code(lk, ev) or PRODUCED_WITH_RE.search(_sentence(lk))]


def _claimed_link_or_finding(ev: ModelEvidence, name: str, what: str,
                             hits: list[cardtext.Link], link_words: str,
                             mention_words: str) -> Detection | None:
    if hits:
        return Detection(name, 0.65 if name == "Training code" else 0.6,
                         [f"card links {what}: {cardtext.near(hits[0])[:120]}"], hits[0].url)
    others = _code_links(ev, link_words)
    if others:
        return Detection(name, 0.4, [f"card links another's code ({what} words, not said "
                                     f"to be this model's): {cardtext.near(others[0])[:120]}"],
                         others[0].url)
    body = cardtext.clip(ev.card.body)
    m = re.search(mention_words, body, re.I)
    if m:
        return Detection(name, 0.3 if name == "Training code" else 0.35,
                         [f"card: {cardtext._line_of(body, m.start())}"])
    return None


# A link the card names as the model's code ("[BLOOM Megatron code](...)", "paper / [code]").
_CODE_LINK_TEXT_RE = re.compile(r"(^|\s)(code|codebase|source code|implementation)$", re.I)


def detect_training_code(ev: ModelEvidence) -> Detection | None:
    hits = _training_links(ev)
    recipes = _users_fine_tuning_links(ev) if not hits else []
    if recipes:
        # COMPONENT_RULES (Training code): "User fine-tuning recipes ... do not count".
        found: Detection | None = Detection(
            "Training code", 0.4, [f"card links the producer's fine-tuning code for users (a "
                                   f"recipe, not this model's training code): "
                                   f"{cardtext.near(recipes[0])[:120]}"], recipes[0].url)
    else:
        found = _claimed_link_or_finding(
            ev, "Training code", "training code", hits, _TRAIN_LINK_WORDS,
            r"training code|training scripts?|training framework")
    if found is not None and found.confidence >= INCLUDE_THRESHOLD:
        return found
    # COMPONENT_RULES: training code "released or linked as the model's training codebase";
    # a repository the card calls the model's code is that codebase.
    named = [lk for lk in _github_links(ev) if _CODE_LINK_TEXT_RE.search(lk.text.strip())]
    if named:
        return Detection("Training code", 0.55,
                         [f"card links the model's code: {cardtext.near(named[0])[:120]}"],
                         named[0].url)
    return found


def detect_evaluation_code(ev: ModelEvidence) -> Detection | None:
    return _claimed_link_or_finding(
        ev, "Evaluation code", "evaluation code", _eval_harness_links(ev), _EVAL_LINK_WORDS,
        rf"evaluation code|{tools.pattern(tools.EVALUATION_HARNESSES)}|evaluation harness")


def detect_preprocessing_code(ev: ModelEvidence) -> Detection | None:
    # "the same tokenizer as [CodeGen](...)" names a tokenizer, not data-processing code.
    hits = _code_links(ev, r"preprocess|data pipeline|data processing|data prep|dedup|"
                           r"tokeni[sz]\w* (code|scripts?|pipeline)")
    if hits:
        return Detection("Data preprocessing code", 0.6,
                         [f"card links data processing code: {hits[0].line[:120]}"], hits[0].url)
    return None


_LIBRARY_WORDS_RE = re.compile(r"librar(y|ies)|toolkit|framework|\btools?\b|\bpackage\b|\bsdk\b",
                               re.I)
_PACKAGING_RE = re.compile(r"\b(setup\.py|pyproject\.toml|setup\.cfg)\b")


def _software_section_links(ev: ModelEvidence) -> list[cardtext.Link]:
    """GitHub links listed in the card template's Software section (the libraries and
    tools the model was trained with), unless it was left at its placeholder."""
    out: list[cardtext.Link] = []
    for sec in cardtext.sections(ev.card.body):
        if _SOFTWARE_HEADING_RE.match(sec.title) \
                and "more information needed" not in sec.text.lower():
            out += [lk for lk in cardtext.links(sec.text) if _GITHUB_RE.match(lk.url)]
    return out


def _producer_owned(url: str, model_id: str) -> bool:
    m = _GITHUB_RE.match(url)
    return bool(m) and gh.owned_by_producer(m.group(2), model_id)


def _producers_package(ev: ModelEvidence) -> Detection | None:
    """The card's usage installs the producer's own package (``pip install mamba-ssm`` on
    state-spaces/mamba-2.8b-hf; ``packages.producers_own``). A fine-tune of another
    organisation's model (``base_model``) counts only a package named for its own
    organisation: one named for the family is the base model's producer's."""
    org = ev.model_id.split("/")[0].lower()
    bases = [b for b in str_list(ev.card_data.get("base_model")) if "/" in str(b)]
    own_family = not any(str(b).split("/")[0].lower() != org for b in bases)
    repos = [m.group(3) for lk in _github_links(ev)
             if (m := _GITHUB_RE.match(lk.url)) and gh.owned_by_producer(m.group(2), ev.model_id)]
    for name, line in packages.installed(cardtext.clip(ev.card.body)):
        why = packages.producers_own(name, ev.model_id, repos, family=own_family)
        if why:
            return Detection("Supporting libraries and tools", 0.6,
                             [f"card installs the producer's own package {name} ({why}): "
                              f"{line[:100]}"], blob_url(ev.endpoint, ev.model_id, "README.md"))
    return None


def detect_supporting_tools(ev: ModelEvidence) -> Detection | None:
    """COMPONENT_RULES (Supporting libraries and tools): a reusable library, framework or
    tool released by the producer's organisation and linked from the card; third-party
    libraries (transformers, PyTorch, another organisation's framework) and dependency
    lists do not count: they are findings for the reviewer, not claims."""
    listed = _software_section_links(ev)
    named = [lk for lk in _github_links(ev) if _LIBRARY_WORDS_RE.search(_context(lk))]
    for lk in [*named, *listed]:
        if _producer_owned(lk.url, ev.model_id):
            return Detection("Supporting libraries and tools", 0.6,
                             [f"card links the producer's own tooling: {cardtext.near(lk)[:120]}"],
                             lk.url)
    own = (ev.github or {}).get("full_name") or ""
    packaged = ((ev.github or {}).get("components") or {}).get("Supporting libraries and tools")
    # A guessed repository is no release ("a name with no link is not a release").
    guessed = (ev.github or {}).get("role") == gh.ROLE_GUESS
    if own and not guessed and _producer_owned(f"https://github.com/{own}", ev.model_id) \
            and isinstance(packaged, dict) \
            and any(_PACKAGING_RE.search(str(e)) for e in packaged.get("evidence", [])):
        # The producer's own repository installs as a package (a pip-installable model
        # library or framework).
        return Detection("Supporting libraries and tools", 0.6,
                         [f"the producer's repository {own} installs as a package",
                          *packaged.get("evidence", [])[:1]],
                         str(packaged.get("component_path", "")))
    own_package = _producers_package(ev)
    if own_package is not None:
        return own_package
    third = [*named, *listed]
    if third:
        return Detection("Supporting libraries and tools", 0.4,
                         [f"card links another organisation's tooling (not the producer's): "
                          f"{cardtext.near(third[0])[:120]}"], third[0].url)
    for sec in cardtext.sections(ev.card.body):
        text = sec.text.strip()
        if _SOFTWARE_HEADING_RE.match(sec.title) and len(text) >= 20 \
                and "more information needed" not in text.lower():
            return Detection("Supporting libraries and tools", 0.4,
                             [f"card section {sec.title!r} (no linked producer tooling): "
                              f"{text.splitlines()[0][:100]}"])
    if ev.info.library_name:
        return Detection("Supporting libraries and tools", 0.35,
                         [f"library_name: {ev.info.library_name}"])
    return None


DETECTORS: tuple[Callable[[ModelEvidence], Detection | None], ...] = (
    detect_architecture, detect_preprocessing_code, detect_training_code,
    detect_inference_code, detect_evaluation_code, detect_supporting_tools,
    detect_final_parameters, detect_intermediate_parameters, detect_metadata,
    detect_datasets, detect_evaluation_data, detect_sample_outputs, detect_model_card,
    detect_data_card, detect_technical_report, detect_research_paper,
    detect_evaluation_results,
)


def _merge_external(found: dict[str, Detection], external: dict[str, Any] | None) -> None:
    """Fold in repository evidence (``github['components']``) where it is stronger."""
    if not external:
        return
    for name, data in (external.get("components") or {}).items():
        if name not in BY_NAME or not isinstance(data, dict):
            continue
        det = Detection(name, float(data.get("confidence", 0)), list(data.get("evidence", [])),
                        str(data.get("component_path", "")), data.get("license"))
        current = found.get(name)
        if current is None or det.confidence > current.confidence:
            found[name] = det


def detect_components(ev: ModelEvidence) -> list[Detection]:
    """All findings, strongest per component, in MOF order (below-threshold ones included)."""
    found: dict[str, Detection] = {}
    for detector in DETECTORS:
        det = detector(ev)
        if det is None:
            continue
        if det.name not in found or det.confidence > found[det.name].confidence:
            found[det.name] = det
    _merge_external(found, ev.github)
    return [found[n] for n in NAMES if n in found]


def included(detections: list[Detection]) -> list[Detection]:
    return [d for d in detections if d.confidence >= INCLUDE_THRESHOLD]
