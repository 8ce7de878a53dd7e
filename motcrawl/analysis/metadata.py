"""Hand-written Hub metadata, read safely: string-or-list values and prefixed tags.

Card front matter, config.json and tags are written by hand: ``datasets: true``
or ``architectures: {}`` happen, and must read as "nothing", not crash a reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def str_list(value: Any) -> list[str]:
    """A value that should be a string or a list of strings, as such a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def tag_values(tags: Iterable[Any], prefix: str) -> list[str]:
    """What follows ``prefix:`` in the tags that have it (``license:mit`` -> ``mit``)."""
    head = f"{prefix}:"
    return [t[len(head):] for t in tags if isinstance(t, str) and t.startswith(head)]
