"""The workspace rate limit: sliding windows per second and per minute, counted at arrival.

Instantly allows 100 requests per second and 6,000 per minute per workspace (see
`instantly._facts`); over either it answers 429 with `Retry-After`. The fake counts the requests
it allowed in the last second and the last minute at each arrival (a sliding window): the
strictest reading of the documented limit, so a client burst that a fixed window would split
across two buckets is refused here, and the project's own tests catch it. Refused requests are
not counted.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from .._facts import RATE_LIMIT_PER_MINUTE, RATE_LIMIT_PER_SECOND

__all__ = ["ServerRateLimit", "ServerRateLimiter"]


@dataclass(frozen=True, slots=True)
class ServerRateLimit:
    """How many requests the fake allows per window; `None` turns a window off.

    `time_scale` shrinks both windows for benchmarks: `ServerRateLimit(time_scale=0.01)` allows 100
    requests per 10 ms and 6,000 per 0.6 s, and then sends `Retry-After` in fractional seconds
    (real Instantly, at scale 1, sends whole seconds).
    """

    per_second: int | None = RATE_LIMIT_PER_SECOND
    per_minute: int | None = RATE_LIMIT_PER_MINUTE
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("per_second", "per_minute"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(
                    f"ServerRateLimit.{name} must be a positive int or None, got {value!r}"
                )
        if not self.time_scale > 0:
            raise ValueError(f"ServerRateLimit.time_scale must be > 0, got {self.time_scale!r}")

    def windows(self) -> list[tuple[float, int]]:
        """(window length in seconds, allowed requests) for each active window."""
        pairs = [(1.0, self.per_second), (60.0, self.per_minute)]
        return [(length * self.time_scale, limit) for length, limit in pairs if limit is not None]


class ServerRateLimiter:
    """Sans-I/O sliding-window counters; not thread-safe alone (the fake holds its lock).

    Each window keeps the arrival times it allowed; a request is refused while the last `length`
    seconds already hold `allowed` of them, so a burst straddling a fixed boundary is caught.
    """

    def __init__(
        self, limit: ServerRateLimit, windows: Iterable[tuple[float, int]] | None = None
    ) -> None:
        """`windows`: (seconds, allowed) of its own (an operation's limits, scaled like the
        workspace's) in place of `limit`'s."""
        self.limit = limit
        scaled = None if windows is None else [(s * limit.time_scale, n) for s, n in windows]
        self._windows = limit.windows() if scaled is None else scaled
        self._arrivals: list[deque[float]] = [deque() for _ in self._windows]

    def acquire(self, now: float) -> float | None:
        """Count one request arriving at `now`; None if allowed, else seconds until a slot frees."""
        wait = 0.0
        for (length, allowed), arrivals in zip(self._windows, self._arrivals, strict=True):
            while arrivals and arrivals[0] <= now - length:
                arrivals.popleft()
            if len(arrivals) >= allowed:
                wait = max(wait, arrivals[0] + length - now)
        if wait > 0:
            return wait
        for arrivals in self._arrivals:
            arrivals.append(now)
        return None

    def retry_after_header(self, wait: float) -> str:
        """`Retry-After` for a wait: whole seconds (rounded up) at scale 1, else to the ms."""
        if self.limit.time_scale == 1.0:
            return str(max(1, math.ceil(wait)))
        return f"{max(wait, 0.001):.3f}"
