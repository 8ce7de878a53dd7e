"""motcrawl.web.ratelimit: header parsing and the pacing rule, with a fake clock."""

import pytest

from motcrawl.web.ratelimit import (
    Limit,
    RateLimiter,
    backoff_delay,
    estimate_demand,
    parse_github,
    parse_hf,
    parse_limit,
    parse_retry_after,
    refusal_wait,
)

WALL = 1_700_000_000.0
KEY = ("huggingface.co", "api")


# -- parsing ---------------------------------------------------------------------
@pytest.mark.parametrize("headers, expected", [
    ({"RateLimit": '"api";r=499;t=300', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'},
     Limit(499, 300.0, 500, 300.0, "api")),
    ({"ratelimit": '"resolvers";r=0;t=12'},                       # no policy: quota unknown
     Limit(0, 12.0, None, None, "resolvers")),
    ({"RateLimit": '"pages" ; r = 7 ; t = 5',
      "RateLimit-Policy": '"fixed window";"pages";q=100;w=300'},
     Limit(7, 5.0, 100, 300.0, "pages")),
    ({"RateLimit": '"api";r=4;t=9', "RateLimit-Policy": "garbage"},   # bad policy: kept the rest
     Limit(4, 9.0, None, None, "api")),
    ({"RateLimit": '"api";r=-1;t=9'}, None),                     # negative
    ({"RateLimit": '"api";r=abc;t=9'}, None),
    ({"RateLimit": "api;r=4;t=9"}, None),                          # unquoted name
    ({"RateLimit": '"api";t=9'}, None),                             # no r
    ({"RateLimit": ""}, None),
    ({"RateLimit-Policy": '"fixed window";"api";q=500;w=300'}, None),  # policy alone
    ({}, None),
])
def test_parse_hf(headers, expected):
    assert parse_hf(headers) == expected


@pytest.mark.parametrize("headers, expected", [
    ({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59",
      "X-RateLimit-Reset": str(int(WALL) + 3600), "X-RateLimit-Resource": "core"},
     Limit(59, 3600.0, 60, None, "core")),
    ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(WALL) - 5)},   # reset passed
     Limit(0, 0.0, None, None, None)),
    ({"X-RateLimit-Remaining": "many", "X-RateLimit-Reset": "1"}, None),
    ({"X-RateLimit-Remaining": "5"}, None),
    ({"X-RateLimit-Remaining": "-3", "X-RateLimit-Reset": "1"}, None),
    ({"X-RateLimit-Limit": "0", "X-RateLimit-Remaining": "1",
      "X-RateLimit-Reset": str(int(WALL) + 10)}, Limit(1, 10.0, None, None, None)),
])
def test_parse_github(headers, expected):
    assert parse_github(headers, WALL) == expected


def test_parse_limit_prefers_hub_headers():
    headers = {"RateLimit": '"api";r=3;t=10', "X-RateLimit-Remaining": "50",
               "X-RateLimit-Reset": str(int(WALL) + 99)}
    assert parse_limit(headers, WALL).remaining == 3
    assert parse_limit({"X-RateLimit-Remaining": "50",
                        "X-RateLimit-Reset": str(int(WALL) + 99)}, WALL).remaining == 50


@pytest.mark.parametrize("value, expected", [
    ("120", 120.0),
    (" 7 ", 7.0),
    ("Tue, 14 Nov 2023 22:15:00 GMT", 100.0),   # WALL + 100 s
    ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),     # in the past
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, WALL) == expected


@pytest.mark.parametrize("status, headers, expected", [
    (429, {"Retry-After": "42", "RateLimit": '"api";r=0;t=40'}, 42.0),
    (429, {"RateLimit": '"api";r=0;t=40'}, 40.0),
    (429, {}, 1.0),
    (429, {"Retry-After": "garbage", "RateLimit": "garbage"}, 1.0),
    (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(WALL) + 30)}, 30.0),
    (403, {"Retry-After": "60"}, 60.0),                       # GitHub secondary limit
    (403, {"X-Error-Code": "GatedRepo"}, None),                # a gated repo, not a limit
    (403, {"X-RateLimit-Remaining": "10", "X-RateLimit-Reset": str(int(WALL) + 30)}, None),
    (200, {"RateLimit": '"api";r=0;t=40'}, None),             # the last allowed request
    (503, {"Retry-After": "5"}, None),                         # server trouble: RetryMiddleware
])
def test_refusal_wait(status, headers, expected):
    assert refusal_wait(status, headers, WALL) == expected


@pytest.mark.parametrize("n, expected", [(0, 0.0), (1, 1.0), (2, 2.0), (3, 4.0), (6, 30.0)])
def test_backoff_delay(n, expected):
    assert backoff_delay(n, 1.0, 30.0) == expected


def test_backoff_off():
    assert backoff_delay(3, 0.0, 30.0) == 0.0


@pytest.mark.parametrize("total, seen, requests, waiting, expected", [
    (None, 10, 10, 2, None),
    (100, 0, 0, 0, 100),          # nothing seen: one request per model
    (100, 50, 50, 3, 53),
    (100, 50, 75, 0, 75),         # 1.5 requests per model so far
    (100, 100, 120, 4, 4),        # all models started: only what waits
])
def test_estimate_demand(total, seen, requests, waiting, expected):
    assert estimate_demand(total, seen, requests, waiting) == expected


# -- pacing ------------------------------------------------------------------------
def limit(r, t, q=10, w=60):
    return Limit(remaining=r, reset_in=t, quota=q, window=w, bucket="api")


def take(rl, now, demand=None, key=KEY):
    """Acquire; assert it was granted."""
    assert rl.acquire(key, now, demand) == 0.0


def test_unknown_bucket_probes_one_at_a_time():
    rl = RateLimiter()
    take(rl, 0.0)
    assert rl.acquire(KEY, 0.0) > 0          # second waits for the first answer
    rl.release(KEY)
    rl.observe(KEY, limit(9, 60), 0.1)
    take(rl, 0.1, demand=5)
    take(rl, 0.1, demand=5)


def test_host_without_headers_is_not_paced():
    rl = RateLimiter()
    take(rl, 0.0)
    rl.release(KEY)
    rl.unlimited(KEY)
    for _ in range(100):
        take(rl, 0.0)


def test_requests_in_flight_count_against_the_budget():
    rl = RateLimiter(margin=0.5)
    rl.observe(KEY, limit(3, 20), 0.0)
    for i in range(3):
        take(rl, 0.0, demand=3 - i)
    # 3 in flight, 3 remaining: a 4th would be refused; wait until the reset
    assert rl.acquire(KEY, 0.0, demand=3) == pytest.approx(20.5)
    # answers arrive: the server counted them; still nothing left
    for r in (2, 1, 0):
        rl.release(KEY)
        rl.observe(KEY, limit(r, 19), 1.0)
    assert rl.acquire(KEY, 1.0, demand=3) == pytest.approx(19.5)
    # after the reset the quota is back
    take(rl, 20.6, demand=3)


def test_spreads_the_remaining_quota_over_the_remaining_window():
    rl = RateLimiter(margin=0.0)
    rl.observe(KEY, limit(10, 60), 0.0)
    for _ in range(7):                                  # demand unknown: the first half
        take(rl, 0.0)                                   # of the quota goes at full speed
    assert rl.acquire(KEY, 0.0) == pytest.approx(15.0)  # then 60 s / the 4 left
    take(rl, 15.0)
    # 3 were left over 45 s when it went: the next one in 15 s again, so the
    # quota lasts exactly until the reset
    assert rl.acquire(KEY, 15.0) == pytest.approx(15.0)
    rl.release(KEY)
    rl.observe(KEY, limit(1, 45), 15.0)  # another client spent some: fewer left, wider gaps
    assert rl.acquire(KEY, 30.0) > 0     # 1 left, 8 in flight: wait for the reset


def test_windows_longer_than_max_wait_are_not_spread():
    rl = RateLimiter(max_wait=600)
    rl.observe(KEY, limit(60, 3600, q=60, w=3600), 0.0)   # GitHub: 60 an hour
    for _ in range(60):
        take(rl, 0.0)
    assert rl.acquire(KEY, 0.0) > 600     # spent: the middleware hands refusals over


def test_no_spreading_when_the_work_left_fits():
    rl = RateLimiter()
    rl.observe(KEY, limit(10, 60), 0.0)
    for i in range(10):
        take(rl, 0.0, demand=10 - i)
    assert rl.acquire(KEY, 0.0, demand=1) > 50   # budget spent: until the reset


def test_spreads_when_the_work_left_does_not_fit():
    rl = RateLimiter(margin=0.0)
    rl.observe(KEY, limit(10, 60), 0.0)
    take(rl, 0.0, demand=500)
    assert rl.acquire(KEY, 0.0, demand=499) == pytest.approx(6.0)


def test_bucket_running_dry_mid_crawl():
    """Demand larger than a window: never more than the quota per window, and no stall."""
    rl = RateLimiter(margin=0.5)
    q, w = 5, 10.0
    now, sent_at = 0.0, []
    server = {"start": None, "used": 0}
    for _ in range(12):
        while (delay := rl.acquire(KEY, now, demand=12 - len(sent_at))) > 0:
            now += delay
        sent_at.append(now)
        # the server: a fixed window starting with the first request after the last one ended
        if server["start"] is None or now >= server["start"] + w:
            server.update(start=now, used=0)
        server["used"] += 1
        assert server["used"] <= q, "the fake server would have answered 429"
        rl.release(KEY)
        rl.observe(KEY, Limit(q - server["used"], server["start"] + w - now, q, w), now)
        now += 0.05
    windows = {int(t // (w + 0.5)) for t in sent_at}
    assert len(windows) == 3          # 12 requests at 5 per window
    assert sent_at[-1] < 3 * (w + 1)  # and no window was skipped


def test_late_answer_from_an_old_window_is_ignored():
    rl = RateLimiter(margin=0.5)
    rl.observe(KEY, limit(0, 2, q=10, w=60), 0.0)
    assert rl.acquire(KEY, 0.0) == pytest.approx(2.5)
    take(rl, 3.0)                   # window rolled: quota back
    # an answer from before the reset, arriving late, still says r=0
    rl.observe(KEY, limit(0, 1, q=10, w=60), 3.1)
    take(rl, 3.1, demand=1)
    # the new window's first answer sets the budget
    rl.observe(KEY, limit(8, 59, q=10, w=60), 3.2)
    assert rl.budget(KEY).remaining == 8


def test_same_window_keeps_lowest_remaining_and_earliest_end():
    rl = RateLimiter()
    rl.observe(KEY, limit(5, 30), 0.0)
    rl.observe(KEY, limit(7, 31), 0.2)       # answered earlier by the server, arrived later
    b = rl.budget(KEY)
    assert b.remaining == 5
    assert b.window_end == pytest.approx(30.0)


def test_refusal_overrides_what_we_believed():
    rl = RateLimiter(margin=0.5)
    rl.observe(KEY, limit(8, 30), 0.0)
    rl.exhausted(KEY, 12.0, 1.0)            # another client spent it
    assert rl.acquire(KEY, 1.0) == pytest.approx(12.5)
    take(rl, 13.6)


def test_keys_are_independent():
    rl = RateLimiter()
    other = ("huggingface.co", "resolvers")
    rl.observe(KEY, limit(0, 30), 0.0)
    assert rl.acquire(KEY, 0.0) > 0
    take(rl, 0.0, key=other)


def test_view_shows_limited_buckets():
    rl = RateLimiter()
    rl.observe(KEY, limit(4, 30), 0.0)
    rl.unlimited(("mot", "other"))
    (view,) = rl.view(10.0)
    assert (view.key, view.remaining, view.quota) == (KEY, 4, 10)
    assert view.reset_in == pytest.approx(20.0)


def test_spread_quota_is_spent_before_the_reset_not_in_the_margin_after_it():
    # 10 left, the window ends in 10 s, margin 0.5 s: the last request goes no later than
    # the reset minus the margin, or it may count in the next window and leave this one's
    # quota unused.
    rl = RateLimiter(margin=0.5)
    rl.observe(KEY, limit(10, 10, q=10, w=10), 0.0)
    now, sent = 0.0, []
    for left in range(10, 0, -1):
        while (delay := rl.acquire(KEY, now, demand=100 + left)) > 0:
            now += delay
        sent.append(now)
    assert sent[-1] <= 10.0 - 0.5 + 1e-9
    assert sent[1] - sent[0] == pytest.approx(0.95)  # (10 + 0.5 - 2 * 0.5) / 10
