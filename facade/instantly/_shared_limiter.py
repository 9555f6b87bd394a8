"""A `RateLimiter` whose windows live in a store several processes share (SQLite or Redis).

Instantly's limits are per workspace, shared by every process that uses it. `SharedRateLimiter`
keeps the in-process limiter's interface and rules (`_rate_limiter`) but holds the logs in a
store, each operation one atomic step there (a SQLite write transaction, a Redis Lua script):

- `reserve`/`acquire` record a send when every window of the request allows it, or give the
  request a claim (its turn: a distinct later time, behind the claims ahead of it) and say how
  long to wait. A claim counts only while it lies ahead: the claims of a process that died are
  ignored once their time has passed, and its sends age out with the window.
- `confirm` moves the send to the moment its bytes are written (when that is more than
  `_MOVE_AFTER` later: a reused connection's gap is far inside the 20 ms window margin).
- `release` deletes the attempt's send or claim: a cancelled or refused request gives it back.
- `defer_until`/`refuse_until` (a 429's Retry-After) are stored too: every sharer waits.

Each request's rows carry a member id unique to its attempt. Keys are per workspace (`keyed`).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Final, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from ._errors import APIConnectionError, InvalidInputError
from ._rate_limiter import (
    RateLimit,
    RateLimiter,
    RateLimitHeld,
    RateLimitWaitTooLong,
    RouteWindows,
    Ticket,
)

__all__ = [
    "LogSpec",
    "Mode",
    "SharedLimiterError",
    "SharedRateLimiter",
    "WindowStore",
    "open_store",
    "redacted_url",
]

# One log: its name in the store and its (limit, window seconds) pairs (margin included).
LogSpec = tuple[str, tuple[tuple[int, float], ...]]
Mode = Literal["reserve", "acquire", "confirm"]

# Outcome kinds a store returns, with a number of seconds.
SENT: Final = 0  # recorded as sent now
WAIT: Final = 1  # claimed a later turn: wait this long
HELD: Final = 2  # a Retry-After beyond the cap holds every sharer back this long
TOO_LONG: Final = 3  # reserve: the wait would exceed max_wait (nothing stored)

# A send confirmed this soon after it was recorded is not moved (one store round trip saved).
_MOVE_AFTER: Final = 0.002


class SharedLimiterError(APIConnectionError):
    """The shared rate limiter's store (SQLite file, Redis server) failed; nothing was sent.

    `url` is the store's URL without its password.
    """

    def __init__(self, message: str, *, url: str) -> None:
        self.url = url
        super().__init__(message)


class WindowStore(Protocol):
    """Where a shared limiter's logs live; every method is one atomic step in the store."""

    url: str  # redacted: safe to show

    def record(
        self, logs: Sequence[LogSpec], member: str, now: float, mode: Mode, max_wait: float
    ) -> tuple[int, float]:
        """Record a send of `member` or claim its turn; (SENT|WAIT|HELD|TOO_LONG, seconds)."""
        ...

    def release(self, logs: Sequence[LogSpec], member: str) -> None:
        """Delete what `member` holds in `logs` (its send or its claim)."""
        ...

    def hold(
        self, name: str, field: Literal["not_before", "refused_until"], delta: float, now: float
    ) -> None:
        """Raise `field` of hold `name` to at least `now + delta` (store time)."""
        ...

    def close(self) -> None:
        """Close the connection to the store."""
        ...


def redacted_url(url: str) -> str:
    """`url` with any password replaced (store URLs may carry one: redis://:secret@host)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def open_store(url: str) -> WindowStore:
    """The store a URL names: sqlite:///path.db (one machine) or redis://host:port/db."""
    if not isinstance(url, str) or "://" not in url:
        raise InvalidInputError(
            "a shared limiter's URL is sqlite:///path/to/file.db or redis://host:6379/0, "
            f"got {redacted_url(url) if isinstance(url, str) else url!r}"
        )
    scheme = url.split("://", 1)[0].lower()
    if scheme == "sqlite":
        from ._sqlite_window import SQLiteWindows

        return SQLiteWindows(url)
    if scheme in ("redis", "rediss", "unix"):
        from ._redis_window import RedisWindows

        return RedisWindows(url)
    raise InvalidInputError(
        f"unsupported shared limiter URL scheme {scheme!r}: use sqlite:///path/to/file.db "
        "(processes on one machine) or redis://host:6379/0 (several machines)"
    )


_PROCESS_TOKEN = uuid.uuid4().hex[:12]
_counter = itertools.count()


def _new_member() -> str:
    return f"{_PROCESS_TOKEN}.{os.getpid()}.{next(_counter)}"


class _SharedTicket(Ticket):
    """A ticket whose record lives in the store under `member` (one per attempt)."""

    __slots__ = ("fresh", "member", "recorded", "sent_at")

    def __init__(self, route: str | None, booked_at: float) -> None:
        super().__init__(route, booked_at, ())
        self.member = _new_member()
        self.recorded = False  # this attempt has a send row in the store
        self.fresh = False  # recorded by reserve: the first acquire keeps it
        self.sent_at = 0.0


class SharedRateLimiter(RateLimiter):
    """The limiter of one workspace's budget, held in a store every sharer reads and writes.

    Build it with `RateLimiter.shared(url)`. `key` names the budget (a workspace id; clients
    bound with `for_workspace` get `keyed(workspace_id)`). `clock` must be the clock the client
    reads (`time.monotonic`, the default): SQLite stores its readings (the monotonic clock is
    system-wide), Redis its own server time (Retry-After holds are sent as durations).
    """

    def __init__(
        self,
        store: WindowStore,
        limit: RateLimit | None = None,
        routes: RouteWindows | None = None,
        *,
        key: str = "default",
        clock: Callable[[], float] = time.monotonic,
        _owner: bool = True,
    ) -> None:
        super().__init__(limit, routes)
        if not isinstance(key, str) or not key or any(c in key for c in "|{}\r\n\0"):
            raise InvalidInputError(f"a shared limiter's key must be a plain string, got {key!r}")
        self.store = store
        self.key = key
        self._clock = clock
        self._owner = _owner
        self._ws_log: LogSpec = (f"{key}|ws", self.limit.windows)
        self._route_logs: dict[str, LogSpec] = {
            route: (f"{key}|r|{route}", windows) for route, windows in self._route_windows.items()
        }
        self._store_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SharedRateLimiter({self.store.url!r}, key={self.key!r}, {self.limit!r})"

    def keyed(self, key: str) -> SharedRateLimiter:
        """The same store and limits for another budget (another workspace)."""
        return SharedRateLimiter(
            self.store, self.limit, self._given_routes, key=key, clock=self._clock, _owner=False
        )

    def close(self) -> None:
        """Close the store's connection (limiters made by `keyed` leave it to their parent)."""
        if self._owner:
            self.store.close()

    def _specs(self, route: str | None) -> tuple[LogSpec, ...]:
        log = self._route_logs.get(route) if route is not None else None
        return (self._ws_log,) if log is None else (self._ws_log, log)

    def _step(self, ticket: _SharedTicket, now: float, mode: Mode) -> float:
        with self._store_lock:
            kind, seconds = self.store.record(
                self._specs(ticket.route), ticket.member, now, mode, self.limit.max_wait
            )
        if kind == HELD:
            raise RateLimitHeld(seconds)
        if kind == TOO_LONG:
            raise RateLimitWaitTooLong(seconds, self.limit.max_wait)
        if kind == SENT:
            ticket.recorded = True
            ticket.sent_at = now
            return 0.0
        return seconds

    def reserve(self, now: float, route: str | None = None) -> Ticket:
        """Record a send now, or claim the earliest turn (`ticket.wait(now)` says how long)."""
        ticket = _SharedTicket(route, now)
        wait = self._step(ticket, now, "reserve")
        ticket.booked_at = now + wait
        ticket.fresh = ticket.recorded
        return ticket

    def acquire(self, ticket: Ticket, now: float) -> float:
        """At the moment an attempt is sent: 0.0 once its send is recorded, else the wait."""
        assert isinstance(ticket, _SharedTicket)
        if ticket.fresh:  # reserve recorded it a moment ago
            ticket.fresh = False
            return 0.0
        if ticket.recorded:  # a retry: the earlier attempt's send stands, this one is new
            ticket.member = _new_member()
            ticket.recorded = False
        return self._step(ticket, now, "acquire")

    def confirm(self, ticket: Ticket, now: float) -> float:
        """Right before the bytes are written: move the send to `now`, or say how long to wait."""
        assert isinstance(ticket, _SharedTicket)
        ticket.fresh = False
        if ticket.recorded and now - ticket.sent_at <= _MOVE_AFTER:
            return 0.0
        return self._step(ticket, now, "confirm")

    def release(self, ticket: Ticket) -> None:
        """Give back what the attempt holds (its send or its claim) in the store."""
        assert isinstance(ticket, _SharedTicket)
        with self._store_lock:
            self.store.release(self._specs(ticket.route), ticket.member)
        ticket.recorded = ticket.fresh = False
        ticket.booked_at = None

    def defer_until(self, when: float) -> None:
        """Every sharer sends nothing before `when` (a Retry-After within the cap)."""
        now = self._clock()
        with self._store_lock:
            self.store.hold(self.key, "not_before", when - now, now)

    def refuse_until(self, when: float) -> None:
        """Every sharer's requests fail fast before `when` (a Retry-After beyond the cap)."""
        now = self._clock()
        with self._store_lock:
            self.store.hold(self.key, "refused_until", when - now, now)


def shared_limiter(
    url: str,
    limit: RateLimit | None,
    routes: RouteWindows | None,
    key: str,
    clock: Callable[[], float],
) -> SharedRateLimiter:
    """`RateLimiter.shared`'s work: open the store the URL names, wrap it in a limiter."""
    return SharedRateLimiter(open_store(url), limit, routes, key=key, clock=clock)
