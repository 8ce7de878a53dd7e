"""Does a catalog file name the repository its ``release.huggingface`` points at?

MOT files are named after the model (``CodeGemma-2B.yml``), so the file's own
name says which size, version and family it describes. A repository id that
says otherwise (``google/codegemma-7b``) points at another model. Only
contradictions count: a name without a size says nothing about the id's size.

- **size**: parameter counts (``2B``, ``220M``, ``1_1B``, ``8x7B``, ``A2.7B``,
  ``2T``); the name's sizes and the id's sizes must share one when both have any.
  The name is the file name, else ``release.name``, else ``release.version``.
- **version**: numbers that are not sizes (``v0.1``, ``3.1`` in ``Family-3.1``,
  ``2`` in ``ChatGLM2``), compared without dots (``Codegen2.5`` is ``codegen25``);
  the first version of each must agree when both have one.
- **variant**: a name that says Instruct/Chat/IT points at an id that says none of
  them (``CodeGemma-7B-Instruct`` -> ``google/codegemma-7b``).
- **family**: the first word of the name must occur in the id, allowing small
  spelling drift (``RedPajamas-INCITE`` -> ``RedPajama-INCITE-7B-Base``).
- **conversion**: the id names a quantized or converted re-upload (``-GGUF``,
  ``-AWQ``) that the name does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# A parameter count: digits, optional decimals ('.' or '_' as MOT's OpenELM-1_1B),
# an optional experts prefix (8x7B) or activated marker (A2.7B), and a unit.
_SIZE_RE = re.compile(
    r"(?<![a-z0-9.])(?:a)?((?:\d+x)?\d+(?:[._]\d+)?)\s?([mbt])(?![a-z]|\d)", re.I)
_VARIANTS = ("instruct", "chat", "it", "inst", "sft", "dpo", "rlhf")
_CONVERSIONS = frozenset({"gguf", "ggml", "gptq", "awq", "exl2", "mlx", "onnx", "int4", "int8",
                          "bnb", "4bit", "8bit"})
_FAMILY_MIN = 3


@dataclass(frozen=True)
class NameCheck:
    """What contradicts (``problems``, each one line) and a guess at the right id."""

    problems: tuple[str, ...] = ()
    suggested_id: str | None = None

    def __bool__(self) -> bool:
        return bool(self.problems)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9._]+", text.lower()) if w]


def sizes(text: str) -> list[str]:
    """Parameter counts in a name, normalized (``1_1B`` -> ``1.1b``, ``8x7B`` -> ``8x7b``)."""
    out = []
    for match in _SIZE_RE.finditer(text.lower().replace("-", " ").replace("/", " ")):
        number, unit = match.group(1).replace("_", "."), match.group(2).lower()
        out.append(f"{number}{unit}")
    return list(dict.fromkeys(out))


def versions(text: str) -> list[str]:
    """Version numbers (not sizes), dots removed: ``Family-3.1-8B`` -> ``['31']``."""
    lowered = text.lower()
    cleaned = _SIZE_RE.sub(" ", lowered.replace("-", " ").replace("/", " "))
    out = []
    for match in re.finditer(r"(?:^|(?<=[^0-9._]))v?(\d+(?:[._]\d+)*)(?=$|[^0-9._a-z]|[a-z])",
                             cleaned):
        digits = match.group(1)
        tail = cleaned[match.end():match.end() + 1]
        if tail.isalpha() and tail not in ("v",):  # '8k' (context), '2t' handled by sizes
            continue
        if len(digits.replace(".", "").replace("_", "")) >= 4:  # 2048, 2512: dates, widths
            continue
        out.append(re.sub(r"[._]", "", digits))
    return out


def _variant(text: str) -> str | None:
    words = set(re.split(r"[^a-z0-9]+", text.lower()))
    return next((v for v in _VARIANTS if v in words), None)


def _conversion(text: str) -> str | None:
    words = set(re.split(r"[^a-z0-9]+", text.lower()))
    return next((c for c in sorted(_CONVERSIONS) if c in words), None)


def family(name: str) -> str:
    """The first word of a model name, letters and digits only (``CodeT5+-16B`` -> ``codet5``)."""
    first = re.split(r"[^A-Za-z0-9.]+", name.strip())[0] if name.strip() else ""
    return re.sub(r"[^a-z0-9]", "", first.lower())


def _flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def family_matches(name: str, model_id: str) -> bool:
    fam = family(name)
    if len(fam) < _FAMILY_MIN and not fam.isalpha():
        return True  # 'T5', 'Yi': too short to judge
    flat = _flat(model_id)
    if not fam or fam in flat:
        return True
    match = SequenceMatcher(None, fam, flat, autojunk=False).find_longest_match(
        0, len(fam), 0, len(flat))
    return match.size >= max(_FAMILY_MIN, round(0.8 * len(fam)))


def _swap_size(model_id: str, old: str, new: str) -> str | None:
    """The id with its size replaced, in the id's own spelling (``7b`` -> ``2b``)."""
    org, _, repo = model_id.partition("/")
    number = re.escape(old).replace(r"\.", r"[._]")
    pattern = re.compile(r"(?<![a-z0-9.])" + number + r"(?![a-z0-9])", re.I)
    match = pattern.search(repo)
    if match is None:
        return None
    text = match.group(0)
    unit = new[-1].upper() if text[-1].isupper() else new[-1]
    number = new[:-1].replace(".", "_") if "_" in text else new[:-1]
    return f"{org}/{repo[:match.start()]}{number}{unit}{repo[match.end():]}"


def check_names(file_stem: str, release_name: str, version: str, model_id: str) -> NameCheck:
    """Contradictions between an entry's own name and the repository id it names."""
    repo = model_id.split("/", 1)[-1]
    name = file_stem or release_name
    problems: list[str] = []
    suggested: str | None = None
    name_sizes = sizes(name) or sizes(release_name) or sizes(version)
    id_sizes = sizes(repo)
    if name_sizes and id_sizes and not set(name_sizes) & set(id_sizes):
        problems.append(f"size: the entry says {', '.join(name_sizes)}, "
                        f"the repository {', '.join(id_sizes)}")
        if len(name_sizes) == 1 and len(id_sizes) == 1:
            suggested = _swap_size(model_id, id_sizes[0], name_sizes[0])
    name_versions, id_versions = versions(name), versions(repo)
    if name_versions and id_versions and name_versions[0] != id_versions[0] \
            and name_versions[0] not in id_versions:
        problems.append(f"version: the entry says {name_versions[0]}, "
                        f"the repository {id_versions[0]}")
    wanted = _variant(name)
    if wanted and not _variant(repo):
        problems.append(f"variant: the entry names a {wanted!r} model, the repository does not")
    if not family_matches(name, model_id):
        problems.append(f"family: {family(name)!r} does not occur in {model_id}")
        suggested = None  # another family: a size swap would guess nonsense
    converted = _conversion(repo)
    if converted and not _conversion(name):
        problems.append(f"conversion: the repository is a {converted.upper()} re-upload")
        suggested = None
    return NameCheck(tuple(problems), suggested)
