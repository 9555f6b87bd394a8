"""Traversal of an OpenAPI 3.1 document: every schema object, every operation, every `$ref`.

Also the one JSON-pointer resolver of the build tooling (normalizer, overrides, spec changelog).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "HTTP_METHODS",
    "JSONDict",
    "PointerError",
    "escape_pointer_token",
    "iter_operations",
    "iter_schemas",
    "pointer_tokens",
    "resolve_pointer",
    "rewrite_refs",
]

JSONDict = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keywords whose value is a schema, a list of schemas, or a name -> schema map (2020-12).
_ONE_SCHEMA = ("items", "not", "if", "then", "else", "contains", "propertyNames", "additionalItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


class PointerError(LookupError):
    """A JSON pointer (or local `$ref`) does not resolve in the document."""


def pointer_tokens(pointer: str) -> list[str]:
    """`'/paths/~1a~1b/get'` -> `['paths', '/a/b', 'get']` (RFC 6901 unescaping; `#` allowed)."""
    body = pointer.removeprefix("#")
    if body and not body.startswith("/"):
        raise PointerError(f"{pointer!r} is not a JSON pointer (it must start with '/' or '#/')")
    return [t.replace("~1", "/").replace("~0", "~") for t in body.split("/")[1:]]


def escape_pointer_token(token: str) -> str:
    """`'/a/b'` -> `'~1a~1b'`: a key as one JSON-pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at `pointer` (`/a/0/b` or a local `$ref` like `#/components/schemas/X`)."""
    node = document
    for token in pointer_tokens(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise PointerError(f"{pointer!r} does not resolve: no {token!r} there")
    return node


def iter_operations(spec: JSONDict) -> Iterator[tuple[str, str, JSONDict]]:
    """Every operation as (path, method, operation), in document order."""
    for path, item in spec.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def _root_schemas(spec: JSONDict) -> Iterator[JSONDict]:
    components = spec.get("components", {})
    yield from (s for s in components.get("schemas", {}).values() if isinstance(s, dict))
    for parameter in components.get("parameters", {}).values():
        yield from _media_schemas(parameter)
    for body in components.get("requestBodies", {}).values():
        yield from _media_schemas(body)
    for response in components.get("responses", {}).values():
        yield from _media_schemas(response)
    for item in spec.get("paths", {}).values():
        if not isinstance(item, dict):
            continue
        for parameter in item.get("parameters", []):
            yield from _media_schemas(parameter)
    for _path, _method, operation in iter_operations(spec):
        for parameter in operation.get("parameters", []):
            yield from _media_schemas(parameter)
        if isinstance(body := operation.get("requestBody"), dict):
            yield from _media_schemas(body)
        for response in operation.get("responses", {}).values():
            if isinstance(response, dict):
                yield from _media_schemas(response)


def _media_schemas(holder: Any) -> Iterator[JSONDict]:
    """Schemas held by a parameter, request body or response (directly or per media type)."""
    if not isinstance(holder, dict):
        return
    if isinstance(schema := holder.get("schema"), dict):
        yield schema
    for media in holder.get("content", {}).values():
        if isinstance(media, dict) and isinstance(schema := media.get("schema"), dict):
            yield schema
    for header in holder.get("headers", {}).values():
        yield from _media_schemas(header)


def _subschemas(schema: JSONDict) -> Iterator[JSONDict]:
    for key in _ONE_SCHEMA:
        value = schema.get(key)
        if isinstance(value, dict):
            yield value
        elif key == "items" and isinstance(value, list):
            yield from (v for v in value if isinstance(v, dict))
    for key in _SCHEMA_LISTS:
        yield from (v for v in schema.get(key, []) or [] if isinstance(v, dict))
    for key in _SCHEMA_MAPS:
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            yield from (v for v in mapping.values() if isinstance(v, dict))
    if isinstance(extra := schema.get("additionalProperties"), dict):
        yield extra


def iter_schemas(spec: JSONDict) -> Iterator[JSONDict]:
    """Every schema object of the document, parents before children, each once.

    The walk is over a snapshot taken before yielding, so a caller may rewrite the yielded
    schema (even drop its children) without disturbing the iteration.
    """
    seen: set[int] = set()
    ordered: list[JSONDict] = []
    stack = list(reversed(list(_root_schemas(spec))))
    while stack:
        schema = stack.pop()
        if id(schema) in seen:
            continue
        seen.add(id(schema))
        ordered.append(schema)
        stack.extend(reversed(list(_subschemas(schema))))
    yield from ordered


def rewrite_refs(node: Any, rewrite: Callable[[str], str]) -> int:
    """Replace every `$ref` string under `node` by `rewrite(ref)`; returns how many changed."""
    changed = 0
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and (new := rewrite(ref)) != ref:
                current["$ref"] = new
                changed += 1
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return changed
