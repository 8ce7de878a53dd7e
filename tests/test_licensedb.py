import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcrawl.mof.license_facts import License, LicenseDB, load_facts
from tests.conftest import MOT, needs_mot

ROOT = Path(__file__).resolve().parents[1]




@pytest.fixture(scope="module")
def default_db() -> LicenseDB:
    return LicenseDB.default()


@pytest.mark.parametrize(
    ("license_id", "is_open"),
    [
        ("MIT", True),
        ("mit", True),  # SPDX ids match case-insensitively
        ("Apache-2.0", True),
        ("GPL-3.0-only", True),
        ("GPL-2.0", True),  # deprecated SPDX alias
        ("CC-BY-4.0", True),
        ("CC-BY-3.0-NL", True),
        ("CC-BY-SA-4.0", True),
        ("CC-BY-NC-4.0", False),
        ("CC-BY-ND-4.0", False),
        ("CC-BY-NC-SA-4.0", False),
        ("CC0-1.0", True),
        ("ODbL-1.0", True),
        ("ODC-By-1.0", True),
        ("CDLA-Permissive-2.0", True),
        ("OGL-UK-3.0", True),
        ("GFDL-1.3", True),
        ("OpenMDW-1.0", True),
        ("openmdw-1.0", True),
        ("llama3.1", False),
        ("gemma", False),
        ("openrail", False),
        ("creativeml-openrail-m", False),
        ("Other license", False),
        ("", False),
        (None, False),
    ],
)
def test_default_is_open(default_db: LicenseDB, license_id: str | None, is_open: bool) -> None:
    assert default_db.is_open(license_id) is is_open


@pytest.mark.parametrize(
    ("license_id", "content_type", "appropriate"),
    [
        ("MIT", "code", True),
        ("MIT", "data", False),
        ("MIT", "document", False),
        ("Apache-2.0", "document", True),
        ("CC-BY-4.0", "data", True),
        ("CC-BY-4.0", "document", True),
        ("CC-BY-4.0", "code", False),
        ("CDLA-Permissive-2.0", "data", True),
        ("CDLA-Permissive-2.0", "document", False),
        ("GFDL-1.3", "document", True),
        ("OpenMDW-1.0", "code", True),
        ("OpenMDW-1.0", "data", True),
        ("OpenMDW-1.0", "document", True),
        ("llama3", "code", False),
        (None, "code", False),
    ],
)
def test_default_is_appropriate(
    default_db: LicenseDB, license_id: str | None, content_type: str, appropriate: bool
) -> None:
    assert default_db.is_appropriate(license_id, content_type) is appropriate


def test_unknown_content_type_is_an_error(default_db: LicenseDB) -> None:
    with pytest.raises(ValueError, match="weights"):
        default_db.is_appropriate("MIT", "weights")


@pytest.mark.parametrize(("license_id", "known"), [("MIT", True), ("llama4", True),
                                                   ("not-a-license", False), (None, False)])
def test_default_is_known(default_db: LicenseDB, license_id: str | None, known: bool) -> None:
    assert default_db.is_known(license_id) is known


@pytest.mark.parametrize(("license_id", "name"), sorted(load_facts()["not_open"].items()))
def test_ai_licenses_are_known_named_and_never_open(
    default_db: LicenseDB, license_id: str, name: str
) -> None:
    assert default_db.is_known(license_id)
    assert default_db.name(license_id.upper()) == name
    assert not default_db.is_open(license_id)
    assert default_db.is_known(name) and not default_db.is_open(name)


def test_canonical_spelling(default_db: LicenseDB) -> None:
    assert default_db.canonical("apache-2.0") == "Apache-2.0"
    assert default_db.canonical("nope") is None


ID_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+")


@given(st.one_of(st.sampled_from(["mit", "cc-by-4.0", "odbl-1.0", "llama3", "gpl-2.0+"]),
                 st.text(ID_CHARS, min_size=1, max_size=20)))
def test_default_ignores_case(license_id: str) -> None:
    db = LicenseDB.default()
    for variant in (license_id.upper(), license_id.lower(), license_id.swapcase()):
        assert db.is_open(variant) is db.is_open(license_id)
        assert db.is_known(variant) is db.is_known(license_id)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text(json.dumps({"licenseListVersion": "test", "licenses": rows}))
    return path


@pytest.fixture
def mot_files(tmp_path: Path) -> tuple[Path, Path]:
    spdx = _write(tmp_path / "licenses.json", [
        {"licenseId": "MIT", "name": "MIT License", "isOsiApproved": True},
        {"licenseId": "FSF-ONLY", "name": "Libre", "isOsiApproved": False, "isFsfLibre": True},
        {"licenseId": "CLOSED", "name": "Closed", "isOsiApproved": False},
        {"licenseId": "CC0-1.0", "name": "CC0", "isOsiApproved": False},
    ])
    mof = _write(tmp_path / "mof-licenses.json", [
        {"licenseId": "CC0-1.0", "name": "CC0", "isOsiApproved": False, "ContentType": "data"},
        {"licenseId": "CC0-1.0", "name": "CC0", "ContentType": "document"},
        {"licenseId": "MIT", "name": "MIT", "isOsiApproved": True, "ContentType": ["code"]},
        {"licenseId": "CLOSED", "name": "Closed", "isOsiApproved": True, "ContentType": "code"},
    ])
    return spdx, mof


@pytest.mark.parametrize(
    ("license_id", "is_open"),
    [
        ("MIT", True),
        ("mit", False),  # MOT compares with PHP in_array: exact case
        ("FSF-ONLY", True),
        ("CLOSED", False),
        ("CC0-1.0", True),  # open data
        ("CC-BY-3.0-NL", True),  # open data, even though this file does not list it
        ("OpenMDW-1.0", True),
        ("Apache-2.0", False),  # not in this (tiny) license file
    ],
)
def test_from_mot_licenses_json(
    mot_files: tuple[Path, Path], license_id: str, is_open: bool
) -> None:
    db = LicenseDB.from_mot_file(mot_files[0])
    assert db.is_open(license_id) is is_open


def test_from_mot_file_case_insensitive_option(mot_files: tuple[Path, Path]) -> None:
    db = LicenseDB.from_mot_file(mot_files[0], case_sensitive=False)
    assert db.is_open("mit")
    assert db.canonical("mit") == "MIT"


def test_from_mot_file_content_types_and_first_file_wins(mot_files: tuple[Path, Path]) -> None:
    spdx, mof = mot_files
    db = LicenseDB.from_mot_file(mof, spdx)
    assert db.content_types("CC0-1.0") == {"data", "document"}  # listed twice: union
    assert db.content_types("MIT") == {"code"}  # ContentType given as a list
    assert db.is_open("CLOSED")  # mof-licenses.json came first and says OSI-approved
    assert db.is_open("FSF-ONLY")
    assert db.content_types("FSF-ONLY") == frozenset()  # licenses.json has no ContentType
    assert not db.is_appropriate("FSF-ONLY", "code")


def test_license_db_from_plain_entries() -> None:
    db = LicenseDB([License("X-1", "X", True, frozenset({"data"}))], case_sensitive=True)
    assert db.is_open("X-1") and not db.is_open("x-1")
    assert db.is_appropriate("X-1", "data") and not db.is_appropriate("X-1", "code")


@needs_mot
def test_real_mot_license_files() -> None:
    assert MOT is not None
    spdx = LicenseDB.from_mot_file(MOT / "licenses.json")
    assert len(spdx) == 659
    assert spdx.is_open("Apache-2.0") and spdx.is_open("GPL-3.0-or-later")
    assert not spdx.is_open("CC-BY-NC-4.0") and not spdx.is_open("ADSL")
    both = LicenseDB.from_mot_file(MOT / "mof-licenses.json", MOT / "licenses.json")
    assert both.content_types("Apache-2.0") == {"code", "document"}
    assert both.content_types("CC0-1.0") == {"data", "document"}
    assert both.content_types("OpenMDW-1.0") == {"code", "data", "document"}
    assert both.is_open("OpenMDW-1.0")
