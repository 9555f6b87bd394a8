"""One API operation as the generated resource layer describes it, and how a call becomes a request.

`Operation` holds what the spec says of an operation (method, path, inputs and their constraints,
what a 2xx parses into, whether it pages or starts a job, whether it may be repeated) as plain
data, emitted per resource by `scripts/resource_layer`. `prepare` turns the arguments of a call
into the parts of an httpx request after checking them; it sends nothing.
"""

from __future__ import annotations

import datetime
import importlib
import math
import string
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from ._email_addresses import validate_email
from ._errors import InvalidInputError
from ._request_validation import check_value

__all__ = ["Call", "Operation", "Prepared", "operation", "prepare", "to_json"]


class Operation:
    """An operation of the spec: its route, inputs, result and semantics (generated data).

    `path_params`, `query` and `body` map each Python argument name to its wire name.
    `returns` is `(module, class)` of what a 2xx parses into (a generated model, or a builtin
    for lists, text and untyped JSON); `("httpx", "Response")`: the raw response is returned (no
    2xx declared, or a generic method, whose `body=` is sent as given). `pages` says where a
    cursor goes ("query"/"body").
    A plain slotted class: the resource modules build one per operation at import.
    """

    __slots__ = (
        "_parser", "_result_class", "accept", "body", "body_model", "body_required", "id", "job",
        "method", "module", "pages", "path", "path_params", "query", "repeatable", "returns",
        "schema",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        method: str,
        path: str,
        module: str,
        returns: tuple[str, str],
        path_params: tuple[tuple[str, str], ...] = (),
        query: tuple[tuple[str, str], ...] = (),
        body: tuple[tuple[str, str], ...] = (),
        body_model: tuple[str, str] | None = None,
        body_required: bool = False,
        schema: Mapping[str, Any] | None = None,
        pages: str | None = None,
        job: bool = False,
        repeatable: bool = False,
        accept: str | None = None,
    ) -> None:
        self.id = id
        self.method = method
        self.path = path
        self.module = module
        self.returns = returns
        self.path_params = path_params
        self.query = query
        self.body = body
        self.body_model = body_model
        self.body_required = body_required
        self.schema: Mapping[str, Any] = schema or {}
        self.pages = pages
        self.job = job
        self.repeatable = repeatable
        self.accept = accept  # the media type of a 2xx that is not JSON (the Accept to send)
        self._parser: Any = None
        self._result_class: type | None = None

    def __repr__(self) -> str:
        return f"<Operation {self.id}: {self.route}>"

    @property
    def route(self) -> str:
        """`METHOD /path/{template}`, as api.md and log lines name it."""
        return f"{self.method} {self.path}"

    def result_class(self) -> type:
        """The class a 2xx body parses into (imported on first use, then kept)."""
        if self._result_class is None:
            module, name = self.returns
            if module == "builtins":
                found = {"list": list, "str": str, "object": object, "NoneType": type(None)}[name]
            elif (module, name) == ("typing", "Any"):
                found = object  # an untyped body (shareCampaign's `{}` schema): any JSON value
            else:
                found = getattr(importlib.import_module(module), name)
            assert isinstance(found, type)
            self._result_class = found
        return self._result_class

    def parser(self) -> Any:
        """The generated parser of this operation's endpoint module (`parse_response`, kept)."""
        if self._parser is None:
            self._parser = importlib.import_module(self.module).parse_response
        return self._parser


class Prepared(NamedTuple):
    """The checked parts of a request: the path with its parameters, query and JSON body."""

    url: str
    params: dict[str, Any]
    json: dict[str, Any] | None


_MISSING = object()


def _is_unset(value: object) -> bool:
    """Not given: the generated code's UNSET, or absent from the arguments."""
    return value is _MISSING or type(value).__name__ == "Unset"


def to_json(value: Any, path: str) -> Any:
    """`value` as JSON-ready data: models via `to_dict`, dates as ISO strings, tuples as lists."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"{path}={value!r} is not accepted: a number must be finite")
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and hasattr(type(value), "__attrs_attrs__"):
        return to_json(to_dict(), path)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInputError(f"{path} has the key {key!r}; JSON keys must be str")
            if not _is_unset(item):
                out[key] = to_json(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [to_json(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise InvalidInputError(
        f"{path} is a {type(value).__name__} ({value!r:.60}), which cannot be sent as JSON; "
        "give a str, number, bool, None, a list, a dict or a model"
    )


def _path_segment(name: str, value: object) -> str:
    """A path parameter as one URL segment: a non-empty str that cannot change the route."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a str, got {type(value).__name__} {value!r:.60}")
    if value.strip() in ("", ".", ".."):
        raise InvalidInputError(
            f"{name}={value!r} cannot address a resource: it would change the request path; "
            f"give a non-empty {name}"
        )
    if _SEGMENT_CHARS.issuperset(value):  # an id or an address: what quote() gives, at once
        return value.replace("@", "%40")
    return quote(value, safe="")


# What quote(value, safe="") keeps as it is, and "@" (which it writes %40).
_SEGMENT_CHARS = frozenset(string.ascii_letters + string.digits + "_.-~@")


def _comma_joined(name: str, value: Any) -> Any:
    """A list given for a comma-separated parameter, joined (each item a str without a comma)."""
    if not isinstance(value, list | tuple):
        return value
    bad = [v for v in value if not isinstance(v, str) or not v or "," in v]
    if bad:
        raise InvalidInputError(
            f"{name} must hold non-empty strings without commas, got {bad[0]!r:.60}"
        )
    return ",".join(value)


def _query_value(name: str, value: Any, schema: Mapping[str, Any]) -> Any:
    """A query value httpx sends as the API expects (lists repeat the parameter, or are joined
    by commas where the spec says the parameter takes comma-separated values)."""
    if schema.get("x-comma-list"):
        value = _comma_joined(name, value)
    data = to_json(value, name)
    if isinstance(data, dict):
        raise InvalidInputError(f"{name}={value!r:.60} cannot be sent as a query parameter")
    return data


def _body(operation: Operation, args: Mapping[str, Any]) -> dict[str, Any] | None:
    given = {wire: args[py] for py, wire in operation.body if not _is_unset(args.get(py, _MISSING))}
    whole = args.get("body", _MISSING)
    if not _is_unset(whole):
        if given:
            raise InvalidInputError(
                f"{operation.id}: pass the body either as body= or as keyword arguments "
                f"({', '.join(sorted(given))}), not both"
            )
        data = to_json(whole, "body")
        if operation.returns == ("httpx", "Response") and operation.body_model is None:
            return data  # type: ignore[no-any-return]  # generic: sent as given (any JSON)
        if not isinstance(data, dict):
            raise InvalidInputError(f"body must be a dict or a model, got {type(whole).__name__}")
        return data
    if operation.body_model is None or (not given and not operation.body_required):
        return None
    return {wire: to_json(value, wire) for wire, value in given.items()}


def prepare(operation: Operation, args: Mapping[str, Any]) -> Prepared:
    """Check the call's arguments against the spec and build the request's parts.

    Raises `InvalidInputError` (naming the field and the value) before anything is sent.
    """
    schema = operation.schema
    url = operation.path
    path_schema = schema.get("path", {}).get("properties", {})
    for py, wire in operation.path_params:
        value = args.get(py)
        param_schema = path_schema.get(wire, {})
        if param_schema.get("format") == "email":
            value = validate_email(value)  # checked, the domain lower-cased as the API stores it
        else:
            check_value(param_schema, value, py)
        url = url.replace("{" + wire + "}", _path_segment(py, value))
    params: dict[str, Any] = {}
    if operation.query:
        query_schema = schema.get("query", {})
        query_properties = query_schema.get("properties", {})
        # None is "not given" for a query parameter: a query string has no null to send.
        params = {
            wire: _query_value(py, args[py], query_properties.get(wire, {}))
            for py, wire in operation.query
            if not _is_unset(args.get(py, _MISSING)) and args.get(py) is not None
        }
        check_value({"type": ["object"], **query_schema}, params, "")
    body = _body(operation, args)
    body_schema = schema.get("body", {})
    if body is not None:
        check_value(body_schema, body, "")
    elif "object" in body_schema.get("type", ()):
        # Nothing given for an object body: refuse it if the spec requires some field. A body the
        # spec declares as null (DELETE /api/v2/accounts/{email}) is not sent: nothing to check.
        check_value(body_schema, {}, "")
    return Prepared(url, params, body)


def operation(operation_id: str) -> Operation:
    """The generated `Operation` with this operationId (its resource module loads on first use)."""
    from instantly_api.resources import OPERATION_MODULES

    module = importlib.import_module(OPERATION_MODULES[operation_id])
    found: Operation = module.OPERATIONS[operation_id]
    return found


class Call:
    """Send one operation with these arguments; the plan gets the parsed 2xx back (or the error)."""

    __slots__ = ("args", "operation", "options")

    def __init__(
        self,
        operation: Operation,
        args: Mapping[str, Any],
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.operation = operation
        self.args = args
        self.options: Mapping[str, Any] = options or {}
