"""Rate-limit budgets: read what servers announce, decide when the next request may go.

No Scrapy here: the middleware feeds answers in and asks ``acquire()`` before
each request, passing the clock in, so every rule is testable with a fake clock.

The Hub counts requests in fixed windows per bucket and announces the state in
every answer (IETF draft ratelimit headers)::

    RateLimit: "api";r=<remaining>;t=<seconds to reset>
    RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window seconds>

GitHub sends ``X-RateLimit-Limit/Remaining/Reset`` (reset as epoch seconds).
Both may add ``Retry-After`` to a refusal (429, or GitHub's 403).

Pacing rule (``RateLimiter.acquire``):

- Requests already sent but not answered count against the budget: with 8
  in flight and ``r=8`` nothing more may go, or the 9th trips a 429.
- When the budget is spent, wait until the window resets (plus a margin).
- Otherwise spread what is left evenly over what is left of the window, so the
  quota lasts until the reset (less the margin: a request sent later may count
  in the next window) - unless the work still to do in this
  bucket (``demand``, when the crawl knows it) fits in what is left: then there
  is nothing to save it for and requests go at full speed. A fixed window
  rewards spending early; spreading only guards against running dry with work
  left, so the tail of a crawl is never slowed down. When the work left is
  unknown (a listing crawl), the first half of the quota goes at full speed
  and the second half is spread: a short crawl is never slowed down, a long
  one still never runs dry early in a window.
- A bucket never heard from gets one probe request at a time until the first
  answer says whether (and how) it is limited; a host whose answers carry no
  rate-limit headers is not paced at all.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from huggingface_hub.utils import parse_ratelimit_headers


@dataclass(frozen=True)
class Limit:
    """One answer's view of its bucket: ``remaining`` requests until ``reset_in`` seconds."""

    remaining: int
    reset_in: float
    quota: int | None = None
    window: float | None = None
    bucket: str | None = None  # the server's own name for it ("api"), when it says


# -- parsing ------------------------------------------------------------------
def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value if isinstance(value, str) else None
    return None


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip()) if text is not None else None
    except ValueError:
        return None


def parse_hf(headers: Mapping[str, str]) -> Limit | None:
    """The Hub's ``RateLimit``/``RateLimit-Policy`` through huggingface_hub's parser.

    Malformed headers give None (the answer is then treated as carrying no limit
    information), never an exception.
    """
    try:
        info = parse_ratelimit_headers(headers)
    except (ValueError, TypeError, AttributeError):
        return None
    if info is None:
        return None
    window = float(info.window_seconds) if info.window_seconds else None
    quota = info.limit if info.limit else None
    return Limit(remaining=max(0, info.remaining), reset_in=float(info.reset_in_seconds),
                 quota=quota, window=window, bucket=info.resource_type)


def parse_github(headers: Mapping[str, str], wall_now: float) -> Limit | None:
    """GitHub's ``X-RateLimit-*``: remaining, limit, reset as epoch seconds."""
    remaining = _int(_header(headers, "x-ratelimit-remaining"))
    reset = _int(_header(headers, "x-ratelimit-reset"))
    if remaining is None or reset is None or remaining < 0:
        return None
    quota = _int(_header(headers, "x-ratelimit-limit"))
    return Limit(remaining=remaining, reset_in=max(0.0, reset - wall_now),
                 quota=quota if quota and quota > 0 else None,
                 bucket=_header(headers, "x-ratelimit-resource"))


def parse_retry_after(value: str | None, wall_now: float) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - wall_now)


def parse_limit(headers: Mapping[str, str], wall_now: float) -> Limit | None:
    """The bucket state an answer announces (Hub headers first, then GitHub's)."""
    return parse_hf(headers) or parse_github(headers, wall_now)


def refusal_wait(status: int, headers: Mapping[str, str], wall_now: float) -> float | None:
    """Seconds to wait when the answer refuses for rate limiting, else None.

    A refusal is a 429, or GitHub's 403 with ``X-RateLimit-Remaining: 0`` or a
    ``Retry-After`` (its secondary limits). The wait is ``Retry-After``, else the
    announced reset, else one second.
    """
    limit = parse_limit(headers, wall_now)
    retry_after = parse_retry_after(_header(headers, "retry-after"), wall_now)
    refused = status == 429 or (status == 403 and (
        retry_after is not None or (limit is not None and limit.remaining == 0
                                    and _header(headers, "x-ratelimit-remaining") is not None)))
    if not refused:
        return None
    if retry_after is not None:
        return retry_after
    if limit is not None:
        return limit.reset_in
    return 1.0


def backoff_delay(retry_times: int, base: float, cap: float) -> float:
    """Exponential backoff before the n-th retry of a 5xx/connection error: base * 2**(n-1)."""
    if retry_times <= 0 or base <= 0:
        return 0.0
    return min(cap, base * 2 ** (retry_times - 1))


# -- budgets ------------------------------------------------------------------
@dataclass
class Budget:
    """What we know of one (host, bucket) window."""

    limited: bool | None = None      # None: never heard from; False: answers carry no limits
    quota: int | None = None
    window: float | None = None
    remaining: int | None = None     # lowest count announced in the current window
    window_end: float | None = None  # when the current window resets (our clock)
    rolled: bool = False             # window_end passed; remaining assumed back at quota
    in_flight: int = 0               # sent, not answered yet
    next_at: float = 0.0             # spreading: earliest time of the next request

    def available(self) -> int | None:
        return None if self.remaining is None else self.remaining - self.in_flight


@dataclass(frozen=True)
class BudgetView:
    """A budget as the progress line shows it."""

    key: Hashable
    remaining: int | None
    quota: int | None
    reset_in: float | None
    in_flight: int


class RateLimiter:
    """Per-key budgets (the middleware uses ``(host, bucket)`` keys).

    ``margin``: seconds added after an announced reset (clocks and rounding);
    ``poll``: how soon to ask again when only in-flight answers can tell more;
    ``burst_share``: when the work left is unknown, the share of a window's quota
    spent at full speed before the rest is spread;
    ``max_wait``: a window ending later than this is not spread (GitHub's hour:
    better to spend it and let the spider fall back than to crawl at 1 a minute).
    """

    def __init__(self, margin: float = 0.5, poll: float = 0.05,
                 burst_share: float = 0.5, max_wait: float = 600.0) -> None:
        self.margin = margin
        self.poll = poll
        self.burst_share = burst_share
        self.max_wait = max_wait
        self.budgets: dict[Hashable, Budget] = {}

    def budget(self, key: Hashable) -> Budget:
        return self.budgets.setdefault(key, Budget())

    def _roll(self, b: Budget, now: float) -> None:
        if b.window_end is not None and not b.rolled and now >= b.window_end + self.margin:
            b.rolled = True
            b.remaining = b.quota  # None (unknown quota) means probe again
            b.next_at = now
            if b.quota is None:
                b.limited = None

    def acquire(self, key: Hashable, now: float, demand: int | None = None) -> float:
        """0.0: send now (in flight until ``release``); else seconds to wait, then ask again.

        ``demand``: requests this bucket still has to make, when known (the
        crawl's total is known); None means unknown, so the quota is spread.
        """
        b = self.budget(key)
        self._roll(b, now)
        if b.limited is False:
            b.in_flight += 1
            return 0.0
        if b.limited is None or b.remaining is None:
            if b.in_flight >= 1:
                return self.poll
            b.in_flight += 1
            return 0.0
        available = b.remaining - b.in_flight
        if available <= 0:
            if b.rolled or b.window_end is None:
                return self.poll  # answers in flight will tell when the new window ends
            return max(self.poll, b.window_end + self.margin - now)
        if now < b.next_at:
            return b.next_at - now
        spacing = 0.0
        left = None if b.window_end is None else b.window_end + self.margin - now
        if (left is not None and not b.rolled and left <= self.max_wait
                and self._spread(b, available, demand)):
            # Spent by the announced reset minus the margin: a request sent in the last
            # instants may reach the server after its reset and count in the next window,
            # leaving this one's quota unused (with 100 per 10 s, 5-15 a window were lost
            # that way, and 300 drafts took a fourth window).
            spacing = max(0.0, left - 2 * self.margin) / available
        b.next_at = now + spacing
        b.in_flight += 1
        return 0.0

    def _spread(self, b: Budget, available: int, demand: int | None) -> bool:
        if demand is not None:
            return demand > available
        # Unknown work: the first share of the quota goes at full speed (short crawls
        # are not slowed down), what is left is spread until the reset.
        return b.quota is None or available < b.quota * (1 - self.burst_share)

    def force(self, key: Hashable) -> None:
        """A request sent regardless of the budget (its refusal goes to the spider)."""
        self.budget(key).in_flight += 1

    def release(self, key: Hashable) -> None:
        """An answer (or an error) came back for a request ``acquire`` let go."""
        b = self.budget(key)
        b.in_flight = max(0, b.in_flight - 1)

    def unlimited(self, key: Hashable) -> None:
        """An answer without rate-limit headers: this bucket is not paced (unless headers come)."""
        b = self.budget(key)
        if b.limited is None:
            b.limited = False

    def observe(self, key: Hashable, limit: Limit, now: float) -> None:
        """Fold one answer's announcement into the budget.

        Answers arrive out of order and ``t`` is rounded up, so each gives an
        end-of-window estimate at or after the true one. Estimates within half a
        window of ours are the same window (keep the lowest remaining and the
        earliest end); a clearly later one is a new window; a clearly earlier one
        is a late answer from a window already over, and is ignored.
        """
        b = self.budget(key)
        b.limited = True
        b.quota = limit.quota or b.quota
        b.window = limit.window or b.window
        end = now + limit.reset_in
        tolerance = b.window / 2 if b.window else 1.5
        if b.window_end is None or end > b.window_end + tolerance:
            b.window_end, b.remaining, b.rolled = end, limit.remaining, False
        elif b.rolled:
            return  # the old window's answer, arriving after we moved on
        elif end >= b.window_end - tolerance:
            b.remaining = limit.remaining if b.remaining is None else min(
                b.remaining, limit.remaining)
            b.window_end = min(b.window_end, end)

    def exhausted(self, key: Hashable, wait: float, now: float) -> None:
        """A refusal (429): nothing left until ``now + wait``, whatever we believed."""
        b = self.budget(key)
        b.limited = True
        b.remaining = 0
        b.rolled = False
        b.window_end = now + max(0.0, wait)

    def view(self, now: float) -> list[BudgetView]:
        out = []
        for key, b in self.budgets.items():
            if not b.limited:
                continue
            reset_in = None if b.window_end is None or b.rolled else max(
                0.0, b.window_end - now)
            out.append(BudgetView(key, b.remaining, b.quota, reset_in, b.in_flight))
        return out


def estimate_demand(total: int | None, seen: int, requests: int, waiting: int) -> int | None:
    """Requests a bucket still has to make: the waiting ones plus the models not started yet
    times this bucket's requests per model so far. None when the crawl's total is unknown."""
    if total is None:
        return None
    per_model = requests / seen if seen else 1.0
    return waiting + math.ceil(max(0, total - seen) * per_model)
