"""Where a crawl writes: one base folder for every relative output path.

A scrapyd job runs in scrapyd's working directory, not the project's, so a
relative ``drafts/`` there would land somewhere nobody looks. Every relative
output path (drafts, report, failures, state, feeds) is therefore resolved
against one base folder, chosen when the crawl starts:

1. the ``MOTCRAWL_OUTPUT_DIR`` setting (``-s``, scrapyd's ``setting=``, or the
   environment variable of that name);
2. under scrapyd (the spider got a ``_job`` argument):
   ``$XDG_DATA_HOME/motcrawl`` (default ``~/.local/share/motcrawl``);
3. otherwise the working directory (a command-line run, where ``drafts/``
   next to you is what you asked for).

Paths may hold ``%(name)s`` (the spider) and ``%(time)s`` (the crawl's start,
as in Scrapy's FEEDS: ``2026-11-27T06-00-00+00-00``), so a weekly job can keep one
report per run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# The spider argument that carries the base folder from the crawl command and the
# spider's from_crawler (which see the settings) to argument parsing (which does not).
OUTPUT_BASE_ARG = "_output_base"
# When the crawl started (for %(time)s); set next to OUTPUT_BASE_ARG.
START_TIME_ARG = "_output_time"


def under_scrapyd(spider_kwargs: Mapping[str, Any]) -> bool:
    """scrapyd passes every job its id as the ``_job`` spider argument."""
    return bool(spider_kwargs.get("_job"))


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    root = env.get("XDG_DATA_HOME", "").strip()
    base = Path(root).expanduser() if root else Path("~/.local/share").expanduser()
    return (base / "motcrawl").resolve()


def output_base(setting: str | None, spider_kwargs: Mapping[str, Any],
                env: Mapping[str, str] | None = None) -> Path:
    """The base folder for relative output paths (see the module docstring)."""
    if setting and str(setting).strip():
        return Path(str(setting).strip()).expanduser().resolve()
    if under_scrapyd(spider_kwargs):
        return default_data_dir(env)
    return Path.cwd()


def feed_time(start: datetime | None = None) -> str:
    """The crawl start as Scrapy's FEEDS ``%(time)s`` writes it (no colons: file-name safe)."""
    start = start or datetime.now(timezone.utc)
    return start.replace(microsecond=0).isoformat().replace(":", "-")


def expand(template: str, *, name: str, time: str) -> str:
    """Fill ``%(name)s`` and ``%(time)s``; any other ``%`` is left alone."""
    return str(template).replace("%(name)s", name).replace("%(time)s", time)


def resolve(value: Any, base: Path | str | None, *, name: str = "", time: str = "") -> Path:
    """An absolute path: ``~`` expanded, placeholders filled, relative paths under ``base``."""
    path = Path(expand(str(value), name=name, time=time or feed_time())).expanduser()
    if not path.is_absolute():
        path = Path(base or Path.cwd()) / path
    return path.resolve()


def inject(spider_kwargs: dict[str, Any], setting: str | None) -> dict[str, Any]:
    """Add the base folder and start time to spider arguments (kept if already there)."""
    spider_kwargs.setdefault(OUTPUT_BASE_ARG, str(output_base(setting, spider_kwargs)))
    spider_kwargs.setdefault(START_TIME_ARG, feed_time())
    return spider_kwargs


def base_of(spider_kwargs: Mapping[str, Any]) -> Path:
    """The base folder carried by spider arguments; the working directory when absent."""
    value = spider_kwargs.get(OUTPUT_BASE_ARG)
    return Path(str(value)) if value else Path.cwd()


def path_arg(spider_kwargs: Mapping[str, Any], value: Any, name: str) -> Path:
    """Resolve one path argument of a spider (``name`` is the spider's name)."""
    return resolve(value, base_of(spider_kwargs), name=name,
                   time=str(spider_kwargs.get(START_TIME_ARG) or feed_time()))


def default_feed_uri(base: Path) -> str:
    """The items feed when nothing else asks for one: one JSON-lines file per crawl."""
    return (base / "items").as_uri() + "/%(name)s/%(time)s.jsonl"


def project_data_folder(spider_kwargs: Mapping[str, Any]) -> Path:
    """Scrapy's project data folder (``.scrapy/``), where a crawl keeps what is not output.

    Under scrapyd the working directory says nothing about the project: the folder is
    ``.scrapy`` under the output base. Otherwise Scrapy's own rule (``.scrapy`` next to
    the closest ``scrapy.cfg``, or in the working directory).
    """
    if under_scrapyd(spider_kwargs):
        return base_of(spider_kwargs) / ".scrapy"
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.project import data_path

    try:
        return Path(data_path("")).resolve()
    except NotConfigured:
        return (base_of(spider_kwargs) / ".scrapy").resolve()


def state_file_for(output_dir: Path, state_dir: Any, spider_kwargs: Mapping[str, Any],
                   file_name: str, *, spider: str = "") -> Path:
    """Where the incremental state of one drafts folder lives.

    ``state_dir`` (``-a state_dir``, ``MOTCRAWL_STATE_DIR``) is a folder holding the file.
    By default the state is not in the drafts folder (which is copied into MOT pull
    requests) but in the project data folder, one file per drafts folder, so two drafts
    folders never share a state.
    """
    if state_dir:
        return path_arg(spider_kwargs, state_dir, spider) / file_name
    folder = Path(output_dir).resolve()
    digest = hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:10]
    stem, _, suffix = file_name.rpartition(".")
    return project_data_folder(spider_kwargs) / stem / f"{folder.name}-{digest}.{suffix}"
