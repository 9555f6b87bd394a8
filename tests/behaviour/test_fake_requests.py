"""Routing and request checking on the fake, as Instantly's Fastify server does them."""

from __future__ import annotations

import httpx
import pytest
from instantly.testing import FakeInstantly


def test_unknown_route_is_404_naming_method_and_url(client: httpx.Client) -> None:
    response = client.get("/api/v2/no-such-resource")
    assert (response.status_code, response.json()) == (
        404,
        {
            "statusCode": 404,
            "error": "Not Found",
            "message": "Route GET:/api/v2/no-such-resource not found",
        },
    )


def test_wrong_method_is_404_like_fastify(client: httpx.Client) -> None:
    response = client.put("/api/v2/accounts/pause")
    assert response.json()["message"] == "Route PUT:/api/v2/accounts/pause not found"


def test_trailing_slash_is_a_different_route(client: httpx.Client) -> None:
    assert client.get("/api/v2/accounts/").status_code == 404


def test_get_on_the_bulk_pause_path_is_a_get_account_named_pause(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts/pause")  # `pause` is not an email: the spec says so
    assert (response.status_code, response.json()["message"]) == (
        400,
        'params/email must match format "email"',
    )


def test_head_answers_like_get_without_a_body(client: httpx.Client) -> None:
    response = client.head("/api/v2/accounts")
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "querystring/limit must be >= 1"),
        ("101", "querystring/limit must be <= 100"),
        ("ten", "querystring/limit must be integer"),
        ("2.5", "querystring/limit must be integer"),
    ],
)
def test_bad_limit_is_400(client: httpx.Client, limit: str, message: str) -> None:
    response = client.get("/api/v2/accounts", params={"limit": limit})
    assert (response.status_code, response.json()["message"]) == (400, message)


def test_limit_100_is_accepted(client: httpx.Client) -> None:
    assert client.get("/api/v2/background-jobs", params={"limit": 100}).status_code == 200


def test_repeated_limit_is_400(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts", params=[("limit", "1"), ("limit", "2")])
    assert response.json()["message"] == "querystring/limit must be integer"


def test_status_outside_the_enum_is_400(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts", params={"status": 9})
    assert (
        response.json()["message"]
        == "querystring/status must be equal to one of the allowed values"
    )


def test_unknown_acc_filter_is_400(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts", params={"filter": "ACC_FILTER_EVERYTHING"})
    assert (
        response.json()["message"]
        == "querystring/filter must be equal to one of the allowed values"
    )


def test_unknown_job_type_is_400(client: httpx.Client) -> None:
    response = client.get("/api/v2/background-jobs", params={"type": "send-emails"})
    assert response.status_code == 400


def test_a_spec_parameter_the_fake_lacks_is_a_clear_400(client: httpx.Client) -> None:
    response = client.get("/api/v2/accounts", params={"sort_by": "email"})
    assert response.status_code == 400
    assert (
        "querystring/sort_by is not supported by instantly.testing.FakeInstantly"
        in (response.json()["message"])
    )


def test_query_parameters_outside_the_spec_are_ignored(client: httpx.Client) -> None:
    assert client.get("/api/v2/accounts", params={"utm": "x"}).status_code == 200


def test_invalid_json_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/api/v2/accounts/pause",
        content=b"{emails:",
        headers={"content-type": "application/json"},
    )
    assert response.json()["message"] == (
        "Body is not valid JSON but content-type is set to 'application/json'"
    )


def test_empty_json_body_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/api/v2/accounts/pause", content=b"", headers={"content-type": "application/json"}
    )
    assert response.json()["message"] == (
        "Body cannot be empty when content-type is set to 'application/json'"
    )


def test_non_json_body_is_415(client: httpx.Client) -> None:
    response = client.post(
        "/api/v2/accounts/pause", content=b"emails=a", headers={"content-type": "text/plain"}
    )
    assert (response.status_code, response.json()["error"]) == (415, "Unsupported Media Type")


def test_body_that_is_not_an_object_is_400(client: httpx.Client) -> None:
    response = client.post("/api/v2/accounts/pause", json=["a@b.co"])
    assert response.json()["message"] == "body must be object"


def test_request_log_records_method_path_query_body_and_status(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    client.get("/api/v2/accounts", params={"limit": 2})
    client.post("/api/v2/accounts/pause", json={"emails": ["sender001@example.com"]})
    assert [(r.method, r.path, r.query, r.json, r.status) for r in fake.requests] == [
        ("GET", "/api/v2/accounts", {"limit": "2"}, None, 200),
        ("POST", "/api/v2/accounts/pause", {}, {"emails": ["sender001@example.com"]}, 200),
    ]


def test_request_log_keeps_the_response_body(fake: FakeInstantly, client: httpx.Client) -> None:
    client.get("/api/v2/accounts/nobody@example.com")
    assert fake.requests[-1].response_json["message"] == "Account not found"


def test_requests_to_counts_sends_of_one_operation(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    for _ in range(2):
        client.post("/api/v2/accounts/warmup/disable", json={"include_all_emails": True})
    assert len(fake.requests_to("post", "/api/v2/accounts/warmup/disable")) == 2


def test_log_limit_keeps_only_the_newest_requests(clock: object) -> None:
    fake = FakeInstantly(rate_limit=None, log_limit=2)
    for path in ("/a", "/b", "/c"):
        fake.handle("GET", path)
    assert [r.path for r in fake.requests] == ["/b", "/c"]


def test_clear_requests_empties_the_log(fake: FakeInstantly, client: httpx.Client) -> None:
    client.get("/api/v2/accounts")
    fake.clear_requests()
    assert fake.requests == []


def test_handle_is_usable_without_httpx(fake: FakeInstantly) -> None:
    response = fake.handle(
        "GET", "/api/v2/accounts", query="limit=1", headers={"Authorization": "Bearer k"}
    )
    assert (response.status, len(response.json()["items"])) == (200, 1)
