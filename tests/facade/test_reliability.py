"""Reliability: the limit held where requests leave, slots given back, a Retry-After
beyond the cap failing fast, use after close and half-built clients typed and printable.

The transports are driven through plain httpx clients on exact clocks; the clients as users
build them where the behaviour is theirs.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

import httpx
import pytest
from _facade_helpers import API_KEY, FakeTime, Script, json_response
from instantly import (
    AsyncInstantly,
    ClientClosedError,
    Instantly,
    InvalidInputError,
    RateLimitError,
)
from instantly._rate_limiter import RateLimit, RateLimiter
from instantly._retry import RetryPolicy
from instantly._retry_transport import (
    AsyncRetryTransport,
    RetryTransport,
    TransportSettings,
    ensure_open,
)

BASE = "https://api.instantly.ai"
ACCOUNTS = f"{BASE}/api/v2/accounts"
EMAILS = f"{BASE}/api/v2/emails"


def _settings(fake_time: FakeTime, limiter: RateLimiter, **kw: Any) -> TransportSettings:
    return TransportSettings(
        policy=RetryPolicy(max_retries=2), limiter=limiter, clock=fake_time.clock,
        wall_clock=lambda: 1_800_000_000.0, rng=lambda: 0.5, **kw,
    )  # fmt: skip


def _client(handler: Any, fake_time: FakeTime, limiter: RateLimiter, **kw: Any) -> httpx.Client:
    transport = RetryTransport(
        httpx.MockTransport(handler), _settings(fake_time, limiter, **kw), sleep=fake_time.sleep
    )
    return httpx.Client(transport=transport, headers={"Authorization": f"Bearer {API_KEY}"})


# -- a Retry-After beyond the cap: fail fast, logged, until that time ----------------------------


def _long_retry_after(seconds: str) -> httpx.Response:
    return json_response(429, {"message": "Rate limit exceeded"}, {"retry-after": seconds})


def test_a_retry_after_beyond_the_cap_makes_later_calls_fail_fast_without_sending(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(RateLimit())
    script = Script(_long_retry_after("3600"), json_response(200, {}))
    client = _client(script, fake_time, limiter)
    assert client.get(ACCOUNTS).status_code == 429  # given back to the caller, not waited out
    fake_time.now += 600
    with pytest.raises(RateLimitError) as caught:
        client.get(ACCOUNTS)
    assert script.count == 1
    assert caught.value.retry_after == pytest.approx(3000.0)
    assert fake_time.sleeps == []  # no silent stall
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Retry-After 3600 s, beyond the 60 s cap" in warnings[0].getMessage()
    assert "fails fast" in warnings[0].getMessage()


def test_once_the_long_retry_after_has_passed_requests_are_sent_again(fake_time: FakeTime) -> None:
    limiter = RateLimiter(RateLimit())
    script = Script(_long_retry_after("3600"), json_response(200, {}))
    client = _client(script, fake_time, limiter)
    client.get(ACCOUNTS)
    fake_time.now += 3600
    assert client.get(ACCOUNTS).status_code == 200
    assert script.count == 2


def test_a_retry_after_within_the_cap_is_waited_out_by_every_sender(fake_time: FakeTime) -> None:
    limiter = RateLimiter(RateLimit())
    script = Script(_long_retry_after("30"), json_response(200, {}), json_response(200, {}))
    client = _client(script, fake_time, limiter)
    assert client.get(ACCOUNTS).status_code == 200
    assert fake_time.sleeps == [30.0]


def test_a_request_queued_when_a_long_retry_after_arrives_fails_fast_at_sending(
    fake_time: FakeTime,
) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    ticket = limiter.reserve(fake_time.now)
    limiter.acquire(ticket, fake_time.now)  # the window is full: the next request queues
    script = Script(json_response(200, {}))

    def sleep(seconds: float) -> None:
        fake_time.sleep(seconds)
        limiter.refuse_until(fake_time.now + 100)  # another request met Retry-After: 100

    transport = RetryTransport(
        httpx.MockTransport(script), _settings(fake_time, limiter), sleep=sleep
    )
    with pytest.raises(RateLimitError, match="not sent"):
        httpx.Client(transport=transport).get(ACCOUNTS)
    assert script.count == 0


# -- held at the moment the bytes leave ----------------------------------------------------------


class _SlowConnection(httpx.MockTransport):
    """Opens a connection in `connect` seconds, then reports the write like httpcore does."""

    def __init__(self, fake_time: FakeTime, connect: float) -> None:
        self.fake_time, self.connect, self.written = fake_time, connect, []
        super().__init__(lambda request: json_response(200, {}))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.fake_time.now += self.connect
        request.extensions["trace"]("http11.send_request_headers.started", {"request": None})
        self.written.append(self.fake_time.now)
        return super().handle_request(request)


def test_a_send_is_recorded_when_its_bytes_leave_not_when_it_was_handed_over(
    fake_time: FakeTime,
) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    slow = _SlowConnection(fake_time, connect=0.4)
    transport = RetryTransport(slow, _settings(fake_time, limiter), sleep=fake_time.sleep)
    client = httpx.Client(transport=transport)
    client.get(ACCOUNTS)
    slow.connect = 0.0  # warm connection
    client.get(ACCOUNTS)
    assert slow.written[1] - slow.written[0] == pytest.approx(1.0)


def test_a_callers_own_trace_callback_still_runs(fake_time: FakeTime) -> None:
    seen: list[str] = []
    limiter = RateLimiter(RateLimit())
    slow = _SlowConnection(fake_time, connect=0.0)
    transport = RetryTransport(slow, _settings(fake_time, limiter), sleep=fake_time.sleep)
    with httpx.Client(transport=transport) as client:
        client.get(ACCOUNTS, extensions={"trace": lambda name, info: seen.append(name)})
    assert seen == ["http11.send_request_headers.started"]


def test_over_a_real_connection_the_trace_moment_is_used(fake_time: FakeTime) -> None:
    """httpcore calls the trace extension: the send is recorded (once) when it writes."""
    from instantly.testing import FakeInstantly

    fake = FakeInstantly(api_key=API_KEY, rate_limit=None)
    limiter = RateLimiter(RateLimit())
    confirms: list[int] = []
    original = limiter.confirm

    def confirm(ticket: Any, now: float) -> float:
        confirms.append(1)
        return original(ticket, now)

    limiter.confirm = confirm  # type: ignore[method-assign]
    with fake.serve() as base_url:
        transport = RetryTransport(
            httpx.HTTPTransport(), _settings(fake_time, limiter), sleep=fake_time.sleep
        )
        with httpx.Client(transport=transport, base_url=base_url) as client:
            client.get("/api/v2/accounts", headers={"Authorization": f"Bearer {API_KEY}"})
    assert confirms == [1]


# -- per-route windows through the transport -----------------------------------------------------


def _route(request: httpx.Request) -> str | None:
    return f"{request.method} {request.url.path}"


def test_route_of_applies_a_routes_own_window_and_leaves_other_routes_alone(
    fake_time: FakeTime,
) -> None:
    limiter = RateLimiter(RateLimit(margin=0), routes={"GET /api/v2/emails": ((2, 60.0),)})
    script = Script(*(json_response(200, {}) for _ in range(4)))
    client = _client(script, fake_time, limiter, route_of=_route)
    client.get(EMAILS)
    client.get(EMAILS)
    client.get(ACCOUNTS)
    assert fake_time.sleeps == []
    client.get(EMAILS)
    assert fake_time.sleeps == [60.0]


# -- cancellation gives slots back ---------------------------------------------------------------


async def test_cancelling_1000_queued_requests_leaves_the_next_request_unthrottled() -> None:
    clock = FakeTime()
    limiter = RateLimiter(RateLimit())
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.Event().wait()  # queued until cancelled

    transport = AsyncRetryTransport(
        httpx.MockTransport(lambda r: json_response(200, {})),
        _settings(clock, limiter), sleep=sleep,
    )  # fmt: skip
    async with httpx.AsyncClient(transport=transport) as client:
        await asyncio.gather(*(client.get(ACCOUNTS) for _ in range(100)))
        queued = [asyncio.create_task(client.get(ACCOUNTS)) for _ in range(1000)]
        await asyncio.sleep(0)
        assert len(slept) == 1000 and max(slept) > 9.0
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        slept.clear()
        clock.now += 1.1  # the first window has passed
        assert (await client.get(ACCOUNTS)).status_code == 200
    assert slept == []


def test_a_refused_connection_gives_its_slot_back(fake_time: FakeTime) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = RetryTransport(
        httpx.MockTransport(refuse),
        TransportSettings(policy=RetryPolicy(max_retries=0), limiter=limiter,
                          clock=fake_time.clock),
        sleep=fake_time.sleep,
    )  # fmt: skip
    with pytest.raises(httpx.ConnectError):
        httpx.Client(transport=transport).get(ACCOUNTS)
    ticket = limiter.reserve(fake_time.now)
    assert (ticket.wait(fake_time.now), limiter.acquire(ticket, fake_time.now)) == (0.0, 0.0)


# -- use after close, half-built clients ---------------------------------------------------------


def test_ensure_open_raises_client_closed_error_for_a_closed_httpx_client() -> None:
    http = httpx.Client()
    ensure_open(http)
    http.close()
    with pytest.raises(ClientClosedError):
        ensure_open(http)


def test_a_request_queued_in_the_limiter_when_the_client_closes_raises_client_closed_error(
    fake_time: FakeTime,
) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60))
    script = Script(json_response(200, {}), json_response(200, {}))
    holder: list[httpx.Client] = []

    def sleep(seconds: float) -> None:  # the client is closed while this request waits
        fake_time.sleep(seconds)
        holder[0].close()

    transport = RetryTransport(
        httpx.MockTransport(script), _settings(fake_time, limiter), sleep=sleep
    )
    holder.append(httpx.Client(transport=transport))
    holder[0].get(ACCOUNTS)
    with pytest.raises(ClientClosedError):
        holder[0].get(ACCOUNTS)
    assert script.count == 1


def test_a_call_on_a_closed_client_raises_client_closed_error() -> None:
    client = Instantly(API_KEY, transport=httpx.MockTransport(lambda r: json_response(200, {})))
    client.close()
    with pytest.raises(ClientClosedError):
        client.accounts.get("jon@doe.com")


async def test_a_call_on_a_closed_async_client_raises_client_closed_error() -> None:
    client = AsyncInstantly(
        API_KEY, transport=httpx.MockTransport(lambda r: json_response(200, {}))
    )
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await client.accounts.get("jon@doe.com")


def test_closing_twice_is_harmless_and_the_repr_says_closed() -> None:
    client = Instantly(API_KEY)
    client.close()
    client.close()
    assert "closed" in repr(client)


def test_repr_of_a_client_whose_constructor_failed_does_not_raise() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Instantly(API_KEY, rate_limit="fast")  # type: ignore[arg-type]
    rendered = traceback.TracebackException.from_exception(caught.value, capture_locals=True)
    text = "".join(rendered.format())
    assert "<Instantly (not initialized)>" in text
    assert repr(Instantly.__new__(Instantly)) == "<Instantly (not initialized)>"
    assert repr(AsyncInstantly.__new__(AsyncInstantly)) == "<AsyncInstantly (not initialized)>"
    Instantly.__new__(Instantly).close()  # nothing to close, nothing raised
