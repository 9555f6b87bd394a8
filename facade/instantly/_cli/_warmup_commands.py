"""`instantly warmup enable | disable`: start warmup jobs, and with `--wait` follow them to the end.

Which accounts (explicit `--email`s, or `--all` narrowed by `--exclude/--filter/--search/
--tag-id`), the checks on that choice and the split into requests of 100 emails are the library's
(`client.accounts.enable_warmup/disable_warmup`); this module maps options to its arguments.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._errors import JobGroupError, PartialBatchError
from .._facts import AccountFilter
from .._job_handles import JobGroup, JobHandle
from ._context import EXIT_OK, Context, UsageError
from ._job_commands import add_wait_timeout, job_payload, render_jobs, wait_for_handles
from ._output import Output

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `warmup enable` and `warmup disable` to the parser's subcommands."""
    warmup = commands.add_parser(
        "warmup", help="enable or disable warmup (background jobs)", parents=[common]
    )
    sub = warmup.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ("enable", "disable"):
        parser = sub.add_parser(
            action, help=f"{action} warmup for accounts (starts background jobs)", parents=[common]
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--email",
            dest="emails",
            metavar="E",
            nargs="+",
            action="extend",
            help="these accounts (repeatable; more than 100 are sent as several jobs)",
        )
        which.add_argument(
            "--all", dest="include_all", action="store_true", help="every account, narrowed by:"
        )
        parser.add_argument(
            "--exclude",
            metavar="E",
            nargs="+",
            action="extend",
            help="with --all: leave out these accounts (at most 100)",
        )
        parser.add_argument(
            "--filter",
            type=_filter_arg,
            metavar="F",
            help="with --all: only accounts matching one of "
            + ", ".join(f.value for f in AccountFilter)
            + " (or the part after ACC_FILTER_, e.g. w_active)",
        )
        parser.add_argument("--search", metavar="S", help="with --all: only accounts matching S")
        parser.add_argument("--tag-id", metavar="T", help="with --all: only accounts with tag T")
        parser.add_argument(
            "--wait", action="store_true", help="wait for the jobs to end, showing progress"
        )
        add_wait_timeout(parser)
        parser.set_defaults(run=enable_warmup if action == "enable" else disable_warmup)


def _filter_arg(text: str) -> str:
    """`--filter`: an `ACC_FILTER_*` value, or its short name (`W_ACTIVE`, any case), as the value.

    Anything else is passed on unchanged, for the library to refuse with the list of valid ones.
    """
    member = AccountFilter.__members__.get(text.upper())
    return member.value if member is not None else text


def _handles(started: JobHandle[Any] | JobGroup[Any]) -> list[JobHandle[Any]]:
    """The handles of what a warmup call returned: one handle, or a group when it was split."""
    return list(started.handles) if isinstance(started, JobGroup) else [started]


def _items(items: tuple[Any, ...]) -> list[str]:
    """A split call's items as shown: addresses, or "all accounts" for an `--all` request."""
    return [item if isinstance(item, str) else "all accounts (--all)" for item in items]


def _render_partial(jobs: list[Any], in_doubt: list[str], unsent: list[str]) -> Any:
    """The jobs started, the addresses in doubt and those not sent, and a line counting each."""

    def render(out: Output) -> None:
        render_jobs(jobs)(out)
        for item in in_doubt:
            out.line(f"in doubt  {item}: sent, answer lost; no look-up could tell if a job started")
        for item in unsent:
            out.line(f"not sent  {item}")
        out.line(
            f"{len(jobs)} job{'s' if len(jobs) != 1 else ''} started, {len(in_doubt)} in doubt, "
            f"{len(unsent)} not sent"
        )

    return render


def _run(ctx: Context, action: str) -> int:
    args = ctx.args
    if args.wait_timeout is not None and not args.wait:
        raise UsageError("--timeout applies only with --wait")
    accounts = ctx.client().accounts
    call = accounts.enable_warmup if action == "enable" else accounts.disable_warmup
    try:
        started = call(
            args.emails,
            include_all=args.include_all,
            exclude=args.exclude,
            filter=args.filter,
            search=args.search,
            tag_id=args.tag_id,
        )
    except PartialBatchError as exc:
        # Jobs already started keep running: show them (to follow with `jobs wait`), and what is
        # in doubt or not sent, then fail.
        jobs = [handle.job for handle in exc.completed]
        in_doubt, unsent = _items(exc.in_doubt), _items(exc.unsent)
        payload = {
            "action": action,
            "waited": False,
            "jobs": [job_payload(j) for j in jobs],
            "in_doubt": in_doubt,
            "unsent": unsent,
        }
        ctx.out.result(payload, _render_partial(jobs, in_doubt, unsent))
        raise
    handles = _handles(started)
    count = len(handles)
    ctx.out.note(f"warmup {action}: started {count} job{'s' if count != 1 else ''}")
    if args.wait:
        try:
            jobs = wait_for_handles(ctx, handles, args.wait_timeout)
        except JobGroupError as exc:
            # Show where every job ended (or was left) before the error says which did not succeed.
            last = [job for job in exc.jobs if job is not None]
            payload = {
                "action": action,
                "waited": True,
                "jobs": [job_payload(j) for j in last],
                "in_doubt": [],
                "unsent": [],
            }
            ctx.out.result(payload, render_jobs(last))
            raise
    else:
        jobs = [handle.job for handle in handles]

    def render(out: Output) -> None:
        render_jobs(jobs)(out)
        if not args.wait:
            out.line("follow with: instantly jobs wait " + (handles[0].id if count == 1 else "ID"))

    payload = {
        "action": action,
        "waited": bool(args.wait),
        "jobs": [job_payload(j) for j in jobs],
        "in_doubt": [],
        "unsent": [],
    }
    ctx.out.result(payload, render)
    return EXIT_OK


def enable_warmup(ctx: Context) -> int:
    """Start enabling warmup; with `--wait`, exit 0 only when every job succeeded."""
    return _run(ctx, "enable")


def disable_warmup(ctx: Context) -> int:
    """Start disabling warmup; with `--wait`, exit 0 only when every job succeeded."""
    return _run(ctx, "disable")
