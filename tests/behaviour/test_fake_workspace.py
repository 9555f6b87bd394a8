"""The fake's campaigns, lead lists, leads, Unibox, webhooks, verification and analytics routes.

Every request and response here is also checked against the pinned spec at teardown (conftest).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, Fault, ServerRateLimit
from instantly.webhooks import WebhookReceiver

if TYPE_CHECKING:
    from conftest import SpecChecker

SENDER = "sender001@example.com"
SCHEDULE = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}
SEQUENCES = [
    {
        "steps": [
            {
                "type": "email",
                "delay": 2,
                "variants": [{"subject": "Hello {{firstName}}", "body": "Hi there"}],
            }
        ]
    }
]


def create_campaign(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "Q2 outreach", "campaign_schedule": SCHEDULE, **fields}
    response = client.post("/api/v2/campaigns", json=body)
    assert response.status_code == 200, response.text
    campaign: dict[str, Any] = response.json()
    return campaign


def create_list(client: httpx.Client, name: str = "Imports") -> str:
    list_id: str = client.post("/api/v2/lead-lists", json={"name": name}).json()["id"]
    return list_id


# -- campaigns -----------------------------------------------------------------------------------


def test_a_created_campaign_is_a_draft_with_its_sequences_and_schedule(
    client: httpx.Client,
) -> None:
    campaign = create_campaign(client, sequences=SEQUENCES, email_list=[SENDER])
    assert campaign["status"] == 0
    assert campaign["sequences"] == SEQUENCES
    assert campaign["campaign_schedule"] == SCHEDULE
    assert client.get(f"/api/v2/campaigns/{campaign['id']}").json() == campaign


def test_a_campaign_body_the_spec_refuses_is_a_400(client: httpx.Client) -> None:
    response = client.post("/api/v2/campaigns", json={"name": "No schedule"})
    assert response.status_code == 400
    assert response.json()["message"] == "body must have required property 'campaign_schedule'"


def test_a_bad_schedule_time_is_refused_by_the_specs_pattern(client: httpx.Client) -> None:
    bad = {"schedules": [{**SCHEDULE["schedules"][0], "timing": {"from": "9am", "to": "17:00"}}]}
    response = client.post("/api/v2/campaigns", json={"name": "x", "campaign_schedule": bad})
    assert response.status_code == 400
    assert "must match pattern" in response.json()["message"]


def test_activate_then_pause_move_the_campaign_status(client: httpx.Client) -> None:
    campaign = create_campaign(client, sequences=SEQUENCES, email_list=[SENDER])
    activated = client.post(f"/api/v2/campaigns/{campaign['id']}/activate").json()
    paused = client.post(f"/api/v2/campaigns/{campaign['id']}/pause").json()
    assert (activated["status"], paused["status"]) == (1, 2)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email_list": [SENDER]}, "Campaign has no sequence steps"),
        ({"sequences": SEQUENCES}, "Campaign has no sending accounts"),
        ({"sequences": SEQUENCES, "email_list": ["ghost@example.com"]}, "not found"),
    ],
)
def test_activation_is_refused_when_the_campaign_cannot_send(
    fields: dict[str, Any], message: str
) -> None:
    """Not spec-checked: the pinned spec documents activate's 400 with a 404 body (a spec bug);
    the fake answers Fastify's 400 body, as for every other 400."""
    fake = FakeInstantly(rate_limit=None)
    fake.seed_accounts(1)
    with httpx.Client(
        transport=fake.transport(), base_url="https://api.instantly.ai",
        headers={"Authorization": "Bearer k"},
    ) as client:  # fmt: skip
        campaign = create_campaign(client, **fields)
        response = client.post(f"/api/v2/campaigns/{campaign['id']}/activate")
    assert (response.status_code, response.json()["error"]) == (400, "Bad Request")
    assert message in response.json()["message"]


def test_a_seeded_campaign_gets_a_valid_schedule_and_an_invalid_seed_is_refused(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    seeded = fake.campaigns.add("Seeded")
    listed = client.get("/api/v2/campaigns").json()["items"]
    assert [c["campaign_schedule"] for c in listed] == [seeded["campaign_schedule"]]
    with pytest.raises(ValueError, match="schedules must NOT have fewer than 1 items"):
        fake.campaigns.add("Bad", campaign_schedule={"schedules": []})


def test_patch_changes_fields_and_delete_removes(client: httpx.Client) -> None:
    campaign = create_campaign(client)
    patched = client.patch(f"/api/v2/campaigns/{campaign['id']}", json={"daily_limit": 30})
    assert patched.json()["daily_limit"] == 30
    assert client.delete(f"/api/v2/campaigns/{campaign['id']}").status_code == 200
    assert client.get(f"/api/v2/campaigns/{campaign['id']}").status_code == 404


def test_campaigns_list_in_pages_with_filters(client: httpx.Client) -> None:
    ids = [create_campaign(client, name=f"Campaign {n}")["id"] for n in range(5)]
    first = client.get("/api/v2/campaigns", params={"limit": 2}).json()
    second = client.get(
        "/api/v2/campaigns", params={"limit": 2, "starting_after": first["next_starting_after"]}
    ).json()
    assert [c["id"] for c in first["items"] + second["items"]] == ids[:4]
    found = client.get("/api/v2/campaigns", params={"search": "campaign 3"}).json()["items"]
    assert [c["id"] for c in found] == [ids[3]]
    assert client.get("/api/v2/campaigns", params={"status": 1}).json()["items"] == []


def test_campaigns_list_leaves_out_the_status_exclude_status_names(client: httpx.Client) -> None:
    drafts = [create_campaign(client)["id"] for _ in range(2)]
    client.post(f"/api/v2/campaigns/{drafts[0]}/pause")
    found = client.get("/api/v2/campaigns", params={"exclude_status": 2}).json()["items"]
    assert [c["id"] for c in found] == drafts[1:]


def test_an_unimplemented_list_filter_is_refused_not_ignored(client: httpx.Client) -> None:
    response = client.get("/api/v2/campaigns", params={"tag_ids": "x"})
    assert response.status_code == 400
    assert "not supported by instantly.testing.FakeInstantly" in response.json()["message"]


def test_sending_status_reports_draft_unhealthy_accounts_missing_leads_and_healthy(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    campaign = create_campaign(client, sequences=SEQUENCES, email_list=[SENDER])
    path = f"/api/v2/campaigns/{campaign['id']}/sending-status"
    seen = [client.get(path).json()["diagnostics"]["status"]]
    client.post(f"/api/v2/campaigns/{campaign['id']}/activate")
    seen.append(client.get(path).json()["diagnostics"]["status"])
    client.post("/api/v2/leads/add", json={"campaign_id": campaign["id"], "leads": [
        {"email": "jane@example.org"}]})  # fmt: skip
    seen.append(client.get(path).json()["diagnostics"]["status"])
    client.post(f"/api/v2/accounts/{SENDER}/pause")
    seen.append(client.get(path).json()["diagnostics"]["status"])
    assert seen == ["campaign_draft", "waiting_for_leads", "healthy", "all_accounts_unhealthy"]


# -- lead lists and leads ------------------------------------------------------------------------


def test_lead_lists_are_created_listed_fetched_and_deleted_with_their_leads(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    list_id = create_list(client)
    client.post("/api/v2/leads/add", json={"list_id": list_id, "leads": [{"email": "a@b.co"}]})
    assert [x["id"] for x in client.get("/api/v2/lead-lists").json()["items"]] == [list_id]
    assert client.get(f"/api/v2/lead-lists/{list_id}").json()["name"] == "Imports"
    assert client.delete(f"/api/v2/lead-lists/{list_id}").status_code == 200
    assert client.get(f"/api/v2/lead-lists/{list_id}").status_code == 404
    assert fake.leads.all() == []


def test_bulk_add_reports_created_and_each_kind_of_skip(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    campaign = create_campaign(client)
    other = create_list(client)
    client.post("/api/v2/leads/add", json={"list_id": other, "leads": [{"email": "in@list.co"}]})
    client.post(
        "/api/v2/leads/add", json={"campaign_id": campaign["id"], "leads": [{"email": "old@c.co"}]}
    )
    fake.leads.blocklist.add("blocked.co")
    leads = [
        {"email": "new@c.co", "first_name": "New"},  # 0 created
        {"email": "not-an-email"},  # 1 invalid
        {"first_name": "No email"},  # 2 invalid (campaign needs an email)
        {"email": "NEW@c.co"},  # 3 repeat within the request
        {"email": "x@blocked.co"},  # 4 blocklist
        {"email": "old@c.co"},  # 5 already in this campaign
        {"email": "in@list.co"},  # 6 skipped: in a list, skip_if_in_list
        {"email": "other@c.co"},  # 7 created
    ]
    answer = client.post(
        "/api/v2/leads/add",
        json={"campaign_id": campaign["id"], "leads": leads, "skip_if_in_list": True},
    ).json()
    assert {k: v for k, v in answer.items() if k != "created_leads"} == {
        "status": "success",
        "total_sent": 8,
        "leads_uploaded": 2,
        "in_blocklist": 1,
        "blocklist_used": None,
        "duplicated_leads": 1,
        "skipped_count": 1,
        "invalid_email_count": 2,
        "incomplete_count": 0,
        "duplicate_email_count": 1,
        "remaining_in_plan": 100_000 - 3,
    }
    created = [(c["index"], c["email"]) for c in answer["created_leads"]]
    assert created == [(0, "new@c.co"), (7, "other@c.co")]


def test_bulk_add_to_a_list_accepts_a_named_lead_without_email_and_counts_incomplete(
    client: httpx.Client,
) -> None:
    list_id = create_list(client)
    answer = client.post(
        "/api/v2/leads/add",
        json={"list_id": list_id, "leads": [{"first_name": "Ann"}, {"phone": "123"}]},
    ).json()
    assert (answer["leads_uploaded"], answer["incomplete_count"]) == (1, 1)
    assert answer["remaining_in_plan"] is None


def test_repeating_a_bulk_add_creates_nothing_twice(client: httpx.Client) -> None:
    campaign = create_campaign(client)
    body = {"campaign_id": campaign["id"], "leads": [{"email": f"l{n}@x.co"} for n in range(3)]}
    first = client.post("/api/v2/leads/add", json=body).json()
    again = client.post("/api/v2/leads/add", json=body).json()
    assert (first["leads_uploaded"], again["leads_uploaded"], again["duplicated_leads"]) == (
        3,
        0,
        3,
    )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"leads": [{"email": "a@b.co"}]}, 400, "exactly one of 'campaign_id' and 'list_id'"),
        ({"campaign_id": "nope", "leads": [{"email": "a@b.co"}]}, 404, "Campaign nope not found"),
        ({"list_id": "x", "leads": []}, 400, "must NOT have fewer than 1 items"),
        ({"list_id": "x", "leads": [{"email": "a@b.co"}] * 1001}, 400, "more than 1000 items"),
    ],
)
def test_bulk_add_refusals(
    client: httpx.Client, body: dict[str, Any], status: int, message: str
) -> None:
    response = client.post("/api/v2/leads/add", json=body)
    assert response.status_code == status
    assert message in response.json()["message"]


def test_leads_list_pages_with_a_cursor_in_the_body(client: httpx.Client) -> None:
    list_id = create_list(client)
    client.post(
        "/api/v2/leads/add",
        json={"list_id": list_id, "leads": [{"email": f"l{n}@x.co"} for n in range(5)]},
    )
    seen: list[str] = []
    cursor = None
    while True:
        body: dict[str, Any] = {"list_id": list_id, "limit": 2}
        if cursor:
            body["starting_after"] = cursor
        page = client.post("/api/v2/leads/list", json=body).json()
        if not page["items"]:
            break
        seen += [lead["email"] for lead in page["items"]]
        cursor = page["next_starting_after"]
    assert seen == [f"l{n}@x.co" for n in range(5)]


def test_create_get_and_delete_one_lead(client: httpx.Client) -> None:
    campaign = create_campaign(client)
    lead = client.post(
        "/api/v2/leads", json={"campaign": campaign["id"], "email": "one@x.co", "first_name": "O"}
    ).json()
    assert client.get(f"/api/v2/leads/{lead['id']}").json()["first_name"] == "O"
    assert client.delete(f"/api/v2/leads/{lead['id']}").status_code == 200
    assert client.get(f"/api/v2/leads/{lead['id']}").status_code == 404


def test_move_is_a_background_job_that_moves_on_success(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    source, target = create_list(client, "A"), create_list(client, "B")
    client.post(
        "/api/v2/leads/add",
        json={"list_id": source, "leads": [{"email": "m1@x.co"}, {"email": "m2@x.co"}]},
    )
    job = client.post("/api/v2/leads/move", json={"list_id": source, "to_list_id": target}).json()
    assert (job["type"], job["status"]) == ("move-leads", "pending")
    assert len(fake.leads.in_list(source)) == 2
    clock.advance(10)
    done = client.get(f"/api/v2/background-jobs/{job['id']}").json()
    assert (done["status"], done["data"]["moved_count"]) == ("success", 2)
    assert [lead["email"] for lead in fake.leads.in_list(target)] == ["m1@x.co", "m2@x.co"]


# -- the Unibox ----------------------------------------------------------------------------------


def test_unread_replies_are_listed_answered_and_marked_read(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    reply = fake.emails.receive_reply(lead="jane@example.org", eaccount=SENDER)
    fake.emails.receive_reply(lead="bob@example.org", eaccount=SENDER)
    assert client.get("/api/v2/emails/unread/count").json() == {"count": 2}
    unread = client.get("/api/v2/emails", params={"is_unread": "true"}).json()["items"]
    assert [e["lead"] for e in unread] == ["bob@example.org", "jane@example.org"]  # newest first
    answer = client.post(
        "/api/v2/emails/reply",
        json={
            "reply_to_uuid": reply["id"],
            "eaccount": SENDER,
            "subject": "Re: Hello",
            "body": {"text": "Great, let's talk."},
        },
    ).json()
    assert (answer["thread_id"], answer["to_address_email_list"]) == (
        reply["thread_id"],
        "jane@example.org",
    )
    marked = client.post(f"/api/v2/emails/threads/{reply['thread_id']}/mark-as-read")
    assert marked.json() == {"success": True}
    assert client.get("/api/v2/emails/unread/count").json() == {"count": 1}


def test_the_emails_list_shows_only_each_threads_latest_when_asked(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    first = fake.emails.record_sent(eaccount=SENDER, lead="jane@example.org")
    reply = fake.emails.receive_reply(
        lead="jane@example.org", eaccount=SENDER, thread_id=first["thread_id"]
    )
    other = fake.emails.record_sent(eaccount=SENDER, lead="bob@example.org")
    found = client.get("/api/v2/emails", params={"latest_of_thread": "true"}).json()["items"]
    assert [e["id"] for e in found] == [other["id"], reply["id"]]


def test_a_reply_to_an_unknown_email_or_from_a_foreign_account_is_refused(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    reply = fake.emails.receive_reply(lead="jane@example.org", eaccount=SENDER)
    base = {"eaccount": SENDER, "subject": "Re", "body": {"text": "x"}}
    assert (
        client.post("/api/v2/emails/reply", json={**base, "reply_to_uuid": "nope"}).status_code
        == 404
    )
    foreign = {**base, "reply_to_uuid": reply["id"], "eaccount": "stranger@example.com"}
    assert client.post("/api/v2/emails/reply", json=foreign).status_code == 400


def test_the_emails_list_has_its_own_limit_of_20_a_minute(clock: FakeClock) -> None:
    fake = FakeInstantly(clock=clock, rate_limit=ServerRateLimit())
    with httpx.Client(
        transport=fake.transport(), base_url="https://api.instantly.ai",
        headers={"Authorization": "Bearer k"},
    ) as http:  # fmt: skip
        statuses = [http.get("/api/v2/emails").status_code for _ in range(21)]
        other = http.get("/api/v2/emails/unread/count").status_code
        limited = http.get("/api/v2/emails")
        clock.advance(60)
        after = http.get("/api/v2/emails").status_code
    assert statuses == [200] * 20 + [429]
    assert (other, limited.headers["retry-after"], after) == (200, "60", 200)


def test_faults_apply_to_the_new_routes(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(503), path="/api/v2/leads/add")
    list_id = create_list(client)
    body = {"list_id": list_id, "leads": [{"email": "a@b.co"}]}
    assert client.post("/api/v2/leads/add", json=body).status_code == 503
    assert fake.leads.all() == []
    assert client.post("/api/v2/leads/add", json=body).json()["leads_uploaded"] == 1


# -- webhooks ------------------------------------------------------------------------------------


def test_webhooks_crud_and_event_types(client: httpx.Client) -> None:
    created = client.post(
        "/api/v2/webhooks",
        json={"target_hook_url": "https://hooks.example.com/i", "event_type": "reply_received"},
    ).json()
    assert created["status"] == 1
    patched = client.patch(f"/api/v2/webhooks/{created['id']}", json={"name": "Replies"}).json()
    assert patched["name"] == "Replies"
    assert [w["id"] for w in client.get("/api/v2/webhooks").json()["items"]] == [created["id"]]
    types = client.get("/api/v2/webhooks/event-types").json()["event_types"]
    assert {"id": "email_link_clicked", "label": "Email Link Clicked", "type": "standard"} in types
    assert client.delete(f"/api/v2/webhooks/{created['id']}").status_code == 200
    assert client.get(f"/api/v2/webhooks/{created['id']}").status_code == 404


def test_a_webhook_url_without_a_scheme_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/v2/webhooks", json={"target_hook_url": "hooks.example.com"})
    assert response.status_code == 400


def test_deliveries_reach_a_receiver_with_the_headers_and_delivered_names(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    receiver = WebhookReceiver(secret="s3cret")
    received = []

    def sender(url: str, headers: Any, body: bytes) -> int:
        event = receiver.receive(body, headers)
        received.append(event)
        return 200

    fake.webhooks.sender = sender
    client.post(
        "/api/v2/webhooks",
        json={
            "target_hook_url": "https://hooks.example.com/i",
            "event_type": "email_link_clicked",
            "headers": {"X-Webhook-Secret": "s3cret"},
        },
    )
    (delivery,) = fake.webhooks.emit("email_link_clicked", lead_email="jane@example.org")
    assert delivery.json()["event_type"] == "link_clicked"
    assert received[0] is not None and received[0].event_type == "email_link_clicked"
    assert fake.webhooks.emit("reply_received") == []  # not subscribed
    events = client.get("/api/v2/webhook-events").json()["items"]
    assert [(e["success"], e["lead_email"]) for e in events] == [(True, "jane@example.org")]


def test_a_failing_endpoint_disables_the_webhook_until_resumed(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.webhooks.sender = lambda url, headers, body: 500
    hook = client.post(
        "/api/v2/webhooks",
        json={"target_hook_url": "https://hooks.example.com/i", "event_type": "all_events"},
    ).json()
    test = client.post(f"/api/v2/webhooks/{hook['id']}/test").json()
    assert (test["success"], test["status_code"]) == (False, 500)
    for _ in range(4):
        fake.webhooks.emit("email_sent")
    assert client.get(f"/api/v2/webhooks/{hook['id']}").json()["status"] == -1
    assert fake.webhooks.emit("email_sent") == []
    resumed = client.post(f"/api/v2/webhooks/{hook['id']}/resume").json()
    assert (resumed["status"], resumed["timestamp_error"]) == (1, None)
    failed = client.get("/api/v2/webhook-events", params={"success": "false"}).json()["items"]
    assert len(failed) == 5


# -- email verification --------------------------------------------------------------------------


def test_verification_is_pending_then_done_on_the_fake_clock(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.verifications.set_result("bad@example.org", "invalid")
    first = client.post("/api/v2/email-verification", json={"email": "jane@example.org"}).json()
    client.post("/api/v2/email-verification", json={"email": "bad@example.org"})
    assert (first["verification_status"], first["catch_all"]) == ("pending", "pending")
    clock.advance(2.9)
    assert (
        client.get("/api/v2/email-verification/jane@example.org").json()["verification_status"]
        == "pending"
    )
    clock.advance(0.1)
    done = client.get("/api/v2/email-verification/jane@example.org").json()
    bad = client.get("/api/v2/email-verification/bad@example.org").json()
    assert (done["verification_status"], done["catch_all"]) == ("verified", False)
    assert bad["verification_status"] == "invalid"


def test_verification_of_an_address_never_submitted_is_404(client: httpx.Client) -> None:
    assert client.get("/api/v2/email-verification/ghost@example.org").status_code == 404


# -- analytics -----------------------------------------------------------------------------------


def test_analytics_count_the_fakes_traffic(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    campaign = create_campaign(client)["id"]
    for lead in ("a@x.co", "b@x.co"):
        fake.emails.record_sent(eaccount=SENDER, lead=lead, campaign_id=campaign)
    clock.advance(86400)
    fake.emails.receive_reply(lead="a@x.co", eaccount=SENDER, campaign_id=campaign)
    fake.emails.receive_reply(lead="b@x.co", eaccount=SENDER, campaign_id=campaign,
                              auto_reply=True)  # fmt: skip
    overview = client.get("/api/v2/campaigns/analytics/overview", params={"id": campaign}).json()
    assert (overview["emails_sent_count"], overview["reply_count"]) == (2, 1)
    assert overview["reply_count_automatic"] == 1
    daily = client.get("/api/v2/campaigns/analytics/daily", params={"campaign_id": campaign})
    assert [(d["date"], d["sent"], d["replies"]) for d in daily.json()] == [
        ("2026-03-05", 2, 0),
        ("2026-03-06", 0, 1),
    ]
    steps = client.get("/api/v2/campaigns/analytics/steps", params={"campaign_id": campaign})
    assert [(s["step"], s["sent"]) for s in steps.json()] == [("1", 2)]
    accounts = client.get(
        "/api/v2/accounts/analytics/daily", params={"start_date": "2026-03-05",
                                                     "end_date": "2026-03-05"}
    ).json()  # fmt: skip
    assert [(a["email_account"], a["sent"]) for a in accounts] == [(SENDER, 2)]


def test_analytics_of_an_unknown_campaign_is_404(client: httpx.Client) -> None:
    response = client.get("/api/v2/campaigns/analytics/overview", params={"id": "nope"})
    assert response.status_code == 404


# -- conformance ---------------------------------------------------------------------------------


def test_every_route_answers_401_402_and_429_as_the_spec_documents(
    spec: SpecChecker, clock: FakeClock
) -> None:
    from instantly.testing._spec_routes import routes

    fake = FakeInstantly(clock=clock, rate_limit=None)
    workspace = [r.operation for r in routes() if r.id in fake._handlers]  # the hand-written
    auth = {"Authorization": "Bearer k"}
    with httpx.Client(transport=fake.transport(), base_url="https://api.instantly.ai") as http:
        for route in workspace:
            path = re.sub(r"\{\w+\}", "x", route.path.replace("{email}", "a@b.co"))
            assert http.request(route.method, path).status_code == 401
            fake.paid_plan = False
            assert http.request(route.method, path, headers=auth).status_code == 402
            fake.paid_plan = True
            fake.faults.add(Fault.rate_limited())
            assert http.request(route.method, path, headers=auth).status_code == 429
    spec.checked.clear()
    spec.check_all(fake)
    expected = {(r.id, s) for r in workspace for s in (401, 402, 429)}
    assert expected <= spec.checked


def test_emitted_objects_with_every_field_validate(
    spec: SpecChecker, fake: FakeInstantly, client: httpx.Client
) -> None:
    campaign = create_campaign(client, sequences=SEQUENCES, email_list=[SENDER], daily_limit=50,
                               open_tracking=True, stop_on_reply=True)  # fmt: skip
    lead = client.post("/api/v2/leads", json={"campaign": campaign["id"], "email": "a@x.co",
                       "custom_variables": {"plan": "pro", "seats": 3}}).json()  # fmt: skip
    assert lead["payload"] == {"plan": "pro", "seats": 3}
    assert json.loads(json.dumps(lead)) == lead
