"""`instantly jobs list | get | wait` against the fake."""

from __future__ import annotations

import json

from _cli_support import Runner
from instantly.testing import FakeInstantly, JobScript


def start_job(fake: FakeInstantly, script: JobScript | None = None) -> str:
    """A warmup job created on the fake directly (not through the command line)."""
    if script is not None:
        fake.jobs.script_next(script)
    response = fake.handle(
        "POST",
        "/api/v2/accounts/warmup/disable",
        headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
        body=json.dumps({"emails": ["sender001@example.com"]}).encode(),
    )
    assert response.status == 200
    job_id: str = json.loads(response.body)["id"]
    fake.clear_requests()
    return job_id


def test_get_prints_the_job_as_a_table(cli: Runner, fake: FakeInstantly) -> None:
    job_id = start_job(fake, JobScript.instant())
    result = cli("jobs", "get", job_id)
    assert result.code == 0
    header, row = result.out.splitlines()
    assert header.split() == ["JOB", "TYPE", "STATUS", "PROGRESS", "RESULT"]
    assert row.split()[:4] == [job_id, "update-warmup-accounts", "success", "100%"]
    assert "success 1" in row


def test_get_json_gives_the_api_fields(cli: Runner, fake: FakeInstantly) -> None:
    job_id = start_job(fake)
    (job,) = cli("--json", "jobs", "get", job_id).json()["jobs"]
    assert job["id"] == job_id
    assert job["status"] == "pending"
    assert job["type"] == "update-warmup-accounts"


def test_get_unknown_job_exits_1_with_the_server_message(cli: Runner) -> None:
    result = cli("jobs", "get", "0000-no-such-job")
    assert result.code == 1
    assert "404" in result.err
    assert "Background job not found" in result.err


def test_list_shows_every_job(cli: Runner, fake: FakeInstantly) -> None:
    ids = [start_job(fake) for _ in range(3)]
    result = cli("--json", "jobs", "list")
    assert [job["id"] for job in result.json()["jobs"]] == ids


def test_list_status_filter_is_sent_to_the_api(cli: Runner, fake: FakeInstantly) -> None:
    start_job(fake)
    done = start_job(fake, JobScript.instant())
    result = cli("--json", "jobs", "list", "--status", "success")
    assert [job["id"] for job in result.json()["jobs"]] == [done]
    assert fake.requests[0].query["status"] == "success"


def test_wait_follows_a_job_to_success_with_progress(cli: Runner, fake: FakeInstantly) -> None:
    job_id = start_job(fake)
    result = cli("jobs", "wait", job_id)
    assert result.code == 0
    progress = result.err.splitlines()
    assert progress[-1] == f"job {job_id}: success 100%"
    assert "success" in result.out


def test_wait_on_a_cancelled_job_exits_1(cli: Runner, fake: FakeInstantly) -> None:
    job_id = start_job(fake, JobScript.cancelled(pending=0.0, running=0.1))
    result = cli("jobs", "wait", job_id)
    assert result.code == 1
    assert "cancelled" in result.err


def test_wait_timeout_exits_1_and_says_how_to_keep_following(
    cli: Runner, fake: FakeInstantly
) -> None:
    job_id = start_job(fake, JobScript.never_finishing(pending=0.0))
    result = cli("jobs", "wait", job_id, "--timeout", "0.2")
    assert result.code == 1
    assert "instantly jobs wait" in result.err


def test_wait_rejects_a_non_positive_timeout(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("jobs", "wait", "some-id", "--timeout", "0")
    assert result.code == 2
    assert "greater than 0" in result.err
    assert fake.requests == []
