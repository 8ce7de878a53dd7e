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
from urllib.parse import unquote, urlsplit

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


# Words that name no license by themselves. A license_name, a link's text or a file name made
# only of them ("license", "model-license", "LICENSE-MODEL", "Research License.docx",
# "模型许可协议") is a placeholder: it says a license exists, not which.
_GENERIC_WORDS = frozenset("""
    license licence licenses licences licensing other others custom customized model models
    weights agreement agreements see the a an of for to and in this our own here link file files
    readme txt md pdf doc docx html use usage terms term conditions unknown
    community research commercial non noncommercial open source code full text document
    please read new original v version
""".split())
_GENERIC_CJK_RE = re.compile(
    r"模型|社区|许可证|许可|协议|开源|使用|条款|授权|商用|商业|的|本|和|及")
_WORD_RE = re.compile(r"[a-z]+|\d+(?:\.\d+)*|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
# What makes words a license's name rather than any title: the name of a license document.
_LICENSE_WORD_RE = re.compile(
    r"licen[cs]e|agreement|terms|许可|协议|条款|ライセンス|라이선스", re.I)
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# File extensions of license documents, cut before a file name is read as a name.
_DOC_EXT_RE = re.compile(r"\.(?:pdf|md|markdown|txt|docx?|html?|rst|rtf)$", re.I)


def is_placeholder(text: str) -> bool:
    """True when the words name no license: only generic words ("license", "other",
    "model-license", "see-license", "LICENSE-MODEL", "LICENSE-2.0", "模型许可协议")."""
    if not isinstance(text, str):
        return True
    for word in _WORD_RE.findall(text.lower()):
        if _CJK_RE.match(word):
            if _GENERIC_CJK_RE.sub("", word):
                return False
        elif not word[0].isdigit() and word not in _GENERIC_WORDS:
            return False
    return True


def reads_as_license_name(text: str) -> bool:
    """Words that read as a license's name: a license word ("License", "Agreement", "Terms",
    "许可协议") and at least one word of its own ("Skywork Community License",
    "Tongyi Qianwen LICENSE AGREEMENT")."""
    return bool(_LICENSE_WORD_RE.search(text)) and not is_placeholder(text)


@dataclass(frozen=True)
class LinkedName:
    name: str        # a known name (SPDX id, stable name) or the file name as written
    known: bool      # True: the tables know it


def linked_file_name(url: str) -> LinkedName | None:
    """The license a link names by its file name ("…/Tongyi%20Qianwen%20LICENSE%20AGREEMENT"
    -> "Tongyi Qianwen License Agreement"; "…/Skywork%20Community%20License.pdf" ->
    "Skywork Community License"), URL-decoded and without its extension; None when the file
    name is no license's name ("LICENSE", "LICENSE.txt", "LICENSE-MODEL", "MODEL_LICENSE.pdf",
    a repository or a web page such as ".../llama/license/")."""
    if not isinstance(url, str):
        return None
    path = urlsplit(url.strip()).path.rstrip("/")
    stem = _DOC_EXT_RE.sub("", unquote(path.rsplit("/", 1)[-1]))
    stem = " ".join(stem.replace("_", " ").split())
    if not stem or len(stem) > 120 or not reads_as_license_name(stem):
        return None
    known = names_in(stem)
    return LinkedName(known[0], True) if len(known) == 1 else LinkedName(stem, False)


# "[text](target)": the card's links, relative ones too ("[LICENSE](MODEL_LICENSE.pdf)").
_ANY_LINK_RE = re.compile(r"\[([^\]]{0,300})\]\(\s*<?([^)\s>]{1,500})>?(?:\s+\"[^\"]*\")?\s*\)")


def _license_links(text: str) -> list[tuple[str, str, LinkedName | None]]:
    """(link text, target, name its file gives) of each link that points at license terms:
    its text or its file name has a license word, or the file is a LICENSE file."""
    out = []
    for m in _ANY_LINK_RE.finditer(text):
        label, target = _plain(m.group(1)), m.group(2)
        tail = unquote(urlsplit(target).path.rstrip("/").rsplit("/", 1)[-1])
        if _LICENSE_WORD_RE.search(label) or _LICENSE_WORD_RE.search(tail):
            out.append((label, target, linked_file_name(target)))
    return out


def _names_by_file(sentence: str) -> list[tuple[LinkedName, str]]:
    """(name, link) for each license a sentence names only by the file it links: its link
    text names nothing ("Check [LICENSE](…/Tongyi%20Qianwen%20LICENSE%20AGREEMENT)"), or the
    file's name is in Latin letters where the text's is not (MOT's names are English; the
    card's own Latin words are kept over a Chinese file name). A sentence linking three
    license documents or more lists other models' licenses ("[Baichuan 2](…) / [BLOOM](…) /
    …") and names none."""
    links = _license_links(sentence)
    if len(links) >= 3:
        return []
    out = []
    for label, target, linked in links:
        if linked is None:
            continue
        if (reads_as_license_name(label) and not _CJK_RE.search(label)
                and _CJK_RE.search(linked.name)):
            continue  # the card's own Latin words are the better name: read as its words
        out.append((linked, target))
    return out


@dataclass(frozen=True)
class CardLicense:
    name: str        # SPDX id, stable name, or the card's own words
    words: str       # the card's line, for the reviewer
    named: bool      # False: the card's words, not a license we could name
    link: str = ""   # the license document the card links, when the name or words come with one
    known: bool = True  # False: a name read from a linked file's name that no table knows


# "- **License:** [Baichuan-7B License](...)": the card's own label.
_LABEL_RE = re.compile(r"^[\s>*+\-|]*(?:\*\*|__)?\s*(?:model\s+)?licen[cs]e(?:\s+type)?\s*"
                       r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.{2,200})$", re.I | re.M)
_UNDER_RE = re.compile(r"\b(?:licensed|released|distributed|available|published|provided|"
                       r"made available|open[- ]?sourced)\s+under\s+"
                       r"(?:the\s+(?:terms\s+of\s+(?:the\s+)?)?)?([^\n]{3,160})", re.I)
# License sections, Chinese, Japanese and Korean titles too ("## 协议", "## 模型开源协议").
_SECTION_RE = re.compile(r"\blicen[cs](e|es|ing)\b|terms of use|许可|协议|ライセンス|라이선스",
                         re.I)
# A sentence about the code rather than the model ("This code repository is MIT").
_CODE_ONLY_RE = re.compile(r"\b(code|repository|codebase|source)\b|代码|源码|仓库", re.I)
_MODEL_RE = re.compile(r"\b(models?|weights|checkpoints?|parameters)\b|模型|权重", re.I)
# A sentence about the training data's license ("The dataset is released under ODC-By").
_DATA_RE = re.compile(r"\b(data|datasets?|corpus|corpora)\b|数据", re.I)


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`<>]|\s+$", "", text).strip(" .,:;")


# Sentences, and the clauses a contrast joins ("The code ... is Apache-2.0, while the use
# of the model weights needs to comply with the Model License"; a Chinese comma before a clause
# about the model or the code: "使用本仓库的源码需要遵循 Apache-2.0 开源协议，
# 使用模型权重则需要遵循…").
_CLAUSE_RE = re.compile(r"(?<=[.!?;])\s+|(?<=[。；])\s*|,\s+(?=(?:while|whereas|but)\b)|"
                        r"，(?=[^，。]*(?:模型|权重|代码|源码))", re.I)


def _sentences(text: str) -> Iterable[str]:
    for line in text.splitlines():
        yield from (s for s in _CLAUSE_RE.split(line) if s and s.strip())


def _pointer(text: str, target: str) -> CardLicense:
    """A label or sentence that links license terms nothing could name: the card's words and
    the link, for a reviewer ("See LICENSE for details (MODEL_LICENSE.pdf)")."""
    words = f"{_plain(text)[:120]} ({target})"
    return CardLicense(words, words[:200], False, link=target)


def card_license(body: str) -> CardLicense | None:
    """The model's license as the card's prose states it (None: the prose names none).

    A labelled line ("License: X") first, then "licensed/released under X", then the
    License section; a sentence about the model wins over one about the code. A license the
    words leave unnamed but a linked file's name names ("Check [LICENSE](…/Tongyi%20Qianwen%20
    LICENSE%20AGREEMENT)") is that name; a label or License section that only links terms is
    the card's words with the link, never nothing.
    """
    body = cardtext.clip(body)
    pointer: CardLicense | None = None
    for m in _LABEL_RE.finditer(body):
        value = _plain(m.group(1))
        names = names_in(value)
        if names:
            return CardLicense(names[0], value[:160], True)
        if (value and len(value) <= 80 and re.search(r"licen[cs]e|agreement|terms", value, re.I)
                and not is_placeholder(value)):
            return CardLicense(value, value, False)
        by_file = _names_by_file(m.group(1))
        if by_file:
            linked, target = by_file[0]
            return CardLicense(linked.name, value[:160], True, link=target, known=linked.known)
        links = _license_links(m.group(1))
        if links and pointer is None:
            pointer = _pointer(m.group(0), links[0][1])
    candidates = [s for s in _sentences(body) if _UNDER_RE.search(s)]
    for sec in cardtext.sections(body):
        if len(sec.title) <= 60 and _SECTION_RE.search(sec.title):
            candidates += list(_sentences(sec.text[:3000]))
    named: list[tuple[str, list[str], str, bool]] = []
    for sentence in candidates:
        in_words = names_in(_plain(sentence))
        by_file = [] if in_words else _names_by_file(sentence)
        if by_file:
            named.append((sentence, [by_file[0][0].name], by_file[0][1], by_file[0][0].known))
        else:
            named.append((sentence, in_words, "", True))
    about_model = [n for n in named if n[1] and _MODEL_RE.search(n[0])]
    not_code = [n for n in named if n[1] and not _CODE_ONLY_RE.search(n[0])
                and not _DATA_RE.search(n[0])]
    for sentence, names, link, known in about_model or not_code:
        return CardLicense(names[0], _plain(sentence)[:160], True, link=link, known=known)
    # Only the code's license is named ("This code repository is MIT"; "the models are
    # subject to the Model License"): the model's license is the card's words.
    model_words = [s for s, n, _, _ in named if not n and _MODEL_RE.search(s)
                   and re.search(r"licen[cs]e|agreement|许可|协议", s, re.I)]
    if model_words:
        return CardLicense(_plain(model_words[0])[:120], _plain(model_words[0])[:160], False)
    # "This repository is released under Apache 2.0": on the Hub the repository is the model.
    for sentence, names, link, known in named:
        if names and not _DATA_RE.search(sentence):
            return CardLicense(names[0], _plain(sentence)[:160], True, link=link, known=known)
    # A License section that points at terms declares a license, even one nobody can name.
    for sentence in candidates:
        links = _license_links(sentence)
        if links and pointer is None:
            pointer = _pointer(sentence, links[0][1])
    return pointer
