"""Cursor pages as Instantly serves them: `limit`, `starting_after` → `next_starting_after`.

The cursor is the sort key of a page's last item: opaque to clients, and stable when items are
added or removed between pages. Every non-empty page carries a cursor, the last one included,
so a listing ends only with an empty page, as Instantly's does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import islice

__all__ = ["cursor_page"]


def cursor_page(
    keys: Sequence[str],
    *,
    starting_after: str | None,
    limit: int,
    include: Callable[[str], bool] | None = None,
    skip: int = 0,
) -> tuple[list[str], str | None]:
    """The keys of one page (from sorted `keys`) and the cursor of the next (None when empty)."""
    start = 0 if starting_after is None else bisect_right(keys, starting_after)
    page: list[str] = []
    for key in islice(keys, start, None):
        if include is not None and not include(key):
            continue
        if skip:
            skip -= 1
            continue
        page.append(key)
        if len(page) == limit:
            break
    return page, (page[-1] if page else None)
