"""JobHandle, AsyncJobHandle and their groups: thin shells over the polling core."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from instantly._errors import (
    APIConnectionError,
    AuthenticationError,
    InternalServerError,
    InvalidInputError,
    JobCancelledError,
    JobFailedError,
    JobGroupError,
    JobTimeoutError,
    NotFoundError,
    UnexpectedStateError,
)
from instantly._job_handles import AsyncJobGroup, AsyncJobHandle, JobGroup, JobHandle
from instantly._warmup_selection import warmup_request_bodies, warmup_selection
from instantly.testing import FakeClock, FakeInstantly, JobScript
from instantly_api.models import BackgroundJob


@dataclass(frozen=True)
class Job:
    id: str
    status: Any
    progress: Any = 0
    data: Any = None


class Clock:
    """A fake clock whose sleeps advance it exactly and are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        """Yield to other tasks, then make sure the clock has reached this sleeper's wake time."""
        start = self.now
        self.sleeps.append(seconds)
        await asyncio.sleep(0)
        self.now = max(self.now, start + seconds)


class Server:
    """Scripted job states per id: each fetch returns the next one (the last one repeats)."""

    def __init__(self, script: dict[str, Iterable[Job | Exception]]) -> None:
        self.script = {job_id: list(states) for job_id, states in script.items()}
        self.fetches: list[str] = []

    def fetch(self, job_id: str) -> Job:
        self.fetches.append(job_id)
        states = self.script[job_id]
        state = states.pop(0) if len(states) > 1 else states[0]
        if isinstance(state, Exception):
            raise state
        return state

    async def async_fetch(self, job_id: str) -> Job:
        await asyncio.sleep(0)
        return self.fetch(job_id)


def no_jitter() -> float:
    return 0.0


def running(job_id: str = "job-1", progress: int = 0) -> Job:
    return Job(job_id, "in-progress", progress)


def succeeded(job_id: str = "job-1") -> Job:
    return Job(job_id, "success", 100)


def handle(server: Server, clock: Clock, job_id: str = "job-1", **kwargs: Any) -> JobHandle[Job]:
    return JobHandle(
        job_id, fetch=server.fetch, clock=clock, sleep=clock.sleep, rng=no_jitter, **kwargs
    )


def async_handle(
    server: Server, clock: Clock, job_id: str = "job-1", **kwargs: Any
) -> AsyncJobHandle[Job]:
    return AsyncJobHandle(
        job_id,
        fetch=server.async_fetch,
        clock=clock,
        sleep=clock.async_sleep,
        rng=no_jitter,
        **kwargs,
    )


# JobHandle


def test_a_handle_from_a_bare_id_knows_nothing_until_refreshed() -> None:
    h = handle(Server({"job-1": [running()]}), Clock())
    assert (h.id, h.job, h.status, h.progress, h.done) == ("job-1", None, None, None, False)


def test_refresh_fetches_once_and_keeps_the_state() -> None:
    server = Server({"job-1": [running(progress=40)]})
    h = handle(server, Clock())
    assert h.refresh() == running(progress=40)
    assert (h.status, h.progress, h.done, server.fetches) == ("in-progress", 40.0, False, ["job-1"])


def test_done_is_true_for_any_terminal_state() -> None:
    h = handle(Server({"job-1": [Job("job-1", "failed")]}), Clock())
    h.refresh()
    assert h.done


def test_wait_polls_with_backoff_until_success() -> None:
    clock = Clock()
    server = Server({"job-1": [running(), running(), running(), succeeded()]})
    assert handle(server, clock).wait() == succeeded()
    assert clock.sleeps == [0.5, 0.75, 1.125]
    assert len(server.fetches) == 4


def test_wait_from_a_known_state_polls_after_the_first_delay() -> None:
    clock = Clock()
    server = Server({"job-1": [succeeded()]})
    handle(server, clock, job=running()).wait()
    assert clock.sleeps == [0.5]


def test_wait_on_a_known_successful_state_fetches_nothing() -> None:
    server = Server({"job-1": [running()]})
    assert handle(server, Clock(), job=succeeded()).wait() == succeeded()
    assert server.fetches == []


def test_wait_with_a_poll_interval_polls_at_that_fixed_interval() -> None:
    clock = Clock()
    server = Server({"job-1": [running(), running(), running(), succeeded()]})
    handle(server, clock).wait(poll_interval=2.0)
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_wait_raises_job_failed_error_naming_the_job_and_reason() -> None:
    failed = Job("job-1", "failed", 20, data={"error": "tag not found"})
    h = handle(Server({"job-1": [running(), failed]}), Clock())
    with pytest.raises(JobFailedError, match=r"job job-1 .*failed: tag not found") as info:
        h.wait()
    assert info.value.job is failed
    assert h.job is failed


def test_wait_raises_job_cancelled_error() -> None:
    h = handle(Server({"job-1": [Job("job-1", "cancelled")]}), Clock())
    with pytest.raises(JobCancelledError):
        h.wait()


def test_wait_times_out_with_the_last_state_after_polling_at_the_deadline() -> None:
    clock = Clock()
    server = Server({"job-1": [running(progress=10), running(progress=20)]})
    h = handle(server, clock)
    with pytest.raises(JobTimeoutError) as info:
        h.wait(wait_timeout=3.0)
    assert info.value.job == running(progress=20)
    assert info.value.timeout == 3.0
    assert clock.now == 3.0
    assert h.job == running(progress=20)


def test_wait_keeps_polling_through_transient_errors() -> None:
    server = Server(
        {
            "job-1": [
                running(),
                APIConnectionError("reset"),
                InternalServerError("down", status_code=503),
                succeeded(),
            ]
        }
    )
    assert handle(server, Clock()).wait() == succeeded()
    assert len(server.fetches) == 4


def test_wait_raises_a_non_transient_error_at_once() -> None:
    server = Server({"job-1": [NotFoundError("no such job", status_code=404)]})
    with pytest.raises(NotFoundError):
        handle(server, Clock()).wait()
    assert len(server.fetches) == 1


def test_wait_refuses_the_state_of_another_job() -> None:
    h = handle(Server({"job-1": [running("job-2")]}), Clock())
    with pytest.raises(UnexpectedStateError, match="answered with job 'job-2'"):
        h.wait()
    assert h.job is None


def test_refresh_refuses_the_state_of_another_job() -> None:
    h = handle(Server({"job-1": [running("job-2")]}), Clock())
    with pytest.raises(UnexpectedStateError, match="answered with job 'job-2'"):
        h.refresh()
    assert h.job is None


def test_a_handle_shows_each_state_while_it_waits() -> None:
    statuses: list[str | None] = []
    server = Server({"job-1": [running(progress=10), running(progress=50), succeeded()]})
    h = handle(server, Clock())
    h.wait(on_progress=lambda job: statuses.append(f"{h.status} {h.progress:g}"))
    assert statuses == ["in-progress 10", "in-progress 50", "success 100"]


def test_wait_reports_progress_changes_in_order() -> None:
    seen: list[float] = []
    server = Server(
        {"job-1": [running(progress=0), running(progress=0), running(progress=50), succeeded()]}
    )
    handle(server, Clock()).wait(on_progress=lambda job: seen.append(job.progress))
    assert seen == [0, 50, 100]


@pytest.mark.parametrize("job_id", ["", " ", " job-1", None, 7])
def test_a_handle_needs_a_non_blank_job_id(job_id: object) -> None:
    with pytest.raises(InvalidInputError, match="job id"):
        JobHandle(job_id, fetch=Server({}).fetch)  # type: ignore[arg-type]


def test_a_handle_rejects_a_known_state_of_another_job() -> None:
    with pytest.raises(InvalidInputError, match="'job-2', not 'job-1'"):
        JobHandle("job-1", fetch=Server({}).fetch, job=running("job-2"))


def test_a_handle_repr_shows_id_status_and_progress() -> None:
    h = handle(Server({}), Clock(), job=running(progress=30))
    assert repr(h) == "JobHandle(id='job-1', status='in-progress', progress=30.0)"


# AsyncJobHandle


async def test_async_wait_polls_with_backoff_until_success() -> None:
    clock = Clock()
    server = Server({"job-1": [running(), running(), succeeded()]})
    assert await async_handle(server, clock).wait() == succeeded()
    assert clock.sleeps == [0.5, 0.75]


async def test_async_refresh_fetches_once_and_keeps_the_state() -> None:
    h = async_handle(Server({"job-1": [running(progress=5)]}), Clock())
    assert await h.refresh() == running(progress=5)
    assert h.progress == 5.0


async def test_async_wait_raises_job_failed_error() -> None:
    h = async_handle(Server({"job-1": [Job("job-1", "failed")]}), Clock())
    with pytest.raises(JobFailedError):
        await h.wait()


async def test_async_wait_times_out_with_the_last_state() -> None:
    clock = Clock()
    h = async_handle(Server({"job-1": [running(progress=70)]}), clock)
    with pytest.raises(JobTimeoutError) as info:
        await h.wait(wait_timeout=2.0)
    assert info.value.job == running(progress=70)


async def test_async_wait_keeps_polling_through_transient_errors() -> None:
    server = Server({"job-1": [APIConnectionError("reset"), succeeded()]})
    assert await async_handle(server, Clock()).wait() == succeeded()


async def test_async_wait_raises_a_non_transient_error_at_once() -> None:
    server = Server({"job-1": [AuthenticationError("revoked", status_code=401)]})
    with pytest.raises(AuthenticationError):
        await async_handle(server, Clock()).wait()


# JobGroup


def group(server: Server, clock: Clock, ids: Iterable[str]) -> JobGroup[Job]:
    return JobGroup([handle(server, clock, job_id) for job_id in ids])


def test_group_wait_returns_every_final_state_in_order() -> None:
    clock = Clock()
    server = Server(
        {
            "a": [running("a"), running("a"), succeeded("a")],
            "b": [succeeded("b")],
            "c": [running("c"), succeeded("c")],
        }
    )
    assert group(server, clock, "abc").wait() == [succeeded("a"), succeeded("b"), succeeded("c")]


def test_group_polls_jobs_in_turn_each_on_its_own_schedule() -> None:
    clock = Clock()
    server = Server({"a": [running("a"), succeeded("a")], "b": [running("b"), succeeded("b")]})
    group(server, clock, "ab").wait()
    assert server.fetches == ["a", "b", "a", "b"]
    assert clock.sleeps == [0.5]


def test_group_of_nothing_waits_for_nothing() -> None:
    assert JobGroup[Job]([]).wait() == []


def test_group_waits_for_all_then_raises_one_error_listing_each_failure() -> None:
    clock = Clock()
    failed = Job("b", "failed", data={"error": "quota"})
    server = Server(
        {
            "a": [running("a"), running("a"), succeeded("a")],
            "b": [failed],
            "c": [Job("c", "cancelled")],
        }
    )
    with pytest.raises(JobGroupError) as info:
        group(server, clock, "abc").wait()
    assert [type(e) for e in info.value.errors] == [JobFailedError, JobCancelledError]
    assert info.value.jobs == (succeeded("a"), failed, Job("c", "cancelled"))
    assert str(info.value).startswith("2 of 3 jobs did not succeed: job b")


def test_group_shares_one_deadline_and_reports_the_late_job_as_timed_out() -> None:
    clock = Clock()
    server = Server({"a": [succeeded("a")], "b": [running("b", 60)]})
    with pytest.raises(JobGroupError) as info:
        group(server, clock, "ab").wait(wait_timeout=5.0)
    (error,) = info.value.errors
    assert isinstance(error, JobTimeoutError)
    assert error.job == running("b", 60)
    assert clock.now == 5.0


def test_group_raises_a_non_job_error_at_once() -> None:
    server = Server({"a": [running("a")], "b": [AuthenticationError("revoked", status_code=401)]})
    with pytest.raises(AuthenticationError):
        group(server, Clock(), "ab").wait()
    assert server.fetches == ["a", "b"]


def test_group_reports_progress_of_every_job() -> None:
    seen: list[str] = []
    server = Server({"a": [succeeded("a")], "b": [succeeded("b")]})
    group(server, Clock(), "ab").wait(on_progress=lambda job: seen.append(job.id))
    assert seen == ["a", "b"]


def test_group_refresh_and_done_reflect_every_job() -> None:
    server = Server({"a": [succeeded("a")], "b": [running("b")]})
    g = group(server, Clock(), "ab")
    assert g.refresh() == [succeeded("a"), running("b")]
    assert (g.ids, g.done, len(g), g[1].status) == (["a", "b"], False, 2, "in-progress")


# AsyncJobGroup


def async_group(server: Server, clock: Clock, ids: Iterable[str]) -> AsyncJobGroup[Job]:
    return AsyncJobGroup([async_handle(server, clock, job_id) for job_id in ids])


async def test_async_group_wait_returns_every_final_state_in_order() -> None:
    server = Server({"a": [running("a"), running("a"), succeeded("a")], "b": [succeeded("b")]})
    assert await async_group(server, Clock(), "ab").wait() == [succeeded("a"), succeeded("b")]


async def test_async_group_polls_jobs_in_turn_each_on_its_own_schedule() -> None:
    clock = Clock()
    server = Server({"a": [running("a"), succeeded("a")], "b": [running("b"), succeeded("b")]})
    await async_group(server, clock, "ab").wait()
    assert server.fetches == ["a", "b", "a", "b"]
    assert clock.sleeps == [0.5]


async def test_async_group_shares_one_deadline_and_reports_the_late_job_as_timed_out() -> None:
    clock = Clock()
    server = Server({"a": [running("a"), succeeded("a")], "b": [running("b")]})
    with pytest.raises(JobGroupError) as info:
        await async_group(server, clock, "ab").wait(wait_timeout=3.0)
    assert [type(e) for e in info.value.errors] == [JobTimeoutError]
    assert clock.now == 3.0


async def test_async_group_raises_one_error_listing_each_failure() -> None:
    server = Server({"a": [succeeded("a")], "b": [Job("b", "failed")], "c": [running("c")]})
    with pytest.raises(JobGroupError) as info:
        await async_group(server, Clock(), "abc").wait(wait_timeout=3.0)
    assert [type(e) for e in info.value.errors] == [JobFailedError, JobTimeoutError]


async def test_async_group_raises_a_non_job_error_and_stops_the_others() -> None:
    server = Server({"a": [running("a")], "b": [NotFoundError("gone", status_code=404)]})
    g = async_group(server, Clock(), "ab")
    with pytest.raises(NotFoundError):
        await g.wait()
    fetched = len(server.fetches)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert len(server.fetches) == fetched


async def test_async_group_refresh_returns_states_in_order() -> None:
    server = Server({"a": [running("a")], "b": [succeeded("b")]})
    assert await async_group(server, Clock(), "ab").refresh() == [running("a"), succeeded("b")]


# The generated model


def test_a_handle_follows_the_generated_background_job_model() -> None:
    def state(status: str, progress: float) -> BackgroundJob:
        return BackgroundJob.from_dict(
            {
                "id": "675266e304a8e55b17f0228b",
                "workspace_id": "f9cc070d-8dba-4341-b847-f083c358e460",
                "type": "update-warmup-accounts",
                "progress": progress,
                "status": status,
                "created_at": "2026-05-09T19:37:14.248Z",
                "updated_at": "2026-05-09T19:37:14.248Z",
            }
        )

    states = [state("pending", 0), state("in-progress", 50), state("success", 100)]
    clock = Clock()
    h: JobHandle[BackgroundJob] = JobHandle(
        "675266e304a8e55b17f0228b",
        fetch=lambda job_id: states.pop(0),
        clock=clock,
        sleep=clock.sleep,
        rng=no_jitter,
    )
    assert h.wait().progress == 100
    assert (h.status, h.done) == ("success", True)


# Against the fake Instantly (instantly.testing), through httpx: warmup bodies start real jobs


def _fake_warmup_handle(
    script: JobScript, emails: list[str] | None = None
) -> tuple[JobHandle[BackgroundJob], FakeClock]:
    """A warmup-disable job started on a fake with `script`, and a handle following it."""
    clock = FakeClock()
    fake = FakeInstantly(clock=clock, job_script=script, rate_limit=None)
    seeded = fake.seed_accounts(3)
    http = httpx.Client(
        transport=fake.transport(sleep=clock.sleep),
        base_url="https://api.instantly.ai",
        headers={"Authorization": "Bearer test"},
    )
    (body,) = warmup_request_bodies(warmup_selection(emails or seeded))
    response = http.post("/api/v2/accounts/warmup/disable", json=body)
    assert response.status_code == 200, response.text
    started = BackgroundJob.from_dict(response.json())

    def fetch(job_id: str) -> BackgroundJob:
        reply = http.get(f"/api/v2/background-jobs/{job_id}")
        reply.raise_for_status()
        return BackgroundJob.from_dict(reply.json())

    handle = JobHandle(started.id, fetch=fetch, job=started, clock=clock, sleep=clock.sleep)
    return handle, clock


def test_a_handle_follows_a_fake_warmup_job_to_success() -> None:
    handle, _ = _fake_warmup_handle(JobScript.success())
    assert handle.wait(wait_timeout=60).status == "success"


def test_a_handle_reports_the_fake_job_failure_reason() -> None:
    handle, _ = _fake_warmup_handle(JobScript.failed("warmup pool unavailable"))
    with pytest.raises(JobFailedError, match="failed: warmup pool unavailable"):
        handle.wait(wait_timeout=60)


def test_a_handle_waits_through_a_paused_fake_job() -> None:
    handle, _ = _fake_warmup_handle(JobScript.paused_then_resumed(paused_for=5.0))
    statuses: list[str] = []
    handle.wait(wait_timeout=60, on_progress=lambda job: statuses.append(job.status))
    assert "paused" in statuses
    assert statuses[-1] == "success"


def test_a_handle_times_out_on_a_never_ending_fake_job_at_the_deadline() -> None:
    handle, clock = _fake_warmup_handle(JobScript.never_finishing())
    with pytest.raises(JobTimeoutError) as info:
        handle.wait(wait_timeout=30)
    assert clock.now == pytest.approx(30.0)
    assert info.value.job.id == handle.id
