"""The rate-limit block of the end-of-crawl summary and the progress line, from dicts."""

from motcrawl.outputs.crawl_summary import progress_line, ratelimit_lines


def test_no_requests_no_block():
    assert ratelimit_lines({"motcrawl/failed": 1}) == []


def test_block_names_buckets_refusals_waits_and_retries():
    lines = ratelimit_lines({
        "ratelimit/requests/api": 800, "ratelimit/requests/resolvers": 790,
        "ratelimit/429/api": 2, "ratelimit/retries": 2, "ratelimit/wait_seconds": 31.25,
        "ratelimit/waits": 12, "retry/count": 5, "retry/max_reached": 1,
        "ratelimit/backoff_seconds": 7.0,
    })
    text = "\n".join(lines)
    assert "api 800 (2 refused), resolvers 790" in text
    assert "429 answers 2, re-sent after the reset 2, given up 0" in text
    assert "12 requests waited for a budget, 31.2 s in all" in text
    assert "5xx/connection retries 5 (backoff 7.0 s), given up after the last retry 1" in text


def test_progress_line_with_total_and_budgets():
    line = progress_line(seen=120, total=400, finished=100, drafted=95, failed=5, elapsed=50.0,
                         budgets=[("api", 380, 500, 125.0), ("resolvers", None, None, None)])
    assert line == ("progress: models seen 120/400, drafted 95, failed 5 | budgets "
                    "api 380/500 (reset in 2 min 05 s), resolvers ? | ETA 2 min 30 s")


def test_progress_line_without_total_has_no_eta():
    line = progress_line(seen=3, total=None, finished=1, drafted=1, failed=0, elapsed=5.0,
                         budgets=[])
    assert line == "progress: models seen 3, drafted 1, failed 0"
