"""Try motcrawl end to end, offline: the tests' fake Hub, GitHub and MOT API on 127.0.0.1.

    python scripts/try_offline.py                 # writes ./try-offline/
    python scripts/try_offline.py --out /tmp/try  # elsewhere

Starts the fakes (tests/fakes: recorded real Hub answers, a small MOT catalog), runs
``scrapy crawl missing`` (gap report + 5 drafts) and ``scrapy crawl model`` (one model)
against them, then prints where everything is, the top of the report, a draft header
and ``motcrawl runstatus``. No network, no token: nothing leaves this machine.
Run it from the repository root, with the virtualenv's Python.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.hub import FakeHub  # noqa: E402
from tests.fakes.mot_api import FakeMOTApi  # noqa: E402

# A small MOT catalog: these Hub models are "already in MOT", the rest are missing.
CATALOG = [
    {"release": {"name": name, "producer": producer, "huggingface": f"https://huggingface.co/{hf}",
                 "license": {"distribution": {"name": "Apache-2.0", "path": ""}},
                 "components": []}}
    for name, producer, hf in [
        ("OLMo-7B", "AI2", "allenai/OLMo-7B"),
        ("Pythia-160M", "EleutherAI", "EleutherAI/pythia-160m"),
        ("BLOOM", "BigScience", "bigscience/bloom"),
    ]
]
SECRETS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN")


def scrapy(args: list[str], env: dict[str, str]) -> int:
    print(f"\n$ scrapy {' '.join(args)}", flush=True)
    done = subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    summary = [line.split("INFO: ", 1)[1] for line in done.stderr.splitlines()
               if "[motcrawl.components.extensions] INFO:" in line and "progress" not in line]
    print("\n".join(f"  {line}" for line in summary) or done.stderr[-2000:])
    print(f"  exit code {done.returncode}")
    return done.returncode


def head(path: Path, lines: int) -> str:
    text = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(text[:lines])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="try-offline", help="output folder (default: %(default)s)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    with FakeHub(enforce=False) as hub, FakeGitHub() as github, FakeMOTApi(CATALOG) as mot, \
            tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in SECRETS}
        env.update(HF_ENDPOINT=hub.url, GITHUB_API_URL=github.api_url,
                   GITHUB_URL=github.web_url, MOT_API_URL=f"{mot.url}/api/v1",
                   MOT_MODELS_DIR="", MOTCRAWL_STATE_DIR=str(out / ".state"),
                   PYTHONPATH=str(ROOT), HOME=home, HF_HOME=str(Path(home) / "hf"),
                   HF_HUB_DISABLE_IMPLICIT_TOKEN="1")
        print(f"fake Hub {hub.url}, fake GitHub {github.api_url}, fake MOT API {mot.url}")
        missing = scrapy(["crawl", "missing", "-a", "min_downloads=0", "-a", "max_drafts=5",
                          "-a", f"output_dir={out / 'drafts'}",
                          "-a", f"report={out / 'missing.md'}",
                          "-O", str(out / "missing.jsonl")], env)
        model = scrapy(["crawl", "model", "-a", "model_id=allenai/OLMo-7B-hf",
                        "-a", f"output_dir={out / 'one'}", "-O", str(out / "one.jsonl")], env)

    print(f"\nEverything is in {out}:")
    for path in sorted(p for p in out.rglob("*") if p.is_file() and ".state" not in p.parts):
        print(f"  {path.relative_to(out)}")
    report = out / "missing.md"
    if report.exists():
        print(f"\n--- {report} (top) ---\n{head(report, 40)}\n...")
    drafts = sorted((out / "one").glob("*.yml"))
    if drafts:
        header = [line for line in head(drafts[0], 60).splitlines() if line.startswith("#")]
        print(f"\n--- {drafts[0]} (header) ---\n" + "\n".join(header))
    status = subprocess.run(
        [sys.executable, "-m", "scrapy", "runstatus", str(out / "last-run.json")],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(f"\n$ motcrawl runstatus {out / 'last-run.json'}\n  "
          + (status.stdout + status.stderr).strip())
    return missing or model


if __name__ == "__main__":
    sys.exit(main())
