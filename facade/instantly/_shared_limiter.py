"""A `RateLimiter` whose windows live in a store several processes share (SQLite or Redis).

Instantly's limits are per workspace, shared by every process that uses it. `SharedRateLimiter`
keeps the in-process limiter's interface and rules (`_rate_limiter`) but holds the logs in a
store, each operation one atomic step there (a SQLite write transaction, a Redis Lua script):

- `reserve`/`acquire` record a send when every window of the request allows it, or give the
  request a claim (its turn: a distinct later time, behind the claims ahead of it) and say how
  long to wait. A claim counts only while it lies ahead and while its process is alive: each
  process touches the store at least every `HEARTBEAT_EVERY` seconds while it has claims, and
  the claims of one silent for `LEASE` seconds (dead) are deleted. A dead process's sends age
  out with the window: it holds no budget beyond it.
- Only the first `TALKERS` waiters of each process (per budget and route) hold a claim in the
  store; the waiters behind them queue in the process, in order, and ask the store only once
  they may move up among the first `TALKERS`: they sleep until the earliest they may (the
  talkers' turns, then the binding window's pace), asking the process, not the store, again.
  Measured before this: each of 2,000 waiters asked the store some 19 times (SQLite's write
  lock, held by every process in turn, was the bottleneck); now each asks it about 3 times.
- A waiter sleeps at most half its wait (down to `RECHECK`), then asks again: its turn never
  gets later, and moves up when the turns ahead of it went (a process died, requests were
  cancelled), so the budget they held is used within about one window. A dead process held
  at most `TALKERS` claims in the store: its other waiters never reached it.
- `confirm` moves the send to the moment its bytes are written (when that is more than
  `_MOVE_AFTER` later: a reused connection's gap is far inside the 20 ms window margin).
- `written` (the transport wrote the request) moves a send written more than `_LATE_AFTER`
  after the step that stamped it was asked for to `_LATE_AFTER` before its write (every send
  then counts at most that early, the margin absorbs it, and a late one delays the next
  window's sends no more than it must): the store stamps at its own
  time, and the write follows after the reply's way back and the event loop's other tasks
  (measured on Redis, 2 processes x 500 tasks: 1 ms typical, 12 ms at p90, up to 44 ms). A
  spread beyond the window's margin let 101 sends stamped 1.02 s apart arrive within 1 s
  (server 429s); moved, the next window's sends wait for the late one's actual time.
- `release` deletes the attempt's send or claim: a cancelled or refused request gives it back.
- `defer_until`/`refuse_until` (a 429's Retry-After) are stored too: every sharer waits.

Each request's rows carry a member id unique to its attempt. Keys are per workspace (`keyed`).
"""

from __future__ import annotations

import contextlib
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
    "HEARTBEAT_EVERY",
    "LEASE",
    "RECHECK",
    "TALKERS",
    "LogSpec",
    "Mode",
    "SharedLimiterError",
    "SharedRateLimiter",
    "WindowStore",
    "open_store",
    "process_owner",
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
# A send written this long after its stamp was asked for is moved to this long before its write:
# every send counts at most this early, well inside the 20 ms margin.
_LATE_AFTER: Final = 0.005
# A process silent this long is dead: its claims are deleted. It touches the store 5x as often.
LEASE: Final = 0.5
HEARTBEAT_EVERY: Final = 0.1
# A wait longer than this is slept in halves, asking again in between.
RECHECK: Final = 0.25
# Waiters of one process (per budget and route) holding a claim in the store at once; the
# others queue in the process. 8 claims per process keep 80 ms of turns booked at 100/s, so a
# waiter that wakes late still finds the store's queue non-empty.
TALKERS: Final = 8


def _first_sleep(wait: float) -> float:
    """How long to sleep of `wait` before asking the store again."""
    return wait if wait <= RECHECK else max(RECHECK, wait / 2)


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
        self,
        logs: Sequence[LogSpec],
        member: str,
        owner: str,
        now: float,
        mode: Mode,
        max_wait: float,
    ) -> tuple[int, float]:
        """Record a send of `member` or claim its turn; (SENT|WAIT|HELD|TOO_LONG, seconds).

        `owner` (the process) is marked alive; the claims of owners silent for LEASE go.
        """
        ...

    def release(self, logs: Sequence[LogSpec], member: str, owner: str) -> None:
        """Delete what `member` holds in `logs` (its send or its claim)."""
        ...

    def written(self, logs: Sequence[LogSpec], member: str, late: float, now: float) -> None:
        """Move `member`'s send (if it still has one) later, to `now` on the callers' clock.

        `late`: how much later than when the step that stamped it was asked for (a store on
        its own clock adds it to the stamp, which was made after that).
        """
        ...

    def touch(self, budgets: Sequence[str], owner: str, now: float) -> None:
        """Mark `owner` alive (its claims in these budgets keep their places)."""
        ...

    def hold(
        self, name: str, field: Literal["not_before", "refused_until"], delta: float, now: float
    ) -> None:
        """Raise `field` of hold `name` to at least `now + delta` (store time)."""
        ...

    def held_for(self, name: str, now: float) -> float:
        """Seconds from `now` (store time) until hold `name` ends; 0 when nothing holds it."""
        ...

    def clear_holds(self, name: str) -> None:
        """End both holds of budget `name` at once (`RateLimiter.resume`)."""
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


def process_owner() -> str:
    """This process's name in the stores (a forked child gets its own)."""
    return f"{_PROCESS_TOKEN}-{os.getpid()}"


class _Heartbeat:
    """Touches the store every HEARTBEAT_EVERY seconds once the process has claimed a turn.

    One per opened store (keyed limiters share their parent's); a daemon thread, stopped by
    `stop()` (the limiter's `close()`).
    """

    def __init__(
        self, store: WindowStore, owner: Callable[[], str], clock: Callable[[], float]
    ) -> None:
        self._store = store
        self._owner = owner
        self._clock = clock
        self._budgets: set[str] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def claimed(self, budget: str) -> None:
        """A claim was made in `budget`: keep its owner alive from now on."""
        with self._lock:
            self._budgets.add(budget)
            if self._pid != os.getpid():  # a forked child: the thread stayed in the parent
                self._thread, self._pid = None, os.getpid()
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="instantly-limiter-heartbeat", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(HEARTBEAT_EVERY):
            with self._lock:
                budgets = sorted(self._budgets)
            # A failure is the next request's to report; the beat goes on.
            with contextlib.suppress(SharedLimiterError):
                self._store.touch(budgets, self._owner(), self._clock())

    def stop(self) -> None:
        """Stop touching (the process's claims lapse after LEASE)."""
        self._stopped.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(HEARTBEAT_EVERY * 4)


class _SharedTicket(Ticket):
    """A ticket whose record lives in the store under `member` (one per attempt)."""

    __slots__ = ("claimed", "fresh", "member", "owner", "queued", "recorded", "sent_at", "turn")

    def __init__(self, route: str | None, booked_at: float, owner: str) -> None:
        super().__init__(route, booked_at, ())
        self.owner = owner
        self.member = f"{owner}.{next(_counter)}"
        self.recorded = False  # this attempt has a send row in the store
        self.claimed = False  # this attempt has a claim (a turn) in the store
        self.queued = False  # in its process's queue (not sent yet)
        self.fresh = False  # recorded by reserve: the first acquire keeps it
        self.sent_at = 0.0
        self.turn = booked_at  # the time of its turn (it sleeps part of the way, then asks)


class SharedRateLimiter(RateLimiter):
    """The limiter of one workspace's budget, held in a store every sharer reads and writes.

    Build it with `RateLimiter.shared(url)`. `key` names the budget (a workspace id; clients
    bound with `for_workspace` get `keyed(workspace_id)`). `clock` must be the clock the client
    reads (`time.monotonic`, the default): SQLite stores its readings (the monotonic clock is
    system-wide), Redis its own server time (Retry-After holds are sent as durations). `owner`
    names this process in the store (default: unique per process).
    """

    def __init__(
        self,
        store: WindowStore,
        limit: RateLimit | None = None,
        routes: RouteWindows | None = None,
        *,
        key: str = "default",
        clock: Callable[[], float] = time.monotonic,
        owner: str | None = None,
        _heartbeat: _Heartbeat | None = None,
    ) -> None:
        super().__init__(limit, routes)
        if not isinstance(key, str) or not key or any(c in key for c in "|{}\r\n\0"):
            raise InvalidInputError(f"a shared limiter's key must be a plain string, got {key!r}")
        self.store = store
        self.key = key
        self._clock = clock
        self._owner_name = owner
        self._owns_store = _heartbeat is None
        self._heartbeat = _heartbeat or _Heartbeat(store, self._owner, clock)
        self._ws_log: LogSpec = (f"{key}|ws", self.limit.windows)
        self._route_logs: dict[str, LogSpec] = {
            route: (f"{key}|r|{route}", windows) for route, windows in self._route_windows.items()
        }
        # This process's waiters per route key (None: the workspace's windows alone), in order.
        self._queues: dict[str | None, list[_SharedTicket]] = {}
        self._queues_pid = os.getpid()
        self.store_steps = 0  # round trips to the store by requests (the heartbeat's aside)

    def __repr__(self) -> str:
        return f"SharedRateLimiter({self.store.url!r}, key={self.key!r}, {self.limit!r})"

    def keyed(self, key: str) -> SharedRateLimiter:
        """The same store and limits for another budget (another workspace)."""
        return SharedRateLimiter(
            self.store, self.limit, self._given_routes, key=key, clock=self._clock,
            owner=self._owner_name, _heartbeat=self._heartbeat,
        )  # fmt: skip

    def close(self) -> None:
        """Stop the heartbeat, close the store (limiters made by `keyed` leave both to theirs)."""
        if self._owns_store:
            self._heartbeat.stop()
            self.store.close()

    def _owner(self) -> str:
        return self._owner_name or process_owner()

    def _specs(self, route: str | None) -> tuple[LogSpec, ...]:
        log = self._route_logs.get(route) if route is not None else None
        return (self._ws_log,) if log is None else (self._ws_log, log)

    def _step(self, ticket: _SharedTicket, now: float, mode: Mode) -> float:
        self.store_steps += 1
        try:
            kind, seconds = self.store.record(
                self._specs(ticket.route), ticket.member, ticket.owner, now, mode,
                self.limit.max_wait,
            )  # fmt: skip
        except BaseException:
            self._dequeue(ticket)
            raise
        if kind == HELD:
            self._dequeue(ticket)
            raise RateLimitHeld(seconds)
        if kind == TOO_LONG:
            self._dequeue(ticket)
            raise RateLimitWaitTooLong(seconds, self.limit.max_wait)
        if kind == SENT:
            self._dequeue(ticket)
            ticket.recorded = True
            ticket.claimed = False
            ticket.sent_at = ticket.turn = now
            return 0.0
        self._heartbeat.claimed(self.key)
        ticket.claimed = True
        ticket.turn = now + seconds
        return _first_sleep(seconds)

    def _queue(self, ticket: _SharedTicket) -> list[_SharedTicket]:
        """The queue `ticket` waits in (call with the lock held)."""
        if self._queues_pid != os.getpid():  # a forked child: the parent's waiters stayed there
            self._queues.clear()
            self._queues_pid = os.getpid()
        return self._queues.setdefault(self._queue_key(ticket), [])

    def _queue_key(self, ticket: _SharedTicket) -> str | None:
        return ticket.route if ticket.route in self._route_logs else None

    def _dequeue(self, ticket: _SharedTicket) -> None:
        if ticket.queued:
            with self._lock:
                ticket.queued = False
                queue = self._queue(ticket)
                if ticket in queue:
                    queue.remove(ticket)

    def _local_wait(self, ticket: _SharedTicket, now: float) -> tuple[float, float] | None:
        """None when `ticket` is among its process's first TALKERS waiters (it asks the store);
        else (seconds until it may move up among them, the least its whole wait can be).

        The waiter `k` places behind the last talker moves up once `k` of them have gone: at
        the earliest at the `k`-th earliest of the talkers' turns, and beyond those one
        binding window's spacing (`window / limit`) apart, as if this process had the whole
        budget. So a waiter is never late (a sleeper cannot be woken): measured with the
        process's own recent pace instead, a process that fell behind kept its slow pace when
        left alone (23 a second for 6 s). Early, it asks the process again, not the store.
        """
        windows = self._specs(ticket.route)[-1][1]
        spacing = max(window / limit for limit, window in windows)  # the binding pace
        with self._lock:
            queue = self._queue(ticket)
            place = queue.index(ticket)
            if place < TALKERS:
                return None
            turns = sorted(t.turn for t in queue[:TALKERS] if t.claimed)
        behind = place - TALKERS + 1
        last = turns[-1] if turns else now
        if behind <= len(turns):
            moves_up = turns[behind - 1]
        else:
            moves_up = last + (behind - len(turns)) * spacing
        return max(moves_up - now, spacing), max(last + behind * spacing - now, 0.0)

    def _wait_in_process(self, ticket: _SharedTicket, now: float) -> float | None:
        """The sleep of a waiter queued behind its process's talkers; None: it asks the store."""
        local = self._local_wait(ticket, now)
        if local is None:
            return None
        until_talking, _ = local
        ticket.turn = now + until_talking
        return until_talking

    def reserve(self, now: float, route: str | None = None) -> Ticket:
        """Record a send now, or claim the earliest turn (`ticket.wait(now)` says how long).

        A waiter behind its process's first TALKERS queues in the process (the store is not
        asked): RateLimitWaitTooLong when its wait is sure to exceed `max_wait`.
        """
        ticket = _SharedTicket(route, now, self._owner())
        with self._lock:
            self._queue(ticket).append(ticket)
            ticket.queued = True
        local = self._local_wait(ticket, now)
        if local is None:
            wait = self._step(ticket, now, "reserve")
        else:
            until_talking, whole = local
            if whole > self.limit.max_wait:
                self._dequeue(ticket)
                raise RateLimitWaitTooLong(whole, self.limit.max_wait)
            ticket.turn = now + until_talking
            wait = until_talking
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
            ticket.member = f"{ticket.owner}.{next(_counter)}"
            ticket.recorded = False
        elif ticket.queued and (wait := self._wait_in_process(ticket, now)) is not None:
            return wait
        return self._step(ticket, now, "acquire")

    def confirm(self, ticket: Ticket, now: float) -> float:
        """Right before the bytes are written: move the send to `now`, or say how long to wait."""
        assert isinstance(ticket, _SharedTicket)
        ticket.fresh = False
        if ticket.recorded and now - ticket.sent_at <= _MOVE_AFTER:
            return 0.0
        return self._step(ticket, now, "confirm")

    def written(self, ticket: Ticket, now: float) -> None:
        """The request was written at `now`: a send stamped over `_LATE_AFTER` before it moves
        to `_LATE_AFTER` before it.

        Best effort: the bytes are gone, so a failing store is not this request's error (its
        send stays counted at its stamp).
        """
        assert isinstance(ticket, _SharedTicket)
        late = now - ticket.sent_at
        if not ticket.recorded or late <= _LATE_AFTER:
            return
        self.store_steps += 1
        ticket.sent_at = now
        with contextlib.suppress(SharedLimiterError):
            self.store.written(
                self._specs(ticket.route), ticket.member, late - _LATE_AFTER, now - _LATE_AFTER
            )

    def release(self, ticket: Ticket) -> None:
        """Give back what the attempt holds (its send or its claim in the store, its place)."""
        assert isinstance(ticket, _SharedTicket)
        self._dequeue(ticket)
        if ticket.recorded or ticket.claimed:
            self.store_steps += 1
            self.store.release(self._specs(ticket.route), ticket.member, ticket.owner)
        ticket.recorded = ticket.fresh = ticket.claimed = False
        ticket.booked_at = None

    def defer_until(self, when: float) -> None:
        """Every sharer sends nothing before `when` (a Retry-After within the cap)."""
        now = self._clock()
        self.store.hold(self.key, "not_before", when - now, now)

    def refuse_until(self, when: float) -> None:
        """Every sharer's requests fail fast before `when` (a Retry-After beyond the cap)."""
        now = self._clock()
        self.store.hold(self.key, "refused_until", when - now, now)

    def resume(self) -> None:
        """End a Retry-After pause for every sharer of the store, not only this process."""
        self.store.clear_holds(self.key)

    @property
    def paused_until(self) -> float | None:
        """The clock reading before which the store's Retry-After holds requests back, or None."""
        now = self._clock()
        left = self.store.held_for(self.key, now)
        return now + left if left > 0 else None


def shared_limiter(
    url: str,
    limit: RateLimit | None,
    routes: RouteWindows | None,
    key: str,
    clock: Callable[[], float],
) -> SharedRateLimiter:
    """`RateLimiter.shared`'s work: open the store the URL names, wrap it in a limiter."""
    return SharedRateLimiter(open_store(url), limit, routes, key=key, clock=clock)
