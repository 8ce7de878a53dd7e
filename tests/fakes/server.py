"""A small generic fake HTTP service for tests.

`FakeService` runs a `ThreadingHTTPServer` on 127.0.0.1, port 0, in a daemon
thread. Subclasses (or callers) register routes; every request is logged as a
`RecordedRequest` so tests can assert on what a crawl sent (paths, queries,
headers such as Authorization).

    svc = FakeService()
    svc.route("GET", "/repos/{owner}/{repo}", lambda req, owner, repo: Response.json({...}))
    with svc:
        requests.get(svc.url + "/repos/a/b")

Placeholders: `{name}` matches one path segment, `{name:path}` matches one or
more segments (for Hub ids such as `org/name`). Routes are tried in
registration order, so register the more specific pattern first.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["FakeService", "RecordedRequest", "Response", "Handler"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it.

    `path` is percent-decoded, `query` maps each key to the list of its values
    (`expand[]` appears as the key `expand[]`), `headers` has lower-cased names.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    raw_path: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    # A list, not a dict: the same header name may repeat (Set-Cookie, Link).
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Iterable[tuple[str, str]] = ()):
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, [("Content-Type", "application/json; charset=utf-8"), *headers])

    @classmethod
    def text(
        cls,
        text: str,
        status: int = 200,
        headers: Iterable[tuple[str, str]] = (),
        content_type: str = "text/plain; charset=utf-8",
    ):
        return cls(status, text.encode(), [("Content-Type", content_type), *headers])

    def get_header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


Handler = Callable[..., Response]
Fault = Callable[[RecordedRequest], "Response | None"]


def _compile(pattern: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", pattern):
        if part.startswith("{") and part.endswith("}"):
            name, _, kind = part[1:-1].partition(":")
            regex += f"(?P<{name}>.+?)" if kind == "path" else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(regex + r"\Z")


class FakeService:
    """Base fake service. Override `handle()` to wrap every response."""

    def __init__(self, *, latency: float = 0.0, fault: Fault | None = None):
        self.latency = latency
        # A fault hook sees every request first; a Response it returns is sent as is.
        self.fault = fault
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- routes ---------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Register `handler(request, **placeholders) -> Response`."""
        self._routes.append((method.upper(), _compile(pattern), handler))

    def dispatch(self, request: RecordedRequest) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        path_matched = False
        for route_method, regex, handler in self._routes:
            match = regex.match(request.path)
            if not match:
                continue
            path_matched = True
            if route_method == method:
                return handler(request, **match.groupdict())
        if path_matched:
            return Response.json({"error": "Method not allowed"}, status=405)
        return self.not_found(request)

    def not_found(self, request: RecordedRequest) -> Response:
        return Response.json({"error": "Not found"}, status=404)

    def handle(self, request: RecordedRequest) -> Response:
        """Latency, then the fault hook, then the route."""
        if self.latency:
            time.sleep(self.latency)
        if self.fault is not None:
            injected = self.fault(request)
            if injected is not None:
                return injected
        return self.dispatch(request)

    # -- request log ----------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    # -- lifecycle ------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeService:
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=type(self).__name__,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _make_handler(service: FakeService) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive; every answer has Content-Length
        server_version = "fake"
        sys_version = ""

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = RecordedRequest(
                method=self.command,
                path=unquote(split.path),
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_path=self.path,
            )
            service._record(request)
            try:
                response = service.handle(request)
            except Exception as exc:  # a bug in a fake must show up as a 500, not a hang
                response = Response.text(f"fake server error: {exc!r}", status=500)
            self.send_response(response.status, _reason(response.status))
            for key, value in response.headers:
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD" and response.body:
                self.wfile.write(response.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # the request log is `service.requests`

    return _Handler


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
