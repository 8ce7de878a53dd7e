"""Confidence of a draft: per component, per release field, and one overall score."""

from __future__ import annotations

from dataclasses import dataclass, field

from motcrawl.analysis.detect import Detection, included
from motcrawl.analysis.licenses import LicenseFinding
from motcrawl.analysis.release import Field

# How much each release field matters to a reviewer; name/license/producer are
# required by MOF's schema, type/architecture drive MOT's listing filters.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 2.0, "producer": 2.0, "license": 2.0, "type": 1.5, "architecture": 1.5,
    "date": 1.0, "version": 1.0, "origin": 0.5, "treatment": 0.5,
}
REVIEW_BELOW = 0.7  # fields and components under this go on the review checklist


@dataclass
class Confidence:
    components: dict[str, float]
    fields: dict[str, float]
    overall: float
    review: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"components": self.components, "fields": self.fields, "overall": self.overall,
                "review": self.review}


def score(detections: list[Detection], fields: dict[str, Field],
          license_finding: LicenseFinding) -> Confidence:
    """Overall = weighted mean of release-field confidences, averaged with the mean
    confidence of the components the draft claims (a draft claiming nothing scores
    on its fields alone, halved: it tells a reviewer little)."""
    field_conf = {k: f.confidence for k, f in fields.items() if k in FIELD_WEIGHTS}
    field_conf["license"] = license_finding.confidence
    weights = sum(FIELD_WEIGHTS[k] for k in field_conf)
    field_score = sum(FIELD_WEIGHTS[k] * c for k, c in field_conf.items()) / weights
    claimed = included(detections)
    if claimed:
        comp_score = sum(d.confidence for d in claimed) / len(claimed)
        overall = (field_score + comp_score) / 2
    else:
        overall = field_score / 2
    review = [f"release.{k}: {c:.2f}" for k, c in sorted(field_conf.items(), key=lambda x: x[1])
              if c < REVIEW_BELOW]
    review += [f"{d.name}: {d.confidence:.2f}" for d in sorted(claimed,
                                                              key=lambda d: d.confidence)
               if d.confidence < REVIEW_BELOW]
    return Confidence(
        components={d.name: d.confidence for d in detections},
        fields={k: round(c, 2) for k, c in field_conf.items()},
        overall=round(overall, 2),
        review=review,
    )
