"""Release fields of a draft (name, version, date, type, architecture, ...), each with a confidence.

Every function returns a Field: the value, how sure we are, and where it came
from, so the draft header can tell the reviewer which fields to check.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

from motcrawl.analysis import cardtext
from motcrawl.analysis import modelkind as mk
from motcrawl.analysis.evidence import ModelEvidence
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.metadata import str_list
from motcrawl.web.hf import model_url

# Producers whose name differs from their Hub organization id, each with its source.
PRODUCERS: dict[str, dict[str, str]] = json.loads(resources.files("motcrawl").joinpath(
    "data/producers.json").read_text("utf-8"))["producers"]


@dataclass
class Field:
    value: str
    confidence: float
    source: str


_SIZE_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([bBmMkKtT])(?![a-zA-Z])")
_MOE_SIZE_RE = re.compile(r"(?<![\w.])(\d+x\d+(?:\.\d+)?[bBmM])(?![a-zA-Z])")
_VERSION_SUFFIX_RE = re.compile(r"[-_](v\d+(?:\.\d+)*)$", re.I)
# "Model Card for X", "X Model Card", "Introducing X": the words around a title, not the name.
_TITLE_WRAPPER_RES = (
    re.compile(r"^(the )?(model card|model|card)\s+(for|of)\s+", re.I),
    re.compile(r"^(introducing|introduction to|welcome to)\s+", re.I),
    re.compile(r"\s+(model card|model|card|README)$", re.I),
)


def _repo_name(model_id: str) -> str:
    return model_id.split("/")[-1]


def _clean_title(title: str) -> str:
    for pattern in _TITLE_WRAPPER_RES:
        title = pattern.sub("", title)
    return re.sub(r"^[^\w]+|[^\w)+.]+$", "", title).strip()


def release_name(ev: ModelEvidence) -> Field:
    """The model's name as its authors spell it: the card's ``model_name``, else the
    repository name, spelled as the card's title spells it when the title names the same
    model (the same letters and digits: "Name-40B" for name-40b, "NAME-2" for name2) and
    the repository name is all lower case.

    A title that names only the family ("Name 7B" over Name-7B-hf) gives way to the more
    specific repository name; a title that names something else ("Highlights", "Key
    Features", a sentence) is never a name.
    """
    name = ev.card_data.get("model_name")
    if isinstance(name, str) and name.strip() and "\n" not in name.strip():
        return Field(" ".join(name.split()), 0.9, "card model_name")
    repo = _repo_name(ev.model_id)
    title = cardtext.title(ev.card.body)
    title = _clean_title(" ".join(title.split())) if title else ""
    if title and _name_key(title) == _name_key(repo):
        if title == repo:
            return Field(repo, 0.9, "repository name, which the card title repeats")
        if repo == repo.lower():
            return Field(title, 0.85, "card title: the repository name as its authors spell it")
        # Cased already ("Name-7B", "name-7.5B"): the repository's separators, the title's case.
        return Field(_recase(repo, title), 0.85,
                     "repository name, cased as the card title spells it")
    spelled = _card_spelling(ev, repo)
    if spelled != repo:
        return Field(spelled, 0.8, "repository name as the card writes it")
    return Field(repo, 0.75, "repository name")


def _recase(repo: str, title: str) -> str:
    """The repository name with each letter in the title's case (same letters, in order)."""
    letters = iter(c for c in title if c.isalnum())
    out = []
    for c in repo:
        if c.isalnum():
            t = next(letters, c)
            out.append(t if t.lower() == c.lower() else c)
        else:
            out.append(c)
    return "".join(out)


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", name.lower())


def _card_spelling(ev: ModelEvidence, repo: str) -> str:
    """A lower-case repository name as the card's prose spells it ("bloom" -> "BLOOM").

    Only whole words outside links and file names count (not ".../bigscience/bloom"
    or "bloom-560m"); the most frequent capitalized spelling wins. A repository
    name its owners already capitalized is kept as it is.
    """
    if repo != repo.lower():
        return repo
    pattern = re.compile(r"(?<![\w./-])" + re.escape(repo) + r"(?![\w/-]|\.\w)", re.I)
    spellings = Counter(m.group(0) for m in pattern.finditer(cardtext.clip(ev.card.body))
                        if m.group(0) != repo)
    return spellings.most_common(1)[0][0] if spellings else repo


def _format_count(count: int) -> str:
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if count >= div:
            value = count / div
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return text.removesuffix(".0") + unit
    return str(count)


def release_version(ev: ModelEvidence) -> Field:
    repo = _repo_name(ev.model_id)
    moe = _MOE_SIZE_RE.search(repo)
    if moe:
        return Field(moe.group(1).upper().replace("X", "x"), 0.8, "size in the repository name")
    size = _SIZE_RE.search(repo.replace("_", "-"))
    if size:
        return Field(f"{size.group(1)}{size.group(2).upper()}", 0.8,
                     "size in the repository name")
    total = getattr(ev.info.safetensors, "total", None) if ev.info.safetensors else None
    if total:
        return Field(_format_count(int(total)), 0.75, "safetensors parameter count")
    suffix = _VERSION_SUFFIX_RE.search(repo)
    if suffix:
        return Field(suffix.group(1), 0.6, "version suffix of the repository name")
    return Field("", 0.0, "not evident")


def release_date(ev: ModelEvidence) -> Field:
    created = ev.info.created_at
    if created is not None:
        return Field(created.date().isoformat(), 0.7, "Hub createdAt (upload date)")
    modified = ev.info.last_modified
    if modified is not None:
        return Field(modified.date().isoformat(), 0.4, "Hub lastModified")
    return Field("", 0.0, "not evident")


def _description(ev: ModelEvidence) -> str:
    return cardtext.description(ev.card.body)


def _model_type_and_classes(ev: ModelEvidence) -> tuple[str, list[str]]:
    return str(ev.config.get("model_type") or ""), str_list(ev.config.get("architectures"))


def _tag_values(ev: ModelEvidence) -> list[str]:
    """Plain tags of the model and its card (``text-to-speech``, ``t5``), not ``key:value``."""
    tags = ev.tags + str_list(ev.card_data.get("tags"))
    return list(dict.fromkeys(t.strip().lower() for t in tags if ":" not in t and t.strip()))


def _kind_type(ev: ModelEvidence) -> tuple[str, float, str] | None:
    """The MOF type before the code check, with confidence and source (None: not evident)."""
    tag = ev.info.pipeline_tag or ev.card_data.get("pipeline_tag")
    if isinstance(tag, str) and tag in mk.PIPELINE_TYPES:
        return mk.PIPELINE_TYPES[tag], 0.9, f"pipeline_tag {tag}"
    model_type, archs = _model_type_and_classes(ev)
    if model_type and mk.type_of_model_type(model_type):
        return mk.type_of_model_type(model_type) or "", 0.85, f"config model_type {model_type}"
    for cls in archs:
        kind = mk.type_of_class(cls)
        if kind:
            return kind, 0.85, f"config architectures {cls}"
    for tag_value in _tag_values(ev):
        if tag_value in mk.PIPELINE_TYPES:
            return mk.PIPELINE_TYPES[tag_value], 0.8, f"tag {tag_value}"
    library = ev.info.library_name or ev.card_data.get("library_name")
    if isinstance(library, str) and mk.LIBRARY_TYPES.get(library.lower()):
        return mk.LIBRARY_TYPES[library.lower()], 0.75, f"library_name {library}"
    if "model_index.json" in ev.files:
        return "image", 0.7, "diffusers pipeline (model_index.json)"
    for cls in cardtext.code_classes(ev.card.body):
        kind = mk.type_of_class(cls)
        if kind:
            return kind, 0.7, f"card code loads {cls}"
    said = mk.type_in_words(_description(ev))
    if said:
        return said[0], 0.65, f"card: {said[1]!r}"
    if any(f.endswith(".gguf") for f in ev.files):
        return "language", 0.6, "GGUF language model"
    if isinstance(tag, str) and tag:
        return "other", 0.5, f"pipeline_tag {tag} has no MOF type"
    # Nothing else spoke: the model family the repository name or base_model names.
    for token in re.split(r"[-_.\s]+", _repo_name(ev.model_id).lower()):
        kind = mk.type_of_name_token(token)
        if kind:
            return kind, 0.5, f"model family {token} in the repository name"
    for base in _base_models(ev):
        kind = mk.type_of_family(base)
        if kind:
            return kind, 0.5, f"base_model {base}"
    return None


def release_type(ev: ModelEvidence) -> Field:
    """pipeline_tag, else config, tags, library, the card's code, the card's words; a
    language model trained for code is ``code`` (docs/release-fields.md)."""
    found = _kind_type(ev)
    if found is None:
        code = mk.says_code_model(_repo_name(ev.model_id), _description(ev))
        return Field("code", 0.6, code) if code else Field("", 0.0, "not evident")
    kind, confidence, source = found
    if kind == "language":
        code = mk.says_code_model(_repo_name(ev.model_id), _description(ev))
        if code:
            return Field("code", min(confidence, 0.8), f"{source}; {code}")
    return Field(kind, confidence, source)


_DENSE_WORDS_RE = re.compile(r"decoder-only (?:dense )?transformer|dense (decoder-only|"
                             r"transformer)", re.I)
_HYBRID_WORDS_RE = re.compile(r"mamba|hybrid|state[- ]space|\bssm\b|recurrent", re.I)


def _card_overrides_family_type(ev: ModelEvidence, arch: str) -> bool:
    """A model_type shared by a family's hybrid and dense members (granitemoehybrid covers
    the dense Granite-4.0-Micro and the Mamba-2 hybrids): a card that calls the model a
    dense decoder-only transformer and never a hybrid tells which member this is."""
    text = _description(ev)
    return arch == mk.HYBRID and bool(_DENSE_WORDS_RE.search(text)) \
        and not _HYBRID_WORDS_RE.search(text)


def release_architecture(ev: ModelEvidence) -> Field:
    """Config model_type/architectures, else the card's words and code, library, tags,
    pipeline tag and name, in MOT's vocabulary (docs/release-fields.md)."""
    model_type, archs = _model_type_and_classes(ev)
    config_arch = (mk.architecture_of_model_type(model_type) if model_type else None) or next(
        (a for a in map(mk.architecture_of_class, archs) if a), None)
    if config_arch and _card_overrides_family_type(ev, config_arch):
        return Field(mk.DECODER, 0.7, f"card: a dense decoder-only transformer (config "
                                      f"model_type {model_type} also covers hybrids)")
    if config_arch:
        return Field(config_arch, 0.85, f"config model_type {model_type or '-'} / "
                                        f"{', '.join(archs[:2]) or '-'}")
    text = _description(ev)
    # A hybrid is decoder-only too ("Causal decoder-only ... Hybrid Transformers + Mamba"):
    # a card that calls it a hybrid is read first.
    said = mk.earliest(mk.ARCHITECTURE_WORDS[:1], text) or mk.earliest(mk.ARCHITECTURE_WORDS,
                                                                       text)
    if said:
        return Field(said[0], 0.75, f"card: {said[1]!r}")
    for cls in cardtext.code_classes(ev.card.body):
        arch = mk.architecture_of_class(cls)
        if arch:
            return Field(arch, 0.7, f"card code loads {cls}")
    library = ev.info.library_name or ev.card_data.get("library_name")
    if (isinstance(library, str) and library.lower() == "diffusers") \
            or "model_index.json" in ev.files:
        return Field(mk.DIFFUSION, 0.8, "diffusers pipeline")
    family = mk.family_in_words(text)
    if family:
        return Field(family[0], 0.65, f"card: {family[1]!r}")
    cue = mk.earliest(mk.ARCHITECTURE_CUES, text)
    if cue:
        return Field(cue[0], 0.6, f"card: {cue[1]!r}")
    gguf = getattr(ev.info, "gguf", None)
    gguf_arch = gguf.get("architecture") if isinstance(gguf, dict) else None
    if gguf_arch and mk.architecture_of_model_type(str(gguf_arch)):
        return Field(mk.architecture_of_model_type(str(gguf_arch)) or "", 0.75,
                     f"GGUF architecture {gguf_arch}")
    for tag_value in _tag_values(ev):
        arch = mk.architecture_of_model_type(tag_value) or (
            mk.DIFFUSION if tag_value in ("diffusers", "stable-diffusion") else None)
        if arch:
            return Field(arch, 0.6, f"tag {tag_value}")
    if isinstance(library, str) and mk.LIBRARY_ARCHITECTURES.get(library.lower()):
        return Field(mk.LIBRARY_ARCHITECTURES[library.lower()], 0.55, f"library_name {library}")
    tag = ev.info.pipeline_tag or ev.card_data.get("pipeline_tag")
    if isinstance(tag, str) and tag in mk.PIPELINE_ARCHITECTURES:
        return Field(mk.PIPELINE_ARCHITECTURES[tag], 0.55, f"pipeline_tag {tag}")
    for token in re.split(r"[-_.\s]+", _repo_name(ev.model_id).lower()):
        arch = mk.architecture_of_name_token(token)
        if arch:
            return Field(arch, 0.5, f"model family {token} in the repository name")
    for base in _base_models(ev):
        # A fine-tune has its base model's architecture.
        arch = mk.architecture_of_family(base)
        if arch:
            return Field(arch, 0.5, f"base_model {base}")
    if any(f.endswith(".gguf") for f in ev.files):
        return Field(mk.DECODER, 0.5, "GGUF language model")
    moe = mk.earliest(((mk.MOE_WORDS, mk.DECODER),), text)
    if moe:
        return Field(mk.DECODER, 0.5, f"card: {moe[1]!r} (a mixture of experts is a "
                                      "transformer decoder unless the card says otherwise)")
    tasks = [t for t in [tag, *_tag_values(ev)] if isinstance(t, str)]
    seq2seq = next((t for t in tasks if t in mk.SEQ2SEQ_TASKS), None)
    if seq2seq and re.search(r"\btransformer\b", text, re.I):
        # A transformer for a sequence-to-sequence task (speech synthesis, recognition,
        # translation, summarization) is an encoder-decoder unless the card says otherwise.
        return Field(mk.ENCODER_DECODER, 0.5, f"card: a transformer for {seq2seq}")
    return Field("", 0.0, "not evident")


def release_treatment(ev: ModelEvidence) -> Field | None:
    text = _repo_name(ev.model_id).lower()
    if re.search(r"(^|[-_.])(chat|rlhf|dpo)([-_.]|$)", text):
        return Field("chat fine-tuned", 0.75, "repository name")
    if re.search(r"(^|[-_.])(instruct|it|sft|inst)([-_.]|$)", text):
        return Field("instruct fine-tuned", 0.75, "repository name")
    if re.search(r"(^|[-_.])base([-_.]|$)", text):
        return Field("pre-trained", 0.75, "repository name")
    if not _base_models(ev) and ev.info.pipeline_tag == "text-generation" and re.search(
            r"\bpre-?trained\b|\bbase model\b", cardtext.clip(ev.card.body)[:5000], re.I):
        return Field("pre-trained", 0.5, "card calls it pre-trained")
    return None


def _base_models(ev: ModelEvidence) -> list[str]:
    return [v for v in str_list(ev.card_data.get("base_model")) if v.strip()]


def release_origin(ev: ModelEvidence, name: str) -> Field:
    bases = _base_models(ev)
    if bases:
        return Field(bases[0], 0.85, "card base_model")
    return Field(name, 0.6, "no base_model: the model itself")


def release_producer(ev: ModelEvidence) -> Field:
    author = ev.info.author if isinstance(ev.info.author, str) else ""
    org = author or (ev.model_id.split("/")[0] if "/" in ev.model_id else "")
    if org in PRODUCERS:
        return Field(PRODUCERS[org]["name"], 0.85,
                     f"organization {org} ({PRODUCERS[org]['source']})")
    if org:
        return Field(org, 0.6, f"Hub organization {org}")
    return Field("", 0.0, "not evident")


def release_license(ev: ModelEvidence) -> LicenseFinding:
    """The distribution license as the crawl drafts it: card metadata, tags, the LICENSE
    file's text and the card's own words (motcrawl.analysis.licenses.detect_license),
    detected once per evidence (ModelEvidence.license)."""
    return ev.license


def release_fields(ev: ModelEvidence) -> dict[str, Field]:
    """All release fields that could be derived, keyed as in MOT files."""
    name = release_name(ev)
    fields: dict[str, Field] = {
        "name": name,
        "version": release_version(ev),
        "date": release_date(ev),
        "type": release_type(ev),
        "architecture": release_architecture(ev),
        "origin": release_origin(ev, name.value),
        "producer": release_producer(ev),
        "huggingface": Field(model_url("https://huggingface.co", ev.model_id), 1.0, "model id"),
    }
    treatment = release_treatment(ev)
    if treatment:
        fields["treatment"] = treatment
    return fields


def fields_as_dict(fields: dict[str, Field]) -> dict[str, Any]:
    return {k: {"value": f.value, "confidence": f.confidence, "source": f.source}
            for k, f in fields.items()}
