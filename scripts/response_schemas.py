"""What the fake (`instantly.testing`) needs of the spec beyond the resource layer's `Operation`s.

The fake serves every operation of the pin from the spec, but the spec is not shipped with the
package: regeneration writes this table beside the generated code it describes
(`instantly_api/_fake_schemas.json`). For each operationId: the first 2xx status, its media
type and its JSON schema, and whether its JSON body is closed (`additionalProperties: false`,
which `Operation.schema` leaves out); schemas keep only what a value must satisfy and the
examples and defaults a fake value is taken from, and `$ref`s name a schema of `components`.

`render_response_schemas(document)` is what `scripts/regenerate.py` writes, from the spec as
published with the reviewed overrides (before normalization, which drops
`additionalProperties: false` and reshapes schemas for the generator): the fake answers as the
spec describes Instantly, and the behaviour tests check its answers against that spec.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["FILE_NAME", "KEPT_KEYWORDS", "render_response_schemas", "response_table"]

FILE_NAME: Final = "_fake_schemas.json"

# What a value must satisfy, and where a fake value can come from; descriptions and x-* go.
KEPT_KEYWORDS: Final = frozenset(
    {
        "type",
        "enum",
        "const",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minProperties",
        "maxProperties",
        "anyOf",
        "oneOf",
        "allOf",
        "nullable",
        "$ref",
        "default",
        "example",
    }
)
_NESTED: Final = ("items", "additionalProperties", "not")
_LISTS: Final = ("anyOf", "oneOf", "allOf")
_REF_PREFIX: Final = "#/components/schemas/"


def _kept(schema: Any, refs: set[str]) -> Any:
    """`schema` with only the kept keywords (recursively); the component names it uses → refs."""
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in KEPT_KEYWORDS:
            continue
        if key == "$ref":
            name = str(value).removeprefix(_REF_PREFIX)
            refs.add(name)
            out[key] = name
        elif key == "properties":
            out[key] = {name: _kept(sub, refs) for name, sub in value.items()}
        elif key in _NESTED:
            out[key] = _kept(value, refs)
        elif key in _LISTS:
            out[key] = [_kept(sub, refs) for sub in value]
        elif key == "example" and isinstance(value, dict | list) and len(json.dumps(value)) > 200:
            continue  # a large example object: the fake builds one from the properties
        else:
            out[key] = value
    return out


def response_table(document: Mapping[str, Any]) -> dict[str, Any]:
    """`{"operations": {id: {"status", "media", "schema", "closed_body"}}, "components": {...}}`."""
    refs: set[str] = set()
    operations: dict[str, Any] = {}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, Mapping) or "operationId" not in operation:
                continue
            statuses = sorted(s for s in operation.get("responses", {}) if s.startswith("2"))
            if not statuses:
                continue
            content = operation["responses"][statuses[0]].get("content") or {}
            media = next(iter(content), None)
            schema = content[media].get("schema") if media is not None else None
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations[operation["operationId"]] = {
                "status": int(statuses[0]),
                "media": media,
                "schema": _kept(schema, refs) if media == "application/json" else None,
                "closed_body": body.get("schema", {}).get("additionalProperties") is False,
            }
    schemas = document.get("components", {}).get("schemas", {})
    components: dict[str, Any] = {}
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in components or name not in schemas:
            continue
        found: set[str] = set()
        components[name] = _kept(schemas[name], found)
        pending.extend(sorted(found - set(components)))
    return {
        "operations": dict(sorted(operations.items())),
        "components": dict(sorted(components.items())),
    }


def render_response_schemas(document: Mapping[str, Any]) -> str:
    """The file's text: the table as JSON, one operation or component per line."""
    table = response_table(document)
    lines = []
    for section in ("operations", "components"):
        rows = [
            f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
            for name, value in table[section].items()
        ]
        lines.append(f' "{section}": {{\n' + ",\n".join(f"  {row}" for row in rows) + "\n }")
    return "{\n" + ",\n".join(lines) + "\n}\n"
