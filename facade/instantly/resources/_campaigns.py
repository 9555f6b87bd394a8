"""`client.campaigns`: the workspace's campaigns (list with filters)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Unpack

from instantly_api.api.campaign import list_campaign
from instantly_api.models.campaign import Campaign
from instantly_api.models.list_campaign_response_200 import ListCampaignResponse200

from .._pagination import AsyncPaginator, Page, SyncPaginator
from ._base import (
    AsyncResource,
    RequestOptions,
    SyncResource,
    check_options,
    comma_separated,
    cursor_of,
    given,
    given_int,
    page_size,
)

__all__ = ["AsyncCampaigns", "Campaigns"]


def _list_kwargs(
    cursor: str | None,
    *,
    limit: int | None,
    search: str | None,
    tag_ids: str | Sequence[str] | None,
    ai_sales_agent_id: str | None,
    status: int | None,
    exclude_status: int | None,
) -> dict[str, Any]:
    return list_campaign._get_kwargs(
        limit=page_size(limit),
        starting_after=given(cursor),
        search=given(search),
        tag_ids=comma_separated("tag_ids", tag_ids),
        ai_sales_agent_id=given(ai_sales_agent_id),
        status=given_int("status", status),
        exclude_status=given_int("exclude_status", exclude_status),
    )


def _page(response: ListCampaignResponse200) -> Page[Campaign]:
    return Page(response.items, cursor_of(response.next_starting_after))


class Campaigns(SyncResource):
    """Campaigns of the workspace."""

    def list(
        self,
        *,
        search: str | None = None,
        tag_ids: str | Sequence[str] | None = None,
        ai_sales_agent_id: str | None = None,
        status: int | None = None,
        exclude_status: int | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Campaign]:
        """Every matching campaign, fetched page by page as you iterate (`limit` per page)."""
        build = partial(
            _list_kwargs, limit=limit, search=search, tag_ids=tag_ids,
            ai_sales_agent_id=ai_sales_agent_id, status=status, exclude_status=exclude_status,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        def fetch(cursor: str | None) -> Page[Campaign]:
            kwargs = build(cursor)
            response = self._runner.call(
                kwargs, list_campaign._parse_response, ListCampaignResponse200, options
            )
            return _page(response)

        return SyncPaginator(fetch, starting_after=starting_after, what="campaigns")


class AsyncCampaigns(AsyncResource):
    """Campaigns of the workspace (async)."""

    def list(
        self,
        *,
        search: str | None = None,
        tag_ids: str | Sequence[str] | None = None,
        ai_sales_agent_id: str | None = None,
        status: int | None = None,
        exclude_status: int | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Campaign]:
        """Every matching campaign, fetched page by page as you `async for`."""
        build = partial(
            _list_kwargs, limit=limit, search=search, tag_ids=tag_ids,
            ai_sales_agent_id=ai_sales_agent_id, status=status, exclude_status=exclude_status,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        async def fetch(cursor: str | None) -> Page[Campaign]:
            kwargs = build(cursor)
            response = await self._runner.call(
                kwargs, list_campaign._parse_response, ListCampaignResponse200, options
            )
            return _page(response)

        return AsyncPaginator(fetch, starting_after=starting_after, what="campaigns")
