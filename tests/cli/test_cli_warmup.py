"""`instantly warmup enable | disable` against the fake."""

from __future__ import annotations

import pytest
from _cli_support import FailNthPost, Runner
from instantly.testing import FakeInstantly, Fault, JobScript

DISABLE = "/api/v2/accounts/warmup/disable"
ENABLE = "/api/v2/accounts/warmup/enable"


def test_disable_with_150_emails_starts_two_jobs_of_at_most_100(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    result = cli("--json", "warmup", "disable", "--email", *emails)
    assert result.code == 0
    payload = result.json()
    assert payload["action"] == "disable"
    assert payload["waited"] is False
    assert len(payload["jobs"]) == 2
    assert [len(r.json["emails"]) for r in fake.requests_to("POST", DISABLE)] == [100, 50]


def test_disable_without_wait_prints_the_job_and_how_to_follow_it(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("warmup", "disable", "--email", "sender001@example.com")
    assert result.code == 0
    (job_id,) = fake.jobs.ids()
    assert job_id in result.out
    assert f"instantly jobs wait {job_id}" in result.out
    assert "started 1 job" in result.err


def test_email_option_is_repeatable(cli: Runner, fake: FakeInstantly) -> None:
    result = cli(
        "warmup", "enable", "--email", "sender001@example.com", "--email", "sender002@example.com"
    )
    assert result.code == 0
    (request,) = fake.requests_to("POST", ENABLE)
    assert request.json == {"emails": ["sender001@example.com", "sender002@example.com"]}


def test_all_with_narrowing_options_sends_one_request(cli: Runner, fake: FakeInstantly) -> None:
    result = cli(
        "warmup", "disable", "--all", "--exclude", "sender001@example.com",
        "--filter", "ACC_FILTER_W_ACTIVE", "--search", "sender", "--tag-id", "t-1",
    )  # fmt: skip
    assert result.code == 0
    (request,) = fake.requests_to("POST", DISABLE)
    assert request.json == {
        "include_all_emails": True,
        "excluded_emails": ["sender001@example.com"],
        "filter": {"tag_id": "t-1", "filter": "ACC_FILTER_W_ACTIVE"},
        "search": "sender",
    }


def test_wait_shows_progress_lines_and_ends_with_the_final_states(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("warmup", "disable", "--email", "sender001@example.com", "--wait")
    assert result.code == 0
    (job_id,) = fake.jobs.ids()
    assert f"job {job_id}: success 100%" in result.err.splitlines()
    assert "success" in result.out
    assert fake.account("sender001@example.com")["warmup_status"] == 0


def test_wait_on_a_failing_job_exits_1_with_the_server_error(
    cli: Runner, fake: FakeInstantly
) -> None:
    fake.jobs.script_next(JobScript.failed("quota exceeded", pending=0.05, running=0.1))
    result = cli("warmup", "enable", "--email", "sender001@example.com", "--wait")
    assert result.code == 1
    assert "quota exceeded" in result.err


def test_wait_on_a_failing_job_still_prints_where_each_job_ended(
    cli: Runner, fake: FakeInstantly
) -> None:
    fake.jobs.script_next(JobScript.failed("quota exceeded", pending=0.05, running=0.1))
    result = cli("--json", "warmup", "enable", "--email", "sender001@example.com", "--wait")
    (job,) = result.json()["jobs"]
    assert job["status"] == "failed"


def test_wait_timeout_exits_1_and_says_the_job_keeps_running(
    cli: Runner, fake: FakeInstantly
) -> None:
    fake.jobs.script_next(JobScript.never_finishing(pending=0.0))
    result = cli(
        "warmup", "enable", "--email", "sender001@example.com", "--wait", "--timeout", "0.3"
    )
    assert result.code == 1
    assert "keeps running" in result.err


def test_more_than_100_excluded_emails_is_a_usage_error_with_no_request(
    cli: Runner, fake: FakeInstantly
) -> None:
    excluded = [f"x{n}@example.com" for n in range(101)]
    result = cli("warmup", "disable", "--all", "--exclude", *excluded)
    assert result.code == 2
    assert "at most 100" in result.err
    assert fake.requests == []


def test_filter_accepts_the_short_name_in_any_case(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("warmup", "disable", "--all", "--filter", "w_active")
    assert result.code == 0
    (request,) = fake.requests_to("POST", DISABLE)
    assert request.json["filter"] == {"filter": "ACC_FILTER_W_ACTIVE"}


def test_unknown_filter_is_a_usage_error_listing_the_valid_ones(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("warmup", "disable", "--all", "--filter", "ACC_FILTER_NOPE")
    assert result.code == 2
    assert "'ACC_FILTER_W_ACTIVE'" in result.err
    assert fake.requests == []


def test_invalid_email_is_a_usage_error_with_no_request(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("warmup", "enable", "--email", "sender001@example.com", "two@@example.com")
    assert result.code == 2
    assert "'two@@example.com' is not a valid email address" in result.err
    assert fake.requests == []


@pytest.mark.parametrize(
    "argv",
    [
        ["warmup", "disable"],
        ["warmup", "disable", "--all", "--email", "sender001@example.com"],
        ["warmup", "disable", "--email", "sender001@example.com", "--timeout", "5"],
        ["warmup", "disable", "--email", "sender001@example.com", "--exclude", "a@example.com"],
    ],
    ids=["neither-emails-nor-all", "both", "timeout-without-wait", "exclude-without-all"],
)
def test_invalid_option_combinations_exit_2_with_no_request(
    cli: Runner, fake: FakeInstantly, argv: list[str]
) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert result.err
    assert fake.requests == []


def test_a_failed_second_request_lists_the_started_job_then_exits_1(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    transport = FailNthPost(fake.transport(), DISABLE, n=2)
    result = cli("--json", "warmup", "disable", "--email", *emails, transport=transport)
    assert result.code == 1
    payload = result.json()
    assert [job["id"] for job in payload["jobs"]] == fake.jobs.ids()
    assert payload["unsent"] == emails[100:]
    assert "request 2 of 2 failed" in result.err


def test_a_second_request_whose_answer_is_lost_is_found_by_its_job_and_exits_0(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    fake.faults.add(Fault.drop_after(), method="POST", path=DISABLE, skip=1)
    result = cli("--json", "warmup", "disable", "--email", *emails)
    assert result.code == 0
    assert [job["id"] for job in result.json()["jobs"]] == fake.jobs.ids()


def test_a_lost_answer_no_look_up_can_settle_shows_those_addresses_in_doubt_and_exits_1(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    fake.faults.add(Fault.drop_after(), method="POST", path=DISABLE, skip=1)
    fake.faults.add(Fault.server_error(403), times=None, method="GET", path="*/background-jobs")
    result = cli("warmup", "disable", "--email", *emails)
    assert result.code == 1
    assert f"in doubt  {emails[100]}" in result.out
    assert "1 job started, 50 in doubt, 0 not sent" in result.out
    assert "50 in doubt" in result.err
