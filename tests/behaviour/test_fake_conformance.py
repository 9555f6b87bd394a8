"""The fake against the pinned spec: routes, the facts it keeps by hand, every status it sends.

(Every other behaviour test's traffic is also validated, at fixture teardown; see conftest.py.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, Fault, RecordedRequest, ServerRateLimit
from instantly.testing._spec_routes import routes

if TYPE_CHECKING:
    from conftest import SpecChecker


def operation(spec: SpecChecker, method: str, template: str) -> dict[str, Any]:
    op: dict[str, Any] = spec.spec["paths"][template][method.lower()]
    return op


def request_body(spec: SpecChecker, template: str) -> dict[str, Any]:
    schema: dict[str, Any] = operation(spec, "post", template)["requestBody"]["content"][
        "application/json"
    ]["schema"]
    return schema


def test_every_route_is_an_operation_of_the_spec(spec: SpecChecker) -> None:
    for route in routes():
        op = route.operation
        assert operation(spec, op.method, op.path)["operationId"] == route.id


def test_the_checker_rejects_a_response_that_breaks_the_spec(spec: SpecChecker) -> None:
    bad_account = {"email": "a@b.co", "status": 1}  # required fields missing
    record = RecordedRequest(
        seq=1,
        time=0.0,
        method="GET",
        path="/api/v2/accounts/a@b.co",
        query={},
        json=None,
        status=200,
        delivered=True,
        response_body=json.dumps(bad_account).encode(),
    )
    with pytest.raises(AssertionError, match="is a required property"):
        spec.check_response(record)


def test_an_account_with_every_optional_field_set_validates(spec: SpecChecker) -> None:
    fake = FakeInstantly(rate_limit=None)
    fake.add_account(
        "full@example.com",
        daily_limit_max=50,
        warmup_limit_max=40,
        tracking_domain_name="track.example.com",
        tracking_domain_status="active",
        status_message={"code": "EENVELOPE", "responseCode": 550},
        reply_to="replies@example.com",
        autofix_failed=None,
    )
    fake.handle("GET", "/api/v2/accounts/full@example.com", headers={"authorization": "Bearer k"})
    spec.check_all(fake)


def test_every_route_and_status_the_fake_sends_validates(
    spec: SpecChecker, clock: FakeClock
) -> None:
    """One scenario that makes the fake send each documented status of each of its operations."""
    fake = FakeInstantly(clock=clock, rate_limit=ServerRateLimit(per_second=1000, per_minute=None))
    fake.seed_accounts(3)
    auth = {"Authorization": "Bearer k"}
    job_holder: list[str] = []

    def requests(job_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            ("GET", "/api/v2/accounts", {"params": {"limit": 2}}),
            ("GET", "/api/v2/accounts/sender001@example.com", {}),
            ("POST", "/api/v2/accounts/sender001@example.com/pause", {}),
            ("POST", "/api/v2/accounts/sender001@example.com/resume", {}),
            ("POST", "/api/v2/accounts/pause", {"json": {"emails": ["sender002@example.com"]}}),
            ("POST", "/api/v2/accounts/warmup/enable", {"json": {"include_all_emails": True}}),
            (
                "POST",
                "/api/v2/accounts/warmup/disable",
                {"json": {"emails": ["sender003@example.com"]}},
            ),
            ("GET", "/api/v2/background-jobs", {"params": {"limit": 1}}),
            (
                "GET",
                f"/api/v2/background-jobs/{job_id}",
                {"params": {"data_fields": "success_count"}},
            ),
        ]

    with httpx.Client(
        transport=fake.transport(), base_url="https://api.instantly.ai", headers=auth
    ) as http:
        job_holder.append(
            http.post("/api/v2/accounts/warmup/disable", json={"emails": []}).json()["id"]
        )
        plan = requests(job_holder[0])
        for method, path, kwargs in plan:  # 200
            assert http.request(method, path, **kwargs).status_code == 200
        for method, path, kwargs in plan:  # 401
            assert (
                http.request(method, path, headers={"Authorization": ""}, **kwargs).status_code
                == 401
            )
        fake.paid_plan = False
        for method, path, kwargs in plan:  # 402
            assert http.request(method, path, **kwargs).status_code == 402
        fake.paid_plan = True
        for method, path, kwargs in plan:  # 429
            fake.faults.add(Fault.rate_limited())
            assert http.request(method, path, **kwargs).status_code == 429
        for path in (
            "/api/v2/accounts/ghost@example.com",
            "/api/v2/accounts/ghost@example.com/pause",
            "/api/v2/accounts/ghost@example.com/resume",
            "/api/v2/background-jobs/ghost",
        ):  # 404
            method = "GET" if "pause" not in path and "resume" not in path else "POST"
            assert http.request(method, path).status_code == 404
        for method, path, kwargs in plan:  # 400 (undocumented for these operations)
            if "json" in kwargs:
                assert http.request(method, path, json={"emails": 5}).status_code == 400
        for path in ("/api/v2/accounts", "/api/v2/background-jobs"):
            assert http.get(path, params={"limit": 0}).status_code == 400
    spec.checked.clear()
    spec.check_all(fake)
    accounts_and_jobs = (
        "listAccount", "getAccount", "pauseAccount", "resumeAccount", "pauseAccounts",
        "enableWarmupForAccounts", "disableWarmupForAccounts", "listBackgroundJob",
        "getBackgroundJob",
    )  # fmt: skip
    expected = {(r, s) for r in accounts_and_jobs for s in (200, 400, 401, 402, 429)}
    expected -= {
        ("getAccount", 400),
        ("pauseAccount", 400),
        ("resumeAccount", 400),
        ("getBackgroundJob", 400),
    }
    expected |= {
        (op, 404) for op in ("getAccount", "pauseAccount", "resumeAccount", "getBackgroundJob")
    }
    assert expected <= spec.checked


@pytest.mark.parametrize(
    ("template", "body"),
    [
        ("/api/v2/accounts/pause", {"emails": ["a@b.co"]}),
        ("/api/v2/accounts/pause", {"emails": []}),
        ("/api/v2/accounts/pause", {"emails": ["a@b.co"] * 101}),
        ("/api/v2/accounts/pause", {"emails": [1]}),
        ("/api/v2/accounts/pause", {"emails": "a@b.co"}),
        ("/api/v2/accounts/pause", {}),
        ("/api/v2/accounts/pause", {"emails": ["a@b.co"], "extra": 1}),
        ("/api/v2/accounts/warmup/disable", {"emails": ["a@b.co"] * 100}),
        ("/api/v2/accounts/warmup/disable", {"emails": ["a@b.co"] * 101}),
        ("/api/v2/accounts/warmup/disable", {"include_all_emails": True, "filter": None}),
        (
            "/api/v2/accounts/warmup/disable",
            {"include_all_emails": True, "filter": {"filter": "X"}},
        ),
        ("/api/v2/accounts/warmup/disable", {"include_all_emails": 1}),
        ("/api/v2/accounts/warmup/enable", {"include_all_emails": True, "excluded_emails": [2]}),
        ("/api/v2/accounts/warmup/enable", {"emails": ["a@b.co"], "search": None}),
    ],
)
def test_the_fake_accepts_a_body_exactly_when_the_spec_does(
    spec: SpecChecker,
    fake: FakeInstantly,
    client: httpx.Client,
    template: str,
    body: dict[str, Any],
) -> None:
    from jsonschema import Draft202012Validator

    valid = Draft202012Validator(request_body(spec, template)).is_valid(body)
    status = client.post(template, json=body).status_code
    assert (status == 200, status) == (valid, 200 if valid else 400)
