"""Helpers of `client.accounts`: pause and resume with verification, bulk pause, warmup on/off.

Each checks every argument before the first request, and says what a failure half-way through a
split call means (`PartialBatchError` with what was done and what was not sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from instantly_api.resources import accounts as _generated

from .._config import DEFAULT_WAIT_TIMEOUT
from .._email_addresses import validate_email
from .._errors import AccountStatusError, APIError, NotFoundError, UnexpectedStateError
from .._facts import ACCOUNT_STATUS_ACTIVE, ACCOUNT_STATUS_PAUSED, AccountFilter
from .._helpers.account_analytics import daily_analytics_rows
from .._operation import operation
from .._plans import Call, MakeHandles, Plan, StartedJobs, WaitRequest, started_job
from ._plan_methods import job_group_method, plan_method

if TYPE_CHECKING:
    from typing import Unpack

    from instantly_api.models.account import Account
    from instantly_api.models.background_job import BackgroundJob

    from .._bulk import BulkPauseResult, JobBaseline, JobSearch
    from .._job_handles import JobGroup
    from .._polling import ProgressCallback
    from ._base import RequestOptions

__all__ = [
    "Accounts",
    "AsyncAccounts",
    "disable_warmup",
    "enable_warmup",
    "pause",
    "pause_many",
    "resume",
]

_STATUS_NAMES: Final = {ACCOUNT_STATUS_ACTIVE: "active", ACCOUNT_STATUS_PAUSED: "paused"}


def _change_status(
    email: object, operation_id: str, expected: int, options: RequestOptions
) -> Plan[Account]:
    """Pause or resume one account and check the account the API returns."""
    from instantly_api.types import Unset

    address = validate_email(email)
    verb = "pause" if expected == ACCOUNT_STATUS_PAUSED else "resume"
    op = operation(operation_id)
    try:
        account: Account = yield Call(op, {"email": address}, options)
    except NotFoundError as exc:
        raise NotFoundError(
            f"no account {address!r} in this workspace, so it cannot be {verb}d ({exc.message})",
            status_code=exc.status_code,
            method=exc.method,
            path=exc.path,
            body=exc.body,
            request_id=exc.request_id,
        ) from exc
    returned = getattr(account, "email", None)
    if not isinstance(returned, str) or returned.lower() != address.lower():
        raise UnexpectedStateError(
            f"{verb} of {address!r} answered 200 with the account {returned!r}; the {verb} "
            "is not verified",
            method=op.method,
            path=op.path,
        )
    actual = None if isinstance(account.status, Unset) else account.status
    if actual != expected:
        shown = f"{actual!r} ({_STATUS_NAMES[actual]})" if actual in _STATUS_NAMES else repr(actual)
        raise AccountStatusError(
            f"{verb} of {address!r} answered 200, but the account's status is {shown},"
            f" not {expected} ({_STATUS_NAMES[expected]})",
            account=account,
            expected=expected,
            actual=actual,
            method=op.method,
            path=op.path.replace("{email}", address),
        )
    return account


def pause(email: str, **options: Unpack[RequestOptions]) -> Plan[Account]:
    """Pause the account (no sending, no warmup); the account, verified to be paused (2).

    Pausing a paused account succeeds. `InvalidEmailError` (nothing sent) for a bad address,
    `NotFoundError` naming it if the workspace has none, `UnexpectedStateError` if the answer
    is another account, `AccountStatusError` if it came back in another status.
    """
    account: Account = yield from _change_status(
        email, "pauseAccount", ACCOUNT_STATUS_PAUSED, options
    )
    return account


def resume(email: str, **options: Unpack[RequestOptions]) -> Plan[Account]:
    """Resume a paused account; the account, verified to be active (1). Errors as `pause`."""
    account: Account = yield from _change_status(
        email, "resumeAccount", ACCOUNT_STATUS_ACTIVE, options
    )
    return account


def pause_many(emails: Iterable[str], **options: Unpack[RequestOptions]) -> Plan[BulkPauseResult]:
    """Pause many accounts with the bulk endpoint, 100 addresses per request.

    Every address is validated and duplicates dropped before the first request. Returns which
    were paused and which not (unknown, or status unchanged), per the server's answers. When a
    request's answer is lost (timeout, dropped connection, 5xx), each of its accounts is read:
    paused ones count as paused (`.looked_up` names them) and the call goes on. Otherwise it
    raises `PartialBatchError`: `.completed` the `BulkPauseResult` so far, `.in_doubt` the
    addresses sent whose state could not be read, `.unsent` those never sent or found unpaused
    (sending them again is safe). When nothing took effect (a refusal, or no account paused,
    at the first request) the error is raised as it is.
    """
    from .._bulk import BulkPausePlan, answer_lost

    plan = BulkPausePlan(emails)
    op = operation("pauseAccounts")
    for index in range(plan.total):
        try:
            answer = yield Call(op, {"body": plan.body(index)}, options)
        except APIError as exc:
            if answer_lost(exc):
                statuses = yield from _account_statuses(plan.chunks[index], options)
                if plan.record_look_up(statuses):
                    continue
            failure = plan.failure(exc)
            if failure is exc:
                raise  # nothing took effect: the error as it is, its cause kept
            raise failure from exc
        plan.record_answer(answer.paused_emails, answer.failed_emails)
    return plan.result()


def _account_statuses(
    emails: Iterable[str], options: RequestOptions
) -> Plan[dict[str, int | None]]:
    """Each account's status as read now (None: no such account), up to the first read failing.

    The addresses after a failed read are not read (the API is not answering): they, and any
    whose status is unreadable, stay out of the result, so they count as in doubt.
    """
    from instantly_api.types import Unset

    op = operation("getAccount")
    statuses: dict[str, int | None] = {}
    for email in emails:
        try:
            account = yield Call(op, {"email": email}, options)
        except NotFoundError:
            statuses[email] = None
            continue
        except APIError:
            break
        status = getattr(account, "status", None)
        if not isinstance(status, Unset) and isinstance(status, int):
            statuses[email] = status  # an unreadable status leaves the address in doubt
    return statuses


def _warmup(
    operation_id: str,
    emails: Iterable[str] | None,
    *,
    include_all: bool,
    exclude: Iterable[str] | None,
    filter: AccountFilter | str | None,
    search: str | None,
    tag_id: str | None,
    wait: bool,
    wait_timeout: float | None,
    poll_interval: float | None,
    on_progress: ProgressCallback[Any] | None,
    options: RequestOptions,
) -> Plan[Any]:
    """Enable or disable warmup: one request per 100 addresses, each starting a job.

    The newest warmup jobs are read first (a baseline), so that a request whose answer is lost
    can be settled by finding the job it started (`_find_started_job`). If the baseline cannot
    be read, the call goes on without one: a lost answer to its first request then stays in doubt.
    """
    from .._bulk import SplitCall, answer_lost
    from .._warmup_selection import check_wait_options, warmup_request_bodies, warmup_selection
    from ._base import check_options

    timeout = DEFAULT_WAIT_TIMEOUT if wait_timeout is None else wait_timeout
    check_options(options)
    check_wait_options(wait, timeout, poll_interval, on_progress)
    selection = warmup_selection(
        emails, include_all=include_all, exclude=exclude, filter=filter, search=search,
        tag_id=tag_id,
    )  # fmt: skip
    bodies = warmup_request_bodies(selection)
    action = "enable_warmup" if operation_id.startswith("enable") else "disable_warmup"
    # A request's items: its addresses, or for an include_all request its body.
    chunks = [body.get("emails", [body]) for body in bodies]
    split: SplitCall[Any] = SplitCall(action, chunks)
    op = operation(operation_id)
    baseline = yield from _job_baseline(options)
    for body in bodies:
        try:
            job = started_job((yield Call(op, {"body": body}, options)), op)
        except APIError as exc:
            if answer_lost(exc):
                lookup = yield from _find_started_job(baseline, split.results, options)
                if lookup.settled and lookup.found() is not None:
                    split.record(lookup.found())
                    continue
                if lookup.settled:
                    split.record_not_done()  # no job: the request had no effect
                else:
                    split.record_in_doubt()
            failure = split.failure(exc)
            if failure is exc:
                raise
            handles = yield MakeHandles(StartedJobs(jobs=tuple(split.results), group=True))
            raise split.failure(exc, completed=handles) from exc
        split.record(job)
    request = WaitRequest(timeout, poll_interval, on_progress) if wait else None
    return StartedJobs(jobs=tuple(split.results), group=True, wait=request)


# The newest warmup jobs first (the type is `_bulk.WARMUP_JOB_TYPE`; `_bulk` loads on first use).
_JOB_QUERY: Final = {
    "type": "update-warmup-accounts", "sort_column": "created_at", "sort_order": "desc"
}  # fmt: skip


def _job_baseline(options: RequestOptions) -> Plan[JobBaseline | None]:
    """The newest warmup jobs before the call (None when they cannot be read)."""
    from .._bulk import JobBaseline

    try:
        page = yield Call(operation("listBackgroundJob"), {**_JOB_QUERY, "limit": 10}, options)
    except APIError:
        return None
    return JobBaseline.of(page.items)


def _find_started_job(
    baseline: JobBaseline | None, known: list[Any], options: RequestOptions
) -> Plan[JobSearch]:
    """Look for the job a warmup request started when its answer was lost (see `JobSearch`)."""
    from instantly_api.types import Unset

    from .._bulk import JobSearch

    search = JobSearch(baseline, known)
    op = operation("listBackgroundJob")
    args: dict[str, Any] = {**_JOB_QUERY, "limit": 100}
    while not search.done:
        try:
            page = yield Call(op, args, options)
        except APIError as exc:
            search.give_up(f"the jobs could not be listed ({exc})")
            break
        cursor = page.next_starting_after
        has_more = not isinstance(cursor, Unset) and isinstance(cursor, str) and bool(cursor)
        search.feed(page.items, has_more)
        args = {**args, "starting_after": cursor}
    return search


def enable_warmup(
    emails: Iterable[str] | None = None,
    *,
    include_all: bool = False,
    exclude: Iterable[str] | None = None,
    filter: AccountFilter | str | None = None,
    search: str | None = None,
    tag_id: str | None = None,
    wait: bool = False,
    wait_timeout: float | None = None,
    poll_interval: float | None = None,
    on_progress: ProgressCallback[BackgroundJob] | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[JobGroup[BackgroundJob]]:
    """Start enabling warmup: for `emails`, or `include_all=True` narrowed by the rest.

    Each 100 addresses are one request starting one job; the result is always a `JobGroup`
    (one job or several). With `wait=True` it is returned after waiting (`wait_timeout`, default
    600 s; `timeout=` is the per-request timeout). Arguments are checked before any request.
    A request whose answer is lost is looked up among the warmup jobs (the newest are read
    before the first request to tell them apart): its job found, the call goes on. A request
    failing otherwise, after jobs started or with a lost answer no look-up settled, raises
    `PartialBatchError`: `.completed` the started jobs' handles, `.in_doubt` the addresses sent
    that may have started a job, `.unsent` those never sent or found without a job.
    """
    group: JobGroup[BackgroundJob] = yield from _warmup(
        "enableWarmupForAccounts", emails, include_all=include_all, exclude=exclude, filter=filter,
        search=search, tag_id=tag_id, wait=wait, wait_timeout=wait_timeout,
        poll_interval=poll_interval, on_progress=on_progress, options=options,
    )  # fmt: skip
    return group


def disable_warmup(
    emails: Iterable[str] | None = None,
    *,
    include_all: bool = False,
    exclude: Iterable[str] | None = None,
    filter: AccountFilter | str | None = None,
    search: str | None = None,
    tag_id: str | None = None,
    wait: bool = False,
    wait_timeout: float | None = None,
    poll_interval: float | None = None,
    on_progress: ProgressCallback[BackgroundJob] | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[JobGroup[BackgroundJob]]:
    """Start disabling warmup (see `enable_warmup` for the arguments and the result)."""
    group: JobGroup[BackgroundJob] = yield from _warmup(
        "disableWarmupForAccounts", emails, include_all=include_all, exclude=exclude, filter=filter,
        search=search, tag_id=tag_id, wait=wait, wait_timeout=wait_timeout,
        poll_interval=poll_interval, on_progress=on_progress, options=options,
    )  # fmt: skip
    return group


class Accounts(_generated.Accounts):
    """`client.accounts`: the generated operations and the helpers above."""

    daily_analytics_rows = plan_method(daily_analytics_rows)
    disable_warmup = job_group_method(disable_warmup)  # type: ignore[assignment]  # stands for the operation's method
    enable_warmup = job_group_method(enable_warmup)  # type: ignore[assignment]  # stands for the operation's method
    pause = plan_method(pause)
    pause_many = plan_method(pause_many)  # type: ignore[assignment]  # stands for the operation's method
    resume = plan_method(resume)


class AsyncAccounts(_generated.AsyncAccounts):
    """`client.accounts` (async): the generated operations and the helpers above."""

    daily_analytics_rows = plan_method(daily_analytics_rows)
    disable_warmup = job_group_method(disable_warmup)  # type: ignore[assignment]  # stands for the operation's method
    enable_warmup = job_group_method(enable_warmup)  # type: ignore[assignment]  # stands for the operation's method
    pause = plan_method(pause)
    pause_many = plan_method(pause_many)  # type: ignore[assignment]  # stands for the operation's method
    resume = plan_method(resume)
