"""`instantly accounts list | get | pause | resume` against the fake."""

from __future__ import annotations

from _cli_support import FailNthPost, Runner
from instantly.testing import FakeInstantly, Fault

LIST = "/api/v2/accounts"
BULK_PAUSE = "/api/v2/accounts/pause"


def test_list_prints_a_row_per_account_and_the_count(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["EMAIL", "STATUS", "WARMUP", "PROVIDER"]
    assert [line.split()[0] for line in lines[1:6]] == fake.account_emails()
    assert lines[-1] == "5 accounts"


def test_list_limit_caps_the_rows_and_asks_for_one_small_page(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("accounts", "list", "--limit", "2")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "2 accounts"
    sent = fake.requests_to("GET", LIST)
    assert len(sent) == 1
    assert sent[0].query["limit"] == "2"


def test_list_follows_every_page(cli: Runner, fake: FakeInstantly) -> None:
    fake.seed_accounts(195, prefix="more")
    result = cli("--json", "accounts", "list")
    assert len(result.json()["accounts"]) == 200
    assert len(fake.requests_to("GET", LIST)) >= 2


def test_list_limit_above_a_page_fetches_just_enough_pages(
    cli: Runner, fake: FakeInstantly
) -> None:
    fake.seed_accounts(295, prefix="more")
    result = cli("--json", "accounts", "list", "--limit", "150")
    assert len(result.json()["accounts"]) == 150
    assert len(fake.requests_to("GET", LIST)) == 2


def test_list_status_by_name_filters_on_the_server(cli: Runner, fake: FakeInstantly) -> None:
    fake.add_account("held@example.com", status=2)
    result = cli("--json", "accounts", "list", "--status", "paused")
    assert result.code == 0
    assert [a["email"] for a in result.json()["accounts"]] == ["held@example.com"]
    assert fake.requests_to("GET", LIST)[0].query["status"] == "2"


def test_list_search_is_sent_to_the_api(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("--json", "accounts", "list", "--search", "sender003")
    assert [a["email"] for a in result.json()["accounts"]] == ["sender003@example.com"]
    assert fake.requests_to("GET", LIST)[0].query["search"] == "sender003"


def test_list_unknown_status_is_a_usage_error_naming_the_valid_ones(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("accounts", "list", "--status", "asleep")
    assert result.code == 2
    assert "'asleep' is not an account status" in result.err
    assert "paused (2)" in result.err
    assert fake.requests == []


def test_list_json_gives_the_api_fields_of_each_account(cli: Runner) -> None:
    accounts = cli("accounts", "list", "--json").json()["accounts"]
    assert len(accounts) == 5
    assert {"email", "status", "warmup_status", "provider_code"} <= set(accounts[0])


def test_get_prints_the_account_fields(cli: Runner) -> None:
    result = cli("accounts", "get", "sender002@example.com")
    assert result.code == 0
    fields = dict(line.split(":", 1) for line in result.out.splitlines())
    assert fields["email"].strip() == "sender002@example.com"
    assert fields["status"].strip() == "active"


def test_get_json_holds_the_account(cli: Runner) -> None:
    result = cli("accounts", "get", "sender002@example.com", "--json")
    assert result.json()["account"]["email"] == "sender002@example.com"


def test_get_unknown_account_exits_1_with_the_server_message(cli: Runner) -> None:
    result = cli("accounts", "get", "nobody@example.com")
    assert result.code == 1
    assert result.out == ""
    assert "404" in result.err
    assert "Account not found" in result.err
    assert "Traceback" not in result.err


def test_get_invalid_email_exits_2_without_a_request(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "get", "two@@example.com")
    assert result.code == 2
    assert "'two@@example.com' is not a valid email address" in result.err
    assert fake.requests == []


def test_pause_one_account_pauses_it(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "pause", "sender001@example.com")
    assert result.code == 0
    assert "paused  sender001@example.com" in result.out
    assert fake.account("sender001@example.com")["status"] == 2


def test_pause_invalid_email_exits_2_and_sends_nothing(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "pause", "two@@example.com")
    assert result.code == 2
    assert "'two@@example.com' is not a valid email address" in result.err
    assert fake.requests == []


def test_pause_one_invalid_among_many_sends_nothing(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "pause", "sender001@example.com", "bad address@example.com")
    assert result.code == 2
    assert "'bad address@example.com'" in result.err
    assert fake.requests == []


def test_pause_many_uses_the_bulk_endpoint_in_chunks_of_100(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    result = cli("--json", "accounts", "pause", *emails)
    assert result.code == 0
    assert result.json() == {"paused": emails, "failed": [], "in_doubt": [], "unsent": []}
    assert [len(r.json["emails"]) for r in fake.requests_to("POST", BULK_PAUSE)] == [100, 50]
    assert all(fake.account(e)["status"] == 2 for e in emails)


def test_pause_many_lists_the_failed_ones_and_exits_1(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "pause", "sender001@example.com", "ghost@example.com")
    assert result.code == 1
    assert "paused  sender001@example.com" in result.out
    assert "failed  ghost@example.com" in result.out


def test_resume_sends_one_request_per_account(cli: Runner, fake: FakeInstantly) -> None:
    emails = fake.account_emails()[:3]
    for email in emails:
        fake.add_account(email, status=2)
    result = cli("--json", "accounts", "resume", *emails)
    assert result.code == 0
    assert result.json() == {"resumed": emails, "failed": []}
    assert [r.path for r in fake.requests] == [f"/api/v2/accounts/{e}/resume" for e in emails]
    assert all(fake.account(e)["status"] == 1 for e in emails)


def test_resume_reports_an_unknown_account_and_resumes_the_others(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("accounts", "resume", "ghost@example.com", "sender001@example.com")
    assert result.code == 1
    assert "failed  ghost@example.com" in result.out
    assert "Account not found" in result.out
    assert "resumed  sender001@example.com" in result.out


def test_resume_invalid_email_exits_2_and_sends_nothing(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "resume", "sender001@example.com", "x@y")
    assert result.code == 2
    assert "'x@y' is not a valid email address" in result.err
    assert fake.requests == []


def test_pause_many_failing_half_way_lists_what_was_paused_then_exits_1(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    transport = FailNthPost(fake.transport(), BULK_PAUSE, n=2)
    result = cli("--json", "accounts", "pause", *emails, transport=transport)
    assert result.code == 1
    payload = result.json()
    assert payload["paused"] == emails[:100]
    assert (payload["failed"], payload["in_doubt"], payload["unsent"]) == ([], [], emails[100:])
    assert "request 2 of 2 failed" in result.err


def test_pause_many_whose_second_answer_is_lost_shows_them_paused_after_a_look_up(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    fake.faults.add(Fault.drop_after(), times=None, method="POST", path=BULK_PAUSE, skip=1)
    result = cli("accounts", "pause", *emails)
    assert result.code == 0
    assert f"paused  {emails[-1]}" in result.out
    assert result.out.splitlines()[-1] == "150 paused, 0 failed, 0 in doubt, 0 not sent"


def test_pause_many_whose_lost_answer_cannot_be_looked_up_shows_them_in_doubt_and_exits_1(
    cli: Runner, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(250, prefix="bulk")
    fake.faults.add(Fault.drop_after(), times=None, method="POST", path=BULK_PAUSE, skip=1)
    fake.faults.add(Fault.server_error(403), times=None, method="GET", path="/api/v2/accounts/*")
    result = cli("accounts", "pause", *emails)
    assert result.code == 1
    assert f"in doubt  {emails[100]}: sent, but the answer was lost" in result.out
    assert f"not sent  {emails[200]}" in result.out
    assert "100 paused, 0 failed, 100 in doubt, 50 not sent" in result.out
    assert "100 in doubt" in result.err
