"""The weekly schedule (systemd units, README cron line) asks scrapyd for a valid missing job."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from motcrawl.args import parse_missing_args
from motcrawl.outputs.paths import OUTPUT_BASE_ARG

ROOT = Path(__file__).resolve().parent.parent


def _schedule_params(command: str) -> dict[str, list[str]]:
    words = shlex.split(command)
    assert any(w.endswith("/schedule.json") for w in words), command
    params: dict[str, list[str]] = {}
    for flag, value in zip(words, words[1:], strict=False):
        if flag == "-d":
            key, _, val = value.partition("=")
            params.setdefault(key, []).append(val)
    return params


def _service_command() -> str:
    text = (ROOT / "deploy" / "motcrawl-weekly.service").read_text()
    exec_start = re.search(r"^ExecStart=(.*?)(?<!\\)$", text, re.S | re.M).group(1)
    return exec_start.replace("\\\n", " ").replace("%%", "%")  # systemd: '%%' is '%'


def _cron_command() -> str:
    docs = (ROOT / "docs" / "scheduling.md").read_text()  # the weekly cron line
    line = re.search(r"^0 6 \* \* 1\s+(curl .*)$", docs, re.M).group(1)
    return line.replace("\\%", "%")  # crontab: '\%' is '%'


@pytest.mark.parametrize("command", [_service_command, _cron_command])
def test_weekly_job_schedules_a_valid_missing_crawl(command, tmp_path):
    params = _schedule_params(command())
    assert params.pop("project") == ["motcrawl"] and params.pop("spider") == ["missing"]
    settings = dict(s.split("=", 1) for s in params.pop("setting", []))
    assert Path(settings["MOTCRAWL_OUTPUT_DIR"]).is_absolute()
    spider_args = {k: v[-1] for k, v in params.items()}
    args = parse_missing_args({**spider_args, OUTPUT_BASE_ARG: str(tmp_path), "_job": "j"})
    assert args.report is not None and "%" not in args.report.name
    assert args.report.parent == tmp_path and args.min_downloads == 50_000


def test_timer_runs_weekly():
    timer = (ROOT / "deploy" / "motcrawl-weekly.timer").read_text()
    assert re.search(r"^OnCalendar=Mon \*-\*-\* 06:00:00$", timer, re.M)
    assert "Persistent=true" in timer


# -- failing loudly: the checks read the summary the weekly crawl writes --------------------
def _weekly_output_dir() -> Path:
    settings = dict(s.split("=", 1) for s in _schedule_params(_service_command())["setting"])
    return Path(settings["MOTCRAWL_OUTPUT_DIR"])


def _runstatus_words(command: str) -> list[str]:
    words = shlex.split(command)
    assert words[0].endswith("/motcrawl") and words[1] == "runstatus", command
    return words


def test_check_unit_reads_the_weekly_crawls_summary_and_its_timer_runs_after_it():
    text = (ROOT / "deploy" / "motcrawl-weekly-check.service").read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1)
    words = _runstatus_words(exec_start)
    # Default output_dir 'drafts' under MOTCRAWL_OUTPUT_DIR: the summary is beside it.
    assert Path(words[-1]) == _weekly_output_dir() / "last-run.json"
    assert "--max-age" in words
    timer = (ROOT / "deploy" / "motcrawl-weekly-check.timer").read_text()
    assert re.search(r"^OnCalendar=Mon \*-\*-\* 12:00:00$", timer, re.M)


def test_check_unit_fails_on_a_failed_summary(tmp_path):
    from datetime import datetime, timezone

    from motcrawl.outputs.run_summary import build_summary, check_summary, write_summary

    text = (ROOT / "deploy" / "motcrawl-weekly-check.service").read_text()
    words = _runstatus_words(re.search(r"^ExecStart=(.*)$", text, re.M).group(1))
    max_age = float(words[words.index("--max-age") + 1])
    for stats, code in (({"finish_reason": "finished"}, 0),
                        ({"finish_reason": "finished", "motcrawl/mot_api/failed": 1}, 1)):
        write_summary(tmp_path, build_summary(stats, spider="missing", reason=None, paths={}),
                      datetime.now(timezone.utc))
        assert check_summary(tmp_path / "last-run.json", max_age_hours=max_age)[0] == code


def test_github_actions_workflow_is_weekly_and_fails_on_the_summary():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((ROOT / "deploy" / "github-actions" / "motcrawl-weekly.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]   # YAML 1.1 reads 'on' as True
    assert triggers["schedule"][0]["cron"] == "0 6 * * 1"
    steps = flow["jobs"]["missing"]["steps"]
    crawl = next(s for s in steps if "crawl missing" in s.get("run", ""))
    last = steps[-1]["run"].split()
    assert last[:2] == ["motcrawl", "runstatus"]
    report_dir = Path(re.search(r"output_dir=(\S+)", crawl["run"]).group(1)).parent
    assert Path(last[-1]) == report_dir / "last-run.json"
    assert "secrets.HF_TOKEN" in crawl["env"]["HF_TOKEN"]
