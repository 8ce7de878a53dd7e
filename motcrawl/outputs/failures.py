"""The failures file: one JSON line per model that could not be drafted.

``-a ids_file=`` reads it back, so a maintainer can retry exactly the failures.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path


class FailureLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0

    def reset(self) -> None:
        """Start the file afresh: it lists one crawl's failures (ids_file was read already)."""
        self.path.unlink(missing_ok=True)

    def record(self, model_id: str, stage: str, reason: str) -> None:
        """Append one line; each line is written whole and flushed to disk."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"model_id": model_id, "stage": stage, "reason": reason,
                           "time": datetime.now(timezone.utc).isoformat(timespec="seconds")},
                          ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.count += 1
