"""Split the real-card corpus into a development half and a report-only half,
plus the report-only ``fresh`` set.

The split is decided by the model id alone (never by results): a model is in
the development half when the first 8 hex digits of SHA-256 of its lower-cased
id are even. A model whose source.json says ``"set": "fresh"`` was added after
the detectors had been written (2 December 2026), by people who had not worked
on them, and is never tuned on: it goes to ``fresh`` whatever its hash.
``tests/fixtures/realcards/SPLIT.json`` records the assignment; run this after
cards are added to record theirs (existing entries never move).

    python benchmarks/realcards_split.py [--check]

``--check`` exits 1 when SPLIT.json is missing a model or disagrees with the rule.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "realcards"
SPLIT_FILE = CORPUS / "SPLIT.json"
RULE = ("dev when int(sha256(model_id.lower()).hexdigest()[:8], 16) is even, "
        "else report; decided by the id alone, before any result was seen")
FRESH_RULE = ("fresh: source.json says \"set\": \"fresh\" (added 2026-12-02 after the "
              "detectors were written, by helpers who had not worked on them); report-only")
SETS = ("dev", "report", "fresh")


def half_of(model_id: str) -> str:
    digest = hashlib.sha256(model_id.lower().encode("utf-8")).hexdigest()
    return "dev" if int(digest[:8], 16) % 2 == 0 else "report"


def corpus_ids() -> list[tuple[str, bool]]:
    """(model id, whether its source.json puts it in the fresh set) per corpus model."""
    ids = []
    for source in sorted(CORPUS.glob("*/source.json")):
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
            ids.append((str(data["model_id"]), data.get("set") == "fresh"))
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            raise SystemExit(f"{source}: unreadable source.json ({exc})") from None
    return ids


def split(ids: list[tuple[str, bool]]) -> dict[str, object]:
    sets: dict[str, list[str]] = {name: [] for name in SETS}
    for model_id, fresh in sorted(ids, key=lambda i: i[0].lower()):
        sets["fresh" if fresh else half_of(model_id)].append(model_id)
    return {"rule": RULE, "fresh_rule": FRESH_RULE, **sets}


def main(argv: list[str]) -> int:
    wanted = split(corpus_ids())
    if "--check" in argv:
        try:
            recorded = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{SPLIT_FILE}: {exc}")
            return 1
        same = all(sorted(recorded.get(h, [])) == sorted(wanted[h]) for h in SETS)
        print("SPLIT.json agrees with the rule" if same else "SPLIT.json is out of date")
        return 0 if same else 1
    SPLIT_FILE.write_text(json.dumps(wanted, indent=1) + "\n", encoding="utf-8")
    print(f"{SPLIT_FILE}: " + ", ".join(f"{len(wanted[h])} {h}" for h in SETS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
