"""Assemble a MOT model document from detections, license and release fields.

Key order follows MOT's own files: ``framework``, then ``release`` with name,
version, date, license, type, architecture, treatment, origin, producer,
contact, repository, huggingface, components.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from motcrawl.analysis.detect import Detection, included
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field
from motcrawl.mof.framework import BY_NAME, FRAMEWORK

RELEASE_ORDER = ("name", "version", "date", "license", "type", "architecture", "treatment",
                 "origin", "producer", "contact", "repository", "huggingface", "components")


def build_document(
    fields: dict[str, Field],
    license_finding: LicenseFinding,
    detections: list[Detection],
    *,
    code_license: LicenseFinding | None = None,
    repository: str = "",
) -> dict[str, Any]:
    """The MOT document for a draft. Components inherit the distribution license
    unless a component-specific license is known (then it is written on the component)."""
    license_block: dict[str, Any] = {
        "distribution": {"name": license_finding.name, "path": license_finding.path},
    }
    if code_license is not None and code_license.known \
            and code_license.name != license_finding.name:
        license_block["code"] = {"name": code_license.name, "path": code_license.path}
    components = []
    for det in included(detections):
        entry: dict[str, Any] = {"name": det.name, "description": BY_NAME[det.name].description}
        if det.license and det.license != license_finding.name:
            entry["license"] = det.license
        if det.component_path:
            entry["component_path"] = det.component_path
        components.append(entry)
    values = {k: f.value for k, f in fields.items()}
    release: dict[str, Any] = {}
    for key in RELEASE_ORDER:
        if key == "license":
            release["license"] = license_block
        elif key == "components":
            release["components"] = components
        elif key == "contact":
            release["contact"] = ""
        elif key == "repository":
            release["repository"] = repository
        elif key == "treatment":
            if values.get("treatment"):
                release["treatment"] = values["treatment"]
        elif key in values:
            release[key] = values[key] or ""
    if not release.get("date"):
        release.pop("date", None)  # the schema's date format rejects ''
    return {"framework": dict(FRAMEWORK), "release": release}


def today() -> str:
    return date.today().isoformat()
