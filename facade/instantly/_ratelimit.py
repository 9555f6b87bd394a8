"""Client-side limiter for Instantly's workspace rate limits (100 req/s and 6,000 req/min).

The core is an exact sliding-window log: it hands out send times ("reservations") in
non-decreasing order and never gives the k-th reservation a time earlier than the (k-L)-th plus
W, for every window (L requests per W seconds). So any L+1 consecutive sends span at least W
seconds, and no half-open interval of length W ever holds more than L sends: neither limit can be
exceeded by what one client sends, whatever the concurrency.

What the server counts is arrivals, not sends: a request that opens a connection arrives later
than one sent on a warm connection, so L+1 sends spanning exactly W seconds can arrive within W.
Each window is therefore booked `margin` seconds longer (20 ms by default; measured on loopback,
where a cold connection's first request met a 429 without it), at the cost of that fraction of
throughput (2% of the per-second limit).

The core does no I/O and never sleeps: `reserve(now)` returns how long the caller must wait; the
retry transports in `_transport` (sync and async) do the waiting.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from ._config import RATE_LIMIT_MAX_WAIT, RATE_LIMIT_WINDOW_MARGIN
from ._facts import RATE_LIMIT_PER_MINUTE, RATE_LIMIT_PER_SECOND

__all__ = [
    "RateLimit",
    "RateLimitWaitTooLong",
    "RateLimiter",
]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Request budget of one client: `per_second` and `per_minute` sends, and the longest queueing.

    The defaults are Instantly's documented workspace limits. The workspace limit is shared by
    every key and process; give each of N processes a share (e.g. per_second=100 // N).
    `margin` seconds are added to each window to absorb the spread between when requests are sent
    and when they arrive (a cold connection delays its first request); 0 books exact windows.
    """

    per_second: int = RATE_LIMIT_PER_SECOND
    per_minute: int = RATE_LIMIT_PER_MINUTE
    max_wait: float = RATE_LIMIT_MAX_WAIT
    margin: float = RATE_LIMIT_WINDOW_MARGIN

    def __post_init__(self) -> None:
        for name in ("per_second", "per_minute"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"RateLimit.{name} must be an int >= 1, got {value!r}")
        if (
            isinstance(self.max_wait, bool)
            or not isinstance(self.max_wait, int | float)
            or (self.max_wait < 0)
        ):
            raise ValueError(f"RateLimit.max_wait must be a number >= 0, got {self.max_wait!r}")
        if (
            isinstance(self.margin, bool)
            or not isinstance(self.margin, int | float)
            or not 0 <= self.margin < 1
        ):
            raise ValueError(
                f"RateLimit.margin must be a number of seconds in [0, 1), got {self.margin!r}"
            )

    @property
    def windows(self) -> tuple[tuple[int, float], ...]:
        """(limit, window seconds) pairs the limiter enforces, windows lengthened by `margin`."""
        return ((self.per_second, 1.0 + self.margin), (self.per_minute, 60.0 + self.margin))


class RateLimitWaitTooLong(Exception):
    """The limiter would have to queue a request longer than `RateLimit.max_wait`."""

    def __init__(self, wait: float, max_wait: float) -> None:
        self.wait = wait
        self.max_wait = max_wait
        super().__init__(
            f"the client-side rate limiter would queue this request {wait:.1f} s, longer than "
            f"RateLimit.max_wait={max_wait:g} s; send fewer requests at once or raise max_wait"
        )


class RateLimiter:
    """Sans-I/O, thread-safe reservation core shared by everything one client sends."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._windows = limit.windows
        self._times: deque[float] = deque(maxlen=max(n for n, _ in self._windows))
        self._not_before = float("-inf")
        self._lock = threading.Lock()

    def reserve(self, now: float) -> float:
        """Book the earliest allowed send time at or after `now`; return the seconds to wait.

        Raises RateLimitWaitTooLong (booking nothing) when that wait exceeds `max_wait`.
        """
        with self._lock:
            times = self._times
            at = max(now, self._not_before)
            if times:
                at = max(at, times[-1])
            for limit, window in self._windows:
                if len(times) >= limit:
                    at = max(at, times[-limit] + window)
            wait = at - now
            if wait > self.limit.max_wait:
                raise RateLimitWaitTooLong(wait, self.limit.max_wait)
            times.append(at)
            return wait

    def defer_until(self, when: float) -> None:
        """Book nothing before `when` (the server said Retry-After): every sender waits, not one."""
        with self._lock:
            self._not_before = max(self._not_before, when)
