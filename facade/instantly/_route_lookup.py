"""Which operation of the spec a request that came without one is, from the route tables.

A resource call hands its `Operation` to the transport (`EXTENSION_OPERATION`); a request that
arrives without one (`client.raw`, plain `client.http_client` calls) is found by method and path:
for the reviewed retry safety of each operation (`instantly_api.resources._route_table`) and for
the limits Instantly states per operation (`instantly_api._endpoint_limits`). Tables compile on
first use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import httpx

__all__ = ["endpoint_limits", "is_repeatable", "limited_route_of"]

_V = TypeVar("_V")

# What a path template's `{name}` becomes in the route regexes: exactly one path segment.
_PLACEHOLDER = "[^/]+"


def _pattern(regex: str) -> re.Pattern[str]:
    """A route regex matched at the end of a path (a base URL may add a prefix)."""
    return re.compile(rf"(?:/.*)?{regex}")


def _template_regex(template: str) -> str:
    parts = [_PLACEHOLDER if p.startswith("{") else re.escape(p) for p in template.split("/")]
    return "/".join(parts)


def _literal_tail(regex: str) -> str | None:
    """The route's last path segment when it is literal (None for a placeholder)."""
    tail = regex.replace(_PLACEHOLDER, "\0").rsplit("/", 1)[-1]
    return None if "\0" in tail else re.sub(r"\\(.)", r"\1", tail)


class _RouteIndex(Generic[_V]):
    """Routes in their table's order, looked up by method and last path segment.

    A path is tried only against the routes of its method whose last segment is that literal,
    and those ending in a placeholder; the first in table order that matches wins, as in a scan
    of the whole table (a few regexes per request instead of up to every route's).
    """

    def __init__(self, rows: Iterable[tuple[str, str, _V]]) -> None:
        self._by_tail: dict[tuple[str, str | None], list[tuple[int, re.Pattern[str], _V]]] = {}
        for order, (method, regex, value) in enumerate(rows):
            bucket = self._by_tail.setdefault((method, _literal_tail(regex)), [])
            bucket.append((order, _pattern(regex), value))

    def find(self, method: str, path: str) -> tuple[bool, _V | None]:
        """(True, value) of the first route matching `method path`; (False, None) if none."""
        best: tuple[int, _V] | None = None
        tail = path.rsplit("/", 1)[-1]
        for key in ((method, tail), (method, None)):
            for order, pattern, value in self._by_tail.get(key, ()):
                if pattern.fullmatch(path):
                    if best is None or order < best[0]:
                        best = (order, value)
                    break
        return (False, None) if best is None else (True, best[1])


@functools.cache
def _retry_index() -> _RouteIndex[bool]:
    from instantly_api.resources._route_table import ROUTES

    return _RouteIndex((method, regex, repeatable) for method, regex, _, repeatable in ROUTES)


def is_repeatable(method: str, path: str) -> bool | None:
    """The reviewed retry safety of the operation at `method path`; None if no operation matches."""
    return _retry_index().find(method, path)[1]


def endpoint_limits() -> dict[str, tuple[tuple[int, float], ...]]:
    """The per-operation limits the spec states, keyed `METHOD /path/template`."""
    from instantly_api._endpoint_limits import ENDPOINT_LIMITS

    return dict(ENDPOINT_LIMITS)


@functools.cache
def _limited_index() -> _RouteIndex[str]:
    rows = []
    for key in endpoint_limits():
        method, _, template = key.partition(" ")
        rows.append((method, _template_regex(template), key))
    # Literal segments before placeholders: /emails/test must not be taken for /emails/{id}.
    rows.sort(key=lambda row: (row[1].count(_PLACEHOLDER), -len(row[1])))
    return _RouteIndex(rows)


def limited_route_of(request: httpx.Request) -> str | None:
    """The key of the per-operation limit that applies to `request`, if any."""
    path = request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
    return _limited_index().find(request.method, path)[1]
