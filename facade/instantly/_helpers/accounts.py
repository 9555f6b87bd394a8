"""Helpers of `client.accounts`: pause and resume with verification, bulk pause, warmup on/off.

Each checks every argument before the first request, and says what a failure half-way through a
split call means (`PartialBatchError` with what was done and what was not sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from .._bulk import BulkPausePlan, BulkPauseResult
from .._errors import AccountStatusError, APIError, NotFoundError, UnexpectedStateError
from .._facts import ACCOUNT_STATUS_ACTIVE, ACCOUNT_STATUS_PAUSED, AccountFilter
from .._operation import operation
from .._plans import Call, MakeHandles, Plan, StartedJobs, WaitRequest, helper, started_job
from .._polling import DEFAULT_WAIT_TIMEOUT, ProgressCallback
from .._validation import validate_email

if TYPE_CHECKING:
    from typing import Unpack

    from instantly_api.models.account import Account
    from instantly_api.models.background_job import BackgroundJob

    from .._job_handles import JobGroup
    from ..resources._base import RequestOptions

RESOURCE = "accounts"
__all__ = ["disable_warmup", "enable_warmup", "pause", "pause_many", "resume"]

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


@helper(replaces="pauseAccount")
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


@helper(replaces="resumeAccount")
def resume(email: str, **options: Unpack[RequestOptions]) -> Plan[Account]:
    """Resume a paused account; the account, verified to be active (1). Errors as `pause`."""
    account: Account = yield from _change_status(
        email, "resumeAccount", ACCOUNT_STATUS_ACTIVE, options
    )
    return account


@helper(replaces="pauseAccounts")
def pause_many(emails: Iterable[str], **options: Unpack[RequestOptions]) -> Plan[BulkPauseResult]:
    """Pause many accounts with the bulk endpoint, 100 addresses per request.

    Every address is validated and duplicates dropped before the first request. Returns which
    were paused and which not (unknown, or status unchanged), per the server's answers. A request
    failing after others succeeded raises `PartialBatchError` holding the `BulkPauseResult` so
    far (`.completed`) and the addresses not handled (`.unsent`).
    """
    plan = BulkPausePlan(emails)
    op = operation("pauseAccounts")
    for index in range(plan.total):
        try:
            answer = yield Call(op, {"body": plan.body(index)}, options)
        except APIError as exc:
            raise plan.failure(exc) from exc
        plan.record_answer(answer.paused_emails, answer.failed_emails)
    return plan.result()


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
    """Enable or disable warmup: one request per 100 addresses, each starting a job."""
    from .._bulk import SplitCall, partial_failure
    from .._warmup_selection import check_wait_options, warmup_request_bodies, warmup_selection
    from ..resources._base import check_options

    timeout = DEFAULT_WAIT_TIMEOUT if wait_timeout is None else wait_timeout
    check_options(options)
    check_wait_options(wait, timeout, poll_interval, on_progress)
    selection = warmup_selection(
        emails, include_all=include_all, exclude=exclude, filter=filter, search=search,
        tag_id=tag_id,
    )  # fmt: skip
    bodies = warmup_request_bodies(selection)
    action = "enable_warmup" if operation_id.startswith("enable") else "disable_warmup"
    split: SplitCall[Any] = SplitCall(action, [list(b.get("emails", ())) for b in bodies])
    op = operation(operation_id)
    for body in bodies:
        try:
            job = yield Call(op, {"body": body}, options)
        except APIError as exc:
            if not split.results:
                raise
            handles = yield MakeHandles(StartedJobs(jobs=tuple(split.results), group=True))
            raise partial_failure(
                action, exc, done=len(split.results), total=split.total, completed=handles,
                unsent=split.unsent(),
            ) from exc  # fmt: skip
        split.record(started_job(job, op))
    request = WaitRequest(timeout, poll_interval, on_progress) if wait else None
    return StartedJobs(jobs=tuple(split.results), group=True, wait=request)


@helper(replaces="enableWarmupForAccounts")
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
    600 s; `timeout=` is the per-request timeout). Arguments are checked before any request; a
    request failing after others started jobs raises `PartialBatchError` with their handles in
    `.completed`.
    """
    group: JobGroup[BackgroundJob] = yield from _warmup(
        "enableWarmupForAccounts", emails, include_all=include_all, exclude=exclude, filter=filter,
        search=search, tag_id=tag_id, wait=wait, wait_timeout=wait_timeout,
        poll_interval=poll_interval, on_progress=on_progress, options=options,
    )  # fmt: skip
    return group


@helper(replaces="disableWarmupForAccounts")
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
