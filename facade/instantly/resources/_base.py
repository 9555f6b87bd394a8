"""The runners every resource shares: check → build → send → parse, and plans driven to their end.

The generated resources (one module per tag, in `instantly_api.resources`) describe each
operation as data (`Operation`) and call `_call`, `_paginate` or `_start_job` here; hand-written
helpers are plans (`instantly._plans`) run by `_run`, and a listing's pages are plans too
(`_pagination.next_page`). Everything but sending and sleeping lives in `_RunnerCore`, once;
`SyncRunner` and `AsyncRunner` only perform effects, with the one pair of drivers
(`_plans.run_sync`/`run_async`).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, TypeVar

import httpx

from .._config import EXTENSION_MAX_RETRIES, EXTENSION_OPERATION, resolve_timeout
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidInputError,
    MalformedResponseError,
)
from .._operation import Operation, Prepared, prepare, read_result
from .._plans import Call, Environment, MakeHandles, Plan, StartedJobs, run_async, run_sync
from .._retry_transport import detached, ensure_open

if TYPE_CHECKING:
    from .._deviations import DeviationLog
    from .._pagination import Page
    from .._polling import Clock, Rng

__all__ = [
    "AsyncResource",
    "AsyncRunner",
    "RequestOptions",
    "SyncResource",
    "SyncRunner",
    "check_options",
    "plan_shell",
    "undecodable",
]

T = TypeVar("T")


class RequestOptions(TypedDict, total=False):
    """Per-call overrides every resource method accepts as keyword arguments."""

    max_retries: int
    """Retries for this call (0 disables them); the client's `max_retries` otherwise."""
    timeout: float | httpx.Timeout | None
    """Timeout for this call (None: no timeout); the client's `timeout` otherwise."""


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse unknown per-call options and a bad `max_retries` or `timeout` before sending."""
    if not options:
        return  # the usual call: nothing to check
    unknown = set(options) - set(RequestOptions.__annotations__)
    if unknown:
        raise InvalidInputError(
            f"unknown option(s) {sorted(unknown)}; per-call options are "
            f"{sorted(RequestOptions.__annotations__)}"
        )
    _extensions(options)
    if "timeout" in options:
        resolve_timeout(options["timeout"])


def _extensions(options: Mapping[str, Any]) -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    if options and "max_retries" in options:
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


def _with_page_size(op: Operation, args: Mapping[str, Any]) -> dict[str, Any]:
    """The page size at the spec's maximum when not given: fewer requests for the same items."""
    out = dict(args)
    limit = out.get("limit")
    if "limit" in out and (limit is None or type(limit).__name__ == "Unset"):
        for location in ("query", "body"):
            properties = op.schema.get(location, {}).get("properties", {})
            maximum = properties.get("limit", {}).get("maximum")
            if isinstance(maximum, int):
                out["limit"] = maximum
    return out


def wait_options(result: Any) -> dict[str, Any] | None:
    """The arguments of `wait()` when a plan's started jobs are to be waited for, else None."""
    wait = result.wait if isinstance(result, StartedJobs) else None
    if wait is None:
        return None
    return {
        "wait_timeout": wait.timeout,
        "poll_interval": wait.poll_interval,
        "on_progress": wait.on_progress,
    }


class _Pages:
    """The calls of a listing, page after page: the same arguments, the cursor of each page."""

    def __init__(self, op: Operation, args: Mapping[str, Any], options: Any) -> None:
        start = args.get("starting_after")
        self.start = start if isinstance(start, str) else None
        # The first page is asked for without a cursor; the paginator passes `start` as the first.
        self._args = dict(args, starting_after=None) if self.start is not None else dict(args)
        self._op = op
        self._options = options

    def call(self, cursor: str | None) -> Call:
        """The call of the page after `cursor` (None: the first)."""
        args = self._args if cursor is None else dict(self._args, starting_after=cursor)
        return Call(self._op, args, self._options)

    @staticmethod
    def page(response: Any, call: Call) -> Page[Any]:
        return _page_of(response, call)


def _page_of(response: Any, call: Call) -> Page[Any]:
    """A listing's page; its `items` not a list is a page no caller can use (the models keep
    any value as sent, so this is checked here)."""
    from instantly_api.types import UNSET

    from .._pagination import Page

    items = getattr(response, "items", None)
    if items is UNSET:  # left out (the spec may allow it, or the model reported it): no items
        items = []
    if not isinstance(items, list):
        raise MalformedResponseError(
            f"a page's items is {type(items).__name__} {items!r:.60}, not a list",
            method=call.operation.method, path=call.operation.path,
        )  # fmt: skip
    cursor = getattr(response, "next_starting_after", None)
    return Page(items, cursor if isinstance(cursor, str) and cursor else None)


class _Side(NamedTuple):
    """Where a runner's own types live ("module:Class" in the `instantly` package), by role:
    each is imported when first asked for, so a listing loads no job code."""

    handle: str
    group: str
    paginator: str

    def type(self, role: str) -> Any:
        """The class playing `role` ("handle", "group" or "paginator") on this side."""
        module, name = getattr(self, role).split(":")
        return getattr(importlib.import_module(f"instantly.{module}"), name)


class _RunnerCore:
    """What sync and async share: building the request, and turning a response into a result.

    `raw` gives the generated client the generated parsers read their options from; it is asked
    for at the first parse, so a client that sends nothing never builds it (nor imports it).
    """

    def __init__(
        self,
        http: httpx.Client | httpx.AsyncClient,
        raw: Callable[[], object],
        *,
        clock: Clock,
        rng: Rng,
        deviations: DeviationLog | None = None,
    ) -> None:
        self._http = http
        self.deviations = deviations  # where answers that differ from the spec are recorded
        self._base_url: httpx.URL | None = None  # the base URL `_base_text` was made from
        self._base_text = ""
        self._raw_factory = raw
        self._raw: object = None
        self._sleep: Any = None  # each runner's own (sync or async) sleep
        self.clock = clock
        self.rng = rng

    def check(self, call: Call) -> Prepared:
        """The checked parts of a call's request (`InvalidInputError` before anything is sent)."""
        ensure_open(self._http)
        check_options(call.options)
        return prepare(call.operation, call.args)

    def build(self, call: Call) -> httpx.Request:
        """The checked request of a call (`InvalidInputError` before anything is sent)."""
        prepared = self.check(call)
        options = call.options
        timeout: Any = (
            resolve_timeout(options["timeout"])
            if options and "timeout" in options
            else httpx.USE_CLIENT_DEFAULT
        )
        accept = call.operation.accept
        extensions = _extensions(options)
        extensions[EXTENSION_OPERATION] = call.operation  # the transport's retry safety and limit
        return self._http.build_request(
            call.operation.method,
            self.absolute_url(prepared.url),
            params=prepared.params or None,
            json=prepared.json,
            headers={"Accept": accept} if accept else None,
            extensions=extensions,
            timeout=timeout,
        )

    def absolute_url(self, path: str) -> httpx.URL:
        """The client's base URL joined with `path` (a checked path, no query), parsed once.

        What httpx makes of a relative URL (its base URL's path, then `path`), without parsing
        the relative URL and then the joined one: about 35 µs less per request.
        """
        base = self._http.base_url
        if base is not self._base_url:  # the first request, or a base URL set since
            text = str(base)
            self._base_text = text if text.endswith("/") else text + "/"
            self._base_url = base
        return httpx.URL(self._base_text + path.lstrip("/"))

    def failure(
        self, request: httpx.Request, exc: httpx.TransportError | httpx.DecodingError
    ) -> APIError:
        """Our error for an httpx one; `exc` is scrubbed of the key and cut from the frames and
        chain that hold response bytes (it becomes the cause of ours)."""
        detached(exc, request)
        if isinstance(exc, httpx.DecodingError):
            return undecodable(request, exc)
        return self.connection_error(request, exc)

    @staticmethod
    def connection_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        detail = str(exc) or type(exc).__name__
        return cls(f"{type(exc).__name__}: {detail}", method=request.method, path=request.url.path)

    def finish(
        self, call: Call, request: httpx.Request, response: httpx.Response, *, strict: bool = False
    ) -> Any:
        """The parsed 2xx body, or the typed error of a non-2xx or malformed answer.

        A value that differs from the spec is kept and recorded in the client's `deviations`;
        `strict` (a helper's calls: the helper acts on the fields it reads, so a guessed value
        would be a wrong result) or a strict client raises `ResponseDeviationError` instead.
        """
        if not 200 <= response.status_code < 300:
            from .._status_errors import status_error  # the first error loads it

            raise status_error(response, method=request.method, path=request.url.path)
        return read_result(
            call.operation, self.raw_client, response, deviations=self.deviations, strict=strict
        )

    def raw_client(self) -> object:
        """The generated client the generated parsers read their options from (made once)."""
        raw = self._raw
        if raw is None:
            raw = self._raw = self._raw_factory()
        return raw

    def local(self, effect: Environment | MakeHandles) -> Any:
        """Effects answered without I/O: the clock and rng, or handles for started jobs."""
        if isinstance(effect, Environment):
            return (self.clock, self.rng)
        return self.handles(effect.started)

    def handles(self, result: Any) -> Any:
        """`StartedJobs` as this runner's handle or group type; anything else as it is."""
        if not isinstance(result, StartedJobs):
            return result
        handles = [self.handle(job.id, job) for job in result.jobs]
        handles += [self.handle(job_id) for job_id in result.ids]
        return self.group(handles) if result.group else handles[0]

    def handle(self, job_id: str, job: Any = None) -> Any:
        """A handle on a job (this runner's handle type), polled through this runner."""
        handle_type = self._side.type("handle")
        return handle_type(
            job_id, fetch=self.fetch_job, job=job, clock=self.clock, sleep=self._sleep, rng=self.rng
        )

    def group(self, handles: list[Any]) -> Any:
        """Handles waited for together (this runner's group type), with the client's clock."""
        return self._side.type("group")(handles, clock=self.clock, sleep=self._sleep)

    def paginate(self, op: Operation, args: Mapping[str, Any], options: Any) -> Any:
        """A paginator over a cursor-paged operation (the first page's request checked now)."""
        pages = self.pages(op, args, options)
        paginator = self._side.type("paginator")
        return paginator(self.send, source=pages, starting_after=pages.start, what=op.route)

    _side: _Side  # each runner's own handle, group and paginator types

    def fetch_job(self, job_id: str) -> Any:
        """One job's state: its value (sync), or a coroutine giving it (async)."""
        from .._polling import job_call

        return self.send(job_call(job_id))

    def send(self, call: Call) -> Any:
        raise NotImplementedError

    def pages(self, op: Operation, args: Mapping[str, Any], options: Any) -> _Pages:
        """The calls of a listing's pages, the first one checked now (not at iteration)."""
        pages = _Pages(op, _with_page_size(op, args), options)
        self.check(pages.call(None))
        return pages


class SyncRunner(_RunnerCore):
    """Sends over the shared `httpx.Client`, sleeps with the client's sleep, drives plans."""

    _http: httpx.Client

    def __init__(
        self,
        http: httpx.Client,
        raw: Callable[[], object],
        *,
        clock: Clock,
        sleep: Callable[[float], object],
        rng: Rng,
        deviations: DeviationLog | None = None,
    ) -> None:
        super().__init__(http, raw, clock=clock, rng=rng, deviations=deviations)
        self._sleep = sleep

    def send(self, call: Call, *, strict: bool = False) -> Any:
        """Send one call; the parsed 2xx body or a typed error (`strict`: see `finish`)."""
        request = self.build(call)
        try:
            response = self._http.send(request)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self.failure(request, exc) from exc
        return self.finish(call, request, response, strict=strict)

    def _perform(self, effect: Any) -> Any:
        if isinstance(effect, Call):
            return self.send(effect, strict=True)
        return (
            self.local(effect)
            if isinstance(effect, Environment | MakeHandles)
            else (self._sleep(effect.seconds))
        )

    def run(self, plan: Plan[Any]) -> Any:
        """Drive a plan to its end; started jobs come back as handles (waited for if asked: the
        handles' wait is the same wait plan, run by the same driver)."""
        result = run_sync(plan, self._perform)
        started = self.handles(result)
        if (wait := wait_options(result)) is not None:
            started.wait(**wait)
        return started

    _side = _Side("_job_handles:JobHandle", "_job_handles:JobGroup", "_pagination:SyncPaginator")


class AsyncRunner(_RunnerCore):
    """Sends over the shared `httpx.AsyncClient`, sleeps with the client's sleep, drives plans."""

    _http: httpx.AsyncClient

    def __init__(
        self,
        http: httpx.AsyncClient,
        raw: Callable[[], object],
        *,
        clock: Clock,
        sleep: Callable[[float], Awaitable[object]],
        rng: Rng,
        deviations: DeviationLog | None = None,
    ) -> None:
        super().__init__(http, raw, clock=clock, rng=rng, deviations=deviations)
        self._sleep = sleep

    async def send(self, call: Call, *, strict: bool = False) -> Any:
        """Send one call; the parsed 2xx body or a typed error (`strict`: see `finish`)."""
        request = self.build(call)
        try:
            response = await self._http.send(request)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self.failure(request, exc) from exc
        return self.finish(call, request, response, strict=strict)

    async def _perform(self, effect: Any) -> Any:
        if isinstance(effect, Call):
            return await self.send(effect, strict=True)
        return (
            self.local(effect)
            if isinstance(effect, Environment | MakeHandles)
            else (await self._sleep(effect.seconds))
        )

    async def run(self, plan: Plan[Any]) -> Any:
        """Drive a plan to its end; started jobs come back as handles (waited for if asked)."""
        result = await run_async(plan, self._perform)
        started = self.handles(result)
        if (wait := wait_options(result)) is not None:
            await started.wait(**wait)
        return started

    _side = _Side(
        "_job_handles:AsyncJobHandle", "_job_handles:AsyncJobGroup", "_pagination:AsyncPaginator"
    )


def plan_shell(plan: Callable[..., Plan[Any]]) -> Callable[..., Any]:
    """The method running `plan` on its resource's client: its result (sync resource) or the
    coroutine giving it (async). Made here, beside the runners, so a helper call enters no
    other file on its way (see `_plan_methods.plan_method`)."""

    def method(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        return self._runner.run(plan(*args, **kwargs))

    return method


class SyncResource:
    """Base of the generated sync resources: sends through the client's runner."""

    def __init__(self, runner: SyncRunner) -> None:
        self._runner = runner

    def _call(self, op: Operation, args: Mapping[str, Any], options: Any) -> Any:
        return self._runner.send(Call(op, args, options))

    def _paginate(self, op: Operation, args: Mapping[str, Any], options: Any) -> Any:
        return self._runner.paginate(op, args, options)

    def _run(self, plan: Plan[Any]) -> Any:
        return self._runner.run(plan)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class AsyncResource:
    """Base of the generated async resources: sends through the client's runner."""

    def __init__(self, runner: AsyncRunner) -> None:
        self._runner = runner

    async def _call(self, op: Operation, args: Mapping[str, Any], options: Any) -> Any:
        return await self._runner.send(Call(op, args, options))

    def _paginate(self, op: Operation, args: Mapping[str, Any], options: Any) -> Any:
        return self._runner.paginate(op, args, options)

    async def _run(self, plan: Plan[Any]) -> Any:
        return await self._runner.run(plan)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"
