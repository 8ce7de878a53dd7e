"""The real-card corpus (tests/fixtures/realcards) as the Hub answers a crawl would get.

Each model folder holds the verbatim card (README.md), optionally the real
config.json, and source.json (where they came from, the file list when one was
found, and for models MOT lacks a curator's ``truth`` for the release fields).

The info JSON is built only from what the fixture really holds:

- ``cardData``: the card's front matter (nothing when the card has none);
- ``config``: config.json when the fixture has it;
- ``siblings``: source.json's list when one was found, else only README.md (and
  config.json when present) - and the file list is then marked *unknown*;
- ``pipeline_tag`` / ``library_name``: only when the front matter states them;
- ``tags``: the card's own ``tags`` plus what the Hub derives from front-matter
  fields (``license:``, ``dataset:``, ``base_model:``), never the Hub's other
  tags (arxiv, model type, region), which the fixture does not hold.

``APPROXIMATIONS`` lists these departures from a real info answer; the
benchmark prints them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcrawl.analysis.metadata import str_list
from motcrawl.web.hf import parse_card

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "realcards"
SPLIT_FILE = CORPUS / "SPLIT.json"

APPROXIMATIONS = (
    "info JSON built from the fixture: cardData = front matter, config = config.json if kept",
    "pipeline_tag and library_name only when the card's front matter states them",
    "tags = the card's tags + license:/dataset:/base_model: derived from front matter "
    "(no arxiv:, model-type or region tags)",
    "no file list in the fixture: siblings = README.md (+ config.json); file-based "
    "components (weights, checkpoints, metadata, modeling code) are 'unknown' unless claimed",
    "no refs (branches) and no createdAt; no LICENSE file text",
)


@dataclass
class CorpusModel:
    model_id: str
    info: dict[str, Any]
    card: str
    files_known: bool
    mot_file: str | None
    truth: dict[str, Any] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)


def _derived_tags(front: dict[str, Any]) -> list[str]:
    tags = str_list(front.get("tags"))
    tags += [f"license:{v}" for v in str_list(front.get("license"))]
    tags += [f"dataset:{v}" for v in str_list(front.get("datasets"))]
    tags += [f"base_model:{v}" for v in str_list(front.get("base_model"))]
    return list(dict.fromkeys(tags))


def info_from_fixture(model_id: str, card_text: str, config: dict[str, Any] | None,
                      siblings: list[str] | None) -> dict[str, Any]:
    """A Hub info answer holding only what the fixture holds (see the module doc)."""
    front = parse_card(card_text).data
    files = list(siblings) if siblings else ["README.md"] + (["config.json"] if config else [])
    info: dict[str, Any] = {
        "id": model_id, "author": model_id.split("/")[0], "cardData": front,
        "tags": _derived_tags(front), "siblings": [{"rfilename": f} for f in files],
    }
    if config is not None:
        info["config"] = config
    for key in ("pipeline_tag", "library_name"):
        if isinstance(front.get(key), str) and front[key].strip():
            info[key] = front[key].strip()
    return info


def load_split() -> dict[str, str]:
    """model id (lower case) -> "dev" | "report" | "fresh", as recorded in SPLIT.json."""
    data = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    return {m.lower(): half for half in ("dev", "report", "fresh") for m in data.get(half, [])}


def load_corpus() -> list[CorpusModel]:
    out = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "source.json").is_file()):
        source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
        card = (folder / "README.md").read_text(encoding="utf-8")
        config_path = folder / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8")) \
            if config_path.is_file() else None
        siblings = source.get("siblings") if isinstance(source.get("siblings"), list) else None
        model_id = str(source["model_id"])
        out.append(CorpusModel(
            model_id=model_id, info=info_from_fixture(model_id, card, config, siblings),
            card=card, files_known=bool(siblings), mot_file=source.get("mot_file") or None,
            truth=source.get("truth") or {}, kinds=list(source.get("kinds") or [])))
    return out
