"""Incremental runs: what earlier runs saw and drafted, per model, in one small JSON file.

A weekly run should draft only models that are new or changed since the last
one and say what changed. Per model the state keeps the Hub's ``sha`` and
``lastModified`` as last seen, the catalog status (``missing``/``known``), and
the draft written for it with the sha it was drafted from.

Robustness:
- writes are atomic (temporary file, fsync, rename) and done under an
  advisory lock, re-reading the file first and merging only the records this
  process touched, so several crawler processes (scrapy-redis nodes sharing a
  folder) never lose each other's records;
- a record touched in the current run keeps ``previous`` (the record as it was
  before the run), so a run resumed with JOBDIR compares against the same
  baseline as before the interruption;
- a state file that cannot be read is moved aside (``.corrupt``) and the run
  starts as a first run: the no-clobber draft store keeps existing drafts.

No Scrapy import: the extension in motcrawl.incremental is the adapter.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from motcrawl.yamlfile import HEADER_MARK, atomic_write

STATE_VERSION = 1
STATE_FILE = "motcrawl-state.json"

# Why a model is (or is not) drafted in this run.
NEW = "new"              # not seen missing before (or never drafted and seen as known)
CHANGED = "changed"      # the Hub sha (or lastModified) differs from the drafted one
UNCHANGED = "unchanged"  # drafted from the same revision: skip, no request
FULL = "full"            # -a full=true
DRAFT_GONE = "draft-gone"  # recorded, but the draft file is no longer there
REASONS = (NEW, CHANGED, UNCHANGED, FULL, DRAFT_GONE)
# Reasons that replace an earlier motcrawl draft of the same model.
REDRAFT = frozenset({CHANGED, FULL})


class StateError(ValueError):
    """The state file exists but is not a motcrawl state file."""


@dataclass(slots=True)  # one per listed model: no per-instance __dict__
class ModelRecord:
    sha: str | None = None
    last_modified: str | None = None
    status: str | None = None          # missing | known; None when never diffed
    draft: str | None = None           # the draft file last written or kept for the model
    drafted_sha: str | None = None
    drafted_last_modified: str | None = None
    seen: str | None = None            # when the model was last seen (UTC, ISO)
    run: str | None = None             # the run that last touched the record
    previous: dict[str, Any] | None = None  # the record before that run touched it

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelRecord:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def baseline(self, run_id: str) -> ModelRecord | None:
        """The record as the current run found it (None: the model is new to the state)."""
        if self.run != run_id:
            return self
        return ModelRecord.from_dict(self.previous) if self.previous else None


def revision_differs(old_sha: str | None, old_modified: str | None,
                     sha: str | None, modified: str | None) -> bool:
    """Compare by sha when both sides have one, else by lastModified; unknown is unchanged."""
    if old_sha and sha:
        return old_sha != sha
    if old_modified and modified:
        return old_modified != modified
    return False


def decide(record: ModelRecord | None, sha: str | None, last_modified: str | None,
           output_dir: Path, *, full: bool = False) -> str:
    """Why to draft a missing model now (one of REASONS; UNCHANGED means: do not draft).

    "New or changed since the last run": a model drafted before is compared with
    the revision its draft was made from; a model the last run saw missing but did
    not draft (beyond ``max_drafts``) is not new any more - it stays in the report
    and its ids file, for ``scrapy crawl model -a ids_file=...``.
    """
    if full:
        return FULL
    if record is None:
        return NEW
    if record.draft and Path(record.draft).parent == output_dir:
        if not Path(record.draft).is_file():
            return DRAFT_GONE
        changed = revision_differs(record.drafted_sha, record.drafted_last_modified,
                                   sha, last_modified)
        return CHANGED if changed else UNCHANGED
    if record.status != "missing":
        return NEW  # known to MOT before (now missing again), or drafted for another folder
    changed = revision_differs(record.sha, record.last_modified, sha, last_modified)
    return CHANGED if changed else UNCHANGED


def draft_revision(path: Path) -> tuple[str | None, str | None]:
    """The ``hf-sha:`` and ``hf-last-modified:`` lines of a motcrawl draft's header."""
    sha = modified = None
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            if fh.readline().rstrip("\n") != HEADER_MARK:
                return None, None
            for _ in range(12):
                line = fh.readline()
                if not line.startswith("#"):
                    break
                key, _, value = line[1:].strip().partition(": ")
                value = value.strip()
                if value in ("", "unknown"):
                    continue
                if key == "hf-sha":
                    sha = value
                elif key == "hf-last-modified":
                    modified = value
    except OSError:
        return None, None
    return sha, modified


@dataclass
class Changes:
    """What changed since the previous run, for the report."""

    previous_run: dict[str, Any] | None
    new_missing: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new revision
    became_known: list[str] = field(default_factory=list)

    @property
    def first_run(self) -> bool:
        return self.previous_run is None

    def counts(self) -> dict[str, int]:
        return {"new_missing": len(self.new_missing), "changed": len(self.changed),
                "became_known": len(self.became_known)}


def _short(sha: str | None, modified: str | None) -> str:
    return (sha or "")[:8] or modified or "unknown"


def changes_since(baselines: Mapping[str, ModelRecord | None],
                  observed: Mapping[str, ModelRecord],
                  previous_run: dict[str, Any] | None) -> Changes:
    """Compare this run's observations with the state as the run found it.

    - new missing: missing now, and not missing (or not seen) in the previous run;
    - changed: missing before and now, with another Hub revision;
    - became known: missing before, now in the MOT catalog.
    """
    out = Changes(previous_run)
    for model_id in sorted(observed):
        now = observed[model_id]
        before = baselines.get(model_id)
        was_missing = before is not None and before.status == "missing"
        if now.status == "missing" and not was_missing:
            out.new_missing.append(model_id)
        elif now.status == "missing" and before is not None and revision_differs(
                before.sha, before.last_modified, now.sha, now.last_modified):
            out.changed.append((model_id, _short(before.sha, before.last_modified),
                                _short(now.sha, now.last_modified)))
        elif now.status == "known" and was_missing:
            out.became_known.append(model_id)
    return out


def changes_markdown(changes: Changes, limit: int = 50) -> list[str]:
    """The report's "Changes since the previous run" section, as Markdown lines."""
    lines = ["## Changes since the previous run", ""]
    if changes.first_run:
        return lines + ["First run with this state file: every missing model is new.", ""]
    prev = changes.previous_run or {}
    lines.append(f"Previous run: {prev.get('finished') or prev.get('started') or 'unknown'}"
                 f" ({prev.get('spider', '?')}, run {prev.get('id', '?')}).")
    lines.append("")
    counts = changes.counts()
    lines += [
        "| change | models |",
        "| --- | --- |",
        f"| newly missing | {counts['new_missing']} |",
        f"| changed on the Hub (redrafted) | {counts['changed']} |",
        f"| now in the MOT catalog | {counts['became_known']} |",
        "",
    ]

    def section(title: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.extend([f"### {title}", ""])
        lines.extend(rows[:limit])
        if len(rows) > limit:
            lines.append(f"- ... and {len(rows) - limit} more")
        lines.append("")

    section("Newly missing", [f"- `{m}`" for m in changes.new_missing])
    section("Changed on the Hub", [f"- `{m}`: {old} -> {new}" for m, old, new in changes.changed])
    section("Now in the MOT catalog", [f"- `{m}`" for m in changes.became_known])
    return lines


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class StateStore:
    """The state file of one output setup, as seen by one run (``run_id``)."""

    def __init__(self, path: Path, run_id: str, spider: str = "missing") -> None:
        self.path = path
        self.run_id = run_id
        self.spider = spider
        self.records: dict[str, ModelRecord] = {}
        self.runs: dict[str, Any] = {}  # spider name -> current / last_finished / before_current
        self.touched: set[str] = set()
        self.warning: str | None = None

    # -- file -----------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read(self) -> tuple[dict[str, ModelRecord], dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise StateError(f"state file {self.path} is unreadable: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION \
                or not isinstance(data.get("models"), dict):
            raise StateError(f"state file {self.path} is not a motcrawl state file "
                             f"(version {STATE_VERSION})")
        records = {k: ModelRecord.from_dict(v) for k, v in data["models"].items()
                   if isinstance(v, dict)}
        runs = data.get("runs") if isinstance(data.get("runs"), dict) else {}
        return records, runs

    def load(self) -> StateStore:
        with self._locked():
            try:
                self.records, self.runs = self._read()
            except StateError as exc:
                aside = self.path.with_name(self.path.name + ".corrupt")
                os.replace(self.path, aside)
                self.warning = f"{exc}; moved to {aside}, starting afresh"
                self.records, self.runs = {}, {}
        return self

    def save(self) -> None:
        """Merge this run's records into the file as it is now, atomically."""
        with self._locked():
            try:
                records, runs = self._read()
            except StateError:
                records, runs = {}, {}
            for model_id in self.touched:
                records[model_id] = self.records[model_id]
            runs[self.spider] = self._runs
            self.records = {**records, **{m: self.records[m] for m in self.touched}}
            self.runs = runs
            payload = {"version": STATE_VERSION, "runs": runs,
                       "models": {k: records[k].as_dict() for k in sorted(records)}}
            atomic_write(self.path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n",
                         replace=True)

    # -- reading ------------------------------------------------------------
    def baseline(self, model_id: str) -> ModelRecord | None:
        record = self.records.get(model_id)
        return record.baseline(self.run_id) if record else None

    @property
    def _runs(self) -> dict[str, Any]:
        runs = self.runs.get(self.spider)
        if not isinstance(runs, dict):
            runs = self.runs[self.spider] = {}
        return runs

    @property
    def previous_run(self) -> dict[str, Any] | None:
        """The last finished run of this spider other than this one."""
        last = self._runs.get("last_finished")
        if isinstance(last, dict) and last.get("id") != self.run_id:
            return last
        before = self._runs.get("before_current")
        return before if isinstance(before, dict) else None

    # -- writing ------------------------------------------------------------
    def _touch(self, model_id: str) -> ModelRecord:
        record = self.records.get(model_id)
        if record is None:
            record = ModelRecord(run=self.run_id)
        elif record.run != self.run_id:
            previous = record.as_dict()
            previous.pop("previous", None)
            record = ModelRecord(**{**asdict(record), "run": self.run_id, "previous": previous})
        self.records[model_id] = record
        self.touched.add(model_id)
        return record

    def observe(self, model_id: str, *, sha: str | None, last_modified: str | None,
                status: str | None = None) -> ModelRecord:
        record = self._touch(model_id)
        record.sha = sha or record.sha
        record.last_modified = last_modified or record.last_modified
        if status:
            record.status = status
        record.seen = now_iso()
        return record

    def drafted(self, model_id: str, path: Path, sha: str | None,
                last_modified: str | None) -> None:
        record = self._touch(model_id)
        record.draft = str(path)
        record.drafted_sha = sha
        record.drafted_last_modified = last_modified

    def start_run(self, info: dict[str, Any]) -> None:
        """Remember the run; the last finished run is the baseline the report names."""
        runs = self._runs
        current = runs.get("current")
        if not (isinstance(current, dict) and current.get("id") == self.run_id):
            if isinstance(runs.get("last_finished"), dict):
                runs["before_current"] = runs["last_finished"]
            runs["current"] = {"id": self.run_id, "spider": self.spider, **info}

    def finish_run(self, info: dict[str, Any]) -> None:
        runs = self._runs
        current = dict(runs.get("current") or {"id": self.run_id, "spider": self.spider})
        current.update(info)
        runs["last_finished"] = current
