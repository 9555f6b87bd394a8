"""`FakeAgency`: one key, several fake workspaces, the header choosing one, members listed."""

from __future__ import annotations

import json

import pytest
from instantly.testing import FakeAgency

AUTH = {"Authorization": "Bearer k"}


def _get(agency: FakeAgency, path: str, query: str = "", **headers: str) -> tuple[int, object]:
    response = agency.handle("GET", path, query=query, headers={**AUTH, **headers})
    return response.status, json.loads(response.body)


def test_without_the_header_a_request_goes_to_the_admin_workspace() -> None:
    agency = FakeAgency(workspaces=1)
    agency.admin.seed_accounts(1)
    assert _get(agency, "/api/v2/accounts")[0] == 200
    assert len(agency.admin.requests) == 1 and agency.workspace("ws-1").requests == []


def test_the_header_selects_the_workspace_and_its_own_state() -> None:
    agency = FakeAgency(workspaces=2)
    agency.workspace("ws-2").seed_accounts(3)
    status, body = _get(agency, "/api/v2/accounts", **{"x-as-workspace": "ws-2"})
    assert status == 200 and len(body["items"]) == 3  # type: ignore[index]


@pytest.mark.parametrize("workspace", ["ws-9", "ws-pending"])
def test_a_workspace_outside_the_group_is_refused_with_403(workspace: str) -> None:
    agency = FakeAgency(workspaces=1)
    agency.add_workspace("ws-pending", status="pending")
    status, body = _get(agency, "/api/v2/accounts", **{"X-As-Workspace": workspace})
    assert status == 403 and "workspace" in body["message"]  # type: ignore[index]
    assert body["error"] == "Forbidden"  # type: ignore[index]


def test_the_members_list_pages_through_every_sub_workspace() -> None:
    agency = FakeAgency(workspaces=3)
    status, first = _get(agency, "/api/v2/workspace-group-members", "limit=2")
    after = first["next_starting_after"]  # type: ignore[index]
    _, second = _get(agency, "/api/v2/workspace-group-members", f"limit=2&starting_after={after}")
    ids = [m["sub_workspace_id"] for m in first["items"] + second["items"]]  # type: ignore[index]
    assert status == 200 and ids == ["ws-1", "ws-2", "ws-3"]
    last = second["next_starting_after"]  # type: ignore[index]
    _, third = _get(agency, "/api/v2/workspace-group-members", f"starting_after={last}")
    assert third == {"items": []}  # like every list of the fake, it ends with an empty page


def test_a_deleted_membership_takes_the_workspace_out_of_the_group() -> None:
    agency = FakeAgency(workspaces=1)
    _, members = _get(agency, "/api/v2/workspace-group-members")
    member = members["items"][0]["id"]  # type: ignore[index]
    path = f"/api/v2/workspace-group-members/{member}"
    assert agency.handle("DELETE", path, headers=AUTH).status == 200
    assert _get(agency, "/api/v2/accounts", **{"x-as-workspace": "ws-1"})[0] == 403


def test_the_members_list_needs_the_agency_key() -> None:
    agency = FakeAgency(workspaces=1, api_key="right")
    response = agency.handle(
        "GET", "/api/v2/workspace-group-members", headers={"Authorization": "Bearer wrong"}
    )
    assert response.status == 401


def test_each_workspace_has_its_own_server_rate_limit() -> None:
    agency = FakeAgency(workspaces=2, clock=lambda: 0.0)
    for workspace in ("ws-1", "ws-2"):
        statuses = [
            _get(agency, "/api/v2/accounts", **{"x-as-workspace": workspace})[0] for _ in range(101)
        ]
        assert statuses.count(200) == 100 and statuses[-1] == 429
