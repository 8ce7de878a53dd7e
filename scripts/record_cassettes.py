"""Re-record the Hub cassettes that tests replay through `tests.fakes.hub.FakeHub`.

Run from the project root when the network is available:

    python scripts/record_cassettes.py                 # every model
    python scripts/record_cassettes.py microsoft/phi-2 # only these

The model ids, the `expand[]` list and which models get a `/refs` call all come
from `tests/fakes/hub.py` (`FIXTURE_MODELS`, `EXPAND`, `REFS_MODELS`), the same
place the fake reads them from.

Requests are anonymous by default, because the fake's gated-model behaviour
(README answered 401 GatedRepo) is the anonymous one. `--with-token` sends
`HF_TOKEN`; betamax replaces its value with `<HF_TOKEN>` so it never lands in a
file. Bodies are asked for with `Accept-Encoding: identity` so cassettes hold
plain text. Siblings lists are trimmed to `--max-siblings` entries (shards go
first) to keep cassettes small; model cards are kept whole.

`someorg/broken-frontmatter-7b` is synthetic (a README with invalid YAML front
matter, written by hand): it is skipped here and its cassette is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import requests
from betamax import Betamax

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.hub import (  # noqa: E402
    CASSETTE_DIR,
    FIXTURE_MODELS,
    REFS_MODELS,
    SYNTHETIC_MODELS,
    cassette_name,
    info_url,
    readme_url,
    refs_url,
)

SHARD = re.compile(r"-\d{5}-of-\d{5}\.")


def record(model_id: str, token: str | None) -> None:
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    with Betamax.configure() as config:
        config.cassette_library_dir = str(CASSETTE_DIR)
        config.default_cassette_options["record_mode"] = "all"
        config.default_cassette_options["match_requests_on"] = ["method", "uri"]
        config.default_cassette_options["serialize_with"] = "json"
        if token:
            config.define_cassette_placeholder("<HF_TOKEN>", token)
    name = cassette_name(model_id).removesuffix(".json")
    recorder = Betamax(session)
    with recorder.use_cassette(name, record="all"):
        info = session.get(info_url(model_id), timeout=30)
        session.get(readme_url(model_id), timeout=30, allow_redirects=False)
        if model_id in REFS_MODELS and info.ok:
            session.get(refs_url(model_id), timeout=30)
    print(f"{model_id}: {info.status_code}")


def trim(path: Path, max_siblings: int) -> None:
    """Keep at most `max_siblings` siblings (dropping shards first); drop cookies."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for interaction in data["http_interactions"]:
        interaction["request"]["headers"].pop("Cookie", None)
        response = interaction["response"]
        response["headers"].pop("Set-Cookie", None)
        if "/api/models/" not in interaction["request"]["uri"] or response["status"]["code"] != 200:
            continue
        payload = json.loads(response["body"]["string"])
        siblings = payload.get("siblings") if isinstance(payload, dict) else None
        if not siblings or len(siblings) <= max_siblings:
            continue
        others = [s for s in siblings if not SHARD.search(s["rfilename"])]
        shards = [s for s in siblings if SHARD.search(s["rfilename"])]
        kept = {id(s) for s in (others + shards)[:max_siblings]}
        payload["siblings"] = [s for s in siblings if id(s) in kept]
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        response["body"]["string"] = body
        response["headers"]["Content-Length"] = [str(len(body.encode()))]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="model ids (default: all of FIXTURE_MODELS)")
    parser.add_argument("--with-token", action="store_true", help="send HF_TOKEN")
    parser.add_argument("--max-siblings", type=int, default=40)
    args = parser.parse_args()
    token = os.environ.get("HF_TOKEN") if args.with_token else None
    if args.with_token and not token:
        parser.error("--with-token needs HF_TOKEN in the environment")
    models = args.models or list(FIXTURE_MODELS)
    for model_id in models:
        if model_id in SYNTHETIC_MODELS:
            print(f"{model_id}: synthetic, kept as written")
            continue
        record(model_id, token)
        trim(CASSETTE_DIR / cassette_name(model_id), args.max_siblings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
