"""The one sync/async mechanism: plans (generators of effects) and exactly two drivers.

A plan is a generator that yields effects (`Call` an operation, `Sleep`, `Send` one transport
attempt, `Discard` a response, ...) and returns its result; it never sends or sleeps itself.
`run_sync(plan, perform)` and `run_async(plan, perform)` drive any plan: they hand each effect to
the caller's `perform` (sync: returns the outcome; async: awaited) and send the outcome back in,
or throw what `perform` raised into the plan at its `yield`. Every decision that sync and async
share is therefore written once, as a plan, and each side only performs effects:

- requests and retries: `_retry_transport._Attempts.steps()` (performed by the two transports);
- helpers (pause with verification, bulk pause in chunks, warmup split into jobs): plans run by
  the runners of `resources._base`;
- job waiting: `_polling.wait_for_job` and `wait_for_jobs` (performed by the runners, the job
  handles and the groups);
- paging: `_pagination.next_page`, one plan per page (performed by the runners).

A plan that starts background jobs returns `StartedJobs`; each runner turns it into its own handle
type (`JobHandle`/`JobGroup` or their async twins), waiting first if the plan asked for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from ._operation import Call

if TYPE_CHECKING:
    import httpx

    from ._attempt_bounds import AttemptDeadline
    from ._operation import Operation
    from ._polling import ProgressCallback
    from .resources._base import RequestOptions

__all__ = [
    "ENVIRONMENT",
    "NO_WAIT",
    "Call",
    "Discard",
    "Effect",
    "Environment",
    "MakeHandles",
    "Plan",
    "Send",
    "Sleep",
    "StartedJobs",
    "WaitRequest",
    "call",
    "run_async",
    "run_sync",
    "start_job",
    "started_job",
]

T = TypeVar("T")
H = TypeVar("H")  # the handle type `StartedJobs` becomes on the sync client


class Sleep:
    """Pause the plan for `seconds` (the client's sleep: injectable in tests)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Environment:
    """Ask for the client's `(clock, rng)`: waits read time and jitter from the client."""

    __slots__ = ()


class MakeHandles:
    """Turn `StartedJobs` into the client's own handle types now (e.g. for a partial failure)."""

    __slots__ = ("started",)

    def __init__(self, started: StartedJobs[Any]) -> None:
        self.started = started


class Send:
    """Hand `request` to the transport once, within `deadline`; the outcome is the response or the
    `httpx.TransportError` raised instead (one per request, its deadline set at each attempt)."""

    __slots__ = ("deadline", "request")

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.deadline: AttemptDeadline | None = None


class Discard:
    """Read and close `response`, which will not be returned (it is retried)."""

    __slots__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


ENVIRONMENT = Environment()
NO_WAIT = Sleep(0.0)  # "go on now": a pause point without a pause, allocated once

Effect: TypeAlias = Call | Sleep | Environment | MakeHandles | Send | Discard
Plan: TypeAlias = Generator[Effect, Any, T]


def _advance(step: Callable[[Any], Any], arg: Any) -> tuple[Any, bool]:
    """Resume a plan with `step(arg)` (its `send` or `throw`): (next effect, False), or (its
    result, True) once it returned."""
    try:
        return step(arg), False
    except StopIteration as stop:
        return stop.value, True


def run_sync(plan: Generator[Any, Any, T], perform: Callable[[Any], Any]) -> T:
    """Drive `plan` to its end: each effect to `perform`, its outcome (or error) back in."""
    effect, done = _advance(plan.send, None)
    while not done:
        try:
            outcome = perform(effect)
        except Exception as exc:  # the plan gets it at its `yield` (and may handle it)
            effect, done = _advance(plan.throw, exc)
        else:
            effect, done = _advance(plan.send, outcome)
    result: T = effect
    return result


async def run_async(plan: Generator[Any, Any, T], perform: Callable[[Any], Awaitable[Any]]) -> T:
    """`run_sync` with an async `perform`: the same stepping, each effect awaited."""
    effect, done = _advance(plan.send, None)
    while not done:
        try:
            outcome = await perform(effect)
        except Exception as exc:
            effect, done = _advance(plan.throw, exc)
        else:
            effect, done = _advance(plan.send, outcome)
    result: T = effect
    return result


def call(operation: Operation, args: Mapping[str, Any], options: RequestOptions) -> Plan[Any]:
    """The plan of one plain call: send it, return what it parses into."""
    return (yield Call(operation, args, options))


class WaitRequest:
    """Wait for the started jobs before returning them (the arguments of `JobHandle.wait`)."""

    __slots__ = ("on_progress", "poll_interval", "timeout")

    def __init__(
        self,
        timeout: float,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[Any] | None = None,
    ) -> None:
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.on_progress = on_progress


class StartedJobs(Generic[H]):
    """Jobs to hand out: one handle (`group=False`) or a group, waited for if `wait` is set.

    `jobs` are the known states; `ids` the ids of jobs known by id only (no state yet).
    """

    __slots__ = ("group", "ids", "jobs", "wait")

    def __init__(
        self,
        jobs: Sequence[Any] = (),
        group: bool = False,
        wait: WaitRequest | None = None,
        ids: Sequence[str] = (),
    ) -> None:
        self.jobs = jobs
        self.group = group
        self.wait = wait
        self.ids = ids


def started_job(job: Any, operation: Operation) -> Any:
    """A job the API says it started; a 2xx without a usable id is malformed (it cannot be
    followed: look for it with `jobs.list()`)."""
    job_id = getattr(job, "id", None)
    if isinstance(job_id, str) and job_id.strip() not in ("", ".", "..") and "/" not in job_id:
        return job
    from ._errors import MalformedResponseError

    raise MalformedResponseError(
        f"the answer describes a started job without a usable id ({job_id!r}), so the job "
        "cannot be followed; look for it with jobs.list()",
        status_code=200,
        method=operation.method,
        path=operation.path,
    )


def start_job(
    operation: Operation, args: Mapping[str, Any], options: RequestOptions
) -> Plan[StartedJobs[Any]]:
    """The plan of an operation that starts a background job: its handle."""
    job = yield Call(operation, args, options)
    return StartedJobs((started_job(job, operation),), group=False)
