"""`instantly emails unread`: the Unibox's unread emails, newest first, and how many there are.

`GET /api/v2/emails` allows 20 requests a minute: the client's limiter spaces the pages.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
from typing import Any

from instantly_api.types import UNSET

from .._facts import LIST_PAGE_LIMIT_MAX
from ._context import EXIT_OK, Context
from ._output import Output
from ._parsing import positive_int

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `emails unread` to the parser's subcommands."""
    emails = commands.add_parser("emails", help="read the Unibox", parents=[common])
    sub = emails.add_subparsers(dest="action", metavar="ACTION", required=True)
    unread = sub.add_parser("unread", help="list unread emails, newest first", parents=[common])
    unread.add_argument(
        "--limit", type=positive_int, metavar="N", help="show at most N emails (default: all)"
    )
    unread.add_argument("--campaign", metavar="ID", help="only emails of this campaign")
    unread.add_argument("--eaccount", metavar="EMAIL", help="only emails of this account")
    unread.set_defaults(run=unread_emails)


def _when(value: object) -> object:
    """A timestamp to the second (`2026-05-07T10:00:00+00:00`), one word in a table."""
    return value.isoformat(timespec="seconds") if isinstance(value, datetime.datetime) else value


def _row(email: Any) -> list[object]:
    return [_when(email.timestamp_email), email.from_address_email, email.eaccount, email.subject]


def unread_emails(ctx: Context) -> int:
    """Unread emails (at most `--limit`), page by page, and the workspace's unread count."""
    args = ctx.args
    emails = ctx.client().emails
    page = min(args.limit, LIST_PAGE_LIMIT_MAX) if args.limit else UNSET
    listing = emails.list(
        is_unread=True,
        campaign_id=args.campaign or UNSET,
        eaccount=args.eaccount or UNSET,
        limit=page,
    )
    unread = list(itertools.islice(listing, args.limit))
    count = emails.count_unread().count

    def render(out: Output) -> None:
        out.table(["received", "from", "to", "subject"], map(_row, unread))
        shown = f"{len(unread)} shown" if args.limit or args.campaign or args.eaccount else ""
        out.line(f"{count} unread" + (f" ({shown})" if shown else ""))

    ctx.out.result({"emails": [e.to_dict() for e in unread], "unread": count}, render)
    return EXIT_OK
