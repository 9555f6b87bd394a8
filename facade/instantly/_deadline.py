"""One deadline per attempt: connect, TLS, the request, informational answers, headers and body.

httpx's timeouts bound each socket operation, so a server sending its headers one byte a second,
or a `102 Processing` every second, holds a request forever. The retry transport gives each
attempt a deadline (`attempt_limit`: the longest of the request's timeout phases; none when the
read timeout is None) and makes it hold:

- async: the attempt runs under `asyncio.timeout` (any transport, any pool);
- sync: the deadline sits in a context variable that `DeadlineBackend`, the httpcore network
  backend of the client's own connection pool, reads at every connect, read and write: each
  socket operation is given at most the time left, and none once it is spent. A transport or
  `http_client` of your own keeps httpx's per-operation timeouts (its body is still bounded).

A job wait lowers the deadline of its polls to the time its own deadline leaves (`capped`).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final

import httpcore

__all__ = [
    "MIN_CAPPED_ATTEMPT",
    "AttemptDeadline",
    "DeadlineBackend",
    "attempt_limit",
    "capped",
    "current",
    "install",
    "wait_cap",
]

# A poll made when a job wait's deadline has (almost) passed still gets this long to answer.
MIN_CAPPED_ATTEMPT: Final = 1.0


class AttemptDeadline:
    """When (monotonic seconds) the current attempt's time is up; movable (a limiter pause)."""

    __slots__ = ("at", "limit", "timer")

    def __init__(self, at: float, limit: float) -> None:
        self.at = at
        self.limit = limit
        self.timer: Any = None  # the async attempt's `asyncio.Timeout`, moved along with `at`

    def left(self) -> float:
        """Seconds left (may be <= 0)."""
        return self.at - time.monotonic()

    def extend(self, seconds: float) -> None:
        """Move the deadline `seconds` later (time the limiter held the attempt back)."""
        self.at += seconds
        timer = self.timer
        if timer is not None and timer.when() is not None:
            timer.reschedule(timer.when() + seconds)


_CURRENT: Final[ContextVar[AttemptDeadline | None]] = ContextVar(
    "instantly_attempt_deadline", default=None
)
# A job wait's own deadline (monotonic seconds): no attempt of its polls runs past it.
_WAIT_CAP: Final[ContextVar[float | None]] = ContextVar("instantly_wait_cap", default=None)


def current() -> ContextVar[AttemptDeadline | None]:
    """The context variable holding the running attempt's deadline (sync transports set it)."""
    return _CURRENT


def attempt_limit(timeouts: Mapping[str, Any] | None) -> float | None:
    """Seconds one attempt may take: the longest timeout phase, None without a read timeout.

    Lowered to what a job wait in progress leaves (at least `MIN_CAPPED_ATTEMPT`).
    """
    limit: float | None = None
    if timeouts:
        limit = timeouts.get("read")
        if limit is not None:  # the other phases only ever lengthen it (no loop: hot path)
            get = timeouts.get
            connect, write, pool = get("connect"), get("write"), get("pool")
            if connect is not None and connect > limit:
                limit = connect
            if write is not None and write > limit:
                limit = write
            if pool is not None and pool > limit:
                limit = pool
    cap = _WAIT_CAP.get()
    if cap is not None:
        left = max(MIN_CAPPED_ATTEMPT, cap - time.monotonic())
        limit = left if limit is None else min(limit, left)
    return limit


@contextlib.contextmanager
def capped(seconds: float) -> Iterator[None]:
    """Within the block, no attempt lasts past `seconds` from now (at least MIN_CAPPED_ATTEMPT).

    Usable across a plan's `yield` (the value is put back, not reset by token, so a generator
    closed elsewhere cannot fail here).
    """
    at = time.monotonic() + seconds if math.isfinite(seconds) else None
    previous = _WAIT_CAP.get()
    _WAIT_CAP.set(at)
    try:
        yield
    finally:
        _WAIT_CAP.set(previous)


def wait_cap() -> float | None:
    """The job wait's deadline (monotonic seconds) in force, if any."""
    return _WAIT_CAP.get()


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` lowered to the time the running attempt has left; `error` when none is."""
    deadline = _CURRENT.get()
    if deadline is None:
        return timeout
    left = deadline.at - time.monotonic()
    if left <= 0:
        raise error(f"the attempt took longer than its deadline ({deadline.limit:g} s)")
    return left if timeout is None or timeout > left else timeout


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the running attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(
            ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """An httpcore network backend whose streams hold the running attempt's deadline (sync)."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _clamp(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install(transport: Any) -> Any:
    """`transport` (an `httpx.HTTPTransport` this client made) with `DeadlineBackend` in its pool.

    httpx offers no argument for the network backend, so the pool's is wrapped in place; a pool
    of another shape (a proxy transport, another httpx) is left as it is.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, DeadlineBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport
