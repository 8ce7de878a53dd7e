"""Incremental runs: what earlier runs saw and drafted, per model, in one SQLite file.

A weekly run should draft only models that are new or changed since the last
one and say what changed. Per model the state keeps the Hub's ``sha`` and
``lastModified`` as last seen, the catalog status (``missing``/``known``), and
the draft written for it with the sha it was drafted from.

The state lives on disk (stdlib ``sqlite3``), not in memory: a crawl looks
records up one at a time, buffers the few it touched since the last save, and
computes the changes since the previous run with a cursor, so its memory does
not grow with the number of listed models.

Robustness:
- every save is one transaction: the file is never half-written, and several
  crawler processes (scrapy-redis nodes sharing a folder) each write only the
  records they touched, so they never lose each other's records;
- a record touched in the current run keeps ``previous`` (the record as it was
  before the run), so a run resumed with JOBDIR compares against the same
  baseline as before the interruption;
- a state file that cannot be read is moved aside (``.corrupt``) and the run
  starts as a first run: the no-clobber draft store keeps existing drafts.

No Scrapy import: the extension in motcrawl.components.incremental is the adapter.
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from motcrawl.outputs.yamlfile import HEADER_MARK

STATE_VERSION = 3  # the SQLite schema below (2: the same without models.failed)
STATE_FILE = "motcrawl-state.sqlite3"
# The report lists this many models per kind of change; counts are always exact.
CHANGES_LISTED = 50
# Touched records kept in memory between saves, at most (the extension saves sooner).
MAX_PENDING = 1000

# Why a model is (or is not) drafted in this run.
NEW = "new"              # not seen missing before (or never drafted and seen as known)
CHANGED = "changed"      # the Hub sha (or lastModified) differs from the drafted one
UNCHANGED = "unchanged"  # drafted from the same revision: skip, no request
FULL = "full"            # -a full=true
DRAFT_GONE = "draft-gone"  # recorded, but the draft file is no longer there
RETRY = "retry"          # its draft failed in an earlier run: pending until drafted
REASONS = (NEW, CHANGED, UNCHANGED, FULL, DRAFT_GONE, RETRY)
# Reasons that replace an earlier motcrawl draft of the same model.
REDRAFT = frozenset({CHANGED, FULL})


class StateError(ValueError):
    """The state file exists but is not a motcrawl state file."""


class StateIOError(OSError):
    """The state file could not be read or written (locked, disk full, I/O error)."""


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
    failed: str | None = None          # why its last draft failed (until it is drafted)
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
    if record.failed and not (record.draft and Path(record.draft).is_file()):
        return RETRY  # a failed model stays pending until it is drafted
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


KINDS = ("new_missing", "changed", "became_known")


@dataclass
class Changes:
    """What changed since the previous run, for the report.

    ``counts()`` is exact; the lists keep only their first ``limit`` entries (the
    report lists 50 per kind), so a crawl of many thousand models holds a few
    dozen ids here, not one per model.
    """

    previous_run: dict[str, Any] | None
    new_missing: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new revision
    became_known: list[str] = field(default_factory=list)
    limit: int | None = None  # None: keep every entry
    models: int = 0  # models compared (touched by this run)
    totals: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.totals = {kind: len(getattr(self, kind)) for kind in KINDS}

    def add(self, kind: str, entry: Any) -> None:
        self.totals[kind] += 1
        rows = getattr(self, kind)
        if self.limit is None or len(rows) < self.limit:
            rows.append(entry)

    @property
    def first_run(self) -> bool:
        return self.previous_run is None

    def counts(self) -> dict[str, int]:
        return dict(self.totals)


def _short(sha: str | None, modified: str | None) -> str:
    return (sha or "")[:8] or modified or "unknown"


def changes_since(compared: Iterable[tuple[str, ModelRecord | None, ModelRecord]],
                  previous_run: dict[str, Any] | None, *,
                  limit: int | None = None) -> Changes:
    """Compare this run's records with the state as the run found it.

    ``compared`` yields ``(model_id, baseline, now)`` (baseline None: new to the
    state), in the order the lists should have (the store gives id order); it is
    consumed once, as a stream.

    - new missing: missing now, and not missing (or not seen) in the previous run;
    - changed: missing before and now, with another Hub revision;
    - became known: missing before, now in the MOT catalog.
    """
    out = Changes(previous_run, limit=limit)
    for model_id, before, now in compared:
        out.models += 1
        was_missing = before is not None and before.status == "missing"
        if now.status == "missing" and not was_missing:
            out.add("new_missing", model_id)
        elif now.status == "missing" and before is not None and revision_differs(
                before.sha, before.last_modified, now.sha, now.last_modified):
            out.add("changed", (model_id, _short(before.sha, before.last_modified),
                                _short(now.sha, now.last_modified)))
        elif now.status == "known" and was_missing:
            out.add("became_known", model_id)
    return out


def changes_markdown(changes: Changes, limit: int = CHANGES_LISTED) -> list[str]:
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

    def section(title: str, rows: list[str], total: int) -> None:
        if not total:
            return
        lines.extend([f"### {title}", ""])
        shown = rows[:limit]
        lines.extend(shown)
        if total > len(shown):
            lines.append(f"- ... and {total - len(shown)} more")
        lines.append("")

    section("Newly missing", [f"- `{m}`" for m in changes.new_missing], counts["new_missing"])
    section("Changed on the Hub", [f"- `{m}`: {old} -> {new}" for m, old, new in changes.changed],
            counts["changed"])
    section("Now in the MOT catalog", [f"- `{m}`" for m in changes.became_known],
            counts["became_known"])
    return lines


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# -- the file -------------------------------------------------------------------
_COLUMNS = ("sha", "last_modified", "status", "draft", "drafted_sha", "drafted_last_modified",
            "seen", "run", "previous", "failed")
_SELECT = f"SELECT model_id, {', '.join(_COLUMNS)} FROM models"
_UPSERT = (f"INSERT OR REPLACE INTO models (model_id, {', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})")
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE models (model_id TEXT PRIMARY KEY, sha TEXT, last_modified TEXT, "
    "status TEXT, draft TEXT, drafted_sha TEXT, drafted_last_modified TEXT, seen TEXT, "
    "run TEXT, previous TEXT, failed TEXT) WITHOUT ROWID",  # previous: before `run`, JSON
    "CREATE INDEX models_run ON models (run, model_id)",  # the changes of one run, in id order
    "CREATE TABLE runs (spider TEXT PRIMARY KEY, data TEXT NOT NULL)",  # JSON
)
# Seconds a save waits for another process's transaction (scrapy-redis nodes).
BUSY_TIMEOUT = 60.0
_PAGE = 500  # rows per query when walking one run's records
# SQLite page cache per connection (KiB): lookups are indexed, the OS caches the file.
CACHE_KIB = 512


def _row(record: ModelRecord) -> tuple[Any, ...]:
    return tuple(json.dumps(record.previous, ensure_ascii=False) if name == "previous"
                 and record.previous is not None else getattr(record, name)
                 for name in _COLUMNS)


def _record(row: tuple[Any, ...]) -> tuple[str, ModelRecord]:
    values = dict(zip(_COLUMNS, row[1:], strict=True))
    if values["previous"] is not None:
        try:
            previous = json.loads(values["previous"])
        except ValueError:
            previous = None
        values["previous"] = previous if isinstance(previous, dict) else None
    return row[0], ModelRecord(**values)


def _start_run(runs: dict[str, Any], run_id: str, spider: str, info: dict[str, Any]) -> None:
    current = runs.get("current")
    if not (isinstance(current, dict) and current.get("id") == run_id):
        if isinstance(runs.get("last_finished"), dict):
            runs["before_current"] = runs["last_finished"]
        runs["current"] = {"id": run_id, "spider": spider, **info}


def _finish_run(runs: dict[str, Any], run_id: str, spider: str, info: dict[str, Any]) -> None:
    current = runs.get("current")
    current = dict(current if isinstance(current, dict) else {"id": run_id, "spider": spider})
    current.update(info)
    runs["last_finished"] = current


def _move_aside(path: Path, suffix: str) -> Path:
    aside = path.with_name(path.name + suffix)
    os.replace(path, aside)
    return aside


class StateStore:
    """The state file of one output setup, as seen by one run (``run_id``).

    Memory: the records touched since the last save (``pending``, at most
    MAX_PENDING when the caller saves as told by ``save_due``) and this spider's
    run summary; everything else is read from the file when asked for.

    The file uses SQLite's default rollback journal, not WAL: WAL needs shared
    memory between the processes, so it does not work on network file systems
    nor between machines, and scrapy-redis nodes may share the state folder over
    NFS/SMB; the rollback journal needs only file locks. Writers take the lock
    up front (``BEGIN IMMEDIATE``) and wait up to BUSY_TIMEOUT seconds for each
    other; saves are batched (every few seconds), so the lock is rarely held.
    """

    def __init__(self, path: Path, run_id: str, spider: str = "missing") -> None:
        self.path = path
        self.run_id = run_id
        self.spider = spider
        self.runs: dict[str, Any] = {}  # this spider's current / last_finished / before_current
        self.pending: dict[str, ModelRecord] = {}  # touched since the last save
        self.warning: str | None = None
        self._run_ops: list[tuple[Any, dict[str, Any]]] = []  # start/finish not yet saved
        self._db: sqlite3.Connection | None = None

    # -- file -----------------------------------------------------------------
    def _error(self, exc: sqlite3.Error) -> Exception:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            return StateError(f"state file {self.path} is unreadable: {exc}")
        return StateIOError(str(exc))

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            db.execute("BEGIN IMMEDIATE")
            try:
                tables = {name for (name,) in
                          db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not tables:  # a new file (or an empty one a crash left behind)
                    for statement in _SCHEMA:
                        db.execute(statement)
                    db.execute("INSERT INTO meta VALUES ('version', ?)", (str(STATE_VERSION),))
                else:
                    version = db.execute("SELECT value FROM meta WHERE key = 'version'") \
                        .fetchone() if "meta" in tables else None
                    if version == ("2",) and {"models", "runs"} <= tables:
                        # Version 2 lacks the failed column: add it (NULL: nothing failed).
                        db.execute("ALTER TABLE models ADD COLUMN failed TEXT")
                        db.execute("UPDATE meta SET value = ? WHERE key = 'version'",
                                   (str(STATE_VERSION),))
                        version = (str(STATE_VERSION),)
                    if version != (str(STATE_VERSION),) or not {"models", "runs"} <= tables:
                        raise StateError(f"state file {self.path} is not a motcrawl state file "
                                         f"(version {STATE_VERSION})")
                db.execute("COMMIT")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise self._error(exc) from None
        except BaseException:
            if db is not None:
                db.close()
            raise
        self._db = db
        return db

    def _read_runs(self, db: sqlite3.Connection) -> dict[str, Any]:
        row = db.execute("SELECT data FROM runs WHERE spider = ?", (self.spider,)).fetchone()
        try:
            runs = json.loads(row[0]) if row else {}
        except ValueError:
            runs = {}
        return runs if isinstance(runs, dict) else {}

    def load(self) -> StateStore:
        """Open the file (creating it); an unreadable file is moved aside.

        Raises StateIOError (an OSError) when the file cannot be opened at all.
        """
        try:
            db = self._connect()
        except StateError as exc:
            aside = _move_aside(self.path, ".corrupt")
            journal = self.path.with_name(self.path.name + "-journal")
            if journal.exists():  # never roll the corrupt file's journal into the new one
                _move_aside(journal, ".corrupt")
            self.warning = f"{exc}; moved to {aside}, starting afresh"
            db = self._connect()
        try:
            self.runs = self._read_runs(db)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        for op, info in self._run_ops:
            op(self.runs, self.run_id, self.spider, info)
        return self

    def save(self) -> None:
        """Write the records touched since the last save and the run summary, in one transaction.

        Raises StateIOError; the pending records are then kept for the next save.
        """
        if not self.pending and not self._run_ops and self._db is not None:
            return
        try:
            db = self._connect()
        except StateError as exc:
            raise StateIOError(str(exc)) from None
        runs = None
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(_UPSERT, ((model_id, *_row(record))
                                         for model_id, record in self.pending.items()))
                if self._run_ops:
                    # Re-read: another node of the same crawl may have started or finished it.
                    runs = self._read_runs(db)
                    for op, info in self._run_ops:
                        op(runs, self.run_id, self.spider, info)
                    db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)",
                               (self.spider, json.dumps(runs, ensure_ascii=False)))
                db.execute("COMMIT")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise StateIOError(str(exc)) from None
        self.pending.clear()
        self._run_ops.clear()
        if runs is not None:
            self.runs = runs

    def save_due(self) -> bool:
        """Enough touched records buffered: save now rather than at the next interval."""
        return len(self.pending) >= MAX_PENDING

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- reading ------------------------------------------------------------
    def get(self, model_id: str) -> ModelRecord | None:
        """The record as it is now (this run's changes included); None: not in the state.

        Raises StateIOError when the file cannot be read.
        """
        record = self.pending.get(model_id)
        if record is not None or self._db is None:
            return record
        try:
            row = self._db.execute(f"{_SELECT} WHERE model_id = ?", (model_id,)).fetchone()
        except sqlite3.Error as exc:
            raise StateIOError(str(exc)) from None
        return _record(row)[1] if row else None

    def baseline(self, model_id: str) -> ModelRecord | None:
        record = self.get(model_id)
        return record.baseline(self.run_id) if record else None

    def model_count(self) -> int:
        """Models recorded in the file (records not saved yet are not counted)."""
        if self._db is None:
            return 0
        try:
            return self._db.execute("SELECT COUNT(*) FROM models").fetchone()[0]
        except sqlite3.Error as exc:
            raise StateIOError(str(exc)) from None

    def touched(self) -> Iterator[tuple[str, ModelRecord]]:
        """Every record this run touched, saved or pending, in model id order.

        Read by pages (keyset on model_id), so neither the rows nor a read lock
        are held for the whole walk.
        """
        def saved() -> Iterator[tuple[str, ModelRecord]]:
            if self._db is None:
                return
            after = ""
            while True:
                try:
                    rows = self._db.execute(
                        f"{_SELECT} WHERE run = ? AND model_id > ? ORDER BY model_id LIMIT ?",
                        (self.run_id, after, _PAGE)).fetchall()
                except sqlite3.Error as exc:
                    raise StateIOError(str(exc)) from None
                for row in rows:
                    if row[0] not in self.pending:  # the pending record is newer
                        yield _record(row)
                if len(rows) < _PAGE:
                    return
                after = rows[-1][0]

        # SQLite's BINARY collation orders UTF-8 bytes, i.e. code points, as Python does.
        pending = sorted(((m, r) for m, r in self.pending.items() if r.run == self.run_id),
                         key=lambda pair: pair[0])
        return heapq.merge(saved(), pending, key=lambda pair: pair[0])

    def changes(self, limit: int | None = CHANGES_LISTED) -> Changes:
        """What changed since the previous run, over every record this run touched.

        For nodes sharing one run id that is the whole crawl, not one node's share.
        """
        return changes_since(((m, r.baseline(self.run_id), r) for m, r in self.touched()),
                             self.previous_run, limit=limit)

    @property
    def previous_run(self) -> dict[str, Any] | None:
        """The last finished run of this spider other than this one."""
        last = self.runs.get("last_finished")
        if isinstance(last, dict) and last.get("id") != self.run_id:
            return last
        before = self.runs.get("before_current")
        return before if isinstance(before, dict) else None

    # -- writing ------------------------------------------------------------
    def _touch(self, model_id: str) -> ModelRecord:
        record = self.get(model_id)
        if record is None:
            record = ModelRecord(run=self.run_id)
        elif record.run != self.run_id:
            previous = record.as_dict()
            previous.pop("previous", None)
            record = ModelRecord(**{**asdict(record), "run": self.run_id, "previous": previous})
        self.pending[model_id] = record
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

    def failed_draft(self, model_id: str, reason: str) -> None:
        """The model's draft failed: the next run drafts it again (RETRY)."""
        self._touch(model_id).failed = reason[:200] or "failed"

    def drafted(self, model_id: str, path: Path, sha: str | None,
                last_modified: str | None) -> None:
        record = self._touch(model_id)
        record.failed = None
        record.draft = str(path)
        record.drafted_sha = sha
        record.drafted_last_modified = last_modified

    def _run_op(self, op: Any, info: dict[str, Any]) -> None:
        op(self.runs, self.run_id, self.spider, info)
        self._run_ops.append((op, info))

    def start_run(self, info: dict[str, Any]) -> None:
        """Remember the run; the last finished run is the baseline the report names."""
        self._run_op(_start_run, info)

    def finish_run(self, info: dict[str, Any]) -> None:
        self._run_op(_finish_run, info)
