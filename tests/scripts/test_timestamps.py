"""The generated package's tolerant timestamp parsing (instantly_api._timestamps)."""

from __future__ import annotations

import datetime

import pytest
from instantly_api._timestamps import TimestampParseError, parse_date, parse_timestamp

UTC = datetime.UTC


def test_parse_timestamp_reads_instantly_iso_8601_with_z() -> None:
    assert parse_timestamp("2026-08-21T09:30:00.000Z") == datetime.datetime(
        2026, 8, 21, 9, 30, tzinfo=UTC
    )


def test_parse_timestamp_keeps_an_explicit_offset() -> None:
    moment = parse_timestamp("2026-08-21T11:30:00+02:00")
    assert moment.utcoffset() == datetime.timedelta(hours=2)


def test_parse_timestamp_takes_a_timestamp_without_offset_as_utc() -> None:
    assert parse_timestamp("2026-08-21T09:30:00").tzinfo is UTC


def test_parse_timestamp_falls_back_to_dateutil_for_rfc_2822() -> None:
    assert parse_timestamp("Fri, 21 Aug 2026 09:30:00 GMT") == datetime.datetime(
        2026, 8, 21, 9, 30, tzinfo=UTC
    )


def test_parse_timestamp_falls_back_to_dateutil_for_a_spelled_out_date() -> None:
    assert parse_timestamp("August 21, 2026 9:30 AM") == datetime.datetime(
        2026, 8, 21, 9, 30, tzinfo=UTC
    )


def test_parse_timestamp_reads_epoch_seconds() -> None:
    assert parse_timestamp(1_787_304_600) == datetime.datetime(2026, 8, 21, 9, 30, tzinfo=UTC)


def test_parse_timestamp_reads_epoch_milliseconds() -> None:
    assert parse_timestamp(1_787_304_600_000) == datetime.datetime(2026, 8, 21, 9, 30, tzinfo=UTC)


def test_parse_timestamp_raises_a_value_error_naming_an_unreadable_value() -> None:
    with pytest.raises(TimestampParseError, match="'whenever' is not a valid timestamp") as info:
        parse_timestamp("whenever")
    assert isinstance(info.value, ValueError)
    assert info.value.value == "whenever"


def test_parse_timestamp_rejects_a_boolean() -> None:
    with pytest.raises(TimestampParseError):
        parse_timestamp(True)


def test_parse_date_reads_iso_dates() -> None:
    assert parse_date("2026-08-21") == datetime.date(2026, 8, 21)


def test_parse_date_takes_the_date_of_a_full_timestamp() -> None:
    assert parse_date("2026-08-21T23:30:00.000Z") == datetime.date(2026, 8, 21)


def test_parse_date_raises_a_value_error_naming_an_unreadable_value() -> None:
    with pytest.raises(TimestampParseError, match="'someday' is not a valid date"):
        parse_date("someday")
