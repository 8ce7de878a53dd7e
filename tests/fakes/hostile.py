"""`HostileHub`: a FakeHub with models that misbehave, one fault each, beside healthy ones.

Every hostile model has an ordinary info answer and card (so it would draft
fine) except for the one answer its fault replaces. The faults are what the
real Hub, a proxy or a broken CDN can do:

    hostile/truncated-json   info JSON cut in the middle
    hostile/invalid-json     info body that is not JSON
    hostile/html-info        an HTML page (login wall, proxy error) instead of JSON
    hostile/octet-info       valid JSON served as application/octet-stream (recoverable)
    hostile/bad-utf8-info    info JSON with invalid UTF-8 bytes
    hostile/bad-utf8-card    card with invalid UTF-8 bytes (recoverable)
    hostile/huge-card        a 50 MB card (past DOWNLOAD_MAXSIZE)
    hostile/slow-card        a card answered after `slow` seconds (past DOWNLOAD_TIMEOUT)
    hostile/redirect-loop    the card URL redirects to itself
    hostile/offsite-card     the card redirects to another server (`offsite`) (recoverable)
    hostile/gated-card       the card answers 403 GatedRepo; cardData has the license
                             (recoverable: drafted from the API's cardData)
    hostile/server-error     the info URL answers 500 every time
    hostile/evil-name        a card whose model_name tries path traversal

`error_every=n` answers 500 to every n-th request (any model), which retries absorb.
`names` maps extra synthetic model ids to card `model_name` values (file-system tests).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

from tests.fakes.hub import FakeHub, _error, api_headers
from tests.fakes.server import FakeService, RecordedRequest, Response

HUGE_CARD_BYTES = 50 * 1024 * 1024

RECOVERABLE = ("hostile/octet-info", "hostile/bad-utf8-card", "hostile/offsite-card",
               "hostile/gated-card", "hostile/evil-name")
FAILING = ("hostile/truncated-json", "hostile/invalid-json", "hostile/html-info",
           "hostile/bad-utf8-info", "hostile/huge-card", "hostile/slow-card",
           "hostile/redirect-loop", "hostile/server-error")
HOSTILE_MODELS = RECOVERABLE + FAILING


def synthetic_model(model_id: str, *, model_name: str | None = None,
                    license_id: str = "apache-2.0") -> tuple[dict[str, Any], str]:
    """An ordinary small model: info payload (with cardData) and its README."""
    org, name = model_id.split("/")
    card: dict[str, Any] = {"license": license_id, "pipeline_tag": "text-generation",
                            "library_name": "transformers"}
    if model_name is not None:
        card["model_name"] = model_name
    info = {
        "_id": hashlib.sha1(model_id.encode()).hexdigest()[:24], "id": model_id, "author": org,
        "cardData": card, "createdAt": "2024-05-01T00:00:00.000Z", "downloads": 1000,
        "gated": False, "lastModified": "2024-05-02T00:00:00.000Z",
        "library_name": "transformers", "likes": 3, "pipeline_tag": "text-generation",
        "sha": "0" * 40,
        "siblings": [{"rfilename": f} for f in (".gitattributes", "README.md", "config.json",
                                                "model.safetensors")],
        "tags": ["transformers", "safetensors", "text-generation", f"license:{license_id}"],
        "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
    }
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in card.items())
    readme = f"---\n{front}\n---\n\n# {name}\n\nA small test model.\n"
    return info, readme


class CardServer(FakeService):
    """The "other host" a card redirects to: serves any path as a card, logs headers."""

    def __init__(self) -> None:
        super().__init__()
        self.route("GET", "/{path:path}", lambda req, path: Response.text(
            "---\nlicense: mit\n---\n# offsite card\n", content_type="text/plain"))


class HostileHub(FakeHub):
    def __init__(self, *, offsite: FakeService | None = None, slow: float = 5.0,
                 error_every: int = 0, names: dict[str, str] | None = None,
                 hostile: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offsite = offsite
        self.hostile = hostile  # False: the same ids answer normally (a Hub that got better)
        self.slow = slow
        self.error_every = error_every
        self._count = 0
        self.errors_sent = 0  # 500s sent by error_every
        self._count_lock = threading.Lock()
        extra: dict[str, str | None] = dict.fromkeys(HOSTILE_MODELS if hostile else (), None)
        if hostile:
            extra["hostile/evil-name"] = "../../../etc/evil"
        extra.update(names or {})
        for model_id, model_name in extra.items():
            info, readme = synthetic_model(model_id, model_name=model_name)
            self.models[model_id] = info
            self.readmes[model_id] = readme

    # -- the faults ----------------------------------------------------------------
    def _info_body(self, repo: str) -> bytes:
        return json.dumps(self.models[repo], separators=(",", ":")).encode()

    def fault_for(self, request: RecordedRequest) -> Response | None:
        path = request.path
        info_of = {f"/api/models/{m}": m for m in HOSTILE_MODELS}
        card_of = {f"/{m}/resolve/main/README.md": m for m in HOSTILE_MODELS}
        model = info_of.get(path)
        if model == "hostile/truncated-json":
            body = self._info_body(model)
            return Response(200, body[: len(body) // 2], api_headers(body, model))
        if model == "hostile/invalid-json":
            return Response(200, b"{'id': 'hostile/invalid-json', siblings: [}",
                            [("Content-Type", "application/json; charset=utf-8")])
        if model == "hostile/html-info":
            return Response.text("<!doctype html><title>Sign in</title><h1>Sign in</h1>",
                                 content_type="text/html; charset=utf-8")
        if model == "hostile/octet-info":
            return Response(200, self._info_body(model),
                            [("Content-Type", "application/octet-stream")])
        if model == "hostile/bad-utf8-info":
            body = self._info_body(model).replace(b'"author":"hostile"',
                                                  b'"author":"host\xff\xfeile"')
            return Response(200, body, [("Content-Type", "application/json; charset=utf-8")])
        if model == "hostile/server-error":
            return Response.text("Internal Server Error", status=500)
        model = card_of.get(path)
        if model == "hostile/bad-utf8-card":
            return Response(200, self.readmes[model].encode() + b"\n\xff\xfe\xc3(\n",
                            [("Content-Type", "text/plain; charset=utf-8")])
        if model == "hostile/huge-card":
            return Response(200, b"x" * HUGE_CARD_BYTES,
                            [("Content-Type", "text/plain; charset=utf-8")])
        if model == "hostile/slow-card":
            time.sleep(self.slow)
            return Response.text(self.readmes[model])
        if model == "hostile/redirect-loop":
            return Response(302, b"", [("Location", f"{self.url}{request.raw_path}")])
        if model == "hostile/offsite-card" and self.offsite is not None:
            return Response(302, b"", [("Location", f"{self.offsite.url}/cards/README.md")])
        if model == "hostile/gated-card":
            return _error(403, "GatedRepo", f"Access to model {model} is restricted and you "
                          "are not in the authorized list.", json_body=False)
        return None

    def handle(self, request: RecordedRequest) -> Response:
        with self._count_lock:
            self._count += 1
            fail = bool(self.error_every) and self._count % self.error_every == 0
            self.errors_sent += fail
        if fail:
            return Response.text("Internal Server Error", status=500)
        return (self.hostile and self.fault_for(request)) or super().handle(request)
