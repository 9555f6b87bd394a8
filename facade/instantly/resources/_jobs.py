"""`client.jobs`: background jobs (list with filters, get one by id, follow one to its end).

Waiting is done by the handles of `instantly._jobs`, fed with `get` as their fetch: every poll goes
through the client's transport (rate limit, retries), and the client's clock, sleep and jitter
source, so a test that injects them waits exactly and instantly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from .._aio import asyncio_sleep
from .._config import DEFAULT_WAIT_TIMEOUT
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
    page_size,
    path_param,
)

if TYPE_CHECKING:  # loaded on first use below: building the resource imports no generated code
    from instantly_api.models.background_job import BackgroundJob
    from instantly_api.models.list_background_job_response_200 import (
        ListBackgroundJobResponse200,
    )

    from .._jobs import AsyncJobHandle, JobHandle
    from .._pagination import AsyncPaginator, Page, SyncPaginator
    from .._polling import Clock, ProgressCallback, Rng

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
    from instantly_api.api.background_job import list_background_job

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
    from instantly_api.api.background_job import get_background_job

    return get_background_job._get_kwargs(
        id=path_param("job_id", job_id),
        data_fields=comma_separated("data_fields", data_fields),
    )


def _page(response: ListBackgroundJobResponse200) -> Page[BackgroundJob]:
    from .._pagination import Page

    return Page(response.items, cursor_of(response.next_starting_after))


class Jobs(SyncResource):
    """Background jobs of the workspace (warmup enable/disable, imports, ...).

    `clock`, `sleep` and `rng` (jitter) are those the handles wait with; the client passes its own.
    """

    def __init__(
        self,
        runner: SyncRunner,
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], object] | None = None,
        rng: Rng | None = None,
    ) -> None:
        super().__init__(runner)
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._rng = rng or random.random

    def handle(self, job_id: str, *, job: BackgroundJob | None = None) -> JobHandle[BackgroundJob]:
        """A handle on the job `job_id` (`job`: its state if known), to refresh or wait on.

        Nothing is sent here: a handle needs only the id, so one can be rebuilt in another process.
        """
        from .._jobs import JobHandle

        return JobHandle(
            job_id, fetch=self._fetch, job=job, clock=self._clock, sleep=self._sleep, rng=self._rng
        )

    def wait(
        self,
        job_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
    ) -> BackgroundJob:
        """Poll the job until it succeeds; its final state (see `JobHandle.wait` for the errors)."""
        handle = self.handle(job_id)
        return handle.wait(timeout=timeout, poll_interval=poll_interval, on_progress=on_progress)

    def _fetch(self, job_id: str) -> BackgroundJob:
        return self.get(job_id)

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
        from instantly_api.api.background_job import list_background_job
        from instantly_api.models.list_background_job_response_200 import (
            ListBackgroundJobResponse200,
        )

        def fetch(cursor: str | None) -> Page[BackgroundJob]:
            response = self._runner.call(
                build(cursor),
                list_background_job._parse_response,
                ListBackgroundJobResponse200,
                options,
            )
            return _page(response)

        from .._pagination import SyncPaginator

        return SyncPaginator(fetch, starting_after=starting_after, what="background jobs")

    def get(
        self,
        job_id: str,
        *,
        data_fields: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BackgroundJob:
        """The job with this id, in its current state (NotFoundError if there is none)."""
        from instantly_api.api.background_job import get_background_job
        from instantly_api.models.background_job import BackgroundJob

        kwargs = _get_kwargs(job_id, data_fields)
        return self._runner.call(kwargs, get_background_job._parse_response, BackgroundJob, options)


class AsyncJobs(AsyncResource):
    """Background jobs of the workspace (async; `sleep` is awaited, default `asyncio.sleep`)."""

    def __init__(
        self,
        runner: AsyncRunner,
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        rng: Rng | None = None,
    ) -> None:
        super().__init__(runner)
        self._clock = clock or time.monotonic
        self._sleep = sleep or asyncio_sleep
        self._rng = rng or random.random

    def handle(
        self, job_id: str, *, job: BackgroundJob | None = None
    ) -> AsyncJobHandle[BackgroundJob]:
        """A handle on the job `job_id` (`job`: its state if known); nothing is sent here."""
        from .._jobs import AsyncJobHandle

        return AsyncJobHandle(
            job_id, fetch=self._fetch, job=job, clock=self._clock, sleep=self._sleep, rng=self._rng
        )

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: ProgressCallback[BackgroundJob] | None = None,
    ) -> BackgroundJob:
        """Poll the job until it succeeds; its final state (see `JobHandle.wait` for the errors)."""
        handle = self.handle(job_id)
        return await handle.wait(
            timeout=timeout, poll_interval=poll_interval, on_progress=on_progress
        )

    async def _fetch(self, job_id: str) -> BackgroundJob:
        return await self.get(job_id)

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
        from instantly_api.api.background_job import list_background_job
        from instantly_api.models.list_background_job_response_200 import (
            ListBackgroundJobResponse200,
        )

        async def fetch(cursor: str | None) -> Page[BackgroundJob]:
            response = await self._runner.call(
                build(cursor),
                list_background_job._parse_response,
                ListBackgroundJobResponse200,
                options,
            )
            return _page(response)

        from .._pagination import AsyncPaginator

        return AsyncPaginator(fetch, starting_after=starting_after, what="background jobs")

    async def get(
        self,
        job_id: str,
        *,
        data_fields: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BackgroundJob:
        """The job with this id, in its current state (NotFoundError if there is none)."""
        from instantly_api.api.background_job import get_background_job
        from instantly_api.models.background_job import BackgroundJob

        kwargs = _get_kwargs(job_id, data_fields)
        return await self._runner.call(
            kwargs, get_background_job._parse_response, BackgroundJob, options
        )
