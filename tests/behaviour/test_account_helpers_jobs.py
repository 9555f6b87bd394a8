"""Waiting for background jobs through the client, against the fake.

The client runs on the fake's manual clock (sleeps advance it; jitter fixed at 0), so each poll
happens at an exact time and every test runs instantly. Scripts: `instantly.testing.JobScript`.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from instantly import (
    AsyncInstantly,
    Instantly,
    InvalidInputError,
    JobCancelledError,
    JobFailedError,
    JobGroupError,
    JobTimeoutError,
    NotFoundError,
)
from instantly.testing import FakeClock, FakeInstantly, Fault, JobScript

BASE_URL = "https://api.instantly.ai"
API_KEY = "test-key-123"
KNOWN = "sender001@example.com"
JOB_PATH = "/api/v2/background-jobs/*"


def _no_jitter() -> float:
    return 0.0


def _client(fake: FakeInstantly, clock: FakeClock, **kwargs: Any) -> Instantly:
    return Instantly(
        API_KEY,
        base_url=BASE_URL,
        transport=fake.transport(sleep=clock.sleep),
        clock=clock,
        sleep=clock.sleep,
        rng=_no_jitter,
        **kwargs,
    )


@pytest.fixture
def instantly(fake: FakeInstantly, clock: FakeClock) -> Iterator[Instantly]:
    """A client on the fake, its clock and sleep the fake's, no jitter."""
    with _client(fake, clock) as client:
        yield client


@pytest.fixture
async def ainstantly(fake: FakeInstantly, clock: FakeClock) -> AsyncIterator[AsyncInstantly]:
    """The async client on the same fake and clock."""
    async with AsyncInstantly(
        API_KEY,
        base_url=BASE_URL,
        transport=fake.transport(async_sleep=clock.async_sleep),
        clock=clock,
        sleep=clock.async_sleep,
        rng=_no_jitter,
    ) as client:
        yield client


def _start(fake: FakeInstantly, script: JobScript) -> str:
    job_id: str = fake.jobs.start(script=script)["id"]
    return job_id


def _job_gets(fake: FakeInstantly) -> list[Any]:
    return [r for r in fake.requests if r.method == "GET" and "/background-jobs/" in r.path]


def test_a_job_is_waited_to_success_with_every_progress_step_reported_in_order(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.success(pending=0.5, running=2.0, steps=4))
    seen: list[tuple[str, float]] = []

    job = instantly.jobs.wait(
        job_id,
        wait_timeout=60,
        poll_interval=0.25,
        on_progress=lambda j: seen.append((j.status, j.progress)),
    )

    assert (job.id, job.status, job.progress) == (job_id, "success", 100)
    assert seen == [
        ("pending", 0),
        ("in-progress", 0),
        ("in-progress", 25),
        ("in-progress", 50),
        ("in-progress", 75),
        ("success", 100),
    ]


def test_a_failed_job_raises_job_failed_error_with_the_job_and_its_reason(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.failed("quota exceeded"))

    with pytest.raises(JobFailedError, match="quota exceeded") as caught:
        instantly.jobs.wait(job_id, wait_timeout=60)

    assert (caught.value.job.id, caught.value.job.status) == (job_id, "failed")


def test_a_cancelled_job_raises_job_cancelled_error_with_the_job(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.cancelled())

    with pytest.raises(JobCancelledError) as caught:
        instantly.jobs.wait(job_id, wait_timeout=60)

    assert caught.value.job.status == "cancelled"


def test_a_paused_then_resumed_job_is_waited_through_to_success(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.paused_then_resumed(paused_for=5.0, draining_for=1.0))
    statuses: list[str] = []

    job = instantly.jobs.wait(
        job_id, wait_timeout=60, poll_interval=0.5, on_progress=lambda j: statuses.append(j.status)
    )

    assert job.status == "success"
    assert statuses == ["pending", "in-progress", "paused", "draining", "in-progress", "success"]


def test_a_timeout_raises_with_the_last_state_and_leaves_the_job_running(
    instantly: Instantly, fake: FakeInstantly, clock: FakeClock
) -> None:
    job_id = _start(fake, JobScript.never_finishing(progress=40))
    started = clock()

    with pytest.raises(JobTimeoutError, match="not cancelled") as caught:
        instantly.jobs.wait(job_id, wait_timeout=30)

    assert (caught.value.job.status, caught.value.job.progress, caught.value.timeout) == (
        "in-progress",
        40,
        30,
    )
    assert clock() - started == 30
    assert fake.jobs.status(job_id) == "in-progress"


def test_polling_backs_off_from_half_a_second_to_ten(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.never_finishing())

    with pytest.raises(JobTimeoutError):
        instantly.jobs.wait(job_id, wait_timeout=40)

    times = [r.time for r in _job_gets(fake)]
    gaps = [round(b - a, 4) for a, b in itertools.pairwise(times)]
    assert gaps[:6] == [0.5, 0.75, 1.125, 1.6875, 2.5312, 3.7969]
    assert max(gaps) == 10.0


def test_polling_survives_transient_errors(fake: FakeInstantly, clock: FakeClock) -> None:
    job_id = _start(fake, JobScript.success())
    fake.faults.add(Fault.server_error(503), times=3, method="GET", path=JOB_PATH)
    fake.faults.add(Fault.connect_error(), times=2, method="GET", path=JOB_PATH)

    with _client(fake, clock, max_retries=0) as client:
        job = client.jobs.wait(job_id, wait_timeout=60)

    assert job.status == "success"
    assert len(fake.faults.injected) == 5


def test_polling_does_not_outrun_a_429s_retry_after(fake: FakeInstantly, clock: FakeClock) -> None:
    job_id = _start(fake, JobScript.success())
    fake.faults.add(Fault.rate_limited(retry_after=7), times=1, method="GET", path=JOB_PATH)

    with _client(fake, clock, max_retries=0) as client:
        job = client.jobs.wait(job_id, wait_timeout=60)

    times = [r.time for r in _job_gets(fake)]
    assert job.status == "success"
    assert times[1] - times[0] >= 7


def test_a_job_that_does_not_exist_raises_not_found_at_once(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(NotFoundError):
        instantly.jobs.wait("0199f5c4-0000-7000-8000-00000000dead", wait_timeout=60)

    assert len(fake.requests) == 1


@pytest.mark.parametrize("job_id", ["", " ", " padded", "..", 42])
def test_a_bad_job_id_is_refused_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly, job_id: Any
) -> None:
    with pytest.raises(InvalidInputError):
        instantly.jobs.wait(job_id)

    assert fake.requests == []


def test_bad_wait_options_are_refused_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.success())

    with pytest.raises(InvalidInputError, match="poll_interval"):
        instantly.jobs.wait(job_id, poll_interval=-1)

    assert fake.requests == []


def test_a_handle_rebuilt_from_a_bare_id_in_another_client_waits_to_the_end(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    with _client(fake, clock) as first:
        job_id = first.accounts.disable_warmup([KNOWN]).ids[0]
    sent = len(fake.requests)

    with _client(fake, clock) as second:
        handle = second.jobs.handle(job_id)
        assert (handle.id, handle.job, handle.done) == (job_id, None, False)
        assert len(fake.requests) == sent  # building a handle sends nothing
        job = handle.wait(wait_timeout=60)

    assert (job.status, handle.done, handle.status) == ("success", True, "success")
    assert fake.account(KNOWN)["warmup_status"] == 0


def test_refresh_fetches_the_current_state_once(
    instantly: Instantly, fake: FakeInstantly, clock: FakeClock
) -> None:
    job_id = _start(fake, JobScript.success(pending=1.0, running=2.0, steps=2))
    handle = instantly.jobs.handle(job_id)
    clock.advance(2.0)

    job = handle.refresh()

    assert (job.status, job.progress) == ("in-progress", 50)
    assert (handle.status, handle.progress, handle.done) == ("in-progress", 50.0, False)
    assert len(fake.requests) == 1


def test_a_warmup_group_reports_every_failed_job(instantly: Instantly, fake: FakeInstantly) -> None:
    emails = fake.seed_accounts(250, prefix="warm")
    fake.jobs.script_next(JobScript.success())
    fake.jobs.script_next(JobScript.failed("smtp auth"))
    fake.jobs.script_next(JobScript.cancelled())

    with pytest.raises(JobGroupError, match="2 of 3 jobs did not succeed") as caught:
        instantly.accounts.disable_warmup(emails, wait=True, wait_timeout=60)

    assert [type(e) for e in caught.value.errors] == [JobFailedError, JobCancelledError]
    assert [job.status for job in caught.value.jobs] == ["success", "failed", "cancelled"]


def test_waiting_goes_through_the_clients_rate_limiter(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    from instantly import RateLimit

    job_id = _start(fake, JobScript.success())
    with _client(fake, clock, rate_limit=RateLimit(per_second=1, per_minute=60)) as client:
        client.jobs.wait(job_id, wait_timeout=60, poll_interval=0.1)

    times = [r.time for r in _job_gets(fake)]
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(times))


async def test_async_wait_follows_a_job_to_success_with_progress_in_order(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.success(pending=0.5, running=1.0, steps=2))
    seen: list[tuple[str, float]] = []

    job = await ainstantly.jobs.wait(
        job_id,
        wait_timeout=60,
        poll_interval=0.25,
        on_progress=lambda j: seen.append((j.status, j.progress)),
    )

    assert job.status == "success"
    assert seen == [("pending", 0), ("in-progress", 0), ("in-progress", 50), ("success", 100)]


async def test_async_timeout_raises_with_the_last_state(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.never_finishing(progress=10))

    with pytest.raises(JobTimeoutError) as caught:
        await ainstantly.jobs.wait(job_id, wait_timeout=5)

    assert caught.value.job.progress == 10


async def test_async_failed_job_raises_job_failed_error(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.failed())

    with pytest.raises(JobFailedError):
        await ainstantly.jobs.wait(job_id, wait_timeout=60)


async def test_async_handle_rebuilt_from_a_bare_id_waits_to_the_end(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    job_id = _start(fake, JobScript.success())

    handle = ainstantly.jobs.handle(job_id)
    job = await handle.wait(wait_timeout=60)

    assert (job.status, handle.done) == ("success", True)
