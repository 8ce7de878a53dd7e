"""Which optional requests a model needs once its info and card are in.

Two requests beyond info + card are made only when a detector needs them:
- ``/api/models/{id}/refs`` when the card or file list hints at checkpoints
  (``revision=``, "checkpoint", "step"): the only source of checkpoint branches;
- ``/resolve/main/LICENSE`` when neither card nor tags name a license but the
  repository has a LICENSE file.
"""

from __future__ import annotations

import re

from motcrawl.analysis.evidence import ModelEvidence
from motcrawl.analysis.licenses import detect_license, license_files

_CHECKPOINT_HINT_RE = re.compile(
    r"revision\s*=|intermediate|checkpoints?\b|\bstep\d|\bbranch(es)?\b|\bckpt", re.I)
_CHECKPOINT_FILE_RE = re.compile(r"(^|/)(checkpoint|step|ckpt)", re.I)


def needs_refs(ev: ModelEvidence) -> bool:
    """Whether the card text or the file list hints at checkpoint branches."""
    return bool(_CHECKPOINT_HINT_RE.search((ev.card_text or "")[:200_000])) or any(
        _CHECKPOINT_FILE_RE.search(f) for f in ev.files)


def license_file_to_fetch(ev: ModelEvidence) -> str | None:
    """The LICENSE file to read, when neither the card's metadata nor the tags name the
    model's license (the file outranks the card's prose, so that is not asked)."""
    files = license_files(ev.files)
    if not files or detect_license(ev.card_data, ev.tags, []).known:
        return None
    return files[0]
