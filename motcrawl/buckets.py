"""Which rate-limit bucket a URL spends: the Hub's three, GitHub's, or none we know of.

The Hub counts requests in three buckets with separate quotas: ``api``
(``/api/...``), ``resolvers`` (``/{repo}/resolve/...``) and ``pages`` (every
other path: HTML pages, ``/raw/``). GitHub's API has its own hourly budget.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(
        parts.scheme)


def bucket_for(url: str, hf_endpoint: str, github_api: str,
               github_url: str | None = None) -> str | None:
    """``api`` | ``resolvers`` | ``pages`` | ``github``, or None for any other host."""
    origin = _origin(url)
    if origin == _origin(hf_endpoint):
        prefix = urlsplit(hf_endpoint).path.rstrip("/")
        path = urlsplit(url).path
        if prefix and path.startswith(prefix):
            path = path[len(prefix):]
        if path.startswith("/api/"):
            return "api"
        if "/resolve/" in path:
            return "resolvers"
        return "pages"
    if origin == _origin(github_api) or (github_url and origin == _origin(github_url)):
        return "github"
    return None
