"""`client.jobs`: background jobs (list with filters, get one by id).

Waiting for a job to finish is built on `get` by the job handles in `instantly._jobs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Unpack

from instantly_api.api.background_job import get_background_job, list_background_job
from instantly_api.models.background_job import BackgroundJob
from instantly_api.models.list_background_job_response_200 import ListBackgroundJobResponse200

from .._pagination import AsyncPaginator, Page, SyncPaginator
from ._base import (
    AsyncResource,
    RequestOptions,
    SyncResource,
    check_options,
    comma_separated,
    cursor_of,
    given,
    page_size,
    path_param,
)

__all__ = ["AsyncJobs", "Jobs"]


def _list_kwargs(
    cursor: str | None,
    *,
    limit: int | None,
    ids: str | Sequence[str] | None,
    included_ids: str | Sequence[str] | None,
    excluded_ids: str | Sequence[str] | None,
    type: str | None,
    entity_type: str | None,
    entity_id: str | None,
    status: str | None,
    sort_column: str | None,
    sort_order: str | None,
) -> dict[str, Any]:
    return list_background_job._get_kwargs(
        limit=page_size(limit),
        starting_after=given(cursor),
        ids=comma_separated("ids", ids),
        included_ids=comma_separated("included_ids", included_ids),
        excluded_ids=comma_separated("excluded_ids", excluded_ids),
        type_=given(type),
        entity_type=given(entity_type),
        entity_id=given(entity_id),
        status=given(status),
        sort_column=given(sort_column),
        sort_order=given(sort_order),
    )


def _get_kwargs(job_id: str, data_fields: str | Sequence[str] | None) -> dict[str, Any]:
    return get_background_job._get_kwargs(
        id=path_param("job_id", job_id),
        data_fields=comma_separated("data_fields", data_fields),
    )


def _page(response: ListBackgroundJobResponse200) -> Page[BackgroundJob]:
    return Page(response.items, cursor_of(response.next_starting_after))


class Jobs(SyncResource):
    """Background jobs of the workspace (warmup enable/disable, imports, ...)."""

    def list(
        self,
        *,
        ids: str | Sequence[str] | None = None,
        included_ids: str | Sequence[str] | None = None,
        excluded_ids: str | Sequence[str] | None = None,
        type: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        status: str | None = None,
        sort_column: str | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[BackgroundJob]:
        """Every matching job, fetched page by page as you iterate (`limit` per page)."""
        build = partial(
            _list_kwargs, limit=limit, ids=ids, included_ids=included_ids,
            excluded_ids=excluded_ids, type=type, entity_type=entity_type, entity_id=entity_id,
            status=status, sort_column=sort_column, sort_order=sort_order,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        def fetch(cursor: str | None) -> Page[BackgroundJob]:
            response = self._runner.call(
                build(cursor),
                list_background_job._parse_response,
                ListBackgroundJobResponse200,
                options,
            )
            return _page(response)

        return SyncPaginator(fetch, starting_after=starting_after, what="background jobs")

    def get(
        self,
        job_id: str,
        *,
        data_fields: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BackgroundJob:
        """The job with this id, in its current state (NotFoundError if there is none)."""
        kwargs = _get_kwargs(job_id, data_fields)
        return self._runner.call(kwargs, get_background_job._parse_response, BackgroundJob, options)


class AsyncJobs(AsyncResource):
    """Background jobs of the workspace (async)."""

    def list(
        self,
        *,
        ids: str | Sequence[str] | None = None,
        included_ids: str | Sequence[str] | None = None,
        excluded_ids: str | Sequence[str] | None = None,
        type: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        status: str | None = None,
        sort_column: str | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[BackgroundJob]:
        """Every matching job, fetched page by page as you `async for`."""
        build = partial(
            _list_kwargs, limit=limit, ids=ids, included_ids=included_ids,
            excluded_ids=excluded_ids, type=type, entity_type=entity_type, entity_id=entity_id,
            status=status, sort_column=sort_column, sort_order=sort_order,
        )  # fmt: skip
        build(None)  # check the arguments now, not at the first iteration
        check_options(options)

        async def fetch(cursor: str | None) -> Page[BackgroundJob]:
            response = await self._runner.call(
                build(cursor),
                list_background_job._parse_response,
                ListBackgroundJobResponse200,
                options,
            )
            return _page(response)

        return AsyncPaginator(fetch, starting_after=starting_after, what="background jobs")

    async def get(
        self,
        job_id: str,
        *,
        data_fields: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BackgroundJob:
        """The job with this id, in its current state (NotFoundError if there is none)."""
        kwargs = _get_kwargs(job_id, data_fields)
        return await self._runner.call(
            kwargs, get_background_job._parse_response, BackgroundJob, options
        )
