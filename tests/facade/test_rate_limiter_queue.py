"""The limiter's queue: a waiter keeps its place.

A waiter back at its turn (or a send moved to the moment its bytes are written) that finds the
actual sends do not allow it yet is queued again behind the claims ahead of it only, not behind
every later waiter, so the queue keeps its order and no slot goes unused. Exact clocks.
"""

from __future__ import annotations

import heapq
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instantly._rate_limiter import RateLimit, RateLimiter, Ticket


def _max_in_any_window(times: list[float], window: float) -> int:
    """Most sends inside any half-open interval [t, t + window), with an ulp of float tolerance."""
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        j = max(j, i)
        while j < len(times) and times[j] < start + window - 1e-9:
            j += 1
        best = max(best, j - i)
    return best


# -- waiters keep their place --------------------------------------------------------------------


def test_a_waiter_back_at_its_turn_that_cannot_send_yet_stays_ahead_of_later_waiters() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    first, second, third = (limiter.reserve(0.0) for _ in range(3))
    assert limiter.acquire(first, 0.0) == 0.0
    assert limiter.acquire(second, 0.1) == pytest.approx(0.9)  # its turn: 1.0
    assert limiter.acquire(third, 0.2) == pytest.approx(1.8)  # behind it: 2.0
    assert limiter.confirm(first, 0.5) == 0.0  # written at 0.5, after connecting
    assert limiter.acquire(second, 1.0) == pytest.approx(0.5)  # 1.5, not behind the third


def test_a_send_moved_to_the_moment_of_writing_stays_at_the_head_of_the_queue() -> None:
    limiter = RateLimiter(RateLimit(per_second=2, per_minute=60, margin=0))
    mine, a, b, c = (limiter.reserve(0.0) for _ in range(4))
    waiter = limiter.reserve(0.0)
    assert limiter.acquire(a, 0.0) == 0.0
    assert limiter.acquire(mine, 0.9) == 0.0
    assert limiter.acquire(b, 1.05) == 0.0
    assert limiter.acquire(c, 1.2) == pytest.approx(0.7)
    assert limiter.acquire(c, 1.9) == 0.0
    assert limiter.acquire(waiter, 1.95) == pytest.approx(0.1)  # its turn: 2.05
    # Written only at 2.0: b and c fill (1.0, 2.0], so it waits for b's slot, not behind `waiter`.
    assert limiter.confirm(mine, 2.0) == pytest.approx(0.05)


def test_a_waiter_called_back_before_its_turn_keeps_it() -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    first, second = limiter.reserve(0.0), limiter.reserve(0.0)
    assert limiter.acquire(first, 0.0) == 0.0
    assert limiter.acquire(second, 0.0) == pytest.approx(1.0)
    assert limiter.acquire(second, 0.4) == pytest.approx(0.6)
    assert limiter.acquire(second, 1.0) == 0.0


@settings(max_examples=150, deadline=None)
@given(
    per_second=st.integers(1, 6),
    per_minute=st.integers(1, 30),
    gaps=st.lists(st.floats(0, 2, allow_nan=False), min_size=1, max_size=60),
    connecting=st.lists(st.floats(0, 2, allow_nan=False), min_size=1, max_size=10),
    lateness=st.lists(st.floats(0, 3, allow_nan=False), min_size=1, max_size=10),
)
def test_no_window_holds_more_writes_than_its_limit_however_long_sends_take_to_leave(
    per_second: int,
    per_minute: int,
    gaps: list[float],
    connecting: list[float],
    lateness: list[float],
) -> None:
    """Each attempt is sent when `acquire` says 0, reaches the moment of writing a drawn time
    later (connecting), and is written when `confirm` says 0; every wait ends late by a drawn
    time. Counted at the moment of writing, as a server counts arrivals."""
    limiter = RateLimiter(RateLimit(per_second=per_second, per_minute=per_minute, max_wait=1e9))
    tickets: list[Ticket] = []
    events: list[tuple[float, int, str]] = []
    now = 0.0
    for i, gap in enumerate(gaps):
        now += gap
        ticket = limiter.reserve(now)
        tickets.append(ticket)
        heapq.heappush(events, (now + ticket.wait(now) + lateness[i % len(lateness)], i, "send"))
    written: list[float] = []
    for step in itertools.count():
        if not events:
            break
        now, i, phase = heapq.heappop(events)
        late = lateness[step % len(lateness)]
        if phase == "send":
            wait = limiter.acquire(tickets[i], now)
            later = connecting[step % len(connecting)] if wait == 0 else wait + late
            heapq.heappush(events, (now + later, i, "write" if wait == 0 else "send"))
        elif (wait := limiter.confirm(tickets[i], now)) == 0:
            written.append(now)
        else:
            heapq.heappush(events, (now + wait + late, i, "write"))
    assert len(written) == len(gaps)
    assert _max_in_any_window(written, 1.0) <= per_second
    assert _max_in_any_window(written, 60.0) <= per_minute
