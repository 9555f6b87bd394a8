"""Warmup enable/disable on the fake: request checking, the background job, and its effect."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, JobScript

DISABLE = "/api/v2/accounts/warmup/disable"
ENABLE = "/api/v2/accounts/warmup/enable"


def disable(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post(DISABLE, json=body)


def finish(fake: FakeInstantly, job_id: str) -> None:
    fake.jobs.complete(job_id)


def test_disable_returns_a_pending_update_warmup_accounts_job(client: httpx.Client) -> None:
    job = disable(client, {"emails": ["sender001@example.com"]}).json()
    assert (job["type"], job["status"], job["progress"]) == ("update-warmup-accounts", "pending", 0)


def test_disable_changes_nothing_before_the_job_succeeds(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    disable(client, {"emails": ["sender001@example.com"]})
    assert fake.account("sender001@example.com")["warmup_status"] == 1


def test_disable_sets_warmup_status_0_when_the_job_succeeds(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job = disable(client, {"emails": ["sender001@example.com"]}).json()
    finish(fake, job["id"])
    assert fake.account("sender001@example.com")["warmup_status"] == 0


def test_enable_sets_warmup_status_1_when_the_job_succeeds(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.add_account("cold@example.com", warmup_status=0)
    job = client.post(ENABLE, json={"emails": ["cold@example.com"]}).json()
    finish(fake, job["id"])
    assert fake.account("cold@example.com")["warmup_status"] == 1


def test_job_takes_effect_on_the_clock_without_manual_control(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    disable(client, {"emails": ["sender001@example.com"]})
    clock.advance(2.5)  # the default script: 0.5 s pending + 2 s running
    assert fake.account("sender001@example.com")["warmup_status"] == 0


def test_successful_job_counts_unknown_emails_as_failed(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job = disable(client, {"emails": ["sender001@example.com", "ghost@example.com"]}).json()
    data = fake.jobs.complete(job["id"])["data"]
    assert data == {"total_to_process": 2, "success_count": 1, "failed_count": 1}


def test_failed_job_changes_no_account(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.jobs.script_next(JobScript.failed("quota exceeded"))
    job = disable(client, {"emails": ["sender001@example.com"]}).json()
    fake.jobs.advance(job["id"])
    fake.jobs.fail(job["id"])
    assert fake.account("sender001@example.com")["warmup_status"] == 1


def test_include_all_emails_targets_every_account(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job = disable(client, {"include_all_emails": True}).json()
    finish(fake, job["id"])
    statuses = {fake.account(e)["warmup_status"] for e in fake.account_emails()}
    assert (job["data"]["total_to_process"], statuses) == (5, {0})


def test_include_all_emails_skips_excluded_emails(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job = disable(
        client, {"include_all_emails": True, "excluded_emails": ["SENDER002@example.com"]}
    ).json()
    finish(fake, job["id"])
    assert fake.account("sender002@example.com")["warmup_status"] == 1
    assert job["data"]["total_to_process"] == 4


def test_include_all_emails_applies_the_acc_filter(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.add_account("stopped@example.com", status=2)
    body = {"include_all_emails": True, "filter": {"filter": "ACC_FILTER_PAUSED"}}
    assert disable(client, body).json()["data"]["total_to_process"] == 1


def test_include_all_emails_applies_the_tag_id(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.add_account("vip@example.com", tags=["tag-1"])
    body = {"include_all_emails": True, "filter": {"tag_id": "tag-1", "filter": None}}
    assert disable(client, body).json()["data"]["total_to_process"] == 1


def test_include_all_emails_applies_the_search(fake: FakeInstantly, client: httpx.Client) -> None:
    body = {"include_all_emails": True, "search": "sender00"}
    assert disable(client, body).json()["data"]["total_to_process"] == 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"emails": ["a@b.co"] * 101}, "body/emails must NOT have more than 100 items"),
        (
            {"include_all_emails": True, "excluded_emails": ["a@b.co"] * 101},
            "body/excluded_emails must NOT have more than 100 items",
        ),
        ({"emails": "a@b.co"}, "body/emails must be array"),
        ({"emails": [1]}, "body/emails/0 must be string"),
        ({"include_all_emails": "yes"}, "body/include_all_emails must be boolean"),
        (
            {"include_all_emails": True, "filter": {"filter": "ACC_FILTER_NOPE"}},
            "body/filter/filter must be equal to one of the allowed values",
        ),
        ({"include_all_emails": True, "filter": "paused"}, "body/filter must be object,null"),
        ({"include_all_emails": True, "search": 5}, "body/search must be string"),
        (
            {"emails": ["a@b.co"], "include_all_emails": True},
            "body must have either 'emails' or 'include_all_emails', not both",
        ),
        ({}, "body must have required property 'emails' or 'include_all_emails'"),
        (
            {"include_all_emails": False},
            "body must have required property 'emails' or 'include_all_emails'",
        ),
        (
            {"emails": ["a@b.co"], "excluded_emails": ["c@d.co"]},
            "body/excluded_emails is only allowed when include_all_emails is true",
        ),
    ],
)
def test_disable_rejects_a_bad_body_with_400(
    client: httpx.Client, body: dict[str, Any], message: str
) -> None:
    response = disable(client, body)
    assert (response.status_code, response.json()) == (
        400,
        {"statusCode": 400, "error": "Bad Request", "message": message},
    )


def test_rejected_request_creates_no_job(fake: FakeInstantly, client: httpx.Client) -> None:
    disable(client, {"emails": ["a@b.co"] * 101})
    assert fake.jobs.ids() == []


def test_missing_body_is_400_naming_the_fields_it_needs(client: httpx.Client) -> None:
    response = client.post(DISABLE)  # the spec's body is optional: the selection is what lacks
    assert response.json()["message"] == (
        "body must have required property 'emails' or 'include_all_emails'"
    )


def test_one_job_per_accepted_request_in_the_log(fake: FakeInstantly, client: httpx.Client) -> None:
    disable(client, {"emails": ["sender001@example.com"]})
    sent = fake.requests_to("POST", DISABLE)
    assert [(r.json, r.status) for r in sent] == [({"emails": ["sender001@example.com"]}, 200)]
