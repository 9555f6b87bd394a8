"""Handles on background jobs: refresh one, wait for one, wait for several together.

`JobHandle`/`AsyncJobHandle` need only a job id and a `fetch(job_id) -> job` callable, so a handle
can be rebuilt from a bare id in another process. Waiting is `_polling`'s plans (`wait_for_job`,
`wait_for_jobs`: every decision, once), run by `_plans.run_sync`/`run_async`; a handle or group
only performs their effects: the `Call` of getBackgroundJob is its handle's `fetch(job_id)`, a
`Sleep` its `sleep`.

Groups (several jobs from one split warmup call) share one deadline and poll their jobs in turn,
each on its own schedule (always the one due soonest), the async group too: polls are seconds
apart, so taking turns costs no time, and both sides wait the same way. A group waits until every
job has ended or the deadline has passed, then either returns every final state in order, or
raises `JobGroupError` whose `errors` hold one `JobFailedError`/`JobCancelledError`/
`JobTimeoutError` per job that did not succeed. An error that is not about a job (401, a 404 on
the job id, ...) propagates at once and stops the others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar, Unpack

from ._aio import asyncio_sleep
from ._errors import InvalidInputError
from ._plans import Call, Sleep, run_async, run_sync
from ._polling import (
    Backoff,
    Clock,
    Deadline,
    JobLike,
    JobWait,
    Outcome,
    ProgressCallback,
    Rng,
    WaitOptions,
    job_outcome,
    job_progress,
    job_status,
    same_job,
    wait_for_job,
    wait_for_jobs,
    wait_settings,
)

__all__ = ["AsyncJobGroup", "AsyncJobHandle", "JobGroup", "JobHandle", "check_job_id"]

J = TypeVar("J", bound=JobLike)


def check_job_id(job_id: object) -> str:
    """`job_id` if it is a non-blank str without surrounding whitespace."""
    if not isinstance(job_id, str) or not job_id.strip() or job_id != job_id.strip():
        raise InvalidInputError(f"a job id must be a non-blank str, got {job_id!r}")
    return job_id


def _check_known_job(job_id: str, job: JobLike | None) -> None:
    """A known state must be the state of this job."""
    if job is not None and job.id != job_id:
        raise InvalidInputError(f"the job given has id {job.id!r}, not {job_id!r}")


class _HandleState(Generic[J]):
    """What sync and async handles share: the id, the last state, and what it says."""

    _sleep: Any  # each handle's own (sync or async) sleep

    def __init__(self, job_id: str, job: J | None, clock: Clock, rng: Rng) -> None:
        self._id = check_job_id(job_id)
        _check_known_job(self._id, job)
        self._job = job
        self._wait: JobWait[J] | None = None  # the latest wait, whose state is newer
        self._clock = clock
        self._rng = rng

    @property
    def id(self) -> str:
        """The job's id."""
        return self._id

    @property
    def job(self) -> J | None:
        """The last state fetched or given, or None if there is none yet."""
        wait = self._wait
        return wait.job if wait is not None else self._job

    @property
    def status(self) -> str | None:
        """The last known status ('pending', 'success', ...), or None."""
        job = self.job
        return job_status(job) if job is not None else None

    @property
    def progress(self) -> float | None:
        """The last known progress in percent, or None."""
        job = self.job
        return job_progress(job) if job is not None else None

    @property
    def done(self) -> bool:
        """Whether the last known state is terminal (success, failed or cancelled)."""
        job = self.job
        return job is not None and job_outcome(job) is not Outcome.CONTINUE

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(id={self._id!r}, status={self.status!r},"
            f" progress={self.progress!r})"
        )

    def _new_wait(
        self, deadline: Deadline, backoff: Backoff, on_progress: ProgressCallback[J] | None
    ) -> JobWait[J]:
        """A wait starting from the last known state; its states are this handle's from now on."""
        wait = self._wait = JobWait(
            self._id,
            deadline=deadline,
            job=self.job,
            backoff=backoff,
            rng=self._rng,
            on_progress=on_progress,
        )
        return wait

    def _fetched(self, job: J) -> J:
        """Keep a fetched state, after checking it is this job's (`UnexpectedStateError` if not)."""
        self._job, self._wait = same_job(self._id, job), None
        return job


class JobHandle(_HandleState[J]):
    """A background job, followed with a blocking `fetch(job_id) -> job`."""

    def __init__(
        self,
        job_id: str,
        *,
        fetch: Callable[[str], J],
        job: J | None = None,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        rng: Rng = random.random,
    ) -> None:
        super().__init__(job_id, job, clock, rng)
        self._fetch = fetch
        self._sleep = sleep

    def refresh(self) -> J:
        """Fetch the current state once, keep it, and return it."""
        return self._fetched(self._fetch(self._id))

    def wait(self, **options: Unpack[WaitOptions[J]]) -> J:
        """Poll until the job succeeds and return its final state (options: `WaitOptions`).

        Raises `JobFailedError`/`JobCancelledError` when it ends otherwise, `JobTimeoutError`
        (with the last state; the job keeps running) when `wait_timeout` seconds pass first.
        """
        wait = self._new_wait(*wait_settings(options, self._clock))
        return run_sync(wait_for_job(wait), self._perform)

    def _perform(self, effect: Call | Sleep) -> Any:
        """A wait's effect: the `Call` of getBackgroundJob is `fetch(id)`, `Sleep` the sleep."""
        if isinstance(effect, Sleep):
            return self._sleep(effect.seconds)
        return self._fetch(self._id)


class AsyncJobHandle(_HandleState[J]):
    """A background job, followed with an async `fetch(job_id) -> job`."""

    _sleep: Callable[[float], Awaitable[object]]

    def __init__(
        self,
        job_id: str,
        *,
        fetch: Callable[[str], Awaitable[J]],
        job: J | None = None,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio_sleep,
        rng: Rng = random.random,
    ) -> None:
        super().__init__(job_id, job, clock, rng)
        self._fetch = fetch
        self._sleep = sleep

    async def refresh(self) -> J:
        """Fetch the current state once, keep it, and return it."""
        return self._fetched(await self._fetch(self._id))

    async def wait(self, **options: Unpack[WaitOptions[J]]) -> J:
        """Poll until the job succeeds and return its final state (errors as `JobHandle.wait`)."""
        wait = self._new_wait(*wait_settings(options, self._clock))
        return await run_async(wait_for_job(wait), self._perform)

    def _perform(self, effect: Call | Sleep) -> Awaitable[Any]:
        """A wait's effect, as `JobHandle._perform`: the awaitable that performs it."""
        if isinstance(effect, Sleep):
            return self._sleep(effect.seconds)
        return self._fetch(self._id)


H = TypeVar("H", bound="_HandleState[Any]")
S = TypeVar("S")  # how a group sleeps: sync or async


class _GroupState(Generic[J, H, S]):
    """What sync and async groups share: the handles and what their last states say.

    `clock` and `sleep` default to those of the first handle.
    """

    _no_handle_sleep: S  # the sleep of a group without handles

    def __init__(
        self, handles: Iterable[H], *, clock: Clock | None = None, sleep: S | None = None
    ) -> None:
        self._handles = tuple(handles)
        first = self._handles[0] if self._handles else None
        self._clock: Clock = clock or (first._clock if first else time.monotonic)
        self._sleep: S = sleep or (first._sleep if first else self._no_handle_sleep)

    @property
    def handles(self) -> tuple[H, ...]:
        """The handles, in order."""
        return self._handles

    def __iter__(self) -> Iterator[H]:
        return iter(self._handles)

    def __getitem__(self, index: int) -> H:
        return self._handles[index]

    @property
    def ids(self) -> list[str]:
        """The jobs' ids, in order."""
        return [handle.id for handle in self._handles]

    @property
    def jobs(self) -> list[J | None]:
        """The jobs' last known states, in order."""
        return [handle.job for handle in self._handles]

    @property
    def done(self) -> bool:
        """Whether every job's last known state is terminal."""
        return all(handle.done for handle in self._handles)

    def __len__(self) -> int:
        return len(self._handles)

    def _handle(self, call: Call) -> H:
        """The handle whose job `call` fetches."""
        job_id = call.args["id"]
        return next(handle for handle in self._handles if handle.id == job_id)

    def _waits(self, options: WaitOptions[J]) -> list[JobWait[J]]:
        """One wait per job, all under the same deadline."""
        deadline, backoff, on_progress = wait_settings(options, self._clock)
        return [h._new_wait(deadline, backoff, on_progress) for h in self._handles]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._handles)!r})"


class JobGroup(_GroupState[J, "JobHandle[J]", Callable[[float], object]]):
    """Several `JobHandle`s waited for together, under one deadline (`JobGroup(handles, *,
    clock=None, sleep=None)`: the first handle's clock and sleep by default)."""

    _no_handle_sleep = staticmethod(time.sleep)

    def refresh(self) -> list[J]:
        """Fetch every job once, in order, and return the states."""
        return [handle.refresh() for handle in self._handles]

    def wait(self, **options: Unpack[WaitOptions[J]]) -> list[J]:
        """Poll every job until all have ended; return their final states in order.

        Raises `JobGroupError` if any did not succeed within `wait_timeout` (module docstring).
        """
        return run_sync(wait_for_jobs(self._waits(options)), self._perform)

    def _perform(self, effect: Call | Sleep) -> Any:
        """A group wait's effect: the group's sleep, or the fetch of the handle polled."""
        if isinstance(effect, Sleep):
            return self._sleep(effect.seconds)
        return self._handle(effect)._perform(effect)


class AsyncJobGroup(_GroupState[J, "AsyncJobHandle[J]", Callable[[float], Awaitable[object]]]):
    """Several `AsyncJobHandle`s waited for together, under one deadline, polled in turn like
    `JobGroup`'s (`AsyncJobGroup(handles, *, clock=None, sleep=None)`, the same defaults)."""

    _no_handle_sleep = staticmethod(asyncio_sleep)

    async def refresh(self) -> list[J]:
        """Fetch every job once, concurrently, and return the states in order."""
        import asyncio  # async paths only: a sync client never loads asyncio

        return list(await asyncio.gather(*(h.refresh() for h in self._handles)))

    async def wait(self, **options: Unpack[WaitOptions[J]]) -> list[J]:
        """Poll every job until all have ended; their final states in order (as `JobGroup.wait`)."""
        return await run_async(wait_for_jobs(self._waits(options)), self._perform)

    def _perform(self, effect: Call | Sleep) -> Awaitable[Any]:
        """A group wait's effect, as `JobGroup._perform`: the awaitable that performs it."""
        if isinstance(effect, Sleep):
            return self._sleep(effect.seconds)
        return self._handle(effect)._perform(effect)
