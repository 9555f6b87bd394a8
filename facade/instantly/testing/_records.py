"""What the fake's stores share: a refusal, ids that sort by creation, pages, field selection.

A store (campaigns, leads, emails, webhooks, verification) answers the operations whose
behaviour goes beyond the spec (its `handlers()`); `Call` carries what the fake already parsed
and checked (path parameters, query, body) and the moment of the request.
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ._wire import FakeResponse, json_response

__all__ = [
    "Call",
    "IdMaker",
    "Rejected",
    "copy_json",
    "csv_values",
    "cursor_page",
    "emitted",
    "page_response",
    "unsupported",
]

_T = TypeVar("_T")


class Rejected(Exception):
    """The API refuses the request: `status` and Fastify-style `message`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Call:
    """One checked request as a store sees it."""

    params: Mapping[str, str]
    query: Mapping[str, Any]
    body: Any
    now: float
    stamp: str


class IdMaker:
    """uuid-looking ids (version 7 layout) that sort in creation order, one counter per kind."""

    def __init__(self, kind: int) -> None:
        if not 0 <= kind < 0x1000:
            raise ValueError(f"kind must fit in 12 bits, got {kind}")
        self._kind = kind
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        number = next(self._counter)
        text = f"019cc043af5470e{self._kind:03x}{number:014x}"
        text = text[:12] + "7" + text[13:16] + "a" + text[17:]
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"


def copy_json(value: _T) -> _T:
    """A deep copy through JSON (what a response would carry)."""
    copied: _T = json.loads(json.dumps(value))
    return copied


def emitted(data: Mapping[str, Any], schema: str) -> dict[str, Any]:
    """The keys of `data` the spec's component `schema` names (`Campaign`), copied."""
    from ._spec_routes import component

    allowed = component(schema)["properties"]
    return {k: copy_json(v) for k, v in data.items() if k in allowed}


def unsupported(
    query: Mapping[str, Any], names: Iterable[str], route: str, part: str = "querystring"
) -> None:
    """Refuse query or body fields the spec has but the fake does not implement (no silent lie)."""
    used = sorted(f"{part}/{n}" for n in names if n in query)
    if used:
        raise Rejected(
            f"{', '.join(used)} is not supported by instantly.testing.FakeInstantly on {route}"
        )


def csv_values(value: str | list[str] | None) -> frozenset[str]:
    """A query list: repeated (`ids=a&ids=b`, the spec's form style) or comma-joined."""
    parts = value if isinstance(value, list) else [value] if value else []
    return frozenset(p.strip() for part in parts for p in str(part).split(",") if p.strip())


def cursor_page(
    keys: Sequence[str],
    *,
    starting_after: str | None,
    limit: int,
    include: Callable[[str], bool] | None = None,
    skip: int = 0,
) -> tuple[list[str], str | None]:
    """The keys of one page of sorted `keys` and the next cursor (None when empty). The cursor is
    the page's last key, so a page after an item removed since continues where it sorted."""
    start = 0 if starting_after is None else bisect_right(keys, starting_after)
    page: list[str] = []
    for key in itertools.islice(keys, start, None):
        if include is not None and not include(key):
            continue
        if skip:
            skip -= 1
            continue
        page.append(key)
        if len(page) == limit:
            break
    return page, (page[-1] if page else None)


def page_response(
    items: Iterable[Mapping[str, Any]],
    cursor: str | None,
    render: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
) -> FakeResponse:
    """A cursor page as Instantly sends it: `{"items", "next_starting_after"}` (items as they
    are, or through `render`: sent at once, so they are not copied)."""
    page: dict[str, Any] = {"items": [render(i) for i in items] if render else list(items)}
    if cursor is not None:
        page["next_starting_after"] = cursor
    return json_response(page)
