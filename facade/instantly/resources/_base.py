"""The request runner every resource shares: build → send → check → parse, sync and async.

A resource method calls a generated endpoint module's `_get_kwargs(...)` itself (so its arguments
are type-checked against the spec), then hands the kwargs, the module's `_parse_response` and the
expected model class to the runner. Everything but the send line lives in `_RunnerCore`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import httpx

from .._config import EXTENSION_MAX_RETRIES, resolve_timeout
from .._errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidInputError,
    MalformedResponseError,
)
from .._facts import LIST_PAGE_LIMIT_MAX

if TYPE_CHECKING:
    from instantly_api.types import Unset

__all__ = [
    "AsyncResource",
    "AsyncRunner",
    "ParseResponse",
    "RequestOptions",
    "SyncResource",
    "SyncRunner",
    "check_options",
    "comma_separated",
    "cursor_of",
    "given",
    "given_bool",
    "given_int",
    "page_size",
    "path_param",
    "undecodable",
]

T = TypeVar("T")

ParseResponse = Callable[..., object]


class RequestOptions(TypedDict, total=False):
    """Per-call overrides every resource method accepts as keyword arguments."""

    max_retries: int
    """Retries for this call (0 disables them); the client's `max_retries` otherwise."""
    timeout: float | httpx.Timeout | None
    """Timeout for this call (None: no timeout); the client's `timeout` otherwise."""


def path_param(name: str, value: object) -> str:
    """`value` checked to be usable as one URL path segment (non-empty, not '.' or '..')."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a str, got {type(value).__name__} {value!r}")
    if value in ("", ".", ".."):
        raise InvalidInputError(
            f"{name}={value!r} cannot address a resource: it would change the request path; "
            f"give a non-empty {name}"
        )
    return value


def given(value: T | None) -> T | Unset:
    """None (the facade's "not given") as the generated code's UNSET."""
    from instantly_api.types import UNSET

    return UNSET if value is None else value


def given_int(name: str, value: int | None) -> int | Unset:
    """An integer filter (a status or provider code), refused unless it is an int."""
    from instantly_api.types import UNSET

    if value is None:
        return UNSET
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(
            f"{name} must be an int (one of the API's codes), got {type(value).__name__} {value!r}"
        )
    return value


def given_bool(name: str, value: bool | None) -> bool | Unset:
    """A boolean filter, refused unless it is a bool (a str like 'no' would read as true)."""
    from instantly_api.types import UNSET

    if value is None:
        return UNSET
    if not isinstance(value, bool):
        raise InvalidInputError(
            f"{name} must be True or False, got {type(value).__name__} {value!r}"
        )
    return value


def page_size(limit: int | None) -> int:
    """Items per page: `limit` checked against the spec's bounds; the maximum when not given.

    The maximum by default: fewer requests for the same items, so less of the rate limit spent.
    """
    if limit is None:
        return LIST_PAGE_LIMIT_MAX
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= LIST_PAGE_LIMIT_MAX
    ):
        raise InvalidInputError(
            f"limit={limit!r} is not a page size the API accepts; give an int from 1 to "
            f"{LIST_PAGE_LIMIT_MAX}"
        )
    return limit


def comma_separated(name: str, value: str | Sequence[str] | None) -> str | Unset:
    """A list filter (ids) as the comma-separated string the API takes; a str is kept as is."""
    from instantly_api.types import UNSET

    if value is None:
        return UNSET
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{name} must be a str or a list of str, got {type(value).__name__} {value!r}"
        )
    items = list(value)
    bad = [v for v in items if not isinstance(v, str) or not v or "," in v]
    if bad:
        raise InvalidInputError(
            f"{name} must hold non-empty strings without commas, got {bad[0]!r}"
        )
    return ",".join(items)


def cursor_of(value: object) -> str | None:
    """A page's `next_starting_after` as a cursor, or None when the page has none."""
    return value if isinstance(value, str) and value else None


def _check_path(url: str) -> None:
    """Refuse a built path with an empty, '.' or '..' segment: httpx would send it elsewhere."""
    path = url.split("?", 1)[0]
    if any(seg in ("", ".", "..") for seg in path.split("/")[1:]):
        raise InvalidInputError(
            f"request path {path!r} has an empty, '.' or '..' segment, so it would reach a "
            "different endpoint; a path parameter (email, id) must be non-empty and not '.' or '..'"
        )


def _query_value_problem(value: object) -> str | None:
    """Why `value` cannot be a query parameter's value, or None (a scalar or a list of them)."""
    if isinstance(value, list | tuple):
        return next((p for p in map(_query_value_problem, value) if p is not None), None)
    if isinstance(value, float) and not math.isfinite(value):
        return "a number must be finite"
    if isinstance(value, str | int | float):  # bool is an int
        return None
    return f"a {type(value).__name__} would be sent as its repr"


def _check_params(params: object) -> None:
    """Refuse a query value httpx would stringify into nonsense (an object, bytes, a dict, NaN)."""
    if not isinstance(params, Mapping):
        return
    for name, value in params.items():
        problem = _query_value_problem(value)
        if problem is not None:
            raise InvalidInputError(
                f"{name}={value!r} cannot be sent as a query parameter: {problem}; "
                "give a str, an int, a bool or a finite float"
            )


def check_options(options: RequestOptions) -> None:
    """Refuse unknown per-call options and a bad `max_retries` or `timeout` before sending."""
    unknown = set(options) - set(RequestOptions.__annotations__)
    if unknown:
        raise InvalidInputError(
            f"unknown option(s) {sorted(unknown)}; per-call options are "
            f"{sorted(RequestOptions.__annotations__)}"
        )
    _extensions(options)
    if "timeout" in options:
        resolve_timeout(options["timeout"])


def _extensions(options: RequestOptions) -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    if "max_retries" in options:
        n = options["max_retries"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInputError(f"max_retries must be an int >= 0, got {n!r}")
        extensions[EXTENSION_MAX_RETRIES] = n
    return extensions


def undecodable(request: httpx.Request, exc: httpx.DecodingError) -> MalformedResponseError:
    """The error for a body that cannot be decoded as its Content-Encoding claims (e.g. gzip)."""
    return MalformedResponseError(
        f"the response body cannot be decoded as its Content-Encoding says: {exc}",
        method=request.method,
        path=request.url.path,
    )


class _RunnerCore:
    """What sync and async share: building the request, and turning a response into a result.

    `raw` gives the generated client the generated parsers read their options from; it is asked
    for at the first parse, so a client that sends nothing never builds it (nor imports it).
    """

    def __init__(self, http: httpx.Client | httpx.AsyncClient, raw: Callable[[], object]) -> None:
        self._http = http
        self._raw_factory = raw
        self._raw: object = None

    def build(self, kwargs: Mapping[str, Any], options: RequestOptions) -> httpx.Request:
        _check_path(str(kwargs["url"]))
        _check_params(kwargs.get("params"))
        check_options(options)
        timeout: Any = (
            resolve_timeout(options["timeout"])
            if "timeout" in options
            else httpx.USE_CLIENT_DEFAULT
        )
        return self._http.build_request(**kwargs, extensions=_extensions(options), timeout=timeout)

    @staticmethod
    def connection_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        detail = str(exc) or type(exc).__name__
        return cls(f"{type(exc).__name__}: {detail}", method=request.method, path=request.url.path)

    def finish(
        self,
        request: httpx.Request,
        response: httpx.Response,
        parse: ParseResponse,
        expected: type[T],
    ) -> T:
        from .._response import parse_success, status_error  # the first call loads them

        method, path = request.method, request.url.path
        if not 200 <= response.status_code < 300:
            raise status_error(response, method=method, path=path)
        raw = self._raw
        if raw is None:
            raw = self._raw = self._raw_factory()
        return parse_success(parse, raw, response, expected, method=method, path=path)


class SyncRunner(_RunnerCore):
    """Runs one generated operation over the shared `httpx.Client`."""

    _http: httpx.Client

    def __init__(self, http: httpx.Client, raw: Callable[[], object]) -> None:
        super().__init__(http, raw)

    def call(
        self,
        kwargs: Mapping[str, Any],
        parse: ParseResponse,
        expected: type[T],
        options: RequestOptions,
    ) -> T:
        """Send the request `kwargs` describe; return the parsed 2xx body or raise a typed error."""
        request = self.build(kwargs, options)
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            raise self.connection_error(request, exc) from exc
        except httpx.DecodingError as exc:
            raise undecodable(request, exc) from exc
        return self.finish(request, response, parse, expected)


class AsyncRunner(_RunnerCore):
    """Runs one generated operation over the shared `httpx.AsyncClient`."""

    _http: httpx.AsyncClient

    def __init__(self, http: httpx.AsyncClient, raw: Callable[[], object]) -> None:
        super().__init__(http, raw)

    async def call(
        self,
        kwargs: Mapping[str, Any],
        parse: ParseResponse,
        expected: type[T],
        options: RequestOptions,
    ) -> T:
        """Send the request `kwargs` describe; return the parsed 2xx body or raise a typed error."""
        request = self.build(kwargs, options)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            raise self.connection_error(request, exc) from exc
        except httpx.DecodingError as exc:
            raise undecodable(request, exc) from exc
        return self.finish(request, response, parse, expected)


class SyncResource:
    """Base of the sync resources: holds the shared runner."""

    def __init__(self, runner: SyncRunner) -> None:
        self._runner = runner


class AsyncResource:
    """Base of the async resources: holds the shared runner."""

    def __init__(self, runner: AsyncRunner) -> None:
        self._runner = runner
