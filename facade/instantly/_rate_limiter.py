"""Client-side limiter for Instantly's rate limits, held at the moment each request leaves.

Instantly allows 100 requests per second and 6,000 per minute per workspace (`_facts`), and
counts arrivals. Booking a send time when a call starts is not enough: a connection that takes
long to open, or an event loop or thread that wakes late, sends the bookings of several windows
together. So the limiter works in two steps, both exact sliding-window logs:

1. `reserve(now, route)` books a place in the queue: a time no earlier than the (k-L)-th booking
   plus W, for every window (L requests per W seconds). The caller sleeps until then, so 2,000
   concurrent callers each wake once, in order.
2. `acquire(ticket, now)` runs at the moment of sending, and `confirm(ticket, now)` again right
   before the request's bytes are written when the transport reports that moment (httpcore's
   `trace` extension, see `_retry_transport`). Both check the log of *actual* send times and
   record this one, or say how much longer to wait: no half-open interval of W seconds ever
   holds more than L sends, whatever the concurrency and however late anything wakes. A waiter
   told to wait is given its own turn (a claim) and keeps its place: if the sends ahead of it
   left late, it waits for them only, not behind every waiter that came after it.

`release(ticket)` gives back what a request that sent nothing holds (a cancelled task, a
connection that failed): a cancelled queued request keeps no slot. Each window is `margin` (20 ms)
longer than the server's, for the spread between send and arrival. Extra windows per route (an
endpoint's own limit) apply on top of the workspace's to requests of that route.

A `Retry-After` within the cap defers every sender (`defer_until`); one beyond it makes every
request fail fast until then (`refuse_until` → `RateLimitHeld`), for at most
`RetryPolicy.max_retry_after_hold` (an hour by default); `resume()` ends either pause at once.
No I/O, no sleeping here.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._config import RATE_LIMIT_MAX_WAIT, RATE_LIMIT_WINDOW_MARGIN
from ._errors import InvalidInputError
from ._facts import RATE_LIMIT_PER_MINUTE, RATE_LIMIT_PER_SECOND

if TYPE_CHECKING:
    from ._shared_limiter import SharedRateLimiter

__all__ = [
    "RateLimit",
    "RateLimitHeld",
    "RateLimitWaitTooLong",
    "RateLimiter",
    "RouteWindows",
    "Ticket",
]

# Route key (e.g. "GET /api/v2/emails") → its own (requests, seconds) windows.
RouteWindows = Mapping[str, Sequence[tuple[int, float]]]


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Request budget of one client: `per_second` and `per_minute` sends, and the longest queueing.

    The defaults are Instantly's documented workspace limits. The workspace limit is shared by
    every key and process; give each of N processes a share (e.g. per_second=100 // N).
    `margin` seconds are added to each window to absorb the spread between when requests are sent
    and when they arrive; the default needs no tuning.
    """

    per_second: int = RATE_LIMIT_PER_SECOND
    per_minute: int = RATE_LIMIT_PER_MINUTE
    max_wait: float = RATE_LIMIT_MAX_WAIT
    margin: float = RATE_LIMIT_WINDOW_MARGIN

    def __post_init__(self) -> None:
        for name in ("per_second", "per_minute"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(f"RateLimit.{name} must be an int >= 1, got {value!r}")
        if not _is_number(self.max_wait) or self.max_wait < 0:
            raise InvalidInputError(
                f"RateLimit.max_wait must be a finite number of seconds >= 0, got {self.max_wait!r}"
            )
        if not _is_number(self.margin) or not 0 <= self.margin < 1:
            raise InvalidInputError(
                f"RateLimit.margin must be a number of seconds in [0, 1), got {self.margin!r}"
            )

    @property
    def windows(self) -> tuple[tuple[int, float], ...]:
        """(limit, window seconds) pairs the limiter enforces, windows lengthened by `margin`."""
        return ((self.per_second, 1.0 + self.margin), (self.per_minute, 60.0 + self.margin))


class RateLimitWaitTooLong(Exception):
    """The limiter would have to queue a request longer than `RateLimit.max_wait` (internal)."""

    def __init__(self, wait: float, max_wait: float) -> None:
        self.wait = wait
        self.max_wait = max_wait
        super().__init__(
            f"the client-side rate limiter would queue this request {wait:.1f} s, longer than "
            f"RateLimit.max_wait={max_wait:g} s; send fewer requests at once or raise max_wait"
        )


class RateLimitHeld(Exception):
    """The server's Retry-After (beyond the cap) holds the client back `remaining` more seconds."""

    def __init__(self, remaining: float) -> None:
        self.remaining = remaining
        super().__init__(f"held back {remaining:.1f} s more by the server's Retry-After")


class Ticket:
    """One request's place in the limiter: its bookings, and the send record of its attempt."""

    __slots__ = ("_bookings", "_claim", "_kept", "_pending", "booked_at", "route")

    def __init__(self, route: str | None, booked_at: float, bookings: tuple[_Booking, ...]) -> None:
        self.route = route
        self.booked_at: float | None = booked_at
        self._bookings = bookings  # (log, time) of each booking, to give back on release
        self._pending: float | None = None  # this attempt's send record, movable by confirm()
        self._kept = False  # an earlier attempt was sent: the booking was used
        self._claim: float | None = None  # the send time it was told to come back at

    def wait(self, now: float) -> float:
        """Seconds from `now` until the booked time (0 when it has passed)."""
        return 0.0 if self.booked_at is None else max(0.0, self.booked_at - now)


class _Log:
    """Booked and actual send times of one set of windows (the workspace's, or a route's)."""

    __slots__ = ("booked", "claims", "sent", "windows")

    def __init__(self, windows: tuple[tuple[int, float], ...]) -> None:
        self.windows = windows
        depth = max(n for n, _ in windows)
        self.booked: deque[float] = deque(maxlen=depth)
        self.sent: deque[float] = deque(maxlen=depth)
        self.claims: list[float] = []  # sends told to come back later, sorted: the queue

    def earliest_booking(self, at: float) -> float:
        """The earliest time >= `at` a new booking may take (bookings stay in order)."""
        booked = self.booked
        if booked:
            at = max(at, booked[-1])
        for limit, window in self.windows:
            if len(booked) >= limit:
                at = max(at, booked[-limit] + window)
        return at

    def earliest_send(self, at: float) -> float:
        """The earliest time >= `at` one more send keeps every window within its limit."""
        sent = self.sent
        for limit, window in self.windows:
            if len(sent) >= limit:
                at = max(at, sent[-limit] + window)
        return at

    def earliest_claim(self, at: float, before: float = math.inf) -> float:
        """Like `earliest_send`, counting the claims still ahead as sends (behind them, in order).

        Only claims before `before` are ahead (a waiter keeps its place in the queue: those
        behind it do not hold it back). A claim already past belongs to a waiter that woke
        late: it is checked against the actual sends when it comes back, and not counted here.
        """
        sent = self.sent
        claims = self.claims[
            bisect.bisect_right(self.claims, at) : bisect.bisect_left(self.claims, before)
        ]
        if not claims:
            return self.earliest_send(at)
        at = max(at, claims[-1])
        for limit, window in self.windows:
            if len(claims) >= limit:
                at = max(at, claims[-limit] + window)
            elif len(sent) >= limit - len(claims):
                at = max(at, sent[-(limit - len(claims))] + window)
        return at


_Booking = tuple[_Log, float]


def _discard(log: deque[float] | list[float], value: float) -> None:
    if log and log[-1] == value:  # the usual case, the newest entry: O(1), not a scan of the log
        log.pop()
        return
    with contextlib.suppress(ValueError):  # already aged out of the log
        log.remove(value)


def _checked_routes(
    routes: RouteWindows | None, margin: float
) -> dict[str, tuple[tuple[int, float], ...]]:
    """`routes` checked, each window lengthened by `margin`; InvalidInputError names a bad one."""
    if routes is None:
        return {}
    if not isinstance(routes, Mapping):
        raise InvalidInputError(
            f"routes must map a route key to (requests, seconds) windows, got {routes!r}"
        )
    checked: dict[str, tuple[tuple[int, float], ...]] = {}
    for key, windows in routes.items():
        pairs = tuple(windows) if isinstance(windows, Sequence) else ()
        ok = bool(pairs) and all(
            isinstance(p, Sequence)
            and len(p) == 2
            and not isinstance(p[0], bool)
            and isinstance(p[0], int)
            and p[0] >= 1
            and _is_number(p[1])
            and p[1] > 0
            for p in pairs
        )
        if not isinstance(key, str) or not ok:
            raise InvalidInputError(
                f"routes[{key!r}] must be (requests >= 1, seconds > 0) windows such as "
                f"((20, 60.0),), got {windows!r}"
            )
        checked[key] = tuple((int(n), float(w) + margin) for n, w in pairs)
    return checked


class RateLimiter:
    """Sans-I/O, thread-safe limiter shared by everything one client (or several) sends.

    `routes` adds windows per route key (what `TransportSettings.route_of` returns for a
    request), e.g. `{"GET /api/v2/emails": ((20, 60.0),)}`; a request of that route must fit both
    the workspace's windows and its route's.
    """

    def __init__(self, limit: RateLimit | None = None, routes: RouteWindows | None = None) -> None:
        if limit is None:
            limit = RateLimit()
        if not isinstance(limit, RateLimit):
            raise InvalidInputError(f"limit must be a RateLimit, got {limit!r}")
        self.limit = limit
        self._workspace = _Log(limit.windows)
        self._route_windows = _checked_routes(routes, limit.margin)
        self._given_routes = routes  # to build a limiter like this one (another workspace's)
        self._routes: dict[str, _Log] = {}
        self._not_before = -math.inf
        self._refused_until = -math.inf
        self._lock = threading.Lock()

    @classmethod
    def shared(
        cls,
        url: str,
        limit: RateLimit | None = None,
        routes: RouteWindows | None = None,
        *,
        key: str = "default",
        clock: Callable[[], float] = time.monotonic,
    ) -> SharedRateLimiter:
        """A limiter several processes share through a store: `sqlite:///path/to/file.db`
        (processes on one machine) or `redis://host:6379/0` (several machines; the `redis`
        extra). `routes` defaults to the per-operation limits the spec states; `key` names the
        budget (clients bound with `for_workspace` use the workspace's). See `_shared_limiter`.
        """
        from ._route_lookup import endpoint_limits
        from ._shared_limiter import shared_limiter

        return shared_limiter(
            url, limit, endpoint_limits() if routes is None else routes, key, clock
        )

    def __repr__(self) -> str:
        routes = f", routes={sorted(self._route_windows)}" if self._route_windows else ""
        return f"RateLimiter({self.limit!r}{routes})"

    def _logs(self, route: str | None) -> tuple[_Log, ...]:
        if route is None or route not in self._route_windows:
            return (self._workspace,)
        log = self._routes.get(route)
        if log is None:
            log = self._routes[route] = _Log(self._route_windows[route])
        return (self._workspace, log)

    def _check_held(self, now: float) -> None:
        if now < self._refused_until:
            raise RateLimitHeld(self._refused_until - now)

    def reserve(self, now: float, route: str | None = None) -> Ticket:
        """Book the earliest allowed time at or after `now`; `ticket.wait(now)` says how long.

        Raises RateLimitWaitTooLong (booking nothing) when that wait exceeds `max_wait`, and
        RateLimitHeld while a Retry-After beyond the cap holds the client back.
        """
        with self._lock:
            self._check_held(now)
            logs = self._logs(route)
            at = max(now, self._not_before)
            if len(logs) > 1 and (route_at := logs[1].earliest_booking(at)) > at:
                # The route's own window binds: queue on it alone, so its wait holds back no
                # other request; the workspace's windows are held when it is sent (acquire).
                logs = logs[1:]
                at = route_at
            for log in logs:
                at = log.earliest_booking(at)
            wait = at - now
            if wait > self.limit.max_wait:
                raise RateLimitWaitTooLong(wait, self.limit.max_wait)
            for log in logs:
                log.booked.append(at)
            return Ticket(route, at, tuple((log, at) for log in logs))

    def acquire(self, ticket: Ticket, now: float) -> float:
        """At the moment an attempt is sent: 0.0 after recording the send, else seconds to wait.

        A waiter called back before its turn keeps it. A new attempt of the same ticket (a
        retry) keeps the earlier attempt's record.
        """
        with self._lock:
            if ticket._pending is not None:
                ticket._kept = True
                ticket._pending = None
            claim = ticket._claim
            if claim is not None and claim > now:  # back before its turn: it keeps its turn
                self._check_held(now)
                return claim - now
            return self._record(ticket, now)

    def confirm(self, ticket: Ticket, now: float) -> float:
        """Right before the bytes are written: record this attempt's send at `now`, or say wait.

        A send `acquire` recorded is moved to `now`. If `now` would overfill a window the
        attempt holds no record until a later `confirm` succeeds, and keeps its place at the head
        of the queue meanwhile.
        """
        with self._lock:
            claim = ticket._claim
            if claim is not None and claim > now:
                self._check_held(now)
                return claim - now
            pending = ticket._pending
            if pending is not None:
                for log in self._logs(ticket.route):
                    _discard(log.sent, pending)
                ticket._pending = None
            return self._record(ticket, now, ahead=pending is not None)

    def written(self, ticket: Ticket, now: float) -> None:
        """The attempt's request was written at `now` (after a `confirm` that let it go).

        Nothing to move here: this limiter's `confirm` records the send in memory as the write
        begins. A shared limiter's record was stamped in its store a round trip earlier.
        """

    def release(self, ticket: Ticket) -> None:
        """Give back what an attempt that sent nothing holds (its booking, if none ever sent)."""
        with self._lock:
            self._unrecord(ticket)
            if not ticket._kept:
                for log, at in ticket._bookings:
                    _discard(log.booked, at)
                ticket._bookings = ()
                ticket.booked_at = None

    def _record(self, ticket: Ticket, now: float, *, ahead: bool = False) -> float:
        """Record a send at `now`, or claim the earliest later time and return the wait.

        A claim is a distinct send time per waiter (so waiters wake one by one, not as a
        herd); a new sender queues behind the claims. A waiter back at its claim, and a send
        being moved to the moment its bytes leave (`ahead`), are checked against the actual
        sends; if those do not allow it yet, it keeps its place: only the claims ahead of it
        (none for a send being moved) hold it back.
        """
        self._check_held(now)
        logs = self._logs(ticket.route)
        start = max(now, self._not_before)
        at = start
        if ticket._claim is not None or ahead:
            before = -math.inf if ahead or ticket._claim is None else ticket._claim
            self._drop_claim(ticket)
            for log in logs:
                at = log.earliest_send(at)
            if at > now:
                at = start
                for log in logs:
                    at = log.earliest_claim(at, before)
        else:
            for log in logs:
                at = log.earliest_claim(at)
        if at > now:
            for log in logs:
                bisect.insort(log.claims, at)
            ticket._claim = at
            return at - now
        for log in logs:
            if log.sent:  # keep each log in order when threads read the clock out of order
                now = max(now, log.sent[-1])
        for log in logs:
            log.sent.append(now)
        ticket._pending = now
        return 0.0

    def _drop_claim(self, ticket: Ticket) -> None:
        if ticket._claim is not None:
            for log in self._logs(ticket.route):
                _discard(log.claims, ticket._claim)
            ticket._claim = None

    def _unrecord(self, ticket: Ticket) -> None:
        if ticket._pending is not None:
            for log in self._logs(ticket.route):
                _discard(log.sent, ticket._pending)
            ticket._pending = None
        self._drop_claim(ticket)

    def defer_until(self, when: float) -> None:
        """Send nothing before `when` (the server said Retry-After): every sender waits, not one."""
        with self._lock:
            self._not_before = max(self._not_before, when)

    def refuse_until(self, when: float) -> None:
        """Refuse every request before `when` (a Retry-After beyond the cap): they fail fast."""
        with self._lock:
            self._refused_until = max(self._refused_until, when)

    def resume(self) -> None:
        """End a pause a server's Retry-After put on this limiter (and every client sharing it).

        For when the wait is known to be over (the workspace's plan was upgraded, the API is
        back): requests are sent again at once, still within the rate limit's windows.
        """
        with self._lock:
            self._not_before = -math.inf
            self._refused_until = -math.inf

    @property
    def paused_until(self) -> float | None:
        """The clock reading before which a Retry-After holds requests back, or None."""
        until = max(self._not_before, self._refused_until)
        return None if until == -math.inf else until
