"""Helpers for the deployment tests: build the project egg, run a real scrapyd or redis-server.

Everything runs in a temporary folder on 127.0.0.1 ports picked by the OS; every
process started here is stopped by the context manager that started it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from tests.crawl_support import crawl_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("motcrawl", "pyproject.toml", "setup.py", "scrapy.cfg", "README.md")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for child processes (tests/crawl_support.crawl_env): no PYTHONPATH
    but the network guard's (only the egg provides motcrawl) unless given, no tokens, no
    proxies, every base URL on the loopback."""
    return crawl_env(None, extra, pythonpath=None)


def build_egg(workdir: Path) -> Path:
    """``scrapyd-deploy --build-egg`` on a copy of the project (the build writes build/ and
    *.egg-info next to setup.py; a copy keeps the checkout clean and parallel runs apart)."""
    src = workdir / "project"
    for name in PROJECT_FILES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / name)
    egg = workdir / "motcrawl.egg"
    result = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "--build-egg",
                             str(egg)], cwd=src, env=clean_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return egg


class Scrapyd:
    def __init__(self, url: str, root: Path, log: Path) -> None:
        self.url = url
        self.root = root
        self.log = log

    def get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        response = requests.get(f"{self.url}/{endpoint}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, endpoint: str, data: Any, files: Any = None) -> dict[str, Any]:
        response = requests.post(f"{self.url}/{endpoint}", data=data, files=files, timeout=30)
        response.raise_for_status()
        payload = response.json()
        assert payload.get("status") == "ok", payload
        return payload

    def add_version(self, project: str, version: str, egg: Path) -> dict[str, Any]:
        with egg.open("rb") as fh:
            return self.post("addversion.json", {"project": project, "version": version},
                             files={"egg": ("project.egg", fh)})

    def schedule(self, project: str, spider: str, settings: dict[str, str],
                 args: dict[str, str]) -> str:
        data: list[tuple[str, str]] = [("project", project), ("spider", spider)]
        data += [("setting", f"{k}={v}") for k, v in settings.items()]
        data += list(args.items())
        return self.post("schedule.json", data)["jobid"]

    def wait_finished(self, project: str, job: str, timeout: float = 120.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.get("listjobs.json", project=project)
            for entry in jobs.get("finished", []):
                if entry["id"] == job:
                    return entry
            time.sleep(0.5)
        raise AssertionError(f"job {job} did not finish in {timeout}s: {jobs}\n"
                             + self.log.read_text(errors="replace")[-3000:])

    def job_log(self, project: str, spider: str, job: str) -> str:
        return (self.root / "logs" / project / spider / f"{job}.log").read_text(errors="replace")


@contextmanager
def running_scrapyd(root: Path, env: dict[str, str], *, items_dir: bool = False
                    ) -> Iterator[Scrapyd]:
    """A real scrapyd (the venv's ``python -m scrapyd``) with all its folders under ``root``."""
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    (root / "scrapyd.conf").write_text("\n".join([
        "[scrapyd]",
        "bind_address = 127.0.0.1",
        f"http_port = {port}",
        f"eggs_dir = {root / 'eggs'}",
        f"logs_dir = {root / 'logs'}",
        f"items_dir = {root / 'items' if items_dir else ''}",
        f"dbs_dir = {root / 'dbs'}",
        "jobs_dir =",
        "poll_interval = 0.5",
        "max_proc = 2",
        "jobstorage = scrapyd.jobstorage.MemoryJobStorage",
        "",
    ]))
    log = root / "scrapyd.out"
    # scrapyd reads ./scrapyd.conf; its jobs run in this same working directory.
    with log.open("wb") as out:
        # Its own process group: teardown stops scrapyd *and* any job it started,
        # so a failed test leaves no crawl running behind it.
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Scrapyd(f"http://127.0.0.1:{port}", root, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError("scrapyd exited: " + log.read_text(errors="replace")[-3000:])
            try:
                if server.get("daemonstatus.json").get("status") == "ok":
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("scrapyd did not answer daemonstatus.json in 30s")
            time.sleep(0.2)
        yield server
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group, then SIGKILL to whatever is left after 15 s."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        try:  # scrapyd is gone; its jobs may not be
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break


@contextmanager
def running_redis(root: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, no persistence, data under ``root``."""
    binary = shutil.which("redis-server")
    assert binary, "no redis-server binary"
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--dir",
                             str(root), "--save", "", "--appendonly", "no",
                             "--protected-mode", "yes"],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"redis-server exited with {proc.returncode}")
            try:
                if client.ping():
                    break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@contextmanager
def scrapyd_with_egg(root: Path, egg: Path, project: str = "motcrawl") -> Iterator[Scrapyd]:
    """A real scrapyd under ``root`` with its own HOME, ``egg`` deployed as ``project`` r1."""
    home = root / "home"
    env = clean_env(HOME=str(home), HF_HOME=str(home / "hf"), PYTHONUNBUFFERED="1")
    with running_scrapyd(root / "scrapyd", env) as server:
        server.add_version(project, "r1", egg)
        yield server
