"""`client.accounts`: the workspace's email accounts: list, get, pause, resume, warmup on/off.

Every decision is written once, as the module-level helpers, the warmup call of `._warmup_call`
and the plans of `instantly._bulk`: validation (before any request), request building, checking
an answer, what a failure half-way through a split call means. `Accounts` and `AsyncAccounts`
only send and await. What only some methods need (generated code, paging, bulk plans, warmup)
is imported by those methods on first use, so `client.accounts` itself stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, TypedDict, Unpack, cast

from .._config import DEFAULT_WAIT_TIMEOUT
from .._errors import AccountStatusError, APIError, NotFoundError
from .._facts import ACCOUNT_STATUS_ACTIVE, ACCOUNT_STATUS_PAUSED, AccountFilter
from .._validation import validate_email
from ._base import (
    AsyncResource,
    AsyncRunner,
    RequestOptions,
    SyncResource,
    SyncRunner,
    check_options,
    comma_separated,
    cursor_of,
    given,
    given_bool,
    given_int,
    page_size,
)
from ._jobs import AsyncJobs, Jobs

if TYPE_CHECKING:  # the generated code each method needs is imported by that method, on first use
    from instantly_api.models.account import Account
    from instantly_api.models.background_job import BackgroundJob
    from instantly_api.models.list_account_response_200 import ListAccountResponse200
    from instantly_api.models.list_account_response_200_items_item import (
        ListAccountResponse200ItemsItem,
    )

    from .._bulk import BulkPausePlan, BulkPauseResult
    from .._jobs import AsyncJobGroup, AsyncJobHandle, JobGroup, JobHandle
    from .._pagination import AsyncPaginator, Page, SyncPaginator
    from .._polling import ProgressCallback
    from ._warmup_call import WarmupCall

__all__ = [
    "AccountListItem",
    "Accounts",
    "AsyncAccounts",
    "BulkPauseResult",
    "WarmupRequestOptions",
]

if TYPE_CHECKING:
    # The item type of GET /api/v2/accounts (the spec gives it its own schema, close to Account).
    AccountListItem = ListAccountResponse200ItemsItem


def __getattr__(name: str) -> Any:
    """`AccountListItem` (a generated model) and `BulkPauseResult`, loaded on first use."""
    if name == "BulkPauseResult":
        from .._bulk import BulkPauseResult

        globals()[name] = BulkPauseResult
        return BulkPauseResult
    if name == "AccountListItem":
        from instantly_api.models.list_account_response_200_items_item import (
            ListAccountResponse200ItemsItem,
        )

        globals()[name] = ListAccountResponse200ItemsItem
        return ListAccountResponse200ItemsItem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _list_kwargs(
    cursor: str | None,
    *,
    limit: int | None,
    search: str | None,
    status: int | None,
    provider_code: int | None,
    tag_ids: str | Sequence[str] | None,
    tag_ids_all: str | Sequence[str] | None,
    include_tags: bool | None,
    filter: str | None,
    sort_by: str | None,
    sort_order: str | None,
) -> dict[str, Any]:
    from instantly_api.api.account import list_account

    return list_account._get_kwargs(
        limit=page_size(limit),
        starting_after=given(cursor),
        search=given(search),
        status=given_int("status", status),
        provider_code=given_int("provider_code", provider_code),
        tag_ids=comma_separated("tag_ids", tag_ids),
        tag_ids_all=comma_separated("tag_ids_all", tag_ids_all),
        include_tags=given_bool("include_tags", include_tags),
        filter_=given(filter),
        sort_by=given(sort_by),
        sort_order=given(sort_order),
    )


def _page(response: ListAccountResponse200) -> Page[AccountListItem]:
    from .._pagination import Page

    return Page(response.items, cursor_of(response.next_starting_after))


class WarmupRequestOptions(TypedDict, total=False):
    """Per-call options of the warmup calls: their `timeout` is the wait's, not a request's."""

    max_retries: int
    """Retries for each request of this call (0 disables them); the client's otherwise."""


def _request_options(options: WarmupRequestOptions) -> RequestOptions:
    """The warmup call's options as the runner's, refused if unknown (before anything is sent)."""
    request_options = cast(RequestOptions, dict(options))
    check_options(request_options)
    return request_options


_STATUS_NAMES: Final = {ACCOUNT_STATUS_ACTIVE: "active", ACCOUNT_STATUS_PAUSED: "paused"}


class _StatusChange:
    """Pause or resume one account: the request, and the check of the account returned."""

    def __init__(self, email: object, *, pause: bool) -> None:
        self.email = validate_email(email)
        self.verb = "pause" if pause else "resume"
        self.expected = ACCOUNT_STATUS_PAUSED if pause else ACCOUNT_STATUS_ACTIVE
        from instantly_api.api.account import pause_account, resume_account

        self.module: ModuleType = pause_account if pause else resume_account
        self.kwargs: dict[str, Any] = self.module._get_kwargs(email=self.email)

    def checked(self, account: Account) -> Account:
        """`account` if its status is the one asked for, else `AccountStatusError` with it."""
        from instantly_api.types import Unset

        actual = None if isinstance(account.status, Unset) else account.status
        if actual == self.expected:
            return account
        shown = f"{actual!r} ({_STATUS_NAMES[actual]})" if actual in _STATUS_NAMES else repr(actual)
        raise AccountStatusError(
            f"{self.verb} of {self.email!r} answered 200, but the account's status is {shown},"
            f" not {self.expected} ({_STATUS_NAMES[self.expected]})",
            account=account,
            expected=self.expected,
            actual=actual,
            method="POST",
            path=str(self.kwargs["url"]),
        )

    def not_found(self, exc: NotFoundError) -> NotFoundError:
        """The 404 restated to name the address (the server's message is kept)."""
        return NotFoundError(
            f"no account {self.email!r} in this workspace, so it cannot be {self.verb}d"
            f" ({exc.message})",
            status_code=exc.status_code,
            method=exc.method,
            path=exc.path,
            body=exc.body,
            request_id=exc.request_id,
        )


def _bulk_pause_kwargs(plan: BulkPausePlan, index: int) -> dict[str, Any]:
    from instantly_api.api.account import pause_accounts
    from instantly_api.models.pause_accounts_body import PauseAccountsBody

    return pause_accounts._get_kwargs(body=PauseAccountsBody(emails=plan.body(index)["emails"]))


class Accounts(SyncResource):
    """Email accounts of the workspace.

    `jobs` is the resource that builds the handles warmup calls return (the client's own).
    """

    def __init__(self, runner: SyncRunner, *, jobs: Jobs | None = None) -> None:
        super().__init__(runner)
        self._jobs = jobs if jobs is not None else Jobs(runner)

    def list(
        self,
        *,
        search: str | None = None,
        status: int | None = None,
        provider_code: int | None = None,
        tag_ids: str | Sequence[str] | None = None,
        tag_ids_all: str | Sequence[str] | None = None,
        include_tags: bool | None = None,
        filter: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[AccountListItem]:
        """Every matching account, fetched page by page as you iterate (`limit` per page).

        Filters are the spec's: `status` (1 active, 2 paused, negative: errors), `provider_code`,
        `tag_ids`/`tag_ids_all` (ids, a list or comma-separated), `filter` (an ACC_FILTER_*
        value), `sort_by`, `sort_order`. Nothing is sent until iteration starts.
        """
        build = partial(
            _list_kwargs, limit=limit, search=search, status=status, provider_code=provider_code,
            tag_ids=tag_ids, tag_ids_all=tag_ids_all, include_tags=include_tags, filter=filter,
            sort_by=sort_by, sort_order=sort_order,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)
        from instantly_api.api.account import list_account
        from instantly_api.models.list_account_response_200 import ListAccountResponse200

        def fetch(cursor: str | None) -> Page[AccountListItem]:
            kwargs = build(cursor)
            response = self._runner.call(
                kwargs, list_account._parse_response, ListAccountResponse200, options
            )
            return _page(response)

        from .._pagination import SyncPaginator

        return SyncPaginator(fetch, starting_after=starting_after, what="accounts")

    def get(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """The account with this email address (NotFoundError if the workspace has none)."""
        from instantly_api.api.account import get_account
        from instantly_api.models.account import Account

        kwargs = get_account._get_kwargs(email=validate_email(email))
        return self._runner.call(kwargs, get_account._parse_response, Account, options)

    def pause(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """Pause the account (no sending, no warmup); the account, verified to be paused (2).

        Pausing a paused account succeeds. `InvalidEmailError` (nothing sent) for a bad address,
        `NotFoundError` naming it if the workspace has none, `AccountStatusError` if the account
        came back in another status.
        """
        return self._change_status(_StatusChange(email, pause=True), options)

    def resume(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """Resume a paused account; the account, verified to be active (1). Errors as `pause`."""
        return self._change_status(_StatusChange(email, pause=False), options)

    def _change_status(self, change: _StatusChange, options: RequestOptions) -> Account:
        from instantly_api.models.account import Account

        try:
            account = self._runner.call(
                change.kwargs, change.module._parse_response, Account, options
            )
        except NotFoundError as exc:
            raise change.not_found(exc) from exc
        return change.checked(account)

    def pause_many(
        self, emails: Iterable[str], **options: Unpack[RequestOptions]
    ) -> BulkPauseResult:
        """Pause many accounts with the bulk endpoint, 100 addresses per request.

        Every address is validated and duplicates dropped before the first request. Returns
        which were paused and which not (unknown, or status unchanged), per the server's answers.
        A request failing after others succeeded raises `PartialBatchError` holding the
        `BulkPauseResult` so far (`.completed`) and the addresses not handled (`.unsent`).
        """
        from instantly_api.api.account import pause_accounts
        from instantly_api.models.pause_accounts_response_200 import PauseAccountsResponse200

        from .._bulk import BulkPausePlan

        plan = BulkPausePlan(emails)
        check_options(options)
        for index in range(plan.total):
            try:
                answer = self._runner.call(
                    _bulk_pause_kwargs(plan, index),
                    pause_accounts._parse_response,
                    PauseAccountsResponse200,
                    options,
                )
            except APIError as exc:
                raise plan.failure(exc) from exc
            plan.record_answer(answer.paused_emails, answer.failed_emails)
        return plan.result()

    def enable_warmup(
        self,
        emails: Iterable[str] | None = None,
        *,
        include_all: bool = False,
        exclude: Iterable[str] | None = None,
        filter: AccountFilter | str | None = None,
        search: str | None = None,
        tag_id: str | None = None,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
        **options: Unpack[WarmupRequestOptions],
    ) -> JobHandle[BackgroundJob] | JobGroup[BackgroundJob]:
        """Start enabling warmup: for `emails`, or `include_all=True` narrowed by the rest.

        More than 100 addresses are sent as several requests, each starting a job: the result is
        then a `JobGroup`, else a `JobHandle`. With `wait=True` it is returned after waiting
        (its jobs' final states on it). Arguments are checked before any request; a request
        failing after others started jobs raises `PartialBatchError` with their handles in
        `.completed`.
        """
        from ._warmup_call import WarmupCall

        return self._warmup(
            WarmupCall(
                enable=True, emails=emails, include_all=include_all, exclude=exclude,
                filter=filter, search=search, tag_id=tag_id, wait=wait, timeout=timeout,
                poll_interval=poll_interval, on_progress=on_progress,
            ),
            wait=wait, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress,
            options=_request_options(options),
        )  # fmt: skip

    def disable_warmup(
        self,
        emails: Iterable[str] | None = None,
        *,
        include_all: bool = False,
        exclude: Iterable[str] | None = None,
        filter: AccountFilter | str | None = None,
        search: str | None = None,
        tag_id: str | None = None,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
        **options: Unpack[WarmupRequestOptions],
    ) -> JobHandle[BackgroundJob] | JobGroup[BackgroundJob]:
        """Start disabling warmup (see `enable_warmup` for the arguments and the result)."""
        from ._warmup_call import WarmupCall

        return self._warmup(
            WarmupCall(
                enable=False, emails=emails, include_all=include_all, exclude=exclude,
                filter=filter, search=search, tag_id=tag_id, wait=wait, timeout=timeout,
                poll_interval=poll_interval, on_progress=on_progress,
            ),
            wait=wait, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress,
            options=_request_options(options),
        )  # fmt: skip

    def _warmup(
        self,
        call: WarmupCall[JobHandle[BackgroundJob]],
        *,
        wait: bool,
        timeout: float,
        poll_interval: float | None,
        on_progress: ProgressCallback[BackgroundJob] | None,
        options: RequestOptions,
    ) -> JobHandle[BackgroundJob] | JobGroup[BackgroundJob]:
        from instantly_api.models.background_job import BackgroundJob

        from .._jobs import JobGroup
        from ._warmup_call import one_or_group

        for index in range(call.total):
            try:
                job = self._runner.call(
                    call.kwargs(index), call.module._parse_response, BackgroundJob, options
                )
            except APIError as exc:
                raise call.failure(exc) from exc
            call.record(self._jobs.handle(call.started_job_id(index, job), job=job))
        started: JobHandle[BackgroundJob] | JobGroup[BackgroundJob] = one_or_group(
            call.results, JobGroup
        )
        if wait:
            started.wait(timeout=timeout, poll_interval=poll_interval, on_progress=on_progress)
        return started


class AsyncAccounts(AsyncResource):
    """Email accounts of the workspace (async; see `Accounts`)."""

    def __init__(self, runner: AsyncRunner, *, jobs: AsyncJobs | None = None) -> None:
        super().__init__(runner)
        self._jobs = jobs if jobs is not None else AsyncJobs(runner)

    def list(
        self,
        *,
        search: str | None = None,
        status: int | None = None,
        provider_code: int | None = None,
        tag_ids: str | Sequence[str] | None = None,
        tag_ids_all: str | Sequence[str] | None = None,
        include_tags: bool | None = None,
        filter: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[AccountListItem]:
        """Every matching account, fetched page by page as you `async for` (see `Accounts.list`)."""

        build = partial(
            _list_kwargs, limit=limit, search=search, status=status, provider_code=provider_code,
            tag_ids=tag_ids, tag_ids_all=tag_ids_all, include_tags=include_tags, filter=filter,
            sort_by=sort_by, sort_order=sort_order,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)
        from instantly_api.api.account import list_account
        from instantly_api.models.list_account_response_200 import ListAccountResponse200

        async def fetch(cursor: str | None) -> Page[AccountListItem]:
            kwargs = build(cursor)
            response = await self._runner.call(
                kwargs, list_account._parse_response, ListAccountResponse200, options
            )
            return _page(response)

        from .._pagination import AsyncPaginator

        return AsyncPaginator(fetch, starting_after=starting_after, what="accounts")

    async def get(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """The account with this email address (NotFoundError if the workspace has none)."""
        from instantly_api.api.account import get_account
        from instantly_api.models.account import Account

        kwargs = get_account._get_kwargs(email=validate_email(email))
        return await self._runner.call(kwargs, get_account._parse_response, Account, options)

    async def pause(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """Pause the account; the account, verified to be paused (see `Accounts.pause`)."""
        return await self._change_status(_StatusChange(email, pause=True), options)

    async def resume(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """Resume a paused account; the account, verified to be active (see `Accounts.pause`)."""
        return await self._change_status(_StatusChange(email, pause=False), options)

    async def _change_status(self, change: _StatusChange, options: RequestOptions) -> Account:
        from instantly_api.models.account import Account

        try:
            account = await self._runner.call(
                change.kwargs, change.module._parse_response, Account, options
            )
        except NotFoundError as exc:
            raise change.not_found(exc) from exc
        return change.checked(account)

    async def pause_many(
        self, emails: Iterable[str], **options: Unpack[RequestOptions]
    ) -> BulkPauseResult:
        """Pause many accounts, 100 addresses per request (see `Accounts.pause_many`)."""
        from instantly_api.api.account import pause_accounts
        from instantly_api.models.pause_accounts_response_200 import PauseAccountsResponse200

        from .._bulk import BulkPausePlan

        plan = BulkPausePlan(emails)
        check_options(options)
        for index in range(plan.total):
            try:
                answer = await self._runner.call(
                    _bulk_pause_kwargs(plan, index),
                    pause_accounts._parse_response,
                    PauseAccountsResponse200,
                    options,
                )
            except APIError as exc:
                raise plan.failure(exc) from exc
            plan.record_answer(answer.paused_emails, answer.failed_emails)
        return plan.result()

    async def enable_warmup(
        self,
        emails: Iterable[str] | None = None,
        *,
        include_all: bool = False,
        exclude: Iterable[str] | None = None,
        filter: AccountFilter | str | None = None,
        search: str | None = None,
        tag_id: str | None = None,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
        **options: Unpack[WarmupRequestOptions],
    ) -> AsyncJobHandle[BackgroundJob] | AsyncJobGroup[BackgroundJob]:
        """Start enabling warmup (see `Accounts.enable_warmup`)."""
        from ._warmup_call import WarmupCall

        return await self._warmup(
            WarmupCall(
                enable=True, emails=emails, include_all=include_all, exclude=exclude,
                filter=filter, search=search, tag_id=tag_id, wait=wait, timeout=timeout,
                poll_interval=poll_interval, on_progress=on_progress,
            ),
            wait=wait, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress,
            options=_request_options(options),
        )  # fmt: skip

    async def disable_warmup(
        self,
        emails: Iterable[str] | None = None,
        *,
        include_all: bool = False,
        exclude: Iterable[str] | None = None,
        filter: AccountFilter | str | None = None,
        search: str | None = None,
        tag_id: str | None = None,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
        **options: Unpack[WarmupRequestOptions],
    ) -> AsyncJobHandle[BackgroundJob] | AsyncJobGroup[BackgroundJob]:
        """Start disabling warmup (see `Accounts.enable_warmup`)."""
        from ._warmup_call import WarmupCall

        return await self._warmup(
            WarmupCall(
                enable=False, emails=emails, include_all=include_all, exclude=exclude,
                filter=filter, search=search, tag_id=tag_id, wait=wait, timeout=timeout,
                poll_interval=poll_interval, on_progress=on_progress,
            ),
            wait=wait, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress,
            options=_request_options(options),
        )  # fmt: skip

    async def _warmup(
        self,
        call: WarmupCall[AsyncJobHandle[BackgroundJob]],
        *,
        wait: bool,
        timeout: float,
        poll_interval: float | None,
        on_progress: ProgressCallback[BackgroundJob] | None,
        options: RequestOptions,
    ) -> AsyncJobHandle[BackgroundJob] | AsyncJobGroup[BackgroundJob]:
        from instantly_api.models.background_job import BackgroundJob

        from .._jobs import AsyncJobGroup
        from ._warmup_call import one_or_group

        for index in range(call.total):
            try:
                job = await self._runner.call(
                    call.kwargs(index), call.module._parse_response, BackgroundJob, options
                )
            except APIError as exc:
                raise call.failure(exc) from exc
            call.record(self._jobs.handle(call.started_job_id(index, job), job=job))
        started: AsyncJobHandle[BackgroundJob] | AsyncJobGroup[BackgroundJob] = one_or_group(
            call.results, AsyncJobGroup
        )
        if wait:
            await started.wait(
                timeout=timeout, poll_interval=poll_interval, on_progress=on_progress
            )
        return started
