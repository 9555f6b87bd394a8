"""Helpers of `client.jobs`: a handle on a job by id, and waiting for one to finish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from instantly_api.resources import jobs as _generated

from .._job_handles import check_job_id
from .._plans import ENVIRONMENT, Plan, StartedJobs
from .._polling import DEFAULT_WAIT_TIMEOUT, Deadline, JobWait, backoff_for, wait_for_job
from ._plan_methods import plan_method

if TYPE_CHECKING:
    from instantly_api.models.background_job import BackgroundJob

    from .._job_handles import AsyncJobHandle, JobHandle
    from .._polling import ProgressCallback

__all__ = ["AsyncJobs", "Jobs", "handle", "wait"]


def handle(
    job_id: str, *, job: BackgroundJob | None = None
) -> StartedJobs[JobHandle[BackgroundJob]]:
    """A handle on the job `job_id` (`job`: a state already known); nothing is sent.

    Rebuild one from a bare id in another process to `refresh()` or `wait()` on it.
    """
    check_job_id(job_id)
    if job is not None:
        return StartedJobs(jobs=(job,))
    return StartedJobs(ids=(job_id,))


def wait(
    job_id: str,
    *,
    wait_timeout: float | None = None,
    poll_interval: float | None = None,
    on_progress: ProgressCallback[BackgroundJob] | None = None,
) -> Plan[BackgroundJob]:
    """Poll the job until it succeeds and return its final state.

    `wait_timeout` (default 600 s) bounds the wait; `JobTimeoutError` then carries the last state
    (the job keeps running). `JobFailedError`/`JobCancelledError` when it ends otherwise.
    """
    check_job_id(job_id)
    timeout = DEFAULT_WAIT_TIMEOUT if wait_timeout is None else wait_timeout
    Deadline(timeout)  # checks it before anything is sent
    backoff = backoff_for(poll_interval)
    clock, rng = yield ENVIRONMENT  # the client's: waits read time and jitter from it
    waiting: JobWait[BackgroundJob] = JobWait(
        job_id, deadline=Deadline(timeout, clock), backoff=backoff, rng=rng, on_progress=on_progress
    )
    return (yield from wait_for_job(waiting))


class Jobs(_generated.Jobs):
    """`client.jobs`: the generated operations and the helpers above."""

    wait = plan_method(wait)

    def handle(self, job_id: str, *, job: BackgroundJob | None = None) -> JobHandle[BackgroundJob]:
        """A handle on the job `job_id` (`job`: a state already known); nothing is sent.

        Rebuild one from a bare id in another process to `refresh()` or `wait()` on it."""
        started: JobHandle[BackgroundJob] = self._runner.handles(handle(job_id, job=job))
        return started


class AsyncJobs(_generated.AsyncJobs):
    """`client.jobs` (async): the generated operations and the helpers above."""

    wait = plan_method(wait)

    def handle(
        self, job_id: str, *, job: BackgroundJob | None = None
    ) -> AsyncJobHandle[BackgroundJob]:
        """A handle on the job `job_id` (`job`: a state already known); nothing is sent."""
        started: AsyncJobHandle[BackgroundJob] = self._runner.handles(handle(job_id, job=job))
        return started
