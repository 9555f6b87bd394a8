"""`client.accounts`: the workspace's email accounts (list with filters, get one by email)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Unpack

from instantly_api.api.account import get_account, list_account
from instantly_api.models.account import Account
from instantly_api.models.list_account_response_200 import ListAccountResponse200
from instantly_api.models.list_account_response_200_items_item import (
    ListAccountResponse200ItemsItem,
)

from .._pagination import AsyncPaginator, Page, SyncPaginator
from .._validation import validate_email
from ._base import (
    AsyncResource,
    RequestOptions,
    SyncResource,
    check_options,
    comma_separated,
    cursor_of,
    given,
    page_size,
)

__all__ = ["AccountListItem", "Accounts", "AsyncAccounts"]

# The item type of GET /api/v2/accounts (the spec gives it its own schema, close to Account).
AccountListItem = ListAccountResponse200ItemsItem


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
    return list_account._get_kwargs(
        limit=page_size(limit),
        starting_after=given(cursor),
        search=given(search),
        status=given(status),
        provider_code=given(provider_code),
        tag_ids=comma_separated("tag_ids", tag_ids),
        tag_ids_all=comma_separated("tag_ids_all", tag_ids_all),
        include_tags=given(include_tags),
        filter_=given(filter),
        sort_by=given(sort_by),
        sort_order=given(sort_order),
    )


def _page(response: ListAccountResponse200) -> Page[AccountListItem]:
    return Page(response.items, cursor_of(response.next_starting_after))


class Accounts(SyncResource):
    """Email accounts of the workspace."""

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

        def fetch(cursor: str | None) -> Page[AccountListItem]:
            kwargs = build(cursor)
            response = self._runner.call(
                kwargs, list_account._parse_response, ListAccountResponse200, options
            )
            return _page(response)

        return SyncPaginator(fetch, starting_after=starting_after, what="accounts")

    def get(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """The account with this email address (NotFoundError if the workspace has none)."""
        kwargs = get_account._get_kwargs(email=validate_email(email))
        return self._runner.call(kwargs, get_account._parse_response, Account, options)


class AsyncAccounts(AsyncResource):
    """Email accounts of the workspace (async)."""

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

        async def fetch(cursor: str | None) -> Page[AccountListItem]:
            kwargs = build(cursor)
            response = await self._runner.call(
                kwargs, list_account._parse_response, ListAccountResponse200, options
            )
            return _page(response)

        return AsyncPaginator(fetch, starting_after=starting_after, what="accounts")

    async def get(self, email: str, **options: Unpack[RequestOptions]) -> Account:
        """The account with this email address (NotFoundError if the workspace has none)."""
        kwargs = get_account._get_kwargs(email=validate_email(email))
        return await self._runner.call(kwargs, get_account._parse_response, Account, options)
