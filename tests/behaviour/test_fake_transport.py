"""The in-process transport: one fake behind sync and async httpx clients, from several threads."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
from instantly.testing import FakeInstantly, FakeTransport


def test_transport_is_a_sync_and_async_httpx_transport(fake: FakeInstantly) -> None:
    transport = fake.transport()
    assert isinstance(transport, httpx.BaseTransport)
    assert isinstance(transport, httpx.AsyncBaseTransport)
    assert isinstance(transport, FakeTransport)


async def test_async_client_sees_the_same_state_as_the_sync_client(
    fake: FakeInstantly, client: httpx.Client, aclient: httpx.AsyncClient
) -> None:
    client.post("/api/v2/accounts/sender004@example.com/pause")
    response = await aclient.get("/api/v2/accounts/sender004@example.com")
    assert response.json()["status"] == 2


async def test_concurrent_async_requests_are_all_answered(
    fake: FakeInstantly, aclient: httpx.AsyncClient
) -> None:
    responses = await asyncio.gather(*(aclient.get("/api/v2/accounts") for _ in range(50)))
    assert {r.status_code for r in responses} == {200}


def test_many_threads_share_one_fake_safely(fake: FakeInstantly, client: httpx.Client) -> None:
    emails = fake.seed_accounts(40, prefix="thread")

    def pause(email: str) -> int:
        return client.post(f"/api/v2/accounts/{email}/pause").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(pause, emails))
    assert codes == [200] * 40
    assert sorted(r.seq for r in fake.requests) == list(range(1, 41))
    assert {fake.account(e)["status"] for e in emails} == {2}


def test_request_body_sent_as_a_stream_is_read(client: httpx.Client) -> None:
    def chunks() -> object:
        yield b'{"emails": '
        yield b'["sender001@example.com"]}'

    response = client.post(
        "/api/v2/accounts/pause",
        content=chunks(),  # type: ignore[arg-type]
        headers={"content-type": "application/json"},
    )
    assert response.json()["paused_emails"] == ["sender001@example.com"]
