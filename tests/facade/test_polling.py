"""The sans-I/O polling core: reading job states, the backoff, the deadline and JobWait."""

from __future__ import annotations

import enum
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import pytest
from instantly._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    InvalidInputError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    RateLimitError,
)
from instantly._facts import JobStatus
from instantly._polling import (
    Backoff,
    Deadline,
    Fetch,
    Finished,
    JobWait,
    Outcome,
    backoff_for,
    is_transient_poll_error,
    job_error_message,
    job_outcome,
    job_progress,
    job_status,
)
from instantly_api.models import BackgroundJob


@dataclass(frozen=True)
class Job:
    id: str
    status: Any
    progress: Any = 0
    data: Any = None


class GeneratedStatus(enum.Enum):
    """Like the generated BackgroundJobStatus: a plain Enum whose values are the strings."""

    SUCCESS = "success"
    IN_PROGRESS = "in-progress"


class UnsetLike:
    """Like instantly_api.types.Unset: falsy, no value."""

    def __bool__(self) -> bool:
        return False


@dataclass
class DataModel:
    """Like a generated model with additional properties: exposes to_dict()."""

    props: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.props)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def no_jitter() -> float:
    return 0.0


def make_wait(
    clock: Clock, *, timeout: float = 60.0, job: Job | None = None, **kwargs: Any
) -> JobWait[Job]:
    return JobWait("job-1", deadline=Deadline(timeout, clock), job=job, rng=no_jitter, **kwargs)


# Reading a job's state


@pytest.mark.parametrize(
    "status", ["in-progress", GeneratedStatus.IN_PROGRESS, JobStatus.IN_PROGRESS]
)
def test_job_status_reads_a_str_or_an_enum_value(status: object) -> None:
    assert job_status(Job("j", status)) == "in-progress"


@pytest.mark.parametrize("status", [None, UnsetLike(), 3])
def test_job_status_of_a_missing_or_odd_status_is_none(status: object) -> None:
    assert job_status(Job("j", status)) is None


@pytest.mark.parametrize(("progress", "expected"), [(40, 40.0), (12.5, 12.5), (0, 0.0)])
def test_job_progress_reads_a_number_as_float(progress: object, expected: float) -> None:
    assert job_progress(Job("j", "pending", progress)) == expected


@pytest.mark.parametrize("progress", [None, UnsetLike(), True, "40"])
def test_job_progress_of_a_missing_or_odd_value_is_none(progress: object) -> None:
    assert job_progress(Job("j", "pending", progress)) is None


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("success", Outcome.SUCCEEDED),
        ("failed", Outcome.FAILED),
        ("cancelled", Outcome.CANCELLED),
        ("pending", Outcome.CONTINUE),
        ("in-progress", Outcome.CONTINUE),
        ("paused", Outcome.CONTINUE),
        ("draining", Outcome.CONTINUE),
        (GeneratedStatus.SUCCESS, Outcome.SUCCEEDED),
    ],
)
def test_job_outcome_follows_the_status(status: object, outcome: Outcome) -> None:
    assert job_outcome(Job("j", status)) is outcome


@pytest.mark.parametrize("status", ["archived-someday", None, UnsetLike()])
def test_job_outcome_of_an_unknown_status_is_keep_polling(status: object) -> None:
    assert job_outcome(Job("j", status)) is Outcome.CONTINUE


def test_job_error_message_reads_the_error_from_a_dict() -> None:
    assert job_error_message(Job("j", "failed", data={"error": "quota exceeded"})) == (
        "quota exceeded"
    )


def test_job_error_message_reads_a_nested_message() -> None:
    job = Job("j", "failed", data={"error": {"message": "bad tag"}})
    assert job_error_message(job) == "bad tag"


def test_job_error_message_reads_a_generated_model_via_to_dict() -> None:
    job = Job("j", "failed", data=DataModel({"error_message": "token revoked"}))
    assert job_error_message(job) == "token revoked"


@pytest.mark.parametrize("data", [None, UnsetLike(), {}, {"error": ""}, {"count": 3}])
def test_job_error_message_without_a_reason_is_none(data: object) -> None:
    assert job_error_message(Job("j", "failed", data=data)) is None


def test_job_error_message_is_shortened() -> None:
    message = job_error_message(Job("j", "failed", data={"error": "x" * 2000}))
    assert message is not None
    assert len(message) == 500
    assert message.endswith("...")


# Which errors a poll survives


@pytest.mark.parametrize(
    "exc",
    [
        APIConnectionError("reset"),
        APITimeoutError("read timeout"),
        InternalServerError("boom", status_code=503),
        RateLimitError("slow down", status_code=429, retry_after=2.0),
    ],
)
def test_connection_errors_5xx_and_429_are_transient(exc: Exception) -> None:
    assert is_transient_poll_error(exc)


@pytest.mark.parametrize(
    "exc",
    [
        NotFoundError("no job", status_code=404),
        AuthenticationError("bad key", status_code=401),
        MalformedResponseError("not json"),
        ValueError("bug"),
    ],
)
def test_other_errors_are_not_transient(exc: Exception) -> None:
    assert not is_transient_poll_error(exc)


# Backoff


def test_backoff_grows_by_half_from_half_a_second_to_a_ten_second_cap() -> None:
    delays = [Backoff().delay(n, no_jitter) for n in range(10)]
    assert delays[:4] == [0.5, 0.75, 1.125, 1.6875]
    assert delays[-1] == 10.0
    assert all(a <= b for a, b in itertools.pairwise(delays))


def test_backoff_equal_jitter_shortens_by_at_most_half() -> None:
    assert Backoff().delay(0, lambda: 0.999999) == pytest.approx(0.25, abs=1e-6)


def test_backoff_jitter_never_exceeds_the_cap() -> None:
    assert Backoff().delay(100, lambda: 0.0) == 10.0


def test_backoff_of_a_huge_attempt_is_the_cap() -> None:
    assert Backoff(factor=10).delay(10_000, no_jitter) == 10.0


@pytest.mark.parametrize(
    "kwargs",
    [{"initial": 0}, {"cap": -1}, {"factor": 0.5}, {"jitter": 1.5}, {"initial": math.nan}],
)
def test_backoff_rejects_nonsense_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInputError):
        Backoff(**kwargs)


def test_backoff_for_none_is_the_default_backoff() -> None:
    assert backoff_for(None) == Backoff()


def test_backoff_for_a_poll_interval_is_fixed_without_jitter() -> None:
    backoff = backoff_for(2.0)
    assert [backoff.delay(n, lambda: 0.9) for n in range(3)] == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("interval", [0, -1, math.inf, math.nan, True, "1"])
def test_backoff_for_rejects_a_poll_interval_that_is_not_a_positive_number(
    interval: object,
) -> None:
    with pytest.raises(InvalidInputError, match="poll_interval"):
        backoff_for(interval)  # type: ignore[arg-type]


# Deadline


def test_deadline_counts_down_on_the_injected_clock() -> None:
    clock = Clock()
    deadline = Deadline(10, clock)
    clock.now = 4
    assert deadline.remaining() == 6
    assert not deadline.expired()
    clock.now = 10
    assert deadline.expired()
    assert deadline.remaining() == 0


@pytest.mark.parametrize("timeout", [-1, math.inf, math.nan, None, False])
def test_deadline_rejects_a_timeout_that_is_not_a_finite_non_negative_number(
    timeout: object,
) -> None:
    with pytest.raises(InvalidInputError, match="timeout"):
        Deadline(timeout)  # type: ignore[arg-type]


# JobWait


def test_a_bare_id_is_fetched_at_once() -> None:
    clock = Clock()
    assert make_wait(clock).next_step() == Fetch(at=0.0)


def test_a_known_running_state_is_polled_after_the_first_delay() -> None:
    clock = Clock()
    assert make_wait(clock, job=Job("job-1", "pending")).next_step() == Fetch(at=0.5)


def test_a_known_successful_state_finishes_without_a_fetch() -> None:
    job = Job("job-1", "success", 100)
    assert make_wait(Clock(), job=job).next_step() == Finished(job)


def test_a_known_failed_state_raises_at_the_first_step_not_when_built() -> None:
    wait = make_wait(Clock(), job=Job("job-1", "failed"))
    with pytest.raises(JobFailedError):
        wait.next_step()


def test_polls_are_scheduled_by_the_backoff_from_each_fetch() -> None:
    clock = Clock()
    wait = make_wait(clock)
    ats = []
    for _ in range(4):
        step = wait.next_step()
        assert isinstance(step, Fetch)
        ats.append(step.at)
        clock.now = step.at
        wait.record(Job("job-1", "in-progress"))
    assert ats == [0.0, 0.5, 1.25, 2.375]


def test_success_finishes_with_the_final_state() -> None:
    wait = make_wait(Clock())
    final = Job("job-1", "success", 100)
    wait.record(final)
    assert wait.finished
    assert wait.next_step() == Finished(final)


def test_failed_raises_job_failed_error_with_the_job_and_the_server_reason() -> None:
    wait = make_wait(Clock())
    job = Job("job-1", "failed", 30, data={"error": "account not found"})
    with pytest.raises(JobFailedError) as info:
        wait.record(job)
    assert info.value.job is job
    assert str(info.value) == (
        "job job-1 (status 'failed', progress 30%) failed: account not found"
    )


def test_failed_without_a_reason_says_so() -> None:
    with pytest.raises(JobFailedError, match="the server gave no reason"):
        make_wait(Clock()).record(Job("job-1", "failed"))


def test_cancelled_raises_job_cancelled_error_with_the_job() -> None:
    job = Job("job-1", "cancelled", 10)
    with pytest.raises(JobCancelledError, match=r"job job-1 .* was cancelled") as info:
        make_wait(Clock()).record(job)
    assert info.value.job is job


@pytest.mark.parametrize("status", ["paused", "draining", "pending", "brand-new-status"])
def test_non_terminal_and_unknown_statuses_keep_polling(status: str) -> None:
    wait = make_wait(Clock())
    wait.record(Job("job-1", status))
    assert isinstance(wait.next_step(), Fetch)


def test_the_last_fetch_is_due_at_the_deadline_itself() -> None:
    clock = Clock()
    wait = make_wait(clock, timeout=1.0, backoff=backoff_for(5.0))
    wait.record(Job("job-1", "pending"))
    assert wait.next_step() == Fetch(at=1.0)


def test_after_the_deadline_a_timeout_carries_the_last_state() -> None:
    clock = Clock()
    wait = make_wait(clock, timeout=5.0)
    last = Job("job-1", "in-progress", 40)
    wait.record(last)
    clock.now = 5.0
    with pytest.raises(JobTimeoutError) as info:
        wait.next_step()
    assert info.value.job is last
    assert info.value.timeout == 5.0
    assert "job job-1 (status 'in-progress', progress 40%) did not finish within 5s" in str(
        info.value
    )
    assert "not cancelled" in str(info.value)


def test_a_zero_timeout_on_a_bare_id_still_fetches_once() -> None:
    clock = Clock()
    wait = make_wait(clock, timeout=0)
    assert wait.next_step() == Fetch(at=0.0)
    wait.record(Job("job-1", "pending"))
    with pytest.raises(JobTimeoutError):
        wait.next_step()


def test_a_transient_error_keeps_polling_on_schedule() -> None:
    clock = Clock()
    wait = make_wait(clock)
    assert wait.record_error(APIConnectionError("reset")) is True
    assert wait.next_step() == Fetch(at=0.5)


def test_a_rate_limit_waits_at_least_retry_after() -> None:
    clock = Clock()
    wait = make_wait(clock)
    wait.record_error(RateLimitError("slow", status_code=429, retry_after=3.0))
    assert wait.next_step() == Fetch(at=3.0)


def test_a_non_transient_error_is_left_to_the_shell_to_raise() -> None:
    assert make_wait(Clock()).record_error(NotFoundError("gone", status_code=404)) is False


def test_a_timeout_after_failing_polls_chains_the_last_error() -> None:
    clock = Clock()
    wait = make_wait(clock, timeout=1.0)
    error = InternalServerError("down", status_code=503)
    wait.record_error(error)
    clock.now = 1.0
    with pytest.raises(JobTimeoutError, match="the last poll failed") as info:
        wait.next_step()
    assert info.value.__cause__ is error
    assert info.value.job is None


def test_a_good_poll_clears_the_last_error() -> None:
    wait = make_wait(Clock())
    wait.record_error(APIConnectionError("reset"))
    wait.record(Job("job-1", "pending"))
    assert wait.last_error is None


def test_progress_is_reported_for_the_first_state_and_each_change_in_order() -> None:
    seen: list[tuple[str, int]] = []
    wait = make_wait(Clock(), on_progress=lambda job: seen.append((job.status, job.progress)))
    for status, progress in [
        ("pending", 0),
        ("pending", 0),
        ("in-progress", 0),
        ("in-progress", 50),
        ("in-progress", 50),
        ("success", 100),
    ]:
        wait.record(Job("job-1", status, progress))
    assert seen == [("pending", 0), ("in-progress", 0), ("in-progress", 50), ("success", 100)]


def test_a_known_state_is_reported_to_on_progress_first() -> None:
    seen: list[Job] = []
    known = Job("job-1", "pending")
    wait = make_wait(Clock(), job=known, on_progress=seen.append)
    wait.next_step()
    assert seen == [known]


# The generated model


def background_job(status: str, progress: float = 0, data: dict[str, Any] | None = None) -> Any:
    payload: dict[str, Any] = {
        "id": "675266e304a8e55b17f0228b",
        "workspace_id": "f9cc070d-8dba-4341-b847-f083c358e460",
        "type": "update-warmup-accounts",
        "progress": progress,
        "status": status,
        "created_at": "2026-05-09T19:37:14.248Z",
        "updated_at": "2026-05-09T19:37:14.248Z",
    }
    if data is not None:
        payload["data"] = data
    return BackgroundJob.from_dict(payload)


def test_the_generated_background_job_is_read_like_any_job() -> None:
    job = background_job("in-progress", 42)
    assert (job_status(job), job_progress(job), job_outcome(job)) == (
        "in-progress",
        42.0,
        Outcome.CONTINUE,
    )


def test_the_generated_background_job_without_data_has_no_error_message() -> None:
    assert job_error_message(background_job("failed")) is None


def test_the_server_reason_is_read_from_the_generated_data_model() -> None:
    job = background_job("failed", data={"error": "warmup pool unavailable", "failed_count": 3})
    assert job_error_message(job) == "warmup pool unavailable"
