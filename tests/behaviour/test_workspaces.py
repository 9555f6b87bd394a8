"""Agency workspaces end to end against `FakeAgency`: bound clients, budgets, the fan-out, the CLI.

One agency key, sub-workspaces `ws-1`, `ws-2`, ... selected by the `x-as-workspace` header; the
fake refuses a workspace outside the group with 403. Each workspace's fake records what it got.
"""

from __future__ import annotations

import io
import logging
import pickle
from pathlib import Path

import pytest
from instantly import (
    AsyncInstantly,
    ClientClosedError,
    Instantly,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimiter,
    SharedRateLimiter,
    WorkspaceCallError,
)
from instantly._cli._app import run
from instantly.testing import FakeAgency, FakeClock

KEY = "agency-key-do-not-log"


@pytest.fixture
def agency() -> FakeAgency:
    agency = FakeAgency(workspaces=3, api_key=KEY, rate_limit=None)
    agency.workspace("ws-1").seed_accounts(2)
    agency.workspace("ws-2").seed_accounts(1)
    agency.add_workspace("ws-invited", status="pending")
    return agency


def test_a_bound_client_sends_the_workspace_header_on_every_request(agency: FakeAgency) -> None:
    with Instantly(KEY, transport=agency.transport()) as client:
        bound = client.for_workspace("ws-1")
        emails = [account.email for account in bound.accounts.list()]
        bound.accounts.get(emails[0])
    assert len(emails) == 2
    assert [r.path for r in agency.workspace("ws-1").requests][-1].endswith(emails[0])
    assert agency.admin.requests == [] and agency.workspace("ws-2").requests == []


def test_a_workspace_outside_the_group_is_refused_with_a_typed_error(agency: FakeAgency) -> None:
    with Instantly(KEY, transport=agency.transport()) as client:
        for workspace in ("ws-unknown", "ws-invited"):
            with pytest.raises(PermissionDeniedError, match="access to this workspace"):
                list(client.for_workspace(workspace).accounts.list())


@pytest.mark.parametrize("bad", ["", "a b", "line\nbreak", "é", "x" * 201, 7, None])
def test_a_bad_workspace_id_is_refused_before_anything_is_sent(
    agency: FakeAgency, bad: object
) -> None:
    client = Instantly(KEY, transport=agency.transport())
    with client, pytest.raises(InvalidInputError, match="workspace_id"):
        client.for_workspace(bad)  # type: ignore[arg-type]
    assert agency.admin.requests == []


def test_closing_a_bound_client_leaves_its_parent_open(agency: FakeAgency) -> None:
    with Instantly(KEY, transport=agency.transport()) as client:
        with client.for_workspace("ws-1") as bound:
            list(bound.accounts.list())
        assert len(list(client.for_workspace("ws-2").accounts.list())) == 1


def test_a_bound_client_of_a_closed_parent_refuses_to_send(agency: FakeAgency) -> None:
    client = Instantly(KEY, transport=agency.transport())
    bound = client.for_workspace("ws-1")
    client.close()
    with pytest.raises(ClientClosedError):
        list(bound.accounts.list())


def test_each_workspace_has_one_budget_however_many_bound_clients() -> None:
    with Instantly(KEY) as client:
        first, again, other = (client.for_workspace(w) for w in ("ws-1", "ws-1", "ws-2"))
        limiters = [c._config.limiter for c in (client, first, again, other)]
    assert limiters[1] is limiters[2]
    assert len({id(limiter) for limiter in (limiters[0], limiters[1], limiters[3])}) == 3
    assert limiters[1].limit == limiters[0].limit  # type: ignore[union-attr]


def test_a_shared_limiter_is_keyed_by_the_workspace(tmp_path: Path) -> None:
    shared = RateLimiter.shared(f"sqlite:///{tmp_path / 'limits.db'}")
    assert isinstance(shared, SharedRateLimiter)
    try:
        with Instantly(KEY, rate_limit=shared) as client:
            bound = client.for_workspace("ws-1")._config.limiter
        assert isinstance(bound, SharedRateLimiter)
        assert (bound.key, bound.store) == ("ws-1", shared.store)
    finally:
        shared.close()


def test_two_workspaces_driven_at_once_each_get_their_own_per_second_budget() -> None:
    clock = FakeClock()
    agency = FakeAgency(workspaces=2, clock=clock)  # the server's own 100/s, per workspace
    client = Instantly(KEY, transport=agency.transport(sleep=clock.sleep), clock=clock,
                       sleep=clock.sleep)  # fmt: skip
    with client:
        one, two = client.for_workspace("ws-1"), client.for_workspace("ws-2")
        for _ in range(150):  # interleaved: 300 requests, 150 per workspace
            one.http_client.get("/api/v2/accounts")
            two.http_client.get("/api/v2/accounts")
    for workspace in ("ws-1", "ws-2"):
        times = [r.time for r in agency.workspace(workspace).requests]
        assert len(times) == 150 and all(
            r.status == 200 for r in agency.workspace(workspace).requests
        )
        assert sum(t < 1.0 for t in times) == 100  # a whole 100 in the first second, each
        assert all(b - a >= 1.0 for a, b in zip(times, times[100:], strict=False))


def test_the_fan_out_returns_each_workspace_s_value_or_typed_error(agency: FakeAgency) -> None:
    def first_email(client: Instantly) -> str:
        accounts = list(client.accounts.list())
        if not accounts:
            client.accounts.get("nobody@example.com")  # NotFoundError
        return accounts[0].email

    with Instantly(KEY, transport=agency.transport()) as client:
        results = client.for_each_workspace(first_email, concurrency=2)
    assert [(r.workspace_id, r.name, r.ok) for r in results] == [
        ("ws-1", "Client 1", True), ("ws-2", "Client 2", True), ("ws-3", "Client 3", False),
    ]  # fmt: skip
    assert results[0].value == "sender001@example.com"
    assert isinstance(results[2].error, NotFoundError)


def test_the_fan_out_reports_an_exception_of_the_function_as_a_workspace_call_error(
    agency: FakeAgency,
) -> None:
    def broken(client: Instantly) -> None:
        raise KeyError("missing")

    with Instantly(KEY, transport=agency.transport()) as client:
        results = client.for_each_workspace(broken)
    errors = [r.error for r in results]
    assert all(isinstance(e, WorkspaceCallError) for e in errors)
    again = pickle.loads(pickle.dumps(errors[0]))
    assert (again.workspace_id, again.error_type) == ("ws-1", "KeyError")


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_the_fan_out_refuses_a_bad_concurrency(agency: FakeAgency, bad: object) -> None:
    client = Instantly(KEY, transport=agency.transport())
    with client, pytest.raises(InvalidInputError, match="concurrency"):
        client.for_each_workspace(lambda c: None, concurrency=bad)  # type: ignore[arg-type]


async def test_the_async_fan_out_awaits_each_workspace(agency: FakeAgency) -> None:
    async def count(client: AsyncInstantly) -> int:
        return len([a async for a in client.accounts.list()])

    async with AsyncInstantly(KEY, transport=agency.transport()) as client:
        results = await client.for_each_workspace(count, concurrency=2)
        assert [r.value for r in results] == [2, 1, 0]
        with pytest.raises(PermissionDeniedError):
            await client.for_workspace("ws-invited").accounts.get("a@example.com")


def test_neither_the_key_nor_the_workspace_header_reaches_the_logs(agency: FakeAgency) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    loggers = [logging.getLogger(name) for name in ("instantly", "httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        with Instantly(KEY, transport=agency.transport()) as client:
            client.for_each_workspace(lambda c: list(c.accounts.list()))
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    assert KEY not in stream.getvalue()
    assert "x-as-workspace" not in stream.getvalue().lower()


def test_the_cli_acts_in_the_workspace_given_by_the_global_option(agency: FakeAgency) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(
        ["--workspace", "ws-2", "--json", "accounts", "list"],
        stdout=stdout, stderr=stderr,
        environ={"INSTANTLY_API_KEY": KEY, "INSTANTLY_BASE_URL": "https://api.instantly.ai"},
        transport=agency.transport(),
    )  # fmt: skip
    assert code == 0, stderr.getvalue()
    assert "sender001@example.com" in stdout.getvalue()
    assert agency.workspace("ws-2").requests and agency.admin.requests == []


def test_the_cli_refuses_a_workspace_outside_the_group(agency: FakeAgency) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(
        ["--workspace", "ws-unknown", "accounts", "list"],
        stdout=stdout, stderr=stderr,
        environ={"INSTANTLY_API_KEY": KEY, "INSTANTLY_BASE_URL": "https://api.instantly.ai"},
        transport=agency.transport(),
    )  # fmt: skip
    assert code == 1 and "access to this workspace" in stderr.getvalue()
