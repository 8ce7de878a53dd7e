"""The one way tests run ``scrapy crawl``: against the local fakes, isolated, quickly.

- :func:`run_crawl` runs ``scrapy crawl ARGS`` in this process: the real crawl
  command (argument checks, exit code) with an in-process runner in place of
  Scrapy's ``AsyncCrawlerProcess``, on the asyncio reactor that
  :func:`install_reactor` installs once per test session. It returns a
  ``CompletedProcess`` like a subprocess would: ``returncode`` as ``scrapy``
  would exit, ``stderr`` the log lines Scrapy would print (same format, same
  level) plus what the command wrote to stderr. :func:`run_scrapy_in_process`
  does the same for the other commands (validate, classify).
- :func:`run_crawl_subprocess` / :func:`crawl_command` + :func:`crawl_env` run
  ``python -m scrapy crawl`` as a child process (:func:`run_scrapy`: any command),
  for the few tests whose point is the process itself (an exit code and nothing
  else on stderr, signals, scrapyd, Redis).

Both give the crawl the same environment (:func:`crawl_env`): no token, no stored
token, no cache of the caller's; every base URL (``BASE_URLS``) on 127.0.0.1 (a
dead port unless the test names its fake); the network guard of
``tests/netguard`` in every child process; and ``QUICK`` settings (no retry
backoff, no AutoThrottle start delay) before the test's own ``-s`` options,
which win. In this process a refused connection is also reported at once
(:func:`_quick_connection_failures`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from logging.config import dictConfig
from pathlib import Path
from types import ModuleType
from typing import Any

from scrapy.crawler import AsyncCrawlerRunner

ROOT = PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUARD_SITE = ROOT / "tests" / "netguard" / "site"
DEAD = "http://127.0.0.1:9"  # nothing listens there: a request to it fails at once

# Every base URL the crawler builds requests from (motcrawl/settings.py), on the loopback.
BASE_URLS: dict[str, str] = {
    "HF_ENDPOINT": DEAD,
    "GITHUB_API_URL": DEAD,
    "GITHUB_URL": DEAD,
    "MOT_API_URL": f"{DEAD}/api/v1",
}
# Variables through which a crawl could find real credentials, a real cache or the
# caller's configuration (settings that motcrawl/settings.py reads from the environment);
# proxies (*_proxy) go too.
SCRUBBED = frozenset({
    "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "GITHUB_TOKEN", "GH_TOKEN",
    "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME", "XDG_DATA_HOME",
    "MOT_MODELS_DIR", "MOF_SCHEMA", "MOT_LICENSES", "GITHUB_LOOKUPS", "DATASET_LOOKUPS",
    "MOTCRAWL_LOG_LEVEL", "MOTCRAWL_OUTPUT_DIR", "MOTCRAWL_STATE_DIR", "MOTCRAWL_CRAWL_ID",
    "REDIS_URL", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "PYTHONPATH",
})
# Waits that only cost time in a test: a test that checks a wait sets its own value.
QUICK: tuple[str, ...] = ("-s", "MOTCRAWL_RETRY_BACKOFF=0", "-s", "AUTOTHROTTLE_START_DELAY=0")

_ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def crawl_env(home: str | os.PathLike[str] | None = None,
              extra: Mapping[str, str] | None = None, *,
              pythonpath: str | None = str(ROOT)) -> dict[str, str]:
    """The environment of a crawl (in this process or a child), ``extra`` last.

    ``home`` (a fresh folder) becomes HOME and holds HF_HOME, so no stored HF token
    is found. ``pythonpath``: the project root, or None where only an egg may
    provide motcrawl (scrapyd); the network guard's folder always comes first.
    """
    env = {k: v for k, v in os.environ.items()
           if k not in SCRUBBED and not k.lower().endswith("_proxy")}
    env.update(BASE_URLS)
    env.update(PYTHONUNBUFFERED="1", HF_HUB_DISABLE_TELEMETRY="1")
    if home is not None:
        env.update(HOME=str(home), HF_HOME=str(Path(home) / "hf"))
    env.update(extra or {})
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(GUARD_SITE), (extra or {}).get("PYTHONPATH", pythonpath)) if p)
    return env


def crawl_command(*args: str, quick: bool = True) -> list[str]:
    """``python -m scrapy crawl ARGS`` (with the ``QUICK`` settings first)."""
    return [sys.executable, "-m", "scrapy", "crawl", *(QUICK if quick else ()), *args]


def run_crawl_subprocess(args: Sequence[str], *, env: Mapping[str, str] | None = None,
                         cwd: Path = ROOT, timeout: float = 120,
                         quick: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -m scrapy crawl ARGS`` in a child process; for exit codes and signals."""
    return run_scrapy(["crawl", *(QUICK if quick else ()), *args], env=env, cwd=cwd,
                      timeout=timeout)


def run_scrapy(args: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path = ROOT,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m scrapy ARGS`` (any command) in a child process with :func:`crawl_env`
    and a fresh HOME. Output is captured as text."""
    with tempfile.TemporaryDirectory(prefix="motcrawl-home-") as home:
        return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd,
                              env=crawl_env(home, env), capture_output=True, text=True,
                              timeout=timeout, check=False)


def run_crawl(args: Sequence[str], *, env: Mapping[str, str] | None = None,
              cwd: Path = ROOT, timeout: float = 120,
              quick: bool = True) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl ARGS`` in this process; the result reads like the subprocess's."""
    return run_scrapy_in_process(["crawl", *(QUICK if quick else ()), *args], env=env,
                                 cwd=cwd, timeout=timeout)


def run_scrapy_in_process(args: Sequence[str], *, env: Mapping[str, str] | None = None,
                          cwd: Path = ROOT,
                          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS`` (any project command) in this process, with :func:`crawl_env` as
    the environment meanwhile and ``cwd`` as the working directory (in the project
    wherever that is: SCRAPY_SETTINGS_MODULE names motcrawl's settings)."""
    argv = list(args)
    stdout, stderr = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory(prefix="motcrawl-home-") as home, \
            _environment({"SCRAPY_SETTINGS_MODULE": "motcrawl.settings",
                          **crawl_env(home, env)}), _working_directory(cwd), \
            contextlib.redirect_stdout(_ThisThread(stdout, sys.stdout)), \
            contextlib.redirect_stderr(_ThisThread(stderr, sys.stderr)):
        returncode = _execute(argv, stderr, timeout)
    return subprocess.CompletedProcess(argv, returncode, stdout.getvalue(), stderr.getvalue())


# -- in-process crawls ------------------------------------------------------------------
def install_reactor() -> None:
    """Install the asyncio reactor (settings.TWISTED_REACTOR) once, before anything imports
    ``twisted.internet.reactor``, and mark it started: crawls then run by running its
    asyncio loop until they end (a Twisted reactor cannot be run twice in one process)."""
    from scrapy.utils.reactor import install_reactor as scrapy_install
    from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed

    if not is_reactor_installed():
        scrapy_install(_ASYNCIO_REACTOR)
    if not is_asyncio_reactor_installed():
        raise RuntimeError("another Twisted reactor was installed before the tests' one")
    from twisted.internet import reactor

    if not reactor._started:  # type: ignore[attr-defined]
        # Fires the startup triggers (thread pool); no signal handler: pytest keeps Ctrl-C.
        reactor.startRunning(installSignalHandlers=False)  # type: ignore[attr-defined]
        _start_logging()


def stop_reactor() -> None:
    """End of the session: stop the reactor's thread pool (its threads would keep the
    interpreter alive)."""
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():
        return
    from twisted.internet import reactor

    pool = getattr(reactor, "threadpool", None)
    if pool is not None and pool.started:
        pool.stop()


def _loop() -> asyncio.AbstractEventLoop:
    install_reactor()
    from twisted.internet import reactor

    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop  # type: ignore[attr-defined]
    asyncio.set_event_loop(loop)  # asyncio.run() in another test unset it
    return loop


def _start_logging() -> None:
    """What configure_logging does in ``scrapy``, minus the root handler (one per crawl)
    and the capture of warnings (pytest's): Twisted's log into Python's logging, and
    Scrapy's logger levels."""
    from scrapy.utils.log import DEFAULT_LOGGING
    from twisted.python import log as twisted_log

    twisted_log.PythonLoggingObserver("twisted").start()
    dictConfig(DEFAULT_LOGGING)


def _project_settings() -> Any:
    """Project settings as ``scrapy`` builds them in a fresh process: motcrawl/settings.py
    is run again, so values it reads from the environment come from this crawl's."""
    from scrapy.settings import Settings

    spec = importlib.util.find_spec("motcrawl.settings")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings = Settings()
    settings.setmodule(module, priority="project")
    return settings


def _execute(argv: list[str], stderr: io.StringIO, timeout: float) -> int:
    """scrapy.cmdline.execute, returning the exit code, with an in-process
    ``crawler_process`` for the commands that need one (``crawl``)."""
    from scrapy.cmdline import (
        ScrapyArgumentParser,
        ScrapyHelpFormatter,
        _get_commands_dict,
        _print_unknown_command,
        _run_print_help,
    )
    from scrapy.utils.project import inside_project

    settings = _project_settings()
    commands = _get_commands_dict(settings, inside_project())
    if argv[0] not in commands:
        _print_unknown_command(settings, argv[0], inside_project())
        return 2
    cmd = commands[argv[0]]
    parser = ScrapyArgumentParser(formatter_class=ScrapyHelpFormatter,
                                  usage=f"scrapy {argv[0]} {cmd.syntax()}",
                                  conflict_handler="resolve", description=cmd.long_desc())
    settings.setdict(cmd.default_settings, priority="command")
    cmd.settings = settings
    cmd.add_options(parser)
    try:
        opts, args = parser.parse_known_args(args=argv[1:])
        _run_print_help(parser, cmd.process_options, args, opts)
        if cmd.requires_crawler_process:
            cmd.crawler_process = _InProcessCrawls(settings, stderr, timeout)
        _run_print_help(parser, cmd.run, args, opts)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return int(cmd.exitcode)


class _InProcessCrawls(AsyncCrawlerRunner):
    """The ``crawler_process`` of an in-process crawl command: Scrapy's AsyncCrawlerRunner
    whose ``start()`` runs the reactor's asyncio loop until every crawl has ended, with a
    root log handler shaped like the one ``scrapy`` installs, writing to ``stream``."""

    def __init__(self, settings: Any, stream: io.StringIO, timeout: float) -> None:
        install_reactor()
        super().__init__(settings)
        self._stream = stream
        self._timeout = timeout
        self._queued: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []

    def crawl(self, crawler_or_spidercls: Any, *args: Any, **kwargs: Any) -> None:
        # Started inside the running loop (start()), where asyncio finds it.
        self._queued.append((crawler_or_spidercls, args, kwargs))

    def start(self, stop_after_crawl: bool = True, install_signal_handlers: bool = False) -> None:
        async def crawl_all() -> None:
            for crawler, args, kwargs in self._queued:
                AsyncCrawlerRunner.crawl(self, crawler, *args, **kwargs)
            try:
                await asyncio.wait_for(self.join(), self._timeout)
            except asyncio.TimeoutError:
                await self.stop()
                raise

        with _log_handler(self.settings, self._stream), _quick_connection_failures():
            _loop().run_until_complete(crawl_all())


class _ThisThread(io.TextIOBase):
    """sys.stdout/sys.stderr during an in-process crawl: what the crawl's thread writes is
    the crawl's output; the fakes' threads (a server's own error report) write through."""

    def __init__(self, mine: io.StringIO, others: Any) -> None:
        self._mine, self._others, self._thread = mine, others, threading.get_ident()

    def _stream(self) -> Any:
        return self._mine if threading.get_ident() == self._thread else self._others

    def write(self, text: str) -> int:
        return self._stream().write(text)

    def flush(self) -> None:
        self._stream().flush()

    def writable(self) -> bool:
        return True


@contextlib.contextmanager
def _log_handler(settings: Any, stream: io.StringIO) -> Iterator[None]:
    """The root handler ``scrapy`` would install (scrapy.utils.log._get_handler), on
    ``stream``, for records of this thread only (the fakes serve from other threads)."""
    from scrapy.utils.log import TopLevelFormatter

    if not settings.getbool("LOG_ENABLED"):
        yield
        return
    handler = logging.StreamHandler(stream)
    # What scrapy.utils.log gives a stream that is not a terminal (its _get_formatter, a
    # private helper Scrapy 2.18, the lowest version allowed, does not have).
    handler.setFormatter(logging.Formatter(fmt=settings.get("LOG_FORMAT"),
                                           datefmt=settings.get("LOG_DATEFORMAT")))
    handler.setLevel(settings.get("LOG_LEVEL"))
    if settings.getbool("LOG_SHORT_NAMES"):
        handler.addFilter(TopLevelFormatter(["scrapy"]))
    thread = threading.get_ident()
    handler.addFilter(lambda record: record.thread == thread)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.NOTSET)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@contextlib.contextmanager
def _quick_connection_failures() -> Iterator[None]:
    """Twisted's HostnameEndpoint (Scrapy's HTTP client) reports a refused connection
    only when its next attempt is due, 0.3 s later (happy eyeballs, for hosts with
    several addresses; the fakes have one). In a test that is a wait like a retry
    backoff, paid on every request to a dead port: report it within 10 ms."""
    from twisted.internet.endpoints import HostnameEndpoint

    before = HostnameEndpoint._DEFAULT_ATTEMPT_DELAY
    HostnameEndpoint._DEFAULT_ATTEMPT_DELAY = 0.01
    try:
        yield
    finally:
        HostnameEndpoint._DEFAULT_ATTEMPT_DELAY = before


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# -- reading what a crawl wrote ---------------------------------------------------------
def failures(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def drafted_ids(out: Path) -> set[str]:
    ids = set()
    for path in out.glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# model-id:"):
                ids.add(line.split(":", 1)[1].strip())
                break
    return ids

