"""Quoting names into URLs, one way for every service (Hub, GitHub)."""

from __future__ import annotations

from urllib.parse import quote


def quote_path(path: str) -> str:
    """A repository id or file path in a URL path: ``/`` kept, everything else quoted."""
    return quote(path, safe="/")


def quote_segment(text: str) -> str:
    """One path segment (a branch or revision name): ``/`` quoted too."""
    return quote(text, safe="")
