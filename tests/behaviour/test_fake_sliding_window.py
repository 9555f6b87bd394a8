"""The fake's rate limit counts a sliding window at arrival: a burst across a boundary is caught."""

from __future__ import annotations

import pytest
from instantly.testing import ServerRateLimit
from instantly.testing._server_rate_limit import ServerRateLimiter


def test_a_burst_straddling_a_second_boundary_is_refused() -> None:
    limiter = ServerRateLimiter(ServerRateLimit(per_second=100, per_minute=6000))
    assert all(limiter.acquire(0.9) is None for _ in range(100))
    # A fixed 1 s window opened at 0.9 would close at 1.9; any 1 s holds at most 100 either way.
    assert limiter.acquire(1.5) == pytest.approx(0.4)


def test_a_slot_frees_exactly_one_window_after_the_arrival_it_counted() -> None:
    limiter = ServerRateLimiter(ServerRateLimit(per_second=2, per_minute=60))
    assert limiter.acquire(0.0) is None
    assert limiter.acquire(0.5) is None
    assert limiter.acquire(0.99) == pytest.approx(0.01)
    assert limiter.acquire(1.0) is None
    assert limiter.acquire(1.2) == pytest.approx(0.3)


def test_refused_requests_are_not_counted() -> None:
    limiter = ServerRateLimiter(ServerRateLimit(per_second=1, per_minute=60))
    assert limiter.acquire(0.0) is None
    for _ in range(50):
        assert limiter.acquire(0.5) is not None
    assert limiter.acquire(1.0) is None


def test_the_minute_window_slides_too() -> None:
    limiter = ServerRateLimiter(ServerRateLimit(per_second=100, per_minute=3))
    assert [limiter.acquire(t) for t in (0.0, 10.0, 20.0)] == [None, None, None]
    assert limiter.acquire(59.0) == pytest.approx(1.0)
    assert limiter.acquire(60.0) is None
    assert limiter.acquire(65.0) == pytest.approx(5.0)


def test_the_time_scale_shrinks_both_windows() -> None:
    limiter = ServerRateLimiter(ServerRateLimit(per_second=1, per_minute=60, time_scale=0.01))
    assert limiter.acquire(0.0) is None
    assert limiter.acquire(0.005) == pytest.approx(0.005)
