"""Deterministic JSON instances of an OpenAPI 3.1 schema, several variants per schema.

Variant `k` picks the k-th enum value, `anyOf`/`oneOf` member and listed type (cycling), fills
every property (odd variants add a field a newer API might add), and writes formats both strictly
(a UUID) and relaxed (a plain string), so a parser meets what a newer API may send.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EXTRA_FIELD", "instance_of"]

EXTRA_FIELD = "field_added_by_a_newer_api"

_MAX_DEPTH = 12


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 50:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
        seen += 1
    return schema


def _string(schema: dict[str, Any], k: int) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-08-21T09:30:00.000Z"
    if fmt == "date":
        return "2026-08-21"
    if fmt == "uuid":
        return "f9cc070d-8dba-4341-b847-f083c358e460" if k % 2 == 0 else "not-a-uuid-any-more"
    if fmt == "email":
        return "ana@example.com"
    example = schema.get("example")
    if isinstance(example, str) and (k % 2 == 0 or "pattern" in schema):
        return example
    return "text"


def instance_of(schema: dict[str, Any], spec: dict[str, Any], k: int = 0, depth: int = 0) -> Any:
    """An instance of `schema` (refs resolved against `spec`), variant `k`."""
    schema = _resolve(schema, spec)
    if depth > _MAX_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        values = schema["enum"]
        return values[k % len(values)]
    for keyword in ("oneOf", "anyOf"):
        members = schema.get(keyword)
        if isinstance(members, list) and members:
            chosen = members[k % len(members)]
            value = instance_of(chosen, spec, k, depth + 1)
            if isinstance(value, dict) and "properties" in schema:
                value = {**_object(schema, spec, k, depth), **value}
            return value
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for member in schema["allOf"]:
            part = instance_of(member, spec, k, depth + 1)
            if isinstance(part, dict):
                merged.update(part)
        if "properties" in schema:
            merged.update(_object(schema, spec, k, depth))
        return merged
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared]
    non_null = [t for t in types if t != "null"] or types
    kind = non_null[k % len(non_null)] if k < 3 else types[k % len(types)]
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        return _object(schema, spec, k, depth)
    if kind == "array":
        items = schema.get("items")
        if not isinstance(items, dict):
            return ["anything", 1]
        return [instance_of(items, spec, k, depth + 1)]
    if kind == "string":
        return _string(schema, k)
    if kind == "integer":
        return 3
    if kind == "number":
        return 3 if k % 2 == 0 else 2.5
    if kind == "boolean":
        return k % 2 == 0
    return None


def _object(schema: dict[str, Any], spec: dict[str, Any], k: int, depth: int) -> dict[str, Any]:
    properties = schema.get("properties", {})
    value = {
        name: instance_of(sub, spec, k, depth + 1)
        for name, sub in properties.items()
        if isinstance(sub, dict)
    }
    if k % 2 == 1:
        value[EXTRA_FIELD] = {"nested": [1, "two"]}
    return value
