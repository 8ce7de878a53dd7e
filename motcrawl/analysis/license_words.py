"""Licenses a card names in its own words ("**License:** Apache 2.0", "licensed under the
Creative Commons Attribution-ShareAlike 4.0 International License").

Plain functions. Names come back as SPDX ids (through license-expression: its
tokenizer matches SPDX keys and aliases in free text) or as the stable names of
``licenses.HUB_LICENSE_NAMES``; a labelled license the tables do not know is
returned in the card's words. docs/release-fields.md lists the forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from license_expression import get_spdx_licensing

from motcrawl.analysis import cardtext

# Prose spellings of common licenses, each onto its SPDX id or stable name.
_PROSE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p, re.I), f) for p, f in (
        (r"\bapache(?:[- ]license)?,?(?:[- ](?:version|v))?[- ]?2(?:\.0)?\b",
         lambda m: "Apache-2.0"),
        (r"\b(?:CC|creative[- ]commons)[- ]?(?:attribution|BY)((?:[- ]+(?:NC|SA|ND|"
         r"non-?commercial|share-?alike|no-?deriv\w*))*)[- ]+(?:international[- ]+)?"
         r"(?:public[- ]+)?(?:license[- ]+)?(?:v(?:ersion)?[- ]?)?(\d\.\d)", lambda m: _cc(m)),
        (r"\bCC0(?:[- ]1\.0)?\b|creative commons zero", lambda m: "CC0-1.0"),
        (r"\bBSD[- ]?(\d)(?:[- ]clause)?\b", lambda m: f"BSD-{m.group(1)}-Clause"),
        (r"\bMIT(?:[- ]license)?\b", lambda m: "MIT"),
        (r"\b(A|L)?GPL[- ]?v?(\d)(?:\.0)?\b",
         lambda m: f"{(m.group(1) or '').upper()}GPL-{m.group(2)}.0-only"),
        (r"\bllama[- ]?(\d(?:\.\d)?)\s+community\s+license",
         lambda m: f"Llama {m.group(1)} Community License Agreement"),
        (r"\bcreativeml[- ]open[- ]?rail[- ]?\+\+[- ]?m\b", lambda m: "OpenRAIL++-M"),
        (r"\bcreativeml[- ]open[- ]?rail[- ]?m\b", lambda m: "CreativeML-OpenRAIL-M"),
        (r"\bbigscience[- ](?:bloom[- ])?rail(?:[- ]license)?(?:[- ]v?1\.0)?",
         lambda m: "BigScience-BLOOM-RAIL-1.0"),
        (r"\bbigcode[- ]open[- ]?rail[- ]?m\b", lambda m: "BigCode-OpenRAIL-M"),
        (r"\bopen[- ]?rail(?:[- ]?m)?\b", lambda m: "OpenRAIL"),
    ))

# Tokens license-expression matches that are ordinary words in a card ("JSON", "curl").
_SPDX_SHAPE_RE = re.compile(r"[-.\d]|^(MIT|ISC|Unlicense|WTFPL|Zlib)$", re.I)


def _cc(m: re.Match[str]) -> str:
    parts = re.findall(r"NC|SA|ND|non-?commercial|share-?alike|no-?deriv", m.group(1) or "",
                       re.I)
    short = {"noncommercial": "NC", "non-commercial": "NC", "sharealike": "SA",
             "share-alike": "SA"}
    codes = [short.get(p.lower(), "ND" if p.lower().startswith("no") and "deriv" in p.lower()
                       else p.upper()) for p in parts]
    return "-".join(["CC-BY", *dict.fromkeys(codes), m.group(2)])


@lru_cache(maxsize=1)
def _tokenizer():  # license-expression's matcher of SPDX keys and aliases in text
    return get_spdx_licensing().get_advanced_tokenizer()


@lru_cache(maxsize=1)
def _named_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The stable names of licenses.HUB_LICENSE_NAMES as cards write them, with flexible
    separators and without a trailing "Agreement" ("the Llama 3 Community License")."""
    from motcrawl.analysis.licenses import HUB_LICENSE_NAMES

    out = []
    for name in dict.fromkeys(HUB_LICENSE_NAMES.values()):
        words = re.sub(r"\s+agreement$", "", name, flags=re.I).split()
        if len(words) < 2:
            continue
        out.append((re.compile(r"\b" + r"[\s-]+".join(map(re.escape, words)) + r"\b", re.I),
                    name))
    return tuple(out)


def names_in(text: str) -> list[str]:
    """Every license the text names, in order of first mention."""
    text = text[:20_000]
    found: list[tuple[int, str]] = []
    for pattern, name in _named_patterns():
        found += [(m.start(), name) for m in pattern.finditer(text)]
    for pattern, make in _PROSE:
        found += [(m.start(), make(m)) for m in pattern.finditer(text)]
    for token in _tokenizer().tokenize(text):
        symbol = getattr(token, "value", None)
        key = getattr(symbol, "key", None)
        if isinstance(key, str) and _SPDX_SHAPE_RE.search(token.string or ""):
            found.append((token.start, key))
    found.sort(key=lambda x: x[0])
    return list(dict.fromkeys(name for _, name in found))


@dataclass(frozen=True)
class CardLicense:
    name: str        # SPDX id, stable name, or the card's own words
    words: str       # the card's line, for the reviewer
    named: bool      # False: the card's words, not a license we could name


# "- **License:** [Baichuan-7B License](...)": the card's own label.
_LABEL_RE = re.compile(r"^[\s>*+\-|]*(?:\*\*|__)?\s*(?:model\s+)?licen[cs]e(?:\s+type)?\s*"
                       r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.{2,200})$", re.I | re.M)
_UNDER_RE = re.compile(r"\b(?:licensed|released|distributed|available|published|provided|"
                       r"made available|open[- ]?sourced)\s+under\s+"
                       r"(?:the\s+(?:terms\s+of\s+(?:the\s+)?)?)?([^\n]{3,160})", re.I)
_SECTION_RE = re.compile(r"\blicen[cs](e|es|ing)\b|terms of use", re.I)
# A sentence about the code rather than the model ("This code repository is MIT").
_CODE_ONLY_RE = re.compile(r"\b(code|repository|codebase|source)\b", re.I)
_MODEL_RE = re.compile(r"\b(models?|weights|checkpoints?|parameters)\b", re.I)
# A sentence about the training data's license ("The dataset is released under ODC-By").
_DATA_RE = re.compile(r"\b(data|datasets?|corpus|corpora)\b", re.I)


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`<>]|\s+$", "", text).strip(" .,:;")


# Sentences, and the clauses a contrast joins ("The code ... is Apache-2.0, while the use
# of the model weights needs to comply with the Model License").
_CLAUSE_RE = re.compile(r"(?<=[.!?;])\s+|(?<=。)\s*|,\s+(?=(?:while|whereas|but)\b)", re.I)


def _sentences(text: str) -> Iterable[str]:
    for line in text.splitlines():
        yield from (s for s in _CLAUSE_RE.split(line) if s and s.strip())


def card_license(body: str) -> CardLicense | None:
    """The model's license as the card's prose states it (None: the prose names none).

    A labelled line ("License: X") first, then "licensed/released under X", then the
    License section; a sentence about the model wins over one about the code.
    """
    body = cardtext.clip(body)
    for m in _LABEL_RE.finditer(body):
        value = _plain(m.group(1))
        names = names_in(value)
        if names:
            return CardLicense(names[0], value[:160], True)
        if value and len(value) <= 80 and re.search(r"licen[cs]e|agreement|terms", value, re.I):
            return CardLicense(value, value, False)
    candidates = [s for s in _sentences(body) if _UNDER_RE.search(s)]
    for sec in cardtext.sections(body):
        if len(sec.title) <= 60 and _SECTION_RE.search(sec.title):
            candidates += list(_sentences(sec.text[:3000]))
    named = [(s, names_in(_plain(s))) for s in candidates]
    about_model = [(s, n) for s, n in named if n and _MODEL_RE.search(s)]
    not_code = [(s, n) for s, n in named if n and not _CODE_ONLY_RE.search(s)
                and not _DATA_RE.search(s)]
    for sentence, names in about_model or not_code:
        return CardLicense(names[0], _plain(sentence)[:160], True)
    # Only the code's license is named ("This code repository is MIT"; "the models are
    # subject to the Model License"): the model's license is the card's words.
    model_words = [s for s, n in named if not n and _MODEL_RE.search(s)
                   and re.search(r"licen[cs]e|agreement", s, re.I)]
    if model_words:
        return CardLicense(_plain(model_words[0])[:120], _plain(model_words[0])[:160], False)
    # "This repository is released under Apache 2.0": on the Hub the repository is the model.
    for sentence, names in named:
        if names and not _DATA_RE.search(sentence):
            return CardLicense(names[0], _plain(sentence)[:160], True)
    return None
