"""Waiting for background jobs, once for sync and async: what a state means, when to poll and stop

Nothing here sends a request or sleeps. `JobWait` is a small state machine (ask `next_step()`
what to do, report back with `record(job)` or `record_error(exc)`); `wait_for_job` (one job) and
`wait_for_jobs` (a group) are the only loops over it, written as plans (`_plans`): they yield
`Sleep` and the `Call` of getBackgroundJob. The runners (`jobs.wait`, waiting on started jobs),
the job handles and the groups (`_job_handles`) run them with `_plans.run_sync`/`run_async` and
only perform those two effects. Decisions made here:

- Schedule: a known state (the job a warmup call returned) is polled again after the first
  delay; a bare job id is fetched at once. Delays grow 0.5 s, 0.75 s, ... (x1.5) up to 10 s, with
  equal jitter (each delay is shortened by up to half, never lengthened, so the cap holds). A fixed
  `poll_interval` replaces the backoff and is used exactly, without jitter.
- Deadline: the last fetch happens at the deadline itself; once it has passed and a state (or a
  failed attempt) is known, `JobTimeoutError` carries the last state. Nothing is cancelled. The
  deadline bounds when a fetch starts; one in flight is bounded by the client's request timeout.
- Transient errors: an `APIConnectionError`, 5xx or 429 that escapes the transport's own retries
  does not end the wait: the job keeps running server-side, so polling continues on schedule (after
  at least `retry_after` for a 429) until the deadline; a timeout then chains the last such error.
  Any other error (401, 404, a malformed body, ...) cannot heal by waiting and propagates at once.
- Statuses: only `success`, `failed` and `cancelled` end a job; anything else, including a status
  this version does not know, means keep polling.
- `on_progress(job)` is called with the first state seen and then whenever status or progress
  changes, in the order observed.
- A fetched state must be the asked job's (`UnexpectedStateError` otherwise, never taken as it).
- Groups poll their jobs in turn, always the one due soonest, under one deadline; they wait until
  every job has ended or the deadline has passed, then return every final state in order or raise
  `JobGroupError` (one `JobFailedError`/`JobCancelledError`/`JobTimeoutError` per job that did not
  succeed). An error that is not about a job (401, a 404 on the job id, ...) propagates at once.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypedDict, TypeVar

from ._attempt_bounds import capped
from ._config import DEFAULT_WAIT_TIMEOUT  # defined with the other defaults; re-exported
from ._errors import (
    APIConnectionError,
    InternalServerError,
    InvalidInputError,
    JobCancelledError,
    JobError,
    JobFailedError,
    JobGroupError,
    JobTimeoutError,
    RateLimitError,
    UnexpectedStateError,
)
from ._facts import JOB_TERMINAL_STATUSES, JobStatus
from ._operation import operation
from ._plans import Call, Plan, Sleep

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "GET_JOB",
    "Backoff",
    "Clock",
    "Deadline",
    "Fetch",
    "Finished",
    "JobLike",
    "JobWait",
    "Outcome",
    "ProgressCallback",
    "Rng",
    "WaitOptions",
    "backoff_for",
    "is_transient_poll_error",
    "job_call",
    "job_error",
    "job_error_message",
    "job_outcome",
    "job_progress",
    "job_status",
    "same_job",
    "wait_for_job",
    "wait_for_jobs",
    "wait_settings",
]

# The operation that fetches one job's state (its id is stable across the spec's history).
GET_JOB: Final = "getBackgroundJob"
# How many per-job failures a `JobGroupError` message spells out before "and N more".
_ERRORS_SHOWN: Final = 5

# Keys of `job.data` that may carry the server's reason for a failure, most specific first. The
# spec leaves `data` open (`additionalProperties: true`), so these are looked for, not relied on.
_ERROR_KEYS: Final = (
    "error_message",
    "errorMessage",
    "error",
    "failure_reason",
    "reason",
    "message",
)
_ERROR_MESSAGE_MAX: Final = 500

Clock = Callable[[], float]
Rng = Callable[[], float]


class JobLike(Protocol):
    """What the polling core reads from a job (the generated `BackgroundJob` has all of it)."""

    @property
    def id(self) -> str: ...

    @property
    def status(self) -> object: ...

    @property
    def progress(self) -> object: ...


J = TypeVar("J", bound=JobLike)
ProgressCallback = Callable[[J], object]


class Outcome(enum.Enum):
    """What a job's state means for someone waiting on it."""

    CONTINUE = "continue"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


def job_status(job: object) -> str | None:
    """The job's status as a plain string (an enum's `.value`), or None if it has none."""
    status = getattr(job, "status", None)
    value = getattr(status, "value", status)
    return value if isinstance(value, str) else None


def job_progress(job: object) -> float | None:
    """The job's progress in percent, or None when it is absent (None, `Unset`, not a number)."""
    progress = getattr(job, "progress", None)
    if isinstance(progress, bool) or not isinstance(progress, int | float):
        return None
    return float(progress)


def job_outcome(job: object) -> Outcome:
    """Whether `job` succeeded, failed, was cancelled, or is still to be waited for."""
    status = job_status(job)
    if status not in JOB_TERMINAL_STATUSES:
        return Outcome.CONTINUE
    if status == JobStatus.SUCCESS:
        return Outcome.SUCCEEDED
    if status == JobStatus.FAILED:
        return Outcome.FAILED
    return Outcome.CANCELLED


def _job_data(job: object) -> Mapping[str, Any]:
    """`job.data` as a mapping: a dict, a generated model's `to_dict()`, or empty."""
    data = getattr(job, "data", None)
    if isinstance(data, Mapping):
        return data
    to_dict = getattr(data, "to_dict", None)
    if callable(to_dict):
        try:
            as_dict = to_dict()
        except Exception:  # a model that cannot serialize itself still has a status to report
            return {}
        if isinstance(as_dict, Mapping):
            return as_dict
    return {}


def job_error_message(job: object) -> str | None:
    """The server's reason for a failure, if `job.data` carries one (shortened to 500 chars)."""
    data = _job_data(job)
    for key in _ERROR_KEYS:
        value = data.get(key)
        if isinstance(value, Mapping):
            value = value.get("message")
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if len(text) > _ERROR_MESSAGE_MAX:
                text = text[: _ERROR_MESSAGE_MAX - 3] + "..."
            return text
    return None


def is_transient_poll_error(exc: BaseException) -> bool:
    """True for errors that waiting may cure: no connection, a 5xx, a 429."""
    return isinstance(exc, APIConnectionError | InternalServerError | RateLimitError)


def _check_seconds(name: str, value: object, *, allow_zero: bool) -> float:
    """`value` as a finite, non-negative (or positive) number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInputError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidInputError(f"{name} must be {bound} seconds, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Backoff:
    """Delays between polls: `initial * factor**n`, capped, each shortened by up to `jitter`.

    `jitter` is the fraction of a delay that is random: 0 none, 0.5 equal jitter, 1 full jitter.
    """

    initial: float = 0.5
    factor: float = 1.5
    cap: float = 10.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        _check_seconds("initial", self.initial, allow_zero=False)
        _check_seconds("cap", self.cap, allow_zero=False)
        if not (isinstance(self.factor, int | float) and 1 <= self.factor <= 10):
            raise InvalidInputError(f"factor must be between 1 and 10, got {self.factor!r}")
        if not (isinstance(self.jitter, int | float) and 0 <= self.jitter <= 1):
            raise InvalidInputError(f"jitter must be between 0 and 1, got {self.jitter!r}")

    def delay(self, attempt: int, rng: Rng) -> float:
        """The delay before poll number `attempt + 1` (0-based), with `rng()` in [0, 1)."""
        try:
            base = min(self.cap, self.initial * math.pow(self.factor, attempt))
        except OverflowError:
            base = self.cap
        return base * (1.0 - self.jitter * rng()) if self.jitter else base


def backoff_for(poll_interval: float | None) -> Backoff:
    """The default backoff, or a fixed interval without jitter when the caller gives one."""
    if poll_interval is None:
        return Backoff()
    interval = _check_seconds("poll_interval", poll_interval, allow_zero=False)
    return Backoff(initial=interval, factor=1.0, cap=interval, jitter=0.0)


class WaitOptions(TypedDict, Generic[J], total=False):
    """How `wait()` of a job handle or group waits (each optional)."""

    wait_timeout: float
    """Seconds to wait in all (default 600); `JobTimeoutError` (or a group error) then."""
    poll_interval: float | None
    """A fixed delay between polls instead of the backoff from 0.5 s to 10 s."""
    on_progress: ProgressCallback[J] | None
    """Called with the first state seen and with every change of status or progress."""


def wait_settings(
    options: WaitOptions[J], clock: Clock
) -> tuple[Deadline, Backoff, ProgressCallback[J] | None]:
    """The deadline, backoff and progress callback of a `wait()`, checked before any poll."""
    unknown = set(options) - set(WaitOptions.__annotations__)
    if unknown:
        raise InvalidInputError(
            f"unknown wait option(s) {sorted(unknown)}; wait() takes "
            f"{sorted(WaitOptions.__annotations__)}"
        )
    deadline = Deadline(options.get("wait_timeout", DEFAULT_WAIT_TIMEOUT), clock)
    on_progress = options.get("on_progress")
    if on_progress is not None and not callable(on_progress):
        raise InvalidInputError(f"on_progress must be callable, got {on_progress!r}")
    return deadline, backoff_for(options.get("poll_interval")), on_progress


class Deadline:
    """A point in time `timeout` seconds after creation, read on an injectable clock."""

    def __init__(self, timeout: float, clock: Clock = time.monotonic) -> None:
        self.timeout = _check_seconds("timeout", timeout, allow_zero=True)
        self.clock = clock
        self.at = clock() + self.timeout

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    def expired(self) -> bool:
        """Whether the deadline has passed (or is now)."""
        return self.clock() >= self.at


@dataclass(frozen=True)
class Fetch:
    """Fetch the job when the clock reads `at` (sleep `at - now` first if positive)."""

    at: float


@dataclass(frozen=True)
class Finished(Generic[J]):
    """The job succeeded; `job` is its final state."""

    job: J


def _describe(job_id: str, job: object) -> str:
    """`job <id> (status 'x', progress 40%)` for messages."""
    status = job_status(job)
    progress = job_progress(job)
    parts = [f"status {status!r}"] if status is not None else ["no state fetched"]
    if progress is not None:
        parts.append(f"progress {progress:g}%")
    return f"job {job_id} ({', '.join(parts)})"


def job_error(job_id: str, job: object, outcome: Outcome) -> JobError:
    """The error for a job that ended without success, naming its id, status and reason."""
    if outcome is Outcome.CANCELLED:
        return JobCancelledError(f"{_describe(job_id, job)} was cancelled", job=job)
    reason = job_error_message(job)
    detail = f": {reason}" if reason else " (the server gave no reason)"
    return JobFailedError(f"{_describe(job_id, job)} failed{detail}", job=job)


class JobWait(Generic[J]):
    """The decisions of waiting for one job: driven by a shell that fetches and sleeps.

    `job` is a state already known (polled again after the first delay); without one, the first
    fetch is due at once. `record()` raises `JobFailedError`/`JobCancelledError` for an ending
    without success; `next_step()` raises `JobTimeoutError` once the deadline has passed.
    """

    def __init__(
        self,
        job_id: str,
        *,
        deadline: Deadline,
        job: J | None = None,
        backoff: Backoff | None = None,
        rng: Rng,
        on_progress: ProgressCallback[J] | None = None,
    ) -> None:
        self.job_id = job_id
        self.job: J | None = None
        self._deadline = deadline
        self._backoff = backoff if backoff is not None else Backoff()
        self._rng = rng
        self._on_progress = on_progress
        self._seen: tuple[str | None, float | None] | None = None
        self._attempts = 0
        self._last_error: BaseException | None = None
        self._result: J | None = None
        self._next_at = deadline.clock()
        # A known state is judged (and reported) at the first `next_step()`, not here, so that
        # building a wait never raises.
        self._pending: J | None = job
        self.job = job

    @property
    def deadline(self) -> Deadline:
        """The deadline this wait ends at; its clock is the one `Fetch.at` is read on."""
        return self._deadline

    @property
    def finished(self) -> bool:
        """Whether the job has succeeded (failures raise instead)."""
        return self._result is not None

    @property
    def last_error(self) -> BaseException | None:
        """The transient error of the latest attempt, if it failed; None after a good fetch."""
        return self._last_error

    def next_step(self) -> Fetch | Finished[J]:
        """What the shell does next: fetch at a time, or finish with the job."""
        if self._pending is not None:
            job, self._pending = self._pending, None
            self.record(job)
        if self._result is not None:
            return Finished(self._result)
        tried = self.job is not None or self._last_error is not None
        if tried and self._deadline.expired():
            raise self._timeout_error() from self._last_error
        return Fetch(at=min(self._next_at, self._deadline.at))

    def record(self, job: J) -> None:
        """A fetched state: report progress, then finish, raise, or schedule the next poll."""
        self.job = job
        self._last_error = None
        self._report_progress(job)
        outcome = job_outcome(job)
        if outcome is Outcome.SUCCEEDED:
            self._result = job
            return
        if outcome is not Outcome.CONTINUE:
            raise job_error(self.job_id, job, outcome)
        self._schedule(minimum=0.0)

    def record_error(self, exc: BaseException) -> bool:
        """A failed fetch: True to keep polling (transient), False if the shell must re-raise."""
        if not is_transient_poll_error(exc):
            return False
        self._last_error = exc
        retry_after = exc.retry_after if isinstance(exc, RateLimitError) else None
        self._schedule(minimum=retry_after or 0.0)
        return True

    def _schedule(self, *, minimum: float) -> None:
        """Set the next fetch time from the backoff, no sooner than `minimum` seconds from now."""
        delay = self._backoff.delay(self._attempts, self._rng)
        self._attempts += 1
        self._next_at = self._deadline.clock() + max(delay, minimum)

    def _report_progress(self, job: J) -> None:
        """Call `on_progress` with the first state and with every change of status or progress."""
        seen = (job_status(job), job_progress(job))
        if seen != self._seen:
            self._seen = seen
            if self._on_progress is not None:
                self._on_progress(job)

    def _timeout_error(self) -> JobTimeoutError:
        """The timeout with the last state; it says the job still runs and how to resume."""
        timeout = self._deadline.timeout
        failing = (
            f"; the last poll failed: {self._last_error}" if self._last_error is not None else ""
        )
        return JobTimeoutError(
            f"{_describe(self.job_id, self.job)} did not finish within {timeout:g}s{failing}."
            " The job was not cancelled; wait again with its id to keep following it.",
            job=self.job,
            timeout=timeout,
        )


def job_call(job_id: str) -> Call:
    """The call that fetches the state of job `job_id` (its operation loads on first use)."""
    return Call(operation(GET_JOB), {"id": job_id}, {})


def same_job(job_id: str, job: J) -> J:
    """`job`, after checking it is the state of job `job_id` (`UnexpectedStateError` if not)."""
    found = getattr(job, "id", None)
    if found != job_id:
        raise UnexpectedStateError(
            f"asked for job {job_id!r}, the API answered with job {found!r}; "
            "not taking another job's state as this one's"
        )
    return job


def _poll(wait: JobWait[J], at: float) -> Plan[None]:
    """Sleep until `at`, fetch the job once and record it; a non-transient error propagates."""
    delay = at - wait.deadline.clock()
    if delay > 0:
        yield Sleep(delay)
    try:
        with capped(wait.deadline.remaining()):  # the last poll ends near the deadline too
            fetched = yield job_call(wait.job_id)
    except Exception as exc:
        if not wait.record_error(exc):
            raise
    else:
        wait.record(same_job(wait.job_id, fetched))


def wait_for_job(wait: JobWait[J]) -> Plan[J]:
    """Poll until the job succeeds: its final state (the `JobError`s `JobWait` decides)."""
    while not isinstance(step := wait.next_step(), Finished):
        yield from _poll(wait, step.at)
    return step.job


def wait_for_jobs(waits: Sequence[JobWait[J]]) -> Plan[list[J]]:
    """Poll several jobs in turn, always the one due soonest, until each has ended.

    Every final state in order, or `JobGroupError` naming each job that did not succeed.
    """
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
        try:
            yield from _poll(waits[index], at)
        except JobError as exc:
            errors[index] = exc
            active.remove(index)
    return _group_result(waits, results, errors)


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
