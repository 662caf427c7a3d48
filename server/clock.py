"""The one place Keepcart reads the time; rules take the time as an argument.

The app carries one ``Clock`` (``services(request).clock``): every ``now``, expiry and rate
limit reads it, so a test can set or move time for all of them at once.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo


def now_ms() -> int:
    """The system's wall clock in milliseconds: what a ``Clock`` reads until a test sets it."""
    return time.time_ns() // 1_000_000


class Clock:
    """Wall-clock milliseconds (``now_ms``, for what is stored and shown) and a monotonic
    reading in seconds (``monotonic``, for rate limits and caches, which must not jump when
    the system's clock is corrected).

    Real time until a test calls ``set`` or ``advance``: from then on the wall clock stands
    still where the test put it (a test's dates stay exact), while the monotonic reading keeps
    running and also jumps by every step forward the test makes, so rate limits and caches
    still refill and expire, and a jump resets them without sleeping.
    """

    def __init__(self) -> None:
        self._set_ms: int | None = None  # where a test holds the wall clock
        self._skipped = 0.0  # seconds a test has moved time forward

    def now_ms(self) -> int:
        return now_ms() if self._set_ms is None else self._set_ms

    def monotonic(self) -> float:
        return time.monotonic() + self._skipped

    def set(self, at_ms: int) -> None:
        """For tests: hold the wall clock at ``at_ms`` (moving forward counts as skipped)."""
        self._hold(at_ms, self.now_ms())

    def advance(self, ms: int) -> None:
        """For tests: move time ``ms`` forward, for the wall clock and every rate limit."""
        now = self.now_ms()  # read once: a second read (real time running) would skip less
        self._hold(now + ms, now)

    def _hold(self, at_ms: int, now: int) -> None:
        self._skipped += max(0, at_ms - now) / 1000
        self._set_ms = at_ms


def start_of_day_ms(now: int, timezone: str) -> int:
    """Milliseconds at the start of the local day that contains ``now``, in ``timezone``."""
    local = datetime.fromtimestamp(now / 1000, ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp() * 1000)
