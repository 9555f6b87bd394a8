"""A server's Retry-After cannot pause a limiter (and every client sharing it) for a year: the
hold is capped (`MAX_RETRY_AFTER_HOLD`, an hour), and `RateLimiter.resume()` ends it at once."""

from __future__ import annotations

import httpx
import pytest
from instantly import Instantly, RateLimiter, RateLimitError
from instantly._config import MAX_RETRY_AFTER_HOLD
from instantly.testing import FakeClock

from tests._hardening import SECRET_KEY

EMAIL = "jon@doe.com"


class _Server:
    """Answers the first request 429 with `retry_after`, every later one 404 (sent, answered)."""

    def __init__(self, retry_after: str) -> None:
        self.retry_after = retry_after
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.requests == 1:
            return httpx.Response(429, headers={"retry-after": self.retry_after}, json={})
        return httpx.Response(404, json={"message": "Not Found"})


def _client(server: _Server, limiter: RateLimiter, clock: FakeClock) -> Instantly:
    return Instantly(
        SECRET_KEY, transport=httpx.MockTransport(server), rate_limit=limiter, clock=clock,
        sleep=clock.sleep, max_retries=0,
    )  # fmt: skip


@pytest.mark.parametrize("retry_after", ["31536000", "1e308"], ids=["a-year", "1e308"])
def test_a_huge_retry_after_holds_every_sharer_for_at_most_the_cap(retry_after: str) -> None:
    clock, limiter, server = FakeClock(0.0), RateLimiter(), _Server(retry_after)
    with _client(server, limiter, clock) as client, _client(server, limiter, clock) as sharer:
        with pytest.raises(RateLimitError):
            client.accounts.get(EMAIL)
        clock.advance(MAX_RETRY_AFTER_HOLD - 1)
        with pytest.raises(RateLimitError, match="not sent"):
            sharer.accounts.get(EMAIL)
        clock.advance(2)
        with pytest.raises(Exception, match="Not Found"):
            sharer.accounts.get(EMAIL)  # sent again once the capped hold is over
    assert server.requests == 2


def test_resume_ends_a_retry_after_hold_at_once() -> None:
    clock, limiter, server = FakeClock(0.0), RateLimiter(), _Server("31536000")
    with _client(server, limiter, clock) as client:
        with pytest.raises(RateLimitError):
            client.accounts.get(EMAIL)
        assert limiter.paused_until is not None
        limiter.resume()
        assert limiter.paused_until is None
        with pytest.raises(Exception, match="Not Found"):
            client.accounts.get(EMAIL)
    assert server.requests == 2
