"""The README a new user reads (issue 15): short, with a quick start that works from the
repository root, and every link to the rest of the documentation resolving."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_is_at_most_15000_bytes():
    assert len(README.read_bytes()) <= 15_000


def test_quick_start_activates_the_venv_and_tries_everything_offline():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "repository root" in quick
    assert "source .venv/bin/activate" in quick
    assert "python scripts/try_offline.py" in quick
    assert (ROOT / "scripts" / "try_offline.py").is_file()
    assert "../shared" not in text  # users do not have the workplace's shared folder


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.name)
def test_relative_links_resolve(page: Path):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:") or target == "...":
            continue
        assert (page.parent / target).exists(), f"{page.name} links to {target}"


def test_every_docs_page_is_linked_from_the_readme():
    text = README.read_text(encoding="utf-8")
    for page in DOCS:
        assert f"docs/{page.name}" in text, page.name
