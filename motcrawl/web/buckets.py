"""Which Hugging Face rate-limit bucket a request counts against.

The Hub meters three buckets per 5-minute window: ``api`` (``/api/...``),
``resolvers`` (``/{repo}/resolve/...``, the generous one) and ``pages``
(everything else on the Hub host: HTML, ``/raw/``; the strict one). GitHub's
REST API is its own ``github`` bucket. Anything else (MOT's API, CDN
redirects) is not rate-limited by these hosts: ``None``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from motcrawl.web.tokens import same_origin

BUCKETS: tuple[str, ...] = ("api", "resolvers", "pages", "github")


def bucket_for(url: str, hf_endpoint: str, github_api: str) -> str | None:
    if same_origin(url, github_api):
        return "github"
    if not same_origin(url, hf_endpoint):
        return None
    base = urlsplit(hf_endpoint).path.rstrip("/")
    path = urlsplit(url).path[len(base):] if base else urlsplit(url).path
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/cdn-lfs/"):
        return None
    if "/resolve/" in path:
        return "resolvers"
    return "pages"
