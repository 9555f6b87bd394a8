"""The spec's own read/write markers: `readOnly` stays out of requests, `writeOnly` out of replies.

OpenAPI says a `readOnly` property is sent by the server only (an `id`, `timestamp_created`) and a
`writeOnly` one by the client only (a password). A component used both ways often marks its
read-only properties `required` too, which the generator would otherwise turn into a required
argument of every request that sends the component, and a value that is then sent. Requests get
a request-side view of such a component (`Campaign` -> `CampaignRequest`, read-only properties
dropped, their names kept in `x-read-only` so the facade refuses them if sent anyway); replies
never require a write-only property.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Final

from ._naming import pascal_case
from ._walk import HTTP_METHODS, JSONDict, _subschemas, iter_schemas

__all__ = ["components_requests_use", "honour_read_write_markers", "request_body_schemas"]

_REF: Final = "#/components/schemas/"
_VIEW_SUFFIXES: Final = ("Request", "RequestBody", "WriteRequest")


def request_body_schemas(spec: JSONDict) -> Iterator[JSONDict]:
    """The schema of every request body (operations' and `components/requestBodies`)."""
    bodies: list[Any] = list(spec.get("components", {}).get("requestBodies", {}).values())
    for item in spec.get("paths", {}).values():
        if isinstance(item, dict):
            bodies += [
                item[m].get("requestBody") for m in HTTP_METHODS if isinstance(item.get(m), dict)
            ]
    for body in bodies:
        if isinstance(body, dict):
            for media in body.get("content", {}).values():
                if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                    yield media["schema"]


def components_requests_use(spec: JSONDict) -> set[str]:
    """Names of the components a request body refers to, directly or through other components."""
    components = spec.get("components", {}).get("schemas", {})
    used: set[str] = set()
    stack = list(request_body_schemas(spec))
    while stack:
        schema = stack.pop()
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            name = ref.removeprefix(_REF)
            if name not in used and isinstance(components.get(name), dict):
                used.add(name)
                stack.append(components[name])
            continue
        stack.extend(_subschemas(schema))
    return used


def _marked(properties: Any, marker: str) -> list[str]:
    if not isinstance(properties, dict):
        return []
    return [k for k, v in properties.items() if isinstance(v, dict) and v.get(marker) is True]


def _drop_from_required(schema: JSONDict, names: list[str]) -> int:
    required = schema.get("required")
    if not names or not isinstance(required, list):
        return 0
    kept = [name for name in required if name not in names]
    dropped = len(required) - len(kept)
    if kept:
        schema["required"] = kept
    else:
        del schema["required"]
    return dropped


class _RequestSide:
    """Rewrites request-body schemas in place, making request views of components on demand."""

    def __init__(self, spec: JSONDict) -> None:
        self.components: JSONDict = spec.get("components", {}).get("schemas", {})
        self.views: dict[str, str] = {}
        self.schema_ids: set[int] = set()  # every schema now on the request side
        self._differs: dict[str, bool] = {}
        self.fired = 0

    def _component_differs(self, name: str) -> bool:
        """Whether `name`, or a component it reaches, has a readOnly or required writeOnly one."""
        if name not in self._differs:
            self._differs[name] = False  # a cycle back here adds nothing
            schema = self.components.get(name)
            self._differs[name] = isinstance(schema, dict) and self._subtree_differs(schema)
        return self._differs[name]

    def _subtree_differs(self, root: JSONDict) -> bool:
        stack = [root]
        while stack:
            schema = stack.pop()
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF):
                if self._component_differs(ref.removeprefix(_REF)):
                    return True
                continue
            properties = schema.get("properties")
            if _marked(properties, "readOnly"):
                return True
            if set(_marked(properties, "writeOnly")) & set(schema.get("required", []) or []):
                return True
            stack.extend(_subschemas(schema))
        return False

    def _view_name(self, name: str) -> str:
        titles = {pascal_case(str(s.get("title"))) for s in self.components.values() if s}
        for suffix in _VIEW_SUFFIXES:
            candidate = f"{name}{suffix}"
            if candidate not in self.components and candidate not in titles:
                return candidate
        number = 2
        while f"{name}Request{number}" in self.components:
            number += 1
        return f"{name}Request{number}"

    def view_of(self, name: str) -> str:
        """The request-side component for `name` (made once, its own references rewritten)."""
        if name not in self.views:
            view_name = self._view_name(name)
            self.views[name] = view_name
            view = copy.deepcopy(self.components[name])
            view["title"] = view_name
            self.components[view_name] = view
            self.fired += 1
            self.rewrite(view)
        return self.views[name]

    def rewrite(self, root: JSONDict) -> None:
        """Drop readOnly properties under `root`; point references at request views."""
        stack = [root]
        while stack:
            schema = stack.pop()
            self.schema_ids.add(id(schema))
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF):
                name = ref.removeprefix(_REF)
                if name in self.components and self._component_differs(name):
                    schema["$ref"] = _REF + self.view_of(name)
                continue
            read_only = _marked(schema.get("properties"), "readOnly")
            for key in read_only:
                del schema["properties"][key]
            if read_only:  # kept by name, so a request that sends one anyway is refused
                schema["x-read-only"] = sorted({*schema.get("x-read-only", []), *read_only})
            self.fired += len(read_only)
            _drop_from_required(schema, read_only)
            stack.extend(_subschemas(schema))


def honour_read_write_markers(spec: JSONDict, notes: list[str]) -> int:
    """Requests never require nor send `readOnly` properties; responses never require `writeOnly`.

    A request body referring to a component with either gets a request-side view of it.
    """
    del notes
    request = _RequestSide(spec)
    for body in list(request_body_schemas(spec)):
        request.rewrite(body)
    fired = request.fired
    for schema in iter_schemas(spec):
        if id(schema) not in request.schema_ids:
            fired += _drop_from_required(schema, _marked(schema.get("properties"), "writeOnly"))
    return fired
