"""What kind of model a release is: MOF ``type`` and ``architecture`` from what cards state.

Plain functions over plain values. Each reader returns ``(value, why)`` or None,
and ``motcrawl.analysis.release`` tries them in order of trust (see
docs/release-fields.md for both mappings and where each rule comes from):

- Hub metadata: ``pipeline_tag``, config ``model_type`` / ``architectures``,
  ``library_name``, tags;
- the classes the card's own code loads (``XGLMForCausalLM``,
  ``AutoModelForSeq2SeqLM``, ``FluxPipeline``);
- the card's own words in its description ("decoder-only", "encoder-decoder",
  "text-to-speech", "vision-language").

Values use MOT's vocabulary: types ``language code vision image audio video 3d
multimodal other``; architectures ``transformer decoder``, ``transformer
encoder-decoder``, ``encoder`` (a transformer encoder), ``diffusion``, ``RNN``,
``hybrid``, ``CNN``.
"""

from __future__ import annotations

import json
import re
from importlib import resources

DECODER = "transformer decoder"
ENCODER_DECODER = "transformer encoder-decoder"
ENCODER = "encoder"
DIFFUSION = "diffusion"
RNN = "RNN"
HYBRID = "hybrid"
CNN = "CNN"

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
        "image-feature-extraction", "keypoint-detection", "image-to-image",
        "video-classification"), "vision"),
    **dict.fromkeys(("text-to-image", "unconditional-image-generation"), "image"),
    **dict.fromkeys((
        "automatic-speech-recognition", "text-to-speech", "text-to-audio", "audio-classification",
        "audio-to-audio", "voice-activity-detection"), "audio"),
    **dict.fromkeys(("text-to-video", "image-to-video", "video-to-video"), "video"),
    **dict.fromkeys(("image-to-3d", "text-to-3d"), "3d"),
    **dict.fromkeys((
        "image-text-to-text", "visual-question-answering", "document-question-answering",
        "image-to-text", "any-to-any", "video-text-to-text", "audio-text-to-text",
        "visual-document-retrieval"), "multimodal"),
}

# Pipeline tags that say the architecture as surely as the task does.
PIPELINE_ARCHITECTURES: dict[str, str] = {
    "text2text-generation": ENCODER_DECODER, "fill-mask": ENCODER,
    "text-to-image": DIFFUSION, "unconditional-image-generation": DIFFUSION,
}

# Tasks whose transformers are encoder-decoders unless a card says otherwise.
SEQ2SEQ_TASKS = frozenset(("text-to-speech", "automatic-speech-recognition", "translation",
                           "summarization", "text2text-generation"))

# config model_type (also class-name prefixes, tags and name tokens) onto architectures and,
# where not "language", MOF types: data, with its source, in motcrawl/data/model_types.json.
_MODEL_TYPES = json.loads(resources.files("motcrawl").joinpath(
    "data/model_types.json").read_text(encoding="utf-8"))
MODEL_TYPE_ARCHITECTURES: dict[str, str] = {
    model_type: architecture
    for architecture, model_types in _MODEL_TYPES["architectures"].items()
    for model_type in model_types}
MODEL_TYPE_TYPES: dict[str, str] = {
    model_type: kind for kind, model_types in _MODEL_TYPES["types"].items()
    for model_type in model_types}
# Families other models' names and descriptions build on (InfoXLM, GraphCodeBERT, "GPT-like").
NAME_FAMILIES: dict[str, str] = {
    family: architecture for architecture, families in _MODEL_TYPES["name_families"].items()
    if isinstance(families, list) for family in families}

# Class-name suffixes (transformers' task heads) onto architecture and type.
_CLASS_SUFFIXES: tuple[tuple[re.Pattern[str], str | None, str | None], ...] = tuple(
    (re.compile(p), arch, kind) for p, arch, kind in (
        (r"(ForCausalLM|LMHeadModel)$", DECODER, "language"),
        (r"ForSeq2SeqLM$", ENCODER_DECODER, "language"),
        (r"ForSpeechSeq2Seq$", ENCODER_DECODER, "audio"),
        (r"For(CTC|AudioClassification|AudioFrameClassification)$", None, "audio"),
        (r"For(MaskedLM|SequenceClassification|TokenClassification|QuestionAnswering|"
         r"MultipleChoice)$", ENCODER, "language"),
        (r"For(ImageClassification|ObjectDetection|SemanticSegmentation|"
         r"InstanceSegmentation|DepthEstimation|UniversalSegmentation)$", None, "vision"),
        (r"For(Vision2Seq|ImageTextToText)$", None, "multimodal"),
        (r"(Diffusion|Flux|Kandinsky|PixArt|Sana|Wuerstchen|LDMText2Image|Latent\w*)"
         r"Pipeline$", DIFFUSION, "image"),
        (r"(Video|TextToVideo)\w*Pipeline$", DIFFUSION, "video"),
    ))

# Libraries that say what kind of model it is.
LIBRARY_TYPES: dict[str, str] = {
    "diffusers": "image", "sentence-transformers": "language", "timm": "vision",
    "open_clip": "multimodal", "speechbrain": "audio", "espnet": "audio", "nemo": "",
    "pyannote-audio": "audio", "ultralytics": "vision", "paddleocr": "vision",
}
LIBRARY_ARCHITECTURES: dict[str, str] = {"diffusers": DIFFUSION,
                                         "sentence-transformers": ENCODER}


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_SQUASHED_ARCH = {squash(k): v for k, v in MODEL_TYPE_ARCHITECTURES.items()}
_SQUASHED_TYPE = {squash(k): v for k, v in MODEL_TYPE_TYPES.items()}


def architecture_of_model_type(model_type: str) -> str | None:
    return MODEL_TYPE_ARCHITECTURES.get(model_type.lower()) or \
        _SQUASHED_ARCH.get(squash(model_type))


def type_of_model_type(model_type: str) -> str | None:
    return MODEL_TYPE_TYPES.get(model_type.lower()) or _SQUASHED_TYPE.get(squash(model_type))


def _class_prefix(cls: str) -> str:
    m = re.match(r"^(\w+?)(For[A-Z]\w*|LMHeadModel|Model|Pipeline)$", cls)
    prefix = m.group(1) if m else cls
    return "" if prefix in ("Auto", "TF", "Flax", "AutoModel") else re.sub(
        r"^(TF|Flax)", "", prefix)


def architecture_of_class(cls: str) -> str | None:
    """``XGLMForCausalLM`` -> decoder, ``MambaForCausalLM`` -> RNN (the model type wins over
    the head), ``AutoModelForSeq2SeqLM`` -> encoder-decoder, ``FluxPipeline`` -> diffusion."""
    prefix = _class_prefix(cls)
    if prefix:
        found = architecture_of_model_type(prefix)
        if found:
            return found
    for pattern, arch, _ in _CLASS_SUFFIXES:
        if pattern.search(cls) and arch:
            return arch
    return None


def type_of_class(cls: str) -> str | None:
    prefix = _class_prefix(cls)
    if prefix and type_of_model_type(prefix):
        return type_of_model_type(prefix)
    for pattern, _, kind in _CLASS_SUFFIXES:
        if pattern.search(cls) and kind:
            return kind
    return None


def _family_key(word: str) -> str | None:
    """The family one name part names, squashed: a model type or name family ("llama",
    "XLM"), the same with its version cut ("Llama2", "GPT-3", "Qwen2.5"), or a name built on a
    family ("InfoXLM", "GraphCodeBERT", "FlanT5", "CodeLlama")."""
    key = squash(word)
    if len(key) < 2 or key in _NOT_FAMILIES or key.isdigit():
        return None
    bare = re.sub(r"(v?\d+)+[a-z]?$", "", key)
    for candidate in (key, bare):
        if (candidate in _SQUASHED_ARCH or candidate in NAME_FAMILIES) \
                and candidate not in _NOT_FAMILIES:
            return candidate
    for candidate in (key, bare):
        for family in NAME_FAMILIES:
            if len(candidate) > len(family) and candidate.endswith(family):
                return family
    return None


def _family_of(name: str) -> str | None:
    """The family a model or family name names ("XLM", "Llama 2", "GPT-NeoX",
    "mistral-community/Mixtral-8x22B-v0.1", "bert-base-uncased"): its longest leading run of
    name parts that is a known family."""
    parts = [p for p in re.split(r"[-_\s]+", name.split("/")[-1]) if p]
    for end in range(len(parts), 0, -1):
        found = _family_key("".join(parts[:end]))
        if found:
            return found
    return None


def _architecture_of_key(key: str | None) -> str | None:
    return (_SQUASHED_ARCH.get(key) or NAME_FAMILIES.get(key)) if key else None


def _type_of_key(key: str | None) -> str | None:
    """A family's MOF type: its model type's, else language (the types table lists only the
    model types that are not language models)."""
    return (_SQUASHED_TYPE.get(key) or "language") if key else None


def architecture_of_family(name: str) -> str | None:
    return _architecture_of_key(_family_of(name))


def type_of_family(name: str) -> str | None:
    return _type_of_key(_family_of(name))


def architecture_of_name_token(token: str) -> str | None:
    """One part of a repository name (``mt5``, ``infoxlm``, ``graphcodebert``, ``gpt``)."""
    return _architecture_of_key(_family_key(token))


def type_of_name_token(token: str) -> str | None:
    return _type_of_key(_family_key(token))


# -- the card's words --------------------------------------------------------------------
def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# How cards state the architecture outright (checked first, earliest mention wins).
ARCHITECTURE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_words(r"\bhybrid\b[^.\n]{0,80}(mamba|state[- ]space|ssm|recurren|convolution)|"
            r"(mamba|state[- ]space|ssm)[^.\n]{0,60}(hybrid|attention layers|"
            r"transformer (layers|blocks))"), HYBRID),
    (_words(r"state[- ]space (language )?models?|\bselective (ssm|state space)|\bmamba\b|"
            r"\brwkv\b|recurrent neural network|\bRNN\b|\bLSTM\b"), RNN),
    (_words(r"\b(latent |text-to-image |denoising |cascaded )?diffusion[- ](model|"
            r"transformer|process)|\blatent diffusion\b|rectified flow|flow[- ]matching|"
            r"diffusion-based"), DIFFUSION),
    (_words(r"encoder[- ]decoder|sequence-to-sequence|\bseq2seq\b|text-to-text transfer "
            r"transformer"), ENCODER_DECODER),
    (_words(r"decoder[- ]only|(dense|causal|autoregressive|auto-regressive) "
            r"(transformer )?decoder|transformer decoder"), DECODER),
    (_words(r"encoder[- ]only|bidirectional (transformer )?encoder|transformer encoder"),
     ENCODER),
)
# Weaker cues: the training objective or family the card names (checked after code classes).
ARCHITECTURE_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_words(r"auto-?regressive (transformer |language |generative )?(model|LM|LLM)s?|"
            r"causal (language )?(model|LM)s?|\bGPT-(style|like)|left-to-right "
            r"(language )?model|generative pre-?trained transformer"), DECODER),
    (_words(r"\b(m|by|flan-|long|u)?T5\b|\bBART\b|text-to-text[- ](format|framework)|"
            r"span[- ]corruption"), ENCODER_DECODER),
    (_words(r"masked language model(ing)?|\(MLM\)|\b(Ro)?BERT(a)?\b|sentence[- ]embeddings?|"
            r"dense vector space"), ENCODER),
)
# Mixture of experts: a transformer decoder unless the card says otherwise (Mixtral, Zephyr
# 141B, DeepSeek, Qwen-MoE, Llama 4 are decoders; Switch Transformers says "similar to T5").
MOE_WORDS = _words(r"\bmixture[- ]of[- ]experts?\b|\bMoE\b|\bsparse mixture\b")

# Family words that describe THIS model: "a GPT-like neural network", "BERT-like", "an
# XLM-style model", "based on the LLaMA architecture", "architecture is similar to the classic
# T5", "a fine-tuned version of mistral-community/Mixtral-8x22B-v0.1".
_FAMILY = r"(?P<family>[A-Za-z][\w.]*(?:[-/][A-Za-z0-9][\w.]*)*?)"
FAMILY_PHRASES: tuple[re.Pattern[str], ...] = (
    _words(r"\b" + _FAMILY + r"-(style|like|based)\b"),
    _words(r"\bbased on (the )?(original )?" + _FAMILY + r"( \d[\w.]*)?"
           r"(?=[\s,.;:)]|$)"),
    _words(r"\b(architecture|model) (is )?(very )?similar to (that of )?(the )?"
           r"(classic |original )?" + _FAMILY + r"(?=[\s,.;:)`]|$)"),
    _words(r"\b(fine-?tuned|distilled|initiali[sz]ed|continued(ly)? pre-?trained) "
           r"(version |checkpoint )?(of|from) (the )?\[?`?" + _FAMILY + r"(?=[\s,.;:)`\]]|$)"),
)
# Model types that are English words, never read as a family in prose.
_NOT_FAMILIES = frozenset(("new",))

# How cards state the kind of model (earliest mention wins).
TYPE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_words(r"vision[- ]language|multi-?modal(?! diffusion)|image[- ]text|"
            r"visual question answering|image captioning|\bVLMs?\b|\bMLLMs?\b|"
            r"(text|language) and (images?|vision)|images? and text"), "multimodal"),
    (_words(r"text-to-image|image generation|generat\w* (high-quality |realistic )?images|"
            r"image synthesis|text-to-image synthesis"), "image"),
    (_words(r"text-to-video|video generation|generat\w* videos"), "video"),
    (_words(r"speech recognition|text-to-speech|speech synthesis|\bASR\b|\bTTS\b|"
            r"speech model|audio (model|generation|classification)|spoken language"), "audio"),
    (_words(r"object detection|image classification|(semantic |instance )?segmentation|"
            r"depth estimation|computer vision|vision (transformer|model|backbone)|"
            r"image (encoder|features|recognition)"), "vision"),
    (_words(r"language models?|\bLLMs?\b|text generation|sentence embeddings?|chat(bot| model)|"
            r"\b(generat|process)\w*( and \w+)? (natural[- ]language )?texts?\b|"
            r"natural language|text-to-text|question answering|translation"), "language"),
)

# A model trained for code, as its description opens ("trained on code", "code LLM").
CODE_WORDS = _words(
    r"\bcode (generation|completion|synthesis|infilling|models?|LLMs?|language models?)|"
    r"\b(trained|pre-?trained|fine-?tuned)\b[^.\n]{0,40}\bon\b[^.\n]{0,20}\b(source )?code\b|"
    r"\bcode LLMs?\b|\bmodels? (for|of) code\b|\bcoding (assistant|model|tasks)|"
    r"\bspeciali[sz]ed (for|in|on) (\w+ ){0,2}(coding|programming)\b")
# "coder", "code-" starting a name part, but not the "coder" of encoder/decoder nor "codec";
# and the code families whose names glue "code" to other letters ("graphcodebert",
# "opencoder"): data, each with its source, in motcrawl/data/code_models.json.
CODE_FAMILIES: tuple[str, ...] = tuple(
    entry["name"] for entry in json.loads(resources.files("motcrawl").joinpath(
        "data/code_models.json").read_text(encoding="utf-8"))["families"])
CODE_NAME = re.compile(r"(?<!en)(?<!de)coder|(?<![a-z])code(?!c)|"
                       + "|".join(map(re.escape, CODE_FAMILIES)), re.I)
CODE_INTRO_CHARS = 700


# Words that set what follows against the model ("This is different from traditional
# recurrent neural networks (RNNs) ..., or from autoregressive models like GPT", "unlike
# BERT", "outperforms Llama 2"): a mention they govern is not the model's own kind.
_CONTRAST_RE = re.compile(
    r"\b(different from|differs? from|unlike|compared (to|with)|in (contrast|comparison) "
    r"(to|with)|improv\w* (over|on|upon)|as opposed to|rather than|instead of|"
    r"outperform\w*|surpass\w*|"
    r"(better|faster|smaller|larger|stronger|cheaper) than|than(?!\s*[~≈<>]?\s*\d)|"
    r"not (a|an|based on))\b|\bnon-", re.I)
# A contrast reaches at most this far, and not past the end of its clause: a sentence end,
# a semicolon or colon, a paragraph, list item or heading (a hard-wrapped line goes on), or a
# comma that does not continue the contrasted list (", or from autoregressive models"
# continues it; ", X is a decoder-only model" does not).
CONTRAST_REACH = 120
_CLAUSE_END_RE = re.compile(r"[.!?;:](\s|$)|\n\s*(\n|[-*+#|]|\d+[.)])|"
                            r",(?!\s*(or|and|nor|from|as well as)\b)", re.I)


def in_contrast(text: str, start: int) -> bool:
    """Whether the mention at ``start`` is governed by a contrast word before it."""
    window = text[max(0, start - CONTRAST_REACH):start]
    contrasts = list(_CONTRAST_RE.finditer(window))
    return bool(contrasts) and not _CLAUSE_END_RE.search(window[contrasts[-1].end():])


def earliest(table: tuple[tuple[re.Pattern[str], str], ...], text: str
             ) -> tuple[str, str] | None:
    """The value whose words the text states first, with the words (None: no match).
    Mentions in contrast with the model (``in_contrast``) do not count."""
    best: tuple[int, str, str] | None = None
    for pattern, value in table:
        m = next((m for m in pattern.finditer(text) if not in_contrast(text, m.start())),
                 None)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), value, m.group(0))
    return (best[1], best[2]) if best else None


_JOINED_FAMILY_RE = re.compile(r"(\band\b|\+|,|\bwith\b)\s+(the\s+|an?\s+)?`?\[?"
                               r"(?P<family>[A-Za-z][\w./-]*)")


def _composite(text: str, end: int, arch: str) -> bool:
    """Whether the family phrase ending at ``end`` goes on to join a family of another
    architecture ("based on SigLip-400M and MiniCPM-2.4B", "CLIP-like ViT-H/14 and
    Qwen1.5-0.5B"): the model is built of both, and the phrase tells neither."""
    tail = re.split(r"[.;:!?]\s|\n", text[end:end + 80], maxsplit=1)[0]
    return any((other := architecture_of_family(m.group("family"))) and other != arch
               for m in _JOINED_FAMILY_RE.finditer(tail))


def family_in_words(text: str) -> tuple[str, str] | None:
    """The architecture of a family the text says this model belongs to ("a GPT-like neural
    network", "an XLM-style model", "based on the LLaMA architecture"), earliest first;
    families in contrast ("in contrast to BERT-style models") do not count."""
    best: tuple[int, str, str] | None = None
    for pattern in FAMILY_PHRASES:
        for m in pattern.finditer(text):
            arch = architecture_of_family(m.group("family"))
            if arch and not in_contrast(text, m.start()) and not _composite(text, m.end(), arch):
                if best is None or m.start() < best[0]:
                    best = (m.start(), arch, m.group(0))
                break
    return (best[1], best[2]) if best else None


# A description that names another kind of model this early is about that kind.
KIND_WORDS_CHARS = 1500


def type_in_words(description: str) -> tuple[str, str] | None:
    """The kind of model the description states: any kind other than language named in its
    opening (a "chatbot trained on multimodal data" is multimodal), else language."""
    other = earliest(tuple(t for t in TYPE_WORDS if t[1] != "language"),
                     description[:KIND_WORDS_CHARS])
    return other or earliest(tuple(t for t in TYPE_WORDS if t[1] == "language"), description)


def says_code_model(name: str, description: str) -> str | None:
    """Why this is a code model (its name, or its description's opening), or None."""
    if CODE_NAME.search(name):
        return f"code model name {name}"
    m = CODE_WORDS.search(description[:CODE_INTRO_CHARS])
    return f"card: {m.group(0)!r}" if m else None
