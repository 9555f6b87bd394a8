"""Cursor paging over Instantly's list operations, for `for` and `async for`.

Instantly pages with `limit` + `starting_after`; each page carries `next_starting_after`. The last
page may still carry a cursor, so an empty page also ends the listing. A cursor the API already
gave would start a loop; it raises `UnexpectedStateError` instead. Those decisions live once in
`CursorState`; `SyncPaginator` and `AsyncPaginator` only fetch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._errors import UnexpectedStateError

__all__ = ["AsyncPaginator", "CursorState", "Page", "SyncPaginator"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing: its items and the cursor of the next page (None on the last)."""

    items: Sequence[T]
    next_starting_after: str | None


class CursorState:
    """Sans-I/O paging decisions: which cursor to ask for next, and when the listing is over."""

    def __init__(self, starting_after: str | None = None, *, what: str = "listing") -> None:
        self.next_starting_after = starting_after
        self.done = False
        self._what = what
        self._seen: set[str] = set() if starting_after is None else {starting_after}

    def advance(self, page: Page[Any]) -> None:
        """Take in a fetched page; raises UnexpectedStateError on a cursor seen before."""
        cursor = page.next_starting_after
        if not page.items or not cursor:
            self.done = True
            return
        if cursor in self._seen:
            self.done = True
            raise UnexpectedStateError(
                f"the API returned next_starting_after={cursor!r} a second time while paging "
                f"{self._what}; stopping here instead of looping over the same pages"
            )
        self._seen.add(cursor)
        self.next_starting_after = cursor


class SyncPaginator(Generic[T]):
    """Iterates items across pages (`for item in ...`); `iter_pages()` gives the pages.

    Nothing is fetched until iteration starts; each new iteration starts again from the first page.
    """

    def __init__(
        self,
        fetch_page: Callable[[str | None], Page[T]],
        *,
        starting_after: str | None = None,
        what: str = "listing",
    ) -> None:
        self._fetch_page = fetch_page
        self._starting_after = starting_after
        self._what = what

    def iter_pages(self) -> Iterator[Page[T]]:
        """Each page in turn, fetched when needed."""
        state = CursorState(self._starting_after, what=self._what)
        while not state.done:
            page = self._fetch_page(state.next_starting_after)
            yield page
            state.advance(page)

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def __repr__(self) -> str:
        return f"<SyncPaginator over {self._what}>"


class AsyncPaginator(Generic[T]):
    """Iterates items across pages (`async for item in ...`); `iter_pages()` gives the pages."""

    def __init__(
        self,
        fetch_page: Callable[[str | None], Awaitable[Page[T]]],
        *,
        starting_after: str | None = None,
        what: str = "listing",
    ) -> None:
        self._fetch_page = fetch_page
        self._starting_after = starting_after
        self._what = what

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, fetched when needed."""
        state = CursorState(self._starting_after, what=self._what)
        while not state.done:
            page = await self._fetch_page(state.next_starting_after)
            yield page
            state.advance(page)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"<AsyncPaginator over {self._what}>"
