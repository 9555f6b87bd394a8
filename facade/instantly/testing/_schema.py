"""A small request validator that words its errors like Instantly's (Fastify + Ajv) 400 responses.

Instantly validates with Ajv and reports the first error as `<part><path> <message>`, e.g.
`body/emails must NOT have more than 100 items` or `querystring/limit must be <= 100`. This module
covers the JSON Schema keywords the spec uses (type, enum, const, required, properties,
additionalProperties, minProperties, items, minItems, maxItems, minimum, maximum, minLength,
maxLength, pattern, format, anyOf, oneOf, allOf, and `$ref` to a component of the response
table), checked in Ajv's order, and Ajv's query-string coercion of scalars. Formats are
checked as ajv-formats' "fast" mode does (Fastify loads ajv-formats).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["Schema", "SchemaError", "check", "coerce_query", "passes", "resolve"]

Schema = Mapping[str, Any]

_INTEGER: Final = re.compile(r"^[+-]?\d+$")

# ajv-formats, "fast" mode: the formats the spec's request schemas use.
_FORMATS: Final = {
    "date": re.compile(r"^\d\d\d\d-[0-1]\d-[0-3]\d$"),
    "date-time": re.compile(
        r"^\d\d\d\d-[0-1]\d-[0-3]\d[t\s](?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?"
        r"(?:z|[+-]\d\d(?::?\d\d)?)$",
        re.IGNORECASE,
    ),
    "email": re.compile(
        r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
        r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$",
        re.IGNORECASE,
    ),
    "uri": re.compile(r"^(?:[a-z][a-z0-9+\-.]*:)(?:/?/)?[^\s]*$", re.IGNORECASE),
    "uuid": re.compile(
        r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.IGNORECASE
    ),
}


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
    schema = resolve(schema)
    if "not" in schema and schema["not"] == {}:
        raise SchemaError(f"{where} must NOT be present")
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_type_ok(value, n) for n in names):
            raise SchemaError(f"{where} must be {','.join(names)}")
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        raise SchemaError(f"{where} must be equal to one of the allowed values")
    if "const" in schema and not _equal(value, schema["const"]):
        raise SchemaError(f"{where} must be equal to constant")
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema and not any(passes(value, s, where) for s in schema[combinator]):
            raise SchemaError(f"{where} must match a schema in {combinator}")
    for sub in schema.get("allOf", ()):
        check(value, sub, where)
    if isinstance(value, str):
        _check_string(value, schema, where)
    if isinstance(value, dict):
        _check_object(value, schema, where)
    elif isinstance(value, list):
        _check_array(value, schema, where)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaError(f"{where} must be >= {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaError(f"{where} must be <= {schema['maximum']}")


def resolve(schema: Schema) -> Schema:
    """`schema`, or the component its `$ref` names (the response table's components)."""
    if not isinstance(schema, Mapping):
        return {} if schema else {"not": {}}
    while "$ref" in schema:
        from ._spec_routes import component

        schema = component(schema["$ref"])
    return schema


def passes(value: Any, schema: Schema, where: str) -> bool:
    try:
        check(value, schema, where)
    except SchemaError:
        return False
    return True


def _check_string(value: str, schema: Schema, where: str) -> None:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaError(f"{where} must NOT have more than {schema['maxLength']} characters")
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise SchemaError(f"{where} must NOT have fewer than {schema['minLength']} characters")
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        raise SchemaError(f'{where} must match pattern "{schema["pattern"]}"')
    pattern = _FORMATS.get(schema.get("format", ""))
    if pattern is not None and not pattern.match(value):
        raise SchemaError(f'{where} must match format "{schema["format"]}"')


def _equal(value: Any, option: Any) -> bool:
    """JSON equality: the same type and value, any two numbers of the same value."""
    numbers = isinstance(value, int | float) and isinstance(option, int | float)
    if numbers and not isinstance(value, bool) and not isinstance(option, bool):
        return bool(value == option)
    return bool(value == option and type(value) is type(option))


def _check_object(value: dict[str, Any], schema: Schema, where: str) -> None:
    for name in schema.get("required", ()):
        if name not in value:
            raise SchemaError(f"{where} must have required property '{name}'")
    properties: Mapping[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    if extra is False:
        for name in value:
            if name not in properties:
                raise SchemaError(f"{where} must NOT have additional properties")
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        raise SchemaError(f"{where} must NOT have fewer than {schema['minProperties']} properties")
    for name, sub in properties.items():
        if name in value:
            check(value[name], sub, f"{where}/{name}")
    if isinstance(extra, Mapping):
        for name, item in value.items():
            if name not in properties:
                check(item, extra, f"{where}/{name}")


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
    types = schema.get("type")
    kind = types if isinstance(types, str) or types is None else next(iter(types), None)
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
