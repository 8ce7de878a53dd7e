"""`scrapy crawl audit` over MOT's real catalog against the local fake Hub: figures and report.

The fake Hub answers for every repository the catalog names: the recorded real Hub
answers (tests/fixtures/cassettes) where the tests have them, a plain repository
(README, config.json, model.safetensors) for every other id, and the four CodeT5+
sizes the real Hub has beside codet5p-16b. Prints the requests per entry with a Hub
URL (budget 2.2) and the findings per kind; writes the report and the feed.

    PYTHONPATH=. python benchmarks/audit_mot.py [--models ../shared/mot/models] [--out /tmp]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcrawl.audit.entries import read_dir  # noqa: E402
from motcrawl.audit.findings import KINDS  # noqa: E402
from tests.fakes.hub import FakeHub  # noqa: E402

DEAD = "http://127.0.0.1:9"
SHARED = next((p / "shared" / "mot" / "models" for p in ROOT.parents[:2]
               if (p / "shared" / "mot" / "models").is_dir()), ROOT.parent / "shared" / "mot")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=SHARED)
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args()
    if not args.models.is_dir():
        print(f"error: catalog folder {args.models} does not exist", file=sys.stderr)
        return 2
    report, feed = args.out / "audit-mot.md", args.out / "audit-mot.jsonl"
    entries = [e for e in read_dir(args.models) if e.model_id]
    with FakeHub() as hub:
        for model_id in sorted({str(e.model_id) for e in entries}):
            if model_id not in hub.models and model_id != "nobody/does-not-exist":
                hub.add_model(model_id, readme=f"# {model_id}\n")
        for size in ("220m", "770m", "2b", "6b"):
            hub.add_model(f"Salesforce/codet5p-{size}", readme="# CodeT5+\n")
        env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "MOT_MODELS_DIR")}
        env.update(HF_ENDPOINT=hub.url, MOT_API_URL=DEAD, GITHUB_API_URL=DEAD, GITHUB_URL=DEAD,
                   PYTHONPATH=str(ROOT), HF_TOKEN_PATH=str(args.out / "no-token"))
        run = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"models_dir={args.models}",
             "-a", f"report={report.resolve()}", "-O", str(feed.resolve())],
            cwd=ROOT, env=env, capture_output=True, text=True)
        requests = len(hub.requests)
    if run.returncode != 0:
        print(run.stderr[-2000:], file=sys.stderr)
        return 1
    kinds = Counter(json.loads(line)["kind"] for line in feed.read_text().splitlines())
    print(f"catalog {args.models}: {len(entries)} entries with a Hub URL, "
          f"{len({str(e.model_id).lower() for e in entries})} distinct ids")
    print(f"Hub requests: {requests} ({requests / len(entries):.2f} per entry; budget 2.2)")
    for kind in KINDS:
        print(f"  {kind:<22} {kinds.get(kind, 0):>4}")
    print(f"report: {report}  feed: {feed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
