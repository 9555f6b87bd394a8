"""Helpers of `client.jobs`: a handle on a job by id, and waiting for one to finish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._job_handles import check_job_id
from .._plans import Plan, StartedJobs, helper
from .._polling import DEFAULT_WAIT_TIMEOUT, Deadline, backoff_for
from ._waiting import wait_for_job

if TYPE_CHECKING:
    from instantly_api.models.background_job import BackgroundJob

    from .._job_handles import JobHandle
    from .._polling import ProgressCallback

RESOURCE = "jobs"
__all__ = ["handle", "wait"]


@helper()
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


@helper()
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
    backoff_for(poll_interval)
    job: BackgroundJob = yield from wait_for_job(
        job_id, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress
    )
    return job
