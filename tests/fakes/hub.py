"""`FakeHub`: a local stand-in for https://huggingface.co that replays cassettes.

The cassettes (`tests/fixtures/cassettes/<org>__<name>.json`, betamax format)
hold what the real Hub answered for `FIXTURE_MODELS`; `scripts/record_cassettes.py`
re-records them. The fake answers like the Hub for everything else a crawl does:

- `GET /api/models/{id}` (query ignored), `/api/models/{id}/revision/{rev}`,
  `/api/models/{id}/refs`, `/api/models/{id}/tree/{rev}`;
- `GET|HEAD /{id}/resolve/{rev}/{file}` and `/{id}/raw/{rev}/{file}`, with the
  Hub's error codes: unknown repo 401 RepoNotFound ("Invalid username or
  password."), gated repo 401 GatedRepo anonymously / 403 with a token, unknown
  file 404 EntryNotFound, unknown revision 404 RevisionNotFound;
- `GET /api/models` listing, sorted, filtered, cursor-paginated through a
  `Link: <...&cursor=...>; rel="next"` header; `skip` and `page` are ignored
  like on the Hub (they always give page one);
- HTML pages (`/{id}`, `/{id}/tree/{rev}`, `/{id}/blob/...`);
- rate limits per client identity (Bearer token or anonymous) in the Hub's
  three buckets, with `RateLimit` / `RateLimit-Policy` on every answer and a
  429 with `Retry-After` once a window's quota is spent.

Absolute `https://huggingface.co` URLs in replayed headers are rewritten to the
fake's own URL.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import math
import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from tests.fakes.server import FakeService, Fault, RecordedRequest, Response

HUB_URL = "https://huggingface.co"
CASSETTE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
DATASET_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "hub_datasets"

# The `expand[]` list the crawler asks for on /api/models/{id}; one place for the
# recorder, the cassettes and the fake.
EXPAND: tuple[str, ...] = (
    "author",
    "baseModels",
    "cardData",
    "config",
    "createdAt",
    "downloads",
    "gated",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "safetensors",
    "sha",
    "siblings",
    "tags",
    "transformersInfo",
)

# Every model with a cassette, and what it exercises. The recorder and the fake
# both read this dict: add a model here, then re-record.
FIXTURE_MODELS: dict[str, str] = {
    "allenai/OLMo-7B-hf": "apache-2.0, arXiv, dolma dataset, step branches in refs, eval table",
    "EleutherAI/pythia-160m": "apache-2.0, two arXiv ids, the Pile, step0..step143000 refs",
    "meta-llama/Meta-Llama-3-8B-Instruct": "gated manual, license other/llama3, README 401",
    "TheBloke/Llama-2-7B-Chat-GGUF": "GGUF only, no config, license llama2, base_model",
    "stabilityai/stable-diffusion-xl-base-1.0": "diffusers, text-to-image, openrail++",
    "cardiffnlp/twitter-roberta-base-sentiment": "README without front matter, no cardData",
    "someorg/broken-frontmatter-7b": "synthetic: invalid YAML front matter",
    "nobody/does-not-exist": "404 RepoNotFound on the API",
    "mistralai/Mistral-7B-v0.1": "gated auto, apache-2.0, arXiv, README 401",
    "microsoft/phi-2": "mit, license_link, no arXiv",
    "google/gemma-2b": "gated manual, license gemma, README 401",
    "bigscience/bloom": "bigscience-bloom-rail-1.0, many languages, model-index",
    "Qwen/Qwen2.5-7B-Instruct": "apache-2.0, base_model Qwen/Qwen2.5-7B, license_link",
    "tiiuae/falcon-40b": "apache-2.0, falcon-refinedweb dataset, custom code",
    "openai-community/gpt2": "mit, many weight formats, zero-shot eval table",
    "LLM360/Amber": "apache-2.0, ckpt_* branches in refs, datasets only in the body",
    "ibm-granite/granite-4.0-micro": "apache-2.0, base_model, recent",
    "EleutherAI/gpt-neox-20b": "apache-2.0, the Pile, arXiv 2204.06745",
    "Salesforce/codet5p-16b": "bsd-3-clause, custom code, arXiv 2305.07922",
    "allenai/OLMo-7B": "apache-2.0, non-hf weights (hf_olmo), step branches in refs",
    "deepseek-ai/DeepSeek-V3": "no license in front matter (MIT code + model license in body)",
    "microsoft/deberta-v3-base": "mit, fill-mask, no safetensors",
}
# Models whose cassette holds /api/models/{id}/refs (checkpoint branches).
REFS_MODELS = frozenset(
    {
        "allenai/OLMo-7B-hf",
        "EleutherAI/pythia-160m",
        "LLM360/Amber",
        "allenai/OLMo-7B",
    }
)
# Cassettes written by hand for cases the real Hub cannot give on demand.
SYNTHETIC_MODELS = frozenset({"someorg/broken-frontmatter-7b"})
MISSING_MODEL = "nobody/does-not-exist"

DEFAULT_QUOTAS = {"api": 500, "resolvers": 3000, "pages": 100}
DEFAULT_TOKEN_QUOTAS = {"api": 1000, "resolvers": 5000, "pages": 200}
LISTING_FIELDS = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
)
LISTING_MAX_LIMIT = 1000
# LFS extensions: /resolve/ redirects these to the CDN instead of answering 200.
LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".ckpt", ".h5", ".msgpack",
                ".onnx", ".ot", ".model", ".tflite")


def cassette_name(model_id: str) -> str:
    return model_id.replace("/", "__") + ".json"


def info_url(model_id: str, base: str = HUB_URL) -> str:
    """The exact URL the crawler requests, encoded as `requests` would."""
    return f"{base}/api/models/{model_id}?" + urlencode([("expand[]", e) for e in EXPAND])


def readme_url(model_id: str, base: str = HUB_URL) -> str:
    return f"{base}/{model_id}/resolve/main/README.md"


def refs_url(model_id: str, base: str = HUB_URL) -> str:
    return f"{base}/api/models/{model_id}/refs"


def _fake_sha(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def _request_id(*parts: str) -> str:
    digest = _fake_sha("rid", *parts)
    return f"Root=1-{digest[:8]}-{digest[8:32]}"


def api_headers(body: bytes, *parts: str) -> list[tuple[str, str]]:
    """Headers the Hub puts on an /api/ JSON answer (rate-limit ones added live)."""
    return [
        ("Content-Type", "application/json; charset=utf-8"),
        ("ETag", f'W/"{len(body):x}-{_fake_sha(*parts)[:27]}"'),
        ("X-Powered-By", "huggingface-moon"),
        ("X-Request-Id", _request_id(*parts)),
        ("Access-Control-Allow-Origin", "https://huggingface.co"),
        ("Vary", "Origin"),
        ("Access-Control-Expose-Headers", _EXPOSE),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ]


_EXPOSE = (
    "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,"
    "Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash"
)


def _error(status: int, code: str | None, message: str, *, json_body: bool, rid: str = ""):
    headers = [("X-Request-Id", _request_id("err", rid, message))]
    if code:
        headers.append(("X-Error-Code", code))
    headers.append(("X-Error-Message", message))
    headers += [("Access-Control-Allow-Origin", "https://huggingface.co"), ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", _EXPOSE)]
    if json_body:
        return Response.json({"error": message}, status=status, headers=headers)
    return Response.text(message, status=status, headers=headers)


# -- cassettes ---------------------------------------------------------------
class Recorded:
    """One replayable answer from a cassette."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def response(self) -> Response:
        return Response(self.status, self.body, list(self.headers))


_DROPPED = {"content-length", "transfer-encoding", "content-encoding", "connection", "date",
            "ratelimit", "ratelimit-policy", "retry-after"}


@functools.lru_cache(maxsize=8)
def load_cassettes(directory: str) -> dict[tuple[str, str], Recorded]:
    """(METHOD, decoded path) -> recorded answer, for every cassette in `directory`."""
    recorded: dict[tuple[str, str], Recorded] = {}
    for path in sorted(Path(directory).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for interaction in data["http_interactions"]:
            req, resp = interaction["request"], interaction["response"]
            headers = [
                (name, value)
                for name, values in resp["headers"].items()
                if name.lower() not in _DROPPED
                for value in (values if isinstance(values, list) else [values])
            ]
            body = resp["body"]
            raw = (
                base64.b64decode(body["base64_string"])
                if body.get("base64_string")
                else body.get("string", "").encode(body.get("encoding") or "utf-8")
            )
            key = (req["method"].upper(), unquote(urlsplit(req["uri"]).path))
            recorded[key] = Recorded(resp["status"]["code"], headers, raw)
    return recorded


# -- synthetic models ----------------------------------------------------------
_ORGS = ["acme-ai", "nlp-lab", "opencompute", "dataforge", "polyglot-research", "tinyml",
         "vision-collective", "speechworks", "bio-nlp", "edu-models", "quantfolk", "northwind"]
_KINDS = [
    # (pipeline_tag, library_name, name stems, architecture, model_type)
    ("text-generation", "transformers", ["llama", "mistral", "qwen2", "phi"], "LlamaForCausalLM",
     "llama"),
    ("text-classification", "transformers", ["roberta-sentiment", "bert-toxicity"],
     "RobertaForSequenceClassification", "roberta"),
    ("token-classification", "transformers", ["bert-ner", "deberta-pos"],
     "BertForTokenClassification", "bert"),
    ("fill-mask", "transformers", ["bert-base", "xlm-roberta"], "BertForMaskedLM", "bert"),
    ("sentence-similarity", "sentence-transformers", ["minilm-embed", "e5-embed"],
     "BertModel", "bert"),
    ("text-to-image", "diffusers", ["sd-finetune", "flux-lora"], None, None),
    ("automatic-speech-recognition", "transformers", ["whisper", "wav2vec2"],
     "WhisperForConditionalGeneration", "whisper"),
    ("image-classification", "timm", ["vit", "convnext"], None, None),
    ("translation", "transformers", ["opus-mt", "nllb"], "MarianMTModel", "marian"),
    ("summarization", "transformers", ["bart-summ", "t5-summ"],
     "BartForConditionalGeneration", "bart"),
]
_LICENSES = ["apache-2.0", "apache-2.0", "mit", "mit", "cc-by-4.0", "cc-by-nc-4.0", "llama3.1",
             "other", "openrail", "gemma", "cc-by-sa-4.0", None]
_DATASETS = ["HuggingFaceFW/fineweb", "allenai/c4", "wikimedia/wikipedia", "glue",
             "mozilla-foundation/common_voice_11_0", "imagenet-1k", "cnn_dailymail"]
_SIZES = ["small", "base", "large", "1b", "3b", "7b", "13b"]


def generate_models(n: int, seed: int = 0, taken: set[str] | None = None):
    """`n` deterministic synthetic models: (info payload, README text)."""
    rng = random.Random(seed)
    taken = set(taken or ())
    out = []
    for i in range(n):
        tag, library, stems, arch, model_type = _KINDS[rng.randrange(len(_KINDS))]
        org = rng.choice(_ORGS)
        name = f"{rng.choice(stems)}-{rng.choice(_SIZES)}-v{rng.randint(1, 4)}"
        model_id = f"{org}/{name}"
        if model_id in taken:
            model_id = f"{org}/{name}-{i}"
        taken.add(model_id)
        # Downloads spread from millions to zero, roughly log-uniform; some zeros.
        downloads = 0 if rng.random() < 0.1 else int(10 ** rng.uniform(0, 6.8))
        license_id = rng.choice(_LICENSES)
        gated: Any = False
        roll = rng.random()
        if roll < 0.06:
            gated = "manual"
        elif roll < 0.1:
            gated = "auto"
        datasets = rng.sample(_DATASETS, rng.randint(0, 2))
        base_model = None
        if "finetune" in name or rng.random() < 0.25:
            base_model = f"{rng.choice(_ORGS)}/{rng.choice(stems)}-base"
        created = 1640995200 + rng.randint(0, 4 * 365 * 86400)  # 2022..2025
        modified = created + rng.randint(0, 300 * 86400)
        sha = _fake_sha(model_id, str(seed))
        card: dict[str, Any] = {}
        if license_id:
            card["license"] = license_id
        if datasets:
            card["datasets"] = datasets
        card["language"] = ["en"]
        card["pipeline_tag"] = tag
        card["library_name"] = library
        if base_model:
            card["base_model"] = base_model
        tags = [library, "safetensors" if library != "timm" else "pytorch", tag]
        tags += ["en", *(f"dataset:{d}" for d in datasets)]
        if base_model:
            tags.append(f"base_model:{base_model}")
        if license_id:
            tags.append(f"license:{license_id}")
        tags.append("region:us")
        siblings = [".gitattributes", "README.md"]
        if library == "diffusers":
            siblings += ["model_index.json", "unet/config.json",
                         "unet/diffusion_pytorch_model.safetensors", "vae/config.json"]
        else:
            siblings += ["config.json", "model.safetensors"]
        if library == "transformers":
            siblings += ["tokenizer.json", "tokenizer_config.json"]
        info: dict[str, Any] = {
            "_id": _fake_sha("oid", model_id)[:24],
            "id": model_id,
            "author": org,
            "cardData": card,
            "createdAt": _iso(created),
            "downloads": downloads,
            "gated": gated,
            "lastModified": _iso(modified),
            "library_name": library,
            "likes": int(downloads ** 0.5 / 10) if downloads else 0,
            "pipeline_tag": tag,
            "sha": sha,
            "siblings": [{"rfilename": s} for s in siblings],
            "tags": tags,
        }
        if base_model:
            info["baseModels"] = {"relation": "finetune", "models": [{"id": base_model}]}
        if arch:
            info["config"] = {"architectures": [arch], "model_type": model_type}
            info["safetensors"] = {"parameters": {"F32": 1000000 * (i + 1)},
                                   "total": 1000000 * (i + 1)}
        readme = _synthetic_readme(model_id, card, base_model)
        out.append((info, readme))
    return out


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts))


def _synthetic_readme(model_id: str, card: dict[str, Any], base_model: str | None) -> str:
    lines = ["---"]
    for key, value in card.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"- {v}" for v in value]
        else:
            lines.append(f"{key}: {value}")
    lines += ["---", "", f"# {model_id.split('/')[1]}", ""]
    if base_model:
        lines += [f"This model is a fine-tuned version of [{base_model}]"
                  f"(https://huggingface.co/{base_model}).", ""]
    lines += ["## Training data", "", "See the datasets listed in the metadata.", "",
              "## Evaluation", "", "| Task | Metric | Value |", "|---|---|---|",
              "| dev | accuracy | 0.81 |", ""]
    return "\n".join(lines)


# -- the fake ------------------------------------------------------------------
class FakeHub(FakeService):
    """Replays cassettes over real HTTP, like huggingface.co.

    Options:
        cassette_dir: where the betamax cassettes are (default: the fixtures).
        generated, seed: add `generated` deterministic synthetic models to the
            listing, each with an info and README answer.
        enforce: apply rate limits (headers are sent either way).
        window: fixed window length in seconds (Hub: 300).
        quotas / token_quotas: per-bucket quota for anonymous / Bearer clients.
        latency: seconds to sleep before each answer.
        fail_every: every n-th request answers 503 (deterministic).
        fail_ratio: that share of requests answers 503 (seeded by `seed`).
        fault: a hook `fault(request) -> Response | None` seen first.
    Counters: `bucket_counts` (api/resolvers/pages), `status_counts`, `requests`.
    """

    def __init__(
        self,
        *,
        cassette_dir: Path | str = CASSETTE_DIR,
        generated: int = 0,
        seed: int = 0,
        enforce: bool = True,
        window: int = 300,
        quotas: dict[str, int] | None = None,
        token_quotas: dict[str, int] | None = None,
        latency: float = 0.0,
        fail_every: int = 0,
        fail_ratio: float = 0.0,
        fault: Fault | None = None,
    ):
        super().__init__(latency=latency, fault=fault)
        self.recorded = dict(load_cassettes(str(Path(cassette_dir).resolve())))
        self.enforce = enforce
        self.window = window
        self.quotas = {**DEFAULT_QUOTAS, **(quotas or {})}
        self.token_quotas = {**DEFAULT_TOKEN_QUOTAS, **(token_quotas or {})}
        self.fail_every = fail_every
        self.fail_ratio = fail_ratio
        self._fail_rng = random.Random(seed)
        self.bucket_counts: Counter[str] = Counter()
        self.status_counts: Counter[int] = Counter()
        self._seen = 0
        # (identity, bucket) -> [window start, requests used]
        self._windows: dict[tuple[str, str], list[float]] = {}
        self._rl_lock = threading.Lock()

        # id -> info payload, for every model the Hub knows.
        self.models: dict[str, dict[str, Any]] = {}
        for (method, path), rec in self.recorded.items():
            if method == "GET" and path.startswith("/api/models/") and rec.status == 200:
                payload = json.loads(rec.body)
                if isinstance(payload, dict) and "siblings" in payload and "id" in payload:
                    self.models[payload["id"]] = payload
        self.readmes: dict[str, str] = {}
        for info, readme in generate_models(generated, seed, taken=set(self.models)):
            self.models[info["id"]] = info
            self.readmes[info["id"]] = readme
        # Renamed repositories, old id -> new id: the Hub answers every path of the old
        # id with a 307 to the same path under the new one (see `dispatch`).
        self.renamed: dict[str, str] = {}
        self._register_routes()

    def add_model(self, model_id: str, *, readme: str | None = None,
                  **fields: Any) -> dict[str, Any]:
        """A model the fake serves like a recorded one: info (any `expand[]`), README
        through /resolve/ (when `readme` is given), listing entry. `fields` override the
        info payload (`gated="manual"`, `cardData={...}`, `siblings=[...]`, ...)."""
        sha = _fake_sha(model_id)
        siblings = [".gitattributes", "config.json", "model.safetensors"]
        if readme is not None:
            siblings.insert(1, "README.md")
        info: dict[str, Any] = {
            "_id": _fake_sha("oid", model_id)[:24], "id": model_id,
            "author": model_id.split("/")[0], "downloads": 0, "likes": 0, "gated": False,
            "library_name": "transformers", "pipeline_tag": "text-generation",
            "createdAt": "2024-05-01T00:00:00.000Z", "lastModified": "2024-05-02T00:00:00.000Z",
            "sha": sha, "tags": ["transformers", "safetensors"], "cardData": {},
            "siblings": [{"rfilename": f} for f in siblings],
            **fields}
        self.models[model_id] = info
        if readme is not None:
            self.readmes[model_id] = readme
        return info

    def dispatch(self, request: RecordedRequest) -> Response:
        """A renamed repository: 307 to the new id, relative, as huggingface.co answers."""
        for old, new in self.renamed.items():
            for prefix in ("/api/models/", "/"):
                path = prefix + old
                if request.path == path or request.path.startswith(path + "/"):
                    split = urlsplit(request.raw_path)
                    target = quote(prefix + new + request.path[len(path):])
                    location = target + (f"?{split.query}" if split.query else "")
                    return Response(307, b"", [("Location", location),
                                               ("X-Error-Message", "Repository moved")])
        return super().dispatch(request)

    # -- plumbing --------------------------------------------------------------
    def _register_routes(self) -> None:
        self.route("GET", "/api/models", self._listing)
        self.route("GET", "/api/models/{repo:path}/refs", self._refs)
        self.route("GET", "/api/models/{repo:path}/revision/{rev}", self._info)
        self.route("GET", "/api/models/{repo:path}/tree/{rev}", self._tree_api)
        self.route("GET", "/api/models/{repo:path}", self._info)
        self.route("GET", "/api/datasets/{repo:path}", self._dataset_info)
        self.route("GET", "/cdn-lfs/{repo:path}/{rev}/{file:path}", self._cdn)
        self.route("GET", "/{repo:path}/resolve/{rev}/{file:path}", self._resolve)
        self.route("GET", "/{repo:path}/raw/{rev}/{file:path}", self._resolve)
        self.route("GET", "/{repo:path}/tree/{rev:path}", self._html_tree)
        self.route("GET", "/{repo:path}/blob/{rev}/{file:path}", self._html_page)
        self.route("GET", "/{org}/{name}", self._html_page)

    @staticmethod
    def bucket_of(path: str) -> str | None:
        if path.startswith("/api/"):
            return "api"
        if path.startswith("/cdn-lfs/"):
            return None  # the CDN is not rate-limited
        if "/resolve/" in path:
            return "resolvers"
        return "pages"

    def identity(self, request: RecordedRequest) -> str:
        auth = request.header("authorization") or ""
        return auth if auth.lower().startswith("bearer ") and len(auth) > 7 else "anonymous"

    def handle(self, request: RecordedRequest) -> Response:
        bucket = self.bucket_of(request.path)
        with self._rl_lock:
            self._seen += 1
            seen = self._seen
            if bucket:
                self.bucket_counts[bucket] += 1
            fail = (self.fail_every and seen % self.fail_every == 0) or (
                self.fail_ratio and self._fail_rng.random() < self.fail_ratio
            )
        if fail:
            if self.latency:
                time.sleep(self.latency)
            response = Response.text("Service Unavailable", status=503)
        elif bucket is None:
            response = super().handle(request)
        else:
            identity = self.identity(request)
            quota = (self.quotas if identity == "anonymous" else self.token_quotas)[bucket]
            allowed, remaining, reset = self._take(identity, bucket, quota)
            if allowed:
                response = super().handle(request)
            else:
                response = self._rate_limited(bucket, quota, reset)
            response.set_header("RateLimit", f'"{bucket}";r={remaining};t={reset}')
            response.set_header(
                "RateLimit-Policy", f'"fixed window";"{bucket}";q={quota};w={self.window}'
            )
        self._rewrite_urls(response)
        with self._rl_lock:
            self.status_counts[response.status] += 1
        return response

    def _take(self, identity: str, bucket: str, quota: int) -> tuple[bool, int, int]:
        now = time.monotonic()
        with self._rl_lock:
            state = self._windows.get((identity, bucket))
            if state is None or now >= state[0] + self.window:
                state = self._windows[(identity, bucket)] = [now, 0]
            reset = max(1, math.ceil(state[0] + self.window - now))
            if self.enforce and state[1] >= quota:
                return False, 0, reset
            state[1] += 1
            return True, max(0, quota - int(state[1])), reset

    def _rate_limited(self, bucket: str, quota: int, reset: int) -> Response:
        minutes = max(1, self.window // 60)
        message = (
            f"We had to rate limit you, you hit the quota of {quota} {bucket} requests per "
            f"{minutes} minutes period. Upgrade to a PRO account or Team/Enterprise organization "
            "to benefit from higher rate limits. Learn more: "
            "https://huggingface.co/docs/hub/rate-limits"
        )
        response = _error(429, None, message, json_body=bucket == "api")
        response.set_header("Retry-After", str(reset))
        return response

    def _rewrite_urls(self, response: Response) -> None:
        base = self.url
        response.headers = [
            (k, v.replace(HUB_URL, base) if k.lower() in ("link", "location") else v)
            for k, v in response.headers
        ]

    def not_found(self, request: RecordedRequest) -> Response:
        if request.path.startswith("/api/"):
            return _error(404, None, "Sorry, we can't find the page you are looking for.",
                          json_body=True)
        return Response.text("<!doctype html><title>404</title><h1>404</h1>", status=404,
                             content_type="text/html; charset=utf-8")

    # -- /api/models/{id} --------------------------------------------------------
    def _info(self, request: RecordedRequest, repo: str, rev: str | None = None) -> Response:
        rec = self.recorded.get(("GET", f"/api/models/{repo}"))
        if rec is not None and rev in (None, "main"):
            return rec.response()
        info = self.models.get(repo)
        if info is None:
            return self._repo_not_found(repo)
        if rev not in (None, "main") and rev not in self._revisions(repo):
            return _error(404, "RevisionNotFound", f"Invalid rev id: {rev}", json_body=True)
        body = json.dumps(info, separators=(",", ":")).encode()
        return Response(200, body, api_headers(body, repo, "info"))

    def _dataset_info(self, request: RecordedRequest, repo: str) -> Response:
        """`/api/datasets/{id}` from tests/fixtures/hub_datasets/<org>__<name>.json."""
        path = DATASET_DIR / (repo.replace("/", "__") + ".json")
        if "/" not in repo or not path.is_file():
            if self.identity(request) == "anonymous":
                return _error(401, "RepoNotFound", "Invalid username or password.",
                              json_body=True, rid=repo)
            return _error(404, "RepoNotFound", "Repository not found", json_body=True, rid=repo)
        body = path.read_bytes()
        return Response(200, body, api_headers(body, repo, "dataset"))

    def _repo_not_found(self, repo: str) -> Response:
        rec = self.recorded.get(("GET", f"/api/models/{MISSING_MODEL}"))
        if rec is not None:
            return rec.response()
        return _error(404, "RepoNotFound", "Repository not found", json_body=True, rid=repo)

    def _refs_payload(self, repo: str) -> dict[str, Any]:
        rec = self.recorded.get(("GET", f"/api/models/{repo}/refs"))
        if rec is not None:
            return json.loads(rec.body)
        sha = self.models[repo].get("sha") or _fake_sha(repo)
        return {
            "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": sha}],
            "converts": [],
            "tags": [],
        }

    def _revisions(self, repo: str) -> set[str]:
        refs = self._refs_payload(repo)
        revs = {self.models[repo].get("sha") or ""}
        for kind in ("branches", "tags"):
            for ref in refs.get(kind, []):
                revs.update({ref["name"], ref["ref"], ref["targetCommit"]})
        return revs

    def _refs(self, request: RecordedRequest, repo: str) -> Response:
        rec = self.recorded.get(("GET", f"/api/models/{repo}/refs"))
        if rec is not None:
            return rec.response()
        if repo not in self.models:
            return self._repo_not_found(repo)
        body = json.dumps(self._refs_payload(repo), separators=(",", ":")).encode()
        return Response(200, body, api_headers(body, repo, "refs"))

    def _tree_api(self, request: RecordedRequest, repo: str, rev: str) -> Response:
        if repo not in self.models:
            return self._repo_not_found(repo)
        recursive = (request.arg("recursive") or "").lower() in ("1", "true")
        entries: dict[str, dict[str, Any]] = {}
        for sibling in self.models[repo].get("siblings") or []:
            name = sibling["rfilename"]
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if recursive or depth == 1:
                    entries.setdefault(folder, {"type": "directory",
                                                "oid": _fake_sha(repo, folder), "size": 0,
                                                "path": folder})
            if recursive or len(parts) == 1:
                entries[name] = {"type": "file", "oid": _fake_sha(repo, name), "size": 1024,
                                 "path": name}
        body = json.dumps(list(entries.values()), separators=(",", ":")).encode()
        return Response(200, body, api_headers(body, repo, "tree", rev))

    # -- listing -----------------------------------------------------------------
    def _listing(self, request: RecordedRequest) -> Response:
        q = request.query
        expand = [e for key in ("expand[]", "expand") for e in q.get(key, [])]
        sort = request.arg("sort") or "trendingScore"
        try:
            limit = int(request.arg("limit") or LISTING_MAX_LIMIT)
        except ValueError:
            return _error(400, None, '"limit" must be a number', json_body=True)
        limit = max(1, min(limit, LISTING_MAX_LIMIT))
        offset = 0
        cursor = request.arg("cursor")
        if cursor:
            try:
                offset = int(json.loads(base64.urlsafe_b64decode(cursor + "=="))["$skip"])
            except (ValueError, KeyError, TypeError, binascii.Error):
                return _error(400, None, "Invalid cursor", json_body=True)
        models = self._filtered(request)
        models.sort(key=lambda m: (-_sort_value(m, sort), m["_id"]))
        page = models[offset : offset + limit]
        items = [self._listed(m, expand) for m in page]
        body = json.dumps(items, separators=(",", ":")).encode()
        headers = api_headers(body, "list", request.raw_path)
        if offset + limit < len(models):
            params = [(k, v) for k, vs in q.items() if k != "cursor" for v in vs]
            params = [(k, str(limit) if k == "limit" else v) for k, v in params]
            token = base64.urlsafe_b64encode(json.dumps({"$skip": offset + limit}).encode())
            params.append(("cursor", token.decode().rstrip("=")))
            query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
            headers.append(("Link", f'<{HUB_URL}/api/models?{query}>; rel="next"'))
        return Response(200, body, headers)

    def _filtered(self, request: RecordedRequest) -> list[dict[str, Any]]:
        models = list(self.models.values())
        if pipeline_tag := request.arg("pipeline_tag"):
            models = [m for m in models if m.get("pipeline_tag") == pipeline_tag]
        if author := request.arg("author"):
            models = [m for m in models if m["id"].split("/")[0].lower() == author.lower()]
        if search := request.arg("search"):
            models = [m for m in models if search.lower() in m["id"].lower()]
        if library := request.arg("library"):
            models = [m for m in models if m.get("library_name") == library]
        for wanted in request.query.get("filter", []):
            models = [
                m for m in models
                if wanted in (m.get("tags") or [])
                or wanted in (m.get("pipeline_tag"), m.get("library_name"))
            ]
        return models

    def _listed(self, info: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        derived = {
            "private": False,
            "trendingScore": _trending(info),
            "modelId": info["id"],
            "disabled": False,
        }
        if not expand:
            item = {k: info[k] if k in info else derived.get(k) for k in LISTING_FIELDS}
            item = {k: v for k, v in item.items() if v is not None}
            item["modelId"] = info["id"]
            return item
        item = {"_id": info["_id"], "id": info["id"]}
        for field_name in expand:
            if field_name in info:
                item[field_name] = info[field_name]
            elif field_name in derived:
                item[field_name] = derived[field_name]
        return item

    # -- files -------------------------------------------------------------------
    def _resolve(self, request: RecordedRequest, repo: str, rev: str, file: str) -> Response:
        info = self.models.get(repo)
        revs = (rev, "main") if info is not None and rev in self._revisions(repo) else (rev,)
        for candidate in revs:
            rec = self.recorded.get(("GET", f"/{repo}/resolve/{candidate}/{file}"))
            if rec is not None:
                return rec.response()
        if info is None:
            return _error(401, "RepoNotFound", "Invalid username or password.",
                          json_body=False, rid=repo)
        sha = info.get("sha") or _fake_sha(repo)
        if info.get("gated"):
            if self.identity(request) == "anonymous":
                message = (f"Access to model {repo} is restricted. You must have access to it "
                           "and be authenticated to access it. Please log in.")
                response = _error(401, "GatedRepo", message, json_body=False, rid=repo)
            else:
                message = (f"Access to model {repo} is restricted and you are not in the "
                           f"authorized list. Visit https://huggingface.co/{repo} to ask "
                           "for access.")
                response = _error(403, "GatedRepo", message, json_body=False, rid=repo)
            response.set_header("X-Repo-Commit", sha)
            return response
        if rev != "main" and rev not in self._revisions(repo):
            return _error(404, "RevisionNotFound", f"Invalid rev id: {rev}", json_body=False)
        names = {s["rfilename"] for s in info.get("siblings") or []}
        if file not in names:
            response = _error(404, "EntryNotFound", "Entry not found", json_body=False)
            response.set_header("X-Repo-Commit", sha)
            return response
        if file.endswith(LFS_SUFFIXES) and "/resolve/" in request.path:
            etag = hashlib.sha256(f"{repo}/{file}".encode()).hexdigest()
            return Response(302, b"", [
                ("Location", f"{HUB_URL}/cdn-lfs/{repo}/{sha}/{file}"),
                ("X-Repo-Commit", sha),
                ("X-Linked-Size", "1024"),
                ("X-Linked-ETag", f'"{etag}"'),
                ("ETag", f'"{etag}"'),
            ])
        if file == "README.md" and repo in self.readmes:
            text = self.readmes[repo]
        elif file == "config.json" and info.get("config"):
            text = json.dumps(info["config"], indent=2)
        else:
            text = f"fake content of {repo}/{file}\n"
        body = text.encode()
        ctype = "application/json; charset=utf-8" if file.endswith(".json") else (
            "text/plain; charset=utf-8")
        blob = hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()
        return Response(200, body, [
            ("Content-Type", ctype),
            ("ETag", f'"{blob}"'),
            ("X-Repo-Commit", sha),
            ("Accept-Ranges", "bytes"),
            ("Content-Disposition",
             f"inline; filename*=UTF-8''{quote(file.rsplit('/', 1)[-1])}; "
             f'filename="{file.rsplit("/", 1)[-1]}";'),
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ("Vary", "Origin, Accept"),
            ("Access-Control-Allow-Origin", "https://huggingface.co"),
            ("Access-Control-Expose-Headers", _EXPOSE),
            ("X-Request-Id", _request_id(repo, file)),
        ])

    def _cdn(self, request: RecordedRequest, repo: str, rev: str, file: str) -> Response:
        return Response(200, b"\0" * 1024, [("Content-Type", "application/octet-stream")])

    def _html(self, title: str, body: str, status: int = 200) -> Response:
        html = (f"<!doctype html><html><head><title>{title}</title></head>"
                f"<body>{body}</body></html>")
        return Response.text(html, status=status, content_type="text/html; charset=utf-8")

    def _html_page(self, request: RecordedRequest, **params: str) -> Response:
        repo = params.get("repo") or f"{params['org']}/{params['name']}"
        if repo not in self.models:
            return self.not_found(request)
        return self._html(f"{repo} · Hugging Face", f"<h1>{repo}</h1>")

    def _html_tree(self, request: RecordedRequest, repo: str, rev: str) -> Response:
        if repo not in self.models:
            return self.not_found(request)
        files = "".join(
            f'<li><a href="/{repo}/blob/{rev}/{s["rfilename"]}">{s["rfilename"]}</a></li>'
            for s in self.models[repo].get("siblings") or []
        )
        return self._html(f"{repo} at {rev}", f"<ul>{files}</ul>")


def _sort_value(info: dict[str, Any], sort: str) -> float:
    if sort in ("createdAt", "lastModified", "created_at", "last_modified"):
        key = "createdAt" if sort.startswith("created") else "lastModified"
        value = info.get(key) or "1970-01-01T00:00:00.000Z"
        return time.mktime(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S"))
    if sort in ("trendingScore", "trending_score"):
        return _trending(info)
    return float(info.get(sort) or 0)


def _trending(info: dict[str, Any]) -> int:
    return int((info.get("likes") or 0) ** 0.5)
