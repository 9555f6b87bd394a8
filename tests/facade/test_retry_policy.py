"""The retry table and its pure decisions: what is repeated, after how long, and what is not."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from instantly._retry import (
    RetryPolicy,
    backoff_delay,
    decide_after_error,
    decide_after_response,
    is_safe_to_repeat,
    parse_retry_after,
)

POLICY = RetryPolicy(max_retries=2, initial_delay=0.5, max_delay=8.0, max_retry_after=60.0)


def _after_status(method: str, path: str, status: int, retry_after: float | None = None,
                  retries_done: int = 0) -> tuple[bool, float]:  # fmt: skip
    d = decide_after_response(
        method, path, status, retry_after,
        retries_done=retries_done, max_retries=2, policy=POLICY, rng=lambda: 1.0,
    )  # fmt: skip
    return d.retry, d.delay


def _after_error(method: str, path: str, exc: Exception) -> bool:
    d = decide_after_error(
        method, path, exc, retries_done=0, max_retries=2, policy=POLICY, rng=lambda: 0.5
    )
    return d.retry


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_reads_of_routes_no_operation_matches_are_safe_to_repeat(method: str) -> None:
    assert is_safe_to_repeat(method, "/api/v2/anything")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_of_routes_no_operation_matches_are_not_repeated(method: str) -> None:
    assert not is_safe_to_repeat(method, "/api/v2/a-route-a-newer-spec-added")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v2/accounts/jon%40doe.com/pause"),
        ("POST", "/api/v2/accounts/jon%40doe.com/resume"),
        ("POST", "/api/v2/accounts/pause"),
        ("POST", "/api/v2/accounts/warmup-analytics"),
        ("POST", "/prefix/api/v2/accounts/a%40b.co/pause"),
        ("POST", "/api/v2/leads/list"),
        ("POST", "/api/v2/campaigns/123/pause"),
        ("PATCH", "/api/v2/accounts/a%40b.co"),
        ("PUT", "/api/v2/domains/example.com/forwarding"),
    ],
)
def test_writes_the_reviewed_table_calls_harmless_are_repeated(method: str, path: str) -> None:
    assert is_safe_to_repeat(method, path)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v2/accounts/warmup/disable"),
        ("POST", "/api/v2/accounts/warmup/enable"),
        ("POST", "/api/v2/accounts"),
        ("POST", "/api/v2/accounts/a%40b.co/pause/extra"),
        ("POST", "/api/v2/accounts//pause"),
        ("POST", "/api/v2/leads/move"),
        ("POST", "/api/v2/emails/reply"),
        ("DELETE", "/api/v2/leads"),
        ("DELETE", "/api/v2/block-lists-entries"),
        ("DELETE", "/api/v2/leads/0199f5c4-0000-7000-8000-00000000dead"),
    ],
)
def test_other_writes_are_not_repeated(method: str, path: str) -> None:
    assert not is_safe_to_repeat(method, path)


def test_429_is_retried_for_a_job_creating_post() -> None:
    assert _after_status("POST", "/api/v2/accounts/warmup/disable", 429) == (True, 0.5)


def test_429_waits_exactly_retry_after() -> None:
    assert _after_status("GET", "/api/v2/accounts", 429, retry_after=7.0) == (True, 7.0)


def test_retry_after_longer_than_the_cap_is_not_waited_out() -> None:
    retry, _ = _after_status("GET", "/api/v2/accounts", 429, retry_after=61.0)
    assert not retry


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_maybe_processed_statuses_are_retried_for_a_get(status: int) -> None:
    assert _after_status("GET", "/api/v2/accounts", status)[0]


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_maybe_processed_statuses_are_not_retried_for_warmup_disable(status: int) -> None:
    assert not _after_status("POST", "/api/v2/accounts/warmup/disable", status)[0]


def test_503_is_retried_for_single_account_pause() -> None:
    assert _after_status("POST", "/api/v2/accounts/a%40b.co/pause", 503)[0]


@pytest.mark.parametrize("status", [200, 204, 301, 400, 401, 402, 403, 404, 409, 422, 501, 505])
def test_other_statuses_are_not_retried(status: int) -> None:
    assert not _after_status("GET", "/api/v2/accounts", status)[0]


def test_no_retry_once_max_retries_are_used() -> None:
    assert not _after_status("GET", "/api/v2/accounts", 503, retries_done=2)[0]


def test_connect_error_is_retried_for_a_job_creating_post() -> None:
    assert _after_error("POST", "/api/v2/accounts/warmup/enable", httpx.ConnectError("refused"))


def test_pool_timeout_is_retried_for_a_job_creating_post() -> None:
    assert _after_error("POST", "/api/v2/accounts/warmup/enable", httpx.PoolTimeout("busy"))


@pytest.mark.parametrize(
    "exc",
    [httpx.ReadTimeout("t"), httpx.ReadError("r"), httpx.RemoteProtocolError("dropped"),
     httpx.WriteTimeout("w"), httpx.WriteError("w")],
)  # fmt: skip
def test_error_after_sending_is_not_retried_for_a_job_creating_post(exc: Exception) -> None:
    assert not _after_error("POST", "/api/v2/accounts/warmup/disable", exc)


def test_read_timeout_is_retried_for_a_get() -> None:
    assert _after_error("GET", "/api/v2/accounts", httpx.ReadTimeout("t"))


def test_unsupported_protocol_is_not_retried() -> None:
    assert not _after_error("GET", "/api/v2/accounts", httpx.UnsupportedProtocol("ftp"))


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    ceilings = [backoff_delay(n, POLICY, lambda: 1.0) for n in range(6)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_delay(3, POLICY, lambda: 0.25) == 1.0


def test_retry_after_in_seconds_is_parsed() -> None:
    assert parse_retry_after("12", now=0.0) == 12.0


def test_retry_after_as_http_date_is_relative_to_now() -> None:
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == 30.0


def test_retry_after_in_the_past_is_zero() -> None:
    assert parse_retry_after("-5", now=0.0) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf"])
def test_unparseable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value, now=0.0) is None


def test_policy_rejects_a_negative_max_retries() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
