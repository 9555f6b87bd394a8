"""Fixtures for the fake's behaviour tests, and the spec checker every test's traffic goes through.

Every `fake` built by the fixture is checked at teardown against the pinned spec (when a local copy
exists): each response against the operation's schema for its status, and each request the fake
accepted against the operation's request schema. So every behaviour test is also a conformance test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, RecordedRequest
from instantly.testing._spec_routes import match, routes
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scripts.spec_files import find_pinned_spec

BASE_URL = "https://api.instantly.ai"
API_KEY = "test-key-123"
START = datetime(2026, 3, 5, 23, 9, 47, 220000, tzinfo=UTC)
_SPEC_URI = "urn:instantly:api-v2"


@dataclass
class SpecChecker:
    """Validates the fake's traffic against the pinned spec (OpenAPI 3.1 = JSON Schema 2020-12)."""

    spec: dict[str, Any]
    registry: Registry[Any]
    checked: set[tuple[str, int]] = field(default_factory=set)
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict)

    def _validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            schema = {"$ref": f"{_SPEC_URI}#{quote(pointer)}"}
            self._validators[pointer] = Draft202012Validator(
                schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self._validators[pointer]

    @staticmethod
    def _op_pointer(template: str, method: str) -> str:
        return "/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method.lower()

    def response_schema_pointer(self, method: str, path: str, status: int) -> tuple[str, bool]:
        """Where the spec documents this response's schema, and whether it is the generic fallback.

        Statuses these operations do not document (400, 415, 404 of an unknown route) fall back to
        Fastify's error body as the spec documents it for createAccount's 400.
        """
        found = match(method, path)
        if found is not None:
            route = found[0].operation
            op = self.spec["paths"][route.path][route.method.lower()]
            if str(status) in op["responses"]:
                pointer = self._op_pointer(route.path, route.method)
                return pointer + f"/responses/{status}/content/application~1json/schema", False
        generic = self._op_pointer("/api/v2/accounts", "post")
        return generic + "/responses/400/content/application~1json/schema", True

    def check_response(self, record: RecordedRequest) -> None:
        """Validate one logged response (not injected 5xx pages: the spec cannot know them)."""
        if record.status == 0 or record.status >= 500 or record.method == "HEAD":
            return
        found = match(record.method, record.path)
        if (
            found is not None
            and 200 <= record.status < 300
            and (found[0].media != "application/json" or record.status == 204)
        ):
            return  # no JSON body (a 204, or the CSV download)
        pointer, generic = self.response_schema_pointer(record.method, record.path, record.status)
        instance = json.loads(record.response_body)
        if generic:
            # The fallback pins statusCode/error to 400's; check the shape and the status apart.
            assert instance["statusCode"] == record.status, instance
            instance = {**instance, "statusCode": 400, "error": "Bad Request"}
        errors = sorted(self._validator(pointer).iter_errors(instance), key=str)
        assert not errors, f"{record.method} {record.path} -> {record.status}: {errors[0]}"
        found = match(record.method, record.path)
        if found is not None:
            self.checked.add((found[0].id, record.status))

    def check_request(self, record: RecordedRequest) -> None:
        """Validate an accepted (2xx) request's query and JSON body against the operation."""
        found = match(record.method, record.path)
        if found is None or not 200 <= record.status < 300:
            return
        route = found[0].operation
        pointer = self._op_pointer(route.path, route.method)
        op = self.spec["paths"][route.path][route.method.lower()]
        params = {
            p["name"]: i for i, p in enumerate(op.get("parameters", [])) if p["in"] == "query"
        }
        for name, raw in record.query.items():
            if name not in params:
                continue
            schema = op["parameters"][params[name]]["schema"]
            value: Any = raw
            if schema.get("type") in ("integer", "number"):
                value = float(raw) if "." in raw else int(raw)
            elif schema.get("type") == "boolean":
                value = raw == "true"
            sub = f"{pointer}/parameters/{params[name]}/schema"
            errors = list(self._validator(sub).iter_errors(value))
            assert not errors, f"query {name}={raw!r} breaks the spec: {errors[0].message}"
        if "requestBody" in op and record.json is not None:
            sub = f"{pointer}/requestBody/content/application~1json/schema"
            errors = list(self._validator(sub).iter_errors(record.json))
            assert not errors, f"accepted body {record.json!r} breaks the spec: {errors[0].message}"

    def check_all(self, fake: FakeInstantly) -> None:
        """Validate every request and response the fake logged."""
        for record in fake.requests:
            self.check_response(record)
            self.check_request(record)


@pytest.fixture(scope="session")
def spec_checker() -> SpecChecker | None:
    """The checker over the pinned spec, or None when no local copy exists."""
    path = find_pinned_spec()
    if path is None:
        return None
    spec = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return SpecChecker(spec, registry)


@pytest.fixture
def spec(spec_checker: SpecChecker | None) -> SpecChecker:
    """The spec checker; skips the test when the pinned spec is not available locally."""
    if spec_checker is None:
        pytest.skip(
            "pinned spec not found locally (see scripts/spec_files.py; set INSTANTLY_SPEC_DIR)"
        )
    return spec_checker


@pytest.fixture
def clock() -> FakeClock:
    """A manual clock at 1000.0 s."""
    return FakeClock(1000.0)


@pytest.fixture
def fake(clock: FakeClock, spec_checker: SpecChecker | None) -> Iterator[FakeInstantly]:
    """A fake on the manual clock, no rate limit, 5 accounts; its traffic is spec-checked after."""
    instance = FakeInstantly(clock=clock, start_time=START, rate_limit=None)
    instance.seed_accounts(5)
    yield instance
    if spec_checker is not None:
        spec_checker.check_all(instance)


@pytest.fixture
def client(fake: FakeInstantly, clock: FakeClock) -> Iterator[httpx.Client]:
    """A sync httpx client on the fake's in-process transport (sleeps advance the clock)."""
    with httpx.Client(
        transport=fake.transport(sleep=clock.sleep),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as http:
        yield http


@pytest.fixture
async def aclient(fake: FakeInstantly, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    """An async httpx client on the same transport."""
    async with httpx.AsyncClient(
        transport=fake.transport(async_sleep=clock.async_sleep),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as http:
        yield http


def all_routes() -> list[tuple[str, str]]:
    """(method, template) of every route the fake serves."""
    return [(r.operation.method, r.operation.path) for r in routes()]


@pytest.fixture(autouse=True)
def strict_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every client these tests make reads strictly (`strict=True` by default): an answer that
    differs from the spec raises `ResponseDeviationError`, so a model regression fails here
    instead of being kept and recorded as it would be for a user."""
    from instantly._client import _ClientBase

    defaults = _ClientBase.__init__.__kwdefaults__
    assert defaults is not None and defaults["strict"] is False
    monkeypatch.setitem(defaults, "strict", True)
