"""The in-process shell: an httpx transport (sync and async) in front of a `FakeInstantly`.

It only does I/O-shaped work: read the request, ask the fake, then sleep, raise the httpx error
the network would, or build the `httpx.Response`. Sleeps are injectable so tests never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from ._wire import Disconnect, FakeResponse

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["AsyncSleep", "FakeTransport", "Sleep"]

Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a `FakeInstantly` to `httpx.Client` and `httpx.AsyncClient` (`transport=`).

    A dropped connection raises `httpx.RemoteProtocolError` (clean close), `httpx.ReadError`
    (reset) or `httpx.ConnectError` (refused); a slow response sleeps, or sleeps for the request's
    read timeout and raises `httpx.ReadTimeout` when the delay is longer.
    """

    def __init__(
        self,
        fake: FakeInstantly,
        *,
        sleep: Sleep | None = None,
        async_sleep: AsyncSleep | None = None,
    ) -> None:
        self.fake = fake
        self._sleep = sleep or time.sleep
        self._async_sleep = async_sleep or asyncio.sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a sync client's request."""
        decision = self._decide(request, request.read())
        wait, timed_out = _wait(decision, request)
        if wait > 0:
            self._sleep(wait)
        return _finish(decision, request, timed_out)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer an async client's request."""
        decision = self._decide(request, await request.aread())
        wait, timed_out = _wait(decision, request)
        if wait > 0:
            await self._async_sleep(wait)
        return _finish(decision, request, timed_out)

    def _decide(self, request: httpx.Request, body: bytes) -> FakeResponse:
        url = request.url
        return self.fake.handle(
            request.method,
            url.path,
            query=url.query,
            headers=request.headers,
            body=body,
        )


def _wait(decision: FakeResponse, request: httpx.Request) -> tuple[float, bool]:
    """How long to sleep before answering, and whether the read timeout fires first."""
    if decision.delay <= 0:
        return 0.0, False
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if read_timeout is not None and decision.delay > read_timeout:
        return float(read_timeout), True
    return decision.delay, False


def _finish(decision: FakeResponse, request: httpx.Request, timed_out: bool) -> httpx.Response:
    if timed_out:
        raise httpx.ReadTimeout("The read operation timed out", request=request)
    if decision.disconnect is Disconnect.REFUSE:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
    if decision.disconnect is Disconnect.RESET:
        raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
    if decision.disconnect is Disconnect.CLOSE:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    return httpx.Response(
        decision.status,
        headers=list(decision.headers),
        content=decision.body,
        request=request,
    )
