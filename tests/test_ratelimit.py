"""Rate limits: a burst is allowed, then callers wait; keys are independent."""
from __future__ import annotations

from app.auth.ratelimit import RateLimiter


def test_burst_then_refill():
    limiter = RateLimiter(per_second=2, burst=3)
    assert [limiter.allow("a", now=0)[0] for _ in range(4)] == [True, True, True, False]
    allowed, wait = limiter.allow("a", now=0)
    assert not allowed and 0 < wait <= 0.5
    assert limiter.allow("a", now=0.5)[0]
    assert limiter.allow("b", now=0)[0], "another phone has its own bucket"


def test_many_keys_do_not_grow_without_bound():
    limiter = RateLimiter(per_second=1, burst=1, max_keys=10)
    for i in range(100):
        limiter.allow(str(i), now=0)
    assert len(limiter._buckets) <= 11
