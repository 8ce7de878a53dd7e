"""`FakeMOTApi`: the Model Openness Tool's public REST API, served locally.

    GET /api/v1/models?page=N&limit=L   (1-indexed pages; past the end: empty list)
    GET /api/v1/model/{id}

Answers have the shape of MOT's own (see ../shared/mot/test_data/expected_results.json):
`{"pager": {"total_items", "total_pages", "current_page"}, "models": [...]}`, each
model with `id`, `framework`, `release`, `classification`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.fakes.server import FakeService, RecordedRequest, Response

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
UNCLASSIFIED = {"class": 0, "label": "Unclassified", "progress": {"1": 0, "2": 0, "3": 0}}


def as_api_model(entry: dict[str, Any], index: int) -> dict[str, Any]:
    """A MOT model file (framework + release) or an API model, as the API serves it."""
    model = {
        "id": str(entry.get("id", index)),
        "framework": entry.get("framework")
        or {"name": "Model Openness Framework", "version": "1.0"},
        "release": entry["release"],
        "classification": entry.get("classification") or dict(UNCLASSIFIED),
    }
    return model


def load_catalog(models_dir: Path | str) -> list[dict[str, Any]]:
    """The MOT catalog's `models/*.yml`, sorted by file name, as plain dicts."""
    import yaml

    entries = []
    for path in sorted(Path(models_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("release"), dict):
            entries.append(data)
    return entries


class FakeMOTApi(FakeService):
    def __init__(self, models: Iterable[dict[str, Any]] = (), **kwargs: Any):
        super().__init__(**kwargs)
        self.models = [as_api_model(m, i) for i, m in enumerate(models, start=1)]
        self.route("GET", "/api/v1/models", self._list)
        self.route("GET", "/api/v1/model/{model_id}", self._one)

    @classmethod
    def from_catalog(cls, models_dir: Path | str, **kwargs: Any) -> FakeMOTApi:
        return cls(load_catalog(models_dir), **kwargs)

    def _list(self, request: RecordedRequest) -> Response:
        try:
            page = int(request.arg("page") or 1)
            limit = int(request.arg("limit") or DEFAULT_LIMIT)
        except ValueError:
            return Response.json({"error": "Invalid paging parameters"}, status=400)
        page = max(page, 1)
        limit = min(max(limit, 1), MAX_LIMIT)
        total = len(self.models)
        start = (page - 1) * limit
        return Response.json(
            {
                "pager": {
                    "total_items": total,
                    "total_pages": math.ceil(total / limit),
                    "current_page": page,
                },
                "models": self.models[start : start + limit],
            }
        )

    def _one(self, request: RecordedRequest, model_id: str) -> Response:
        for model in self.models:
            if model["id"] == model_id:
                return Response.json(model)
        return Response.json({"error": "Model not found"}, status=404)
