"""Constructing a client: where the key and base URL come from, what is refused, what repr shows."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from _facade_helpers import API_KEY
from instantly import (
    AsyncInstantly,
    Instantly,
    InvalidInputError,
    RateLimit,
    RateLimiter,
    WrongClientSideError,
)
from instantly._config import Secret, is_loopback_host, resolve_api_key, resolve_base_url
from instantly_api.api.account import get_account


def test_the_key_falls_back_to_the_environment() -> None:
    assert resolve_api_key(None, {"INSTANTLY_API_KEY": "k1"}) == "k1"


def test_an_explicit_key_wins_over_the_environment() -> None:
    assert resolve_api_key("k2", {"INSTANTLY_API_KEY": "k1"}) == "k2"


def test_no_key_is_an_error_saying_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSTANTLY_API_KEY", raising=False)
    with pytest.raises(InvalidInputError, match=r"or set the INSTANTLY_API_KEY"):
        Instantly()


@pytest.mark.parametrize("key", ["", "   ", " sk-1", "sk-1\n"])
def test_a_blank_or_padded_key_is_refused(key: str) -> None:
    with pytest.raises(InvalidInputError, match="API key"):
        resolve_api_key(key, {})


def test_the_key_repr_is_redacted() -> None:
    assert repr(Secret(API_KEY)) == "'<redacted>'"
    assert f"Bearer {Secret(API_KEY)}" == f"Bearer {API_KEY}"


def test_the_base_url_defaults_to_instantly() -> None:
    assert resolve_base_url(None, {}) == "https://api.instantly.ai"


def test_the_base_url_falls_back_to_the_environment() -> None:
    env = {"INSTANTLY_BASE_URL": "http://127.0.0.1:4010/"}
    assert resolve_base_url(None, env) == "http://127.0.0.1:4010"


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8080", "http://127.0.0.1", "http://127.5.6.7:1", "http://[::1]:4010",
     "https://proxy.example.com/instantly"],
)  # fmt: skip
def test_https_anywhere_and_http_to_loopback_are_accepted(url: str) -> None:
    assert resolve_base_url(url, {}) == url


@pytest.mark.parametrize(
    "url",
    ["http://api.instantly.ai", "http://10.0.0.1", "http://localhost.evil.com",
     "http://x.localhost", "http://x.localhost:4010/api", "http://localhost.:8080"],
)  # fmt: skip
def test_plain_http_to_a_non_loopback_host_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError, match="in clear"):
        resolve_base_url(url, {})


@pytest.mark.parametrize("url", ["api.instantly.ai", "ftp://x.com", "https://", "/relative"])
def test_a_non_http_url_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError, match="not an absolute http"):
        resolve_base_url(url, {})


def test_a_plain_http_base_url_to_a_subdomain_of_localhost_is_refused_by_the_client() -> None:
    with pytest.raises(InvalidInputError, match="non-loopback host"):
        Instantly(API_KEY, base_url="http://x.localhost:4010")


@pytest.mark.parametrize(
    ("url", "problem"),
    [(" https://api.instantly.ai", "leading or trailing whitespace"),
     ("https://api.instantly.ai\n", "leading or trailing whitespace"),
     ("https://api.instantly.ai\t", "leading or trailing whitespace"),
     ("https://api.inst antly.ai", "contains ' '"),
     ("https://api.instantly.ai/v\n2", r"contains '\\n'"),
     ("https://api.instantly.ai:99999", "not a valid URL"),
     ("https://[::1", "not a valid URL")],
)  # fmt: skip
def test_a_base_url_with_whitespace_or_a_bad_part_is_refused_naming_the_problem(
    url: str, problem: str
) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        Instantly(API_KEY, base_url=url)


def test_a_base_url_from_the_environment_with_a_trailing_newline_names_its_source() -> None:
    env = {"INSTANTLY_BASE_URL": "http://127.0.0.1:4010\n"}
    with pytest.raises(InvalidInputError, match="INSTANTLY_BASE_URL"):
        resolve_base_url(None, env)


def test_credentials_in_the_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(InvalidInputError, match="credentials") as info:
        resolve_base_url("https://user:hunter2@api.instantly.ai", {})
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("LOCALHOST", True), ("127.0.0.1", True), ("::1", True),
     ("[::1]", True), ("128.0.0.1", False), ("example.com", False),
     ("x.localhost", False), ("localhost.localdomain", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_repr_shows_the_base_url_and_never_the_key() -> None:
    client = Instantly(API_KEY)
    assert API_KEY not in repr(client)
    assert "https://api.instantly.ai" in repr(client)


def test_the_raw_client_repr_never_shows_the_key() -> None:
    assert API_KEY not in repr(Instantly(API_KEY).raw)


def test_the_raw_client_shares_the_facade_http_client() -> None:
    client = Instantly(API_KEY)
    assert client.raw.get_httpx_client() is client.http_client


def test_async_raw_client_shares_the_facade_http_client() -> None:
    client = AsyncInstantly(API_KEY)
    assert client.raw.get_async_httpx_client() is client.http_client


def test_the_raw_client_refuses_the_other_side_and_sends_nothing() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    sync = Instantly(API_KEY, transport=httpx.MockTransport(record))
    with pytest.raises(WrongClientSideError, match=r"Instantly\(\)\.raw: use it with the sync"):
        asyncio.run(get_account.asyncio("ann@example.com", client=sync.raw))
    aio = AsyncInstantly(API_KEY, transport=httpx.MockTransport(record))
    with pytest.raises(
        WrongClientSideError, match=r"AsyncInstantly\(\)\.raw: use it with the async"
    ):
        get_account.sync("ann@example.com", client=aio.raw)
    assert sent == []


def test_http_client_and_transport_together_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="not both"):
        Instantly(API_KEY, http_client=httpx.Client(), transport=httpx.MockTransport(print))


@pytest.mark.parametrize("value", [-1, 1.5, True, "2"])
def test_a_bad_max_retries_is_refused(value: object) -> None:
    with pytest.raises(InvalidInputError, match="max_retries"):
        Instantly(API_KEY, max_retries=value)  # type: ignore[arg-type]


def test_a_bad_rate_limit_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="rate_limit"):
        Instantly(API_KEY, rate_limit=100)  # type: ignore[arg-type]


def test_rate_limit_none_disables_the_limiter() -> None:
    assert "rate_limit=off" in repr(Instantly(API_KEY, rate_limit=None))


def test_a_limiter_instance_can_be_shared_by_two_clients() -> None:
    limiter = RateLimiter(RateLimit(per_second=10))
    a, b = Instantly(API_KEY, rate_limit=limiter), Instantly(API_KEY, rate_limit=limiter)
    assert a._config.limiter is b._config.limiter is limiter


def test_the_context_manager_closes_the_http_client() -> None:
    with Instantly(API_KEY) as client:
        pass
    assert client.http_client.is_closed


def test_closing_leaves_a_given_http_client_open() -> None:
    given = httpx.Client()
    Instantly(API_KEY, http_client=given).close()
    assert not given.is_closed
    given.close()


async def test_async_context_manager_closes_the_http_client() -> None:
    async with AsyncInstantly(API_KEY) as client:
        pass
    assert client.http_client.is_closed
