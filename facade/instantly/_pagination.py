"""Cursor paging over Instantly's list operations, for `for` and `async for`.

Instantly pages with `limit` + `starting_after`; each page carries `next_starting_after`. The last
page may still carry a cursor, so an empty page also ends the listing. A cursor the API already
gave would start a loop; it raises `UnexpectedStateError` instead. Those decisions live once in
`CursorState`; `next_page` is the plan of one page (`_plans`), run by `run_sync`/`run_async` with
the runner's send; `SyncPaginator` and `AsyncPaginator` only adapt it to `for` and `async for`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

from ._errors import UnexpectedStateError
from ._plans import Plan, run_async, run_sync

__all__ = ["AsyncPaginator", "CursorState", "Page", "PageSource", "SyncPaginator", "next_page"]

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


class PageSource(Protocol[T]):
    """How a listing's pages are fetched: the effect asking for one, the page an answer is."""

    def call(self, cursor: str | None) -> Any:
        """The effect that fetches the page after `cursor` (None: the first page)."""
        ...

    def page(self, answer: Any, call: Any) -> Page[T]:
        """The page `answer` (the outcome of performing `call`) is."""
        ...


class _ByCursor:
    """The plain source: the effect is the cursor itself, and performing it gives the page."""

    @staticmethod
    def call(cursor: str | None) -> str | None:
        return cursor

    @staticmethod
    def page(answer: Page[Any], call: Any) -> Page[Any]:
        return answer


_BY_CURSOR: Final = _ByCursor()


def next_page(state: CursorState, source: PageSource[T]) -> Plan[Page[T] | None]:
    """The plan of one page: the next cursor (`CursorState`), the effect fetching it, the page its
    answer is; None once the listing is over."""
    cursor = state.next_cursor()
    if cursor is CursorState.END:
        return None
    call = source.call(cursor)
    return state.hand_out(source.page((yield call), call))


F = TypeVar("F")  # how a paginator performs a page's effect: sync or async


class _Paginator(Generic[T, F]):
    """What both paginators hold: how a page is asked for and fetched, where to start, what is
    listed. Without a `source`, `perform(cursor)` gives the page itself."""

    def __init__(
        self,
        perform: F,
        *,
        source: PageSource[T] = _BY_CURSOR,
        starting_after: str | None = None,
        what: str = "listing",
    ) -> None:
        self._perform = perform
        self._source = source
        self._starting_after = starting_after
        self._what = what

    def _cursors(self) -> CursorState:
        """A fresh walk from the first page: each iteration starts again."""
        return CursorState(self._starting_after, what=self._what)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {self._what}>"


class SyncPaginator(_Paginator[T, Callable[[Any], Any]]):
    """Iterates items across pages (`for item in ...`); `iter_pages()` gives the pages.

    Nothing is fetched until iteration starts; each new iteration starts again from the first page.
    """

    def iter_pages(self) -> Iterator[Page[T]]:
        """Each page in turn, fetched when needed (`next_page` run by `run_sync`)."""
        state = self._cursors()
        while (page := run_sync(next_page(state, self._source), self._perform)) is not None:
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPaginator(_Paginator[T, Callable[[Any], Awaitable[Any]]]):
    """Iterates items across pages (`async for item in ...`); `iter_pages()` gives the pages."""

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, fetched when needed (`next_page` run by `run_async`)."""
        state = self._cursors()
        while (page := await run_async(next_page(state, self._source), self._perform)) is not None:
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
