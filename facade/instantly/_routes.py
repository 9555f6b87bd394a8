"""Which operation of the spec a request is, from the generated route tables.

The transport sees raw httpx requests (from the resources, the generated functions and plain
`client.http_client` calls alike), so it finds the operation by method and path: for the
reviewed retry safety of each operation (`instantly_api.resources._routes`) and for the limits
Instantly states per operation (`instantly_api._endpoint_limits`). Tables compile on first use.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["endpoint_limits", "is_repeatable", "limited_route_of"]


def _pattern(regex: str) -> re.Pattern[str]:
    """A route regex matched at the end of a path (a base URL may add a prefix)."""
    return re.compile(rf"(?:/.*)?{regex}")


def _template_regex(template: str) -> str:
    parts = ["[^/]+" if p.startswith("{") else re.escape(p) for p in template.split("/")]
    return "/".join(parts)


@functools.cache
def _retry_table() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    from instantly_api.resources._routes import ROUTES

    return tuple((method, _pattern(regex), repeatable) for method, regex, _, repeatable in ROUTES)


def is_repeatable(method: str, path: str) -> bool | None:
    """The reviewed retry safety of the operation at `method path`; None if no operation matches."""
    for route_method, pattern, repeatable in _retry_table():
        if route_method == method and pattern.fullmatch(path):
            return repeatable
    return None


def endpoint_limits() -> dict[str, tuple[tuple[int, float], ...]]:
    """The per-operation limits the spec states, keyed `METHOD /path/template`."""
    from instantly_api._endpoint_limits import ENDPOINT_LIMITS

    return dict(ENDPOINT_LIMITS)


@functools.cache
def _limited_table() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    rows = []
    for key in endpoint_limits():
        method, _, template = key.partition(" ")
        rows.append((method, _pattern(_template_regex(template)), key))
    # Literal segments before placeholders: /emails/test must not be taken for /emails/{id}.
    rows.sort(key=lambda row: (row[1].pattern.count("[^/]+"), -len(row[1].pattern)))
    return tuple(rows)


def limited_route_of(request: httpx.Request) -> str | None:
    """The key of the per-operation limit that applies to `request`, if any."""
    method, path = request.method, request.url.path
    for route_method, pattern, key in _limited_table():
        if route_method == method and pattern.fullmatch(path):
            return key
    return None
