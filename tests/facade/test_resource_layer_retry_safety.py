"""Retry safety per operation, applied in the transport: every way of sending gets it.

`DELETE /api/v2/leads` (bulk delete with a `limit`) answered 503 may already have deleted a batch;
a repeat could delete another, so it is sent once whether it goes through the resource method,
the generated function on `client.raw`, or the client's own httpx client. A read answered 503 is
repeated. Both clients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _facade_helpers import API_KEY, FakeTime, error_body, json_response
from instantly import AsyncInstantly, Instantly, InternalServerError
from instantly_api.api.lead import bulk_delete_leads, get_lead
from instantly_api.models.bulk_delete_leads_body import BulkDeleteLeadsBody

LEAD_ID = "f9cc070d-8dba-4341-b847-f083c358e460"


def _lead_example() -> dict[str, Any]:
    """A Lead built from the spec's schema and examples (what GET /api/v2/leads/{id} answers)."""
    from tests.contract._operations import _resolve, example_value
    from tests.contract._resource_calls import _raw_operation, pinned_spec_document

    document = pinned_spec_document()
    response = _resolve(document, _raw_operation("getLead")["responses"]["200"])
    example: dict[str, Any] = example_value(
        document, response["content"]["application/json"]["schema"]
    )
    return example


LEAD = _lead_example()
BULK_DELETE: dict[str, Any] = {"list_id": LEAD_ID, "limit": 100}


class Unavailable:
    """Answers 503 to everything (then, for reads, the lead) and records what arrived."""

    def __init__(self, *, then_lead: bool = False) -> None:
        self.requests: list[httpx.Request] = []
        self.then_lead = then_lead

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        request.read()
        if self.then_lead and len(self.requests) > 1:
            return json_response(200, LEAD)
        return json_response(503, error_body(503, "Service Unavailable", "try again"))

    def routes(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def _sync(server: Unavailable, fake_time: FakeTime) -> Instantly:
    return Instantly(
        API_KEY,
        transport=httpx.MockTransport(server),
        max_retries=3,
        rate_limit=None,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        rng=lambda: 0.5,
    )


def _async(server: Unavailable, fake_time: FakeTime) -> AsyncInstantly:
    return AsyncInstantly(
        API_KEY,
        transport=httpx.MockTransport(server),
        max_retries=3,
        rate_limit=None,
        clock=fake_time.clock,
        sleep=fake_time.async_sleep,
        rng=lambda: 0.5,
    )


def _sent_once(server: Unavailable) -> None:
    assert server.routes() == ["DELETE /api/v2/leads"], server.routes()


# --- DELETE /api/v2/leads answered 503: sent once, whatever the path -------------------------


def test_bulk_delete_through_the_resource_method_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    with _sync(server, fake_time) as client, pytest.raises(InternalServerError):
        client.leads.bulk_delete(**BULK_DELETE)
    _sent_once(server)
    assert fake_time.sleeps == []


def test_bulk_delete_through_the_generated_function_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    with _sync(server, fake_time) as client:
        response = bulk_delete_leads.sync_detailed(
            client=client.raw, body=BulkDeleteLeadsBody.from_dict(BULK_DELETE)
        )
    assert response.status_code == 503
    _sent_once(server)


def test_bulk_delete_through_the_clients_httpx_client_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    with _sync(server, fake_time) as client:
        response = client.http_client.request("DELETE", "/api/v2/leads", json=BULK_DELETE)
    assert response.status_code == 503
    _sent_once(server)


async def test_async_bulk_delete_through_the_resource_method_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    async with _async(server, fake_time) as client:
        with pytest.raises(InternalServerError):
            await client.leads.bulk_delete(**BULK_DELETE)
    _sent_once(server)


async def test_async_bulk_delete_through_the_generated_function_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    async with _async(server, fake_time) as client:
        response = await bulk_delete_leads.asyncio_detailed(
            client=client.raw, body=BulkDeleteLeadsBody.from_dict(BULK_DELETE)
        )
    assert response.status_code == 503
    _sent_once(server)


async def test_async_bulk_delete_through_the_clients_httpx_client_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    async with _async(server, fake_time) as client:
        response = await client.http_client.request("DELETE", "/api/v2/leads", json=BULK_DELETE)
    assert response.status_code == 503
    _sent_once(server)


def test_bulk_delete_with_per_call_max_retries_is_still_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    with _sync(server, fake_time) as client, pytest.raises(InternalServerError):
        client.leads.bulk_delete(**BULK_DELETE, max_retries=5)
    _sent_once(server)


def test_bulk_delete_spelled_with_a_trailing_slash_is_sent_once_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable()
    with _sync(server, fake_time) as client:
        client.http_client.request("DELETE", "/api/v2/leads/", json=BULK_DELETE)
    assert len(server.requests) == 1, server.routes()


# --- GET answered 503: repeated -----------------------------------------------------------------


Sender = Callable[[Instantly], Any]


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda c: c.leads.get(LEAD_ID), id="resource-method"),
        pytest.param(
            lambda c: get_lead.sync_detailed(LEAD_ID, client=c.raw), id="generated-function"
        ),
        pytest.param(
            lambda c: c.http_client.request("GET", f"/api/v2/leads/{LEAD_ID}"), id="httpx-client"
        ),
    ],
)
def test_get_lead_answered_503_is_repeated(send: Sender, fake_time: FakeTime) -> None:
    server = Unavailable(then_lead=True)
    with _sync(server, fake_time) as client:
        send(client)
    assert server.routes() == [f"GET /api/v2/leads/{LEAD_ID}"] * 2
    assert len(fake_time.sleeps) == 1


async def test_async_get_lead_answered_503_is_repeated(fake_time: FakeTime) -> None:
    server = Unavailable(then_lead=True)
    async with _async(server, fake_time) as client:
        lead = await client.leads.get(LEAD_ID)
    assert lead.id == LEAD_ID
    assert server.routes() == [f"GET /api/v2/leads/{LEAD_ID}"] * 2


async def test_async_get_lead_through_the_generated_function_is_repeated_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable(then_lead=True)
    async with _async(server, fake_time) as client:
        response = await get_lead.asyncio_detailed(LEAD_ID, client=client.raw)
    assert response.status_code == 200
    assert len(server.requests) == 2


async def test_async_get_lead_through_the_httpx_client_is_repeated_on_503(
    fake_time: FakeTime,
) -> None:
    server = Unavailable(then_lead=True)
    async with _async(server, fake_time) as client:
        response = await client.http_client.request("GET", f"/api/v2/leads/{LEAD_ID}")
    assert response.status_code == 200
    assert len(server.requests) == 2
