"""Handles on background jobs: refresh one, wait for one, wait for several together.

`JobHandle`/`AsyncJobHandle` need only a job id and a `fetch(job_id) -> job` callable, so a handle
can be rebuilt from a bare id in another process. Every decision (schedule, deadline, outcome,
transient errors, progress) is made by `_polling.JobWait`; the shells here only fetch and sleep.

Groups (several jobs from one split warmup call) share one deadline. The sync group polls its jobs
in turn, each on its own schedule (always the one due soonest); the async group polls them
concurrently. A group waits until every job has ended or the deadline has passed, then either
returns every final state in order, or raises `JobGroupError` whose `errors` hold one
`JobFailedError`/`JobCancelledError`/`JobTimeoutError` per job that did not succeed. An error that
is not about a job (401, a 404 on the job id, ...) propagates at once and stops the others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, Final, Generic, TypeVar, Unpack

from ._aio import asyncio_sleep
from ._attempt_bounds import capped
from ._errors import InvalidInputError, JobError, JobGroupError, UnexpectedStateError
from ._polling import (
    Backoff,
    Clock,
    Deadline,
    Finished,
    JobLike,
    JobWait,
    Outcome,
    ProgressCallback,
    Rng,
    WaitOptions,
    job_outcome,
    job_progress,
    job_status,
    wait_settings,
)

__all__ = ["AsyncJobGroup", "AsyncJobHandle", "JobGroup", "JobHandle", "check_job_id"]

J = TypeVar("J", bound=JobLike)

# How many per-job failures a `JobGroupError` message spells out before "and N more".
_ERRORS_SHOWN: Final = 5


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

    def __init__(self, job_id: str, job: J | None, clock: Clock, rng: Rng) -> None:
        self._id = check_job_id(job_id)
        _check_known_job(self._id, job)
        self._job = job
        self._clock = clock
        self._rng = rng

    @property
    def id(self) -> str:
        """The job's id."""
        return self._id

    @property
    def job(self) -> J | None:
        """The last state fetched or given, or None if there is none yet."""
        return self._job

    @property
    def status(self) -> str | None:
        """The last known status ('pending', 'success', ...), or None."""
        return job_status(self._job) if self._job is not None else None

    @property
    def progress(self) -> float | None:
        """The last known progress in percent, or None."""
        return job_progress(self._job) if self._job is not None else None

    @property
    def done(self) -> bool:
        """Whether the last known state is terminal (success, failed or cancelled)."""
        return self._job is not None and job_outcome(self._job) is not Outcome.CONTINUE

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(id={self._id!r}, status={self.status!r},"
            f" progress={self.progress!r})"
        )

    def _new_wait(
        self, deadline: Deadline, backoff: Backoff, on_progress: ProgressCallback[J] | None
    ) -> JobWait[J]:
        """A wait starting from the last known state."""
        return JobWait(
            self._id,
            deadline=deadline,
            job=self._job,
            backoff=backoff,
            rng=self._rng,
            on_progress=on_progress,
        )

    def _fetched(self, job: J) -> J:
        """Keep a fetched state, after checking it is this job's (`UnexpectedStateError` if not)."""
        if job.id != self._id:
            raise UnexpectedStateError(
                f"asked for job {self._id!r}, the API answered with job {job.id!r}; "
                "not taking another job's state as this one's"
            )
        self._job = job
        return job

    def _record(self, wait: JobWait[J], job: J) -> None:
        """Keep a fetched state, then let the wait judge it (which may raise a `JobError`)."""
        wait.record(self._fetched(job))


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
        return self._drive(self._new_wait(*wait_settings(options, self._clock)))

    def _drive(self, wait: JobWait[J]) -> J:
        """Run one wait to its end: sleep until each fetch is due, fetch, record."""
        while True:
            step = wait.next_step()
            if isinstance(step, Finished):
                return step.job
            _sleep_until(step.at, wait.deadline.clock, self._sleep)
            self._poll(wait)

    def _poll(self, wait: JobWait[J]) -> None:
        """One fetch, recorded; a non-transient error propagates."""
        try:
            with capped(wait.deadline.remaining()):  # the last poll ends near the deadline too
                job = self._fetch(self._id)
        except Exception as exc:
            if not wait.record_error(exc):
                raise
        else:
            self._record(wait, job)


class AsyncJobHandle(_HandleState[J]):
    """A background job, followed with an async `fetch(job_id) -> job`."""

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
        return await self._drive(self._new_wait(*wait_settings(options, self._clock)))

    async def _drive(self, wait: JobWait[J]) -> J:
        """Run one wait to its end: sleep until each fetch is due, fetch, record."""
        while True:
            step = wait.next_step()
            if isinstance(step, Finished):
                return step.job
            delay = step.at - wait.deadline.clock()
            if delay > 0:
                await self._sleep(delay)
            try:
                with capped(wait.deadline.remaining()):
                    job = await self._fetch(self._id)
            except Exception as exc:
                if not wait.record_error(exc):
                    raise
            else:
                self._record(wait, job)


def _sleep_until(at: float, clock: Clock, sleep: Callable[[float], object]) -> None:
    """Sleep until `clock()` reads `at`, if that is in the future."""
    delay = at - clock()
    if delay > 0:
        sleep(delay)


def _group_result(
    waits: Sequence[JobWait[J]], results: Sequence[J | None], errors: dict[int, JobError]
) -> list[J]:
    """Every final state in order, or the `JobGroupError` naming each job that did not succeed."""
    if errors:
        ordered = tuple(errors[index] for index in sorted(errors))
        shown = "; ".join(str(exc) for exc in ordered[:_ERRORS_SHOWN])
        more = len(ordered) - _ERRORS_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        raise JobGroupError(
            f"{len(ordered)} of {len(waits)} jobs did not succeed: {shown}{tail}",
            jobs=tuple(wait.job for wait in waits),
            errors=ordered,
        )
    final = [job for job in results if job is not None]
    if len(final) != len(waits):  # unreachable: every wait ended with a result or an error
        raise AssertionError("a job of the group ended without a result or an error")
    return final


H = TypeVar("H", bound="_HandleState[Any]")


class _GroupState(Generic[J, H]):
    """What sync and async groups share: the handles and what their last states say."""

    _handles: tuple[H, ...]
    _clock: Clock

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

    def _waits(self, options: WaitOptions[J]) -> list[JobWait[J]]:
        """One wait per job, all under the same deadline."""
        deadline, backoff, on_progress = wait_settings(options, self._clock)
        return [h._new_wait(deadline, backoff, on_progress) for h in self._handles]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._handles)!r})"


class JobGroup(_GroupState[J, "JobHandle[J]"]):
    """Several `JobHandle`s waited for together, under one deadline.

    `clock` and `sleep` default to those of the first handle.
    """

    def __init__(
        self,
        handles: Iterable[JobHandle[J]],
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self._handles = tuple(handles)
        first = self._handles[0] if self._handles else None
        self._clock = clock or (first._clock if first else time.monotonic)
        self._sleep = sleep or (first._sleep if first else time.sleep)

    def refresh(self) -> list[J]:
        """Fetch every job once, in order, and return the states."""
        return [handle.refresh() for handle in self._handles]

    def wait(self, **options: Unpack[WaitOptions[J]]) -> list[J]:
        """Poll every job until all have ended; return their final states in order.

        Raises `JobGroupError` if any did not succeed within `wait_timeout` (module docstring).
        """
        waits = self._waits(options)
        results: list[J | None] = [None] * len(waits)
        errors: dict[int, JobError] = {}
        active = list(range(len(waits)))
        while active:
            due: list[tuple[float, int]] = []
            for index in active:
                try:
                    step = waits[index].next_step()
                except JobError as exc:
                    errors[index] = exc
                    continue
                if isinstance(step, Finished):
                    results[index] = step.job
                else:
                    due.append((step.at, index))
            active = [index for _, index in due]
            if not due:
                break
            at, index = min(due)
            _sleep_until(at, self._clock, self._sleep)
            try:
                self._handles[index]._poll(waits[index])
            except JobError as exc:
                errors[index] = exc
                active.remove(index)
        return _group_result(waits, results, errors)


class AsyncJobGroup(_GroupState[J, "AsyncJobHandle[J]"]):
    """Several `AsyncJobHandle`s waited for concurrently, under one deadline.

    `clock` defaults to that of the first handle; each handle sleeps with its own `sleep`.
    """

    def __init__(self, handles: Iterable[AsyncJobHandle[J]], *, clock: Clock | None = None) -> None:
        self._handles = tuple(handles)
        first = self._handles[0] if self._handles else None
        self._clock = clock or (first._clock if first else time.monotonic)

    async def refresh(self) -> list[J]:
        """Fetch every job once, concurrently, and return the states in order."""
        import asyncio  # async paths only: a sync client never loads asyncio

        return list(await asyncio.gather(*(h.refresh() for h in self._handles)))

    async def wait(self, **options: Unpack[WaitOptions[J]]) -> list[J]:
        """Poll every job concurrently until all have ended; their final states in order."""
        import asyncio  # async paths only: a sync client never loads asyncio

        waits = self._waits(options)

        async def follow(handle: AsyncJobHandle[J], wait: JobWait[J]) -> J | JobError:
            try:
                return await handle._drive(wait)
            except JobError as exc:
                return exc

        tasks = [
            asyncio.ensure_future(follow(handle, wait))
            for handle, wait in zip(self._handles, waits, strict=True)
        ]
        try:
            outcomes = await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        results: list[J | None] = []
        errors: dict[int, JobError] = {}
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, JobError):
                errors[index] = outcome
                results.append(None)
            else:
                results.append(outcome)
        return _group_result(waits, results, errors)
