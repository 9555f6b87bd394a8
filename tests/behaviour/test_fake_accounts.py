"""Accounts on the fake: seeding, listing with cursor pages and filters, get, pause and resume."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instantly.testing import FakeInstantly


def list_all(client: httpx.Client, **params: object) -> list[list[str]]:
    """Every page's emails, following cursors until an empty page."""
    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(50):
        query = dict(params, **({"starting_after": cursor} if cursor else {}))
        body = client.get("/api/v2/accounts", params=query).json()
        pages.append([a["email"] for a in body["items"]])
        if not body["items"]:
            return pages
        cursor = body["next_starting_after"]
    raise AssertionError("listing did not end within 50 pages")


def test_seed_accounts_numbers_emails_from_one_on_the_domain(fake: FakeInstantly) -> None:
    assert fake.seed_accounts(2, domain="acme.io", prefix="rep") == [
        "rep001@acme.io",
        "rep002@acme.io",
    ]


def test_seeded_account_has_realistic_active_defaults(fake: FakeInstantly) -> None:
    account = fake.account("sender001@example.com")
    assert account["status"] == 1
    assert account["warmup_status"] == 1
    assert account["organization"] == fake.workspace_id
    assert account["timestamp_created"].endswith("Z")


def test_add_account_overrides_defaults_with_given_fields(fake: FakeInstantly) -> None:
    account = fake.add_account("Boss@Example.com", status=2, first_name="Ada")
    assert (account["email"], account["status"], account["first_name"]) == (
        "boss@example.com",
        2,
        "Ada",
    )


def test_add_account_rejects_a_field_the_spec_does_not_have(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError, match=r"unknown Account field\(s\) \['colour'\]"):
        fake.add_account("a@example.com", colour="red")


def test_add_account_rejects_a_status_outside_the_enum(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError, match=r"status=7 is not one of"):
        fake.add_account("a@example.com", status=7)


def test_add_account_rejects_an_invalid_email(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError, match=r"'two@@example\.com' is not a valid email address"):
        fake.add_account("two@@example.com")


def test_seeded_accounts_were_created_before_the_start_time(fake: FakeInstantly) -> None:
    created = fake.account("sender001@example.com")["timestamp_created"]
    assert created == "2026-02-03T23:09:47.220Z"  # START (2026-03-05T23:09:47.220Z) - 30 days


def test_get_account_returns_the_account(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts/sender002@example.com")
    assert response.status_code == 200
    assert response.json()["email"] == "sender002@example.com"


def test_get_account_accepts_a_percent_encoded_and_upper_case_email(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts/SENDER002%40example.com")
    assert response.json()["email"] == "sender002@example.com"


def test_patch_and_delete_find_an_account_by_an_upper_case_email(client: httpx.Client) -> None:
    patched = client.patch("/api/v2/accounts/Sender002@Example.com", json={"daily_limit": 5})
    assert (patched.status_code, patched.json()["daily_limit"]) == (200, 5)
    assert client.delete("/api/v2/accounts/SENDER002@example.com").status_code == 200
    assert client.get("/api/v2/accounts/sender002@example.com").status_code == 404


def test_get_unknown_account_is_404_with_instantlys_body(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts/nobody@example.com")
    assert response.status_code == 404
    assert response.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "Account not found",
    }


def test_list_default_limit_returns_everything_on_one_page(client: httpx.Client) -> None:
    body = client.get("/api/v2/accounts").json()
    assert len(body["items"]) == 5


def test_list_pages_follow_the_cursor_until_an_empty_page(client: httpx.Client) -> None:
    pages = list_all(client, limit=2)
    assert pages == [
        ["sender001@example.com", "sender002@example.com"],
        ["sender003@example.com", "sender004@example.com"],
        ["sender005@example.com"],
        [],
    ]


def test_last_non_empty_page_still_carries_a_cursor(client: httpx.Client) -> None:
    body = client.get("/api/v2/accounts", params={"limit": 10}).json()
    assert body["next_starting_after"]


def test_empty_page_has_no_cursor(client: httpx.Client) -> None:
    first = client.get("/api/v2/accounts", params={"limit": 10}).json()
    body = client.get(
        "/api/v2/accounts", params={"starting_after": first["next_starting_after"]}
    ).json()
    assert body == {"items": []}


def test_cursor_survives_removal_of_the_item_it_names(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    cursor = client.get("/api/v2/accounts", params={"limit": 2}).json()["next_starting_after"]
    fake.remove_account(cursor)
    body = client.get("/api/v2/accounts", params={"limit": 2, "starting_after": cursor}).json()
    assert [a["email"] for a in body["items"]] == ["sender003@example.com", "sender004@example.com"]


def test_list_filters_by_status(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.add_account("paused@example.com", status=2)
    body = client.get("/api/v2/accounts", params={"status": 2}).json()
    assert [a["email"] for a in body["items"]] == ["paused@example.com"]


def test_list_filters_by_search_on_email_and_names(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.add_account("zed@other.org", first_name="Zoe")
    body = client.get("/api/v2/accounts", params={"search": "zoe"}).json()
    assert [a["email"] for a in body["items"]] == ["zed@other.org"]


def test_list_filters_by_acc_filter(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.add_account("cold@example.com", warmup_status=0)
    body = client.get("/api/v2/accounts", params={"filter": "ACC_FILTER_W_PAUSED"}).json()
    assert [a["email"] for a in body["items"]] == ["cold@example.com"]


def test_list_filters_by_any_of_tag_ids(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.add_account("tagged@example.com", tags=["t1", "t2"])
    body = client.get("/api/v2/accounts", params={"tag_ids": "t9,t2"}).json()
    assert [a["email"] for a in body["items"]] == ["tagged@example.com"]


def test_filtered_pages_follow_the_cursor(fake: FakeInstantly, client: httpx.Client) -> None:
    for n in range(3):
        fake.add_account(f"p{n}@example.com", status=2)
    assert list_all(client, status=2, limit=2) == [
        ["p0@example.com", "p1@example.com"],
        ["p2@example.com"],
        [],
    ]


def test_pause_account_returns_it_with_status_2(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/sender001@example.com/pause")
    assert (response.status_code, response.json()["status"]) == (200, 2)


def test_pause_account_updates_its_timestamp(
    fake: FakeInstantly, client: httpx.Client, clock: object
) -> None:
    before = fake.account("sender001@example.com")["timestamp_updated"]
    after = client.post("/api/v2/accounts/sender001@example.com/pause").json()
    assert after["timestamp_updated"] > before


def test_pausing_a_paused_account_is_fine(client: httpx.Client) -> None:
    client.post("/api/v2/accounts/sender001@example.com/pause")
    response = client.post("/api/v2/accounts/sender001@example.com/pause")
    assert (response.status_code, response.json()["status"]) == (200, 2)


def test_resume_account_returns_it_with_status_1(client: httpx.Client) -> None:
    client.post("/api/v2/accounts/sender001@example.com/pause")
    response = client.post("/api/v2/accounts/sender001@example.com/resume")
    assert (response.status_code, response.json()["status"]) == (200, 1)


def test_pause_unknown_account_is_404(client: httpx.Client) -> None:
    assert client.post("/api/v2/accounts/nobody@example.com/pause").status_code == 404


def test_bulk_pause_pauses_known_and_fails_unknown_emails(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    body = client.post(
        "/api/v2/accounts/pause",
        json={"emails": ["sender001@example.com", "ghost@example.com", "sender003@example.com"]},
    ).json()
    assert body == {
        "paused_emails": ["sender001@example.com", "sender003@example.com"],
        "failed_emails": ["ghost@example.com"],
    }
    assert fake.account("sender003@example.com")["status"] == 2


def test_bulk_pause_reports_a_repeated_email_once(client: httpx.Client) -> None:
    body = client.post(
        "/api/v2/accounts/pause",
        json={"emails": ["sender001@example.com", "sender001@example.com"]},
    ).json()
    assert body["paused_emails"] == ["sender001@example.com"]


def test_bulk_pause_accepts_exactly_100_emails(client: httpx.Client) -> None:
    emails = [f"x{n}@example.com" for n in range(100)]
    response = client.post("/api/v2/accounts/pause", json={"emails": emails})
    assert (response.status_code, len(response.json()["failed_emails"])) == (200, 100)


def test_bulk_pause_rejects_101_emails(client: httpx.Client) -> None:
    emails = [f"x{n}@example.com" for n in range(101)]
    response = client.post("/api/v2/accounts/pause", json={"emails": emails})
    assert response.status_code == 400
    assert response.json()["message"] == "body/emails must NOT have more than 100 items"


def test_bulk_pause_rejects_an_empty_list(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/pause", json={"emails": []})
    assert response.json()["message"] == "body/emails must NOT have fewer than 1 items"


def test_bulk_pause_rejects_a_missing_emails_field(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/pause", json={})
    assert response.json()["message"] == "body must have required property 'emails'"


def test_bulk_pause_rejects_a_non_string_email(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/pause", json={"emails": ["a@example.com", 7]})
    assert response.json()["message"] == "body/emails/1 must be string"


def test_bulk_pause_rejects_an_unknown_field(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/pause", json={"emails": ["a@b.co"], "force": True})
    assert response.json()["message"] == "body must NOT have additional properties"


def test_rejected_bulk_pause_changes_nothing(fake: FakeInstantly, client: httpx.Client) -> None:
    client.post("/api/v2/accounts/pause", json={"emails": ["sender001@example.com", 7]})
    assert fake.account("sender001@example.com")["status"] == 1


@given(count=st.integers(0, 30), limit=st.integers(1, 100), paused=st.sets(st.integers(0, 29)))
@settings(max_examples=60, deadline=None)
def test_following_cursors_yields_each_matching_account_once_in_order(
    count: int, limit: int, paused: set[int]
) -> None:
    fake = FakeInstantly(rate_limit=None)
    emails = fake.seed_accounts(count)
    for index in paused & set(range(count)):
        fake.add_account(emails[index], status=2)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = {
            "limit": str(limit),
            "status": "2",
            **({"starting_after": cursor} if cursor else {}),
        }
        page = fake.handle(
            "GET", "/api/v2/accounts", query=query, headers={"authorization": "Bearer k"}
        ).json()
        if not page["items"]:
            break
        seen += [a["email"] for a in page["items"]]
        cursor = page["next_starting_after"]
    assert seen == [e for i, e in enumerate(emails) if i in paused]
