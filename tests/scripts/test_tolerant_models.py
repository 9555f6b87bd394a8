"""Every response model of the pin reads what the server sends (issue #20), walked exhaustively.

For each model reachable from an operation's 2xx body, a conforming body is built from the
model's own annotations; then, field by field, each kind of deviation the live server is known
to send is applied (a required field left out, null where the spec forbids it, "" or another
string where a date is declared, a value of another JSON type, a list where an object is
declared and the reverse, {} for a nested model with required fields, a wrong list item). Each
must: parse without raising, give back exactly the body that arrived from `to_dict()`, and be
reported once as (`Model.field`, kind); a strict record of it gives the `ResponseDeviationError`
naming that field. The operations returning a model are also driven through the facade's parser
(`parse_success`, as a resource method parses), tolerant and strict.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import pkgutil
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import instantly_api.resources
import pytest
from instantly._deviations import DeviationLog
from instantly._errors import ResponseDeviationError
from instantly._operation import parse_success
from instantly_api._tolerance import Deviation, collect
from instantly_api.client import AuthenticatedClient
from instantly_api.types import Unset

STAMP = "2026-01-02T03:04:05+00:00"  # ISO 8601 as datetime.isoformat() writes it: round-trips
DAY = "2026-01-02"
DATED = (datetime.datetime, datetime.date)
MAX_DEPTH = 4  # optional fields deeper than this are left out (recursive models stay finite)


def _operations() -> list[Any]:
    found = []
    for info in pkgutil.iter_modules(instantly_api.resources.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"instantly_api.resources.{info.name}")
            found.extend(module.OPERATIONS.values())
    return sorted(found, key=lambda op: op.id)


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and attrs.has(hint)


def _models_in(hint: Any) -> Iterator[type]:
    if _is_model(hint):
        yield hint
    for arg in typing.get_args(hint):
        yield from _models_in(arg)


def _response_models() -> list[type]:
    """Every model a 2xx body of the pin can hold, at any depth."""
    stack: list[type] = []
    for op in _operations():
        module = importlib.import_module(op.module)
        hints = typing.get_type_hints(module._parse_response, globalns=vars(module))
        stack.extend(_models_in(hints["return"]))
    seen: dict[str, type] = {}
    while stack:
        cls = stack.pop()
        if cls.__name__ not in seen:
            seen[cls.__name__] = cls
            for hint in typing.get_type_hints(cls).values():
                stack.extend(_models_in(hint))
    return [seen[name] for name in sorted(seen)]


def _members(hint: Any) -> tuple[Any, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(m for m in typing.get_args(hint) if m is not Unset)
    return (hint,)


def _fields(cls: type) -> list[tuple[str, str, bool, Any]]:
    """(attribute, JSON key, required, annotation) of each declared field."""
    hints = typing.get_type_hints(cls)
    table = importlib.import_module(cls.__module__)._FIELDS
    return [(name, key, required, hints[name]) for name, key, required in table]


def _sample(hint: Any, depth: int) -> Any:
    """A conforming JSON value of `hint` (the first member that is not null)."""
    member = next((m for m in _members(hint) if m is not type(None)), type(None))
    origin = typing.get_origin(member)
    if member is type(None):
        return None
    if _is_model(member):
        return body_of(member, depth + 1)
    if origin is list:
        (item,) = typing.get_args(member) or (Any,)
        return [_sample(item, depth + 1)] if depth < MAX_DEPTH else []
    if origin is dict:
        return {}
    return {
        str: "s",
        int: 7,
        float: 1.5,
        bool: True,
        datetime.datetime: STAMP,
        datetime.date: DAY,
    }.get(member, "any")


def body_of(cls: type, depth: int = 0) -> dict[str, Any]:
    """A conforming body of `cls`: every required field, and the optional ones near the top."""
    return {
        key: _sample(hint, depth)
        for _, key, required, hint in _fields(cls)
        if required or depth < MAX_DEPTH
    }


def _accepts(member: Any, value: object) -> bool:
    """Whether `member` takes a value of `value`'s JSON type (a date takes any string)."""
    if member is Any:
        return True
    if member is type(None):
        return value is None
    if isinstance(value, bool):
        return member is bool
    if member in DATED:
        return isinstance(value, str | int | float)
    if isinstance(value, int):
        return member in (int, float)
    if isinstance(value, float):
        return member is float
    if isinstance(value, str):
        return member is str
    if isinstance(value, list):
        return typing.get_origin(member) is list
    return isinstance(value, dict) and (_is_model(member) or typing.get_origin(member) is dict)


def _foreign(members: tuple[Any, ...]) -> object:
    """A value of a JSON type no member takes, else None (an `Any` takes everything)."""
    for value in (12345, "text", True, 1.5, [], {}):
        if not any(_accepts(m, value) for m in members):
            return value
    return None


Case = tuple[str, object, list[tuple[str, str]]]  # (what, value or MISSING, expected deviations)
MISSING = object()


def _cases(cls: type, name: str, required: bool, hint: Any) -> Iterator[Case]:
    """Each deviation of one field, with the (path, kind) list it must report."""
    members = _members(hint)
    path = f"{cls.__name__}.{name}"
    if required:
        yield "missing", MISSING, [(path, "missing")]
    if Any in members:
        return
    if type(None) not in members:
        yield "null", None, [(path, "null")]
    if any(m in DATED for m in members) and str not in members:
        yield "empty", "", [(path, "empty")]
        yield "format", "not a date", [(path, "format")]
    foreign = _foreign(members)
    if foreign is not None:
        yield "type", foreign, [(path, "type")]
    models = [m for m in members if _is_model(m)]
    lists = [m for m in members if typing.get_origin(m) is list]
    if models and not lists:
        yield "list for an object", [], [(path, "type")]
    if lists and not models and not any(typing.get_origin(m) is dict for m in members):
        yield "object for a list", {}, [(path, "type")]
    if len(models) == 1:
        nested = models[0]
        missing = [(f"{nested.__name__}.{n}", "missing") for n, _, r, _ in _fields(nested) if r]
        if missing:
            yield "{} for a model", {}, missing
    if len(lists) == 1 and len(members) == 1:
        (item,) = typing.get_args(lists[0]) or (Any,)
        bad = _foreign(_members(item))
        if bad is not None:
            yield "a wrong item", [_sample(item, MAX_DEPTH), bad], [(path + "[]", "type")]


def _read(cls: type, body: dict[str, Any]) -> tuple[Any, list[Deviation]]:
    with collect() as found:
        model = cls.from_dict(copy.deepcopy(body))  # type: ignore[attr-defined]
    return model, found


MODELS = _response_models()


def test_the_walk_covers_every_response_model_of_the_pin() -> None:
    assert len(MODELS) > 400
    assert {"Campaign", "CampaignCampaignSchedule", "Account"} <= {m.__name__ for m in MODELS}


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_a_conforming_body_parses_exactly_and_reports_nothing(cls: type) -> None:
    body = body_of(cls)
    model, found = _read(cls, body)
    assert (model.to_dict(), found) == (body, [])


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_each_deviation_on_each_field_is_kept_given_back_and_reported_once(cls: type) -> None:
    good = body_of(cls)
    checked = 0
    for name, key, required, hint in _fields(cls):
        for what, value, expected in _cases(cls, name, required, hint):
            body = {k: v for k, v in good.items() if k != key}
            if value is not MISSING:
                body[key] = copy.deepcopy(value)
            model, found = _read(cls, body)
            where = f"{cls.__name__}.{name}: {what}"
            assert model.to_dict() == body, where
            assert [(d.path, d.kind) for d in found] == expected, where
            error = DeviationLog(strict=True).record(
                "op", found, key=None, method="GET", path="/p", status_code=200, body=""
            )
            assert isinstance(error, ResponseDeviationError), where
            assert (error.field, error.kind) == expected[0], where
            checked += 1
    required_or_typed = [f for f in _fields(cls) if f[2] or Any not in _members(f[3])]
    assert checked or not required_or_typed, cls


def _returns_one_model(op: Any) -> bool:
    """Whether the operation's 2xx is one model (not a union of several, where a body missing a
    field of the first may be another member exactly)."""
    module = importlib.import_module(op.module)
    hints = typing.get_type_hints(module._parse_response, globalns=vars(module))
    return _is_model(op.result_class()) and len(set(_models_in(hints["return"]))) == 1


MODEL_OPERATIONS = [op for op in _operations() if _returns_one_model(op)]


def _response(body: Any, cls: type) -> httpx.Response:
    """The 2xx the operation documents (`...Response202` models answer 202), holding `body`."""
    request = httpx.Request("GET", "https://api.instantly.ai/api/v2/x")
    status = re.search(r"Response(2\d\d)", cls.__name__)
    return httpx.Response(int(status[1]) if status else 200, json=body, request=request)


@pytest.mark.parametrize("op", MODEL_OPERATIONS, ids=lambda op: op.id)
def test_a_method_returns_a_body_missing_a_required_field_and_strict_raises(op: Any) -> None:
    cls = op.result_class()
    fields = _fields(cls)
    name, key, _, _ = next((f for f in fields if f[2]), fields[0] if fields else ("", "", 0, 0))
    if not key:
        pytest.skip(f"{cls.__name__} declares no field")
    body = {k: v for k, v in body_of(cls).items() if k != key}
    raw = AuthenticatedClient(base_url="https://api.instantly.ai", token="k")
    log = DeviationLog(strict=False)
    parsed = parse_success(
        op.parser(), raw, _response(body, cls), cls, deviations=log, operation_id=op.id
    )
    assert parsed.to_dict() == body
    if any(f[2] for f in fields):
        assert [(d.operation, d.path) for d in log.entries] == [(op.id, f"{cls.__name__}.{name}")]
        with pytest.raises(ResponseDeviationError, match=rf"{cls.__name__}\.{name} \(missing\)"):
            parse_success(
                op.parser(), raw, _response(body, cls), cls, deviations=DeviationLog(strict=True)
            )


def test_a_union_of_models_still_takes_the_member_that_reads_the_body_exactly() -> None:
    from instantly_api.models import AIAgent, AIAgentPayloadType1

    payload = body_of(AIAgentPayloadType1)  # not Type0's: it lacks Type0's required campaign_id
    agent, found = _read(AIAgent, {**body_of(AIAgent), "payload": payload})
    assert (type(agent.payload), found) == (AIAgentPayloadType1, [])
    assert agent.to_dict()["payload"] == payload


def test_a_body_no_model_of_a_union_reads_exactly_is_read_by_the_first_tolerantly() -> None:
    from instantly_api.api.ai_agent import create_ai_agent
    from instantly_api.models import AIAgent

    body = {k: v for k, v in body_of(AIAgent).items() if k != "organization_id"}
    raw = AuthenticatedClient(base_url="https://api.instantly.ai", token="k")
    with collect() as found:
        agent = create_ai_agent._parse_response(client=raw, response=_response(body, AIAgent))
    assert type(agent) is AIAgent  # not AISalesAgent, the union's last member
    assert [(d.path, d.kind) for d in found] == [("AIAgent.organization_id", "missing")]
    assert agent.to_dict() == body
