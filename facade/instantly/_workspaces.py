"""Many workspaces from one agency key: bound clients, their budgets, the fan-out over them.

Instantly lets an agency key act in a sub-workspace with the `x-as-workspace: <workspace id>`
header (not in the spec; Instantly's starter kit sends it) and lists the sub-workspaces with
`GET /api/v2/workspace-group-members`. `client.for_workspace(id)` sends the header on every
request through the parent's connection pool; each workspace has its own rate budget (the limit
is per workspace): an in-process limiter per workspace, or the shared limiter keyed by it.
`for_each_workspace` runs one function over every sub-workspace with bounded concurrency and
returns one `WorkspaceResult` per workspace: its value or its typed error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Generic, TypeVar

import httpx

from ._errors import ClientClosedError, InstantlyError, InvalidInputError
from ._rate_limiter import RateLimiter

if TYPE_CHECKING:
    from ._client import AsyncInstantly, Instantly

__all__ = [
    "WORKSPACE_HEADER",
    "AsyncBorrowedTransport",
    "BorrowedTransport",
    "WorkspaceCallError",
    "WorkspaceResult",
    "check_workspace_id",
    "for_each_workspace",
    "for_each_workspace_async",
    "workspace_limiter",
]

WORKSPACE_HEADER: Final = "x-as-workspace"
_MAX_ID_LENGTH: Final = 200
DEFAULT_CONCURRENCY: Final = 4

T = TypeVar("T")


def check_workspace_id(workspace_id: object) -> str:
    """`workspace_id` if it can be a header value; InvalidInputError naming the problem if not."""
    if not isinstance(workspace_id, str):
        raise InvalidInputError(f"workspace_id must be a str, got {type(workspace_id).__name__}")
    if not workspace_id or len(workspace_id) > _MAX_ID_LENGTH:
        raise InvalidInputError(
            f"workspace_id must be 1 to {_MAX_ID_LENGTH} characters, got {len(workspace_id)}"
        )
    if not workspace_id.isascii() or not workspace_id.isprintable() or " " in workspace_id:
        raise InvalidInputError(
            f"workspace_id must be printable ASCII without spaces (a workspace's id), "
            f"got {workspace_id!r}"
        )
    return workspace_id


def workspace_limiter(
    limiter: RateLimiter | None, workspace_id: str, cache: dict[str, RateLimiter]
) -> RateLimiter | None:
    """The limiter of `workspace_id`'s budget: made once per workspace, like the parent's."""
    if limiter is None:
        return None
    found = cache.get(workspace_id)
    if found is None:
        from ._shared_limiter import SharedRateLimiter

        if isinstance(limiter, SharedRateLimiter):
            found = limiter.keyed(workspace_id)
        else:
            found = RateLimiter(limiter.limit, routes=limiter._given_routes)
        found = cache.setdefault(workspace_id, found)
    return found


class BorrowedTransport(httpx.BaseTransport):
    """The parent client's transport, lent to a workspace client: closing it leaves it open."""

    def __init__(self, inner: httpx.BaseTransport, owner: httpx.Client) -> None:
        self._inner = inner
        self._owner = owner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner.is_closed:
            raise ClientClosedError()
        return self._inner.handle_request(request)

    def close(self) -> None:
        """The parent closes the pool."""


class AsyncBorrowedTransport(httpx.AsyncBaseTransport):
    """`BorrowedTransport` for the async client."""

    def __init__(self, inner: httpx.AsyncBaseTransport, owner: httpx.AsyncClient) -> None:
        self._inner = inner
        self._owner = owner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner.is_closed:
            raise ClientClosedError()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """The parent closes the pool."""


class WorkspaceCallError(InstantlyError):
    """The function run for one workspace raised an exception that is not an InstantlyError.

    `workspace_id` names the workspace; `error_type` and the message say what was raised (the
    exception itself is not kept: it may not pickle).
    """

    def __init__(self, message: str, *, workspace_id: str, error_type: str) -> None:
        self.workspace_id = workspace_id
        self.error_type = error_type
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class WorkspaceResult(Generic[T]):
    """What one workspace's run gave: `value`, or `error` (typed) when it failed."""

    workspace_id: str
    name: str | None
    value: T | None = None
    error: InstantlyError | None = None

    @property
    def ok(self) -> bool:
        """Whether the function returned for this workspace."""
        return self.error is None


def _check_concurrency(concurrency: object) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidInputError(f"concurrency must be an int >= 1, got {concurrency!r}")
    return concurrency


def _failed(workspace_id: str, name: str | None, exc: Exception) -> WorkspaceResult[T]:
    if isinstance(exc, InstantlyError):
        return WorkspaceResult(workspace_id, name, error=exc)
    error = WorkspaceCallError(
        f"the function run for workspace {workspace_id} raised {type(exc).__name__}: {exc}",
        workspace_id=workspace_id,
        error_type=type(exc).__name__,
    )
    return WorkspaceResult(workspace_id, name, error=error)


def _members(pages: Iterable[object]) -> list[tuple[str, str | None]]:
    """(id, name) of every accepted sub-workspace, in the order listed, each once."""
    seen: dict[str, str | None] = {}
    for member in pages:
        if getattr(member, "status", None) != "accepted":
            continue
        workspace_id = str(member.sub_workspace_id)  # type: ignore[attr-defined]
        name = getattr(member, "sub_workspace_name", None)
        seen.setdefault(workspace_id, name if isinstance(name, str) else None)
    return list(seen.items())


def for_each_workspace(
    client: Instantly, fn: Callable[[Instantly], T], *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[WorkspaceResult[T]]:
    """Run `fn(workspace_client)` for every accepted sub-workspace, `concurrency` at a time.

    The workspace client is closed when `fn` returns (the parent's pool stays open).
    """
    limit = _check_concurrency(concurrency)
    members = _members(client.workspace_group_members.list(limit=100))

    def run(member: tuple[str, str | None]) -> WorkspaceResult[T]:
        workspace_id, name = member
        try:
            with client.for_workspace(workspace_id) as bound:
                return WorkspaceResult(workspace_id, name, value=fn(bound))
        except Exception as exc:  # every failure is reported for its workspace
            return _failed(workspace_id, name, exc)

    if not members:
        return []
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(limit, len(members))) as pool:
        return list(pool.map(run, members))


async def for_each_workspace_async(
    client: AsyncInstantly,
    fn: Callable[[AsyncInstantly], Awaitable[T]],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[WorkspaceResult[T]]:
    """`for_each_workspace` for the async client: `await fn(workspace_client)` per workspace."""
    import asyncio

    limit = _check_concurrency(concurrency)
    members = _members([m async for m in client.workspace_group_members.list(limit=100)])
    gate = asyncio.Semaphore(limit)

    async def run(member: tuple[str, str | None]) -> WorkspaceResult[T]:
        workspace_id, name = member
        async with gate:
            try:
                async with client.for_workspace(workspace_id) as bound:
                    value = await fn(bound)
            except Exception as exc:  # every failure is reported for its workspace
                return _failed(workspace_id, name, exc)
            return WorkspaceResult(workspace_id, name, value=value)

    return list(await asyncio.gather(*(run(m) for m in members)))
