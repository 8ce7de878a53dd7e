"""Write tests/fixtures/realcards/MANIFEST.md from each model's source.json.

    python scripts/realcards_manifest.py

One row per model: where its card (and config, file list) was copied from, what was
approximated, and which MOT file is its truth. The per-model source.json stays the record;
this page is the overview a reviewer reads.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "realcards"


def _where(src: dict | None) -> str:
    if not src:
        return "-"
    repo, path, commit = src.get("repo"), src.get("path"), src.get("commit")
    if not repo:
        return "index id only"
    return f"`{repo}` `{path}`" + (f" @{commit[:10]}" if commit else "")


def manifest() -> str:
    rows = []
    for source in sorted(ROOT.glob("*/source.json")):
        record = json.loads(source.read_text(encoding="utf-8"))
        rows.append("| {id} | {kinds} | {mot} | {card} | {config} | {files} | {approx} |".format(
            id=record["model_id"], kinds=", ".join(record.get("kinds") or []),
            mot=record.get("mot_file") or "(truth in source.json)",
            card=_where(record.get("card")), config=_where(record.get("config")),
            files="yes" if record.get("siblings") else "-",
            approx="; ".join(record.get("approximated") or []).replace("|", "/")))
    head = ["# Real-card corpus", "",
            f"{len(rows)} Hugging Face model repositories. Each folder holds the whole card "
            "(`README.md`) copied byte for byte from a stored public copy, `config.json` when a "
            "real copy was found, and `source.json` (sources, file list, what was approximated, "
            "MOT file or judged truth). `_github/` holds file trees (paths only) of repositories "
            "the cards link. Regenerate this page with `python scripts/realcards_manifest.py`.", "",
            "| model | kinds | MOT file | card copied from | config | file list | approximated |",
            "|---|---|---|---|---|---|---|"]
    return "\n".join(head + rows) + "\n"


if __name__ == "__main__":
    (ROOT / "MANIFEST.md").write_text(manifest(), encoding="utf-8")
    print(ROOT / "MANIFEST.md")
