"""The bounds of one attempt: a deadline in time and a cap on the body's size.

Every bounded resource is bounded twice over: an attempt ends within its deadline however
slowly a server sends (time), and its body is refused past the client's `max_response_bytes`
however much it inflates (size).

One deadline per attempt: connect, TLS, the request, informational answers, headers and body.

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

Response bodies decoded here, a piece at a time, and refused past a size cap (sans-I/O).

httpx inflates a gzip chunk whole: a 4 MB answer that inflates to 4 GiB takes the process down
before anyone can count. `BodyDecoder` undoes the Content-Encoding itself (gzip, deflate, in the
order they were applied), asking zlib for at most `PIECE` bytes at a time, and raises
`ResponseTooLargeError` as soon as the decoded bytes pass the cap, on any status. The retry
transport hands httpx the decoded pieces and drops the Content-Encoding header. The client asks
for gzip and deflate only (`ACCEPT_ENCODING`); a body in another coding is refused
(`httpx.DecodingError`, which the client reports as `MalformedResponseError`), since it could
not be decoded within the cap.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final

import httpcore
import httpx

from ._config import LOGGER_NAME
from ._errors import ResponseTooLargeError

__all__ = [
    "ACCEPT_ENCODING",
    "MIN_CAPPED_ATTEMPT",
    "PIECE",
    "AttemptDeadline",
    "BodyDecoder",
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
    if isinstance(backend, DeadlineBackend):
        return transport
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    else:  # said, not silent: a slow server's headers are then bounded per read only
        logging.getLogger(LOGGER_NAME).warning(
            "this httpx/httpcore keeps its connection pool where instantly-client does not look "
            "(%s); each attempt's overall deadline is not enforced on the sync client, only "
            "httpx's per-read timeouts",
            type(transport).__name__,
        )
    return transport


ACCEPT_ENCODING: Final = "gzip, deflate"
# The most zlib is asked to inflate at once: what one step of a decompression bomb can cost.
PIECE: Final = 64 * 1024

_GZIP: Final = ("gzip", "x-gzip")
_DEFLATE: Final = "deflate"
_IDENTITY: Final = ("identity", "")


class _Inflater:
    """One zlib stage (gzip, or deflate with or without its zlib header), in bounded pieces."""

    __slots__ = ("_d", "_raw_fallback", "_started")

    def __init__(self, coding: str) -> None:
        gzip = coding in _GZIP
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._raw_fallback = not gzip  # "deflate" is sent with and without the zlib header
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of `data`, each at most PIECE bytes."""
        try:
            piece = self._d.decompress(data, PIECE)
        except zlib.error:
            if not (self._raw_fallback and not self._started):
                raise
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            piece = self._d.decompress(data, PIECE)
        self._started = True
        while True:
            if piece:
                yield piece
            tail = self._d.unconsumed_tail
            if not tail:
                return
            piece = self._d.decompress(tail, PIECE)

    def flush(self) -> Iterator[bytes]:
        """What is left once the input has ended."""
        if self._started:
            yield from self.feed(b"")
            rest = self._d.flush()
            if rest:
                yield rest


class BodyDecoder:
    """Raw body chunks in, decoded pieces out, `ResponseTooLargeError` past `limit` bytes."""

    __slots__ = ("_limit", "_received", "_refusal", "_request", "_stages", "_status")

    def __init__(
        self,
        stages: tuple[_Inflater, ...],
        limit: int | None,
        request: httpx.Request,
        status_code: int,
    ) -> None:
        self._stages = stages
        self._limit = limit
        self._request = request
        self._status = status_code
        self._received = 0
        self._refusal: Exception | None = None

    @classmethod
    def of(cls, response: httpx.Response, request: httpx.Request, limit: int | None) -> BodyDecoder:
        """The decoder for `response`; its Content-Encoding header is dropped (now undone here).

        A coding it cannot undo, or an unencoded body whose Content-Length already passes the
        cap, is refused by `start()`, when the body is first read.
        """
        codings = response.headers.get("content-encoding")
        stages: tuple[_Inflater, ...] = ()
        refusal: Exception | None = None
        if codings is not None:
            names = [c.strip().lower() for c in codings.split(",")]
            if all(n in _GZIP or n == _DEFLATE or n in _IDENTITY for n in names):
                stages = tuple(_Inflater(n) for n in reversed(names) if n not in _IDENTITY)
            else:
                refusal = httpx.DecodingError(
                    f"the response's Content-Encoding {codings!r} is not one this client asks "
                    f"for ({ACCEPT_ENCODING}) or can decode within its size cap",
                    request=request,
                )
            del response.headers["content-encoding"]
        decoder = cls(stages, limit, request, response.status_code)
        if refusal is None and not stages and limit is not None:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                refusal = decoder._too_large(int(length), announced=True)
        decoder._refusal = refusal
        return decoder

    def start(self) -> None:
        """Raise what refuses this body before any of it is read, if anything does."""
        if self._refusal is not None:
            raise self._refusal

    @property
    def plain(self) -> bool:
        """Whether the body is not encoded (each raw chunk is passed to `count` as it is)."""
        return not self._stages

    def count(self, chunk: bytes) -> bytes:
        """An unencoded chunk, counted (`ResponseTooLargeError` past the cap)."""
        self._received += len(chunk)
        if self._limit is not None and self._received > self._limit:
            raise self._too_large(self._received, announced=False)
        return chunk

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk (`httpx.DecodingError` if it does not decode)."""
        return self._counted(self._through(0, chunk))

    def finish(self) -> Iterator[bytes]:
        """The decoded pieces the stages still hold once the raw body has ended."""
        return self._counted(self._flushed(0))

    def pieces(self, chunk: bytes) -> Iterable[bytes]:
        """What to hand on for one raw chunk: itself, counted, or its decoded pieces."""
        return (self.count(chunk),) if not self._stages else self.feed(chunk)

    def tail(self) -> Iterable[bytes]:
        """What to hand on once the raw body has ended (nothing for an unencoded body)."""
        return () if not self._stages else self.finish()

    def _through(self, stage: int, data: bytes) -> Iterator[bytes]:
        if stage == len(self._stages):
            if data:
                yield data
            return
        try:
            for piece in self._stages[stage].feed(data):
                yield from self._through(stage + 1, piece)
        except zlib.error as exc:
            raise self._undecodable(exc) from None

    def _flushed(self, stage: int) -> Iterator[bytes]:
        if stage == len(self._stages):
            return
        try:
            for piece in self._stages[stage].flush():
                yield from self._through(stage + 1, piece)
        except zlib.error as exc:
            raise self._undecodable(exc) from None
        yield from self._flushed(stage + 1)

    def _counted(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        limit = self._limit
        for piece in pieces:
            self._received += len(piece)
            if limit is not None and self._received > limit:
                raise self._too_large(self._received, announced=False)
            yield piece

    def _undecodable(self, exc: zlib.error) -> httpx.DecodingError:
        return httpx.DecodingError(
            f"the response body does not decode as its Content-Encoding says: {exc}",
            request=self._request,
        )

    def _too_large(self, size: int, *, announced: bool) -> ResponseTooLargeError:
        request = self._request
        limit = self._limit or 0
        what = f"announces {size:,} bytes" if announced else f"passed {limit:,} bytes decoded"
        return ResponseTooLargeError(
            f"the {self._status} response's body {what}, more than the client's "
            f"max_response_bytes={limit:,}; nothing of it is kept (raise max_response_bytes "
            "if such answers are expected)",
            limit=limit, status_code=self._status,
            method=request.method, path=request.url.path,
        )  # fmt: skip
