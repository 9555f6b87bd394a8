"""Helpers of `client.accounts`: daily account analytics as rows, for any number of accounts.

The endpoint takes at most the spec's `maxItems` addresses per request (200 today, read from
the operation's schema); more are split over several requests, sent through the rate limiter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._email_addresses import validate_emails
from .._operation import operation, prepare
from .._plans import Call, Plan
from ._analytics import rows_of

if TYPE_CHECKING:
    from typing import Unpack

    from ..resources._base import RequestOptions

__all__ = ["daily_analytics_rows"]


def daily_analytics_rows(
    emails: Iterable[str] | None = None,
    *,
    start_date: str | None = None,
    end_date: str | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[list[dict[str, Any]]]:
    """Daily analytics per account as flat rows (every account without `emails`).

    Addresses are validated first and split into requests of the spec's `maxItems`.
    """
    from ..resources._base import check_options

    check_options(options)
    op = operation("getDailyAccountAnalytics")
    dates = {k: v for k, v in (("start_date", start_date), ("end_date", end_date)) if v}
    batches: list[dict[str, Any]] = [dict(dates)]
    if emails is not None:
        addresses = validate_emails(emails)
        schema = op.schema.get("query", {}).get("properties", {}).get("emails", {})
        size = schema.get("maxItems") or len(addresses) or 1
        batches = [
            {**dates, "emails": addresses[i : i + size]} for i in range(0, len(addresses), size)
        ] or [dict(dates)]
    for args in batches:
        prepare(op, args)
    rows: list[dict[str, Any]] = []
    for args in batches:
        rows += rows_of((yield Call(op, args, options)))
    return rows
