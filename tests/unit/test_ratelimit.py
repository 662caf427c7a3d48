from server.ratelimit import RateLimiter


def test_allows_up_to_the_limit_then_says_how_long_to_wait():
    limiter = RateLimiter(limit=3, period=60)
    assert [limiter.hit("a", now=0.0) for _ in range(3)] == [0, 0, 0]
    wait = limiter.hit("a", now=0.0)
    assert 19 < wait <= 20
    assert limiter.retry_after(wait) == 20


def test_keys_are_independent_and_tokens_refill():
    limiter = RateLimiter(limit=1, period=10)
    assert limiter.hit("a", 0.0) == 0
    assert limiter.hit("b", 0.0) == 0
    assert limiter.hit("a", 1.0) > 0
    assert limiter.hit("a", 11.0) == 0


def test_memory_stays_bounded():
    limiter = RateLimiter(limit=1, period=1, max_keys=10)
    for i in range(100):
        limiter.hit(i, now=float(i * 2))
    assert len(limiter._buckets) <= 10
