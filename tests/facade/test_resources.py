"""The resources end to end over a mock transport: requests sent, models returned, errors raised."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx
import pytest
from _facade_helpers import ACCOUNT, API_KEY, FakeTime, Script, error_body, json_response
from instantly import (
    APIConnectionError,
    APITimeoutError,
    AsyncInstantly,
    Instantly,
    InvalidEmailError,
    InvalidInputError,
    NotFoundError,
    RateLimitError,
    UnexpectedStateError,
)
from instantly_api.api.account import get_account
from instantly_api.models.account import Account
from instantly_api.models.background_job import BackgroundJob
from instantly_api.models.lead_list import LeadList
from instantly_api.types import UNSET

JOB: dict[str, Any] = {
    "id": "job-1",
    "workspace_id": "ws-1",
    "type": "update-warmup-accounts",
    "progress": 0,
    "status": "pending",
    "created_at": "2026-08-21T09:30:00.000Z",
    "updated_at": "2026-08-21T09:30:00.000Z",
}
LEAD_LIST: dict[str, Any] = {
    "id": "ll-1",
    "organization_id": "org-1",
    "name": "My list",
    "timestamp_created": "2026-08-21T09:30:00.000Z",
}


def _client(script: Script, fake_time: FakeTime, **kwargs: Any) -> Instantly:
    return Instantly(
        API_KEY,
        transport=httpx.MockTransport(script),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        rng=lambda: 0.5,
        **kwargs,
    )


def _async_client(script: Script, fake_time: FakeTime) -> AsyncInstantly:
    return AsyncInstantly(
        API_KEY,
        transport=httpx.MockTransport(script),
        clock=fake_time.clock,
        sleep=fake_time.async_sleep,
        rng=lambda: 0.5,
    )


def _not_found() -> httpx.Response:
    return json_response(404, error_body(404, "Not Found", "Account not found"))


def _page(items: list[dict[str, Any]], cursor: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"items": items}
    if cursor is not None:
        body["next_starting_after"] = cursor
    return json_response(200, body)


# --- accounts.get ---------------------------------------------------------------------------


def test_get_account_returns_the_generated_model(fake_time: FakeTime) -> None:
    account = _client(Script(json_response(200, ACCOUNT)), fake_time).accounts.get("jon@doe.com")
    assert isinstance(account, Account)
    assert account.email == "jon@doe.com"


def test_get_account_sends_one_quoted_path_segment_with_the_bearer_key(
    fake_time: FakeTime,
) -> None:
    script = Script(json_response(200, ACCOUNT))
    _client(script, fake_time).accounts.get("jon+x@doe.com")
    request = script.requests[0]
    assert request.method == "GET"
    assert request.url.raw_path == b"/api/v2/accounts/jon%2Bx%40doe.com"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize("email", ["", ".", "..", "a/b@c.com", "no-at-sign"])
def test_get_account_refuses_an_address_that_is_not_one_path_segment_without_sending(
    fake_time: FakeTime, email: str
) -> None:
    script = Script()
    with pytest.raises(InvalidEmailError):
        _client(script, fake_time).accounts.get(email)
    assert script.count == 0


def test_get_account_404_raises_not_found_with_the_server_message(fake_time: FakeTime) -> None:
    with pytest.raises(
        NotFoundError, match=re.escape("404 GET /api/v2/accounts/jon@doe.com: Account not")
    ):
        _client(Script(_not_found()), fake_time).accounts.get("jon@doe.com")


def test_the_key_never_appears_in_an_error_its_repr_or_the_logs(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(NotFoundError) as info:
        _client(Script(_not_found()), fake_time).accounts.get("jon@doe.com")
    rendered = [str(info.value), repr(info.value), repr(info.value.__dict__), caplog.text]
    assert all(API_KEY not in text for text in rendered)


def test_a_429_after_the_retries_raises_rate_limit_error_with_retry_after(
    fake_time: FakeTime,
) -> None:
    limited = json_response(429, error_body(429, "Too Many Requests", "slow"), {"retry-after": "2"})
    client = _client(Script(limited, limited, limited), fake_time)
    with pytest.raises(RateLimitError) as info:
        client.accounts.get("jon@doe.com")
    assert info.value.retry_after == 2.0
    assert fake_time.sleeps == [2.0, 2.0]


def test_a_get_retried_after_a_503_returns_the_account(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, ACCOUNT))
    assert _client(script, fake_time).accounts.get("jon@doe.com").email == "jon@doe.com"
    assert script.count == 2


def test_per_call_max_retries_zero_disables_retries(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, ACCOUNT))
    with pytest.raises(Exception, match="503"):
        _client(script, fake_time).accounts.get("jon@doe.com", max_retries=0)
    assert script.count == 1


def test_an_unknown_per_call_option_is_refused(fake_time: FakeTime) -> None:
    with pytest.raises(InvalidInputError, match="unknown option"):
        _client(Script(), fake_time).accounts.get("jon@doe.com", retries=1)  # type: ignore[call-arg]


def test_a_per_call_timeout_reaches_the_request(fake_time: FakeTime) -> None:
    script = Script(json_response(200, ACCOUNT))
    _client(script, fake_time).accounts.get("jon@doe.com", timeout=1.5)
    assert script.requests[0].extensions["timeout"]["read"] == 1.5


def test_a_connection_failure_raises_api_connection_error(fake_time: FakeTime) -> None:
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(APIConnectionError, match="ConnectError: refused"):
        _client(script, fake_time).accounts.get("jon@doe.com")


def test_a_timeout_raises_api_timeout_error(fake_time: FakeTime) -> None:
    script = Script(*(httpx.ReadTimeout("slow") for _ in range(3)))
    with pytest.raises(APITimeoutError):
        _client(script, fake_time).accounts.get("jon@doe.com")


def test_a_2xx_missing_required_fields_is_returned_with_them_unset(fake_time: FakeTime) -> None:
    script = Script(json_response(200, {"email": "jon@doe.com"}))
    client = _client(script, fake_time)
    account = client.accounts.get("jon@doe.com")
    assert (account.email, account.first_name) == ("jon@doe.com", UNSET)
    assert ("Account.first_name", "missing") in [(d.path, d.kind) for d in client.deviations]


def test_a_2xx_with_a_bad_timestamp_keeps_it_as_sent(fake_time: FakeTime) -> None:
    script = Script(json_response(200, {**ACCOUNT, "timestamp_created": "yesterday-ish"}))
    client = _client(script, fake_time)
    assert client.accounts.get("jon@doe.com").timestamp_created == "yesterday-ish"
    assert [(d.path, d.kind) for d in client.deviations] == [
        ("Account.timestamp_created", "format")
    ]


# --- lists ----------------------------------------------------------------------------------


def test_accounts_list_iterates_across_pages_with_the_cursor(fake_time: FakeTime) -> None:
    other = {**ACCOUNT, "email": "ann@doe.com"}
    script = Script(_page([ACCOUNT], "c1"), _page([other], "c2"), _page([]))
    emails = [a.email for a in _client(script, fake_time).accounts.list(status=1)]
    assert emails == ["jon@doe.com", "ann@doe.com"]
    params = [dict(r.url.params) for r in script.requests]
    assert params == [
        {"limit": "100", "status": "1"},
        {"limit": "100", "starting_after": "c1", "status": "1"},
        {"limit": "100", "starting_after": "c2", "status": "1"},
    ]


def test_accounts_list_sends_the_filters_as_the_spec_names_them(fake_time: FakeTime) -> None:
    script = Script(_page([]))
    accounts = _client(script, fake_time).accounts.list(
        search="doe.com", filter="ACC_FILTER_PAUSED", tag_ids=["t1", "t2"], limit=10
    )
    list(accounts)
    assert dict(script.requests[0].url.params) == {
        "limit": "10", "search": "doe.com", "filter": "ACC_FILTER_PAUSED", "tag_ids": "t1,t2"
    }  # fmt: skip


@pytest.mark.parametrize("limit", [0, 101, "10"])
def test_a_page_size_outside_the_spec_is_refused_at_the_call(
    fake_time: FakeTime, limit: object
) -> None:
    with pytest.raises(InvalidInputError, match=r"limit=.* is not accepted"):
        _client(Script(), fake_time).accounts.list(limit=limit)  # type: ignore[arg-type]


def test_a_repeated_cursor_from_the_api_raises(fake_time: FakeTime) -> None:
    script = Script(_page([ACCOUNT], "c1"), _page([ACCOUNT], "c1"))
    with pytest.raises(UnexpectedStateError, match="'c1' a second time"):
        list(_client(script, fake_time).accounts.list())


def test_lead_lists_list_returns_lead_list_models(fake_time: FakeTime) -> None:
    items = list(_client(Script(_page([LEAD_LIST])), fake_time).lead_lists.list(search="My"))
    assert [type(i) for i in items] == [LeadList]


def test_campaigns_list_pages_are_reachable(fake_time: FakeTime) -> None:
    pages = list(_client(Script(_page([], "c9")), fake_time).campaigns.list().iter_pages())
    assert [(list(p.items), p.next_starting_after) for p in pages] == [([], "c9")]


def test_jobs_list_and_get_return_background_jobs(fake_time: FakeTime) -> None:
    script = Script(_page([JOB]), json_response(200, JOB))
    client = _client(script, fake_time)
    assert [j.id for j in client.jobs.list(status="pending")] == ["job-1"]
    job = client.jobs.get("job-1")
    assert isinstance(job, BackgroundJob)
    assert script.requests[1].url.path == "/api/v2/background-jobs/job-1"


@pytest.mark.parametrize("job_id", ["", ".", ".."])
def test_jobs_get_refuses_an_id_that_would_change_the_path(
    fake_time: FakeTime, job_id: str
) -> None:
    script = Script()
    with pytest.raises(InvalidInputError, match="cannot address a resource"):
        _client(script, fake_time).jobs.get(job_id)
    assert script.count == 0


# --- the generated functions through .raw ---------------------------------------------------


def test_generated_functions_through_raw_get_retries_and_auth(fake_time: FakeTime) -> None:
    script = Script(httpx.Response(503), json_response(200, ACCOUNT))
    client = _client(script, fake_time)
    response = get_account.sync_detailed("jon@doe.com", client=client.raw)
    assert isinstance(response.parsed, Account)
    assert script.count == 2
    assert script.requests[1].headers["authorization"] == f"Bearer {API_KEY}"


def test_a_given_http_client_is_sent_through(fake_time: FakeTime) -> None:
    script = Script(json_response(200, ACCOUNT))
    given = httpx.Client(transport=httpx.MockTransport(script))
    client = Instantly(API_KEY, http_client=given, clock=fake_time.clock, sleep=fake_time.sleep)
    assert client.accounts.get("jon@doe.com").email == "jon@doe.com"
    assert script.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


# --- async mirrors --------------------------------------------------------------------------


async def test_async_get_account_returns_the_generated_model(fake_time: FakeTime) -> None:
    async with _async_client(Script(json_response(200, ACCOUNT)), fake_time) as client:
        account = await client.accounts.get("jon@doe.com")
    assert isinstance(account, Account)


async def test_async_get_account_404_raises_not_found(fake_time: FakeTime) -> None:
    async with _async_client(Script(_not_found()), fake_time) as client:
        with pytest.raises(NotFoundError):
            await client.accounts.get("jon@doe.com")


async def test_async_accounts_list_iterates_across_pages(fake_time: FakeTime) -> None:
    script = Script(_page([ACCOUNT], "c1"), _page([]))
    async with _async_client(script, fake_time) as client:
        emails = [a.email async for a in client.accounts.list()]
    assert emails == ["jon@doe.com"]
    assert script.count == 2


async def test_async_429_is_retried_after_exactly_retry_after(fake_time: FakeTime) -> None:
    limited = json_response(429, error_body(429, "Too Many Requests", "slow"), {"retry-after": "4"})
    script = Script(limited, json_response(200, JOB))
    async with _async_client(script, fake_time) as client:
        await client.jobs.get("job-1")
    assert fake_time.sleeps == [4.0]


async def test_async_lists_of_every_resource(fake_time: FakeTime) -> None:
    script = Script(_page([]), _page([LEAD_LIST]), _page([JOB]))
    async with _async_client(script, fake_time) as client:
        assert [c async for c in client.campaigns.list()] == []
        assert len([x async for x in client.lead_lists.list()]) == 1
        assert len([x async for x in client.jobs.list()]) == 1


async def test_async_connection_failure_raises_api_connection_error(fake_time: FakeTime) -> None:
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    async with _async_client(script, fake_time) as client:
        with pytest.raises(APIConnectionError):
            await client.accounts.get("jon@doe.com")


def test_the_runner_sends_a_whole_body_as_given(fake_time: FakeTime) -> None:
    from instantly._operation import operation
    from instantly._plans import Call

    script = Script(json_response(200, {"paused_emails": ["jon@doe.com"], "failed_emails": []}))
    client = _client(script, fake_time)
    client._runner.send(Call(operation("pauseAccounts"), {"body": {"emails": ["jon@doe.com"]}}))
    assert json.loads(script.requests[0].content) == {"emails": ["jon@doe.com"]}


@pytest.mark.parametrize("job_id", ["..", ".", "", " "])
def test_a_path_parameter_that_would_send_the_request_elsewhere_is_refused(
    fake_time: FakeTime, job_id: str
) -> None:
    from instantly._operation import operation, prepare

    with pytest.raises(InvalidInputError, match="would change the request path"):
        prepare(operation("getBackgroundJob"), {"id": job_id})


def test_the_facade_and_raw_calls_share_one_rate_limit_budget(fake_time: FakeTime) -> None:
    from instantly import RateLimit

    script = Script(*(json_response(200, ACCOUNT) for _ in range(3)))
    budget = RateLimit(per_second=2, per_minute=100, margin=0)
    client = _client(script, fake_time, rate_limit=budget)
    client.accounts.get("jon@doe.com")
    get_account.sync_detailed("jon@doe.com", client=client.raw)
    client.accounts.get("jon@doe.com")
    assert fake_time.sleeps == [1.0]
