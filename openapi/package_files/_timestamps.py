"""Tolerant parsing of the timestamps and dates in Instantly's responses.

Instantly sends ISO 8601 (`2026-08-21T09:30:00.000Z`), which `datetime.fromisoformat` reads on
Python >= 3.11. Anything else is tried with python-dateutil (imported only then, so importing the
client stays cheap): first its strict ISO 8601 parser, then its general parser. Numbers are read
as Unix epoch seconds (milliseconds when too large to be seconds). A timestamp without an offset
is taken as UTC, the API's zone. A value nothing can read raises `TimestampParseError`, a
`ValueError` naming the value, so a caller sees exactly which timestamp was malformed instead of
receiving a made-up date.
"""

from __future__ import annotations

import datetime

__all__ = ["TimestampParseError", "parse_date", "parse_timestamp"]

# Epoch values above this are milliseconds: as seconds they would fall after the year 5000.
_MAX_EPOCH_SECONDS = 100_000_000_000

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.UTC


class TimestampParseError(ValueError):
    """A timestamp or date that neither ISO 8601 nor python-dateutil could read."""

    def __init__(self, value: object, kind: str) -> None:
        self.value = value
        super().__init__(
            f"{value!r} is not a valid {kind}: expected ISO 8601 such as "
            "'2026-08-21T09:30:00.000Z', or a form python-dateutil can read"
        )


def _as_utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment


def _from_epoch(value: float) -> datetime.datetime:
    seconds = value / 1000 if abs(value) >= _MAX_EPOCH_SECONDS else value
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def _parse_with_dateutil(text: str) -> datetime.datetime | None:
    # Imported only when the fast path fails, so importing the client stays cheap.
    from dateutil import parser  # type: ignore[import-untyped,unused-ignore]

    parsed: datetime.datetime
    try:
        parsed = parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            parsed = parser.parse(text)
        except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError
            return None
    return parsed


def parse_timestamp(value: object) -> datetime.datetime:
    """A timezone-aware datetime from an API value; raises `TimestampParseError` if unreadable."""
    if type(value) is str:  # what a response holds: ISO 8601, read without the checks below
        try:
            moment = _fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=_UTC)
    if isinstance(value, datetime.datetime):
        return _as_utc(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return _from_epoch(value)
        except (ValueError, OverflowError, OSError) as exc:
            raise TimestampParseError(value, "timestamp") from exc
    if isinstance(value, str) and value.strip():  # "" (Instantly's "no date") reads as nothing
        try:
            return _as_utc(datetime.datetime.fromisoformat(value))
        except ValueError:
            pass
        if (parsed := _parse_with_dateutil(value)) is not None:
            return _as_utc(parsed)
    raise TimestampParseError(value, "timestamp")


def parse_date(value: object) -> datetime.date:
    """A date from an API value (a full timestamp gives its date); raises `TimestampParseError`."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
        if (parsed := _parse_with_dateutil(value)) is not None:
            return parsed.date()
    raise TimestampParseError(value, "date")
