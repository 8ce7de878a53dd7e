"""Dependencies that install and run (issue 15): lower bounds the code really runs on, tested
by CI with the lowest allowed versions (.ci/run, ci/constraints-lowest.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(group: str | None) -> dict[str, Requirement]:
    lines = PYPROJECT["dependencies"] if group is None else PYPROJECT[
        "optional-dependencies"][group]
    reqs = [Requirement(line) for line in lines]
    return {r.name.lower().replace("_", "-"): r for r in reqs}


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "ci" / "constraints-lowest.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _lower_bound(req: Requirement) -> str:
    bounds = [s.version for s in req.specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{req}: one lower bound (>=)"
    return bounds[0]


def test_every_runtime_and_deploy_dependency_is_pinned_at_its_lower_bound_for_ci():
    pins = _pins()
    for group in (None, "deploy"):
        for name, req in _requirements(group).items():
            assert name in pins, f"{name} missing from ci/constraints-lowest.txt"
            assert Version(pins[name]) == Version(_lower_bound(req)), (
                f"{name}: CI installs {pins[name]}, pyproject allows >={_lower_bound(req)}")


def test_lower_bounds_are_those_the_code_needs():
    runtime = _requirements(None)
    assert "2.18" in runtime["scrapy"].specifier            # scrapy.utils.asyncio.sleep
    assert "2.17" not in runtime["scrapy"].specifier
    assert "1.2" in runtime["huggingface-hub"].specifier   # parse_ratelimit_headers
    assert "1.1" not in runtime["huggingface-hub"].specifier
    assert "3.0" not in runtime["huggingface-hub"].specifier   # an upper bound


def test_no_unused_extras():
    # jsonschema[format-nongpl] pulled 9 packages for the 'date' format, which jsonschema
    # checks on its own (tests/test_validation.py: an impossible date is invalid).
    for group in (None, "deploy"):
        for req in _requirements(group).values():
            assert not req.extras, f"{req}: extras nothing uses"


def test_internals_are_bounded_above():
    for group in ("deploy", "test"):
        spec = _requirements(group)["scrapy-redis"].specifier
        assert any(s.operator == "<" for s in spec), "scrapy-redis internals: an upper bound"


def test_the_apis_the_lower_bounds_are_for():
    from huggingface_hub.utils import parse_ratelimit_headers
    from scrapy.utils.asyncio import sleep

    assert callable(sleep) and callable(parse_ratelimit_headers)


def test_ci_runs_the_tests_on_the_lowest_versions():
    script = (ROOT / ".ci" / "run").read_text()
    assert "-c ci/constraints-lowest.txt" in script
    install = script.index("-c ci/constraints-lowest.txt")
    assert "pytest" in script[install:]
