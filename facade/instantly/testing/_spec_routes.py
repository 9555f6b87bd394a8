"""Every operation of the pin as the fake serves it: its route, request schema, response schema.

Read from the generated package, nothing copied: the resource layer's `Operation` data
(`instantly_api.resources`: method, path, request schema, paging, job) and the response table
regeneration writes beside it (`instantly_api/_fake_schemas.json`). Each operation gets a
role from its path alone, so a new operation of the spec is served without code:

- `create`: `POST /x` where the spec has `/x/{key}`; `list`/`get`/`patch`/`delete`: GET `/x`,
  GET/PATCH|PUT/DELETE `/x/{key}` (the collection is `/x`, each record keyed by `key`);
- `read`/`write`: GET/PATCH|PUT on a path with no key below it (`/workspaces/current`);
- `action`: anything else (`POST /x/{key}/pause`, `POST /emails/test`).
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._operation import Operation

__all__ = ["SpecRoute", "by_id", "component", "handler_name", "item_route", "match", "routes"]

_PARAM: Final = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True, slots=True)
class SpecRoute:
    """One operation as the fake serves it (see the module docstring for `role`)."""

    operation: Operation
    role: str
    collection: str | None  # the collection's path template (`/api/v2/campaigns`), if any
    key: str | None  # the path parameter that names a record of it (`id`, `email`)
    owner: str | None  # the item path an action or read acts on (`/api/v2/campaigns/{id}`)
    status: int  # the 2xx the spec documents
    media: str | None  # its media type (None: no body)
    schema: Mapping[str, Any] | None  # its JSON schema (refs name `component`s)
    closed_body: bool  # the body may hold only the properties its schema names

    @property
    def id(self) -> str:
        """The operationId."""
        return self.operation.id


def _operations() -> list[Operation]:
    from instantly_api.resources import OPERATION_MODULES

    found: list[Operation] = []
    for operation_id, module in OPERATION_MODULES.items():
        found.append(importlib.import_module(module).OPERATIONS[operation_id])
    return found


@functools.cache
def _table() -> dict[str, Any]:
    text = resources.files("instantly_api").joinpath("_fake_schemas.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def component(name: str) -> Mapping[str, Any]:
    """A component schema of the response table, by name."""
    found: Mapping[str, Any] = _table()["components"][name]
    return found


def _role(method: str, path: str, item_paths: set[str]) -> tuple[str, str | None, str | None]:
    """(role, collection template, key parameter) of `method path`."""
    head, _, last = path.rpartition("/")
    param = _PARAM.match(last)
    if param is not None and path in item_paths:
        role = {"GET": "get", "PATCH": "patch", "PUT": "patch", "DELETE": "delete"}.get(method)
        if role is not None:
            return role, head, param.group(1)
    children = [p for p in item_paths if p.rpartition("/")[0] == path]
    if children:
        key = _PARAM.match(children[0].rpartition("/")[2])
        assert key is not None
        if method == "POST":
            return "create", path, key.group(1)
        if method == "GET":
            return "list", path, key.group(1)
    if method == "GET":
        return "read", None, None
    if method in ("PATCH", "PUT") and param is None:
        return "write", None, None
    return "action", None, None


@functools.cache
def routes() -> tuple[SpecRoute, ...]:
    """Every operation's route, static paths before templated ones (as Fastify prefers them)."""
    operations = _operations()
    item_paths = {
        op.path
        for op in operations
        if op.method in ("GET", "PATCH", "PUT", "DELETE") and _PARAM.match(op.path.split("/")[-1])
    }
    responses = _table()["operations"]
    found = []
    for op in operations:
        role, collection, key = _role(op.method, op.path, item_paths)
        owner = None
        if role in ("action", "read", "write"):
            parts = op.path.split("/")
            prefixes = ("/".join(parts[:n]) for n in range(len(parts) - 1, 0, -1))
            owner = next((p for p in prefixes if p in item_paths), None)
        found.append(SpecRoute(op, role, collection, key, owner, **responses[op.id]))
    found.sort(key=lambda r: [("{" in s, s) for s in r.operation.path.split("/")])
    return tuple(found)


@functools.cache
def by_id() -> dict[str, SpecRoute]:
    """Every operation's route by operationId."""
    return {route.id: route for route in routes()}


@functools.cache
def handler_name(operation_id: str) -> str:
    """The name of the method that answers an operation by hand: `activateCampaign` ->
    `_route_activate_campaign`."""
    return "_route_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation_id).lower()


@functools.cache
def item_route(collection: str) -> SpecRoute | None:
    """The `get` route of a collection's records (what a record reads back as), if any."""
    return next((r for r in routes() if r.role == "get" and r.collection == collection), None)


@functools.cache
def _index() -> dict[tuple[str, int], list[tuple[SpecRoute, re.Pattern[str]]]]:
    index: dict[tuple[str, int], list[tuple[SpecRoute, re.Pattern[str]]]] = {}
    for route in routes():
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.operation.path))
        key = (route.operation.method, route.operation.path.count("/"))
        index.setdefault(key, []).append((route, re.compile(pattern)))
    return index


def match(method: str, path: str) -> tuple[SpecRoute, dict[str, str]] | None:
    """The route of `method path` and its path parameters (still percent-encoded), or None."""
    lookup = "GET" if method == "HEAD" else method
    for route, pattern in _index().get((lookup, path.count("/")), ()):
        if found := pattern.fullmatch(path):
            return route, found.groupdict()
    return None
