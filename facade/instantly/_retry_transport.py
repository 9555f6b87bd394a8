"""httpx transports that add the rate limit, retries and per-attempt logging to any transport.

They sit inside the httpx client the facade and the generated functions share, so everything sent
through `Instantly`/`AsyncInstantly` (wrapped or reached through `.raw`) gets the same policy.
Decisions live in `_Attempts` (sans-I/O: reads responses and errors, never sends or sleeps; its
`steps()` is the whole request as a plan of `_plans` effects) and in `_retry`/`_rate_limiter`;
`RetryTransport` and `AsyncRetryTransport` run those steps with the one pair of drivers
(`_plans.run_sync`/`run_async`) and only perform the effects (`Send`, `Sleep`, `Discard`).

Each attempt has one deadline (`_attempt_bounds`): connect, informational answers, headers and the
time spent waiting for the body's chunks all end within it, however slowly a server drips. Each
body is decoded here, a bounded piece at a time, and refused past `max_response_bytes` decoded
bytes (`_attempt_bounds`), whatever its status.

The rate limit is held where requests leave: each attempt is checked against the limiter's log
of actual sends right before it is handed to the transport, and again when httpcore reports (its
`trace` request extension) that the request's bytes are about to be written, after any
connection setup. A request that ends without sending (cancelled, connection refused) gives its
place back. A transport error reaches the caller scrubbed of the key and cut from its chain (the
inner exceptions' messages and frames may hold what a hostile server sent).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeAlias, TypedDict, TypeVar

import httpx

from . import _attempt_bounds
from ._aio import asyncio_sleep
from ._attempt_bounds import AttemptDeadline, BodyDecoder, attempt_limit
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    EXTENSION_MAX_RETRIES,
    EXTENSION_OPERATION,
    LOGGER_NAME,
)
from ._errors import (
    ClientClosedError,
    InstantlyError,
    RateLimitError,
    RateLimitQueueTimeoutError,
    ResponseTooLargeError,
)
from ._plans import NO_WAIT, Discard, Plan, Send, Sleep, run_async, run_sync
from ._rate_limiter import RateLimiter, RateLimitHeld, RateLimitWaitTooLong, Ticket
from ._retry import (
    SUCCESS,
    RetryDecision,
    RetryPolicy,
    decide_after_error,
    decide_after_response,
    parse_retry_after,
    was_not_sent,
)
from ._secrets import key_of, scrub

__all__ = [
    "AsyncClientTransport",
    "AsyncRetryTransport",
    "ClientTransport",
    "RetryTransport",
    "TransportSettings",
    "detached",
    "ensure_open",
]

logger = logging.getLogger(LOGGER_NAME)

_E = TypeVar("_E", bound=BaseException)

# The httpcore trace event fired right before a request's bytes are written (http11 and http2).
_SEND_STARTED: Final = "send_request_headers.started"
# ... and right after they were (the limiter counts a send stamped well before at this moment).
_SEND_WRITTEN: Final = "send_request_headers.complete"


# What a `Send` gives back to the steps: the transport's response or the error it raised.
Outcome: TypeAlias = httpx.Response | httpx.TransportError


class _Tally(TypedDict):
    retries_done: int
    max_retries: int
    policy: RetryPolicy
    rng: Callable[[], float]
    repeatable: bool | None


# Wraps a response's body stream in the side's read-time budget.
_Bound: TypeAlias = "Callable[[httpx.Response, _Attempts], httpx.Response]"


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """What the retry transports decide with; clock, wall clock and rng are injectable for tests.

    `route_of` names a request's route (e.g. "GET /api/v2/emails") for the limiter's per-route
    windows; None (or a route the limiter has no windows for) applies the workspace's only.
    `max_response_bytes` caps each decoded response body (None: no cap).
    """

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    rng: Callable[[], float] = random.random
    route_of: Callable[[httpx.Request], str | None] | None = None
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES


def ensure_open(http: httpx.Client | httpx.AsyncClient) -> None:
    """Raise ClientClosedError when `http` was closed (httpx would raise a bare RuntimeError)."""
    if http.is_closed:
        raise ClientClosedError()


def detached(exc: _E, request: httpx.Request | None) -> _E:
    """`exc` (in place) scrubbed of the request's key, cut from its chain and its frames.

    For an httpx error about to be chained under one of ours: the frames it was raised through
    hold response bytes in their locals (httpx's body reading, httpcore's parser) and its chain
    holds httpcore's and h11's exceptions, any of which may carry what a hostile server echoed.
    Its type and (scrubbed) message stay.
    """
    key = key_of(request.headers) if request is not None else None
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = False
    exc.args = tuple(scrub(arg, key) if isinstance(arg, str) else arg for arg in exc.args)
    return exc.with_traceback(None)


def _request_path(request: httpx.Request) -> str:
    """The request path without the query (queries may carry search terms; never logged)."""
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


class _Attempts:
    """Sans-I/O state of one request over its attempts: decides and logs, never sends or sleeps."""

    def __init__(self, request: httpx.Request, settings: TransportSettings) -> None:
        self.request = request
        self._settings = settings
        self.method = request.method
        self.path = _request_path(request)
        per_call = request.extensions.get(EXTENSION_MAX_RETRIES)
        self.max_retries = settings.policy.max_retries if per_call is None else int(per_call)
        if not isinstance(request.stream, httpx.ByteStream):
            self.max_retries = 0  # a streamed body cannot be sent twice
        self.retries_done = 0
        self._started = 0.0
        limiter = settings.limiter
        # The resource call's operation, when it sent one: its retry safety and its route are
        # read from it; a request without one (raw, plain httpx) is looked up by `route_of`.
        op = request.extensions.get(EXTENSION_OPERATION)
        self.repeatable: bool | None = None if op is None else op.repeatable
        if limiter is None:
            self.route = None
        elif op is not None:
            self.route = op.route
        else:
            self.route = settings.route_of(request) if settings.route_of else None
        self._ticket: Ticket | None = None
        self._open = False  # the current attempt has neither been answered nor failed yet
        self._confirmed = False  # the transport reported this attempt's bytes being written
        self.clock = settings.clock
        self.limit = attempt_limit(request.extensions.get("timeout"))
        self.max_response_bytes = settings.max_response_bytes
        self.deadline: AttemptDeadline | None = None  # the current attempt's (real time)
        self._paused = 0.0  # seconds the current attempt waited for the limiter mid-send

    @property
    def limited(self) -> bool:
        """Whether a limiter holds this request back."""
        return self._settings.limiter is not None

    def queue_wait(self) -> float:
        """Book this request's place in the limiter's queue; the seconds to sleep until it."""
        limiter = self._settings.limiter
        if limiter is None:
            return 0.0
        now = self._settings.clock()
        error: InstantlyError | None = None
        self._open = True
        try:
            self._ticket = limiter.reserve(now, self.route)
        except RateLimitWaitTooLong as exc:
            error = RateLimitQueueTimeoutError(
                f"not sent: {exc}", wait=exc.wait, max_wait=exc.max_wait,
                method=self.method, path=self.path,
            )  # fmt: skip
        except RateLimitHeld as exc:
            error = self._held(exc.remaining)
        if error is not None:
            raise error  # outside the except: no internal exception chained
        return self._ticket.wait(now) if self._ticket else 0.0

    def send_wait(self) -> float:
        """Right before this attempt goes to the transport: 0 once its send is recorded."""
        self._confirmed = False
        self._open = True
        return self._record(confirm=False)

    def confirm_wait(self) -> float:
        """When the bytes are about to be written: 0 once the send is recorded at this moment."""
        if self._confirmed:
            return 0.0
        wait = self._record(confirm=True)
        self._confirmed = wait == 0
        return wait

    def written(self) -> None:
        """The confirmed attempt's request headers were written: the limiter counts them now."""
        limiter, ticket = self._settings.limiter, self._ticket
        if limiter is not None and ticket is not None and self._confirmed:
            limiter.written(ticket, self._settings.clock())

    def _record(self, *, confirm: bool) -> float:
        limiter, ticket = self._settings.limiter, self._ticket
        if limiter is None or ticket is None:
            return 0.0
        now = self._settings.clock()
        try:
            return limiter.confirm(ticket, now) if confirm else limiter.acquire(ticket, now)
        except RateLimitHeld as exc:
            remaining = exc.remaining
        raise self._held(remaining)

    def _held(self, remaining: float) -> RateLimitError:
        cap = self._settings.policy.max_retry_after
        return RateLimitError(
            f"not sent: the server's Retry-After holds this client back {remaining:.1f} s more "
            f"(longer than the {cap:g} s cap, so it is not waited out; retry after that)",
            retry_after=remaining, status_code=429, method=self.method, path=self.path,
        )  # fmt: skip

    def abandon(self) -> None:
        """The attempt ends with nothing written (cancelled, refused): give its place back."""
        limiter, ticket = self._settings.limiter, self._ticket
        if self._open and limiter is not None and ticket is not None and not self._confirmed:
            limiter.release(ticket)
        self._open = False

    def sending(self) -> None:
        """Mark the start of an attempt (its deadline, and the elapsed time in the log line)."""
        self._started = self._settings.clock()
        self._paused = 0.0
        if self.limit is not None:
            self.deadline = AttemptDeadline(time.monotonic() + self.limit, self.limit)

    def time_left(self) -> float | None:
        """What the current attempt's deadline leaves, on the transport's clock (None: no limit)."""
        if self.limit is None:
            return None
        return self.limit - (self._settings.clock() - self._started) + self._paused

    def paused(self, seconds: float) -> None:
        """The attempt waited `seconds` for the limiter mid-send: not counted against it."""
        self._paused += seconds
        if self.deadline is not None:
            self.deadline.extend(seconds)

    def sent(self) -> None:
        """The transport answered or failed after writing: what this attempt recorded stands."""
        self._open = False

    def after_response(self, response: httpx.Response) -> RetryDecision:
        """Decide after a response, hold the shared limiter on a 429 with Retry-After, log."""
        s = self._settings
        self.sent()
        retry_after = (
            parse_retry_after(response.headers.get("retry-after"), now=s.wall_clock())
            if response.status_code >= 400  # only a refusal's Retry-After is ever acted on
            else None
        )
        if response.status_code == 429 and s.limiter is not None and self._ticket is not None:
            # Refused, so not counted by the server: the slot goes back (else a retry in a
            # binding minute window would wait a whole minute for a slot the server never used).
            s.limiter.release(self._ticket)
        if response.status_code == 429 and retry_after is not None and s.limiter is not None:
            if retry_after > s.policy.max_retry_after:
                hold = min(retry_after, s.policy.max_retry_after_hold)
                s.limiter.refuse_until(s.clock() + hold)
                logger.warning(
                    "%s %s -> 429 with Retry-After %g s, beyond the %g s cap: every request of "
                    "this client (and of clients sharing its limiter) fails fast with "
                    "RateLimitError (nothing sent) for %g s, or until RateLimiter.resume()",
                    self.method, self.path, retry_after, s.policy.max_retry_after, hold,
                )  # fmt: skip
            else:
                s.limiter.defer_until(s.clock() + retry_after)
        status = response.status_code
        decision = (
            SUCCESS  # decide_after_response's first rule, without the call on every success
            if status < 400
            else decide_after_response(self.method, self.path, status, retry_after, **self._tally())
        )
        return self._log(str(status), decision)

    def after_error(self, exc: httpx.TransportError) -> RetryDecision:
        """Decide after the transport raised instead of answering, log."""
        if was_not_sent(exc):
            self.abandon()
        else:
            self.sent()
        decision = decide_after_error(self.method, self.path, exc, **self._tally())
        return self._log(type(exc).__name__, decision)

    def _tally(self) -> _Tally:
        """What the retry decisions weigh besides the outcome."""
        s = self._settings
        return {
            "retries_done": self.retries_done, "max_retries": self.max_retries,
            "policy": s.policy, "rng": s.rng, "repeatable": self.repeatable,
        }  # fmt: skip

    def steps(self, bounded: _Bound) -> Plan[httpx.Response]:
        """The whole request as a plan, decided here once for both sides.

        Yields `Sleep` (also `NO_WAIT`: a point where a closed client stops the request), `Send`
        (the transport gives back the response or the `httpx.TransportError` it raised), or
        `Discard` (read and close a response: it is retried). Returns the response to give back;
        raises the detached transport error that ends the request.
        """
        send = Send(self.request)
        wait = self.queue_wait()
        yield Sleep(wait) if wait > 0 else NO_WAIT
        while True:
            while (wait := self.send_wait()) > 0:
                yield Sleep(wait)
            self.sending()
            send.deadline = self.deadline
            outcome = yield send
            if isinstance(outcome, httpx.Response):
                decision = self.after_response(outcome)
                response = bounded(outcome, self)
                if not decision.retry:
                    return response
                yield Discard(response)
            elif isinstance(outcome, httpx.TransportError):
                decision = self.after_error(outcome)
                if not decision.retry:
                    raise detached(outcome, self.request)
            else:  # pragma: no cover - a driver bug, not a server's doing
                raise TypeError(f"a send's outcome is a response or a TransportError: {outcome!r}")
            yield Sleep(decision.delay)

    def _log(self, outcome: str, decision: RetryDecision) -> RetryDecision:
        """Log the attempt (INFO when retried, DEBUG otherwise); nothing is computed if disabled."""
        attempt = self.retries_done + 1
        if decision.retry:
            self.retries_done += 1
        level = logging.INFO if decision.retry else logging.DEBUG
        if not logger.isEnabledFor(level):
            return decision
        elapsed_ms = (self._settings.clock() - self._started) * 1000.0
        if decision.retry:
            logger.info(
                "%s %s -> %s (attempt %d/%d, %.1f ms); retrying in %.2f s: %s",
                self.method, self.path, outcome, attempt, self.max_retries + 1, elapsed_ms,
                decision.delay, decision.reason,
            )  # fmt: skip
        else:
            logger.debug(
                "%s %s -> %s (attempt %d/%d, %.1f ms)",
                self.method, self.path, outcome, attempt, self.max_retries + 1, elapsed_ms,
            )  # fmt: skip
        return decision


class _BodyBudget:
    """Time spent waiting for body chunks, against what the attempt's deadline left (sans-I/O).

    The deadline runs from the attempt's start; once the headers are in, what it leaves bounds
    the sum of the waits for the body's chunks (a consumer's own pauses between chunks are not
    counted), raising `httpx.ReadTimeout` once it is spent. Waits are measured on the transport's
    clock (injectable); each wait's socket reads are held to what is left in real time. Without
    a deadline (no read timeout) nothing is bounded; a transport error is detached either way.
    """

    __slots__ = ("_budget", "_clock", "_deadline", "_limit", "_spent", "request")

    def __init__(self, attempts: _Attempts) -> None:
        self.request = attempts.request
        self._clock = attempts.clock
        self._limit = attempts.limit
        self._budget = attempts.time_left()
        self._spent = 0.0
        self._deadline: AttemptDeadline | None = None

    def next_deadline(self) -> AttemptDeadline | None:
        """The deadline of the next chunk's wait (`httpx.ReadTimeout` if none is left)."""
        if self._budget is None or self._limit is None:
            return None
        left = self._budget - self._spent
        if left <= 0:
            raise self._timeout()
        deadline = self._deadline
        if deadline is None:
            deadline = self._deadline = AttemptDeadline(0.0, self._limit)
        deadline.at = time.monotonic() + left
        return deadline

    def start(self) -> float | None:
        """The clock reading before waiting for a chunk (None when nothing is bounded)."""
        return None if self._budget is None else self._clock()

    def settle(
        self, started: float | None, outcome: bytes | httpx.TransportError | None
    ) -> bytes | None:
        """The chunk waited for since `started` (None at the end), its wait charged.

        `httpx.ReadTimeout` once the budget is overspent; a transport error is raised detached.
        """
        if isinstance(outcome, httpx.TransportError):
            raise detached(outcome, self.request)
        if outcome is None or self._budget is None or started is None:
            return outcome
        self._spent += self._clock() - started
        if self._spent > self._budget:
            raise self._timeout()
        return outcome

    def _timeout(self) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(
            f"the response took longer than the attempt's deadline ({self._limit:g} s) to arrive",
            request=self.request,
        )


def _next_chunk(chunks: Iterator[bytes]) -> bytes | httpx.TransportError | None:
    """The next chunk, None at the end, or the transport error raised instead (not chained)."""
    try:
        return next(chunks)
    except StopIteration:
        return None
    except httpx.TransportError as exc:
        return exc


async def _anext_chunk(
    chunks: AsyncIterator[bytes], deadline: AttemptDeadline | None, request: httpx.Request
) -> bytes | httpx.TransportError | None:
    """Async `_next_chunk`, ended by `deadline` (as `httpx.ReadTimeout`)."""
    if deadline is None:
        try:
            return await anext(chunks)
        except StopAsyncIteration:
            return None
        except httpx.TransportError as exc:
            return exc
    import asyncio

    timeout = asyncio.timeout_at(asyncio.get_running_loop().time() + deadline.left())
    try:
        async with timeout:
            return await anext(chunks)
    except StopAsyncIteration:
        return None
    except httpx.TransportError as exc:
        return exc
    except TimeoutError:
        if not timeout.expired():
            raise
    return _overdue(deadline, request)


def _overdue(deadline: AttemptDeadline, request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        f"the response took longer than the attempt's deadline ({deadline.limit:g} s) to arrive",
        request=request,
    )


_Stream = TypeVar("_Stream", httpx.SyncByteStream, httpx.AsyncByteStream)


class _BodyParts(Generic[_Stream]):
    """What both bounded streams hold: the raw stream, its wait budget, its decoder."""

    def __init__(self, stream: _Stream, budget: _BodyBudget, decoder: BodyDecoder) -> None:
        self._stream: _Stream = stream
        self._budget = budget
        self._decoder = decoder


class _BoundedStream(_BodyParts[httpx.SyncByteStream], httpx.SyncByteStream):
    """A response body, decoded and capped (`BodyDecoder`), its waits bounded (`_BodyBudget`)."""

    def __iter__(self) -> Iterator[bytes]:
        self._decoder.start()
        chunks = iter(self._stream)
        while (chunk := self._next(chunks)) is not None:
            yield from self._decoder.pieces(chunk)
        yield from self._decoder.tail()

    def _next(self, chunks: Iterator[bytes]) -> bytes | None:
        """The next raw chunk (None at the end), its wait held to the attempt's deadline."""
        budget = self._budget
        deadline = budget.next_deadline()
        if deadline is None:
            return budget.settle(None, _next_chunk(chunks))
        current = _attempt_bounds.current()
        token = current.set(deadline)
        started = budget.start()
        try:
            outcome = _next_chunk(chunks)
        finally:
            current.reset(token)
        return budget.settle(started, outcome)

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(_BodyParts[httpx.AsyncByteStream], httpx.AsyncByteStream):
    """Async `_BoundedStream`: the same decoding and budget, the wait under `asyncio.timeout`."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._decoder.start()
        chunks = aiter(self._stream)
        while (chunk := await self._next(chunks)) is not None:
            for piece in self._decoder.pieces(chunk):
                yield piece
        for piece in self._decoder.tail():
            yield piece

    async def _next(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        """The next raw chunk (None at the end), its wait held to the attempt's deadline."""
        budget = self._budget
        deadline = budget.next_deadline()
        started = budget.start()
        return budget.settle(started, await _anext_chunk(chunks, deadline, budget.request))

    async def aclose(self) -> None:
        await self._stream.aclose()


def _bounded(response: httpx.Response, attempts: _Attempts) -> httpx.Response:
    """`response` with its body decoded, capped, and its waits bounded by the attempt's deadline.

    An in-memory body (`httpx.ByteStream`, e.g. a MockTransport's answer) was read and decoded
    when it was made: it is left as it is.
    """
    stream = response.stream
    if isinstance(stream, httpx.ByteStream):
        return response
    budget = _BodyBudget(attempts)
    decoder = BodyDecoder.of(response, attempts.request, attempts.max_response_bytes)
    if isinstance(stream, httpx.SyncByteStream):
        response.stream = _BoundedStream(stream, budget, decoder)
    elif isinstance(stream, httpx.AsyncByteStream):
        response.stream = _AsyncBoundedStream(stream, budget, decoder)
    return response


def _discard(response: httpx.Response) -> None:
    """Read and close a response we will not return, so its connection can be reused."""
    try:
        response.read()
    except (httpx.HTTPError, ResponseTooLargeError):
        pass
    finally:
        response.close()


async def _adiscard(response: httpx.Response) -> None:
    """Async `_discard`."""
    try:
        await response.aread()
    except (httpx.HTTPError, ResponseTooLargeError):
        pass
    finally:
        await response.aclose()


def _with_trace(request: httpx.Request, trace: Callable[..., Any]) -> None:
    """Give `request` our httpcore `trace` callback (the caller's own one still runs after it)."""
    request.extensions = {**request.extensions, "trace": trace}


class RetryTransport(httpx.BaseTransport):
    """Rate limit → send → decide → sleep, around any sync httpx transport."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
        settings: TransportSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = transport
        self._settings = settings or TransportSettings()
        self._sleep = sleep
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(request, self._settings)
        if attempts.limited:
            _with_trace(request, self._trace(attempts, request.extensions.get("trace")))
        try:
            return self._send(request, attempts)
        except BaseException:
            attempts.abandon()
            raise

    def _send(self, request: httpx.Request, attempts: _Attempts) -> httpx.Response:
        return run_sync(attempts.steps(_bounded), self._perform)

    def _perform(self, effect: Send | Sleep | Discard) -> Outcome | None:
        """Perform one effect of `_Attempts.steps()`."""
        if isinstance(effect, Send):
            return self._attempt(effect)
        if isinstance(effect, Sleep):
            self._sleep_for(effect.seconds)
        else:
            _discard(effect.response)
        return None

    def _attempt(self, send: Send) -> Outcome:
        """One attempt, its socket operations held to its deadline (see `_attempt_bounds`)."""
        current = _attempt_bounds.current()
        token = current.set(send.deadline)
        try:
            return self._transport.handle_request(send.request)
        except httpx.TransportError as exc:
            return exc
        finally:
            current.reset(token)

    def _sleep_for(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)
        if self._closed:
            raise ClientClosedError()

    def _trace(
        self, attempts: _Attempts, callers: Callable[..., Any] | None
    ) -> Callable[[str, dict[str, Any]], None]:
        def trace(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_SEND_STARTED):
                while (wait := attempts.confirm_wait()) > 0:
                    self._sleep_for(wait)
                    attempts.paused(wait)
            elif name.endswith(_SEND_WRITTEN):
                attempts.written()
            if callers is not None:
                callers(name, info)

        return trace

    def close(self) -> None:
        self._closed = True
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Rate limit → send → decide → sleep, around any async httpx transport."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        settings: TransportSettings | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._transport = transport
        self._settings = settings or TransportSettings()
        self._sleep = sleep or asyncio_sleep
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(request, self._settings)
        if attempts.limited:
            _with_trace(request, self._trace(attempts, request.extensions.get("trace")))
        try:
            return await self._send(request, attempts)
        except BaseException:
            attempts.abandon()
            raise

    async def _send(self, request: httpx.Request, attempts: _Attempts) -> httpx.Response:
        return await run_async(attempts.steps(_bounded), self._perform)

    def _perform(self, effect: Send | Sleep | Discard) -> Awaitable[Outcome | None]:
        """Perform one effect of `_Attempts.steps()` (the awaitable that does)."""
        if isinstance(effect, Send):
            return self._attempt(effect)
        if isinstance(effect, Sleep):
            return self._sleep_for(effect.seconds)
        return _adiscard(effect.response)

    async def _attempt(self, send: Send) -> Outcome:
        """One attempt, ended by its deadline whatever the transport (`asyncio.timeout`)."""
        request, deadline = send.request, send.deadline
        try:
            if deadline is None:
                return await self._transport.handle_async_request(request)
            import asyncio

            timer = deadline.timer = asyncio.timeout_at(
                asyncio.get_running_loop().time() + deadline.left()
            )
            try:
                async with timer:
                    return await self._transport.handle_async_request(request)
            except TimeoutError:
                if not timer.expired():
                    raise
            return _overdue(deadline, request)
        except httpx.TransportError as exc:
            return exc

    async def _sleep_for(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)
        if self._closed:
            raise ClientClosedError()

    def _trace(
        self, attempts: _Attempts, callers: Callable[..., Any] | None
    ) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
        async def trace(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_SEND_STARTED):
                while (wait := attempts.confirm_wait()) > 0:
                    await self._sleep_for(wait)
                    attempts.paused(wait)
            elif name.endswith(_SEND_WRITTEN):
                attempts.written()
            if callers is not None:
                await callers(name, info)

        return trace

    async def aclose(self) -> None:
        self._closed = True
        await self._transport.aclose()


class ClientTransport(httpx.BaseTransport):
    """Sends through a caller's `httpx.Client` (its proxies, TLS, pool, hooks); never closes it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request, stream=True)

    def close(self) -> None:
        """The caller owns the client and closes it."""


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """Sends through a caller's `httpx.AsyncClient`; never closes it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        """The caller owns the client and closes it."""
