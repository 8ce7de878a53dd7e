"""Bad input before the first model: hostile catalog files, an empty MOT catalog, a listing
or catalog page the parser chokes on, a misspelt argument."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
import yaml

from tests.crawl_support import run_crawl_subprocess
from tests.fakes.hub import FakeHub
from tests.fakes.mot_api import FakeMOTApi
from tests.fakes.server import Response
from tests.faults.support import crawl_env, run

DEAD = "http://127.0.0.1:9"  # nothing listens
NESTED_JSON = "[" * 50_000 + "]" * 50_000  # json.loads raises RecursionError, not ValueError


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The billion-laughs YAML: a few hundred bytes that alias their way to 9**9 strings."""
    text = "a0: &a0 [" + ", ".join(['"lol"'] * width) + "]\n"
    for level in range(1, levels):
        text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]\n"
    return text + f"release: {{name: *a{levels - 1}, huggingface: *a{levels - 1}}}\n"


def _limit_memory() -> None:
    # The unfixed loader expands the bomb into gigabytes: cap it so the machine survives.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def _catalog(folder: Path) -> Path:
    folder.mkdir()
    (folder / "OLMo-7B.yml").write_text(yaml.safe_dump({"release": {
        "name": "OLMo-7B", "huggingface": "https://huggingface.co/allenai/OLMo-7B-hf"}}))
    return folder


def test_alias_bomb_and_huge_file_are_refused_and_the_crawl_goes_on(tmp_path: Path) -> None:
    models = _catalog(tmp_path / "models")
    bomb = alias_bomb()
    assert len(bomb) < 600
    (models / "bomb.yml").write_text(bomb)
    (models / "huge.yml").write_text("release:\n  name: huge\n  notes: '" + "x" * (2 << 20)
                                     + "'\n")
    report = tmp_path / "missing.md"
    with FakeHub(enforce=False) as hub:
        started = time.monotonic()
        code, log = run(["missing", "-a", f"models_dir={models}", "-a", "min_downloads=0",
                         "-a", "max_drafts=0", "-a", f"report={report}",
                         "-a", f"output_dir={tmp_path / 'drafts'}"],
                        crawl_env(tmp_path, hub=hub.url), tmp_path / "log", timeout=90,
                        preexec=_limit_memory)
        elapsed = time.monotonic() - started
        listed = [r for r in hub.requests if r.path == "/api/models"]
    assert code == 0, log[-3000:]
    assert elapsed < 60
    assert "catalog file bomb.yml: aliases expand to more than" in log
    assert "catalog file huge.yml:" in log and "not read" in log
    assert listed, "the crawl did not go on to the listing"
    text = report.read_text()
    assert "bomb.yml" in text and "huge.yml" in text
    assert "| catalog entries | 3 (1 distinct Hub models) |" in text


def test_empty_mot_catalog_is_a_failed_catalog(tmp_path: Path) -> None:
    with FakeHub(enforce=False) as hub, FakeMOTApi([]) as mot:
        env = crawl_env(tmp_path, hub=hub.url, mot=f"{mot.url}/api/v1")
        args = ["missing", "-a", "min_downloads=0", "-a", "max_drafts=0",
                "-a", f"output_dir={tmp_path / 'drafts'}", "-a", f"report={tmp_path / 'r.md'}"]
        code, log = run(args, env, tmp_path / "log1")
        assert code == 1, log[-3000:]
        assert "MOT catalog unavailable, stopping before the listing (mot_api_empty" in log
        assert "Traceback" not in log
        assert hub.requests == []
        assert not (tmp_path / "r.md").exists()
        assert "did not finish normally" in (tmp_path / "r.partial.md").read_text()

        code, log = run([*args, "-a", "allow_empty_catalog=true"], env, tmp_path / "log2")
        assert code == 0, log[-3000:]
        assert [r for r in hub.requests if r.path == "/api/models"]


@pytest.mark.parametrize(("spider", "args", "before"), [
    ("model", ["-a", "model_id=allenai/OLMo-7B-hf"], "the first model"),
    ("missing", ["-a", "min_downloads=0", "-a", "max_drafts=0"], "the listing"),
])
def test_empty_or_missing_models_folder_is_a_failed_catalog(tmp_path: Path, spider: str,
                                                            args: list[str],
                                                            before: str) -> None:
    """A models folder with no model file is a failed catalog, as an empty MOT API answer
    is: one line, exit 1, nothing asked of the Hub; a folder that does not exist is bad
    input (exit 2). ``-a allow_empty_catalog=true`` takes the empty folder as given."""
    empty = (tmp_path / "models").resolve()
    empty.mkdir()
    (empty / "README.md").write_text("not a model file\n")
    absent = tmp_path.resolve() / "no-such-folder"
    out = ["-a", f"output_dir={tmp_path / 'drafts'}"]
    with FakeHub(enforce=False) as hub:
        env = {"HF_ENDPOINT": hub.url, "GITHUB_API_URL": DEAD, "GITHUB_URL": DEAD,
               "MOT_API_URL": DEAD}
        proc = run_crawl_subprocess([spider, *args, *out, "-a", f"models_dir={empty}"],
                                    env=env)
        assert proc.returncode == 1, proc.stderr[-3000:]
        errors = [line for line in proc.stderr.splitlines() if " ERROR: " in line]
        assert errors == [errors[0]] and errors[0].endswith(
            f"MOT catalog unavailable, stopping before {before} (catalog_empty: {empty} holds "
            "no model file; -a allow_empty_catalog=true if that is right)")
        assert "Traceback" not in proc.stderr
        assert hub.requests == []

        proc = run_crawl_subprocess([spider, *args, *out, "-a", f"models_dir={absent}"],
                                    env=env)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"error: models_dir {absent} does not exist"
        assert hub.requests == []

        proc = run_crawl_subprocess([spider, *args, *out, "-a", f"models_dir={empty}",
                                     "-a", "allow_empty_catalog=true"], env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert hub.requests


def test_listing_page_that_breaks_the_parser_fails_the_job(tmp_path: Path) -> None:
    def nested_listing(request):
        if request.path == "/api/models":
            return Response.text(NESTED_JSON, content_type="application/json")
        return None

    with FakeHub(enforce=False, fault=nested_listing) as hub:
        report = tmp_path / "r.md"
        code, log = run(["missing", "-a", f"models_dir={_catalog(tmp_path / 'models')}",
                         "-a", "min_downloads=0", "-a", f"report={report}",
                         "-a", f"output_dir={tmp_path / 'drafts'}"],
                        crawl_env(tmp_path, hub=hub.url), tmp_path / "log")
    assert code == 1, log[-3000:]
    assert "failed (internal error: RecursionError" in log
    assert "listing stops after 0 models" in log
    assert "Traceback" not in log
    assert "did not finish normally (listing_failed)" in (tmp_path / "r.partial.md").read_text()


def test_mot_api_page_that_breaks_the_parser_stops_the_crawl(tmp_path: Path) -> None:
    with FakeHub(enforce=False) as hub, FakeMOTApi(
            [], fault=lambda r: Response.text(NESTED_JSON, content_type="application/json")
    ) as mot:
        code, log = run(["missing", "-a", "min_downloads=0",
                         "-a", f"output_dir={tmp_path / 'drafts'}"],
                        crawl_env(tmp_path, hub=hub.url, mot=f"{mot.url}/api/v1"),
                        tmp_path / "log")
        assert hub.requests == []
    assert code == 1, log[-3000:]
    assert "MOT catalog unavailable, stopping before the listing (mot_api_failed" in log
    assert "Traceback" not in log


def test_misspelt_argument_exits_2_with_one_line(tmp_path: Path) -> None:
    env = crawl_env(tmp_path)
    code, log = run(["missing", "-a", "min_download=5"], env, tmp_path / "log1")
    assert code == 2
    assert log.strip() == ("error: unknown argument 'min_download' "
                           "(did you mean min_downloads?)")
    code, log = run(["model", "-a", "model_id=org/name", "-a", "output=x"], env,
                    tmp_path / "log2")
    assert code == 2
    assert log.strip() == "error: unknown argument 'output' (did you mean output_dir?)"


def test_audit_of_an_empty_models_folder_is_a_failed_catalog(tmp_path: Path) -> None:
    """An audit of a folder with no model file checked nothing: one line, exit 1, no report
    that reads as a clean catalog; ``-a allow_empty_catalog=true`` takes it as given."""
    empty = (tmp_path / "models").resolve()
    empty.mkdir()
    report = tmp_path / "audit.md"
    with FakeHub(enforce=False) as hub:
        env = {"HF_ENDPOINT": hub.url, "GITHUB_API_URL": DEAD, "GITHUB_URL": DEAD,
               "MOT_API_URL": DEAD}
        args = ["audit", "-a", f"models_dir={empty}", "-a", f"report={report}"]
        proc = run_crawl_subprocess(args, env=env)
        assert proc.returncode == 1, proc.stderr[-3000:]
        errors = [line for line in proc.stderr.splitlines() if " ERROR: " in line]
        assert errors == [errors[0]] and errors[0].endswith(
            f"MOT catalog empty, nothing audited (catalog_empty: {empty} holds no model "
            "entry; -a allow_empty_catalog=true if that is right)")
        assert "Traceback" not in proc.stderr
        assert hub.requests == []

        proc = run_crawl_subprocess([*args, "-a", "allow_empty_catalog=true"], env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
