"""Values that conform to a response schema: what a record holds where it fits, else made up.

`render(schema, given, fill)` keeps each value of `given` that its property's schema accepts and
builds the required ones it lacks: `fill(name, schema)` first (the fake's ids, timestamps and
workspace), then the schema's own example, default, const or first enum value, then the
plainest value of its type and format. Optional properties are left out unless given, and
properties the schema does not name are dropped, so the answer is exactly of the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from ._schema import Schema, passes, resolve

__all__ = ["Fill", "render"]

# fill(property name, its schema) -> a value, or NOTHING to let the schema decide.
Fill = Callable[[str, Schema], Any]
NOTHING: Final[Any] = object()

_FORMATS: Final = {
    "date-time": "2026-01-01T00:00:00.000Z",
    "date": "2026-01-01",
    "email": "user@example.com",
    "uri": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_PLAIN: Final = {"boolean": False, "array": [], "null": None}


def render(schema: Schema | None, given: Any, fill: Fill, name: str = "") -> Any:
    """`given` made to fit `schema`, missing required parts built (see the module docstring)."""
    if schema is None:
        return given
    schema = resolve(schema)
    for branches in (schema.get("anyOf"), schema.get("oneOf")):
        if branches:
            return _branch(schema, branches, given, fill, name)
    if "allOf" in schema:
        schema = _merged(schema)
    if given is not NOTHING and isinstance(given, dict) and _is_object(schema):
        named = schema.get("properties", {})
        if named and given.keys() <= named.keys() and passes(given, schema, ""):
            return given  # already exactly of the schema: one check, not one per property
        return _object(schema, given, fill)
    if given is not NOTHING and not isinstance(given, dict | list) and passes(given, schema, ""):
        return given
    if given is not NOTHING and isinstance(given, list) and "array" in _types(schema):
        items = schema.get("items")  # each item made to fit: one bad item does not empty a list
        fitted = [render(items, item, fill, name) for item in given] if items else given
        if passes(fitted, schema, ""):
            return fitted
    return _made(schema, fill, name)


def _branch(schema: Schema, branches: list[Schema], given: Any, fill: Fill, name: str) -> Any:
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
    options = [{**rest, **resolve(b)} for b in branches]
    if given is not NOTHING:
        for option in options:
            if passes(given, option, ""):
                return render(option, given, fill, name)
    non_null = [o for o in options if o.get("type") not in ("null", ["null"])] or options
    return render(non_null[0], given if isinstance(given, dict) else NOTHING, fill, name)


def _merged(schema: Schema) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in map(resolve, schema["allOf"]):
        part = _merged(part) if "allOf" in part else part
        merged["properties"] = {**merged.get("properties", {}), **part.get("properties", {})}
        merged["required"] = [*merged.get("required", ()), *part.get("required", ())]
        for key, value in part.items():
            merged.setdefault(key, value)
    return merged


def _types(schema: Schema) -> list[str]:
    types = schema.get("type")
    if types is None:
        return ["object"] if "properties" in schema else []
    return [types] if isinstance(types, str) else list(types)


def _is_object(schema: Schema) -> bool:
    return "object" in _types(schema) or "properties" in schema


def _object(schema: Schema, given: Mapping[str, Any], fill: Fill) -> dict[str, Any]:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    out: dict[str, Any] = {}
    for key, sub in properties.items():
        fitted = render(sub, given[key], fill, key) if key in given else NOTHING
        if fitted is not NOTHING and passes(fitted, sub, key):
            out[key] = fitted  # the given value, made to fit where it can be
        elif key in required:
            out[key] = render(sub, NOTHING, fill, key)
    extra = schema.get("additionalProperties")
    if not properties and extra not in (None, False):
        out.update((k, v) for k, v in given.items() if passes(v, extra, k) or extra is True)
    for key, sub in properties.items():  # minProperties: add optional ones until there are enough
        if len(out) >= schema.get("minProperties", 0):
            break
        out.setdefault(key, render(sub, NOTHING, fill, key))
    return out


def _made(schema: Schema, fill: Fill, name: str) -> Any:
    """A value for `schema` from nothing: fill, example, default, const, enum, then by type."""
    for candidate in (
        fill(name, schema),
        schema.get("example", NOTHING),
        schema.get("default", NOTHING),
        schema.get("const", NOTHING),
        *(schema.get("enum") or ())[:1],
    ):
        if candidate is not NOTHING and passes(candidate, schema, name):
            return candidate
    types = [t for t in _types(schema) if t != "null"] or _types(schema) or ["object"]
    kind = types[0]
    if kind == "object":
        return _object(schema, {}, fill)
    if kind == "array":
        items = schema.get("items") or {}
        return [render(items, NOTHING, fill, name) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
        return max(0, low) if schema.get("maximum", 0) >= 0 else schema["maximum"]
    if kind == "string":
        text = _FORMATS.get(schema.get("format", ""), "example")
        return text.ljust(schema.get("minLength", 0), "x")
    return _PLAIN.get(kind)
