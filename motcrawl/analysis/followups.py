"""Which optional requests a model needs once its info and card are in.

Two requests beyond info + card are made only when a detector needs them:
- ``/api/models/{id}/refs`` when the card or file list hints at checkpoints
  (``revision=``, "checkpoint", "step"): the only source of checkpoint branches;
- ``/resolve/main/LICENSE`` when neither card nor tags name a license but the
  repository has a LICENSE file.
"""

from __future__ import annotations

import re
from typing import Any

from motcrawl.analysis.licenses import detect_license, license_files
from motcrawl.web import hf

_CHECKPOINT_HINT_RE = re.compile(
    r"revision\s*=|intermediate|checkpoints?\b|\bstep\d|\bbranch(es)?\b|\bckpt", re.I)
_CHECKPOINT_FILE_RE = re.compile(r"(^|/)(checkpoint|step|ckpt)", re.I)


def needs_refs(info_payload: dict[str, Any], card_text: str | None) -> bool:
    files = hf.sibling_names(hf.parse_model_info(info_payload))
    return bool(_CHECKPOINT_HINT_RE.search((card_text or "")[:200_000])) or any(
        _CHECKPOINT_FILE_RE.search(f) for f in files)


def license_file_to_fetch(info_payload: dict[str, Any], card_text: str | None) -> str | None:
    """The LICENSE file to read, when nothing else names the model's license."""
    info = hf.parse_model_info(info_payload)
    card = hf.parse_card(card_text or "")
    data = card.data or (info.card_data.to_dict() if info.card_data else {})
    files = license_files(hf.sibling_names(info))
    if not files or detect_license(data, list(info.tags or []), []).known:
        return None
    return files[0]
