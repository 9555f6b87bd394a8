"""Workflows against the fake (#15): lead import, campaign launch, replies, verification, analytics.

Every client runs on the fake's manual clock (sleeps advance it, no jitter); the fake's traffic is
checked against the pinned spec at teardown (conftest). "Nothing sent" is asserted on its log.
"""

from __future__ import annotations

import csv
import io
import pickle
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from instantly import (
    AsyncInstantly,
    CampaignLaunchError,
    CampaignPreflightError,
    ErrorInBodyError,
    Instantly,
    InvalidEmailError,
    InvalidInputError,
    PartialBatchError,
    VerificationTimeoutError,
)
from instantly._helpers._analytics import write_rows_csv
from instantly._helpers._lead_import import chunk_size
from instantly._operation import operation
from instantly.testing import FakeClock, FakeInstantly, Fault

BASE_URL = "https://api.instantly.ai"
ADD = "/api/v2/leads/add"
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


def _no_jitter() -> float:
    return 0.0


@pytest.fixture
def instantly(fake: FakeInstantly, clock: FakeClock) -> Iterator[Instantly]:
    with Instantly(
        "test-key-123", base_url=BASE_URL, transport=fake.transport(sleep=clock.sleep),
        clock=clock, sleep=clock.sleep, rng=_no_jitter,
    ) as client:  # fmt: skip
        yield client


@pytest.fixture
async def ainstantly(fake: FakeInstantly, clock: FakeClock) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(
        "test-key-123", base_url=BASE_URL, transport=fake.transport(async_sleep=clock.async_sleep),
        clock=clock, sleep=clock.async_sleep, rng=_no_jitter,
    ) as client:  # fmt: skip
        yield client


def _campaign(client: Instantly, fake: FakeInstantly, **fields: Any) -> str:
    body = {"email_list": fake.account_emails()[:2], "sequences": SEQUENCES, **fields}
    campaign = client.campaigns.create(name="Spring", campaign_schedule=SCHEDULE, **body)
    fake.clear_requests()
    return str(campaign.id)


def _leads(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"email": f"lead{i:05d}@example.com", "first_name": f"L{i}"} for i in range(start, n)]


# -- lead import ----------------------------------------------------------------------------------


def test_add_many_sends_chunks_of_the_specs_max_items(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(instantly, fake)
    size = operation("bulkAddLeads").schema["body"]["properties"]["leads"]["maxItems"]
    assert chunk_size() == size
    result = instantly.leads.add_many(_leads(2 * size + 5), campaign_id=campaign)
    sizes = [len(r.json["leads"]) for r in fake.requests_to("POST", ADD)]
    assert sizes == [size, size, 5]
    assert len(result.created) == 2 * size + 5 and result.requests == 3 and result.unsent == ()


def test_add_many_maps_created_leads_to_the_input_index(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(instantly, fake)
    instantly.leads.add_many(["lead00001@example.com"], campaign_id=campaign)
    result = instantly.leads.add_many(_leads(3), campaign_id=campaign)
    assert [lead.index for lead in result.created] == [0, 2]
    assert result.not_created == (1,)
    assert result.chunks[0].skipped["duplicated_leads"] == 1 and result.skipped == 1


def test_add_many_reports_blocklisted_leads_as_refused(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(instantly, fake)
    fake.leads.blocklist.add("lead00000@example.com")
    result = instantly.leads.add_many(_leads(2), campaign_id=campaign)
    assert result.refused == 1 and result.chunks[0].refused["in_blocklist"] == 1


def test_add_many_passes_the_dedupe_flags(instantly: Instantly, fake: FakeInstantly) -> None:
    first, second = _campaign(instantly, fake), _campaign(instantly, fake)
    instantly.leads.add_many(_leads(2), campaign_id=first)
    result = instantly.leads.add_many(_leads(3), campaign_id=second, skip_if_in_workspace=True)
    assert fake.requests_to("POST", ADD)[-1].json["skip_if_in_workspace"] is True
    assert [lead.index for lead in result.created] == [2]
    assert result.chunks[0].skipped["skipped_count"] == 2


def test_add_many_reports_progress_per_chunk(instantly: Instantly, fake: FakeInstantly) -> None:
    campaign = _campaign(instantly, fake)
    seen: list[tuple[int, int]] = []
    instantly.leads.add_many(
        _leads(chunk_size() + 1), campaign_id=campaign,
        on_progress=lambda chunk: seen.append((chunk.number, len(chunk.created))),
    )  # fmt: skip
    assert seen == [(0, chunk_size()), (1, 1)]


@pytest.mark.parametrize(
    ("leads", "kwargs", "error"),
    [
        (["ok@example.com", "not-an-address"], {"campaign_id": "c"}, InvalidEmailError),
        ([{"first_name": "no email"}], {"campaign_id": "c"}, InvalidEmailError),
        (
            [{"email": "a@example.com", "lt_interest_status": 99}],
            {"campaign_id": "c"},
            InvalidInputError,
        ),
        (["a@example.com"], {}, InvalidInputError),
        (["a@example.com"], {"campaign_id": "c", "list_id": "l"}, InvalidInputError),
        ([], {"campaign_id": "c"}, InvalidInputError),
        ("a@example.com", {"campaign_id": "c"}, InvalidInputError),
        (["a@example.com"], {"campaign_id": "c", "skip_if_in_workspace": "yes"}, InvalidInputError),
    ],
)
def test_add_many_refuses_bad_input_before_any_request(
    instantly: Instantly, fake: FakeInstantly, leads: Any, kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        instantly.leads.add_many(
            [*_leads(1500), *leads] if isinstance(leads, list) and leads else leads, **kwargs
        )
    assert fake.requests == []


def test_add_many_names_the_index_of_a_bad_lead(instantly: Instantly) -> None:
    with pytest.raises(InvalidEmailError, match=r"leads\[1\]"):
        instantly.leads.add_many(["a@example.com", "b@"], campaign_id="c")


def test_add_many_failing_later_raises_partial_batch_error(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(instantly, fake)

    def fail_next(chunk: Any) -> None:
        fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)

    with pytest.raises(PartialBatchError) as raised:
        instantly.leads.add_many(
            _leads(chunk_size() * 2 + 3), campaign_id=campaign, on_progress=fail_next
        )
    done = raised.value.completed
    assert done.requests == 1 and len(done.created) == chunk_size()
    assert done.unsent == tuple(range(chunk_size(), chunk_size() * 2 + 3))
    assert len(raised.value.unsent) == chunk_size() + 3
    assert pickle.loads(pickle.dumps(raised.value)).completed == done


def test_add_many_repeats_a_chunk_whose_answer_was_lost(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(instantly, fake)
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    result = instantly.leads.add_many(_leads(3), campaign_id=campaign)
    assert len(fake.requests_to("POST", ADD)) == 2
    assert result.chunks[0].repeated and result.chunks[0].skipped["duplicated_leads"] == 3
    assert len(fake.leads.in_campaign(campaign)) == 3  # processed once, never twice


def test_add_many_never_repeats_a_chunk_with_a_lead_without_email(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    with pytest.raises(PartialBatchError) as raised:
        instantly.leads.add_many([{"first_name": "Ann"}, "b@example.com"], list_id=lead_list)
    assert raised.value.in_doubt == ({"first_name": "Ann"},)  # stored, but nothing says so
    assert len(fake.requests_to("POST", ADD)) == 1
    assert len(fake.leads.in_list(lead_list)) == 2  # the lost answer's work, not repeated


def test_add_many_does_not_repeat_a_refused_chunk(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(Exception, match="not found"):
        instantly.leads.add_many(_leads(2), campaign_id="no-such-campaign")
    assert len(fake.requests_to("POST", ADD)) == 1


async def test_add_many_async_runs_the_same_plan(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    campaign = (await ainstantly.campaigns.create(name="A", campaign_schedule=SCHEDULE)).id
    result = await ainstantly.leads.add_many(_leads(chunk_size() + 2), campaign_id=campaign)
    assert result.requests == 2 and len(result.created) == chunk_size() + 2


# -- campaign launch ------------------------------------------------------------------------------


def _launch(client: Instantly, fake: FakeInstantly, **kwargs: Any) -> Any:
    args: dict[str, Any] = {
        "sequences": SEQUENCES, "campaign_schedule": SCHEDULE,
        "email_list": fake.account_emails()[:2], "leads": _leads(3),
    }  # fmt: skip
    return client.campaigns.launch("Launch", **{**args, **kwargs})


def test_launch_creates_adds_leads_checks_and_activates(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    launched = _launch(instantly, fake)
    assert launched.campaign.status == 1
    assert len(launched.leads.created) == 3
    assert launched.sending_status == "campaign_draft"
    routes = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests]
    # Same-named campaigns are read first: what a lost answer to the create is looked up against.
    assert routes[0] == ("GET", "campaigns") and routes[1] == ("POST", "campaigns")
    assert routes[2] == ("POST", "add")
    assert routes[-1] == ("POST", "activate")


def test_launch_refuses_a_paused_account_and_leaves_a_draft(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    paused = fake.account_emails()[1]
    instantly.accounts.pause(paused)
    fake.clear_requests()
    with pytest.raises(CampaignPreflightError) as raised:
        _launch(instantly, fake)
    error = raised.value
    assert error.stage == "preflight" and any(paused in p for p in error.problems)
    assert fake.requests_to("POST", f"/api/v2/campaigns/{error.campaign.id}/activate") == []
    assert instantly.campaigns.get(error.campaign.id).status == 0
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_launch_refuses_an_account_not_in_the_workspace(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(CampaignPreflightError, match="not in this workspace"):
        _launch(instantly, fake, email_list=["nobody@example.com"])


def test_launch_refused_activation_is_a_launch_error(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.server_error(402), times=1, method="POST", path="*activate")
    with pytest.raises(CampaignLaunchError) as raised:
        _launch(instantly, fake)
    assert raised.value.stage == "activate" and raised.value.leads is not None


def test_launch_lead_failure_stops_before_activation(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    with pytest.raises(CampaignLaunchError) as raised:
        _launch(instantly, fake)
    assert raised.value.stage == "leads"
    assert not [r for r in fake.requests if r.path.endswith("/activate")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sequences": []},
        {"sequences": [{"steps": []}]},
        {"email_list": []},
        {"email_list": ["bad"]},
        {"leads": ["bad"]},
        {"settings": {"daily_limit": "many"}},
        {"settings": {"name": "twice"}},
    ],
)
def test_launch_refuses_bad_input_before_any_request(
    instantly: Instantly, fake: FakeInstantly, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError):
        _launch(instantly, fake, **kwargs)
    assert fake.requests == []


def test_preflight_lists_what_stops_a_campaign(instantly: Instantly, fake: FakeInstantly) -> None:
    campaign = _campaign(instantly, fake, email_list=[], sequences=[])
    problems = instantly.campaigns.preflight(campaign)
    assert any("no sending accounts" in p for p in problems)
    assert any("step" in p for p in problems)


def test_preflight_lists_a_sending_address_that_is_not_an_address_as_a_problem(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    good = fake.account_emails()[0]
    campaign = _campaign(instantly, fake, email_list=[good, "not-an-address"])
    problems = instantly.campaigns.preflight(campaign)
    assert problems == [
        "sending account 'not-an-address' is not a valid email address: it has no '@' (email_list)"
    ]
    # The valid account is still read; the invalid one is never asked about.
    assert len(fake.requests_to("GET", f"/api/v2/accounts/{good}")) == 1
    assert not [r for r in fake.requests if "not-an-address" in r.path]


async def test_launch_async(ainstantly: AsyncInstantly, fake: FakeInstantly) -> None:
    launched = await ainstantly.campaigns.launch(
        "A", sequences=SEQUENCES, campaign_schedule=SCHEDULE, email_list=fake.account_emails()[:1]
    )
    assert launched.campaign.status == 1 and launched.leads is None


# -- replies --------------------------------------------------------------------------------------


def test_reply_in_thread_replies_and_marks_the_thread_read(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    account = fake.account_emails()[0]
    fake.emails.receive_reply(lead="ann@example.com", eaccount=account, subject="Pricing?")
    assert instantly.emails.count_unread().count == 1
    (email,) = list(instantly.emails.list(is_unread=True))
    reply = instantly.emails.reply_in_thread(email, text="Here it is.")
    assert reply.subject == "Re: Pricing?" and reply.thread_id == email.thread_id
    sent = fake.requests_to("POST", "/api/v2/emails/reply")[0].json
    assert sent["eaccount"] == account and sent["reply_to_uuid"] == email.id
    assert instantly.emails.count_unread().count == 0


def test_reply_in_thread_refuses_an_empty_reply(instantly: Instantly, fake: FakeInstantly) -> None:
    fake.emails.receive_reply(lead="ann@example.com", eaccount=fake.account_emails()[0])
    (email,) = list(instantly.emails.list(is_unread=True))
    fake.clear_requests()
    with pytest.raises(InvalidInputError):
        instantly.emails.reply_in_thread(email)
    assert fake.requests == []


# -- verification ---------------------------------------------------------------------------------


def test_verify_polls_until_the_result(
    instantly: Instantly, fake: FakeInstantly, clock: FakeClock
) -> None:
    fake.verifications.delay = 4.0
    result = instantly.email_verification.verify("ann@example.com")
    assert result.verification_status == "verified"
    polls = fake.requests_to("GET", "/api/v2/email-verification/ann@example.com")
    assert len(polls) >= 2


def test_verify_without_wait_returns_pending(instantly: Instantly, fake: FakeInstantly) -> None:
    result = instantly.email_verification.verify("ann@example.com", wait=False)
    assert result.verification_status == "pending" and len(fake.requests) == 1


def test_verify_times_out_with_the_last_state(
    instantly: Instantly, fake: FakeInstantly, clock: FakeClock
) -> None:
    fake.verifications.delay = 100.0
    start = clock()
    with pytest.raises(VerificationTimeoutError) as raised:
        instantly.email_verification.verify("ann@example.com", wait_timeout=5, poll_interval=1)
    assert raised.value.verification.verification_status == "pending"
    assert clock() - start == pytest.approx(5.0)


def test_verify_rides_out_a_transient_poll_error(instantly: Instantly, fake: FakeInstantly) -> None:
    fake.faults.add(
        Fault.server_error(503), times=5, method="GET", path="/api/v2/email-verification/*"
    )
    result = instantly.email_verification.verify("ann@example.com", poll_interval=1, max_retries=0)
    assert result.verification_status == "verified"


@pytest.mark.parametrize(
    "kwargs", [{"email": "bad"}, {"wait_timeout": -1}, {"poll_interval": 0}, {"wait": "yes"}]
)
def test_verify_refuses_bad_input_before_any_request(
    instantly: Instantly, fake: FakeInstantly, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError):
        instantly.email_verification.verify(**{"email": "ann@example.com", **kwargs})
    assert fake.requests == []


async def test_verify_async(ainstantly: AsyncInstantly) -> None:
    result = await ainstantly.email_verification.verify("ann@example.com")
    assert result.verification_status == "verified"


# -- analytics ------------------------------------------------------------------------------------


def test_analytics_rows_tag_each_campaign(instantly: Instantly, fake: FakeInstantly) -> None:
    first, second = _campaign(instantly, fake), _campaign(instantly, fake)
    rows = instantly.campaigns.analytics_rows("overview", campaign_ids=[first, second])
    assert [row["campaign_id"] for row in rows] == [first, second]
    assert len(fake.requests) == 2


def test_analytics_rows_write_as_csv(instantly: Instantly, fake: FakeInstantly) -> None:
    campaign = _campaign(instantly, fake)
    account = fake.account_emails()[0]
    fake.emails.record_sent(eaccount=account, lead="ann@example.com", campaign_id=campaign)
    rows = instantly.campaigns.analytics_rows("daily", campaign_ids=[campaign])
    out = io.StringIO()
    assert write_rows_csv(rows, out) == len(rows) >= 1
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["campaign_id"] == campaign


def test_account_daily_rows_split_at_the_specs_max_items(clock: FakeClock) -> None:
    # Its own fake: the conftest's checker reads a repeated query parameter as one string.
    fake = FakeInstantly(clock=clock, rate_limit=None)
    size = operation("getDailyAccountAnalytics").schema["query"]["properties"]["emails"]["maxItems"]
    emails = [f"a{i}@example.com" for i in range(size + 1)]
    inner = fake.transport(sleep=clock.sleep)
    sent: list[int] = []

    class Counting(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(len(request.url.params.get_list("emails")))
            return inner.handle_request(request)

    with Instantly("k", base_url=BASE_URL, transport=Counting(), sleep=clock.sleep) as client:
        client.accounts.daily_analytics_rows(emails)
    assert sent == [size, 1]


def test_analytics_rows_refuse_an_unknown_kind(instantly: Instantly, fake: FakeInstantly) -> None:
    with pytest.raises(InvalidInputError, match="kind"):
        instantly.campaigns.analytics_rows("weekly")
    assert fake.requests == []


# -- what a 2xx means -----------------------------------------------------------------------------


def test_a_202_without_a_job_returns_accepted(instantly: Instantly) -> None:
    from instantly._outcomes import Accepted

    answer = httpx.Response(202, json={"status": "accepted", "message": "queued"})
    with Instantly(
        "k", base_url=BASE_URL, transport=httpx.MockTransport(lambda request: answer)
    ) as client:
        result = client.leads.bulk_assign(organization_user_ids=["u-1"])
    assert isinstance(result, Accepted)
    assert (result.status, result.message) == ("accepted", "queued")


def test_a_failed_webhook_test_in_a_200_raises_error_in_body(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    hook = instantly.webhooks.create(
        target_hook_url="https://hooks.example.com/in", event_type="email_sent"
    )
    fake.webhooks.sender = lambda url, headers, body: 503
    with pytest.raises(ErrorInBodyError, match="answered 503") as raised:
        instantly.webhooks.test(hook.id)
    assert raised.value.result.status_code == 503
    fake.webhooks.sender = lambda url, headers, body: 200
    assert instantly.webhooks.test(hook.id).success is True
