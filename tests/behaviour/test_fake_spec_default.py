"""The fake's default for an operation nobody wrote code for: state kept as the spec describes it.

Custom tags, subsequences, workspace and inbox-placement reports have no hand-written store:
these tests pin what the spec-driven default does with them (tests/behaviour/conftest.py also
checks every request and answer against the spec).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from instantly import Instantly
from instantly.testing import FakeInstantly, FakeResponse
from instantly.testing._spec_routes import handler_name, routes

TAGS = "/api/v2/custom-tags"


def _tag(client: httpx.Client, label: str) -> dict[str, Any]:
    response = client.post(TAGS, json={"label": label})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_created_record_has_what_the_schema_fills_and_reads_back(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    tag = _tag(client, "VIP")
    assert (tag["label"], tag["organization_id"]) == ("VIP", fake.workspace_id)
    assert tag["timestamp_created"] == tag["timestamp_updated"] == "2026-03-05T23:09:47.220Z"
    assert client.get(f"{TAGS}/{tag['id']}").json() == tag


def test_a_patch_merges_and_stamps_the_update(
    client: httpx.Client, fake: FakeInstantly, clock: Any
) -> None:
    tag = _tag(client, "VIP")
    clock.advance(60)
    patched = client.patch(f"{TAGS}/{tag['id']}", json={"description": "Best"}).json()
    assert (patched["label"], patched["description"]) == ("VIP", "Best")
    assert patched["timestamp_updated"] == "2026-03-05T23:10:47.220Z"


def test_a_deleted_record_is_gone_and_an_unknown_id_is_404(client: httpx.Client) -> None:
    tag = _tag(client, "VIP")
    assert client.delete(f"{TAGS}/{tag['id']}").json()["id"] == tag["id"]
    response = client.get(f"{TAGS}/{tag['id']}")
    assert (response.status_code, response.json()["message"]) == (404, "Custom tag not found")


def test_lists_page_with_a_cursor_and_end_with_an_empty_page(client: httpx.Client) -> None:
    ids = [_tag(client, f"tag {n}")["id"] for n in range(3)]
    first = client.get(TAGS, params={"limit": 2}).json()
    second = client.get(TAGS, params={"starting_after": first["next_starting_after"]}).json()
    last = client.get(TAGS, params={"starting_after": second["next_starting_after"]}).json()
    assert [t["id"] for t in first["items"] + second["items"]] == ids
    assert last == {"items": []}


def test_a_cursor_whose_record_was_deleted_continues_where_it_sorted(
    client: httpx.Client,
) -> None:
    ids = [_tag(client, f"tag {n}")["id"] for n in range(3)]
    cursor = client.get(TAGS, params={"limit": 2}).json()["next_starting_after"]
    client.delete(f"{TAGS}/{cursor}")
    after = client.get(TAGS, params={"starting_after": cursor}).json()["items"]
    assert [t["id"] for t in after] == ids[2:]


def test_a_list_filters_on_search(client: httpx.Client) -> None:
    _tag(client, "Important")
    _tag(client, "Later")
    found = client.get(TAGS, params={"search": "IMPORT"}).json()["items"]
    assert [t["label"] for t in found] == ["Important"]


def test_a_body_that_breaks_the_request_schema_is_400_in_instantlys_words(
    client: httpx.Client,
) -> None:
    response = client.post(TAGS, json={"label": ""})
    assert (response.status_code, response.json()["message"]) == (
        400,
        "body/label must NOT have fewer than 1 characters",
    )


def test_an_action_on_an_unknown_record_is_404(client: httpx.Client) -> None:
    response = client.post("/api/v2/subsequences/nope/pause")
    assert response.status_code == 404


def test_a_single_record_path_is_read_and_patched(client: httpx.Client) -> None:
    before = client.get("/api/v2/workspaces/current").json()
    client.patch("/api/v2/workspaces/current", json={"name": "Acme"})
    after = client.get("/api/v2/workspaces/current").json()
    assert (after["name"], after["id"]) == ("Acme", before["id"])


def test_a_seeded_record_is_served_through_the_facade(fake: FakeInstantly) -> None:
    fake.add_record("/api/v2/inbox-placement-reports", id="r1", spam_assassin_score=1.5)
    with Instantly("k", transport=fake.transport()) as client:
        report = client.inbox_placement_reports.get("r1")
    assert (report.id, report.spam_assassin_score) == ("r1", 1.5)


def test_an_override_answers_in_place_of_the_default(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.override("countUnreadEmails", lambda call: {"count": 7})
    fake.override("getCustomTag", lambda call: FakeResponse(503))
    assert client.get("/api/v2/emails/unread/count").json() == {"count": 7}
    assert client.get(f"{TAGS}/x").status_code == 503


def test_an_override_of_an_unknown_operation_is_refused(fake: FakeInstantly) -> None:
    with pytest.raises(KeyError, match="getNothing"):
        fake.override("getNothing", lambda call: {})


def test_every_hand_written_answer_names_an_operation_of_the_pin(fake: FakeInstantly) -> None:
    stores = (fake, fake.campaigns, fake.leads, fake.emails, fake.webhooks, fake.verifications)
    written = {name for store in stores for name in dir(store) if name.startswith("_route_")}
    assert written == {handler_name(route.id) for route in routes()} & written
    assert len(fake._handlers) == len(written)  # each served once, by one store
