"""Reading a model card's Markdown body: sections, links, code blocks, tables.

Cards are free text; everything here is tolerant of anything and bounded in
cost (bodies are cut at MAX_BODY characters before any regex runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BODY = 400_000

_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_MD_LINK_RE = re.compile(r"\[([^\]\n]{0,300})\]\((https?://[^)\s]{1,500})\)")
_BARE_URL_RE = re.compile(r"(?<![(\[<\"'=])(https?://[^\s)\]>\"'`]{3,500})")
_HTML_LINK_RE = re.compile(r"<a\s[^>]*href=[\"'](https?://[^\"']{1,500})[\"'][^>]*>(.{0,300}?)</a>",
                           re.I | re.S)
_CODE_BLOCK_RE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$", re.M)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    line: str  # the card line the link stands on, for evidence


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    text: str


def clip(body: str) -> str:
    return body[:MAX_BODY] if isinstance(body, str) else ""


def sections(body: str) -> list[Section]:
    """The card cut at its Markdown headings (text before the first heading is dropped)."""
    body = clip(body)
    out: list[Section] = []
    matches = list(_HEADING_RE.finditer(body))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        out.append(Section(len(m.group(1)), m.group(2).strip(), body[m.end():end]))
    return out


def title(body: str) -> str | None:
    """The first level-1 heading, without Markdown decoration or section numbering.

    Lower-level headings are section names ("1. Introduction"), never titles.
    """
    first = next((s for s in sections(body) if s.level == 1), None)
    if not first:
        return None
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|[*_`]", "", first.title)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip(" :-")
    text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text)
    return text or None


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
    body = clip(body)
    found: dict[tuple[str, str], Link] = {}
    for m in _MD_LINK_RE.finditer(body):
        url, line = m.group(2).rstrip(".,;"), _line_of(body, m.start())
        found.setdefault((url, line), Link(url, m.group(1).strip(), line))
    for m in _HTML_LINK_RE.finditer(body):
        url, line = m.group(1).rstrip(".,;"), _line_of(body, m.start())
        text = re.sub(r"<[^>]+>", "", m.group(2)).strip()
        found.setdefault((url, line), Link(url, text, line))
    for m in _BARE_URL_RE.finditer(body):
        url, line = m.group(1).rstrip(".,;:"), _line_of(body, m.start())
        found.setdefault((url, line), Link(url, "", line))
    return sorted(found.values(), key=lambda lk: body.find(lk.line))


def code_blocks(body: str) -> list[str]:
    return _CODE_BLOCK_RE.findall(clip(body))


def tables(text: str) -> list[list[str]]:
    """Markdown tables as lists of their row lines."""
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
