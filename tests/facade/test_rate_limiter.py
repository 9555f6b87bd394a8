"""The client-side limiter: never more than L sends in any W-second window, counted at sending.

Bookings (`reserve`) order the queue; `acquire`/`confirm` hold the limit on the actual send times,
however late a sender wakes; `release` gives a slot back. Simulated on exact clocks.
"""

from __future__ import annotations

import heapq
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instantly import InvalidInputError, RetryPolicy
from instantly._rate_limiter import (
    RateLimit,
    RateLimiter,
    RateLimitHeld,
    RateLimitWaitTooLong,
)


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


def _booked_times(limiter: RateLimiter, arrivals: list[float]) -> list[float]:
    return [now + limiter.reserve(now).wait(now) for now in arrivals]


def _sends(limiter: RateLimiter, arrivals: list[float], lateness: list[float]) -> list[float]:
    """Simulate senders: each books at its arrival, wakes `lateness` after every wait it is given
    (a late event loop or thread), and sends when `acquire` says 0. Returns the send times."""
    events: list[tuple[float, int]] = []
    tickets = {}
    for i, now in enumerate(arrivals):
        ticket = limiter.reserve(now)
        tickets[i] = ticket
        heapq.heappush(events, (now + ticket.wait(now) + lateness[i % len(lateness)], i))
    sent: list[float] = []
    while events:
        now, i = heapq.heappop(events)
        wait = limiter.acquire(tickets[i], now)
        if wait == 0:
            sent.append(now)
        else:
            heapq.heappush(events, (now + wait + lateness[(i + 1) % len(lateness)], i))
    return sent


# -- bookings ------------------------------------------------------------------------------------


def test_a_burst_at_the_documented_limits_never_books_beyond_either_window() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9, margin=0))
    times = _booked_times(limiter, [0.0] * 7000)
    assert _max_in_any_window(times, 1.0) == 100
    assert _max_in_any_window(times, 60.0) == 6000


def test_the_first_sends_of_a_burst_do_not_wait() -> None:
    limiter = RateLimiter(RateLimit())
    tickets = [limiter.reserve(5.0) for _ in range(100)]
    assert [t.wait(5.0) for t in tickets] == [0.0] * 100
    assert [limiter.acquire(t, 5.0) for t in tickets] == [0.0] * 100


def test_the_101st_booking_in_a_second_waits_for_the_window_to_slide() -> None:
    limiter = RateLimiter(RateLimit(margin=0))
    for _ in range(100):
        limiter.reserve(5.0)
    assert limiter.reserve(5.25).wait(5.25) == pytest.approx(0.75)


def test_the_minute_limit_binds_after_6000_bookings() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9, margin=0))
    times = _booked_times(limiter, [0.0] * 6001)
    assert times[-1] == pytest.approx(60.0)


def test_each_window_is_booked_longer_by_the_margin_for_arrival_spread() -> None:
    limiter = RateLimiter(RateLimit(margin=0.02))
    for _ in range(100):
        limiter.reserve(5.0)
    assert limiter.reserve(5.25).wait(5.25) == pytest.approx(0.77)


def test_a_wait_longer_than_max_wait_is_refused_and_books_nothing() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, max_wait=0.5, margin=0))
    limiter.reserve(0.0)
    with pytest.raises(RateLimitWaitTooLong, match=r"max_wait=0\.5"):
        limiter.reserve(0.0)
    assert limiter.reserve(1.0).wait(1.0) == 0.0


def test_concurrent_threads_share_the_budget_exactly() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9))
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = [limiter.reserve(0.0).wait(0.0) for _ in range(500)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(times) == 4000
    assert _max_in_any_window(times, 1.0) == 100


# -- the moment of sending -----------------------------------------------------------------------


def test_senders_that_wake_late_together_still_send_at_most_the_limit_per_window() -> None:
    """Three windows of bookings whose senders all wake 2.5 s late (a blocked event loop)."""
    limiter = RateLimiter(RateLimit(margin=0))
    sent = _sends(limiter, [0.0] * 300, lateness=[2.5] + [0.0] * 99)
    assert len(sent) == 300
    assert _max_in_any_window(sent, 1.0) == 100


def test_a_send_late_after_its_booking_pushes_the_next_window_back() -> None:
    limiter = RateLimiter(RateLimit(per_second=2, per_minute=60, margin=0))
    first, second, third = (limiter.reserve(0.0) for _ in range(3))
    assert limiter.acquire(first, 0.4) == 0.0  # the connection took 0.4 s to open
    assert limiter.acquire(second, 0.5) == 0.0
    assert third.booked_at == pytest.approx(1.0)
    assert limiter.acquire(third, 1.0) == pytest.approx(0.4)  # not before 0.4 + 1 s


def test_confirm_moves_the_record_to_the_moment_the_bytes_leave() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    first = limiter.reserve(0.0)
    assert limiter.acquire(first, 0.0) == 0.0
    assert limiter.confirm(first, 0.3) == 0.0  # written 0.3 s later, after connecting
    second = limiter.reserve(1.0)
    assert limiter.acquire(second, 1.0) == pytest.approx(0.3)


def test_confirm_waits_when_the_moment_of_writing_would_overfill_a_window() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    early, late = limiter.reserve(0.0), limiter.reserve(0.0)
    assert limiter.acquire(early, 0.5) == 0.0
    assert limiter.confirm(early, 0.5) == 0.0
    assert limiter.acquire(late, 1.5) == 0.0
    limiter.release(late)
    assert limiter.acquire(late, 1.2) == pytest.approx(0.3)


@settings(max_examples=150, deadline=None)
@given(
    per_second=st.integers(1, 6),
    per_minute=st.integers(1, 30),
    gaps=st.lists(st.floats(0, 2, allow_nan=False), min_size=1, max_size=60),
    lateness=st.lists(st.floats(0, 3, allow_nan=False), min_size=1, max_size=10),
)
def test_no_window_ever_holds_more_sends_than_its_limit_however_late_senders_wake(
    per_second: int, per_minute: int, gaps: list[float], lateness: list[float]
) -> None:
    limiter = RateLimiter(RateLimit(per_second=per_second, per_minute=per_minute, max_wait=1e9))
    arrivals, now = [], 0.0
    for gap in gaps:
        now += gap
        arrivals.append(now)
    sent = _sends(limiter, arrivals, lateness)
    assert len(sent) == len(arrivals)
    assert _max_in_any_window(sent, 1.0) <= per_second
    assert _max_in_any_window(sent, 60.0) <= per_minute


# -- giving slots back ---------------------------------------------------------------------------


def test_releasing_1000_queued_bookings_leaves_the_next_request_unthrottled() -> None:
    limiter = RateLimiter(RateLimit(max_wait=1e9))
    sent = [limiter.reserve(0.0) for _ in range(100)]
    for ticket in sent:
        assert limiter.acquire(ticket, 0.0) == 0.0
    queued = [limiter.reserve(0.0) for _ in range(1000)]
    assert queued[-1].wait(0.0) > 9.0
    for ticket in queued:
        limiter.release(ticket)
    late = limiter.reserve(1.1)
    assert late.wait(1.1) == 0.0
    assert limiter.acquire(late, 1.1) == 0.0


def test_release_after_an_attempt_was_sent_keeps_its_booking_and_send() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    ticket = limiter.reserve(0.0)
    assert limiter.acquire(ticket, 0.0) == 0.0  # attempt 1 sent (answered 503)
    assert limiter.acquire(ticket, 0.1) == pytest.approx(0.9)  # the retry waits its turn
    limiter.release(ticket)  # the retry is cancelled while waiting
    assert limiter.reserve(0.2).wait(0.2) == pytest.approx(0.8)


def test_release_of_an_unwritten_attempt_takes_back_its_send_record() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    refused = limiter.reserve(0.0)
    assert limiter.acquire(refused, 0.0) == 0.0
    limiter.release(refused)  # connection refused: nothing left
    other = limiter.reserve(0.0)
    assert (other.wait(0.0), limiter.acquire(other, 0.0)) == (0.0, 0.0)


# -- the server's Retry-After --------------------------------------------------------------------


def test_defer_until_holds_back_every_later_booking_and_send() -> None:
    limiter = RateLimiter(RateLimit())
    ticket = limiter.reserve(0.0)
    limiter.defer_until(10.0)
    assert limiter.reserve(4.0).wait(4.0) == 6.0
    assert limiter.acquire(ticket, 4.0) == 6.0


def test_refuse_until_fails_every_booking_and_send_fast_with_the_remaining_time() -> None:
    limiter = RateLimiter(RateLimit())
    ticket = limiter.reserve(0.0)
    limiter.refuse_until(3600.0)
    with pytest.raises(RateLimitHeld) as caught:
        limiter.reserve(600.0)
    assert caught.value.remaining == 3000.0
    with pytest.raises(RateLimitHeld):
        limiter.acquire(ticket, 600.0)
    assert limiter.reserve(3600.0).wait(3600.0) == 0.0


# -- per-route windows ---------------------------------------------------------------------------

ROUTES = {"GET /api/v2/emails": ((2, 60.0),), "POST /api/v2/leads/list": ((1, 1.0), (3, 60.0))}


def test_a_route_window_binds_requests_of_that_route_only() -> None:
    limiter = RateLimiter(RateLimit(margin=0), routes=ROUTES)
    emails = [limiter.reserve(0.0, "GET /api/v2/emails") for _ in range(3)]
    assert [t.wait(0.0) for t in emails] == [0.0, 0.0, 60.0]
    assert limiter.reserve(0.0, "GET /api/v2/accounts").wait(0.0) == 0.0
    assert limiter.reserve(0.0).wait(0.0) == 0.0


def test_a_routes_sends_count_against_the_workspace_windows_too() -> None:
    limiter = RateLimiter(RateLimit(per_second=2, per_minute=60, margin=0), routes=ROUTES)
    for _ in range(2):
        ticket = limiter.reserve(0.0, "GET /api/v2/emails")
        assert limiter.acquire(ticket, 0.0) == 0.0
    other = limiter.reserve(0.0)
    assert other.wait(0.0) == 1.0


def test_a_route_window_holds_at_the_moment_of_sending() -> None:
    limiter = RateLimiter(RateLimit(margin=0), routes=ROUTES)
    route = "POST /api/v2/leads/list"
    first, second = limiter.reserve(0.0, route), limiter.reserve(0.0, route)
    assert limiter.acquire(first, 0.7) == 0.0
    assert second.booked_at == 1.0
    assert limiter.acquire(second, 1.0) == pytest.approx(0.7)


def test_route_windows_are_lengthened_by_the_margin() -> None:
    limiter = RateLimiter(RateLimit(margin=0.02), routes={"GET /x": ((1, 60.0),)})
    limiter.reserve(0.0, "GET /x")
    assert limiter.reserve(0.0, "GET /x").wait(0.0) == pytest.approx(60.02)


# -- bad settings are typed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"per_second": 0}, "per_second"), ({"per_minute": 1.5}, "per_minute"),
     ({"max_wait": -1}, "max_wait"), ({"max_wait": float("nan")}, "max_wait"),
     ({"margin": -0.01}, "margin"), ({"margin": 1}, "margin"),
     ({"per_second": True}, "per_second")],
)  # fmt: skip
def test_rate_limit_rejects_bad_values_with_invalid_input_error(
    kwargs: dict[str, float], field: str
) -> None:
    with pytest.raises(InvalidInputError, match=field):
        RateLimit(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "routes",
    [{"GET /x": ((0, 60.0),)}, {"GET /x": ((1, 0),)}, {"GET /x": ()}, {"GET /x": (5, 60.0)},
     {"GET /x": ((1, float("inf")),)}, {1: ((1, 1.0),)}, ["GET /x"]],
    ids=["zero requests", "zero seconds", "no window", "flat pair", "infinite", "key", "list"],
)  # fmt: skip
def test_bad_route_windows_are_refused_with_invalid_input_error(routes: object) -> None:
    with pytest.raises(InvalidInputError, match="routes"):
        RateLimiter(RateLimit(), routes=routes)  # type: ignore[arg-type]


def test_a_limiter_needs_a_rate_limit() -> None:
    with pytest.raises(InvalidInputError, match="RateLimit"):
        RateLimiter({"per_second": 5})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retries": -1}, {"max_retries": 1.5}, {"initial_delay": "1"}, {"max_delay": -2.0},
     {"max_retry_after": float("inf")}, {"max_retries": True}],
)  # fmt: skip
def test_retry_policy_rejects_bad_values_with_invalid_input_error(
    kwargs: dict[str, object],
) -> None:
    with pytest.raises(InvalidInputError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
