"""Plans: what a call does, written once for sync and async as a generator of effects.

A plan is a generator that yields effects (`Call` an operation, `Sleep`) and returns the result;
it never sends or sleeps itself. The sync and async runners in `resources._base` perform the
effects and send the outcome back in, so every helper (pause with verification, bulk pause in
chunks, warmup split into jobs, waiting for jobs) is written once and runs on both clients.

A plan that starts background jobs returns `StartedJobs`; each runner turns it into its own handle
type (`JobHandle`/`JobGroup` or their async twins), waiting first if the plan asked for it.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from ._operation import Call

if TYPE_CHECKING:
    from ._operation import Operation
    from ._polling import ProgressCallback
    from .resources._base import RequestOptions

__all__ = [
    "ENVIRONMENT",
    "Call",
    "Effect",
    "Environment",
    "MakeHandles",
    "Plan",
    "Sleep",
    "StartedJobs",
    "WaitRequest",
    "call",
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


ENVIRONMENT = Environment()

Effect: TypeAlias = Call | Sleep | Environment | MakeHandles
Plan: TypeAlias = Generator[Effect, Any, T]


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
