"""`instantly accounts list | get | pause | resume`."""

from __future__ import annotations

import argparse
import itertools
from typing import Any

from .._email_addresses import validate_emails
from .._errors import NotFoundError, PartialBatchError
from .._facts import LIST_PAGE_LIMIT_MAX
from ._context import EXIT_API_ERROR, EXIT_OK, Context
from ._labels import (
    ACCOUNT_STATUS_NAMES,
    PROVIDER_NAMES,
    WARMUP_STATUS_NAMES,
    account_status_arg,
    label,
)
from ._output import Output
from ._parsing import positive_int

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `accounts` and its subcommands to the parser's subcommands."""
    accounts = commands.add_parser(
        "accounts", help="list, show, pause and resume email accounts", parents=[common]
    )
    sub = accounts.add_subparsers(dest="action", metavar="ACTION", required=True)

    list_ = sub.add_parser("list", help="list the workspace's accounts", parents=[common])
    list_.add_argument(
        "--limit", type=positive_int, metavar="N", help="show at most N accounts (default: all)"
    )
    list_.add_argument(
        "--status",
        type=account_status_arg,
        metavar="STATUS",
        help="only accounts in this state: "
        + ", ".join(f"{name} ({code})" for code, name in ACCOUNT_STATUS_NAMES.items()),
    )
    list_.add_argument("--search", metavar="S", help="only accounts matching S (the API's search)")
    list_.set_defaults(run=list_accounts)

    get = sub.add_parser("get", help="show one account", parents=[common])
    get.add_argument("email", metavar="EMAIL")
    get.set_defaults(run=get_account)

    pause = sub.add_parser(
        "pause",
        help="pause accounts (several: the bulk endpoint, 100 per request)",
        parents=[common],
    )
    pause.add_argument("emails", metavar="EMAIL", nargs="+")
    pause.set_defaults(run=pause_accounts)

    resume = sub.add_parser(
        "resume",
        help="resume paused accounts (one request each: the API has no bulk resume)",
        parents=[common],
    )
    resume.add_argument("emails", metavar="EMAIL", nargs="+")
    resume.set_defaults(run=resume_accounts)


def _summary_row(account: Any) -> list[object]:
    return [
        account.email,
        label(ACCOUNT_STATUS_NAMES, account.status),
        label(WARMUP_STATUS_NAMES, account.warmup_status),
        label(PROVIDER_NAMES, account.provider_code),
    ]


def list_accounts(ctx: Context) -> int:
    """Every matching account (at most `--limit`), fetched page by page."""
    from instantly_api.types import UNSET  # attrs: loaded with the models, not with the parser

    args = ctx.args
    page = min(args.limit, LIST_PAGE_LIMIT_MAX) if args.limit else UNSET
    listing = ctx.client().accounts.list(status=args.status, search=args.search, limit=page)
    accounts = list(itertools.islice(listing, args.limit))

    def render(out: Output) -> None:
        out.table(["email", "status", "warmup", "provider"], map(_summary_row, accounts))
        out.line(f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}")

    ctx.out.result({"accounts": [a.to_dict() for a in accounts]}, render)
    return EXIT_OK


def get_account(ctx: Context) -> int:
    """One account's main fields (all of them with `--json`)."""
    account = ctx.client().accounts.get(ctx.args.email)

    def render(out: Output) -> None:
        name = " ".join(
            part for part in (account.first_name, account.last_name) if isinstance(part, str)
        )
        out.fields(
            [
                ("email", account.email),
                ("name", name or None),
                ("status", label(ACCOUNT_STATUS_NAMES, account.status)),
                ("warmup", label(WARMUP_STATUS_NAMES, account.warmup_status)),
                ("warmup score", account.stat_warmup_score),
                ("provider", label(PROVIDER_NAMES, account.provider_code)),
                ("daily limit", account.daily_limit),
                ("created", account.timestamp_created),
                ("updated", account.timestamp_updated),
            ]
        )

    ctx.out.result({"account": account.to_dict()}, render)
    return EXIT_OK


def _render_outcome(verb: str, done: list[str], failed: list[dict[str, str]]) -> Any:
    def render(out: Output) -> None:
        for email in done:
            out.line(f"{verb}  {email}")
        for item in failed:
            out.line(f"failed  {item['email']}: {item['error']}")
        out.line(f"{len(done)} {verb}, {len(failed)} failed")

    return render


_NOT_PAUSED = "the API did not pause it (unknown account, or its status did not change)"
_IN_DOUBT = "sent, but the answer was lost and the account could not be read: check it"
_NOT_SENT = "not sent (or sent without effect): safe to pause again"


def _render_pause(
    paused: list[str], failed: list[dict[str, str]], in_doubt: list[str], unsent: list[str]
) -> Any:
    """Every address under its state, then one line counting each state."""

    def render(out: Output) -> None:
        for email in paused:
            out.line(f"paused  {email}")
        for item in failed:
            out.line(f"failed  {item['email']}: {item['error']}")
        for email in in_doubt:
            out.line(f"in doubt  {email}: {_IN_DOUBT}")
        for email in unsent:
            out.line(f"not sent  {email}: {_NOT_SENT}")
        out.line(
            f"{len(paused)} paused, {len(failed)} failed, {len(in_doubt)} in doubt, "
            f"{len(unsent)} not sent"
        )

    return render


def pause_accounts(ctx: Context) -> int:
    """Pause one account (verified paused), or several with the library's chunked bulk pause.

    Every address is shown in one state: paused, failed (the API did not pause it), in doubt
    (sent, answer lost, its account could not be read) or not sent. Anything but paused exits 1;
    a request that failed half-way is shown first, then its error.
    """
    from .._bulk import BulkPauseResult

    accounts = ctx.client().accounts
    emails: list[str] = ctx.args.emails
    error: PartialBatchError | None = None
    if len(emails) == 1:
        outcome = BulkPauseResult(paused=[accounts.pause(emails[0]).email])
    else:
        try:
            outcome = accounts.pause_many(emails)
        except PartialBatchError as exc:
            outcome, error = exc.completed, exc
    failed = [{"email": email, "error": _NOT_PAUSED} for email in outcome.failed]
    in_doubt = [str(email) for email in error.in_doubt] if error is not None else []
    unsent = [str(email) for email in error.unsent] if error is not None else []
    paused = list(outcome.paused)
    payload = {"paused": paused, "failed": failed, "in_doubt": in_doubt, "unsent": unsent}
    ctx.out.result(payload, _render_pause(paused, failed, in_doubt, unsent))
    if error is not None:
        raise error
    return EXIT_API_ERROR if failed else EXIT_OK


def resume_accounts(ctx: Context) -> int:
    """Resume each account in turn; an unknown one is reported and the others still resumed."""
    emails = validate_emails(ctx.args.emails)  # every address checked before the first request
    accounts = ctx.client().accounts
    resumed: list[str] = []
    failed: list[dict[str, str]] = []
    for email in emails:
        try:
            resumed.append(accounts.resume(email).email)
        except NotFoundError as exc:
            failed.append({"email": email, "error": str(exc)})
    ctx.out.result(
        {"resumed": resumed, "failed": failed}, _render_outcome("resumed", resumed, failed)
    )
    return EXIT_API_ERROR if failed else EXIT_OK
