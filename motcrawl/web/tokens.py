"""Tokens: where they come from and which host may see them."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def hf_token(explicit: str | None = None) -> str | None:
    """``-a hf_token=``, else ``HF_TOKEN``, else huggingface_hub's stored token."""
    if explicit:
        return explicit.strip() or None
    env = os.environ.get("HF_TOKEN", "").strip()
    if env:
        return env
    try:
        from huggingface_hub import get_token

        return get_token()
    except Exception:  # a broken token store must not stop a crawl that needs no token
        return None


def github_token(explicit: str | None = None) -> str | None:
    """The GITHUB_TOKEN setting (``-s``; its default is the environment variable), else
    the environment variable (a crawler built without the project's settings)."""
    if explicit:
        return explicit.strip() or None
    return os.environ.get("GITHUB_TOKEN", "").strip() or None


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def same_origin(url: str, base: str) -> bool:
    """True when ``url`` is on exactly the scheme, host and port of ``base``."""
    return origin(url) == origin(base)
