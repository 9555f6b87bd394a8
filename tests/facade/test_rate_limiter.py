"""The client-side limiter never lets more than L sends into any W-second window (both limits)."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instantly._ratelimit import RateLimit, RateLimiter, RateLimitWaitTooLong


def _max_in_any_window(times: list[float], window: float) -> int:
    """Most sends inside any half-open interval [t, t + window) (it suffices to start at a send).

    Send times are rebuilt as `now + wait`, which float rounding can move by an ulp; the 1e-9
    tolerance absorbs that, far below anything a server could measure.
    """
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        j = max(j, i)
        while j < len(times) and times[j] < start + window - 1e-9:
            j += 1
        best = max(best, j - i)
    return best


def _send_times(limiter: RateLimiter, arrivals: list[float]) -> list[float]:
    return [now + limiter.reserve(now) for now in arrivals]


def test_a_burst_at_the_documented_limits_never_exceeds_either_window() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9, margin=0))
    times = _send_times(limiter, [0.0] * 7000)
    assert _max_in_any_window(times, 1.0) == 100
    assert _max_in_any_window(times, 60.0) == 6000


def test_the_first_sends_of_a_burst_do_not_wait() -> None:
    limiter = RateLimiter(RateLimit())
    assert [limiter.reserve(5.0) for _ in range(100)] == [0.0] * 100


def test_the_101st_send_in_a_second_waits_for_the_window_to_slide() -> None:
    limiter = RateLimiter(RateLimit(margin=0))
    for _ in range(100):
        limiter.reserve(5.0)
    assert limiter.reserve(5.25) == pytest.approx(0.75)


def test_the_minute_limit_binds_after_6000_sends() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9, margin=0))
    times = _send_times(limiter, [0.0] * 6001)
    assert times[-1] == pytest.approx(60.0)


@settings(max_examples=200, deadline=None)
@given(
    per_second=st.integers(1, 5),
    per_minute=st.integers(1, 20),
    gaps=st.lists(st.floats(0, 3, allow_nan=False), min_size=1, max_size=80),
)
def test_no_window_ever_holds_more_than_its_limit(
    per_second: int, per_minute: int, gaps: list[float]
) -> None:
    limiter = RateLimiter(RateLimit(per_second=per_second, per_minute=per_minute, max_wait=1e9))
    arrivals, now = [], 0.0
    for gap in gaps:
        now += gap
        arrivals.append(now)
    times = _send_times(limiter, arrivals)
    assert _max_in_any_window(times, 1.0) <= per_second
    assert _max_in_any_window(times, 60.0) <= per_minute


def test_a_wait_longer_than_max_wait_is_refused_and_books_nothing() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, max_wait=0.5, margin=0))
    limiter.reserve(0.0)
    with pytest.raises(RateLimitWaitTooLong, match=r"max_wait=0\.5"):
        limiter.reserve(0.0)
    assert limiter.reserve(1.0) == 0.0


def test_each_window_is_booked_longer_by_the_margin_for_arrival_spread() -> None:
    limiter = RateLimiter(RateLimit(margin=0.02))
    for _ in range(100):
        limiter.reserve(5.0)
    assert limiter.reserve(5.25) == pytest.approx(0.77)


def test_the_default_margin_keeps_sends_under_the_limit_even_if_arrivals_spread_20_ms() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9))
    sends = _send_times(limiter, [0.0] * 300)
    arrivals = [t + (0.02 if i % 100 == 0 else 0.0) for i, t in enumerate(sends)]  # cold starts
    assert _max_in_any_window(sorted(arrivals), 1.0) <= 100


def test_defer_until_holds_back_every_later_reservation() -> None:
    limiter = RateLimiter(RateLimit())
    limiter.defer_until(10.0)
    assert limiter.reserve(4.0) == 6.0


def test_concurrent_threads_share_the_budget_exactly() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9))
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = [limiter.reserve(0.0) for _ in range(500)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(times) == 4000
    assert _max_in_any_window(times, 1.0) == 100


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"per_second": 0}, "per_second"), ({"per_minute": 1.5}, "per_minute"),
     ({"max_wait": -1}, "max_wait"), ({"margin": -0.01}, "margin"), ({"margin": 1}, "margin")],
)  # fmt: skip
def test_rate_limit_rejects_bad_values(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        RateLimit(**kwargs)  # type: ignore[arg-type]
