"""In-memory token buckets, keyed by whatever the caller chooses (store and client, say).

One process holds the buckets; that matches Keepcart's one-server deployment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server.clock import Clock


@dataclass(slots=True)  # slots: a little faster to read and write on every hit
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``limit`` hits per ``period`` seconds per key, timed by ``clock``'s monotonic reading
    (the app's clock: a test that moves time moves every limit with it)."""

    def __init__(
        self, limit: int, period: float, clock: Clock | None = None, *, max_keys: int = 100_000
    ):
        self._clock = clock or Clock()
        self.capacity = float(limit)
        self.refill_per_second = limit / period
        self._buckets: dict[object, _Bucket] = {}
        self._max_keys = max_keys

    def hit(self, key: object, now: float | None = None) -> float:
        """Take one token for ``key``; return 0 if allowed, else seconds until it would be.

        ``now`` is in monotonic seconds, read from the limiter's clock unless given."""
        if now is None:
            now = self._clock.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(
            self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.refill_per_second

    def retry_after(self, wait: float) -> int:
        return max(1, math.ceil(wait))

    def _forget_full(self, now: float) -> None:
        # Buckets that have refilled completely carry no information; drop them.
        full_after = self.capacity / self.refill_per_second
        self._buckets = {key: b for key, b in self._buckets.items() if now - b.updated < full_after}
