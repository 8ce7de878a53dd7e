"""Build ModelEvidence from small hand-written Hub answers (real field names)."""

from __future__ import annotations

from typing import Any

from motcrawl.analysis.evidence import ModelEvidence, build_evidence


def info_payload(model_id: str = "org/model-7b", **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "_id": "0" * 24, "id": model_id, "author": model_id.split("/")[0], "sha": "f" * 40,
        "createdAt": "2024-02-01T10:00:00.000Z", "lastModified": "2024-03-01T10:00:00.000Z",
        "downloads": 1000, "likes": 10, "gated": False, "library_name": "transformers",
        "pipeline_tag": "text-generation", "tags": [], "siblings": [{"rfilename": "README.md"}],
    }
    payload.update(fields)
    return payload


def evidence(card: str = "", *, model_id: str = "org/model-7b", files: list[str] | None = None,
             refs: list[str] | None = None, card_status: str = "ok", **fields: Any,
             ) -> ModelEvidence:
    if files is not None:
        fields["siblings"] = [{"rfilename": f} for f in files]
    return build_evidence(model_id, info_payload(model_id, **fields), card, card_status,
                          refs=refs)
