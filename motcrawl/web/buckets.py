"""Which Hugging Face rate-limit bucket a request counts against.

The Hub meters three buckets per 5-minute window: ``api`` (``/api/...``),
``resolvers`` (``/{repo}/resolve/...``, the generous one) and ``pages``
(everything else on the Hub host: HTML, ``/raw/``; the strict one). GitHub's
REST API is its own ``github`` bucket. Anything else (MOT's API, github.com,
CDN redirects) is not rate-limited by these services: ``None``.

The service is found by endpoint prefix (motcrawl.web.endpoints), so a mirror
that serves several services from one host still counts each in its own bucket.
"""

from __future__ import annotations

from motcrawl.web.endpoints import GITHUB_API, HF, Endpoints

BUCKETS: tuple[str, ...] = ("api", "resolvers", "pages", "github")


def bucket_in(url: str, endpoints: Endpoints) -> str | None:
    service = endpoints.service_of(url)
    if service == GITHUB_API:
        return "github"
    if service != HF:
        return None
    path = endpoints.path_within(url, HF)
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/cdn-lfs/"):
        return None
    if "/resolve/" in path:
        return "resolvers"
    return "pages"


def bucket_for(url: str, hf_endpoint: str, github_api: str, *, github_web: str = "",
               mot_api: str = "") -> str | None:
    return bucket_in(url, Endpoints(hf=hf_endpoint, github_api=github_api,
                                    github_web=github_web, mot_api=mot_api))
