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
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"^0 6 \* \* 1\s+(curl .*)$", readme, re.M).group(1)
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
