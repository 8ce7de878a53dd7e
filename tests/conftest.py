"""Shared fixtures: local fake services, the crawl helper, and the network guard.

The guard (tests/netguard): any test that resolves or connects to a host that is
not the loopback fails, and so does any test whose child processes (crawls,
scrapyd, anything started with this session's environment) do.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

from tests.netguard import guard  # the standard library only

# First of all, the guard: libraries keep the socket functions they see at import
# (Twisted's resolver does), so it must patch them before anything else is imported.
# Child processes inherit the rest: the guard's sitecustomize and where to report.
guard.install()
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="motcrawl-tests-"))
os.environ[guard.LOG_ENV] = str(_SESSION_DIR / "netguard.log")
_GUARD_SITE = Path(guard.__file__).with_name("site")
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(_GUARD_SITE), *filter(None, [os.environ.get("PYTHONPATH")])])
# Before anything imports huggingface_hub (it reads these once): no stored token,
# no cache of the machine's, and no telemetry (huggingface_hub 2.x fetches
# https://huggingface.co/api/agent-harnesses for its User-Agent, whatever endpoint
# the client was given: the guard caught it).
for _name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "GITHUB_TOKEN", "GH_TOKEN",
              "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
    os.environ.pop(_name, None)
os.environ["HF_HOME"] = str(_SESSION_DIR / "hf")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

import pytest  # noqa: E402

from tests import crawl_support  # noqa: E402
from tests.crawl_support import PROJECT_ROOT, run_scrapy  # noqa: E402
from tests.fakes.hub import FakeHub  # noqa: E402
from tests.fakes.mot_api import FakeMOTApi  # noqa: E402


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


# -- the network guard ---------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    guard.clear()
    # In-process crawls need the asyncio reactor, installed before anything imports one.
    crawl_support.install_reactor()


def pytest_unconfigure(config: pytest.Config) -> None:
    crawl_support.stop_reactor()
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


def _no_outside_host() -> Generator[None, object, object]:
    """Around each phase of a test: fail it when the guard refused anything meanwhile
    (in this process or a child), even if the code under test swallowed the error."""
    guard.clear()
    try:
        result = yield
    except BaseException:
        _fail_if_refused(also_failed=True)
        raise
    _fail_if_refused(also_failed=False)
    return result


def _fail_if_refused(also_failed: bool) -> None:
    refused = guard.refusals()
    guard.clear()
    if refused:
        # While another failure propagates, keep its traceback in the report (chained).
        pytest.fail("network guard: this test (or a process it started) tried to reach a "
                    "host that is not the loopback:\n  " + "\n  ".join(refused),
                    pytrace=also_failed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _no_outside_host())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _no_outside_host())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item,
                            nextitem: pytest.Item | None) -> Generator[None, object, object]:
    return (yield from _no_outside_host())


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def project_egg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The egg scrapyd-client builds from this checkout, built once per session (read-only:
    test_egg opens it, test_scrapyd uploads it)."""
    from tests.deploy_helpers import build_egg

    return build_egg(tmp_path_factory.mktemp("egg"))


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
    """tests/crawl_support.run_scrapy (``python -m scrapy ARGS`` in a child process)."""
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
