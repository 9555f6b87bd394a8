"""Rule: hoist identical inline error bodies into shared components (one model, not hundreds)."""

from __future__ import annotations

import json
from collections import defaultdict
from http import HTTPStatus
from typing import Any

from ._naming import SCHEMA_REF_PREFIX, pascal_case, unique_name
from ._walk import JSONDict, iter_operations

__all__ = ["hoist_shared_error_bodies", "shape_key"]

# Keywords that document a schema without changing what it accepts.
_DOC_KEYWORDS = frozenset({"description", "example", "examples", "title", "x-enumDescriptions"})


def _strip_docs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_docs(v) for k, v in node.items() if k not in _DOC_KEYWORDS}
    if isinstance(node, list):
        return [_strip_docs(v) for v in node]
    return node


def shape_key(schema: JSONDict) -> str:
    """Canonical JSON of a schema without its documentation: equal keys, same accepted values."""
    return json.dumps(_strip_docs(schema), sort_keys=True, separators=(",", ":"))


def _is_error_status(status: str) -> bool:
    return status.isdigit() and int(status) >= 400


def _wanted_name(schema: JSONDict, statuses: list[int]) -> str:
    """`TooManyRequestsErrorBody` from a single-valued `error` enum, else from the HTTP status."""
    error = schema.get("properties", {}).get("error", {})
    values = error.get("enum") if isinstance(error, dict) else None
    single = values[0] if isinstance(values, list) and len(values) == 1 else None
    if isinstance(single, str) and (stem := pascal_case(single)):
        return f"{stem}ErrorBody"
    status = min(statuses)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Status{status}"
    return f"{pascal_case(phrase)}ErrorBody"


def hoist_shared_error_bodies(spec: JSONDict, notes: list[str]) -> int:
    """Move inline error-response schemas (status >= 400) that occur more than once to components.

    Instantly repeats the same 401/402/404/429 body inline in every operation; the generator would
    write one model per operation and status (3,000+ modules). Schemas are grouped by shape (their
    canonical JSON without documentation keywords); each group used twice or more becomes one
    component, named from its `error` value (`Too Many Requests` -> `TooManyRequestsErrorBody`) or
    else its status phrase, and every occurrence becomes a `$ref`. Bodies used once stay inline.
    """
    groups: dict[str, list[tuple[int, JSONDict]]] = defaultdict(list)
    for _path, _method, operation in iter_operations(spec):
        for status, response in operation.get("responses", {}).items():
            if not (_is_error_status(status) and isinstance(response, dict)):
                continue
            for media in response.get("content", {}).values():
                schema = media.get("schema") if isinstance(media, dict) else None
                if isinstance(schema, dict) and "$ref" not in schema:
                    groups[shape_key(schema)].append((int(status), media))
    shared = [(key, users) for key, users in groups.items() if len(users) > 1]
    if not shared:
        return 0
    schemas: JSONDict = spec.setdefault("components", {}).setdefault("schemas", {})
    taken = set(schemas)
    # Most used first, then by shape, so names do not depend on operation order.
    shared.sort(key=lambda item: (min(s for s, _ in item[1]), -len(item[1]), item[0]))
    hoisted = 0
    for _key, users in shared:
        first = users[0][1]["schema"]
        wanted = _wanted_name(first, [status for status, _ in users])
        name = unique_name(wanted, taken)
        if name != wanted:
            notes.append(f"error body named {name!r}: {wanted!r} is taken by another shape")
        taken.add(name)
        schemas[name] = first
        for _status, media in users:
            media["schema"] = {"$ref": SCHEMA_REF_PREFIX + name}
            hoisted += 1
    return hoisted
