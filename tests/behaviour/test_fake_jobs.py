"""Background jobs on the fake: scripted lifecycles on the clock, manual control, job routes."""

from __future__ import annotations

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, JobPhase, JobScript

WARMUP = "/api/v2/accounts/warmup/disable"


def start_job(client: httpx.Client) -> str:
    job_id: str = client.post(WARMUP, json={"emails": ["sender001@example.com"]}).json()["id"]
    return job_id


def job_at(client: httpx.Client, job_id: str) -> tuple[str, float]:
    body = client.get(f"/api/v2/background-jobs/{job_id}").json()
    return body["status"], body["progress"]


def test_default_script_walks_pending_in_progress_steps_to_success(
    client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    seen = [job_at(client, job_id)]
    for _ in range(5):
        clock.advance(0.5)
        seen.append(job_at(client, job_id))
    assert seen == [
        ("pending", 0),
        ("in-progress", 0),
        ("in-progress", 25),
        ("in-progress", 50),
        ("in-progress", 75),
        ("success", 100),
    ]


def test_transitions_happen_at_the_scripted_instant_even_if_observed_late(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    clock.advance(60)
    assert [t - 1000.0 for _, t in fake.jobs.history(job_id)] == [0.0, 0.5, 2.5]


def test_updated_at_is_the_transition_time(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    clock.advance(60)
    assert fake.jobs.get(job_id)["updated_at"] == "2026-03-05T23:09:49.720Z"  # START + 2.5 s


def test_custom_durations_are_honoured(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.success(pending=10, running=10, steps=1))
    job_id = start_job(client)
    clock.advance(19.9)
    assert job_at(client, job_id) == ("in-progress", 0)


def test_failed_script_ends_failed_with_the_error_in_data(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.failed("Google API quota exceeded", at_progress=40))
    job_id = start_job(client)
    clock.advance(10)
    body = client.get(f"/api/v2/background-jobs/{job_id}").json()
    assert (body["status"], body["progress"], body["data"]["error"]) == (
        "failed",
        40,
        "Google API quota exceeded",
    )


def test_cancelled_script_ends_cancelled(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.cancelled())
    job_id = start_job(client)
    clock.advance(10)
    assert job_at(client, job_id)[0] == "cancelled"


def test_paused_script_pauses_then_resumes_to_success(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.paused_then_resumed(paused_for=5, draining_for=1))
    job_id = start_job(client)
    clock.advance(30)
    statuses = [s for s, _ in fake.jobs.history(job_id)]
    assert statuses == ["pending", "in-progress", "paused", "draining", "in-progress", "success"]


def test_never_finishing_script_never_finishes(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.never_finishing())
    job_id = start_job(client)
    clock.advance(86400 * 365)
    assert job_at(client, job_id) == ("in-progress", 50)


def test_script_next_applies_to_count_jobs_then_the_default_returns(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.jobs.script_next(JobScript.failed(), count=2)
    ids = [start_job(client) for _ in range(3)]
    clock.advance(10)
    assert [job_at(client, i)[0] for i in ids] == ["failed", "failed", "success"]


def test_default_script_is_configurable(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.jobs.default_script = JobScript.instant()
    assert job_at(client, start_job(client)) == ("success", 100)


def test_instant_job_applies_its_effect_before_the_response(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.jobs.default_script = JobScript.instant()
    start_job(client)
    assert fake.account("sender001@example.com")["warmup_status"] == 0


def test_set_script_rescripts_a_running_job_from_now(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    fake.jobs.set_script(
        job_id, JobScript((JobPhase("draining", 60, 1.0), JobPhase("success", 100)))
    )
    clock.advance(0.5)
    assert job_at(client, job_id) == ("draining", 60)


def test_advance_moves_to_the_next_phase(fake: FakeInstantly, client: httpx.Client) -> None:
    job_id = start_job(client)
    assert (fake.jobs.advance(job_id)["status"], fake.jobs.advance(job_id)["progress"]) == (
        "in-progress",
        25,
    )


def test_complete_ends_a_job_with_success(fake: FakeInstantly, client: httpx.Client) -> None:
    job_id = start_job(client)
    fake.jobs.complete(job_id)
    assert job_at(client, job_id) == ("success", 100)


def test_fail_ends_a_job_failed_with_the_given_error(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job_id = start_job(client)
    assert fake.jobs.fail(job_id, "boom")["data"]["error"] == "boom"


def test_cancel_ends_a_job_cancelled(fake: FakeInstantly, client: httpx.Client) -> None:
    job_id = start_job(client)
    fake.jobs.cancel(job_id)
    assert job_at(client, job_id)[0] == "cancelled"


def test_pause_holds_a_job_until_resumed(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    fake.jobs.pause(job_id)
    clock.advance(3600)
    assert job_at(client, job_id) == ("paused", 0)


def test_resume_restarts_the_interrupted_phase(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = start_job(client)
    fake.jobs.pause(job_id)
    fake.jobs.resume(job_id)
    clock.advance(0.4)
    assert job_at(client, job_id) == ("pending", 0)


def test_resume_of_a_job_that_is_not_paused_names_its_status(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job_id = start_job(client)
    with pytest.raises(ValueError, match="is 'pending', not 'paused'"):
        fake.jobs.resume(job_id)


def test_a_finished_job_cannot_be_moved(fake: FakeInstantly, client: httpx.Client) -> None:
    job_id = start_job(client)
    fake.jobs.complete(job_id)
    with pytest.raises(ValueError, match="it already ended with 'success'"):
        fake.jobs.cancel(job_id)


def test_advance_past_the_last_phase_says_how_to_end_the_job(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.jobs.script_next(JobScript.never_finishing(pending=0))
    job_id = start_job(client)
    with pytest.raises(ValueError, match=r"use complete\(\), fail\(\) or cancel\(\)"):
        fake.jobs.advance(job_id)


def test_unknown_job_id_in_control_is_a_key_error(fake: FakeInstantly) -> None:
    with pytest.raises(KeyError, match="no background job with id 'nope'"):
        fake.jobs.get("nope")


def test_script_rejects_a_terminal_phase_before_the_end() -> None:
    with pytest.raises(ValueError, match="terminal phase 'success' must be the script's last"):
        JobScript((JobPhase("success", 100), JobPhase("pending")))


def test_phase_rejects_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="job status 'done' is not one of"):
        JobPhase("done")


def test_get_unknown_job_is_404(client: httpx.Client) -> None:
    response = client.get("/api/v2/background-jobs/nope")
    assert (response.status_code, response.json()["message"]) == (404, "Background job not found")


def test_get_job_data_fields_selects_data_keys(fake: FakeInstantly, client: httpx.Client) -> None:
    job_id = start_job(client)
    fake.jobs.complete(job_id)
    body = client.get(
        f"/api/v2/background-jobs/{job_id}", params={"data_fields": "success_count"}
    ).json()
    assert body["data"] == {"success_count": 1}


def test_list_jobs_pages_with_cursor_until_empty(client: httpx.Client) -> None:
    ids = [start_job(client) for _ in range(3)]
    first = client.get("/api/v2/background-jobs", params={"limit": 2}).json()
    second = client.get(
        "/api/v2/background-jobs",
        params={"limit": 2, "starting_after": first["next_starting_after"]},
    ).json()
    third = client.get(
        "/api/v2/background-jobs",
        params={"limit": 2, "starting_after": second["next_starting_after"]},
    ).json()
    assert [[j["id"] for j in p["items"]] for p in (first, second, third)] == [ids[:2], ids[2:], []]


def test_list_jobs_filters_by_status(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    done = start_job(client)
    fake.jobs.complete(done)
    start_job(client)
    body = client.get("/api/v2/background-jobs", params={"status": "success"}).json()
    assert [j["id"] for j in body["items"]] == [done]


def test_list_jobs_filters_by_ids(client: httpx.Client) -> None:
    ids = [start_job(client) for _ in range(3)]
    body = client.get("/api/v2/background-jobs", params={"ids": f"{ids[0]},{ids[2]}"}).json()
    assert [j["id"] for j in body["items"]] == [ids[0], ids[2]]


def test_list_jobs_rejects_an_unknown_status_naming_the_allowed_ones(client: httpx.Client) -> None:
    response = client.get("/api/v2/background-jobs", params={"status": "done"})
    assert response.status_code == 400
    assert "unknown job status(es) ['done']" in response.json()["message"]


def test_start_creates_a_job_of_any_type_without_side_effects(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    job = fake.jobs.start("import-leads", {"total_to_process": 10}, script=JobScript.instant())
    assert job_at(client, job["id"]) == ("success", 100)
    assert job["type"] == "import-leads"


def test_start_rejects_an_unknown_job_type(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError, match="job type 'send-emails' is not one of"):
        fake.jobs.start("send-emails")
