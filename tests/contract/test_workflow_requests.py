"""Contract tests: the workflow helpers' requests, sent to the static Prism (pinned spec).

Prism runs with `--errors`: a request that breaks the spec is answered 422 (and would raise
here); every response is also checked for an empty `sl-violations` header. The static Prism
answers with the spec's examples, so these also prove the helpers read the examples: the lead
import, a reply in its thread with the thread marked read, a verification started, and
analytics as rows. The spec's Campaign example breaks its own schema, so the static Prism cannot
answer a campaign create (a 500 listing response-side violations, recorded as a spec defect):
the whole launch (create, leads, preflight reads, activate, preflight again) runs on the dynamic
Prism, which also rejects invalid requests.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import httpx
import pytest
from instantly import (
    AsyncInstantly,
    CampaignLaunch,
    CampaignLaunchError,
    Instantly,
    InternalServerError,
    LeadImportResult,
    write_rows_csv,
)
from instantly._helpers._lead_import import chunk_size

from tests.contract._prism import SPEC_DEFECTS, response_side_violations

_VIOLATIONS = "sl-violations"
ID = "0199f5c4-0000-7000-8000-000000000001"
SENDERS = ["sender001@example.com", "sender002@example.com"]
# The address of the spec's EmailVerification example: Prism answers every verification with it,
# and `verify` rightly refuses a result about another address.
EXAMPLE_ADDRESS = "example@example.com"
SCHEDULE = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}
SEQUENCES = [
    {"steps": [{"type": "email", "delay": 1, "variants": [{"subject": "Hi", "body": "Hello"}]}]}
]


class _Recorder(httpx.BaseTransport):
    """Sends over real HTTP and keeps every (request, response) pair for inspection."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self._inner.close()

    def routes(self) -> list[str]:
        return [f"{request.method} {request.url.path}" for request, _ in self.exchanges]


def _assert_clean(exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    """Every exchange answered 2xx with no validation violation."""
    assert exchanges
    for request, response in exchanges:
        where = f"{request.method} {request.url.path}"
        assert 200 <= response.status_code < 300, f"{where} -> {response.status_code}"
        assert not response.headers.get(_VIOLATIONS), f"{where}: {response.headers[_VIOLATIONS]}"


@pytest.fixture
def recorder() -> _Recorder:
    return _Recorder()


@pytest.fixture
def client(prism_url: str, recorder: _Recorder) -> Iterator[Instantly]:
    """A client on the static Prism, without retries (a retry would hide a violation)."""
    with Instantly("contract-test-key", base_url=prism_url, transport=recorder, max_retries=0) as c:
        yield c


def test_add_many_sends_valid_chunks_with_every_flag(
    client: Instantly, recorder: _Recorder
) -> None:
    size = chunk_size()
    assert size is not None
    leads = [
        {"email": f"lead{i:05d}@example.com", "first_name": "Ada", "custom_variables": {"n": i}}
        for i in range(size + 1)
    ]
    result = client.leads.add_many(
        leads,
        campaign_id=ID,
        skip_if_in_workspace=True,
        skip_if_in_campaign=False,
        skip_if_in_list=True,
        verify_leads_on_import=False,
        blocklist_id=ID,
        assigned_to=ID,
    )
    assert isinstance(result, LeadImportResult) and result.requests == 2
    assert recorder.routes() == ["POST /api/v2/leads/add"] * 2
    _assert_clean(recorder.exchanges)


def test_add_many_into_a_list_with_a_nameless_email_lead_is_valid(
    client: Instantly, recorder: _Recorder
) -> None:
    client.leads.add_many(["ada@example.com", {"first_name": "Grace"}], list_id=ID)
    assert recorder.exchanges[0][0].read().count(b'"list_id"') == 1
    _assert_clean(recorder.exchanges)


def test_launch_stops_at_the_create_prism_cannot_answer_from_the_spec_example(
    client: Instantly, recorder: _Recorder, pytestconfig: pytest.Config
) -> None:
    # The spec's Campaign example breaks its own schema (campaign_schedule dates carry a time),
    # so the static Prism answers the valid create with 500 #VIOLATIONS on the response side.
    # The same-named campaigns, read before the create to settle a lost answer, are answered
    # 500 too (the same example): the create's 500 cannot be settled, so it is in doubt.
    with pytest.raises(CampaignLaunchError) as raised:
        _launch(client)
    assert raised.value.in_doubt and isinstance(raised.value.error, InternalServerError)
    routes = [f"{request.method} {request.url.path}" for request, _ in recorder.exchanges]
    assert routes == ["GET /api/v2/campaigns", "POST /api/v2/campaigns"]
    _request, response = recorder.exchanges[1]
    broken = response_side_violations(response.status_code, response.content)
    assert broken, "a 500 that is not a response-side spec defect: the request was refused"
    pytestconfig.stash.setdefault(SPEC_DEFECTS, []).append(
        f"createCampaign (static): {'; '.join(broken)}"
    )


class _HealthyPreflight(httpx.BaseTransport):
    """Sends every request to Prism (which validates it) and records it; the answers of the
    preflight reads are made healthy (account status 1, sending status "healthy", the campaign's
    sending accounts real addresses), so a launch against random bodies reaches activation."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        path = request.url.path
        if response.status_code != 200 or request.method != "GET":
            return response
        body = response.json()
        if path.startswith("/api/v2/accounts/"):
            body["status"] = 1
        elif path.endswith("/sending-status"):
            body["diagnostics"] = {"status": "healthy"}
        elif path.startswith("/api/v2/campaigns/"):
            body["email_list"] = SENDERS  # random strings are no addresses to read
        elif path == "/api/v2/campaigns":
            body.pop("next_starting_after", None)  # one page of same-named campaigns, not endless
        else:
            return response
        return httpx.Response(200, json=body, request=request)

    def close(self) -> None:
        self._inner.close()


def _launch(client: Instantly) -> CampaignLaunch:
    return client.campaigns.launch(
        "Spring",
        sequences=SEQUENCES,
        campaign_schedule=SCHEDULE,
        email_list=SENDERS,
        leads=["ada@example.com", {"email": "grace@example.com", "first_name": "Grace"}],
        skip_if_in_workspace=True,
        settings={"daily_limit": 50, "stop_on_reply": True},
    )


def test_launch_sends_valid_create_leads_preflight_and_activate_requests(
    prism_dynamic_url: str,
) -> None:
    transport = _HealthyPreflight()
    with Instantly(
        "contract-test-key", base_url=prism_dynamic_url, transport=transport, max_retries=0
    ) as client:
        launched = _launch(client)
        problems = client.campaigns.preflight(str(launched.campaign.id))
    assert isinstance(launched, CampaignLaunch)
    assert launched.sending_status == "healthy"
    assert isinstance(problems, list)
    created = str(transport.exchanges[1][1].json()["id"])
    routes = [f"{request.method} {request.url.path}" for request, _ in transport.exchanges]
    accounts = [f"GET /api/v2/accounts/{email}" for email in SENDERS]
    assert routes[:8] == [
        "GET /api/v2/campaigns",
        "POST /api/v2/campaigns",
        "POST /api/v2/leads/add",
        *accounts,
        f"GET /api/v2/campaigns/{created}/sending-status",
        f"POST /api/v2/campaigns/{created}/activate",
        f"GET /api/v2/campaigns/{launched.campaign.id}",
    ]
    _assert_clean(transport.exchanges)


def test_reply_in_thread_sends_a_valid_reply_and_marks_the_thread_read(
    client: Instantly, recorder: _Recorder
) -> None:
    email = client.emails.get(ID)
    recorder.exchanges.clear()
    client.emails.reply_in_thread(email, text="Thanks!", html="<p>Thanks!</p>")
    thread = recorder.exchanges[0][0]
    assert recorder.routes() == [
        "POST /api/v2/emails/reply",
        f"POST /api/v2/emails/threads/{email.thread_id}/mark-as-read",
    ]
    assert b'"reply_to_uuid"' in thread.read()
    _assert_clean(recorder.exchanges)


def test_verify_without_waiting_sends_a_valid_start(client: Instantly, recorder: _Recorder) -> None:
    verification = client.email_verification.verify(EXAMPLE_ADDRESS, wait=False)
    assert verification.verification_status
    assert recorder.routes() == ["POST /api/v2/email-verification"]
    _assert_clean(recorder.exchanges)


@pytest.mark.parametrize("kind", ["overview", "daily", "steps"])
def test_analytics_rows_send_valid_requests_per_campaign(
    client: Instantly, recorder: _Recorder, kind: str
) -> None:
    rows = client.campaigns.analytics_rows(
        kind, campaign_ids=[ID, ID], start_date="2026-05-01", end_date="2026-05-07"
    )
    assert len(recorder.exchanges) == 2
    assert rows and all(row["campaign_id"] == ID for row in rows)
    assert write_rows_csv(rows, io.StringIO()) == len(rows)
    _assert_clean(recorder.exchanges)


def test_account_daily_rows_send_a_valid_request(client: Instantly, recorder: _Recorder) -> None:
    rows = client.accounts.daily_analytics_rows(
        SENDERS, start_date="2026-05-01", end_date="2026-05-07"
    )
    assert isinstance(rows, list)
    assert recorder.routes() == ["GET /api/v2/accounts/analytics/daily"]
    _assert_clean(recorder.exchanges)


def test_async_workflow_helpers_send_valid_requests(prism_url: str) -> None:
    exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    class _AsyncRecorder(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self._inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            exchanges.append((request, response))
            return response

        async def aclose(self) -> None:
            await self._inner.aclose()

    async def run() -> None:
        async with AsyncInstantly(
            "contract-test-key", base_url=prism_url, transport=_AsyncRecorder(), max_retries=0
        ) as client:
            await client.leads.add_many(["ada@example.com"], campaign_id=ID)
            await client.email_verification.verify(EXAMPLE_ADDRESS, wait=False)
            await client.campaigns.analytics_rows("daily", campaign_ids=[ID])

    asyncio.run(run())
    assert len(exchanges) == 3
    _assert_clean(exchanges)
