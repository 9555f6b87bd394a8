"""CSV written for spreadsheets: formula-looking cells are neutralised by default (OWASP), both
in `write_rows_csv` and in `instantly analytics export`, with an opt-out."""

from __future__ import annotations

import csv
import io

import pytest
from _cli_support import Runner
from instantly import write_rows_csv
from instantly.testing import FakeInstantly

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def _written(rows: list[dict[str, object]], **options: bool) -> list[dict[str, str]]:
    out = io.StringIO()
    write_rows_csv(rows, out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    "value", [HOSTILE, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx"]
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(value: str) -> None:
    assert _written([{"name": value}]) == [{"name": "'" + value}]


def test_ordinary_cells_and_numbers_are_written_as_they_are() -> None:
    rows = [{"name": "Acme", "sent": -3, "rate": 0.5, "note": "a=b", "empty": None}]
    assert _written(rows) == [
        {"name": "Acme", "sent": "-3", "rate": "0.5", "note": "a=b", "empty": ""}
    ]


def test_a_column_name_that_looks_like_a_formula_is_neutralised_too() -> None:
    assert _written([{"=cmd": "x"}]) == [{"'=cmd": "x"}]


def test_spreadsheet_safe_false_writes_cells_exactly() -> None:
    assert _written([{"name": HOSTILE}], spreadsheet_safe=False) == [{"name": HOSTILE}]


@pytest.fixture
def hostile_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every analytics row carries a `note` column holding a formula (as a lead's data might)."""
    from instantly._helpers import campaign_analytics

    original = campaign_analytics.rows_of

    def rows_of(answer: object, extra: dict[str, object] | None = None) -> list[dict[str, object]]:
        return [dict(row, note=HOSTILE) for row in original(answer, extra)]

    monkeypatch.setattr(campaign_analytics, "rows_of", rows_of)


def _campaign(fake: FakeInstantly) -> str:
    emails = fake.account_emails()[:1]
    steps = [{"type": "email", "delay": 1, "variants": [{"subject": "Hi", "body": "Hello"}]}]
    return str(fake.campaigns.add("Spring", email_list=emails, sequences=[{"steps": steps}])["id"])


@pytest.mark.usefixtures("hostile_rows")
def test_analytics_export_neutralises_formula_cells_by_default(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("analytics", "export", "--campaign", _campaign(fake), "--kind", "overview")
    assert result.code == 0, result.err
    (row,) = csv.DictReader(io.StringIO(result.out))
    assert row["note"] == "'" + HOSTILE


@pytest.mark.usefixtures("hostile_rows")
def test_analytics_export_raw_cells_writes_them_as_they_are(
    cli: Runner, fake: FakeInstantly
) -> None:
    campaign = _campaign(fake)
    result = cli("analytics", "export", "--campaign", campaign, "--kind", "overview", "--raw-cells")
    assert result.code == 0, result.err
    (row,) = csv.DictReader(io.StringIO(result.out))
    assert row["note"] == HOSTILE
