"""The app's Clock: real time until a test sets or moves it."""

from server.clock import Clock, now_ms
from server.ratelimit import RateLimiter


def test_a_clock_reads_real_time_until_a_test_sets_it():
    clock = Clock()
    before = now_ms()
    assert before <= clock.now_ms() <= now_ms()
    clock.set(1_800_000_000_000)
    assert clock.now_ms() == 1_800_000_000_000  # it stands still where the test put it
    clock.advance(1_500)
    assert clock.now_ms() == 1_800_000_001_500


def test_moving_forward_moves_the_monotonic_reading_and_moving_back_never_does():
    clock = Clock()
    clock.set(1_800_000_000_000)
    start = clock.monotonic()
    clock.advance(60_000)
    assert clock.monotonic() - start >= 60
    jumped = clock.monotonic()
    clock.set(1_700_000_000_000)  # back in time: a rate limit must not wait longer for it
    assert clock.monotonic() >= jumped


def test_a_rate_limiter_refills_when_its_clock_moves_on():
    clock = Clock()
    limiter = RateLimiter(1, 60, clock)
    assert limiter.hit("a") == 0
    assert limiter.hit("a") > 0
    clock.advance(60_000)
    assert limiter.hit("a") == 0


def test_advancing_a_real_clock_skips_exactly_that_long(monkeypatch):
    """Real time runs between reading the wall clock and holding it: the skip must still be
    the whole step (a rate limit refilled by a minute's step needs all of that minute)."""
    readings = iter([1_000_000, 1_000_007])  # the wall clock moves 7 ms between two reads
    monkeypatch.setattr("server.clock.now_ms", lambda: next(readings))
    clock = Clock()
    start = clock.monotonic()
    clock.advance(60_000)
    assert clock.monotonic() - start >= 60
    assert clock.now_ms() == 1_060_000
