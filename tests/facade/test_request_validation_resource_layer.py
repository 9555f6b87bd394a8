"""Request validation over every operation: bad arguments are refused before anything is sent.

For each operation of the generated resources and each constraint its compact schema carries on
an argument (required, enum, minItems/maxItems, minimum/maximum, minLength/maxLength, pattern, the
formats email/uuid/date/date-time, type), an argument breaking it raises `InvalidInputError`
naming the field, with 0 requests sent; the spec's example arguments are sent. Hypothesis draws
the operation and the invalid value; the exhaustive walk over every case is marked slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NonInteractiveExampleWarning
from instantly import APIError, AsyncInstantly, Instantly, InvalidInputError
from instantly._operation import Operation, operation
from instantly._pagination import AsyncPaginator, SyncPaginator
from instantly._request_validation import json_type

from tests.contract._resource_calls import (
    ExampleCall,
    ResourceMethod,
    example_call,
    resource_methods,
)

API_KEY = "sk-test-validation"
KINDS = (
    "required",
    "enum",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "type",
)
# One value of each JSON type; a "type" case picks those its schema does not accept.
_ONE_OF_EACH_TYPE: tuple[Any, ...] = (12345, 1.5, True, "text", ["x"], {"a": 1})
_BAD_FORMAT: Mapping[str, list[str]] = {
    "email": ["not-an-email", "two@@example.com", "user@", "@example.com"],
    "uuid": ["not-a-uuid", "f9cc070d-8dba-4341-b847", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"],
    "date": ["2026-13-45", "yesterday", "21/08/2026"],
    "date-time": ["yesterday", "2026-08-21 25:61", "21/08/2026T10:00"],
}


@dataclass(frozen=True)
class Case:
    """One argument of one method and one constraint of it to break."""

    method: ResourceMethod
    location: str  # "path", "query" or "body"
    wire: str
    python: str
    kind: str
    schema: Mapping[str, Any]

    def __repr__(self) -> str:
        return f"{self.method.resource}.{self.method.method}:{self.python}:{self.kind}"


def _python_names(op: Operation, location: str) -> dict[str, str]:
    pairs = {"path": op.path_params, "query": op.query, "body": op.body}[location]
    return {wire: py for py, wire in pairs}


def _cases_of(method: ResourceMethod) -> Iterator[Case]:
    op = operation(str(method.operation_id))
    for location in ("path", "query", "body"):
        part = op.schema.get(location, {})
        names = _python_names(op, location)
        if location == "body" and "body" in names.values():
            continue  # a field called `body` only fits through the whole-body form
        for wire, schema in part.get("properties", {}).items():
            if wire not in names:
                continue
            kinds = [k for k in KINDS if k in schema and k != "required" and _breakable(k, schema)]
            if wire in part.get("required", ()) and location != "path":
                kinds.append("required")
            for kind in kinds:
                if kind == "format" and schema["format"] not in _BAD_FORMAT:
                    continue
                if kind == "pattern" and _not_matching(schema["pattern"]) is None:
                    continue
                yield Case(method, location, wire, names[wire], kind, schema)


def _breakable(kind: str, schema: Mapping[str, Any]) -> bool:
    """Whether some value breaks this constraint alone (minItems 0 cannot be broken)."""
    if kind in ("minItems", "minLength"):
        return bool(schema[kind] > 0)
    if kind == "type":
        return bool(_wrong_types(schema))
    return True


def _wrong_types(schema: Mapping[str, Any]) -> list[Any]:
    types = schema["type"]
    return [
        v
        for v in _ONE_OF_EACH_TYPE
        if json_type(v) not in types
        and not (json_type(v) == "integer" and "number" in types)
        and not (json_type(v) == "array" and schema.get("x-comma-list"))  # a list is joined
    ]


def _not_matching(pattern: str) -> str | None:
    for candidate in ("!! no match ~~", "", "0", "a" * 300, "\n"):
        if re.search(pattern, candidate) is None:
            return candidate
    return None


def _operation_methods() -> list[ResourceMethod]:
    return [m for m in resource_methods() if not m.helper and m.operation_id is not None]


CASES: list[Case] = [case for method in _operation_methods() for case in _cases_of(method)]


def _invalid_values(case: Case) -> st.SearchStrategy[Any]:
    """Values that break `case.kind` (and only need to break that one)."""
    schema = case.schema
    types = [t for t in schema.get("type", []) if t != "null"]
    if case.kind == "type":
        return st.sampled_from(_wrong_types(schema))
    if case.kind == "enum":
        known = schema["enum"]
        if types == ["string"]:
            return st.text(min_size=1, max_size=12).filter(lambda v: v not in known)
        return st.integers(-(10**6), 10**6).filter(lambda v: v not in known)
    if case.kind == "minimum":
        low = schema["minimum"]
        return (
            st.integers(int(low) - 10**6, int(low) - 1)
            if types == ["integer"]
            else st.sampled_from([low - 1, low - 0.5])
        )
    if case.kind == "maximum":
        high = schema["maximum"]
        return (
            st.integers(int(high) + 1, int(high) + 10**6)
            if types == ["integer"]
            else st.sampled_from([high + 1, high + 0.5])
        )
    if case.kind == "minLength":
        return st.text(max_size=max(schema["minLength"] - 1, 0)).filter(
            lambda v: len(v) < schema["minLength"]
        )
    if case.kind == "maxLength":
        return st.text(
            alphabet="abc", min_size=schema["maxLength"] + 1, max_size=schema["maxLength"] + 20
        )
    if case.kind == "minItems":
        return st.just([])
    if case.kind == "maxItems":
        return st.integers(schema["maxItems"] + 1, schema["maxItems"] + 5).map(
            lambda n: [_item(schema)] * n
        )
    if case.kind == "pattern":
        return st.just(_not_matching(schema["pattern"]))
    if case.kind == "format":
        return st.sampled_from(_BAD_FORMAT[schema["format"]])
    raise AssertionError(case.kind)


def _item(schema: Mapping[str, Any]) -> Any:
    items = schema.get("items", {})
    if "enum" in items:
        return items["enum"][0]
    kinds = items.get("type", ["string"])
    return {"string": "x@example.com", "integer": 1, "number": 1, "boolean": True}.get(kinds[0], {})


class Recorder:
    """A MockTransport handler that records what arrives and answers 200 {}."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


def _client(recorder: Recorder) -> Instantly:
    return Instantly(
        API_KEY, transport=httpx.MockTransport(recorder), rate_limit=None, max_retries=0
    )


def _with(case: Case, call: ExampleCall, value: Any) -> ExampleCall:
    """`call` with the argument of `case` set to `value` (or left out for "required")."""
    op = operation(str(case.method.operation_id))
    kwargs = dict(call.kwargs)
    args = list(call.args)
    if case.location == "path":
        index = [py for py, _ in op.path_params].index(case.python)
        args[index] = value
        return ExampleCall(tuple(args), kwargs)
    if case.kind == "required":
        kwargs.pop(case.python, None)
    else:
        kwargs[case.python] = value
    return ExampleCall(tuple(args), kwargs)


def _invoke(client: Instantly, method: ResourceMethod, call: ExampleCall) -> None:
    result = getattr(getattr(client, method.resource), method.method)(*call.args, **call.kwargs)
    if isinstance(result, SyncPaginator):
        list(islice(result.iter_pages(), 1))


def _assert_refused(case: Case, value: Any) -> None:
    call = example_call(case.method)
    assert call is not None
    recorder = Recorder()
    # A required argument left out of the signature's keywords is Python's own TypeError (naming
    # it); everything else is the facade's InvalidInputError.
    expected = (InvalidInputError, TypeError) if case.kind == "required" else InvalidInputError
    with _client(recorder) as client, pytest.raises(expected) as raised:
        _invoke(client, case.method, _with(case, call, value))
    message = str(raised.value)
    assert case.wire in message or case.python in message, f"{case!r}: {message}"
    assert recorder.requests == [], f"{case!r} sent {len(recorder.requests)} request(s)"


def test_every_constraint_kind_is_met_somewhere_in_the_spec() -> None:
    assert {case.kind for case in CASES} == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_an_argument_breaking_a_constraint_is_refused_naming_it_before_sending(
    kind: str, data: st.DataObject
) -> None:
    case = data.draw(st.sampled_from([c for c in CASES if c.kind == kind]), label="case")
    value = None if kind == "required" else data.draw(_invalid_values(case), label="value")
    _assert_refused(case, value)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_every_constraint_of_every_operation_refuses_a_breaking_argument(case: Case) -> None:
    # One drawn value per case (the per-kind test above searches further): 1,265 @given tests in
    # one session deepened Hypothesis's settings fallback chain until a RecursionError.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        value = None if case.kind == "required" else _invalid_values(case).example()
    _assert_refused(case, value)


@pytest.mark.parametrize("method", _operation_methods(), ids=lambda m: f"{m.resource}.{m.method}")
def test_the_spec_example_arguments_are_sent(method: ResourceMethod) -> None:
    call = example_call(method)
    assert call is not None
    recorder = Recorder()
    with _client(recorder) as client:
        try:
            _invoke(client, method, call)
        except InvalidInputError:
            raise
        except APIError:
            pass  # `{}` is no valid answer for most operations: only the request matters here
    assert len(recorder.requests) == 1, method.label


async def test_the_async_client_refuses_the_same_arguments_before_sending() -> None:
    case = next(c for c in CASES if c.kind == "format" and c.schema["format"] == "email")
    call = example_call(case.method)
    assert call is not None
    bad = _with(case, call, "two@@example.com")
    recorder = Recorder()
    async with AsyncInstantly(
        API_KEY, transport=httpx.MockTransport(recorder), rate_limit=None
    ) as client:
        with pytest.raises(InvalidInputError):
            result = getattr(getattr(client, case.method.resource), case.method.method)(
                *bad.args, **bad.kwargs
            )
            if not isinstance(result, AsyncPaginator):
                await result
    assert recorder.requests == []


# --- bodies the spec declares as null, and an empty body -----------------------------------------

NULL_BODY = [
    m
    for m in _operation_methods()
    if operation(str(m.operation_id)).schema.get("body", {}).get("type") == ["null"]
]


@pytest.mark.parametrize("method", NULL_BODY, ids=lambda m: f"{m.resource}.{m.method}")
def test_an_operation_whose_body_is_null_is_sent_without_a_body(method: ResourceMethod) -> None:
    call = example_call(method)
    assert call is not None
    recorder = Recorder()
    with _client(recorder) as client, contextlib.suppress(APIError):
        _invoke(client, method, call)
    assert len(recorder.requests) == 1
    assert recorder.requests[0].content == b""


def test_an_update_without_fields_is_refused_naming_the_request_body() -> None:
    recorder = Recorder()
    with _client(recorder) as client, pytest.raises(InvalidInputError, match="request body"):
        client.accounts.update("user@example.com")
    assert recorder.requests == []


def test_the_async_null_body_delete_is_sent() -> None:
    recorder = Recorder()

    async def run() -> None:
        async with AsyncInstantly(
            API_KEY, transport=httpx.MockTransport(recorder), rate_limit=None, max_retries=0
        ) as client:
            with contextlib.suppress(APIError):
                await client.leads.delete("f9cc070d-8dba-4341-b847-f083c358e460")

    asyncio.run(run())
    assert [r.method for r in recorder.requests] == ["DELETE"]


@pytest.mark.parametrize(
    ("call", "named"),
    [
        # The spec's anyOf of requirements, folded by the normalizer, is still checked.
        (
            lambda c: c.emails.forward(
                reply_to_uuid="f9cc070d-8dba-4341-b847-f083c358e460",
                eaccount="jon@example.com",
                to_address_email_list="ann@example.com",
                subject="Fwd: hello",
            ),
            "required argument(s) 'body'; or missing the required argument(s) "
            "'include_original_body'",
        ),
        # A bulk delete scoped to neither a campaign nor a list is refused, not sent.
        (
            lambda c: c.leads.bulk_delete(limit=10),
            "required argument(s) 'campaign_id'; or missing the required argument(s) 'list_id'",
        ),
    ],
)
def test_a_body_missing_every_alternative_requirement_is_refused_before_sending(
    call: Any, named: str
) -> None:
    recorder = Recorder()
    with _client(recorder) as client, pytest.raises(InvalidInputError) as raised:
        call(client)
    assert "matches none of the accepted shapes" in str(raised.value)
    assert named in str(raised.value)
    assert recorder.requests == []


def test_emails_forward_takes_its_required_fields_as_keyword_arguments() -> None:
    # The body's `anyOf` (`body` or `include_original_body`) only asserts requirements: one
    # model with every field, so each field is a keyword (`body` as `body_`, `body=` is taken).
    recorder = Recorder()
    with _client(recorder) as client, contextlib.suppress(APIError):
        client.emails.forward(
            reply_to_uuid="f9cc070d-8dba-4341-b847-f083c358e460",
            eaccount="jon@example.com",
            to_address_email_list="ann@example.com",
            subject="Fwd: hello",
            body_={"text": "FYI"},
        )
    assert len(recorder.requests) == 1
    assert json.loads(recorder.requests[0].content) == {
        "reply_to_uuid": "f9cc070d-8dba-4341-b847-f083c358e460",
        "eaccount": "jon@example.com",
        "to_address_email_list": "ann@example.com",
        "subject": "Fwd: hello",
        "body": {"text": "FYI"},
    }
