"""The failures file: one JSON line per model that could not be drafted.

``-a ids_file=`` reads it back, so a maintainer can retry exactly the failures.

Each line is one ``write`` on a file opened for appending; if the disk fills up
(or the file hits a size limit) in the middle of a line, the file is cut back
to where the line began, so it never ends in a torn line, and the failure is
counted as not recorded (``unrecorded``): the summary says how many.
Failures of an earlier run are never deleted: a new run moves the last run's
file aside (``failures.<time>.jsonl``, the time it was last written).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

# Characters besides \n and \r that str.splitlines() breaks at, as JSON escapes.
_LINE_BREAKS = {c: f"\\u{c:04x}" for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}


class FailureLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0        # lines written by this crawl
        self.unrecorded = 0   # failures that could not be written
        self.error: str | None = None  # why the last one could not be written

    def reset(self) -> Path | None:
        """Start a new file for this crawl; an earlier crawl's failures are moved aside."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        if stat.st_size == 0:
            self.path.unlink(missing_ok=True)
            return None
        stamp = datetime.fromtimestamp(stat.st_mtime, timezone.utc).strftime("%Y-%m-%dT%H-%M-%S")
        aside = self.path.with_name(f"{self.path.stem}.{stamp}{self.path.suffix}")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.path.stem}.{stamp}-{number}{self.path.suffix}")
        os.replace(self.path, aside)
        return aside

    def record(self, model_id: str, stage: str, reason: str) -> bool:
        """Append one whole line and fsync it; False (and counted) if it could not be written."""
        line = json.dumps({"model_id": model_id, "stage": stage, "reason": reason,
                           "time": datetime.now(timezone.utc).isoformat(timespec="seconds")},
                          ensure_ascii=False)
        # Readers split lines with str.splitlines(), which also breaks at NEL, LS and PS:
        # escaped, a reason holding one stays on its line.
        line = line.translate(_LINE_BREAKS) + "\n"
        data = line.encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as exc:
            return self._lost(exc)
        try:
            start = os.fstat(fd).st_size
            try:
                written = os.write(fd, data)
                if written != len(data):
                    raise OSError(f"short write ({written} of {len(data)} bytes)")
                os.fsync(fd)
            except OSError as exc:
                try:
                    os.ftruncate(fd, start)  # never leave a torn line behind
                except OSError:
                    pass
                return self._lost(exc)
        finally:
            os.close(fd)
        self.count += 1
        return True

    def _lost(self, exc: OSError) -> bool:
        self.unrecorded += 1
        self.error = exc.strerror or str(exc)
        return False
