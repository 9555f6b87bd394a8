"""`instantly leads import | campaigns | emails unread | analytics export` against the fake."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from _cli_support import FailNthPost, Runner
from instantly._helpers._lead_import import chunk_size
from instantly.testing import FakeInstantly

ADD = "/api/v2/leads/add"


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def _leads_csv(tmp_path: Path, n: int) -> Path:
    rows = [["Email", "First Name", "Company Name", "Plan"]]
    rows += [[f"lead{i:05d}@example.com", f"L{i}", "Acme", "pro"] for i in range(n)]
    return _csv(tmp_path / "leads.csv", rows)


@pytest.fixture
def campaign(fake: FakeInstantly) -> str:
    emails = fake.account_emails()[:2]
    steps = [{"type": "email", "delay": 1, "variants": [{"subject": "Hi", "body": "Hello"}]}]
    return str(fake.campaigns.add("Spring", email_list=emails, sequences=[{"steps": steps}])["id"])


# -- leads import ---------------------------------------------------------------------------------


def test_import_sends_chunks_and_maps_columns_to_lead_fields(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    n = chunk_size() + 3  # type: ignore[operator]
    result = cli("leads", "import", str(_leads_csv(tmp_path, n)), "--campaign", campaign)
    assert result.code == 0, result.err
    sent = fake.requests_to("POST", ADD)
    assert [len(r.json["leads"]) for r in sent] == [chunk_size(), 3]
    first = sent[0].json["leads"][0]
    assert first == {
        "email": "lead00000@example.com", "first_name": "L0", "company_name": "Acme",
        "custom_variables": {"Plan": "pro"},
    }  # fmt: skip
    assert sent[0].json["campaign_id"] == campaign
    assert len(fake.leads.in_campaign(campaign)) == n
    assert f"{n} leads, 2 requests" in result.out


def test_import_prints_progress_per_chunk_on_stderr(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    n = chunk_size() + 1  # type: ignore[operator]
    result = cli("leads", "import", str(_leads_csv(tmp_path, n)), "--campaign", campaign)
    assert result.err.splitlines() == [
        f"{chunk_size()}/{n} sent: {chunk_size()} created, 0 skipped, 0 refused",
        f"{n}/{n} sent: 1 created, 0 skipped, 0 refused",
    ]


def test_import_json_gives_lines_of_created_and_skipped_leads(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    cli("leads", "import", str(_leads_csv(tmp_path, 2)), "--campaign", campaign)
    result = cli("--json", "leads", "import", str(_leads_csv(tmp_path, 3)), "--campaign", campaign)
    assert result.code == 0  # skipped as already there: every lead was handled
    payload = result.json()
    assert payload["created"] == 1 and payload["skipped"] == 2
    assert [lead["line"] for lead in payload["created_leads"]] == [4]
    assert payload["not_created_lines"] == [2, 3]


def test_import_into_a_list_passes_the_flags(
    cli: Runner, fake: FakeInstantly, tmp_path: Path
) -> None:
    lead_list = fake.leads.add_list("Imported")
    path = _leads_csv(tmp_path, 2)
    result = cli("leads", "import", str(path), "--list", lead_list["id"], "--skip-if-in-workspace")
    assert result.code == 0, result.err
    body = fake.requests_to("POST", ADD)[0].json
    assert body["list_id"] == lead_list["id"] and body["skip_if_in_workspace"] is True
    assert "skip_if_in_campaign" not in body


def test_import_exits_1_when_leads_are_refused(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    fake.leads.blocklist.add("lead00001@example.com")
    result = cli("leads", "import", str(_leads_csv(tmp_path, 3)), "--campaign", campaign)
    assert result.code == 1
    assert "refused: 1" in " ".join(result.out.split())


def test_import_failing_part_way_reports_what_was_done_and_exits_1(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    n = 2 * chunk_size() + 1  # type: ignore[operator]
    result = cli(
        "--json", "leads", "import", str(_leads_csv(tmp_path, n)), "--campaign", campaign,
        transport=FailNthPost(fake.transport(), ADD, 2),
    )  # fmt: skip
    assert result.code == 1
    payload = result.json()
    assert payload["created"] == chunk_size()
    assert payload["unsent_lines"][0] == chunk_size() + 2  # type: ignore[operator]
    assert len(payload["unsent_lines"]) == chunk_size() + 1  # type: ignore[operator]
    assert "injected" in result.err


def test_import_names_the_line_of_a_bad_address_and_sends_nothing(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "bad.csv", [["email"], ["ok@example.com"], ["two@@example.com"]])
    result = cli("leads", "import", str(path), "--campaign", campaign)
    assert result.code == 2
    assert "bad.csv line 3" in result.err and "two@@example.com" in result.err
    assert fake.requests_to("POST", ADD) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["name"], ["Ada"]], "has no email column"),
        ([["email"]], "has a header but no leads"),
        ([["email", "Email"], ["a@example.com", "b@example.com"]], "more than once"),
        ([["email"], ["a@example.com", "extra"]], "line 2: 2 cells for 1 columns"),
    ],
)
def test_import_refuses_a_bad_file_with_exit_2(
    cli: Runner, fake: FakeInstantly, tmp_path: Path, rows: list[list[str]], message: str
) -> None:
    path = _csv(tmp_path / "leads.csv", rows)
    result = cli("leads", "import", str(path), "--campaign", "c1")
    assert result.code == 2 and message in result.err
    assert fake.requests == []


def test_import_of_a_missing_file_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    result = cli("leads", "import", str(tmp_path / "nope.csv"), "--campaign", "c1")
    assert result.code == 2 and "cannot read" in result.err


def test_import_needs_a_campaign_or_a_list(cli: Runner, tmp_path: Path) -> None:
    result = cli("leads", "import", str(_leads_csv(tmp_path, 1)))
    assert result.code == 2 and "--campaign" in result.err


# -- campaigns ------------------------------------------------------------------------------------


def test_campaigns_list_shows_id_status_and_name(
    cli: Runner, fake: FakeInstantly, campaign: str
) -> None:
    result = cli("campaigns", "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "NAME"]
    assert lines[1].split() == [campaign, "draft", "Spring"]
    assert lines[-1] == "1 campaign"


def test_campaigns_activate_then_pause(cli: Runner, fake: FakeInstantly, campaign: str) -> None:
    result = cli("campaigns", "activate", campaign)
    assert result.code == 0, result.err
    assert result.out.strip().endswith("Spring: active")
    assert fake.campaigns.get(campaign)["status"] == 1
    result = cli("--json", "campaigns", "pause", campaign)
    assert result.json()["campaign"]["status"] == 2
    assert fake.campaigns.get(campaign)["status"] == 2


def test_campaigns_activate_refused_exits_1_with_the_servers_message(
    cli: Runner, fake: FakeInstantly
) -> None:
    draft = fake.campaigns.add("Empty")["id"]
    result = cli("campaigns", "activate", draft)
    assert result.code == 1 and result.err.startswith("error: ")


# -- emails unread --------------------------------------------------------------------------------


def test_emails_unread_lists_unread_replies_and_the_count(cli: Runner, fake: FakeInstantly) -> None:
    account = fake.account_emails()[0]
    fake.emails.receive_reply(lead="ada@example.com", eaccount=account, subject="Re: Hi")
    fake.emails.receive_reply(lead="bob@example.com", eaccount=account)
    fake.emails.record_sent(eaccount=account, lead="cy@example.com")
    result = cli("emails", "unread")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["RECEIVED", "FROM", "TO", "SUBJECT"]
    assert {line.split()[1] for line in lines[1:3]} == {"ada@example.com", "bob@example.com"}
    assert lines[-1] == "2 unread"
    assert fake.requests_to("GET", "/api/v2/emails")[0].query["is_unread"] == "true"


def test_emails_unread_json_has_the_emails_and_the_count(cli: Runner, fake: FakeInstantly) -> None:
    fake.emails.receive_reply(lead="ada@example.com", eaccount=fake.account_emails()[0])
    payload = cli("--json", "emails", "unread", "--limit", "5").json()
    assert payload["unread"] == 1 and len(payload["emails"]) == 1


# -- analytics export -----------------------------------------------------------------------------


def test_analytics_export_writes_csv_rows_tagged_with_the_campaign(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    fake.emails.record_sent(eaccount=fake.account_emails()[0], lead="a@x.io", campaign_id=campaign)
    output = tmp_path / "daily.csv"
    result = cli("analytics", "export", "--campaign", campaign, "--output", str(output))
    assert result.code == 0, result.err
    rows = list(csv.DictReader(output.open(encoding="utf-8", newline="")))
    assert rows and {row["campaign_id"] for row in rows} == {campaign}
    assert (
        result.out.strip()
        == f"{len(rows)} daily row{'s' if len(rows) != 1 else ''} written to {output}"
    )


def test_analytics_export_without_output_prints_csv(
    cli: Runner, fake: FakeInstantly, campaign: str
) -> None:
    result = cli("analytics", "export", "--campaign", campaign, "--kind", "overview")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 1 and rows[0]["campaign_id"] == campaign
    assert (
        fake.requests_to("GET", "/api/v2/campaigns/analytics/overview")[0].query["id"] == campaign
    )


def test_analytics_export_refuses_a_bad_date_with_exit_2(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("analytics", "export", "--start-date", "May 7")
    assert result.code == 2 and "not a date" in result.err
    assert fake.requests == []
