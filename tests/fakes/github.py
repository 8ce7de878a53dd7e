"""`FakeGitHub`: local stand-ins for https://api.github.com and https://github.com.

Two servers (two origins, like the real ones, so a test can check that the
token goes to the API only):

- ``api`` answers like the REST API: ``GET /repos/{owner}/{repo}`` (names are
  case-insensitive), ``GET /repositories/{id}``, ``GET /repos/{o}/{r}/git/trees/{sha}``
  (``recursive=1`` gives the whole fixture tree, without it the top level),
  301 ``Moved Permanently`` for renamed repositories (``Location`` at
  ``/repositories/{id}``), 404 ``Not Found`` bodies with ``documentation_url``,
  ``X-RateLimit-Limit/Remaining/Reset/Used/Resource`` on every answer, and
  403 "API rate limit exceeded" with ``X-RateLimit-Remaining: 0`` once the
  budget (60 anonymous, 5000 with a token) is spent.
- ``web`` answers ``GET|HEAD /{owner}/{repo}`` with 200 (HTML), 301 to the
  new name for a renamed repository, or 404.

Fixtures: ``tests/fixtures/github/repos/{owner}__{repo}.json`` (repository
JSON), ``trees/{owner}__{repo}.json`` (git tree JSON of the default branch),
``renames.json`` (old full name -> current full name).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from tests.fakes.server import FakeService, RecordedRequest, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
REAL_API = "https://api.github.com"
REAL_WEB = "https://github.com"
ANON_LIMIT = 60
TOKEN_LIMIT = 5000
_NOT_FOUND_DOC = "https://docs.github.com/rest/repos/repos#get-a-repository"
_TREE_DOC = "https://docs.github.com/rest/git/trees#get-a-tree"
_RATE_DOC = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
             "#about-secondary-rate-limits")


def load_fixtures(root: Path = FIXTURES) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    repos = {p.stem.replace("__", "/"): json.loads(p.read_text())
             for p in sorted((root / "repos").glob("*.json"))}
    trees = {p.stem.replace("__", "/"): json.loads(p.read_text())
             for p in sorted((root / "trees").glob("*.json"))}
    renames_file = root / "renames.json"
    renames = json.loads(renames_file.read_text()) if renames_file.exists() else {}
    return repos, trees, renames


class _Web(FakeService):
    def __init__(self, owner: FakeGitHub) -> None:
        super().__init__()
        self.owner = owner
        self.route("GET", "/{org}/{name}", self._page)

    def _page(self, request: RecordedRequest, org: str, name: str) -> Response:
        full = self.owner.canonical(f"{org}/{name}")
        if full is None:
            return Response.text("<!DOCTYPE html><title>Page not found · GitHub</title>", 404,
                                 content_type="text/html; charset=utf-8")
        if full.lower() != f"{org}/{name}".lower():
            return Response(301, b"", [("Location", f"{self.url}/{full}"),
                                       ("Content-Type", "text/html; charset=utf-8")])
        return Response.text(f"<!DOCTYPE html><title>GitHub - {full}</title>", 200,
                             content_type="text/html; charset=utf-8")


class FakeGitHub(FakeService):
    """The API server; ``.web`` is the github.com server. Start/stop both with ``with``."""

    def __init__(self, *, limit: int = ANON_LIMIT, token_limit: int = TOKEN_LIMIT,
                 renames: dict[str, str] | None = None, root: Path = FIXTURES) -> None:
        super().__init__()
        repos, trees, fixture_renames = load_fixtures(root)
        self.repos = {k.lower(): v for k, v in repos.items()}
        self.trees = {k.lower(): v for k, v in trees.items()}
        self.renames = {k.lower(): v for k, v in {**fixture_renames, **(renames or {})}.items()}
        self.limits = {"anonymous": limit, "token": token_limit}
        self.used: dict[str, int] = {"anonymous": 0, "token": 0}
        self.reset_at = int(time.time()) + 3600
        self._rl = threading.Lock()
        self.web = _Web(self)
        self.route("GET", "/repos/{owner}/{repo}/git/trees/{sha}", self._tree)
        self.route("GET", "/repos/{owner}/{repo}", self._repo)
        self.route("GET", "/repositories/{rid}", self._by_id)
        self.route("GET", "/rate_limit", self._rate_limit)

    # -- lifecycle: both servers ------------------------------------------------
    def start(self) -> FakeGitHub:
        super().start()
        self.web.start()
        return self

    def stop(self) -> None:
        self.web.stop()
        super().stop()

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def web_url(self) -> str:
        return self.web.url

    def api_requests(self, prefix: str = "/repos/") -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    # -- data --------------------------------------------------------------------
    def canonical(self, full_name: str) -> str | None:
        key = full_name.lower()
        if key in self.renames:
            key = self.renames[key].lower()
        repo = self.repos.get(key)
        return repo["full_name"] if repo else None

    def _rewrite(self, payload: Any) -> Any:
        text = json.dumps(payload).replace(REAL_API, self.url).replace(REAL_WEB, self.web.url)
        return json.loads(text)

    # -- rate limit: every API answer carries the headers --------------------------
    def handle(self, request: RecordedRequest) -> Response:
        auth = request.header("authorization") or ""
        who = "token" if auth.lower().startswith(("bearer ", "token ")) else "anonymous"
        limit = self.limits[who]
        with self._rl:
            exhausted = self.used[who] >= limit
            if not exhausted and request.path != "/rate_limit":
                self.used[who] += 1
            used = self.used[who]
        if exhausted:
            response = Response.json({
                "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                           "Authenticated requests get a higher rate limit. Check out the "
                           "documentation for more details.)",
                "documentation_url": _RATE_DOC}, status=403)
        else:
            response = super().handle(request)
        for name, value in (("X-RateLimit-Limit", str(limit)),
                            ("X-RateLimit-Remaining", str(max(0, limit - used))),
                            ("X-RateLimit-Reset", str(self.reset_at)),
                            ("X-RateLimit-Used", str(used)),
                            ("X-RateLimit-Resource", "core"),
                            ("X-GitHub-Media-Type", "github.v3; format=json")):
            response.set_header(name, value)
        return response

    def not_found(self, request: RecordedRequest) -> Response:
        return Response.json({"message": "Not Found",
                              "documentation_url": "https://docs.github.com/rest",
                              "status": "404"}, status=404)

    # -- routes ----------------------------------------------------------------------
    def _repo(self, request: RecordedRequest, owner: str, repo: str) -> Response:
        key = f"{owner}/{repo}".lower()
        if key in self.renames:
            target = self.repos.get(self.renames[key].lower())
            if target is not None:
                location = f"{self.url}/repositories/{target['id']}"
                return Response.json({"message": "Moved Permanently", "url": location,
                                      "documentation_url": "https://docs.github.com/v3/#http-redirects"},
                                     status=301, headers=[("Location", location)])
        payload = self.repos.get(key)
        if payload is None:
            return Response.json({"message": "Not Found", "documentation_url": _NOT_FOUND_DOC,
                                  "status": "404"}, status=404)
        return Response.json(self._rewrite(payload))

    def _by_id(self, request: RecordedRequest, rid: str) -> Response:
        for payload in self.repos.values():
            if str(payload["id"]) == rid:
                return Response.json(self._rewrite(payload))
        return Response.json({"message": "Not Found", "documentation_url": _NOT_FOUND_DOC,
                              "status": "404"}, status=404)

    def _tree(self, request: RecordedRequest, owner: str, repo: str, sha: str) -> Response:
        key = f"{owner}/{repo}".lower()
        payload = self.trees.get(key)
        branch = (self.repos.get(key) or {}).get("default_branch")
        if payload is None or sha not in (branch, payload["sha"]):
            return Response.json({"message": "Not Found", "documentation_url": _TREE_DOC,
                                  "status": "404"}, status=404)
        payload = self._rewrite(payload)
        if request.arg("recursive") is None:  # any value, even 0, means recursive
            payload["tree"] = [e for e in payload["tree"] if "/" not in e["path"]]
        return Response.json(payload)

    def _rate_limit(self, request: RecordedRequest) -> Response:
        return Response.json({"resources": {}, "rate": {}})
