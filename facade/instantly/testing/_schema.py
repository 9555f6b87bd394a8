"""A small request validator that words its errors like Instantly's (Fastify + Ajv) 400 responses.

Instantly validates with Ajv and reports the first error as `<part><path> <message>`, e.g.
`body/emails must NOT have more than 100 items` or `querystring/limit must be <= 100`. This module
covers the JSON Schema keywords the fake's routes need (type, enum, required, properties,
additionalProperties, items, minItems, maxItems, minimum, maximum), checked in Ajv's order, and
Ajv's query-string coercion of scalars. The schemas themselves live with the routes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["Schema", "SchemaError", "check", "coerce_query"]

Schema = Mapping[str, Any]

_INTEGER: Final = re.compile(r"^[+-]?\d+$")


class SchemaError(ValueError):
    """A value does not match its schema; `str()` is Fastify's message."""


def _type_ok(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if name == "number":
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise AssertionError(f"unknown JSON Schema type {name!r}")


def check(value: Any, schema: Schema, where: str) -> None:
    """Raise `SchemaError` with Fastify's message at the first place `value` breaks `schema`."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_type_ok(value, n) for n in names):
            raise SchemaError(f"{where} must be {','.join(names)}")
    if "enum" in schema and not any(
        (value == option and type(value) is type(option)) or _same_number(value, option)
        for option in schema["enum"]
    ):
        raise SchemaError(f"{where} must be equal to one of the allowed values")
    if isinstance(value, dict):
        _check_object(value, schema, where)
    elif isinstance(value, list):
        _check_array(value, schema, where)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaError(f"{where} must be >= {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaError(f"{where} must be <= {schema['maximum']}")


def _same_number(value: Any, option: Any) -> bool:
    numeric = (int, float)
    return (
        isinstance(value, numeric)
        and isinstance(option, numeric)
        and not isinstance(value, bool)
        and not isinstance(option, bool)
        and value == option
    )


def _check_object(value: dict[str, Any], schema: Schema, where: str) -> None:
    for name in schema.get("required", ()):
        if name not in value:
            raise SchemaError(f"{where} must have required property '{name}'")
    properties: Mapping[str, Schema] = schema.get("properties", {})
    if schema.get("additionalProperties") is False:
        for name in value:
            if name not in properties:
                raise SchemaError(f"{where} must NOT have additional properties")
    for name, sub in properties.items():
        if name in value:
            check(value[name], sub, f"{where}/{name}")


def _check_array(value: list[Any], schema: Schema, where: str) -> None:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise SchemaError(f"{where} must NOT have more than {schema['maxItems']} items")
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise SchemaError(f"{where} must NOT have fewer than {schema['minItems']} items")
    if (items := schema.get("items")) is not None:
        for index, item in enumerate(value):
            check(item, items, f"{where}/{index}")


def coerce_query(raw: str, schema: Schema) -> Any:
    """A query-string value converted to the schema's scalar type, as Ajv's `coerceTypes` does.

    A value that cannot be converted is returned unchanged, so `check` reports the type error.
    """
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.match(raw):
        return int(raw)
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if number.is_integer() else number
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw
