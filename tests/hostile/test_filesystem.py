"""File-system safety: hostile model names, name collisions, MOT files, unwritable output.

The release name comes from the card's ``model_name`` or title, so a stranger
chooses it: it must never steer a draft out of the output folder, onto a
reserved name, over another model's draft or over a file that is not ours.
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest
import yaml

from motcrawl.args import ArgumentError, output_dir
from motcrawl.outputs.yamlfile import HEADER_MARK, DraftStore, draft_owner
from tests.crawl_support import run_crawl, run_crawl_subprocess
from tests.fakes.hostile import HostileHub
from tests.hostile.conftest import drafts_of, failures_of

HOSTILE_NAMES = ["../../../etc/passwd", "/etc/passwd", "..", ".", "", "CON", "con.yml", "NUL",
                 "LPT1.txt", "aux", "a/../../b", "C:\\Windows\\system32", "~/.ssh/id_rsa",
                 ".hidden", "-rf", "x" * 500, "名前", "\x00", "a\nb"]


def _draft(model_id: str) -> str:
    return f"{HEADER_MARK}\n# source: https://huggingface.co/{model_id}\nrelease: {{}}\n"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_name_stays_in_the_folder(tmp_path: Path, name: str) -> None:
    store = DraftStore(tmp_path)
    result = store.write("org/model", "https://huggingface.co/org/model", name,
                         _draft("org/model"))
    assert result.status == "written"
    assert result.path.parent == tmp_path
    assert result.path.resolve().parent == tmp_path.resolve()
    file_name = result.path.name
    assert not file_name.startswith((".", "-")) and file_name.endswith(".yml")
    assert file_name.split(".")[0].lower() not in {"con", "nul", "aux", "lpt1", "prn"}
    assert [p.name for p in tmp_path.iterdir()] == [file_name]


@pytest.mark.parametrize("order", list(itertools.permutations(["b/llama", "a/llama", "c/llama"])))
def test_colliding_names_are_distinct_and_stable_across_crawls(tmp_path: Path,
                                                                order: tuple[str, ...]) -> None:
    store = DraftStore(tmp_path)
    paths = {m: store.write(m, f"https://huggingface.co/{m}", "Llama", _draft(m)).path
             for m in order}
    first, *others = order
    assert paths[first].name == "Llama.yml"
    assert {paths[m].name for m in others} == {f"Llama--{m.split('/')[0]}.yml" for m in others}
    owners = {p.name: draft_owner(p) for p in tmp_path.iterdir()}
    assert owners == {p.name: f"https://huggingface.co/{m}" for m, p in paths.items()}
    # A later crawl, in another order, finds every model's own file again.
    again = DraftStore(tmp_path, overwrite=True)
    for m in reversed(order):
        result = again.write(m, f"https://huggingface.co/{m}", "Llama", _draft(m))
        assert (result.path, result.status) == (paths[m], "overwritten")


def test_a_name_held_from_an_earlier_crawl_is_kept(tmp_path: Path) -> None:
    (tmp_path / "Llama.yml").write_text(_draft("b/llama"), encoding="utf-8")
    store = DraftStore(tmp_path, overwrite=True)
    store.write("a/llama", "https://huggingface.co/a/llama", "Llama", _draft("a/llama"))
    store.write("b/llama", "https://huggingface.co/b/llama", "Llama", _draft("b/llama"))
    assert draft_owner(tmp_path / "Llama.yml") == "https://huggingface.co/b/llama"
    assert draft_owner(tmp_path / "Llama--a.yml") == "https://huggingface.co/a/llama"


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_mot_file_is_never_overwritten(tmp_path: Path, overwrite: bool) -> None:
    mot = tmp_path / "Llama.yml"
    mot.write_text("framework:\n  name: Model Openness Framework\nrelease:\n  name: Llama\n",
                   encoding="utf-8")
    before = mot.read_bytes()
    result = DraftStore(tmp_path, overwrite=overwrite).write(
        "a/llama", "https://huggingface.co/a/llama", "Llama", _draft("a/llama"))
    assert mot.read_bytes() == before
    assert result.path.name == "Llama--a.yml" and result.status == "written"


def test_drafts_get_ordinary_file_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    result = DraftStore(tmp_path).write("a/b", "https://huggingface.co/a/b", "b", _draft("a/b"))
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o666 & ~umask


# -- a crawl whose cards choose hostile names ------------------------------------------
NAMES = {"evil/traversal": "../../../../tmp/motcrawl-escaped", "evil/absolute": "/etc/passwd",
         "evil/reserved": "CON", "org-b/llama": "Llama", "org-a/llama": "Llama",
         "evil/clobber": "Existing MOT model"}


def test_crawl_with_hostile_names(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    mot = out / "Existing-MOT-model.yml"
    mot.write_text("release:\n  name: Existing MOT model\n", encoding="utf-8")
    with HostileHub(hostile=False, names=NAMES, enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=" + ",".join(NAMES), "-a",
                          f"output_dir={out}", "-a", "overwrite=true"],
                         env={"HF_ENDPOINT": hub.url})
    assert proc.returncode == 0, proc.stderr[-2000:]
    drafts = drafts_of(out)
    assert set(drafts) == set(NAMES) and not failures_of(out / "failures.jsonl")
    assert all(p.parent == out for p in drafts.values())
    names = {m: p.name for m, p in drafts.items()}
    llamas = {names.pop("org-a/llama"), names.pop("org-b/llama")}
    assert names == {
        "evil/traversal": "tmp-motcrawl-escaped.yml", "evil/absolute": "etc-passwd.yml",
        "evil/reserved": "CON_.yml", "evil/clobber": "Existing-MOT-model--evil.yml"}
    # Same release name: the first drafted keeps it, the other gets its organization.
    assert llamas in ({"Llama.yml", "Llama--org-b.yml"}, {"Llama.yml", "Llama--org-a.yml"})
    assert mot.read_text(encoding="utf-8") == "release:\n  name: Existing MOT model\n"
    assert not Path("/tmp/motcrawl-escaped.yml").exists()
    # The hostile name is kept as the draft's release name, as data.
    doc = yaml.safe_load(drafts["evil/traversal"].read_text(encoding="utf-8"))
    assert doc["release"]["name"] == "../../../../tmp/motcrawl-escaped"


# -- output folders that cannot be written (exit code 2 from the crawl command) ---------
def test_output_dir_under_a_regular_file_is_a_clear_error_before_crawling(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with HostileHub(hostile=False, enforce=False) as hub:
        proc = run_crawl(["model", "-a", "model_id=allenai/OLMo-7B-hf",
                          "-a", f"output_dir={blocker}/drafts"], env={"HF_ENDPOINT": hub.url})
        requests = hub.requests
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: output_dir {blocker}/drafts cannot be created: Not a directory"]
    assert requests == []  # nothing was crawled


def test_output_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    proc = run_crawl(["model", "-a", "model_id=a/b", "-a", f"output_dir={blocker}"])
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: output_dir {blocker} cannot be created: File exists"


def test_failures_path_that_is_a_folder(tmp_path: Path) -> None:
    proc = run_crawl(["model", "-a", "model_id=a/b", "-a", f"output_dir={tmp_path}",
                      "-a", f"failures={tmp_path}"])
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: failures {tmp_path} is a folder, not a file"


def test_read_only_output_dir_is_refused(tmp_path: Path, monkeypatch) -> None:
    """Permission bits: root ignores them, so os.access is what args.output_dir asks."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path
                        else real_access(p, mode))
    with pytest.raises(ArgumentError, match=f"^output_dir {tmp_path} is not writable$"):
        output_dir(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_read_only_output_dir_really(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run_crawl(["model", "-a", "model_id=a/b", "-a", f"output_dir={folder}"])
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: output_dir {folder} is not writable"


def test_read_only_file_system_is_refused_if_available(tmp_path: Path) -> None:
    """/proc is read-only even for root: a real EROFS/EACCES, no permission bits involved.
    A `scrapy` child process: the exit code and the one line are the point."""
    target = "/proc/motcrawl-drafts"
    proc = run_crawl_subprocess(["model", "-a", "model_id=a/b", "-a", f"output_dir={target}"])
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: output_dir {target} cannot be created: ")
    assert len(proc.stderr.strip().splitlines()) == 1


