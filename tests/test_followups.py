"""Optional follow-up requests are asked for only when a detector needs them."""

import pytest

from motcrawl.analysis.evidence import ModelEvidence, build_evidence
from motcrawl.analysis.followups import license_file_to_fetch, needs_refs
from tests.evidence_helpers import info_payload


def _ev(files: list[str], card: str | None, **fields) -> ModelEvidence:
    payload = info_payload(siblings=[{"rfilename": f} for f in files], **fields)
    return build_evidence(payload["id"], payload, card, "ok" if card is not None else "missing")


@pytest.mark.parametrize(("files", "card", "expected"), [
    (["README.md", "model.safetensors"], "# M\nA plain card.", False),
    (["README.md"], 'Load `revision="step1000"` for a checkpoint.', True),
    (["README.md"], "We release intermediate checkpoints.", True),
    (["README.md", "checkpoint-500/model.safetensors"], "# M", True),
    (["README.md"], None, False),
])
def test_needs_refs(files, card, expected) -> None:
    assert needs_refs(_ev(files, card)) is expected


@pytest.mark.parametrize(("files", "card", "tags", "expected"), [
    (["README.md", "LICENSE"], "---\nlicense: mit\n---\n# M", [], None),
    (["README.md", "LICENSE"], "# M", ["license:apache-2.0"], None),
    (["README.md", "LICENSE-CODE", "LICENSE-MODEL"], "# M", [], "LICENSE-MODEL"),
    (["README.md", "LICENSE.txt"], "---\nlicense: other\n---\n# M", [], "LICENSE.txt"),
    (["README.md"], "# M", [], None),
])
def test_license_file_to_fetch(files, card, tags, expected) -> None:
    assert license_file_to_fetch(_ev(files, card, tags=tags)) == expected
