"""Reading a model card's Markdown body: sections, links, code blocks, tables.

Cards are free text; everything here is tolerant of anything and bounded in
cost (bodies are cut at MAX_BODY characters before any regex runs).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

MAX_BODY = 400_000

_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
# Many cards mark sections with a line of bold text ("**Evaluation Results:**"),
# an HTML heading, or a setext underline instead of "#": all of them cut sections.
_BOLD_HEADING_RE = re.compile(r"^[ \t]{0,3}(\*\*|__)([^*_\n]{2,80}?)\1[ \t]*:?[ \t]*$", re.M)
_HTML_HEADING_RE = re.compile(r"^[ \t]*<h([1-6])\b[^>]*>(.{1,200}?)</h\1>[ \t]*$", re.M | re.I)
_SETEXT_HEADING_RE = re.compile(r"^([^\s|<>#*\-=`].{0,150})\n[ \t]{0,3}(=+|-+)[ \t]*$", re.M)
# Link text may wrap onto the next line ("[LM Evaluation\nHarness](...)").
_MD_LINK_RE = re.compile(r"\[([^\]]{0,300})\]\((https?://[^)\s]{1,500})\)")
_BARE_URL_RE = re.compile(r"(?<![(\[<\"'=])(https?://[^\s)\]>\"'`]{3,500})")
_HTML_LINK_RE = re.compile(r"<a\s[^>]*href=[\"'](https?://[^\"']{1,500})[\"'][^>]*>(.{0,300}?)</a>",
                           re.I | re.S)
_CODE_BLOCK_RE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$", re.M)
_TAG_RE = re.compile(r"<[^>]+>")
_HUB_DATASET_RE = re.compile(
    r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+)(?:/([\w.-]+))?", re.I)
_NOT_DATASET_NAMES = {"tree", "blob", "resolve", "viewer", "discussions", "raw", "commits",
                      "edit", "commit"}
# A dataset linked next to these words is what the model was tested on, not trained on.
_EVAL_CONTEXT_RE = re.compile(r"eval|benchmark|leaderboard|\btest(s|ed|ing)?\b", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    line: str  # the card line the link stands on, for evidence
    around: str = ""  # the sentence around the link (see near)
    sentence: str = ""  # the link's whole sentence, at most SENTENCE_CHARS either side


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    text: str
    parents: tuple[str, ...] = ()  # titles of the enclosing headings (below level 1)

    @property
    def trail(self) -> str:
        """Enclosing titles and this one: "Evaluation / Base models" for a bold sub-label."""
        return " / ".join((*self.parents, self.title))


def clip(body: str) -> str:
    return body[:MAX_BODY] if isinstance(body, str) else ""


def _blank_code(body: str) -> str:
    """The body with fenced code blanked out (same length), so "# comment" is no heading."""
    return _CODE_BLOCK_RE.sub(lambda m: " " * len(m.group(0)), body)


def _headings(body: str) -> list[tuple[int, int, int, str]]:
    """(start, end, level, title) of every heading, in order of position."""
    text = _blank_code(body)
    found = [(m.start(), m.end(), len(m.group(1)), m.group(2)) for m in _HEADING_RE.finditer(text)]
    found += [(m.start(), m.end(), int(m.group(1)), _TAG_RE.sub("", m.group(2)))
              for m in _HTML_HEADING_RE.finditer(text)]
    found += [(m.start(), m.end(), 1 if m.group(2)[0] == "=" else 2, m.group(1))
              for m in _SETEXT_HEADING_RE.finditer(text)]
    # A bold line is a heading of the lowest rank: it never becomes the card's title.
    found += [(m.start(), m.end(), 6, m.group(2)) for m in _BOLD_HEADING_RE.finditer(text)]
    found.sort()
    out: list[tuple[int, int, int, str]] = []
    for start, end, level, name in found:
        if out and start < out[-1][1]:
            continue  # overlapping forms of one heading
        name = name.strip().rstrip(":").strip()
        if level == 6 and (len(name) > 60 or name.endswith((".", "!", "?"))):
            continue  # an emphasized sentence, not a heading
        if name:
            out.append((start, end, level, name))
    return out


def sections(body: str) -> list[Section]:
    """The card cut at its headings (text before the first heading is dropped)."""
    return [s for s in _chunks(clip(body)) if s.level]


# Every detector reads the same card: parse it once (Sections are frozen).
@functools.lru_cache(maxsize=16)
def _chunks(body: str) -> tuple[Section, ...]:
    """Like sections, plus the text before the first heading (level 0, no title)."""
    heads = _headings(body)
    out = [Section(0, "", body[:heads[0][0] if heads else len(body)])]
    stack: list[tuple[int, str]] = []  # enclosing (level, title), level 1 (the title) excluded
    for i, (_, end, level, name) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(body)
        while stack and stack[-1][0] >= level:
            stack.pop()
        out.append(Section(level, name, body[end:stop], tuple(t for _, t in stack)))
        if level > 1:
            stack.append((level, name))
    return tuple(out)


def title(body: str) -> str | None:
    """The first level-1 heading, without Markdown decoration or section numbering.

    Lower-level headings are section names ("1. Introduction"), never titles.
    """
    first = next((s for s in sections(body) if s.level == 1), None)
    if not first:
        return None
    # Emphasis marks only where they open or close a span: "tts_transformer" keeps its "_".
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|`|(?<!\w)[*_]+|[*_]+(?!\w)", "",
                  first.title)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip(" :-")
    text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text)
    return text or None


# Sections that are not the model's description: how to run it, what it scored, whom to cite.
_NOT_DESCRIPTION_RE = re.compile(
    r"usage|how to|quick ?start|get(ting)? started|install|requirements|example|inference|"
    r"run(ning)?\b|eval|benchmark|result|performance|citation|cite|bibtex|reference|"
    r"acknowledg|license|licence|contact|limitation|bias|risk|disclaimer|changelog|news|"
    r"update|table of contents|faq", re.I)
DESCRIPTION_CHARS = 6000


def description(body: str) -> str:
    """The card's own description of the model, as prose: the text before the first
    heading, the title's section and the sections that describe the model, without
    fenced code, HTML tags, links' targets, or the usage, evaluation, citation and
    license sections (which name other models and tools). At most DESCRIPTION_CHARS."""
    parts: list[str] = []
    for chunk in _chunks(clip(body)):
        if chunk.level and _NOT_DESCRIPTION_RE.search(chunk.trail):
            continue
        parts.append(chunk.text)
        if sum(len(p) for p in parts) > DESCRIPTION_CHARS * 2:
            break
    text = _CODE_BLOCK_RE.sub(" ", "\n".join(parts))
    text = re.sub(r"@\w+\{.*?\n\}", " ", text, flags=re.S)  # BibTeX outside a fence
    text = _MD_LINK_RE.sub(lambda m: m.group(1), text)
    text = _TAG_RE.sub(" ", text)
    return text[:DESCRIPTION_CHARS]


_CODE_CLASS_RE = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:For[A-Z][A-Za-z0-9]*|LMHeadModel|Model|"
                            r"Pipeline))\b")


def code_classes(body: str) -> list[str]:
    """Model classes the card's code loads ("XGLMForCausalLM", "AutoModelForSeq2SeqLM",
    "StableDiffusionPipeline"), in order of first use."""
    found = [m.group(1) for block in code_blocks(body) for m in _CODE_CLASS_RE.finditer(block)]
    found += [m.group(1) for m in re.finditer(r"`([^`\n]{1,200})`", clip(body))
              for m in _CODE_CLASS_RE.finditer(m.group(1))]
    return list(dict.fromkeys(found))


NEAR_CHARS = 90


def _window(body: str, start: int, end: int, chars: int, stops: str) -> str:
    """The text around ``body[start:end]`` within its line, at most ``chars`` characters
    either side, cut at the nearest sentence end (one of ``stops``) on each side."""
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    before = body[max(line_start, start - chars):start]
    after = body[end:min(line_end, end + chars)]
    before = re.split(rf"(?<=[{stops}])\s+", before)[-1]
    after = re.split(rf"(?<=[{stops}])\s+", after)[0]
    return " ".join(f"{before}{body[start:end]}{after}".split())


def _around(body: str, start: int, end: int) -> str:
    """The link's own clause within its line, at most NEAR_CHARS characters either side."""
    return _window(body, start, end, NEAR_CHARS, ".!?;")


SENTENCE_CHARS = 400


def _sentence_of(body: str, start: int, end: int) -> str:
    """The link's whole sentence within its line ("We performed downstream evaluations ...
    using the [harness](...)"), at most SENTENCE_CHARS characters either side."""
    return _window(body, start, end, SENTENCE_CHARS, ".!?")


def _line_of(body: str, pos: int) -> str:
    start = body.rfind("\n", 0, pos) + 1
    end = body.find("\n", pos)
    line = body[start:end if end != -1 else len(body)].strip()
    return line[:200]


def links(body: str) -> list[Link]:
    """Every http(s) link in the card, Markdown, HTML or bare.

    One entry per URL and line: the same URL cited in two places keeps both
    contexts ("our blog" in the intro, "results are reported in this blog" later).
    """
    return list(_links(clip(body)))


@functools.lru_cache(maxsize=32)
def _links(body: str) -> tuple[Link, ...]:
    found: dict[tuple[str, str], Link] = {}
    for m in _MD_LINK_RE.finditer(body):
        url, line = m.group(2).rstrip(".,;"), _line_of(body, m.start())
        found.setdefault((url, line), Link(url, " ".join(m.group(1).split()), line,
                                           _around(body, m.start(), m.end()),
                                           _sentence_of(body, m.start(), m.end())))
    for m in _HTML_LINK_RE.finditer(body):
        url, line = m.group(1).rstrip(".,;"), _line_of(body, m.start())
        text = re.sub(r"<[^>]+>", "", m.group(2)).strip()
        found.setdefault((url, line), Link(url, text, line, _TAG_RE.sub(
            " ", _around(body, m.start(), m.end())), _TAG_RE.sub(
            " ", _sentence_of(body, m.start(), m.end()))))
    for m in _BARE_URL_RE.finditer(body):
        url, line = m.group(1).rstrip(".,;:"), _line_of(body, m.start())
        found.setdefault((url, line), Link(url, "", line, _around(body, m.start(), m.end()),
                                           _sentence_of(body, m.start(), m.end())))
    return tuple(sorted(found.values(), key=lambda lk: body.find(lk.line)))


def near(link: Link) -> str:
    """The words around a link: the sentence it stands in, at most NEAR_CHARS characters
    either side ("[BLOOM Megatron code](...)" in "Modified from Megatron-LM")."""
    return link.around or link.line


def code_blocks(body: str) -> list[str]:
    return _CODE_BLOCK_RE.findall(clip(body))


def tables(text: str) -> list[list[str]]:
    """Markdown and HTML tables as lists of their rows ("| cell | cell |")."""
    return _markdown_tables(text) + _html_tables(text)


def _elements(text: str, tag: str) -> list[str]:
    """The inner text of each ``<tag ...>...</tag>`` (first close after each open).

    Done with positions rather than a lazy ``<tag.*?</tag>`` regex, which costs
    opens x length on a hostile card full of unclosed tags.
    """
    lower = text.lower()
    closes = [m.start() for m in re.finditer(f"</{tag}\\s*>", lower)]
    out: list[str] = []
    last_close = -1
    for m in re.finditer(f"<{tag}\\b[^>]{{0,500}}>", lower):
        if m.start() < last_close:
            continue  # nested or overlapping: the outer element already covers it
        i = bisect.bisect_left(closes, m.end())
        if i == len(closes):
            break
        out.append(text[m.end():closes[i]])
        last_close = closes[i]
    return out


def _html_tables(text: str) -> list[list[str]]:
    out = []
    for table in _elements(clip(text), "table"):
        rows = []
        for row in _elements(table, "tr"):
            cells = [" ".join(_TAG_RE.sub(" ", c).split()) for c in _elements(row, "t[hd]")]
            if cells:
                rows.append("| " + " | ".join(cells) + " |")
        if len(rows) >= 2:
            out.append(rows)
    return out


def _markdown_tables(text: str) -> list[list[str]]:
    text = clip(text)
    out: list[list[str]] = []
    current: list[str] = []
    last_end = -2
    for m in _TABLE_ROW_RE.finditer(text):
        if current and text.count("\n", last_end, m.start()) > 1:
            out.append(current)
            current = []
        current.append(m.group(0).strip())
        last_end = m.end()
    if current:
        out.append(current)
    return [t for t in out if len(t) >= 3]


@dataclass(frozen=True)
class DatasetLink:
    dataset_id: str
    link: Link
    evaluation: bool  # linked as evaluation data (by its words or its section)


def dataset_links(body: str) -> list[DatasetLink]:
    """Links to Hub datasets in the card, each marked training or evaluation data.

    "Trained on [RefinedWeb](https://huggingface.co/datasets/tiiuae/falcon-refinedweb)"
    names a training dataset as surely as front matter does; a link under an
    "Evaluation" heading or next to "benchmark" names evaluation data.
    """
    out: dict[str, DatasetLink] = {}
    for chunk in _chunks(clip(body)):
        for link in links(chunk.text):
            m = _HUB_DATASET_RE.match(link.url)
            if not m:
                continue
            org, name = m.group(1), m.group(2)
            dataset_id = f"{org}/{name}" if name and name not in _NOT_DATASET_NAMES else org
            before = link.line[:max(0, link.line.find(link.url))][-80:]
            context = f"{chunk.title} {link.text} {before}"
            out.setdefault(dataset_id, DatasetLink(dataset_id, link,
                                                   bool(_EVAL_CONTEXT_RE.search(context))))
    return list(out.values())
