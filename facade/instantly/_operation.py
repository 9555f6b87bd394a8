"""One API operation as the generated resource layer describes it: a call's request, a 2xx's result.

`Operation` holds what the spec says of an operation (method, path, inputs and their constraints,
what a 2xx parses into, whether it pages or starts a job, whether it may be repeated) as plain
data, emitted per resource by `scripts/resource_layer`. `prepare` turns the arguments of a call
into the parts of an httpx request after checking them; it sends nothing. `read_result` turns a
2xx answer into what the call returns (a non-2xx is `_status_errors.status_error`'s).

Reading is tolerant of what the server really sends: values that differ from the spec inside a
usable body are kept by the generated models and reported to the client's `DeviationLog`; only a
body no caller can use (not JSON, empty, not the declared envelope) gives
`MalformedResponseError`, never a bare KeyError/TypeError/ValueError. Those errors are raised
outside the `except` that caught the parser's failure, scrubbed of the request's key: neither a
chained cause (whose message or `.doc` may hold an echoed key) nor a frame local holding the
parsed body travels with the error a caller sees.
"""

from __future__ import annotations

import datetime
import importlib
import json
import math
import string
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar, cast
from urllib.parse import quote

from ._email_addresses import validate_email
from ._errors import InvalidInputError
from ._request_validation import check_value

if TYPE_CHECKING:
    import httpx

    from ._deviations import DeviationLog
    from ._errors import MalformedResponseError, ResponseDeviationError

T = TypeVar("T")

__all__ = [
    "Call",
    "Operation",
    "Prepared",
    "operation",
    "parse_success",
    "prepare",
    "read_result",
    "to_json",
]


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


# What a 2xx parses into when the spec promises no model: nothing to parse in an empty body.
_NO_BODY: Final = (("builtins", "object"), ("builtins", "NoneType"))
_RAW: Final = ("httpx", "Response")  # an operation without a declared 2xx, or a generic method

# What the generated models raise when a body does not have the promised shape.
_PARSE_ERRORS: Final = (KeyError, TypeError, ValueError, AttributeError, IndexError)

_collector: Any = None  # instantly_api._tolerance.collect, loaded with the first answer


def _collect() -> Any:
    """The generated package's deviation collector (imported at the first answer, not at import)."""
    global _collector
    if _collector is None:
        from instantly_api._tolerance import collect

        _collector = collect
    return _collector


def read_result(
    operation: Operation,
    client: Callable[[], object],
    response: httpx.Response,
    *,
    deviations: DeviationLog | None = None,
    strict: bool = False,
) -> Any:
    """What a 2xx answer to `operation` gives: the raw response when the spec declares no body
    to parse, None for an empty body where no model is promised, else the parsed model
    (`parse_success`, with the generated client `client()` gives, made only then)."""
    returns = operation.returns
    if returns == _RAW:
        return response  # the spec declares no 2xx body to parse: the response as it came
    if not response.content and returns in _NO_BODY:
        return None  # a 204 (or an empty 2xx) where the spec promises no model
    # The request's method and path name it in an error only: not read for a good answer.
    return parse_success(
        operation.parser(), client(), response, operation.result_class(),
        deviations=deviations, operation_id=operation.id, strict=strict,
    )  # fmt: skip


def parse_success(
    parse: Callable[..., object],
    client: object,
    response: httpx.Response,
    expected: type[T],
    *,
    method: str | None = None,
    path: str | None = None,
    deviations: DeviationLog | None = None,
    operation_id: str | None = None,
    strict: bool = False,
) -> T:
    """Parse a 2xx with the generated `_parse_response`; a body no caller can use (not JSON, an
    empty body, not the declared envelope) → MalformedResponseError.

    Values that differ from the spec inside a usable body are kept by the models and reported;
    they go to `deviations` (the client's record, which warns once or, for a strict client or
    with `strict`, raises `ResponseDeviationError`) under `operation_id`. Errors name `method` and
    `path` (by default the response's request's, read only then) and are raised here, outside
    the parser's `except` and with no parsed body in scope: see the module docstring.
    """
    with _collect()() as found:
        parsed, problem = _parsed_or_problem(parse, client, response, expected)
    if problem is None and not found:
        return cast(T, parsed)
    if method is None or path is None:
        try:
            request: httpx.Request | None = response.request
        except RuntimeError:  # a response built without a request
            request = None
        method = method or (request.method if request else "?")
        path = path or (request.url.path if request else "?")
    if problem is None:
        from ._deviations import DeviationLog

        log = deviations if deviations is not None else DeviationLog(strict=False)
        where = (operation_id or f"{method} {path}", method, path)
        error = _recorded(log, where, found, response, strict=strict)
        del found  # their values are not scrubbed yet: not in this frame when raising
        if error is None:
            return cast(T, parsed)
        del parsed
        raise error
    del parsed, found
    raise _malformed(response, problem, method=method, path=path)


def _recorded(
    log: DeviationLog,
    where: tuple[str, str, str],
    found: list[Any],
    response: httpx.Response,
    *,
    strict: bool,
) -> ResponseDeviationError | None:
    """Record a response's deviations (scrubbed of the key) under (operation, method, path);
    the error to raise if strict."""
    from ._secrets import scrub
    from ._status_errors import EXCERPT_MAX, excerpt, sent_key

    operation_id, method, path = where
    key = sent_key(response)
    body = ""  # the excerpt only a strict error carries: not worked out for a page kept as sent
    if strict or log.strict:
        text = scrub(response.content.decode("utf-8", "replace"), key)
        body = excerpt(text[: EXCERPT_MAX * 20], 500)
    return log.record(
        operation_id, found, key=key, method=method, path=path,
        status_code=response.status_code, body=body, strict=strict,
    )  # fmt: skip


def _parsed_or_problem(
    parse: Callable[..., object], client: object, response: httpx.Response, expected: type[T]
) -> tuple[T | None, str | None]:
    """(the parsed model, None), or (None, what is wrong with the body, already scrubbed)."""
    try:
        parsed = parse(client=client, response=response)
    except json.JSONDecodeError as exc:
        if not response.content.strip():
            return None, "an empty body where JSON is declared"
        return None, _scrubbed(f"not JSON: {exc.msg}", response)
    except _PARSE_ERRORS as exc:  # the envelope is not the declared shape (not an object)
        return None, _scrubbed(f"{type(exc).__name__}: {exc}", response)
    if not isinstance(parsed, expected):
        got = "no documented body" if parsed is None else type(parsed).__name__
        return None, f"expected {expected.__name__}, got {got}"
    return parsed, None


def _scrubbed(text: str, response: httpx.Response) -> str:
    """`text` without the key the response's request carried."""
    from ._secrets import scrub
    from ._status_errors import sent_key

    scrubbed: str = scrub(text, sent_key(response))
    return scrubbed


def _malformed(
    response: httpx.Response, why: str, *, method: str, path: str
) -> MalformedResponseError:
    """The error for a 2xx body that does not match the spec, its excerpt scrubbed of the key."""
    from ._errors import MalformedResponseError
    from ._secrets import scrub
    from ._status_errors import excerpt, sent_key

    text = scrub(response.content.decode("utf-8", "replace"), sent_key(response))
    return MalformedResponseError(
        f"{response.status_code} response does not match the spec ({why}); body: {excerpt(text)!r}",
        status_code=response.status_code,
        body=excerpt(text, 500),
        method=method,
        path=path,
    )


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
