"""Waiting for one background job as a plan: `JobWait`'s decisions, the client's clock and sleep.

Shared by `jobs.wait` and anything else that follows a job to its end; the schedule, deadline,
transient-error and progress rules are `_polling.JobWait`'s.
"""

from __future__ import annotations

from typing import Any

from .._attempt_bounds import capped
from .._errors import UnexpectedStateError
from .._operation import operation
from .._plans import ENVIRONMENT, Call, Plan, Sleep
from .._polling import Deadline, Finished, JobWait, ProgressCallback, backoff_for

__all__ = ["GET_JOB", "wait_for_job"]

GET_JOB = "getBackgroundJob"


def _same_job(job_id: str, job: Any) -> Any:
    if getattr(job, "id", None) != job_id:
        raise UnexpectedStateError(
            f"asked for job {job_id!r}, the API answered with job {getattr(job, 'id', None)!r}; "
            "not taking another job's state as this one's"
        )
    return job


def wait_for_job(
    job_id: str,
    *,
    job: Any = None,
    timeout: float,
    poll_interval: float | None,
    on_progress: ProgressCallback[Any] | None,
) -> Plan[Any]:
    """Poll `job_id` until it succeeds; its final state (`JobError`s as `JobWait` decides)."""
    backoff = backoff_for(poll_interval)
    clock, rng = yield ENVIRONMENT
    wait: JobWait[Any] = JobWait(
        job_id,
        deadline=Deadline(timeout, clock),
        job=job,
        backoff=backoff,
        rng=rng,
        on_progress=on_progress,
    )
    get_job = operation(GET_JOB)
    while True:
        step = wait.next_step()
        if isinstance(step, Finished):
            return step.job
        delay = step.at - clock()
        if delay > 0:
            yield Sleep(delay)
        try:
            with capped(wait.deadline.remaining()):  # no poll outlasts the wait by much
                fetched = yield Call(get_job, {"id": job_id}, {})
        except Exception as exc:
            if not wait.record_error(exc):
                raise
        else:
            wait.record(_same_job(job_id, fetched))
