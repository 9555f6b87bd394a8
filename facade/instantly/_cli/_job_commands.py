"""`instantly jobs list | get | wait`, and how jobs are shown and waited on by every command."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from typing import Any

from instantly_api.types import UNSET

from .._facts import JOB_STATUSES, LIST_PAGE_LIMIT_MAX
from .._job_handles import JobGroup, JobHandle
from .._polling import DEFAULT_WAIT_TIMEOUT, job_error_message, job_progress, job_status
from ._context import EXIT_OK, Context
from ._output import Output
from ._parsing import positive_int, seconds

__all__ = ["job_payload", "job_row", "register", "render_jobs", "wait_for_handles"]

_HEADERS = ["job", "type", "status", "progress", "result"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `jobs` and its subcommands to the parser's subcommands."""
    jobs = commands.add_parser("jobs", help="show and wait for background jobs", parents=[common])
    sub = jobs.add_subparsers(dest="action", metavar="ACTION", required=True)

    list_ = sub.add_parser("list", help="list the workspace's background jobs", parents=[common])
    list_.add_argument(
        "--limit", type=positive_int, metavar="N", help="show at most N jobs (default: all)"
    )
    list_.add_argument(
        "--status",
        choices=sorted(JOB_STATUSES),
        metavar="STATUS",
        help=f"only jobs in this state: {', '.join(sorted(JOB_STATUSES))}",
    )
    list_.set_defaults(run=list_jobs)

    get = sub.add_parser("get", help="show a job's current state", parents=[common])
    get.add_argument("job_id", metavar="ID")
    get.set_defaults(run=get_job)

    wait = sub.add_parser(
        "wait", help="wait until a job ends, showing its progress", parents=[common]
    )
    wait.add_argument("job_id", metavar="ID")
    add_wait_timeout(wait)
    wait.set_defaults(run=wait_job)


def add_wait_timeout(parser: argparse.ArgumentParser) -> None:
    """`--timeout S`: how long to wait for jobs (the library's default when not given)."""
    parser.add_argument(
        "--timeout",
        dest="wait_timeout",
        type=seconds,
        metavar="S",
        help=f"give up waiting after S seconds (default {DEFAULT_WAIT_TIMEOUT:g}); "
        "the job keeps running",
    )


# Counters a job's `data` may carry, shown first and in this order (the fake's and Instantly's
# warmup jobs report these two); any other `*_count` follows in name order.
_COUNTS_FIRST = ("success_count", "failed_count")


def _job_result(job: Any) -> str:
    """What a job's data says about its outcome: the error, or the processed counts."""
    if (message := job_error_message(job)) is not None:
        return message
    data = job.data.to_dict() if hasattr(job.data, "to_dict") else {}
    keys = [k for k in _COUNTS_FIRST if k in data]
    keys += sorted(k for k in data if k.endswith("_count") and k not in _COUNTS_FIRST)
    return ", ".join(f"{k.removesuffix('_count')} {data[k]}" for k in keys)


def job_row(job: Any) -> list[object]:
    """A job as a table row."""
    progress = job_progress(job)
    shown = f"{progress:.0f}%" if progress is not None else None
    return [job.id, job.type_, job_status(job), shown, _job_result(job) or None]


def job_payload(job: Any) -> dict[str, Any]:
    """A job as JSON: the API's own fields."""
    payload: dict[str, Any] = job.to_dict()
    return payload


def render_jobs(jobs: Sequence[Any]) -> Any:
    """A renderer showing `jobs` as a table."""

    def render(out: Output) -> None:
        out.table(_HEADERS, map(job_row, jobs))

    return render


def wait_for_handles(
    ctx: Context, handles: Sequence[JobHandle[Any]], timeout: float | None
) -> list[Any]:
    """Wait for every job under one deadline, drawing progress; their final states in order."""
    progress = ctx.progress([handle.id for handle in handles])
    try:
        return JobGroup(handles).wait(
            wait_timeout=DEFAULT_WAIT_TIMEOUT if timeout is None else timeout,
            on_progress=progress.update,
        )
    finally:
        progress.close()


def list_jobs(ctx: Context) -> int:
    """The workspace's background jobs (at most `--limit`)."""
    args = ctx.args
    page = min(args.limit, LIST_PAGE_LIMIT_MAX) if args.limit else UNSET
    listing = ctx.client().jobs.list(status=args.status, limit=page)
    jobs = list(itertools.islice(listing, args.limit))
    ctx.out.result({"jobs": [job_payload(job) for job in jobs]}, render_jobs(jobs))
    return EXIT_OK


def get_job(ctx: Context) -> int:
    """One job's current state."""
    job = ctx.client().jobs.get(ctx.args.job_id)
    ctx.out.result({"jobs": [job_payload(job)]}, render_jobs([job]))
    return EXIT_OK


def wait_job(ctx: Context) -> int:
    """Wait for one job to end; exit 0 on success, 1 if it failed, was cancelled or timed out."""
    args = ctx.args
    progress = ctx.progress([args.job_id])
    timeout = DEFAULT_WAIT_TIMEOUT if args.wait_timeout is None else args.wait_timeout
    try:
        job = ctx.client().jobs.wait(args.job_id, wait_timeout=timeout, on_progress=progress.update)
    finally:
        progress.close()
    ctx.out.result({"jobs": [job_payload(job)]}, render_jobs([job]))
    return EXIT_OK
