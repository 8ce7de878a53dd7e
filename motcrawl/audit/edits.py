"""Suggested edits of a catalog file: minimal text changes, shown as unified diffs.

The file is never re-dumped (that would rewrite every line of MOT's Symfony-style
YAML): an edit replaces or inserts the few lines it concerns, in the file's own
indentation and quoting. Nothing here writes a file; ``unified_diff`` shows the
change against the file as it is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_KEY_RE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)$")


class EditError(ValueError):
    """The file does not have the shape an edit needs (the suggestion stays text only)."""


def quote(value: str) -> str:
    """A YAML scalar as MOT (Symfony's dumper) writes it: plain for one word, else quoted."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._+-]*", value) \
            and value.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "y", "n"):
        return value
    return "'" + value.replace("'", "''") + "'"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _block(lines: list[str], start: int) -> int:
    """The index after the block that the key at ``start`` opens (deeper or blank lines)."""
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    end = start + 1
    while end < len(lines):
        line = lines[end]
        depth = len(line) - len(line.lstrip(" "))
        # A list may sit at its key's own indentation (``key:`` then ``- item``).
        if line.strip() and not line.lstrip().startswith("#") and depth <= indent \
                and not (depth == indent and line.lstrip().startswith("-")):
            break
        end += 1
    return end


def _find_key(lines: list[str], key: str, start: int, end: int, indent: int | None = None
              ) -> int | None:
    for i in range(start, end):
        match = _KEY_RE.match(lines[i].rstrip("\r\n"))
        if match and match.group("key") == key and (
                indent is None or len(match.group("indent")) == indent):
            return i
    return None


def _child_indent(lines: list[str], start: int, end: int, default: int) -> int:
    for i in range(start + 1, end):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return len(lines[i]) - len(lines[i].lstrip(" "))
    return default


def _release(lines: list[str]) -> tuple[int, int, int]:
    """(line of ``release:``, end of its block, indentation of its keys)."""
    start = _find_key(lines, "release", 0, len(lines), indent=0)
    if start is None:
        raise EditError("no top-level release: mapping")
    end = _block(lines, start)
    return start, end, _child_indent(lines, start, end, 2)


def _newline(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def set_release_value(text: str, key: str, value: str, *, after: Iterable[str] = ()) -> str:
    """``release.<key>: value`` replaced in place, or inserted after the first of ``after``
    that exists (else at the end of ``release``)."""
    lines = _lines(text)
    nl = _newline(lines)
    start, end, indent = _release(lines)
    found = _find_key(lines, key, start + 1, end, indent)
    new_line = f"{' ' * indent}{key}: {quote(value)}{nl}"
    if found is not None:
        block_end = _block(lines, found)
        lines[found:block_end] = [new_line]
        return "".join(lines)
    for anchor in after:
        at = _find_key(lines, anchor, start + 1, end, indent)
        if at is not None:
            pos = _block(lines, at)
            lines[pos:pos] = [new_line]
            return "".join(lines)
    lines[end:end] = [new_line]
    return "".join(lines)


def set_distribution_license(text: str, name: str) -> str:
    """``release.license.distribution.name`` set to ``name`` (the block made if needed)."""
    lines = _lines(text)
    nl = _newline(lines)
    start, end, indent = _release(lines)
    pad = " " * indent
    at = _find_key(lines, "license", start + 1, end, indent)
    block = [f"{pad}license:{nl}", f"{pad}  distribution:{nl}", f"{pad}    name: {quote(name)}{nl}",
             f"{pad}    path: ''{nl}"]
    if at is None:
        anchor = _find_key(lines, "date", start + 1, end, indent) or \
            _find_key(lines, "version", start + 1, end, indent) or start
        pos = _block(lines, anchor) if anchor != start else start + 1
        lines[pos:pos] = block
        return "".join(lines)
    rest = _KEY_RE.match(lines[at].rstrip("\r\n")).group("rest").strip()  # type: ignore[union-attr]
    if rest and rest not in ("{}", "{  }", "{ }", "null", "~"):
        raise EditError(f"release.license is written inline ({rest}): edit by hand")
    lic_end = _block(lines, at)
    if rest:  # an empty flow mapping: replace the line with the block
        lines[at:at + 1] = block
        return "".join(lines)
    sub = _child_indent(lines, at, lic_end, indent + 2)
    dist = _find_key(lines, "distribution", at + 1, lic_end, sub)
    if dist is None:
        lines[at + 1:at + 1] = [f"{' ' * sub}distribution:{nl}",
                                f"{' ' * (sub + 2)}name: {quote(name)}{nl}",
                                f"{' ' * (sub + 2)}path: ''{nl}"]
        return "".join(lines)
    dist_end = _block(lines, dist)
    leaf = _child_indent(lines, dist, dist_end, sub + 2)
    name_at = _find_key(lines, "name", dist + 1, dist_end, leaf)
    new_line = f"{' ' * leaf}name: {quote(name)}{nl}"
    if name_at is None:
        lines[dist + 1:dist + 1] = [new_line]
    else:
        lines[name_at] = new_line
    return "".join(lines)


def add_components(text: str, components: list[tuple[str, str]]) -> str:
    """Components (name, description) appended to ``release.components``, in the style of
    the items already there (MOT's ``-`` on its own line, or ``- name:``)."""
    if not components:
        return text
    lines = _lines(text)
    nl = _newline(lines)
    start, end, indent = _release(lines)
    at = _find_key(lines, "components", start + 1, end, indent)
    if at is None:
        raise EditError("no release.components list")
    rest = _KEY_RE.match(lines[at].rstrip("\r\n")).group("rest").strip()  # type: ignore[union-attr]
    comp_end = _block(lines, at)
    item_indent = _child_indent(lines, at, comp_end, indent + 2)
    first = next((lines[i] for i in range(at + 1, comp_end) if lines[i].strip()), "")
    dash_alone = first.strip() == "-" or not first.strip()
    new: list[str] = []
    for name, description in components:
        pad = " " * item_indent
        if dash_alone:
            new += [f"{pad}-{nl}", f"{pad}  name: {quote(name)}{nl}",
                    f"{pad}  description: {quote(description)}{nl}"]
        else:
            new += [f"{pad}- name: {quote(name)}{nl}",
                    f"{pad}  description: {quote(description)}{nl}"]
    if rest in ("[]", "[ ]"):
        lines[at] = f"{' ' * indent}components:{nl}"
    elif rest:
        raise EditError(f"release.components is written inline ({rest[:30]}): edit by hand")
    while comp_end > at + 1 and not lines[comp_end - 1].strip():
        comp_end -= 1  # keep trailing blank lines after the new items
    if comp_end > 0 and not lines[comp_end - 1].endswith(("\n", "\r")):
        lines[comp_end - 1] += nl
    lines[comp_end:comp_end] = new
    return "".join(lines)


def unified_diff(before: str, after: str | None, catalog_file: str) -> str:
    """``after`` None: the file is deleted. '' when nothing changes."""
    if after == before:
        return ""
    old = before.splitlines(keepends=True)
    new = [] if after is None else after.splitlines(keepends=True)
    for seq in (old, new):
        if seq and not seq[-1].endswith("\n"):
            seq[-1] += "\n\\ No newline at end of file\n"
    tofile = "/dev/null" if after is None else f"b/{catalog_file}"
    return "".join(difflib.unified_diff(old, new, f"a/{catalog_file}", tofile, n=2))
