"""`instantly leads import` cannot lose a row (#21): strict CSV, three states, journal, resume.

Each test runs the command in-process against the fake; "nothing sent" and "stored once" are read
from the fake's request log and its leads.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from _cli_support import Runner
from instantly._helpers._lead_import import chunk_size
from instantly.testing import FakeInstantly, Fault

ADD = "/api/v2/leads/add"
LIST = "/api/v2/leads/list"
HEADER = "email,first_name,Plan\n"


def _size() -> int:
    size = chunk_size()
    assert size is not None
    return size


def _rows(n: int, start: int = 0) -> str:
    return "".join(f"lead{i:06d}@example.com,L{i},pro\n" for i in range(start, start + n))


def _lines(n: int, start: int = 0) -> str:
    return "".join(f"lead{i:06d}@example.com,L{i}\n" for i in range(start, start + n))


def _write(tmp_path: Path, text: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def campaign(fake: FakeInstantly) -> str:
    return str(fake.campaigns.add("Spring")["id"])


class InterruptNthPost(httpx.BaseTransport):
    """Ctrl-C during the `n`-th POST to `path`: before it reaches the fake, or after (processed,
    answer lost)."""

    def __init__(self, inner: httpx.BaseTransport, n: int, *, processed: bool) -> None:
        self._inner = inner
        self._n = n
        self._processed = processed
        self._seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == ADD:
            self._seen += 1
            if self._seen == self._n:
                if self._processed:
                    self._inner.handle_request(request)
                raise KeyboardInterrupt
        return self._inner.handle_request(request)


def _stored(fake: FakeInstantly, *, campaign: str | None = None, list_id: str | None = None) -> Any:
    leads = fake.leads.in_campaign(campaign) if campaign else fake.leads.in_list(str(list_id))
    return Counter((lead.get("email"), lead.get("first_name")) for lead in leads)


# -- strict reading: refused whole, nothing sent ---------------------------------------------------


def test_a_quote_left_open_refuses_the_file_and_stores_nothing(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + 'bob@example.com,Bob,"Acme Inc\n' + _rows(1000))
    result = cli("leads", "import", str(path), "--campaign", campaign)
    assert result.code == 2
    assert "line 2: a quoted field opened here is never closed" in result.err
    assert fake.requests_to("POST", ADD) == [] and fake.leads.in_campaign(campaign) == []


def test_a_quote_closed_by_a_later_stray_quote_is_refused(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = HEADER + 'bob@example.com,Bob,"Acme\n' + _rows(3) + 'zed@example.com,Zed",x\n'
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "line 2" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_the_only_field_with_a_line_break_is_refused_with_its_lines(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = HEADER + 'ann@example.com,Ann,"two\nlines"\n' + _rows(2)
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "line 2: the only field" in result.err and "line 3" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_a_field_with_a_line_break_is_taken_when_allowed(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = HEADER + 'ann@example.com,Ann,"two\nlines"\n' + _rows(1)
    path = _write(tmp_path, text)
    result = cli("leads", "import", str(path), "--campaign", campaign, "--allow-line-breaks")
    assert result.code == 0, result.err
    assert fake.requests_to("POST", ADD)[0].json["leads"][0]["custom_variables"] == {
        "Plan": "two\nlines"
    }


def test_a_row_with_fewer_fields_than_the_header_is_refused(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = HEADER + _rows(2) + "short@example.com,Short\n"
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "line 4: 2 cells for 3 columns" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_a_bad_line_after_many_chunks_sends_nothing(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    n = 2 * _size() + 5
    text = HEADER + _rows(n) + "bad@@example.com,Bad,pro\n"
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and f"line {n + 2}" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_a_column_without_a_header_holding_values_is_refused(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = "email,,Plan\na@example.com,,pro\nb@example.com,kept?,pro\n"
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "line 3: column 2 has a value but the column has no" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_an_empty_column_without_a_header_is_taken(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = "email,Plan,\na@example.com,pro,\n"  # a trailing comma on every line
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 0, result.err


def test_a_reserved_lead_field_the_import_cannot_set_is_refused(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = "email,status\na@example.com,3\n"
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "column 2 ('status')" in result.err
    assert fake.requests_to("POST", ADD) == []


def test_every_lead_field_of_the_spec_is_mapped_by_name(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = (
        "Email,Personalization,Website,Last Name,First-Name,company_name,Job Title,Phone,"
        "LT Interest Status,pl_value_lead,assigned_to,Plan\n"
        "a@example.com,Hi,https://a.example,Doe,Ann,Acme,CTO,+1555,1,high,u1,pro\n"
    )
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 0, result.err
    assert fake.requests_to("POST", ADD)[0].json["leads"][0] == {
        "email": "a@example.com", "personalization": "Hi", "website": "https://a.example",
        "last_name": "Doe", "first_name": "Ann", "company_name": "Acme", "job_title": "CTO",
        "phone": "+1555", "lt_interest_status": 1, "pl_value_lead": "high",
        "assigned_to": "u1", "custom_variables": {"Plan": "pro"},
    }  # fmt: skip


def test_a_value_outside_a_fields_enum_names_its_line(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    text = "email,lt_interest_status\na@example.com,1\nb@example.com,7\n"
    result = cli("leads", "import", str(_write(tmp_path, text)), "--campaign", campaign)
    assert result.code == 2 and "line 3" in result.err and "lt_interest_status" in result.err


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes((HEADER + "zoe@example.com,Zoë,pro\n").encode(codec))
    result = cli("leads", "import", str(path), "--campaign", campaign)
    assert result.code == 0, result.err
    assert fake.requests_to("POST", ADD)[0].json["leads"][0]["first_name"] == "Zoë"


def test_bytes_not_in_the_encoding_name_their_line(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes((HEADER + _rows(2)).encode() + "zoe@example.com,Zoë,x\n".encode("cp1252"))
    result = cli("leads", "import", str(path), "--campaign", campaign)
    assert result.code == 2 and "line 4 is not utf-8" in result.err
    assert fake.requests_to("POST", ADD) == []
    again = cli("leads", "import", str(path), "--campaign", campaign, "--encoding", "cp1252")
    assert again.code == 0, again.err


# -- three states, journal, resume ----------------------------------------------------------------


def test_a_lost_answer_is_reported_in_doubt_not_as_not_sent(
    cli: Runner, fake: FakeInstantly, tmp_path: Path
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    path = _write(tmp_path, "email,first_name\n,Ann\nb@example.com,Bob\n")
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    result = cli("--json", "leads", "import", str(path), "--list", lead_list)
    assert result.code == 1
    payload = result.json()
    assert payload["in_doubt_lines"] == [2] and payload["unsent_lines"] == []
    assert payload["found"] == 1 and payload["done"] == 1
    assert payload["journal"] == str(path) + ".journal"


def test_an_import_interrupted_after_a_processed_chunk_and_resumed_stores_each_lead_once(
    cli: Runner, fake: FakeInstantly, tmp_path: Path
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    size = _size()
    nameless = "".join(f",Name{i}\n" for i in range(3))  # no email: only the journal knows
    path = _write(tmp_path, "email,first_name\n" + _lines(size) + nameless + _lines(5, size))
    transport = InterruptNthPost(fake.transport(), 2, processed=True)
    first = cli("leads", "import", str(path), "--list", lead_list, transport=transport)
    assert first.code == 130
    assert "in doubt: 8" in " ".join(first.out.split()) and "--resume" in first.out
    second = cli("--json", "leads", "import", str(path), "--list", lead_list, "--resume")
    payload = second.json()
    assert payload["found"] == 5 and payload["in_doubt_lines"] == [size + 2, size + 3, size + 4]
    stored = _stored(fake, list_id=lead_list)
    assert len(stored) == size + 8 and set(stored.values()) == {1}
    assert len(fake.requests_to("POST", ADD)) == 2  # the nameless leads were not sent again


def test_an_import_interrupted_before_a_chunk_was_processed_resumes_it(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    size = _size()
    path = _write(tmp_path, HEADER + _rows(2 * size + 7))
    transport = InterruptNthPost(fake.transport(), 2, processed=False)
    first = cli("leads", "import", str(path), "--campaign", campaign, transport=transport)
    assert first.code == 130 and len(fake.leads.in_campaign(campaign)) == size
    second = cli("leads", "import", str(path), "--campaign", campaign, "--resume")
    assert second.code == 0, second.err
    stored = _stored(fake, campaign=campaign)
    assert len(stored) == 2 * size + 7 and set(stored.values()) == {1}
    assert not (tmp_path / "leads.csv.journal").exists()  # every lead done: no journal left


def test_ctrl_c_prints_the_summary_of_three_states_and_exits_130(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    size = _size()
    path = _write(tmp_path, HEADER + _rows(3 * size))
    transport = InterruptNthPost(fake.transport(), 2, processed=False)
    result = cli(
        "--json", "leads", "import", str(path), "--campaign", campaign, transport=transport
    )
    assert result.code == 130 and "interrupted" in result.err
    payload = result.json()
    assert (payload["done"], payload["in_doubt"], payload["not_sent"]) == (size, size, size)
    assert payload["unsent_after_line"] == 2 * size + 1  # the chunk in flight's last line


def test_an_import_stopped_by_an_error_resumes_from_its_journal(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    size = _size()
    path = _write(tmp_path, HEADER + _rows(2 * size + 1))
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    first = cli("leads", "import", str(path), "--campaign", campaign)
    assert first.code == 1 and fake.leads.in_campaign(campaign) == []
    second = cli("leads", "import", str(path), "--campaign", campaign, "--resume")
    assert second.code == 0, second.err
    assert len(_stored(fake, campaign=campaign)) == 2 * size + 1


def test_a_journal_left_behind_refuses_a_fresh_start(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + _rows(3))
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    assert cli("leads", "import", str(path), "--campaign", campaign).code == 1
    again = cli("leads", "import", str(path), "--campaign", campaign)
    assert again.code == 2 and "--resume" in again.err


def test_resume_refuses_a_journal_of_another_file(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + _rows(3))
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    cli("leads", "import", str(path), "--campaign", campaign)
    _write(tmp_path, HEADER + _rows(4))
    result = cli("leads", "import", str(path), "--campaign", campaign, "--resume")
    assert result.code == 2 and "belongs to another import" in result.err
    assert len(fake.requests_to("POST", ADD)) == 1


def test_the_journal_goes_where_journal_says(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + _rows(3))
    journal = tmp_path / "elsewhere.jsonl"
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    cli("leads", "import", str(path), "--campaign", campaign, "--journal", str(journal))
    assert journal.exists() and not (tmp_path / "leads.csv.journal").exists()
    result = cli(
        "leads", "import", str(path), "--campaign", campaign, "--journal", str(journal), "--resume"
    )
    assert result.code == 0, result.err
    assert not journal.exists()


def test_a_journal_line_cut_short_by_a_crash_is_ignored_on_resume(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + _rows(3))
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    cli("leads", "import", str(path), "--campaign", campaign)
    with (tmp_path / "leads.csv.journal").open("a", encoding="utf-8") as journal:
        journal.write('{"event":"outcome","chunk":0,"do')  # the crash came mid-line
    result = cli("leads", "import", str(path), "--campaign", campaign, "--resume")
    assert result.code == 0, result.err
    assert len(_stored(fake, campaign=campaign)) == 3


def test_a_look_up_that_fails_on_resume_leaves_the_leads_in_doubt(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + _rows(3))
    transport = InterruptNthPost(fake.transport(), 1, processed=True)
    cli("leads", "import", str(path), "--campaign", campaign, transport=transport)
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=LIST)
    result = cli("--json", "leads", "import", str(path), "--campaign", campaign, "--resume")
    assert result.code == 1 and result.json()["in_doubt_lines"] == [2, 3, 4]
    assert len(fake.requests_to("POST", ADD)) == 1  # nothing sent again while in doubt


def test_a_file_with_lone_cr_line_endings_is_refused_by_name(
    cli: Runner, fake: FakeInstantly, campaign: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, "email,first_name\ra@example.com,A\rb@example.com,B\r")
    result = cli("leads", "import", str(path), "--campaign", campaign)
    assert result.code == 2 and "lone CR" in result.err
    assert fake.requests_to("POST", ADD) == []
