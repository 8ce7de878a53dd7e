"""Release fields of a draft (name, version, date, type, architecture, ...), each with a confidence.

Every function returns a Field: the value, how sure we are, and where it came
from, so the draft header can tell the reviewer which fields to check.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from motcrawl.analysis import cardtext
from motcrawl.analysis.evidence import ModelEvidence
from motcrawl.analysis.metadata import str_list
from motcrawl.web.hf import model_url


@dataclass
class Field:
    value: str
    confidence: float
    source: str


# HF organizations whose display name differs from their account name.
PRODUCERS: dict[str, str] = {
    "meta-llama": "Meta", "facebook": "Meta", "google": "Google", "google-t5": "Google",
    "google-bert": "Google", "microsoft": "Microsoft", "mistralai": "Mistral AI",
    "allenai": "Allen Institute for AI", "Qwen": "Alibaba", "openai": "OpenAI",
    "openai-community": "OpenAI", "tiiuae": "Technology Innovation Institute",
    "ibm-granite": "IBM", "ibm": "IBM", "nvidia": "NVIDIA", "stabilityai": "Stability AI",
    "bigscience": "BigScience", "bigcode": "BigCode Project", "deepseek-ai": "DeepSeek",
    "CohereForAI": "Cohere", "CohereLabs": "Cohere", "THUDM": "Tsinghua University",
    "zai-org": "Zhipu AI", "Salesforce": "Salesforce", "mosaicml": "MosaicML",
    "databricks": "Databricks", "Snowflake": "Snowflake", "ai21labs": "AI21 Labs",
    "01-ai": "01.AI", "BAAI": "Beijing Academy of Artificial Intelligence",
    "internlm": "Shanghai AI Laboratory", "baichuan-inc": "Baichuan AI",
    "cerebras": "Cerebras", "togethercomputer": "TogetherAI", "HuggingFaceTB": "Hugging Face",
    "HuggingFaceH4": "Hugging Face", "huggingface": "Hugging Face",
    "sentence-transformers": "Sentence Transformers", "apple": "Apple", "amazon": "Amazon",
    "xai-org": "xAI", "moonshotai": "Moonshot AI", "stanford-crfm": "Stanford CRFM",
    "openlm-research": "UC Berkeley", "LLM360": "LLM360", "EleutherAI": "EleutherAI",
    "FacebookAI": "Meta", "distilbert": "Hugging Face", "black-forest-labs": "Black Forest Labs",
    "runwayml": "Runway", "CompVis": "CompVis", "laion": "LAION", "Alibaba-NLP": "Alibaba",
    "intfloat": "Microsoft", "BAAI-": "Beijing Academy of Artificial Intelligence",
}

# Hub pipeline tags onto MOF release types.
PIPELINE_TYPES: dict[str, str] = {
    **dict.fromkeys((
        "text-generation", "text2text-generation", "fill-mask", "text-classification",
        "token-classification", "question-answering", "table-question-answering",
        "summarization", "translation", "conversational", "zero-shot-classification",
        "sentence-similarity", "text-ranking", "feature-extraction"), "language"),
    **dict.fromkeys((
        "image-classification", "object-detection", "image-segmentation", "depth-estimation",
        "zero-shot-image-classification", "zero-shot-object-detection", "mask-generation",
        "image-feature-extraction", "keypoint-detection", "image-to-image"), "vision"),
    **dict.fromkeys(("text-to-image", "unconditional-image-generation"), "image"),
    **dict.fromkeys((
        "automatic-speech-recognition", "text-to-speech", "text-to-audio", "audio-classification",
        "audio-to-audio", "voice-activity-detection"), "audio"),
    **dict.fromkeys(("text-to-video", "image-to-video", "video-classification",
                     "video-to-video"), "video"),
    **dict.fromkeys(("image-to-3d", "text-to-3d"), "3d"),
    **dict.fromkeys((
        "image-text-to-text", "visual-question-answering", "document-question-answering",
        "image-to-text", "any-to-any", "video-text-to-text", "audio-text-to-text",
        "visual-document-retrieval"), "multimodal"),
}

_DECODER_TYPES = {
    "llama", "mistral", "mixtral", "gpt2", "gpt_neox", "gptj", "gpt_neo", "falcon", "qwen",
    "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "phi", "phi3", "phimoe", "gemma", "gemma2",
    "gemma3_text", "olmo", "olmo2", "olmoe", "bloom", "mpt", "opt", "starcoder2",
    "gpt_bigcode", "codegen", "stablelm", "persimmon", "cohere", "cohere2", "dbrx",
    "deepseek_v2", "deepseek_v3", "deepseek", "internlm", "internlm2", "baichuan",
    "chatglm", "xglm", "granite", "granitemoe", "gpt_oss", "exaone", "minicpm", "arctic",
    "jais", "yi", "telechat", "smollm3", "glm", "glm4", "hunyuan", "ernie4_5", "seed_oss",
    "ministral", "mistral3", "apertus", "granitemoeshared",
}
_ENCODER_DECODER_TYPES = {"t5", "mt5", "umt5", "bart", "mbart", "pegasus", "marian",
                          "longt5", "switch_transformers", "m2m_100", "nllb", "whisper",
                          "codet5", "blenderbot", "prophetnet", "fsmt", "led", "pix2struct",
                          "encoder-decoder", "speecht5", "seamless_m4t"}
_ENCODER_TYPES = {"bert", "roberta", "deberta", "deberta-v2", "distilbert", "albert",
                  "electra", "xlm-roberta", "camembert", "mpnet", "modernbert", "xlm",
                  "nomic_bert", "new", "ernie", "layoutlm", "vit", "deit", "beit", "dinov2",
                  "clip", "siglip", "wav2vec2", "hubert", "data2vec-text", "esm", "bge"}
_RNN_TYPES = {"rwkv", "rwkv5", "rwkv6", "rwkv7", "mamba", "mamba2", "xlstm"}
_HYBRID_TYPES = {"jamba", "granitemoehybrid", "zamba", "zamba2", "falcon_h1", "bamba",
                 "nemotron_h", "recurrent_gemma", "lfm2", "qwen3_next", "hymba"}
_CNN_TYPES = {"resnet", "convnext", "convnextv2", "efficientnet", "mobilenet_v2",
              "mobilenet_v1", "regnet", "yolos", "vgg"}

_SIZE_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([bBmMkKtT])(?![a-zA-Z])")
_MOE_SIZE_RE = re.compile(r"(?<![\w.])(\d+x\d+(?:\.\d+)?[bBmM])(?![a-zA-Z])")
_VERSION_SUFFIX_RE = re.compile(r"[-_](v\d+(?:\.\d+)*)$", re.I)
_GENERIC_TITLES_RE = re.compile(
    r"^(model card|model details|introduction|overview|description|usage|about|readme|"
    r"table of contents|news|model summary|quick ?start|license|updates?)\b", re.I)


def _repo_name(model_id: str) -> str:
    return model_id.split("/")[-1]


def release_name(ev: ModelEvidence) -> Field:
    name = ev.card_data.get("model_name")
    if isinstance(name, str) and name.strip():
        return Field(" ".join(name.split()), 0.9, "card model_name")
    heading = cardtext.title(ev.card.body)
    if heading:
        heading = re.sub(r"^(model card|the model card) (for|of)\s+", "", heading, flags=re.I)
        heading = re.sub(r"\s+model card$", "", heading, flags=re.I)
        heading = re.sub(r"^[^\w]+|[^\w)+.]+$", "", heading).strip()
        repo = _repo_name(ev.model_id)
        if heading.lower() == repo.lower():
            # The title spells the repository name as its authors write it ("Falcon-40B").
            return Field(heading, 0.9, "card title, matching the repository name")
        title_key, repo_key = _name_key(heading), _name_key(repo)
        if title_key and title_key == repo_key:
            if repo == repo.lower():  # "GPT-2" for gpt2: the title adds the case
                return Field(heading, 0.85, "card title, matching the repository name")
            return Field(repo, 0.9, "repository name, matching the card title")
        if title_key and repo_key.startswith(title_key):
            # "OLMo 7B" over OLMo-7B-hf, "Llama 2 7B Chat" over Llama-2-7B-Chat-GGUF: the
            # repository name says which variant this is.
            return Field(_card_spelling(ev, repo), 0.85,
                         "repository name, more specific than the card title")
        if (heading and len(heading) <= 60 and not _GENERIC_TITLES_RE.match(heading)
                and "\n" not in heading):
            return Field(heading, 0.7, "card title")
    repo = _repo_name(ev.model_id)
    spelled = _card_spelling(ev, repo)
    if spelled != repo:
        return Field(spelled, 0.8, "repository name as the card writes it")
    return Field(repo, 0.75, "repository name")


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


def _looks_like_code_model(ev: ModelEvidence) -> bool:
    """A code model by its name. Tags do not tell: ``custom_code`` is about loading, and
    ``code`` is a *language* tag that general models trained on code carry too (BLOOM, phi-2)."""
    name = ev.model_id.split("/")[-1].lower()
    return bool(re.search(r"code(?!c)|coder|starcoder|santacoder|codegen|codet5", name))


def release_type(ev: ModelEvidence) -> Field:
    tag = ev.info.pipeline_tag or ev.card_data.get("pipeline_tag")
    if isinstance(tag, str) and tag in PIPELINE_TYPES:
        mof_type = PIPELINE_TYPES[tag]
        if mof_type == "language" and _looks_like_code_model(ev):
            return Field("code", 0.8, f"pipeline_tag {tag} and a code model name")
        return Field(mof_type, 0.9, f"pipeline_tag {tag}")
    library = ev.info.library_name or ""
    if library == "diffusers" or "model_index.json" in ev.files:
        return Field("image", 0.7, "diffusers pipeline")
    if any(f.endswith(".gguf") for f in ev.files) or any(
            a.endswith("ForCausalLM") for a in str_list(ev.config.get("architectures"))):
        return Field("code" if _looks_like_code_model(ev) else "language", 0.6,
                     "causal language model")
    if isinstance(tag, str) and tag:
        return Field("other", 0.5, f"pipeline_tag {tag} has no MOF type")
    return Field("", 0.0, "not evident")


def _arch_for(model_type: str, archs: list[str]) -> str | None:
    mt = model_type.lower()
    if mt in _HYBRID_TYPES:
        return "hybrid"
    if mt in _RNN_TYPES:
        return "RNN"
    if mt in _CNN_TYPES:
        return "CNN"
    if mt in _ENCODER_DECODER_TYPES or any(("ForConditionalGeneration" in a and "T5" in a)
                                           or "EncoderDecoder" in a for a in archs):
        return "transformer encoder-decoder"
    if mt in _DECODER_TYPES or any(a.endswith("ForCausalLM") or a.endswith("LMHeadModel")
                                   for a in archs):
        return "transformer decoder"
    if mt in _ENCODER_TYPES or any(a.endswith(("ForMaskedLM", "ForSequenceClassification",
                                               "ForTokenClassification", "Model"))
                                   for a in archs):
        return "encoder" if mt in _ENCODER_TYPES else None
    return None


_DENSE_DECODER_RE = re.compile(r"decoder-only (?:dense )?transformer|dense decoder-only", re.I)
_HYBRID_WORDS_RE = re.compile(r"mamba|hybrid|state[- ]space|\bssm\b|recurrent", re.I)


def _says_dense_decoder(ev: ModelEvidence) -> bool:
    """The card calls the model a plain decoder-only transformer and never a hybrid.

    A family shares one model_type across its dense and hybrid members
    (granitemoehybrid covers Granite-4.0-Micro, a dense transformer, and the
    Mamba-2 hybrids H-Micro, H-Tiny): the card then tells which one this is.
    """
    body = cardtext.clip(ev.card.body)
    return bool(_DENSE_DECODER_RE.search(body)) and not _HYBRID_WORDS_RE.search(body)


def release_architecture(ev: ModelEvidence) -> Field:
    config = ev.config
    model_type = str(config.get("model_type") or "")
    archs = str_list(config.get("architectures"))
    if model_type or archs:
        arch = _arch_for(model_type, archs)
        if arch == "hybrid" and _says_dense_decoder(ev):
            return Field("transformer decoder", 0.7,
                         f"card: a decoder-only transformer (config model_type {model_type} "
                         "also covers hybrid variants)")
        if arch:
            return Field(arch, 0.85, f"config model_type {model_type or '-'} / "
                                     f"{', '.join(archs[:2]) or '-'}")
    if ev.info.library_name == "diffusers" or "model_index.json" in ev.files \
            or "diffusers" in ev.tags:
        return Field("diffusion", 0.85, "diffusers pipeline")
    gguf = getattr(ev.info, "gguf", None)
    gguf_arch = gguf.get("architecture") if isinstance(gguf, dict) else None
    if gguf_arch:
        arch = _arch_for(str(gguf_arch), [])
        if arch:
            return Field(arch, 0.75, f"GGUF architecture {gguf_arch}")
    for tag in ev.tags:
        arch = _arch_for(tag, [])
        if arch:
            return Field(arch, 0.6, f"tag {tag}")
    if any(f.endswith(".gguf") for f in ev.files):
        return Field("transformer decoder", 0.5, "GGUF language model")
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
        return Field(PRODUCERS[org], 0.85, f"organization {org}")
    if org:
        return Field(org, 0.6, f"Hub organization {org}")
    return Field("", 0.0, "not evident")


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
