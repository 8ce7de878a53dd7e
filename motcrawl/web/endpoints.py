"""Which service a URL belongs to, by endpoint prefix, not by host alone.

A mirror or proxy may serve the Hub, GitHub and MOT's API from one host under
different paths (``https://mirror/hf``, ``https://mirror/github-api``). A URL
then belongs to the endpoint whose scheme, host and port it shares and whose
path is the longest prefix of its own path, on a segment boundary. This decides
the rate-limit bucket a request counts against and which token it may carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from motcrawl.web.tokens import origin

HF = "hf"
GITHUB_API = "github_api"
GITHUB_WEB = "github_web"
MOT_API = "mot_api"

SETTINGS = {HF: "HF_ENDPOINT", GITHUB_API: "GITHUB_API_URL", GITHUB_WEB: "GITHUB_URL",
            MOT_API: "MOT_API_URL"}


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def under(url: str, base: str) -> int | None:
    """Length of ``base``'s path when ``url`` lies under it (same origin), else None."""
    if not base or origin(url) != origin(base):
        return None
    prefix, path = _path(base), urlsplit(url).path
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return None
    return len(prefix)


@dataclass(frozen=True)
class Endpoints:
    """The base URLs of the services a crawl talks to (any may be empty: unknown)."""

    hf: str = ""
    github_api: str = ""
    github_web: str = ""
    mot_api: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> Endpoints:
        return cls(**{name: settings.get(setting) or "" for name, setting in SETTINGS.items()})

    @classmethod
    def from_mapping(cls, values: Mapping[str, str | None]) -> Endpoints:
        return cls(**{name: values.get(name) or "" for name in SETTINGS})

    def service_of(self, url: str) -> str | None:
        """``hf``, ``github_api``, ``github_web``, ``mot_api``, or None (another service)."""
        best: tuple[int, str] | None = None
        for name in SETTINGS:
            depth = under(url, getattr(self, name))
            if depth is not None and (best is None or depth > best[0]):
                best = (depth, name)
        return best[1] if best else None

    def path_within(self, url: str, service: str) -> str:
        """The URL's path below the service's base path (``/api/models/...``)."""
        base = _path(getattr(self, service))
        return urlsplit(url).path[len(base):]
