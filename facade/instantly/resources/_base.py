"""The runners every resource shares: check → build → send → parse, and plans driven to their end.

The generated resources (one module per tag, in `instantly_api.resources`) describe each
operation as data (`Operation`) and call `_call`, `_paginate` or `_start_job` here; hand-written
helpers are plans (`instantly._plans`) run by `_run`. Everything but sending and sleeping lives in
`_RunnerCore`, once; `SyncRunner` and `AsyncRunner` only perform effects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import httpx

from .._config import EXTENSION_MAX_RETRIES, resolve_timeout
from .._errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidInputError,
    MalformedResponseError,
)
from .._operation import Operation, operation, prepare
from .._plans import Call, Environment, MakeHandles, Plan, StartedJobs, Stepper
from .._transport import detached, ensure_open

if TYPE_CHECKING:
    from .._jobs import AsyncJobHandle, JobHandle
    from .._pagination import AsyncPaginator, Page, SyncPaginator
    from .._polling import Clock, Rng

__all__ = [
    "AsyncResource",
    "AsyncRunner",
    "RequestOptions",
    "SyncResource",
    "SyncRunner",
    "check_options",
    "undecodable",
]

T = TypeVar("T")

# The operation every job handle polls (its id is stable across the spec's history).
GET_JOB_OPERATION = "getBackgroundJob"


class RequestOptions(TypedDict, total=False):
    """Per-call overrides every resource method accepts as keyword arguments."""

    max_retries: int
    """Retries for this call (0 disables them); the client's `max_retries` otherwise."""
    timeout: float | httpx.Timeout | None
    """Timeout for this call (None: no timeout); the client's `timeout` otherwise."""


def check_options(options: Mapping[str, Any]) -> None:
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


def _extensions(options: Mapping[str, Any]) -> dict[str, Any]:
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


def _page_of(response: Any) -> Page[Any]:
    from .._pagination import Page

    items = getattr(response, "items", None)
    cursor = getattr(response, "next_starting_after", None)
    return Page(
        items if isinstance(items, list) else [],
        cursor if isinstance(cursor, str) and cursor else None,
    )


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
    ) -> None:
        self._http = http
        self._raw_factory = raw
        self._raw: object = None
        self.clock = clock
        self.rng = rng

    def build(self, call: Call) -> httpx.Request:
        """The checked request of a call (`InvalidInputError` before anything is sent)."""
        ensure_open(self._http)
        check_options(call.options)
        prepared = prepare(call.operation, call.args)
        timeout: Any = (
            resolve_timeout(call.options["timeout"])
            if "timeout" in call.options
            else httpx.USE_CLIENT_DEFAULT
        )
        return self._http.build_request(
            call.operation.method,
            prepared.url,
            params=prepared.params or None,
            json=prepared.json,
            extensions=_extensions(call.options),
            timeout=timeout,
        )

    @staticmethod
    def connection_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        detail = str(exc) or type(exc).__name__
        return cls(f"{type(exc).__name__}: {detail}", method=request.method, path=request.url.path)

    def finish(self, call: Call, request: httpx.Request, response: httpx.Response) -> Any:
        """The parsed 2xx body, or the typed error of a non-2xx or malformed answer."""
        from .._response import parse_success, status_error  # the first call loads them

        method, path = request.method, request.url.path
        if not 200 <= response.status_code < 300:
            raise status_error(response, method=method, path=path)
        raw = self._raw
        if raw is None:
            raw = self._raw = self._raw_factory()
        op = call.operation
        return parse_success(
            op.parser(), raw, response, op.result_class(), method=method, path=path
        )

    def local(self, effect: Environment | MakeHandles) -> Any:
        """Effects answered without I/O: the clock and rng, or handles for started jobs."""
        if isinstance(effect, Environment):
            return (self.clock, self.rng)
        return self.handles(effect.started)

    def handles(self, result: Any) -> Any:  # overridden: each runner has its own handle types
        return result

    def job_call(self, job_id: str) -> Call:
        """The call that fetches one background job's state."""
        return Call(operation(GET_JOB_OPERATION), {"id": job_id}, {})


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
    ) -> None:
        super().__init__(http, raw, clock=clock, rng=rng)
        self._sleep = sleep

    def send(self, call: Call) -> Any:
        """Send one call; the parsed 2xx body or a typed error."""
        request = self.build(call)
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            cause = detached(exc, request)  # scrubbed, cut from frames holding response bytes
            raise self.connection_error(request, cause) from cause
        except httpx.DecodingError as exc:
            undecoded = detached(exc, request)
            raise undecodable(request, undecoded) from undecoded
        return self.finish(call, request, response)

    def _perform(self, effect: Any) -> Any:
        if isinstance(effect, Call):
            return self.send(effect)
        return (
            self.local(effect)
            if isinstance(effect, Environment | MakeHandles)
            else (self._sleep(effect.seconds))
        )

    def run(self, plan: Plan[Any]) -> Any:
        """Drive a plan to its end; started jobs come back as handles."""
        stepper = Stepper(plan)
        while (effect := stepper.next()) is not Stepper.DONE:
            try:
                stepper.resolve(self._perform(effect))
            except Exception as exc:
                stepper.fail(exc)
        started = self.handles(stepper.result)
        wait = getattr(stepper.result, "wait", None)
        if isinstance(stepper.result, StartedJobs) and wait is not None:
            started.wait(
                wait_timeout=wait.timeout,
                poll_interval=wait.poll_interval,
                on_progress=wait.on_progress,
            )
        return started

    def handle(self, job_id: str, job: Any = None) -> JobHandle[Any]:
        """A handle on a job, polled through this runner."""
        from .._jobs import JobHandle

        def fetch(job_id: str) -> Any:
            return self.send(self.job_call(job_id))

        return JobHandle(
            job_id, fetch=fetch, job=job, clock=self.clock, sleep=self._sleep, rng=self.rng
        )

    def handles(self, result: Any) -> Any:
        """`StartedJobs` as a `JobHandle` or `JobGroup`; anything else as it is."""
        if not isinstance(result, StartedJobs):
            return result
        from .._jobs import JobGroup

        handles = [self.handle(job.id, job) for job in result.jobs]
        handles += [self.handle(job_id) for job_id in result.ids]
        if result.group:
            return JobGroup(handles, clock=self.clock, sleep=self._sleep)
        return handles[0]

    def paginate(self, op: Operation, args: Mapping[str, Any], options: Any) -> SyncPaginator[Any]:
        """A paginator over a cursor-paged operation (the first page's request checked now)."""
        from .._pagination import SyncPaginator

        args = _with_page_size(op, args)
        start = args.get("starting_after")
        first = dict(args, starting_after=None) if isinstance(start, str) else args
        self.build(Call(op, first, options))  # refuse bad arguments now, not at iteration

        def fetch(cursor: str | None) -> Page[Any]:
            page_args = dict(args, starting_after=cursor) if cursor is not None else first
            return _page_of(self.send(Call(op, page_args, options)))

        return SyncPaginator(fetch, starting_after=start if isinstance(start, str) else None,
                             what=op.route)  # fmt: skip


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
    ) -> None:
        super().__init__(http, raw, clock=clock, rng=rng)
        self._sleep = sleep

    async def send(self, call: Call) -> Any:
        """Send one call; the parsed 2xx body or a typed error."""
        request = self.build(call)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            cause = detached(exc, request)  # scrubbed, cut from frames holding response bytes
            raise self.connection_error(request, cause) from cause
        except httpx.DecodingError as exc:
            undecoded = detached(exc, request)
            raise undecodable(request, undecoded) from undecoded
        return self.finish(call, request, response)

    async def _perform(self, effect: Any) -> Any:
        if isinstance(effect, Call):
            return await self.send(effect)
        return (
            self.local(effect)
            if isinstance(effect, Environment | MakeHandles)
            else (await self._sleep(effect.seconds))
        )

    async def run(self, plan: Plan[Any]) -> Any:
        """Drive a plan to its end; started jobs come back as handles."""
        stepper = Stepper(plan)
        while (effect := stepper.next()) is not Stepper.DONE:
            try:
                stepper.resolve(await self._perform(effect))
            except Exception as exc:
                stepper.fail(exc)
        started = self.handles(stepper.result)
        wait = getattr(stepper.result, "wait", None)
        if isinstance(stepper.result, StartedJobs) and wait is not None:
            await started.wait(
                wait_timeout=wait.timeout,
                poll_interval=wait.poll_interval,
                on_progress=wait.on_progress,
            )
        return started

    def handle(self, job_id: str, job: Any = None) -> AsyncJobHandle[Any]:
        """A handle on a job, polled through this runner."""
        from .._jobs import AsyncJobHandle

        async def fetch(job_id: str) -> Any:
            return await self.send(self.job_call(job_id))

        return AsyncJobHandle(
            job_id, fetch=fetch, job=job, clock=self.clock, sleep=self._sleep, rng=self.rng
        )

    def handles(self, result: Any) -> Any:
        """`StartedJobs` as an `AsyncJobHandle` or `AsyncJobGroup`; anything else as it is."""
        if not isinstance(result, StartedJobs):
            return result
        from .._jobs import AsyncJobGroup

        handles = [self.handle(job.id, job) for job in result.jobs]
        handles += [self.handle(job_id) for job_id in result.ids]
        return AsyncJobGroup(handles, clock=self.clock) if result.group else handles[0]

    def paginate(self, op: Operation, args: Mapping[str, Any], options: Any) -> AsyncPaginator[Any]:
        """A paginator over a cursor-paged operation (the first page's request checked now)."""
        from .._pagination import AsyncPaginator

        args = _with_page_size(op, args)
        start = args.get("starting_after")
        first = dict(args, starting_after=None) if isinstance(start, str) else args
        self.build(Call(op, first, options))  # refuse bad arguments now, not at iteration

        async def fetch(cursor: str | None) -> Page[Any]:
            page_args = dict(args, starting_after=cursor) if cursor is not None else first
            return _page_of(await self.send(Call(op, page_args, options)))

        return AsyncPaginator(fetch, starting_after=start if isinstance(start, str) else None,
                              what=op.route)  # fmt: skip


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
