"""Auth, plan and the workspace rate limit on the fake."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, ServerRateLimit

URL = "/api/v2/accounts"


def call(fake: FakeInstantly, authorization: str | None = "Bearer k") -> httpx.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    with httpx.Client(transport=fake.transport(), base_url="https://api.instantly.ai") as http:
        return http.get(URL, headers=headers)


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[FakeInstantly]:
    """A fake with a small limit: 3 per second and 5 per minute."""
    yield FakeInstantly(clock=clock, rate_limit=ServerRateLimit(per_second=3, per_minute=5))


def statuses(fake: FakeInstantly, n: int) -> list[int]:
    return [call(fake).status_code for _ in range(n)]


def test_missing_authorization_is_401_with_instantlys_body(fake: FakeInstantly) -> None:
    response = call(fake, None)
    assert (response.status_code, response.json()) == (
        401,
        {"statusCode": 401, "error": "Unauthorized", "message": "Missing Authorization header"},
    )


def test_non_bearer_authorization_is_401(fake: FakeInstantly) -> None:
    assert call(fake, "Basic dXNlcjpwYXNz").status_code == 401


def test_bearer_without_a_key_is_401(fake: FakeInstantly) -> None:
    assert call(fake, "Bearer ").status_code == 401


def test_any_non_empty_key_is_accepted_by_default(fake: FakeInstantly) -> None:
    assert call(fake, "Bearer whatever").status_code == 200


def test_a_configured_key_rejects_other_keys(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock, api_key="right")
    assert call(fake, "Bearer wrong").json()["message"] == "Invalid API key"


def test_a_configured_key_accepts_itself(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock, api_key="right")
    assert call(fake, "Bearer right").status_code == 200


def test_the_api_key_appears_nowhere_in_the_log_or_repr(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock, api_key="s3cret-key")
    call(fake, "Bearer s3cret-key")
    call(fake, "Bearer wrong-key")
    dumped = repr(fake) + repr(fake.requests) + str([r.response_body for r in fake.requests])
    assert "s3cret" not in dumped
    assert "wrong-key" not in dumped


def test_unknown_route_is_404_before_auth(fake: FakeInstantly) -> None:
    assert call_path(fake, "/api/v2/nothing-here", None).status_code == 404


def call_path(fake: FakeInstantly, path: str, authorization: str | None) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization else {}
    with httpx.Client(transport=fake.transport(), base_url="https://api.instantly.ai") as http:
        return http.get(path, headers=headers)


def test_workspace_without_a_paid_plan_gets_402(fake: FakeInstantly) -> None:
    fake.paid_plan = False
    response = call(fake)
    assert (response.status_code, response.json()["error"]) == (402, "Payment Required")


def test_requests_over_the_per_second_limit_get_429(limited: FakeInstantly) -> None:
    assert statuses(limited, 4) == [200, 200, 200, 429]


def test_429_carries_retry_after_until_the_window_ends(
    limited: FakeInstantly, clock: FakeClock
) -> None:
    statuses(limited, 3)
    clock.advance(0.25)
    response = call(limited)
    assert (response.headers["retry-after"], response.json()["error"]) == (
        "1",
        "Too Many Requests",
    )


def test_the_per_second_window_reopens_after_a_second(
    limited: FakeInstantly, clock: FakeClock
) -> None:
    statuses(limited, 4)
    clock.advance(1.0)
    assert statuses(limited, 1) == [200]


def test_requests_over_the_per_minute_limit_get_429_with_the_minutes_wait(
    limited: FakeInstantly, clock: FakeClock
) -> None:
    statuses(limited, 3)
    clock.advance(1.0)
    statuses(limited, 2)
    clock.advance(1.0)
    response = call(limited)
    assert (response.status_code, response.headers["retry-after"]) == (429, "58")


def test_throttled_counts_every_429_the_limiter_sent(limited: FakeInstantly) -> None:
    statuses(limited, 7)
    assert (limited.throttled, limited.status_counts()[429]) == (4, 4)


def test_the_default_limit_is_100_per_second(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock)
    assert statuses(fake, 101).count(429) == 1


def test_rate_limit_none_never_throttles(fake: FakeInstantly) -> None:
    assert 429 not in statuses(fake, 150)


def test_scaled_windows_send_fractional_retry_after(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock, rate_limit=ServerRateLimit(per_second=1, time_scale=0.01))
    statuses(fake, 1)
    assert call(fake).headers["retry-after"] == "0.010"


def test_rejected_auth_does_not_use_the_rate_limit(limited: FakeInstantly) -> None:
    for _ in range(5):
        call(limited, None)
    assert statuses(limited, 1) == [200]


def test_rate_limit_rejects_a_non_positive_limit() -> None:
    with pytest.raises(
        ValueError, match=r"ServerRateLimit\.per_second must be a positive int or None"
    ):
        ServerRateLimit(per_second=0)
