"""Request budget and memory of `scrapy crawl missing`, against the local fakes.

Prints, for a crawl of a few thousand generated models (+ the real MOT catalog
when ../shared/mot is present):
- requests per rate-limit bucket, and per drafted model, next to the old
  tools-py approach (one info, one tree and one /raw/ card request per model,
  through a listing paged with `skip`, which repeats its first page) measured
  against the same fake;
- listing requests against the budget ceil(listed / 100) + 1;
- the crawl subprocess's peak RSS (VmHWM) with max_drafts=0 for 2,000 and 20,000 listed
  models, with and without the incremental state (flat memory: the listing is streamed,
  never held, and the state stays on disk).

    PYTHONPATH=. python benchmarks/missing_budget.py [--generated 3000] [--drafts 40]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcrawl.web.hf import model_id_or_none  # noqa: E402
from tests.fakes.hub import FakeHub  # noqa: E402
from tests.fakes.mot_api import FakeMOTApi  # noqa: E402

SHARED_MODELS = next((p / "shared" / "mot" / "models" for p in ROOT.parents[:2]
                      if (p / "shared" / "mot" / "models").is_dir()), None)


def catalog_ids(models_dir: Path) -> list[str]:
    ids = []
    for path in sorted(models_dir.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        model_id = model_id_or_none((data or {}).get("release", {}).get("huggingface")
                                    if isinstance(data, dict) else None)
        if model_id:
            ids.append(model_id)
    return sorted(set(ids))


def add_listed(hub: FakeHub, model_id: str, downloads: int) -> None:
    """A catalogued model as the Hub would list it (copied shape of a generated one)."""
    template = next(iter(hub.readmes))
    info = dict(hub.models[template], id=model_id, _id=f"{abs(hash(model_id)):024x}"[:24],
                author=model_id.split("/")[0], downloads=downloads)
    hub.models[model_id] = info
    hub.readmes[model_id] = hub.readmes[template]


def run_crawl(hub: FakeHub, mot: FakeMOTApi | None, workdir: Path, *args: str
              ) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak RSS in KiB of the crawl process, stderr)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_TOKEN", "GITHUB_TOKEN", "MOT_MODELS_DIR")}
    env.update(HF_ENDPOINT=hub.url, PYTHONPATH=str(ROOT), HOME=str(workdir),
               HF_HOME=str(workdir / "hf"), MOTCRAWL_LOG_LEVEL="WARNING",
               MOT_API_URL=f"{mot.url}/api/v1" if mot else "http://127.0.0.1:9/api/v1")
    # GitHub lookups off: this measures the Hub's buckets, and a benchmark reaches no
    # host but 127.0.0.1 (their budget is covered by tests/test_github_crawl.py).
    argv = [sys.executable, "-m", "scrapy", "crawl", "missing", "-s", "GITHUB_LOOKUPS=False",
            "-a", f"output_dir={workdir / 'drafts'}", "-a", f"report={workdir / 'missing.md'}",
            "-O", str(workdir / "missing.jsonl"), *args]
    start = time.monotonic()
    peak = 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        while proc.poll() is None:
            peak = max(peak, vm_hwm(proc.pid))
            time.sleep(0.05)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return proc.returncode, time.monotonic() - start, peak, stderr


def vm_hwm(pid: int) -> int:
    """Peak RSS (KiB) of the process's own address space, from /proc.

    Not getrusage(RUSAGE_CHILDREN)/wait4's ru_maxrss: Linux carries the high-water
    mark of the address space a process had before exec() into it, and Python
    spawns with vfork, so that figure would be this benchmark's own peak (the fake
    Hub with 20,000 models lives here), not the crawl's.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def old_approach(hub: FakeHub, listed: int, drafted: list[str]) -> tuple[Counter[str], int]:
    """tools-py: listing paged with skip, then info + tree + /raw/ README per model."""
    before = Counter(hub.bucket_counts)
    seen: set[str] = set()
    with requests.Session() as http:
        for page in range(math.ceil(listed / 100)):
            answer = http.get(f"{hub.url}/api/models", params={
                "sort": "downloads", "direction": "-1", "limit": "100", "skip": page * 100,
                "full": "true"})
            seen.update(m["id"] for m in answer.json())
        for model_id in drafted:
            http.get(f"{hub.url}/api/models/{model_id}")
            http.get(f"{hub.url}/api/models/{model_id}/tree/main")
            http.get(f"{hub.url}/{model_id}/raw/main/README.md")
    return Counter(hub.bucket_counts) - before, len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=3000)
    parser.add_argument("--drafts", type=int, default=40)
    parser.add_argument("--min-downloads", type=int, default=1000)
    parser.add_argument("--big", type=int, default=20_000)
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="missing-budget-") as tmp:
        tmp_path = Path(tmp)
        # -- 1. budget ----------------------------------------------------------
        with FakeHub(generated=opts.generated, enforce=False) as hub:
            mot: FakeMOTApi | None = None
            ids: list[str] = []
            if SHARED_MODELS is not None:
                ids = catalog_ids(SHARED_MODELS)
                for n, model_id in enumerate(ids):
                    if model_id not in hub.models:
                        add_listed(hub, model_id, 2_000_000 + n * 1000)
                mot = FakeMOTApi.from_catalog(SHARED_MODELS).start()
            workdir = tmp_path / "budget"
            workdir.mkdir()
            code, seconds, rss, stderr = run_crawl(
                hub, mot, workdir, "-a", f"min_downloads={opts.min_downloads}",
                "-a", f"max_drafts={opts.drafts}")
            if code != 0:
                sys.exit(f"crawl failed ({code}):\n{stderr[-3000:]}")
            new = Counter(hub.bucket_counts)
            listing = sum(1 for r in hub.requests if r.path == "/api/models")
            mot_pages = len(mot.requests) if mot else 0
            items = [json.loads(line) for line in
                     (workdir / "missing.jsonl").read_text(encoding="utf-8").splitlines()]
            statuses = Counter(item["status"] == "known" for item in items)
            drafted = [item["model_id"] for item in items if item.get("draft_path")]
            if mot:
                mot.stop()

            print(f"fake Hub: {len(hub.models):,} models ({opts.generated:,} generated"
                  + (f", {len(ids)} from the real catalog)" if ids else ")")
                  + f"; catalog: {'real MOT catalog via FakeMOTApi' if mot else 'none'}")
            print(f"crawl: min_downloads={opts.min_downloads:,} max_drafts={opts.drafts}: "
                  f"listed {len(items):,}, known {statuses[True]:,}, "
                  f"missing {statuses[False]:,}, drafted {len(drafted)} in {seconds:.1f}s")
            budget = math.ceil(len(items) / 100) + 1
            print(f"listing requests: {listing} (budget ceil({len(items)}/100)+1 = {budget}: "
                  f"{'OK' if listing <= budget else 'OVER'}); MOT API pages: {mot_pages}")
            detail = Counter(new)
            detail["api"] -= listing
            per = {b: detail[b] / max(1, len(drafted)) for b in ("api", "resolvers", "pages")}
            print("new approach, requests per bucket (whole crawl): "
                  + ", ".join(f"{b} {new[b]}" for b in ("api", "resolvers", "pages")))
            print("new approach, per drafted model: "
                  + ", ".join(f"{b} {v:.2f}" for b, v in per.items())
                  + f" (total {sum(per.values()):.2f}); per known model: 0")

            hub.bucket_counts.clear()
            old, distinct = old_approach(hub, len(items), drafted)
            per_old = {b: old[b] / max(1, len(drafted)) for b in ("api", "resolvers", "pages")}
            print(f"old approach (skip paging + info/tree/raw per model): listing "
                  f"{math.ceil(len(items) / 100)} requests saw {distinct} distinct models "
                  f"of {len(items):,} (page one repeated)")
            print("old approach, requests per bucket for the same drafts: "
                  + ", ".join(f"{b} {old[b]}" for b in ("api", "resolvers", "pages")))
            old_detail = Counter(old)
            old_detail["api"] -= math.ceil(len(items) / 100)
            per_old_detail = {b: old_detail[b] / max(1, len(drafted))
                              for b in ("api", "resolvers", "pages")}
            print("old approach, per drafted model (listing excluded): "
                  + ", ".join(f"{b} {v:.2f}" for b, v in per_old_detail.items())
                  + f" (total {sum(per_old_detail.values()):.2f})")
            print("old approach, per drafted model (listing included): "
                  + ", ".join(f"{b} {v:.2f}" for b, v in per_old.items())
                  + f" (total {sum(per_old.values()):.2f})")

        # -- 2. memory: the listing is streamed -----------------------------------
        empty = tmp_path / "empty-models"
        empty.mkdir()
        # Measured with the incremental state (the default; it keeps its records on disk)
        # and without it, to show what the listing itself costs.
        runs = [(2_000, True), (opts.big, True), (2_000, False), (opts.big, False)]
        for count, incremental in runs:
            with FakeHub(generated=count, enforce=False) as hub:
                workdir = tmp_path / f"rss-{count}-{incremental}"
                workdir.mkdir()
                code, seconds, rss, stderr = run_crawl(
                    hub, None, workdir, "-a", "min_downloads=0", "-a", "max_drafts=0",
                    "-a", f"models_dir={SHARED_MODELS or empty}",
                    "-a", "allow_empty_catalog=true",  # the empty folder, when no MOT copy
                    "-s", f"MOTCRAWL_INCREMENTAL={incremental}")
                if code != 0:
                    sys.exit(f"crawl failed ({code}):\n{stderr[-3000:]}")
                listed = len((workdir / "missing.jsonl").read_text().splitlines())
                pages = sum(1 for r in hub.requests if r.path == "/api/models")
                others = len(hub.requests) - pages
                state = "incremental state on" if incremental else "MOTCRAWL_INCREMENTAL=False"
                print(f"max_drafts=0, {state}, {listed:,} listed: peak RSS {rss / 1024:.0f} MiB, "
                      f"{pages} listing requests (budget {math.ceil(listed / 100) + 1}), "
                      f"{others} other requests, {seconds:.1f}s")


if __name__ == "__main__":
    main()
