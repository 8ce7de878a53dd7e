"""The scrapyd egg: built by scrapyd-client, carrying the data files, loading them from the zip."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy_helpers import PROJECT_ROOT, clean_env


@pytest.fixture(scope="module")
def egg(project_egg: Path) -> Path:
    return project_egg


def test_egg_holds_package_data_and_the_settings_entry_point(egg):
    with zipfile.ZipFile(egg) as zf:
        names = set(zf.namelist())
        entry_points = zf.read("EGG-INFO/entry_points.txt").decode()
    data = {p.relative_to(PROJECT_ROOT).as_posix()
            for p in (PROJECT_ROOT / "motcrawl" / "data").iterdir() if p.is_file()}
    assert data and data <= names
    assert "motcrawl/spiders/missing.py" in names or "motcrawl/spiders/model.py" in names
    assert not any(n.startswith("tests/") for n in names)
    assert re.search(r"\[scrapy\]\s+settings = motcrawl.settings", entry_points)


def test_the_schema_loads_from_the_zipped_egg(egg, tmp_path):
    """What scrapyd does: the egg on sys.path, imported through zipimport, no checkout."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import motcrawl, motcrawl.mof.schema as v;"
        "assert motcrawl.__spec__.loader.__class__.__name__ == 'zipimporter', motcrawl.__spec__;"
        "schema = v.load_schema(); print(sorted(schema)[:3]);"
        "from motcrawl import settings; print(settings.BOT_NAME)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(egg)], cwd=tmp_path,
                            env=clean_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "motcrawl" in result.stdout.splitlines()[-1]


def test_no_file_relative_paths_in_the_package():
    """Eggs have no real __file__ folder: data must load through importlib.resources."""
    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "motcrawl").rglob("*.py")
                 if "__file__" in p.read_text(encoding="utf-8")]
    assert offenders == []
