"""Every operation of the pin, called through the facade on the fake, answers a 2xx of its schema.

Each operation's method is called with the arguments the contract tests build from the spec's
examples (`tests/contract/_resource_calls.py`) on a fresh fake whose records the call names
exist (seeded through the fake's own API: `add_record`, `add_account`, `jobs.start`). The
`fake` fixture then checks every request the fake accepted against the operation's request
schema and every response against its response schema (tests/behaviour/conftest.py). The
client runs strict when it has the option (raise on any response that deviates from the spec).
"""

from __future__ import annotations

import inspect
import json
from itertools import islice
from typing import Any

import pytest
from instantly import Instantly
from instantly._operation import operation
from instantly._pagination import SyncPaginator
from instantly.testing import FakeInstantly
from instantly.testing._spec_routes import SpecRoute, routes
from instantly_api.resources import OPERATION_MODULES

from tests.behaviour.conftest import API_KEY, SpecChecker
from tests.contract._resource_calls import ResourceMethod, _bound, example_call, resource_methods

pytestmark = pytest.mark.usefixtures("spec")


def _method_of(operation_id: str) -> ResourceMethod:
    """The generated method that sends the operation (a helper only when there is none)."""
    candidates = [m for m in resource_methods() if m.operation_id == operation_id]
    return sorted(candidates, key=lambda m: m.helper)[0]


def _path_values(method: ResourceMethod, args: tuple[Any, ...]) -> dict[str, str]:
    """The call's path parameters by their wire names."""
    op = operation(str(method.operation_id))
    signature = inspect.signature(_bound(method.resource, method.method))
    names = [
        name
        for name, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and name != "self"
    ]
    wire = dict(op.path_params)
    return {wire[n]: str(v) for n, v in zip(names, args, strict=False) if n in wire}


def _seed(fake: FakeInstantly, route: SpecRoute, params: dict[str, str]) -> None:
    """Make the records the call names exist, through the fake's seeding API."""
    item = route.owner or (
        f"{route.collection}/{{{route.key}}}" if route.role in ("get", "patch", "delete") else None
    )
    if "/background-jobs/" in route.operation.path:
        params["id"] = fake.jobs.start()["id"]
        return
    if item is None:
        return
    head, _, last = item.rpartition("/")
    key = last.strip("{}")
    if head == "/api/v2/accounts":
        fake.add_account(params[key])
        return
    collection = "/".join(
        params.get(p[1:-1], p) if p.startswith("{") else p for p in head.split("/")
    )
    if collection == "/api/v2/email-verification":  # kept by its store: verify the address
        fake.verifications.set_result(params[key], "verified")
        fake.handle(
            "POST",
            collection,
            headers={"authorization": "Bearer k", "content-type": "application/json"},
            body=json.dumps({"email": params[key]}).encode(),
        )
        return
    fake.seed_accounts(1)  # sender001@example.com, the seeded campaign's sending account
    fields = _CAMPAIGN if collection == "/api/v2/campaigns" else {}
    fake.add_record(collection, **{key: params[key], **fields})


def _fitted(
    fake: FakeInstantly, operation_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The example call made valid where the hand-written behaviour needs more than the schema:
    leads go to exactly one of a campaign or a list; a reply names an email the fake holds."""
    if operation_id in ("bulkAddLeads", "moveLeads"):
        key = "list_id" if operation_id == "bulkAddLeads" else "to_list_id"
        kwargs = {k: v for k, v in kwargs.items() if "campaign" not in k and "list" not in k}
        kwargs[key] = fake.leads.add_list("Imported")["id"]
    if operation_id in ("replyToEmail", "markThreadAsRead"):
        fake.seed_accounts(1)
        email = fake.emails.receive_reply(lead="lead@example.com", eaccount="sender001@example.com")
        if operation_id == "replyToEmail":
            kwargs.update(reply_to_uuid=email["id"], eaccount="sender001@example.com")
            kwargs["body_"] = {"text": "Thanks!"}
        else:
            args = (email["thread_id"],)
    return args, kwargs


_CAMPAIGN = {
    "name": "Seeded",
    "campaign_schedule": {
        "schedules": [
            {
                "name": "Weekdays",
                "timing": {"from": "09:00", "to": "17:00"},
                "days": {"1": True},
                "timezone": "Etc/GMT+12",
            }
        ]
    },
    "email_list": ["sender001@example.com"],
    "sequences": [
        {"steps": [{"type": "email", "delay": 1, "variants": [{"subject": "Hi", "body": "Hello"}]}]}
    ],
}


OPERATION_IDS = sorted(OPERATION_MODULES)


def test_the_fake_serves_every_operation_of_the_pin() -> None:
    assert sorted(r.id for r in routes()) == OPERATION_IDS
    assert len(OPERATION_IDS) >= 240


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_every_operation_answers_a_2xx_of_its_schema_through_the_facade(
    operation_id: str, fake: FakeInstantly, spec: SpecChecker
) -> None:
    method = _method_of(operation_id)
    call = example_call(method)
    assert call is not None, f"{method.label}: no example call"
    route = next(r for r in routes() if r.id == operation_id)
    params = _path_values(method, call.args)
    _seed(fake, route, params)
    args, kwargs = call.args, dict(call.kwargs)
    if method.helper:
        fake.add_account("user@example.com")
    else:
        wire = [w for _, w in operation(operation_id).path_params]
        args = tuple(params.get(w, a) for w, a in zip(wire, args, strict=False))
    args, kwargs = _fitted(fake, operation_id, args, kwargs)
    options: dict[str, Any] = {"max_retries": 0, "rate_limit": None}
    if "strict" in inspect.signature(Instantly).parameters:
        options["strict"] = True
    with Instantly(API_KEY, transport=fake.transport(), **options) as client:
        result = getattr(getattr(client, method.resource), method.method)(*args, **kwargs)
        if isinstance(result, SyncPaginator):
            list(islice(result.iter_pages(), 1))
    sent = [r for r in fake.requests if r.status]
    assert sent and all(200 <= r.status < 300 for r in sent), [
        (r.path, r.status, r.response_json) for r in sent
    ]
