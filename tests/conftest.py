"""Shared fixtures: local fake services and a helper to run `scrapy` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _find_shared_mot() -> Path:
    """../shared/mot from the project root; also from a git worktree one level deeper."""
    if os.environ.get("MOT_SHARED_DIR"):
        return Path(os.environ["MOT_SHARED_DIR"])
    candidates = [root / "shared" / "mot" for root in PROJECT_ROOT.parents[:2]]
    return next((c for c in candidates if (c / "models").is_dir()), candidates[0])


SHARED_MOT = _find_shared_mot()
# MOT's reference data when this machine has it; tests that read it skip otherwise.
MOT: Path | None = SHARED_MOT if (SHARED_MOT / "licenses.json").is_file() else None
needs_mot = pytest.mark.skipif(MOT is None, reason="../shared/mot (MOT reference data) absent")

# Variables through which a subprocess could find real credentials or a real cache.
_SCRUBBED = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "GITHUB_TOKEN", "GH_TOKEN",
             "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME")


def run_scrapy(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m scrapy *args` isolated from the machine's tokens and caches.

    PYTHONPATH is the project root; HOME and HF_HOME point to a fresh temporary
    directory (so no stored HF token is found); HF_TOKEN, GITHUB_TOKEN and
    friends are removed unless `env` gives them. Output is captured as text.
    """
    with tempfile.TemporaryDirectory(prefix="motcrawl-home-") as home:
        full_env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        full_env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            HOME=home,
            HF_HOME=str(Path(home) / "hf"),
            PYTHONUNBUFFERED="1",
        )
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "scrapy", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_mot() -> Path:
    if not (SHARED_MOT / "models").is_dir():
        pytest.skip(f"MOT reference data not found at {SHARED_MOT} (only on the workplace machine)")
    return SHARED_MOT


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A started FakeHub replaying every cassette (cassettes are parsed once per session)."""
    with FakeHub() as hub:
        yield hub


@pytest.fixture
def fake_mot_api() -> Iterator[FakeMOTApi]:
    """A started FakeMOTApi with three small models; build your own for other data."""
    models = [
        {"release": {"name": name, "producer": producer, "huggingface": hf, "repository": repo,
                     "license": {"distribution": {"name": lic, "path": ""}}, "components": []}}
        for name, producer, hf, repo, lic in [
            ("OLMo-7B", "AI2", "https://huggingface.co/allenai/OLMo-7B",
             "https://github.com/allenai/OLMo", "Apache-2.0"),
            ("Pythia-160M", "EleutherAI", "https://huggingface.co/EleutherAI/pythia-160m",
             "https://github.com/EleutherAI/pythia", "Apache-2.0"),
            ("GPT-2", "OpenAI", "https://huggingface.co/openai-community/gpt2",
             "https://github.com/openai/gpt-2", "MIT"),
        ]
    ]
    with FakeMOTApi(models) as api:
        yield api


@pytest.fixture(name="run_scrapy")
def run_scrapy_fixture():
    """`run_scrapy` as a fixture, so tests need not import conftest."""
    return run_scrapy


@pytest.fixture(scope="session", autouse=True)
def _no_state_left_in_the_project() -> Iterator[None]:
    """Crawls started from the project root keep their incremental state in its `.scrapy/`
    (Scrapy's project data folder), one file per drafts folder: remove what the tests added."""
    folder = PROJECT_ROOT / ".scrapy" / "motcrawl-state"
    before = set(folder.glob("*")) if folder.is_dir() else set()
    yield
    for path in (set(folder.glob("*")) if folder.is_dir() else set()) - before:
        path.unlink(missing_ok=True)
