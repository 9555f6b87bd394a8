"""`client.lead_lists`: the workspace's lead lists (list with filters)."""

from __future__ import annotations

from functools import partial
from typing import Any, Unpack

from instantly_api.api.lead_list import list_lead_list
from instantly_api.models.lead_list import LeadList
from instantly_api.models.list_lead_list_response_200 import ListLeadListResponse200

from .._pagination import AsyncPaginator, Page, SyncPaginator
from ._base import (
    AsyncResource,
    RequestOptions,
    SyncResource,
    check_options,
    cursor_of,
    given,
    given_bool,
    page_size,
)

__all__ = ["AsyncLeadLists", "LeadLists"]


def _list_kwargs(
    cursor: str | None,
    *,
    limit: int | None,
    search: str | None,
    has_enrichment_task: bool | None,
) -> dict[str, Any]:
    return list_lead_list._get_kwargs(
        limit=page_size(limit),
        starting_after=given(cursor),
        has_enrichment_task=given_bool("has_enrichment_task", has_enrichment_task),
        search=given(search),
    )


def _page(response: ListLeadListResponse200) -> Page[LeadList]:
    return Page(response.items, cursor_of(response.next_starting_after))


class LeadLists(SyncResource):
    """Lead lists of the workspace."""

    def list(
        self,
        *,
        search: str | None = None,
        has_enrichment_task: bool | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[LeadList]:
        """Every matching lead list, fetched page by page as you iterate (`limit` per page)."""
        build = partial(
            _list_kwargs, limit=limit, search=search, has_enrichment_task=has_enrichment_task
        )
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        def fetch(cursor: str | None) -> Page[LeadList]:
            response = self._runner.call(
                build(cursor), list_lead_list._parse_response, ListLeadListResponse200, options
            )
            return _page(response)

        return SyncPaginator(fetch, starting_after=starting_after, what="lead lists")


class AsyncLeadLists(AsyncResource):
    """Lead lists of the workspace (async)."""

    def list(
        self,
        *,
        search: str | None = None,
        has_enrichment_task: bool | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[LeadList]:
        """Every matching lead list, fetched page by page as you `async for`."""
        build = partial(
            _list_kwargs, limit=limit, search=search, has_enrichment_task=has_enrichment_task
        )
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        async def fetch(cursor: str | None) -> Page[LeadList]:
            response = await self._runner.call(
                build(cursor), list_lead_list._parse_response, ListLeadListResponse200, options
            )
            return _page(response)

        return AsyncPaginator(fetch, starting_after=starting_after, what="lead lists")
