"""The retry/rate-limit transport: what is sent again, after how long, and what is logged."""

from __future__ import annotations

import logging

import httpx
import pytest
from _facade_helpers import API_KEY, FakeTime, Script, error_body, json_response
from instantly import RateLimitQueueTimeoutError
from instantly._config import EXTENSION_MAX_RETRIES
from instantly._rate_limiter import RateLimit, RateLimiter
from instantly._retry import RetryPolicy
from instantly._retry_transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryTransport,
    TransportSettings,
)

BASE = "https://api.instantly.ai"
DISABLE = f"{BASE}/api/v2/accounts/warmup/disable"
ACCOUNTS = f"{BASE}/api/v2/accounts"


def _settings(fake_time: FakeTime, *, limiter: RateLimiter | None = None) -> TransportSettings:
    return TransportSettings(
        policy=RetryPolicy(max_retries=2),
        limiter=limiter,
        clock=fake_time.clock,
        wall_clock=lambda: 1_800_000_000.0,
        rng=lambda: 0.5,
    )


def _client(script: Script, fake_time: FakeTime, **kw: RateLimiter) -> httpx.Client:
    transport = RetryTransport(
        httpx.MockTransport(script), _settings(fake_time, **kw), sleep=fake_time.sleep
    )
    return httpx.Client(transport=transport, headers={"Authorization": f"Bearer {API_KEY}"})


def _async_client(script: Script, fake_time: FakeTime) -> httpx.AsyncClient:
    transport = AsyncRetryTransport(
        httpx.MockTransport(script), _settings(fake_time), sleep=fake_time.async_sleep
    )
    return httpx.AsyncClient(transport=transport)


def _rate_limited(retry_after: str) -> httpx.Response:
    return json_response(
        429, error_body(429, "Too Many Requests", "Rate limit exceeded"),
        {"retry-after": retry_after},
    )  # fmt: skip


def test_429_with_retry_after_is_retried_once_after_exactly_that_delay(
    fake_time: FakeTime,
) -> None:
    script = Script(_rate_limited("3"), json_response(200, {"items": []}))
    response = _client(script, fake_time).get(ACCOUNTS)
    assert response.status_code == 200
    assert script.count == 2
    assert fake_time.sleeps == [3.0]


def test_429_is_retried_for_warmup_disable(fake_time: FakeTime) -> None:
    script = Script(_rate_limited("1"), json_response(200, {"id": "job"}))
    assert _client(script, fake_time).post(DISABLE, json={"emails": []}).status_code == 200
    assert script.count == 2


def test_warmup_disable_is_not_retried_after_a_502(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(502, text="<html>Bad Gateway</html>"))
    response = _client(script, fake_time).post(DISABLE, json={"emails": ["a@b.co"]})
    assert response.status_code == 502
    assert script.count == 1
    assert fake_time.sleeps == []


def test_warmup_disable_is_not_retried_after_a_read_timeout(fake_time: FakeTime) -> None:
    script = Script(httpx.ReadTimeout("timed out"))
    with pytest.raises(httpx.ReadTimeout):
        _client(script, fake_time).post(DISABLE, json={"emails": ["a@b.co"]})
    assert script.count == 1


def test_a_get_is_retried_after_a_503(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, {"items": []}))
    assert _client(script, fake_time).get(ACCOUNTS).status_code == 200
    assert script.count == 2
    assert fake_time.sleeps == [0.25]  # full jitter: 0.5 s ceiling x rng 0.5


def test_a_connect_error_is_retried_for_a_job_creating_post(fake_time: FakeTime) -> None:
    script = Script(httpx.ConnectError("refused"), json_response(200, {"id": "job"}))
    assert _client(script, fake_time).post(DISABLE, json={"emails": []}).status_code == 200
    assert script.count == 2


def test_the_retried_request_carries_the_same_body(fake_time: FakeTime) -> None:
    script = Script(httpx.ConnectError("refused"), json_response(200, {"id": "job"}))
    _client(script, fake_time).post(DISABLE, json={"emails": ["a@b.co"]})
    assert script.requests[0].content == script.requests[1].content == b'{"emails":["a@b.co"]}'


def test_retries_stop_after_max_retries_and_return_the_last_response(
    fake_time: FakeTime,
) -> None:
    script = Script(httpx.Response(503), httpx.Response(503), httpx.Response(503))
    assert _client(script, fake_time).get(ACCOUNTS).status_code == 503
    assert script.count == 3
    assert fake_time.sleeps == [0.25, 0.5]


def test_the_last_connect_error_is_raised_when_retries_run_out(fake_time: FakeTime) -> None:
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(httpx.ConnectError):
        _client(script, fake_time).get(ACCOUNTS)
    assert script.count == 3


def test_per_call_max_retries_extension_overrides_the_policy(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, {}))
    response = _client(script, fake_time).get(ACCOUNTS, extensions={EXTENSION_MAX_RETRIES: 0})
    assert response.status_code == 503
    assert script.count == 1


def test_a_streamed_body_is_never_sent_twice(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, {}))
    body = iter([b"chunk"])
    assert _client(script, fake_time).put(ACCOUNTS, content=body).status_code == 503
    assert script.count == 1


def test_a_429_defers_the_shared_limiter_for_every_sender(fake_time: FakeTime) -> None:
    limiter = RateLimiter(RateLimit())
    script = Script(_rate_limited("5"), json_response(200, {}))
    _client(script, fake_time, limiter=limiter).get(ACCOUNTS)
    assert limiter.reserve(fake_time.now).wait(fake_time.now) == pytest.approx(0.0)
    assert fake_time.sleeps == [5.0]


def test_the_limiter_delays_sends_beyond_its_budget(fake_time: FakeTime) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, margin=0))
    script = Script(json_response(200, {}), json_response(200, {}))
    client = _client(script, fake_time, limiter=limiter)
    client.get(ACCOUNTS)
    client.get(ACCOUNTS)
    assert fake_time.sleeps == [1.0]


def test_a_refused_limiter_wait_raises_its_own_typed_error_without_sending(
    fake_time: FakeTime,
) -> None:
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60, max_wait=0.1))
    script = Script(json_response(200, {}))
    client = _client(script, fake_time, limiter=limiter)
    client.get(ACCOUNTS)
    with pytest.raises(RateLimitQueueTimeoutError, match="max_wait") as caught:
        client.get(ACCOUNTS)
    assert script.count == 1
    assert (caught.value.max_wait, caught.value.method, caught.value.path) == (
        0.1, "GET", "/api/v2/accounts",
    )  # fmt: skip
    assert caught.value.wait == pytest.approx(1.02)
    assert caught.value.__context__ is None
    assert not isinstance(caught.value, httpx.HTTPError)


def test_each_attempt_is_logged_without_key_headers_or_query(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    script = Script(_rate_limited("1"), json_response(200, {}))
    _client(script, fake_time).get(ACCOUNTS, params={"search": "private"})
    records = [r for r in caplog.records if r.name == "instantly"]
    assert [r.levelno for r in records] == [logging.INFO, logging.DEBUG]
    assert "GET /api/v2/accounts -> 429 (attempt 1/3" in records[0].getMessage()
    assert "GET /api/v2/accounts -> 200 (attempt 2/3" in records[1].getMessage()
    assert API_KEY not in caplog.text
    assert "Bearer" not in caplog.text
    assert not any("private" in r.getMessage() for r in records)


def test_client_transport_sends_through_the_given_client(fake_time: FakeTime) -> None:
    script = Script(json_response(200, {"ok": True}))
    inner = httpx.Client(transport=httpx.MockTransport(script))
    outer = httpx.Client(transport=RetryTransport(ClientTransport(inner), _settings(fake_time)))
    assert outer.get(ACCOUNTS).json() == {"ok": True}
    outer.close()
    assert not inner.is_closed


async def test_async_429_is_retried_once_after_exactly_retry_after(fake_time: FakeTime) -> None:
    script = Script(_rate_limited("3"), json_response(200, {"items": []}))
    async with _async_client(script, fake_time) as client:
        response = await client.get(ACCOUNTS)
    assert response.status_code == 200
    assert fake_time.sleeps == [3.0]


async def test_async_warmup_disable_is_not_retried_after_a_502(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(502))
    async with _async_client(script, fake_time) as client:
        response = await client.post(DISABLE, json={"emails": ["a@b.co"]})
    assert response.status_code == 502
    assert script.count == 1


async def test_async_get_is_retried_after_a_503(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, {}))
    async with _async_client(script, fake_time) as client:
        assert (await client.get(ACCOUNTS)).status_code == 200
    assert script.count == 2


async def test_async_connect_error_is_retried_for_a_post(fake_time: FakeTime) -> None:
    script = Script(httpx.ConnectError("refused"), json_response(200, {}))
    async with _async_client(script, fake_time) as client:
        assert (await client.post(DISABLE, json={})).status_code == 200
    assert script.count == 2


async def test_async_client_transport_sends_through_the_given_client(fake_time: FakeTime) -> None:
    script = Script(json_response(200, {"ok": True}))
    inner = httpx.AsyncClient(transport=httpx.MockTransport(script))
    transport = AsyncRetryTransport(AsyncClientTransport(inner), _settings(fake_time))
    async with httpx.AsyncClient(transport=transport) as outer:
        assert (await outer.get(ACCOUNTS)).json() == {"ok": True}
    assert not inner.is_closed
    await inner.aclose()
