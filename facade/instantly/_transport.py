"""httpx transports that add the rate limit, retries and per-attempt logging to any transport.

They sit inside the httpx client the facade and the generated functions share, so everything sent
through `Instantly`/`AsyncInstantly` (wrapped or reached through `.raw`) gets the same policy.
Decisions live in `_Attempts` (sans-I/O: reads responses and errors, never sends or sleeps) and in
`_retry`/`_ratelimit`; `RetryTransport` and `AsyncRetryTransport` only send and sleep. The read
timeout bounds a whole response body too (`_BodyBudget`), not only each socket read.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import httpx

from ._aio import asyncio_sleep
from ._config import EXTENSION_MAX_RETRIES, LOGGER_NAME
from ._ratelimit import RateLimiter, RateLimitWaitTooLong
from ._retry import (
    RetryDecision,
    RetryPolicy,
    decide_after_error,
    decide_after_response,
    parse_retry_after,
)

__all__ = [
    "AsyncClientTransport",
    "AsyncRetryTransport",
    "ClientTransport",
    "RetryTransport",
    "TransportSettings",
]

logger = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """What the retry transports decide with; clock, wall clock and rng are injectable for tests."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    rng: Callable[[], float] = random.random


def _request_path(request: httpx.Request) -> str:
    """The request path without the query (queries may carry search terms; never logged)."""
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


class _Attempts:
    """Sans-I/O state of one request over its attempts: decides and logs, never sends or sleeps."""

    def __init__(self, request: httpx.Request, settings: TransportSettings) -> None:
        self._request = request
        self._settings = settings
        self.method = request.method
        self.path = _request_path(request)
        per_call = request.extensions.get(EXTENSION_MAX_RETRIES)
        self.max_retries = settings.policy.max_retries if per_call is None else int(per_call)
        if not isinstance(request.stream, httpx.ByteStream):
            self.max_retries = 0  # a streamed body cannot be sent twice
        self.retries_done = 0
        self._started = 0.0

    def rate_limit_wait(self) -> float:
        """Seconds to wait before this attempt may be sent (0 without a limiter)."""
        limiter = self._settings.limiter
        if limiter is None:
            return 0.0
        try:
            return limiter.reserve(self._settings.clock())
        except RateLimitWaitTooLong as exc:
            raise httpx.PoolTimeout(str(exc), request=self._request) from exc

    def sending(self) -> None:
        """Mark the start of an attempt (for the elapsed time in the log line)."""
        self._started = self._settings.clock()

    def after_response(self, response: httpx.Response) -> RetryDecision:
        """Decide after a response, defer the shared limiter on a 429 with Retry-After, log."""
        s = self._settings
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=s.wall_clock())
        if response.status_code == 429 and retry_after is not None and s.limiter is not None:
            s.limiter.defer_until(s.clock() + min(retry_after, s.policy.max_retry_after))
        decision = decide_after_response(
            self.method,
            self.path,
            response.status_code,
            retry_after,
            retries_done=self.retries_done,
            max_retries=self.max_retries,
            policy=s.policy,
            rng=s.rng,
        )
        return self._log(str(response.status_code), decision)

    def after_error(self, exc: httpx.TransportError) -> RetryDecision:
        """Decide after the transport raised instead of answering, log."""
        s = self._settings
        decision = decide_after_error(
            self.method,
            self.path,
            exc,
            retries_done=self.retries_done,
            max_retries=self.max_retries,
            policy=s.policy,
            rng=s.rng,
        )
        return self._log(type(exc).__name__, decision)

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


def _read_budget(request: httpx.Request) -> float | None:
    """The request's read timeout: it also bounds the time spent reading the whole body."""
    read = request.extensions.get("timeout", {}).get("read")
    return float(read) if isinstance(read, int | float) else None


class _BodyBudget:
    """Time spent waiting for body chunks, against the read timeout (sans-I/O).

    httpx's read timeout bounds each socket read, so a server sending one byte at a time could
    stretch a response forever. This bounds the sum of those waits too (a consumer's own pauses
    between chunks are not counted), raising `httpx.ReadTimeout` once it is spent.
    """

    def __init__(self, request: httpx.Request, budget: float, clock: Callable[[], float]) -> None:
        self._request = request
        self._budget = budget
        self._clock = clock
        self._spent = 0.0

    def start(self) -> float:
        """The clock reading before waiting for a chunk."""
        return self._clock()

    def charge(self, started: float) -> None:
        """Add the wait since `started`; `httpx.ReadTimeout` once the budget is overspent."""
        self._spent += self._clock() - started
        if self._spent > self._budget:
            raise httpx.ReadTimeout(
                f"the response body took longer than the read timeout ({self._budget:g} s) "
                "to arrive",
                request=self._request,
            )


class _BoundedStream(httpx.SyncByteStream):
    """A response body stream whose total read time is bounded by `_BodyBudget`."""

    def __init__(self, stream: httpx.SyncByteStream, budget: _BodyBudget) -> None:
        self._stream = stream
        self._budget = budget

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            started = self._budget.start()
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            self._budget.charge(started)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    """Async `_BoundedStream`."""

    def __init__(self, stream: httpx.AsyncByteStream, budget: _BodyBudget) -> None:
        self._stream = stream
        self._budget = budget

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = aiter(self._stream)
        while True:
            started = self._budget.start()
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            self._budget.charge(started)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def _bounded(
    response: httpx.Response, request: httpx.Request, clock: Callable[[], float]
) -> httpx.Response:
    """`response` with its body's total read time bounded by the request's read timeout."""
    budget = _read_budget(request)
    if budget is not None and isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _BoundedStream(response.stream, _BodyBudget(request, budget, clock))
    return response


def _abounded(
    response: httpx.Response, request: httpx.Request, clock: Callable[[], float]
) -> httpx.Response:
    """Async `_bounded`."""
    budget = _read_budget(request)
    if budget is not None and isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncBoundedStream(response.stream, _BodyBudget(request, budget, clock))
    return response


def _discard(response: httpx.Response) -> None:
    """Read and close a response we will not return, so its connection can be reused."""
    try:
        response.read()
    except httpx.HTTPError:
        pass
    finally:
        response.close()


async def _adiscard(response: httpx.Response) -> None:
    """Async `_discard`."""
    try:
        await response.aread()
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()


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

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(request, self._settings)
        while True:
            wait = attempts.rate_limit_wait()
            if wait > 0:
                self._sleep(wait)
            attempts.sending()
            try:
                response = self._transport.handle_request(request)
            except httpx.TransportError as exc:
                decision = attempts.after_error(exc)
                if not decision.retry:
                    raise
            else:
                decision = attempts.after_response(response)
                if not decision.retry:
                    return _bounded(response, request, self._settings.clock)
                _discard(_bounded(response, request, self._settings.clock))
            if decision.delay > 0:
                self._sleep(decision.delay)

    def close(self) -> None:
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

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(request, self._settings)
        while True:
            wait = attempts.rate_limit_wait()
            if wait > 0:
                await self._sleep(wait)
            attempts.sending()
            try:
                response = await self._transport.handle_async_request(request)
            except httpx.TransportError as exc:
                decision = attempts.after_error(exc)
                if not decision.retry:
                    raise
            else:
                decision = attempts.after_response(response)
                if not decision.retry:
                    return _abounded(response, request, self._settings.clock)
                await _adiscard(_abounded(response, request, self._settings.clock))
            if decision.delay > 0:
                await self._sleep(decision.delay)

    async def aclose(self) -> None:
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
