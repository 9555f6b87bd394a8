"""Cursor paging: an empty page or no cursor ends it; a repeated cursor raises, never loops."""

from __future__ import annotations

import pytest
from instantly import UnexpectedStateError
from instantly._pagination import AsyncPaginator, Page, SyncPaginator


class Pages:
    """A page-fetch callable serving canned pages by cursor; records the cursors asked for."""

    def __init__(self, pages: dict[str | None, Page[int]]) -> None:
        self.pages = pages
        self.asked: list[str | None] = []

    def __call__(self, cursor: str | None) -> Page[int]:
        self.asked.append(cursor)
        return self.pages[cursor]

    async def fetch_async(self, cursor: str | None) -> Page[int]:
        return self(cursor)


THREE_PAGES = {
    None: Page([1, 2], "c1"),
    "c1": Page([3, 4], "c2"),
    "c2": Page([5], None),
}


def test_iterating_yields_every_item_across_pages() -> None:
    assert list(SyncPaginator(Pages(THREE_PAGES))) == [1, 2, 3, 4, 5]


def test_each_page_is_asked_for_with_the_previous_cursor() -> None:
    pages = Pages(THREE_PAGES)
    list(SyncPaginator(pages))
    assert pages.asked == [None, "c1", "c2"]


def test_an_empty_page_ends_the_listing_even_with_a_cursor() -> None:
    pages = Pages({None: Page([1], "c1"), "c1": Page([], "c2")})
    assert list(SyncPaginator(pages)) == [1]
    assert pages.asked == [None, "c1"]


def test_an_empty_string_cursor_ends_the_listing() -> None:
    assert list(SyncPaginator(Pages({None: Page([1], "")}))) == [1]


def test_a_repeated_cursor_raises_instead_of_looping() -> None:
    pages = Pages({None: Page([1], "c1"), "c1": Page([2], "c2"), "c2": Page([3], "c1")})
    seen: list[int] = []
    with pytest.raises(UnexpectedStateError, match="'c1' a second time"):
        seen.extend(SyncPaginator(pages, what="accounts"))
    assert seen == [1, 2, 3]


def test_a_cursor_equal_to_starting_after_raises() -> None:
    pages = Pages({"c0": Page([1], "c0")})
    with pytest.raises(UnexpectedStateError):
        list(SyncPaginator(pages, starting_after="c0"))


def test_starting_after_resumes_from_that_cursor() -> None:
    assert list(SyncPaginator(Pages(THREE_PAGES), starting_after="c1")) == [3, 4, 5]


def test_iter_pages_gives_pages_with_their_cursor() -> None:
    pages = list(SyncPaginator(Pages(THREE_PAGES)).iter_pages())
    assert [(list(p.items), p.next_starting_after) for p in pages] == [
        ([1, 2], "c1"), ([3, 4], "c2"), ([5], None)
    ]  # fmt: skip


def test_nothing_is_fetched_until_iteration() -> None:
    pages = Pages(THREE_PAGES)
    SyncPaginator(pages)
    assert pages.asked == []


def test_stopping_early_fetches_no_further_page() -> None:
    pages = Pages(THREE_PAGES)
    for item in SyncPaginator(pages):
        if item == 2:
            break
    assert pages.asked == [None]


async def test_async_iteration_yields_every_item_across_pages() -> None:
    paginator = AsyncPaginator(Pages(THREE_PAGES).fetch_async)
    assert [item async for item in paginator] == [1, 2, 3, 4, 5]


async def test_async_iter_pages_gives_pages() -> None:
    paginator = AsyncPaginator(Pages(THREE_PAGES).fetch_async)
    assert [p.next_starting_after async for p in paginator.iter_pages()] == ["c1", "c2", None]


async def test_async_repeated_cursor_raises() -> None:
    pages = Pages({None: Page([1], "c1"), "c1": Page([2], "c1")})
    with pytest.raises(UnexpectedStateError):
        [item async for item in AsyncPaginator(pages.fetch_async)]
