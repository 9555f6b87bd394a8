"""What the fake's stores share: a refusal, ids that sort by creation, pages, field selection.

A store (campaigns, leads, emails, webhooks, verification) answers the operations whose
behaviour goes beyond the spec (its `_route_<operation>` methods, each returning a JSON value
or a `FakeResponse`); `Call` carries what the fake already parsed and checked (path
parameters, query, body) and the moment of the request.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

__all__ = [
    "EMAIL_SHAPE",
    "Call",
    "IdMaker",
    "Rejected",
    "copy_json",
    "csv_values",
    "cursor_page",
    "emitted",
    "page",
    "unsupported",
]

_T = TypeVar("_T")

EMAIL_SHAPE: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # what the fake takes for an address


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
    descending: bool = False,
) -> tuple[list[str], str | None]:
    """The keys of one page and the next cursor (None when the page is empty). The cursor is the
    page's last key; one whose item was removed since continues where it sorted (after the
    first key past it, in ascending order unless `descending`)."""
    start = 0
    if starting_after in keys:
        start = keys.index(starting_after) + 1
    elif starting_after is not None:
        after = starting_after
        start = next((i for i, k in enumerate(keys) if (k < after) == descending), len(keys))
    found = filter(include, itertools.islice(keys, start, None))
    page = list(itertools.islice(found, skip, skip + limit))
    return page, (page[-1] if page else None)


def page(
    items: Iterable[Mapping[str, Any]],
    cursor: str | None,
    render: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A cursor page as Instantly sends it: `{"items", "next_starting_after"}` (items as they
    are, or through `render`: sent at once, so they are not copied)."""
    found: dict[str, Any] = {"items": [render(i) for i in items] if render else list(items)}
    return found if cursor is None else {**found, "next_starting_after": cursor}
