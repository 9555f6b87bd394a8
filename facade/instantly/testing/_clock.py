"""The fake's sense of time: one injectable clock, and the wall-clock timestamps derived from it.

Every timestamp the fake writes is `start_time + (clock() - clock-at-start)`, so a test that
injects a clock gets exact, reproducible timestamps as well as exact job progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "FakeClock", "WallClock", "iso_timestamp"]

Clock = Callable[[], float]


def iso_timestamp(moment: datetime) -> str:
    """Instantly's timestamp format: UTC with milliseconds, e.g. `2026-03-05T23:09:47.220Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class WallClock:
    """Maps readings of `clock` (seconds, any origin) to ISO timestamps starting at `start_time`."""

    def __init__(self, clock: Clock, start_time: datetime | None = None) -> None:
        self.clock = clock
        self._origin = clock()
        start = start_time if start_time is not None else datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError(f"start_time {start!r} must be timezone-aware (e.g. tzinfo=UTC)")
        self.start_time = start

    def at(self, reading: float) -> str:
        """The ISO timestamp of a clock reading."""
        return iso_timestamp(self.start_time + timedelta(seconds=reading - self._origin))

    def before_start(self, seconds: float) -> str:
        """The ISO timestamp `seconds` before the fake started (for seeded history)."""
        return iso_timestamp(self.start_time - timedelta(seconds=seconds))


class FakeClock:
    """A manual clock for tests: `clock()` reads it, `advance(s)` moves it, `sleep(s)` advances it.

    Pass it as `FakeInstantly(clock=...)` and as the transport's `sleep`, so waiting code under
    test runs instantly and deterministically.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds` (never backward)."""
        if seconds < 0:
            raise ValueError(f"cannot move a clock backward (got {seconds} seconds)")
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """A `time.sleep` stand-in that advances this clock instead of waiting."""
        self.advance(max(seconds, 0.0))

    async def async_sleep(self, seconds: float) -> None:
        """An `asyncio.sleep` stand-in that advances this clock instead of waiting."""
        self.advance(max(seconds, 0.0))
