"""Checking a request's inputs against the spec's constraints, before anything is sent.

The generated resource layer carries, per operation, a compact schema of its inputs (types,
required fields, read-only fields never to send, known values, sizes, bounds, patterns and the
formats email, uuid, date and date-time). `check_value` walks a JSON-ready value against it and
raises `InvalidInputError` naming the field path, the value and what would be right. Constructs
the compact schema does not carry (`not`, `if`/`then`) are left to the server.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

from ._email_addresses import validate_email
from ._errors import InvalidEmailError, InvalidInputError

__all__ = ["check_value", "json_type"]

_SHOWN: Final = 60


def json_type(value: object) -> str:
    """The JSON type of a JSON-ready Python value ("integer" for whole numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"  # 1.0 is not an integer here: it would be sent as "1.0"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence):
        return "array"
    return type(value).__name__


def _accepts(types: Sequence[str], value: object) -> bool:
    actual = json_type(value)
    return actual in types or (actual == "integer" and "number" in types)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _fail(path: str, value: object, problem: str) -> InvalidInputError:
    where = f"{path}={_show(value)}" if path else f"the request body {_show(value)}"
    return InvalidInputError(f"{where} is not accepted: {problem}")


def _format_problem(fmt: str, value: str) -> str | None:
    import datetime  # loaded by the first formatted value only, like uuid
    import uuid

    if fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return "it is not a UUID (like 'f9cc070d-8dba-4341-b847-f083c358e460')"
    elif fmt == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return "it is not a date (YYYY-MM-DD)"
    elif fmt == "date-time":
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            return "it is not an ISO 8601 date-time (like '2026-08-21T10:00:00Z')"
    return None


def _check_string(schema: Mapping[str, Any], value: str, path: str) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise _fail(path, value, f"at least {schema['minLength']} characters are required")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise _fail(path, value, f"at most {schema['maxLength']} characters are allowed")
    if "pattern" in schema and _compiled(schema["pattern"]).search(value) is None:
        raise _fail(path, value, f"it does not match the pattern {schema['pattern']!r}")
    fmt = schema.get("format")
    if fmt == "email":
        try:
            validate_email(value)
        except InvalidEmailError as exc:
            raise InvalidEmailError(value, f"{path}: {exc.reason}") from None
    elif fmt is not None:
        problem = _format_problem(str(fmt), value)
        if problem is not None:
            raise _fail(path, value, problem)


def _check_number(schema: Mapping[str, Any], value: float, path: str) -> None:
    if not math.isfinite(value):
        raise _fail(path, value, "a number must be finite")
    if "minimum" in schema and value < schema["minimum"]:
        raise _fail(path, value, f"the minimum is {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        raise _fail(path, value, f"the maximum is {schema['maximum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        raise _fail(path, value, f"it must be greater than {schema['exclusiveMinimum']}")
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        raise _fail(path, value, f"it must be less than {schema['exclusiveMaximum']}")


def _check_array(schema: Mapping[str, Any], value: Sequence[Any], path: str) -> None:
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise _fail(path, value, f"at least {schema['minItems']} items are required")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise _fail(
            path, value, f"it has {len(value)} items; at most {schema['maxItems']} are allowed"
        )
    items = schema.get("items")
    if items:
        for index, item in enumerate(value):
            check_value(items, item, f"{path}[{index}]")


def _check_object(schema: Mapping[str, Any], value: Mapping[str, Any], path: str) -> None:
    missing = [name for name in schema.get("required", ()) if name not in value]
    if missing:
        where = f"{path} is missing" if path else "missing"
        raise InvalidInputError(f"{where} the required argument(s) {', '.join(map(repr, missing))}")
    for name in schema.get("x-read-only", ()):
        if name in value:
            where = f"{path}.{name}" if path else name
            raise _fail(where, value[name], "it is read-only: the server sets it")
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        raise _fail(path, value, f"at least {schema['minProperties']} fields are required")
    properties = schema.get("properties", {})
    for name, item in value.items():
        if name in properties:
            check_value(properties[name], item, f"{path}.{name}" if path else name)


def check_value(schema: Mapping[str, Any], value: object, path: str) -> None:
    """Raise `InvalidInputError` if `value` (JSON-ready) breaks `schema`; `path` names it."""
    if not schema:
        return
    types = schema.get("type")
    if types and not _accepts(types, value):
        expected = " or ".join(types)
        raise _fail(path, value, f"expected {expected}, got {json_type(value)}")
    branches = schema.get("anyOf")
    if branches:
        problems: list[str] = []
        for branch in branches:
            try:
                check_value(branch, value, path)
            except InvalidInputError as exc:
                problems.append(str(exc))
            else:
                break
        else:
            where = path or "the request body"
            shown = "; or ".join(problems[:4]) + ("; or …" if len(problems) > 4 else "")
            raise InvalidInputError(f"{where} matches none of the accepted shapes: {shown}")
    known = schema.get("enum")
    if known is not None and value not in known and value is not None:
        shown = ", ".join(map(repr, known[:12])) + (", …" if len(known) > 12 else "")
        raise _fail(path, value, f"expected one of {shown}")
    if isinstance(value, str):
        _check_string(schema, value, path)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(schema, value, path)
    elif isinstance(value, Mapping):
        _check_object(schema, value, path)
    elif isinstance(value, Sequence):
        _check_array(schema, value, path)
