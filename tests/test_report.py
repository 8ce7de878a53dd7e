"""motcrawl.outputs.gap_report: aggregates, the Markdown text and the streamed ids file."""

from __future__ import annotations

import re
from pathlib import Path

from motcrawl.args import read_ids_file
from motcrawl.mof.catalog import CatalogWarning
from motcrawl.outputs.gap_report import GapReport, IdsFile, bucket_counts, ids_path_for, render


def _item(model_id: str, downloads: int, status: str = "missing", **extra):
    priority = "high" if downloads > 100_000 else "medium" if downloads >= 10_000 else "low"
    return {"model_id": model_id, "downloads": downloads, "likes": 1, "status": status,
            "priority": priority, "pipeline_tag": "text-generation", "mof_type": "language",
            "license": "Apache-2.0", "gated": False, "created": "2024-01-02", **extra}


def _render(report: GapReport, stats=None, warnings=(), reason="finished") -> str:
    return render(report, catalog_source="models/", catalog_entries=5, catalog_models=4,
                  warnings=list(warnings), stats=stats or {}, params={"min_downloads": 1000,
                                                                      "limit": None},
                  ids_file=Path("/r/missing.ids.txt"), output_dir="/r/drafts",
                  generated="2025-01-01", reason=reason)


def test_counts_table_and_commands():
    report = GapReport(max_rows=2)
    report.add(_item("org/known", 900_000, status="known", catalog_file="Known.yml"))
    report.add(_item("org/a|pipe", 800_000, possible_match="OLMo.yml"))
    report.add(_item("org/b", 700_000))
    report.add(_item("org/c", 600_000))            # beyond max_rows: counted, no row
    report.add(_item("org/d", 50_000, mof_type="vision"))
    report.add(_item("org/e", 5_000))
    # A drafted model arrives last (after its detail requests) but keeps its row.
    report.add(_item("org/top", 950_000, draft_requested=True, draft_status="written",
                     draft_path="/r/drafts/top.yml"))
    text = _render(report, warnings=[CatalogWarning("duplicate", "A.yml", "2 entries name x/y"),
                                     CatalogWarning("no_hf_link", "B.yml", ""),
                                     CatalogWarning("no_hf_link", "C.yml", "")])
    assert "| models listed | 7 |" in text
    assert "| already in MOT (known) | 1 |" in text
    assert "| missing | 6 |" in text
    assert "| missing, high priority | 4 |" in text
    assert "| missing, medium priority | 1 |" in text
    assert "| missing, low priority | 1 |" in text
    assert "| missing with a possible match in the catalog | 1 |" in text
    assert "| drafts written | 1 |" in text
    assert "| catalog entries | 5 (4 distinct Hub models) |" in text
    assert "| language | 4 | 0 | 1 | 5 |" in text and "| vision | 0 | 1 | 0 | 1 |" in text
    table = text.split("## High priority")[1].split("##")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "[" in line]
    assert [re.search(r"\[(.*?)\]\(", r).group(1) for r in rows] == [
        "org/top", "org/a\\|pipe", "org/b"]            # sorted by downloads, pipes escaped
    assert "/r/drafts/top.yml" in rows[0] and "OLMo.yml" in rows[1]
    assert "1 more high-priority models" in text
    assert "org/known" not in text
    assert "### Several entries name the same Hub model (1)" in text
    assert "- A.yml: 2 entries name x/y" in text
    assert "B.yml, C.yml" in text
    assert "scrapy crawl model -a ids_file=/r/missing.ids.txt -a output_dir=/r/drafts" in text
    assert ("scrapy crawl model -a model_id=org/a|pipe,org/b -a output_dir=/r/drafts"
            in text)
    assert "did not finish normally" not in text


def test_requests_per_bucket_prefers_ratelimit_stats():
    stats = {"motcrawl/requests/api": 3, "motcrawl/requests/api/status/200": 2,
             "motcrawl/requests/api/status/429": 1, "ratelimit/requests/resolvers": 9,
             "motcrawl/requests/resolvers": 8, "motcrawl/listing/pages": 3,
             "motcrawl/requests/other": 2}
    assert bucket_counts(stats) == {"api": 3, "resolvers": 9, "pages": 0, "github": 0}
    text = _render(GapReport(), stats=stats, reason="mot_api_failed")
    assert "| api | 3 | 200: 2, 429: 1 |" in text
    assert "| resolvers | 9 |" in text
    assert "| other (MOT API) | 2 |" in text
    assert "Listing pages: 3" in text
    assert "did not finish normally (mot_api_failed)" in text
    assert "No high-priority model is missing." in text


def test_ids_file_is_streamed_and_readable(tmp_path: Path):
    path = ids_path_for(tmp_path / "missing.md")
    assert path.name == "missing.ids.txt"
    path.write_text("old/list\n")
    ids = IdsFile(path)
    ids.add("org/a", "1,000 downloads, high")
    ids.add("org/b", "9 downloads, low")
    assert path.read_text() == "old/list\n"          # nothing replaced before close
    ids.close()
    assert read_ids_file(str(path)) == ["org/a", "org/b"]
    empty = IdsFile(path)
    empty.close()                                       # an empty run clears the old list
    assert read_ids_file(str(path)) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["missing.ids.txt"]


def test_ids_file_lists_the_most_downloaded_first(tmp_path: Path):
    # Drafted models arrive after their detail requests, out of listing order: gpt2 came on
    # line 9 of a real run, after smaller models.
    path = ids_path_for(tmp_path / "missing.md")
    ids = IdsFile(path)
    for model_id, downloads in [("org/big", 900_000), ("org/mid", 50_000), ("org/tie-1", 50_000),
                                ("openai-community/gpt2", 12_000_000), ("org/tie-2", 50_000),
                                ("org/drafted", 70_000), ("org/small", 10_000)]:
        ids.add(model_id, f"{downloads:,} downloads", downloads)
    ids.close()
    assert read_ids_file(str(path)) == ["openai-community/gpt2", "org/big", "org/drafted",
                                        "org/mid", "org/tie-1", "org/tie-2", "org/small"]
    assert "most downloaded first" in path.read_text().splitlines()[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["missing.ids.txt"]


def test_chart_of_missing_by_type_and_priority_opens_the_report():
    report = GapReport()
    for n, (mof_type, downloads) in enumerate([("language", 900_000), ("language", 50_000),
                                               ("language", 5_000), ("vision", 500_000),
                                               ("vision", 200_000), ('odd "type", [x]', 20)]):
        report.add(_item(f"org/m{n}", downloads, mof_type=mof_type))
    report.add(_item("org/known", 900_000, status="known"))
    text = _render(report)
    assert text.index("```mermaid") < text.index("## Summary")
    chart = text.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "xychart-beta" in chart
    assert 'x-axis ["language", "vision", "odd type x"]' in chart
    bars = re.findall(r"^  bar \[(.*)\]$", chart, re.M)
    # all priorities, high + medium, high: drawn over each other they stack
    assert bars == ["3, 2, 1", "2, 2, 0", "1, 2, 0"]
    assert "y-axis \"models\" 0 --> 3" in chart


def test_chart_groups_the_long_tail_and_is_absent_without_missing_models():
    assert "```mermaid" not in _render(GapReport())
    report = GapReport()
    for n in range(14):
        report.add(_item(f"org/m{n}", 5_000, mof_type=f"type{n:02d}"))
    chart = _render(report).split("```mermaid", 1)[1].split("```", 1)[0]
    assert '"5 other types"' in chart
    assert re.findall(r"^  bar \[(.*)\]$", chart, re.M)[0].endswith(", 5")


def test_what_changed_is_short_and_near_the_top():
    from motcrawl.outputs.gap_report import what_changed

    lines = what_changed({"new_missing": 1234, "changed": 2, "became_known": 1},
                         "2026-11-23T06:41:55+00:00", first_run=False)
    assert lines[0] == "## What changed since the last run"
    assert "**1,234 newly missing**, 2 changed on the Hub (redrafted), 1 now in the MOT " \
           "catalog" in lines[2]
    assert "Since 2026-11-23T06:41:55+00:00" in lines[2]
    assert what_changed(None, None, False)[2].startswith("Not known")
    assert what_changed({}, None, True)[2] == "First run: every missing model is new."
    report = GapReport()
    report.add(_item("org/a", 900_000))
    text = render(report, catalog_source="models/", catalog_entries=1, catalog_models=1,
                  warnings=[], stats={}, params={}, ids_file=None, output_dir="/r",
                  generated="2025-01-01", changed=lines)
    assert text.index("```mermaid") < text.index("## What changed") < text.index("## Summary")
