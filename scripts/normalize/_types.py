"""Rules that make generated types tolerant of what a newer API sends, and parseable at all.

Instantly adds enum values (job statuses, provider codes), relaxes formats (`workspace_id` lost
`format: uuid`) and adds fields between releases. A client pinned to an older spec must still
parse those responses, so enums become their plain value type with the known values documented,
strict string formats are dropped, and objects stay open to extra fields.
"""

from __future__ import annotations

import json
from typing import Any

from ._walk import JSONDict, iter_schemas

__all__ = [
    "KEPT_FORMATS",
    "give_arrays_items",
    "json_type_of",
    "open_enums",
    "open_objects",
    "relax_string_formats",
]

# Formats kept: date-time and date parse through the package's tolerant timestamp helper,
# binary marks file uploads. Every other format (uuid, email, uri, ...) is documentation only.
KEPT_FORMATS = frozenset({"date-time", "date", "binary"})

# Deterministic order of the JSON types in a widened `type` list.
_TYPE_ORDER = ("string", "integer", "number", "boolean", "object", "array", "null")


def json_type_of(value: Any) -> str:
    """The JSON Schema type of a decoded JSON value (`True` -> `'boolean'`, `1` -> `'integer'`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _declared_types(schema: JSONDict) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def _widened_type(declared: set[str], values: list[Any]) -> str | list[str]:
    """The declared types plus the values' types; `number` narrows to `integer` for whole values."""
    found = {json_type_of(v) for v in values}
    types = (declared - {"number", "integer"}) | (found - {"number", "integer"})
    numeric = (declared | found) & {"number", "integer"}
    if numeric:
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in values if _is_number(v))
        any_number = any(_is_number(v) for v in values)
        types.add("integer" if "integer" in declared or (whole and any_number) else "number")
    ordered = [t for t in _TYPE_ORDER if t in types]
    return ordered[0] if len(ordered) == 1 else ordered


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _literal(value: Any) -> str:
    """A value as JSON writes it (`True` -> `true`), the key `x-enumDescriptions` uses."""
    return value if isinstance(value, str) else json.dumps(value)


def _known_values_sentence(values: list[Any], descriptions: Any) -> str:
    labels = descriptions if isinstance(descriptions, dict) else {}
    parts = []
    for value in values:
        literal = _literal(value)
        label = labels.get(literal) if isinstance(labels.get(literal), str) else None
        parts.append(f"`{literal}` ({label})" if label else f"`{literal}`")
    return "Known values: " + ", ".join(parts) + "."


def open_enums(spec: JSONDict, notes: list[str]) -> int:
    """Turn every `enum`/`const` into its plain value type, keeping the values as documentation.

    The generator accepts only all-str or all-int enums and makes them closed Python enums that
    reject values added later. Instead the schema's `type` becomes the declared type widened to
    the types of the values (`null` included, `number` narrowed to `integer` for whole values),
    the values go to `x-known-values` and to a "Known values" sentence in the description
    (with `x-enumDescriptions` labels).
    """
    del notes
    opened = 0
    for schema in iter_schemas(spec):
        if "enum" in schema and isinstance(schema["enum"], list):
            values = list(schema.pop("enum"))
        elif "const" in schema:
            values = [schema.pop("const")]
        else:
            continue
        schema["type"] = _widened_type(_declared_types(schema), values)
        schema["x-known-values"] = values
        sentence = _known_values_sentence(values, schema.get("x-enumDescriptions"))
        description = schema.get("description", "")
        schema["description"] = f"{description}\n\n{sentence}".strip()
        opened += 1
    return opened


def relax_string_formats(spec: JSONDict, notes: list[str]) -> int:
    """Drop string formats parsed strictly (`uuid`, `email`, ...); keep dates and binary (files).

    The original is kept as `x-format` for readers. A value a newer API relaxed (a `workspace_id`
    that is no longer a UUID) then parses as the plain string it is.
    """
    del notes
    relaxed = 0
    for schema in iter_schemas(spec):
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt not in KEPT_FORMATS:
            schema["x-format"] = schema.pop("format")
            relaxed += 1
    return relaxed


def give_arrays_items(spec: JSONDict, notes: list[str]) -> int:
    """Give `items: {}` (any value) to arrays that declare none, which the generator drops."""
    del notes
    given = 0
    for schema in iter_schemas(spec):
        if "array" in _declared_types(schema) and "items" not in schema:
            schema["items"] = {}
            given += 1
    return given


def open_objects(spec: JSONDict, notes: list[str]) -> int:
    """Remove `additionalProperties: false`, so fields a newer API adds are kept, not discarded."""
    del notes
    opened = 0
    for schema in iter_schemas(spec):
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
            opened += 1
    return opened
