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
        self._handed_out: Page[Any] | None = None

    END: Any = object()

    def next_cursor(self) -> Any:
        """The cursor of the next page to fetch (None: the first), or `CursorState.END`.

        The page handed out last is taken in first (`advance`), so a repeated cursor raises
        after that page's items were seen, not before.
        """
        if self._handed_out is not None:
            page, self._handed_out = self._handed_out, None
            self.advance(page)
        return CursorState.END if self.done else self.next_starting_after

    def hand_out(self, page: Page[T]) -> Page[T]:
        """`page`, remembered to be taken in at the next `next_cursor()`."""
        self._handed_out = page
        return page

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


F = TypeVar("F")  # how a paginator fetches one page: sync or async


class _Paginator(Generic[T, F]):
    """What both paginators hold: how to fetch a page, where to start, what is listed."""

    def __init__(
        self, fetch_page: F, *, starting_after: str | None = None, what: str = "listing"
    ) -> None:
        self._fetch_page = fetch_page
        self._starting_after = starting_after
        self._what = what

    def _cursors(self) -> CursorState:
        """A fresh walk from the first page: each iteration starts again."""
        return CursorState(self._starting_after, what=self._what)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {self._what}>"


class SyncPaginator(_Paginator[T, Callable[[str | None], Page[T]]]):
    """Iterates items across pages (`for item in ...`); `iter_pages()` gives the pages.

    Nothing is fetched until iteration starts; each new iteration starts again from the first page.
    """

    def iter_pages(self) -> Iterator[Page[T]]:
        """Each page in turn, fetched when needed."""
        state = self._cursors()
        while (cursor := state.next_cursor()) is not CursorState.END:
            yield state.hand_out(self._fetch_page(cursor))

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPaginator(_Paginator[T, Callable[[str | None], Awaitable[Page[T]]]]):
    """Iterates items across pages (`async for item in ...`); `iter_pages()` gives the pages."""

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, fetched when needed."""
        state = self._cursors()
        while (cursor := state.next_cursor()) is not CursorState.END:
            yield state.hand_out(await self._fetch_page(cursor))

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
