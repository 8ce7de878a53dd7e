"""How close does a rate-limited crawl get to what the quotas allow? (A benchmark, not a test.)

Runs ``scrapy crawl model -a ids_file=...`` for N generated models against the
fake Hub (tests/fakes/hub.py) enforcing the Hub's quotas with a shortened window
and a fixed latency per request, then prints:

- wall time: the whole ``scrapy crawl`` process, start-up included; and the
  crawl span: first request to last answer, as the fake saw them;
- the lower bound implied by the quotas and the latency (below);
- their ratio (goal: at most 1.25), the 429 count (goal: under 1 % of
  requests) and the lost models (must be 0: every model has a draft file or a
  line in failures.jsonl).

Lower bound. With n_b requests needed in bucket b (answers that were neither
a 429 nor an injected 503), quota q_b per window w, latency L and at most C
requests in flight per host (CONCURRENT_REQUESTS_PER_DOMAIN):

    k_b    = ceil(n_b / q_b)                windows bucket b needs
    m_b    = n_b - (k_b - 1) * q_b          its requests in the last window
    quota  = max_b (k_b - 1) * w + ceil(m_b * rho_b / C) * L
    speed  = ceil(n / C) * L                every request takes L, C at a time
    bound  = max(quota, speed)

The windows before the last are spent waiting whatever we do (the fake's window
starts with the first request). In the last window the m_b requests still have
to run, and each one's model still needs its other requests after it (rho_b =
n / n_b requests per request of b: for the api bucket, the card that follows
each info), at C in flight and L each. Start-up and item processing are not
in the bound, so the wall-time ratio also shows what they cost.

With ``--spider missing`` the crawl is ``scrapy crawl missing`` instead: an
empty catalog folder, the fake Hub's listing (every model above the threshold),
and ``max_drafts`` = the number of models; the listing's own requests count in
the api bucket like any other. Its defaults are the shrunk quotas of issue 15:
300 drafts, api 20 and resolvers 100 per 10 s window.

    python benchmarks/ratelimit_bench.py                 # anonymous, 800 models
    python benchmarks/ratelimit_bench.py --token --models 1500
    python benchmarks/ratelimit_bench.py --fail-ratio 0.05
    python benchmarks/ratelimit_bench.py --spider missing
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcrawl import settings as project_settings  # noqa: E402
from tests.fakes.hub import (  # noqa: E402
    DEFAULT_QUOTAS,
    DEFAULT_TOKEN_QUOTAS,
    FakeHub,
    RecordedRequest,
    Response,
)

BENCH_TOKEN = "hf_benchmarkTokenNotReal0000000000"


class TimedHub(FakeHub):
    """FakeHub that also notes when it saw the first request and sent the last answer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first: float | None = None
        self.last: float | None = None
        self.needed: Counter[str] = Counter()  # answers that were neither 429 nor 503
        self._tlock = threading.Lock()

    def handle(self, request: RecordedRequest) -> Response:
        with self._tlock:
            if self.first is None:
                self.first = time.monotonic()
        response = super().handle(request)
        bucket = self.bucket_of(request.path)
        with self._tlock:
            self.last = time.monotonic()
            if bucket and response.status not in (429, 503):
                self.needed[bucket] += 1
        return response


def lower_bound(needed: dict[str, int], quotas: dict[str, int], window: float,
                latency: float, concurrency: int) -> tuple[float, str]:
    total = sum(needed.values())
    speed = math.ceil(total / concurrency) * latency
    best, why = speed, f"latency: ceil({total}/{concurrency}) x {latency}"
    for bucket, n in needed.items():
        if not n:
            continue
        k = math.ceil(n / quotas[bucket])
        m = n - (k - 1) * quotas[bucket]
        rho = total / n
        quota = (k - 1) * window + math.ceil(m * rho / concurrency) * latency
        if quota > best:
            best = quota
            why = (f"{bucket}: ({k}-1) x {window:g} s + ceil({m} x {rho:.2f}/{concurrency}) "
                   f"x {latency}")
    return best, why


def accounted_ids(out: Path, failures: Path) -> set[str]:
    ids: set[str] = set()
    for path in out.glob("*.yml"):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# model-id:"):
                    ids.add(line.split(":", 1)[1].strip())
                    break
                if not line.startswith("#"):
                    break
    if failures.exists():
        for line in failures.read_text(encoding="utf-8").splitlines():
            if line.strip():
                ids.add(json.loads(line)["model_id"])
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spider", choices=("model", "missing"), default="model")
    parser.add_argument("--models", type=int, help="default: 800 (model), 300 (missing)")
    parser.add_argument("--window", type=float, help="default: 30 s (model), 10 s (missing)")
    parser.add_argument("--quota", action="append", default=[], metavar="BUCKET=N",
                        help="anonymous quota of a bucket (repeatable); missing: api=20, "
                             "resolvers=100 unless given")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--token", action="store_true", help="send a token: token quotas")
    parser.add_argument("--fail-ratio", type=float, default=0.0, help="share of 503 answers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="keep the crawl's log here")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for the crawl (repeatable)")
    args = parser.parse_args()
    missing = args.spider == "missing"
    if args.models is None:
        args.models = 300 if missing else 800
    if args.window is None:
        args.window = 10.0 if missing else 30.0
    shrunk = {"api": 20, "resolvers": 100} if missing else {}
    for text in args.quota:
        bucket, _, value = text.partition("=")
        shrunk[bucket.strip()] = int(value)

    hub = TimedHub(generated=args.models, seed=args.seed, window=int(args.window),
                   latency=args.latency, fail_ratio=args.fail_ratio,
                   quotas=shrunk, token_quotas=shrunk)
    ids = sorted(hub.readmes)[: args.models]  # the generated models
    quotas = {**(DEFAULT_TOKEN_QUOTAS if args.token else DEFAULT_QUOTAS), **shrunk}
    concurrency = project_settings.CONCURRENT_REQUESTS_PER_DOMAIN
    with tempfile.TemporaryDirectory() as tmp, hub:
        work = Path(tmp)
        (work / "ids.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "GITHUB_TOKEN")}
        env.update(HF_ENDPOINT=hub.url, GITHUB_API_URL="http://127.0.0.1:9",
                   MOTCRAWL_STATE_DIR=str(work / "state"),  # a first run, every time
                   GITHUB_URL="http://127.0.0.1:9", MOT_API_URL="http://127.0.0.1:9",
                   PYTHONPATH=str(ROOT), HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
                   HF_TOKEN_PATH=str(work / "no-token"))
        if args.token:
            env["HF_TOKEN"] = BENCH_TOKEN
        if missing:
            # Only the generated models: the cassettes' models are in the catalog folder
            # (known to MOT: listed, no request), so exactly ``models`` drafts are made.
            catalog = work / "catalog"
            catalog.mkdir()
            for number, model_id in enumerate(sorted(set(hub.models) - set(ids))):
                (catalog / f"known-{number}.yml").write_text(
                    f"release:\n  name: known {number}\n  huggingface: "
                    f"https://huggingface.co/{model_id}\n", encoding="utf-8")
            spider = ["missing", "-a", f"models_dir={catalog}", "-a", "min_downloads=0",
                      "-a", f"max_drafts={args.models}", "-a", f"report={work / 'missing.md'}"]
        else:
            spider = ["model", "-a", f"ids_file={work / 'ids.txt'}"]
        cmd = [str(Path(sys.executable).with_name("scrapy")), "crawl", *spider,
               "-a", f"output_dir={work / 'drafts'}",
               "-s", "MOTCRAWL_PROGRESS_INTERVAL=10", "-s", "LOG_LEVEL=INFO",
               # no fake GitHub here; dataset lookups (Hub api bucket) stay on
               "-s", "GITHUB_LOOKUPS=false"]
        for extra in args.set:
            cmd += ["-s", extra]
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        if args.log:
            Path(args.log).write_text(proc.stderr, encoding="utf-8")
        found = accounted_ids(work / "drafts", work / "drafts" / "failures.jsonl")
        failed = 0
        failures = work / "drafts" / "failures.jsonl"
        if failures.exists():
            failed = sum(1 for line in failures.read_text().splitlines() if line.strip())

    if proc.returncode not in (0, 1):
        print(proc.stderr[-3000:])
        print(f"crawl exited with {proc.returncode}")
        return 1
    statuses = hub.status_counts
    total_requests = sum(statuses.values())
    refused = statuses.get(429, 0)
    needed = dict(hub.needed)
    bound, why = lower_bound(needed, quotas, args.window, args.latency, concurrency)
    span = (hub.last or 0) - (hub.first or 0)
    lost = sorted(set(ids) - found)
    mode = "token" if args.token else "anonymous"
    print(f"run: scrapy crawl {args.spider}, {args.models} models, {mode} quotas {quotas}, "
          f"window {args.window:g} s, "
          f"latency {args.latency * 1000:.0f} ms, injected 503 ratio {args.fail_ratio:g}, "
          f"C={concurrency}")
    print(f"requests: {total_requests} (by bucket {dict(hub.bucket_counts)}; needed {needed}); "
          f"answers {dict(sorted(statuses.items()))}")
    print(f"wall time: {wall:.1f} s (scrapy process); crawl span: {span:.1f} s "
          f"(first request to last answer); crawl process CPU {cpu:.1f} s")
    print(f"lower bound: {bound:.1f} s  [{why}]")
    print(f"ratio: span/bound {span / bound:.2f}, wall/bound {wall / bound:.2f} (goal <= 1.25)")
    print(f"429s: {refused} = {100 * refused / max(1, total_requests):.2f} % of requests "
          f"(goal < 1 %)")
    print(f"models: {len(ids)}, drafted or failed {len(found & set(ids))}, failed {failed}, "
          f"lost {len(lost)}{' ' + ', '.join(lost[:5]) if lost else ''} (must be 0)")
    summary = [ln.split("INFO: ", 1)[1] for ln in proc.stderr.splitlines()
               if "[motcrawl.components.extensions] INFO:" in ln and "progress" not in ln]
    print("crawl summary:\n  " + "\n  ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
