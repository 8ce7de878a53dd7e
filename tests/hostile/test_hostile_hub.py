"""A crawl against a hostile Hub: each fault costs only its own model, the rest are drafted.

One crawl (module scope) drafts the healthy cassette models beside every
hostile model of tests/fakes/hostile.py; each test then checks one model's
outcome. DOWNLOAD_TIMEOUT=1 and RETRY_TIMES=1 keep the slow model short.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.crawl_support import run_crawl
from tests.fakes.hostile import FAILING, HOSTILE_MODELS, RECOVERABLE, CardServer, HostileHub
from tests.hostile.conftest import drafts_of, failures_of

TOKEN = "hf_HostileTestToken0123456789"
HEALTHY = ("allenai/OLMo-7B-hf", "EleutherAI/pythia-160m")

# model -> (stage, start of the recorded reason)
EXPECTED_FAILURES = {
    "hostile/truncated-json": ("info", "invalid info JSON: Unterminated string"),
    "hostile/invalid-json": ("info", "invalid info JSON: Expecting property name"),
    "hostile/html-info": ("info", "invalid info JSON: Expecting value"),
    "hostile/bad-utf8-info": ("info", "invalid info JSON: 'utf-8' codec can't decode"),
    "hostile/server-error": ("info", "HTTP 500"),
    "hostile/huge-card": ("card", "DownloadCancelledError: Expected to receive 52428800 bytes"),
    "hostile/slow-card": ("card", "DownloadTimeoutError: Getting "),
    "hostile/redirect-loop": ("card", "IgnoreRequest: max redirections reached"),
}
assert set(EXPECTED_FAILURES) == set(FAILING)


class Crawl:
    def __init__(self, proc: subprocess.CompletedProcess[str], out: Path, hub: HostileHub,
                 offsite: CardServer) -> None:
        self.proc, self.out, self.hub, self.offsite = proc, out, hub, offsite
        self.failures = failures_of(out / "failures.jsonl")
        self.drafts = drafts_of(out)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    out = tmp_path_factory.mktemp("hostile") / "drafts"
    with CardServer() as offsite, HostileHub(offsite=offsite, slow=4.0, enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=" + ",".join(HOSTILE_MODELS + HEALTHY),
                          "-a", f"output_dir={out}", "-s", "DOWNLOAD_TIMEOUT=1",
                          "-s", "RETRY_TIMES=1"], env={"HF_ENDPOINT": hub.url, "HF_TOKEN": TOKEN})
        yield Crawl(proc, out, hub, offsite)


def test_crawl_finishes_with_exit_code_0(crawl: Crawl) -> None:
    assert crawl.proc.returncode == 0, crawl.proc.stderr[-3000:]
    assert "Traceback" not in crawl.proc.stderr
    assert "Spider closed (finished)" in crawl.proc.stderr


@pytest.mark.parametrize("model_id", HEALTHY)
def test_healthy_models_are_drafted(crawl: Crawl, model_id: str) -> None:
    assert model_id in crawl.drafts
    assert model_id not in crawl.failures


@pytest.mark.parametrize("model_id", sorted(EXPECTED_FAILURES))
def test_fault_is_recorded_for_its_model(crawl: Crawl, model_id: str) -> None:
    stage, reason = EXPECTED_FAILURES[model_id]
    assert model_id in crawl.failures, sorted(crawl.failures)
    assert crawl.failures[model_id]["stage"] == stage
    assert crawl.failures[model_id]["reason"].startswith(reason)
    assert model_id not in crawl.drafts


@pytest.mark.parametrize("model_id", RECOVERABLE)
def test_recoverable_fault_still_gives_a_draft(crawl: Crawl, model_id: str) -> None:
    assert model_id in crawl.drafts, crawl.failures.get(model_id)
    assert model_id not in crawl.failures


def test_gated_card_is_drafted_from_the_api_card_data(crawl: Crawl) -> None:
    doc = yaml.safe_load(crawl.drafts["hostile/gated-card"].read_text(encoding="utf-8"))
    assert doc["release"]["license"]["distribution"]["name"] == "Apache-2.0"


def test_nothing_is_lost(crawl: Crawl) -> None:
    """Every requested model is a draft or a failure line, never neither or both."""
    wanted = set(HOSTILE_MODELS + HEALTHY)
    assert set(crawl.drafts) | set(crawl.failures) == wanted
    assert not set(crawl.drafts) & set(crawl.failures)


def test_token_does_not_follow_a_redirect_to_another_host(crawl: Crawl) -> None:
    assert [r.path for r in crawl.offsite.requests] == ["/cards/README.md"]
    assert crawl.offsite.requests[0].header("authorization") is None
    # ...while the Hub itself did get it (so the test can fail).
    hub_auth = {r.header("authorization") for r in crawl.hub.requests}
    assert hub_auth == {f"Bearer {TOKEN}"}


def test_token_is_in_no_log_and_no_file(crawl: Crawl) -> None:
    assert TOKEN not in crawl.proc.stdout + crawl.proc.stderr
    for path in crawl.out.rglob("*"):
        assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


def test_summary_names_counts_reasons_and_the_failures_file(crawl: Crawl) -> None:
    err = crawl.proc.stderr
    drafted = len(RECOVERABLE) + len(HEALTHY)
    assert (f"motcrawl summary (finished): drafted {drafted} (new {drafted}, overwritten 0), "
            f"kept existing 0, skipped (known to MOT) 0, failed {len(FAILING)}") in err
    assert "failed x1: card: IgnoreRequest: max redirections reached" in err
    assert f"failures recorded in {crawl.out / 'failures.jsonl'}" in err


def test_500_on_every_third_request_is_absorbed_by_retries(tmp_path: Path) -> None:
    names = {f"healthy/model-{i}": None for i in range(6)}
    with HostileHub(hostile=False, error_every=3, names=names, enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=" + ",".join([*names, *HEALTHY]),
                          "-a", f"output_dir={tmp_path}", "-s", "RETRY_TIMES=8"],
                         env={"HF_ENDPOINT": hub.url})
        sent_500 = hub.errors_sent
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sent_500 >= 3
    assert set(drafts_of(tmp_path)) == {*names, *HEALTHY}
    assert failures_of(tmp_path / "failures.jsonl") == {}
    assert "'retry/reason_count/500 Internal Server Error'" in proc.stderr


def test_a_model_failing_every_time_is_recorded_after_retries(tmp_path: Path) -> None:
    with HostileHub(hostile=True, error_every=0, enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=hostile/server-error,allenai/OLMo-7B-hf",
                          "-a", f"output_dir={tmp_path}", "-s", "RETRY_TIMES=2"],
                         env={"HF_ENDPOINT": hub.url})
        attempts = [r for r in hub.requests if r.path == "/api/models/hostile/server-error"]
    assert proc.returncode == 0
    assert len(attempts) == 3
    assert failures_of(tmp_path / "failures.jsonl")["hostile/server-error"]["reason"] == "HTTP 500"
    assert set(drafts_of(tmp_path)) == {"allenai/OLMo-7B-hf"}
