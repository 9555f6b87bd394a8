"""What an operation means beyond its types, read from spec constructs (never from its path).

- Cursor paging: a `starting_after` input (query parameter or JSON body field) and a 2xx body with
  `next_starting_after` beside an `items` array.
- Background jobs: a non-GET operation whose 2xx body is the background-job component (the schema
  titled "Background Job", whatever its component name).
- Accepted without a job: a write answered 202 whose body is not the background-job schema (the
  work is queued but nothing identifies it): the method returns an explicit `Accepted` result.
- Errors inside a 2xx: a 2xx body with a boolean `success` beside a string `error` reports the
  request's own failure in a 200; the method raises `ErrorInBodyError` when `success` is false.
- What a 2xx carries (`success_kind`): no 2xx declared at all (only errors), 2xx without content
  (204, `200: Default Response`), one body, or several 2xx codes with different bodies.
- Request validation: the constraints of every input (types, required, known values, sizes,
  bounds, patterns, formats), as a compact schema the facade checks before sending.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CURSOR_INPUT",
    "CURSOR_OUTPUT",
    "is_accepted_without_job",
    "is_job_start",
    "job_schema_names",
    "non_json_media",
    "page_location",
    "reports_error_in_body",
    "request_schema",
    "resolve",
    "success_kind",
]

CURSOR_INPUT = "starting_after"
CURSOR_OUTPUT = "next_starting_after"
JOB_TITLE = "Background Job"

# Schema keywords carried into the compact request schema as they are.
_KEPT = (
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minProperties",
)
_FORMATS = {"email", "uuid", "date", "date-time"}
_MAX_DEPTH = 12


def _components(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return document.get("components", {}).get("schemas", {}) or {}


def resolve(document: Mapping[str, Any], schema: Any) -> Any:
    """`schema` with local `$ref`s followed (a dangling one resolves to an open schema)."""
    seen: set[str] = set()
    while isinstance(schema, Mapping) and "$ref" in schema:
        ref = str(schema["$ref"])
        if ref in seen or not ref.startswith("#/components/schemas/"):
            return {}
        seen.add(ref)
        schema = _components(document).get(ref.rsplit("/", 1)[-1], {})
    return schema


def job_schema_names(document: Mapping[str, Any]) -> set[str]:
    """Component names of the background-job schema (by its title)."""
    return {
        name
        for name, schema in _components(document).items()
        if isinstance(schema, Mapping) and schema.get("title") == JOB_TITLE
    }


def _json_2xx_schema(operation: Mapping[str, Any]) -> Any:
    for status, response in sorted(operation.get("responses", {}).items()):
        if str(status).startswith("2") and isinstance(response, Mapping):
            content = response.get("content", {}) or {}
            media = content.get("application/json")
            if isinstance(media, Mapping):
                return media.get("schema")
    return None


def _successes(operation: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (str(status), response)
        for status, response in sorted(operation.get("responses", {}).items())
        if str(status).startswith("2") and isinstance(response, Mapping)
    ]


def success_kind(operation: Mapping[str, Any]) -> str:
    """What the operation's 2xx answers carry, by its declared responses.

    "raw": no 2xx is declared (only errors): the method returns the raw `httpx.Response`.
    "none": every 2xx is declared without content (a 204, `200: Default Response`): `None`.
    "body": every 2xx with content has the same content: the parsed body (a model, JSON, text).
    "several": 2xx codes with different bodies (or a body beside an empty 2xx): whichever came.
    """
    successes = _successes(operation)
    if not successes:
        return "raw"
    contents = [response.get("content") or None for _, response in successes]
    bodies = [content for content in contents if content is not None]
    if not bodies:
        return "none"
    if len(bodies) != len(contents) or any(body != bodies[0] for body in bodies[1:]):
        return "several"
    return "body"


def non_json_media(operation: Mapping[str, Any]) -> str | None:
    """The media type a 2xx is served as when it is not JSON (e.g. text/csv), else None: the
    request's Accept must name it (the client asks for JSON by default)."""
    for status, response in sorted(operation.get("responses", {}).items()):
        if str(status).startswith("2") and isinstance(response, Mapping):
            content = list((response.get("content") or {}).keys())
            if content and not any("json" in media for media in content):
                return ", ".join(content)
    return None


def is_job_start(document: Mapping[str, Any], method: str, operation: Mapping[str, Any]) -> bool:
    """A write whose 2xx body is a background job: the operation starts one."""
    if method.upper() in ("GET", "HEAD"):
        return False
    schema = _json_2xx_schema(operation)
    if not isinstance(schema, Mapping) or "$ref" not in schema:
        return False
    return str(schema["$ref"]).rsplit("/", 1)[-1] in job_schema_names(document)


def is_accepted_without_job(
    document: Mapping[str, Any], method: str, operation: Mapping[str, Any]
) -> bool:
    """A write whose only 2xx is 202 and whose 202 body is not a background job."""
    if method.upper() in ("GET", "HEAD") or is_job_start(document, method, operation):
        return False
    statuses = [str(s) for s in operation.get("responses", {}) if str(s).startswith("2")]
    return statuses == ["202"]


def reports_error_in_body(document: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    """A 2xx body with a boolean `success` and a string `error`: a failure reported in a 200."""
    schema = resolve(document, _json_2xx_schema(operation))
    properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    success = resolve(document, properties.get("success"))
    error = resolve(document, properties.get("error"))
    return (
        isinstance(success, Mapping)
        and "boolean" in _types(success)
        and isinstance(error, Mapping)
        and "string" in _types(error)
    )


def _json_body_schema(operation: Mapping[str, Any]) -> Any:
    body = operation.get("requestBody", {}) or {}
    media = (body.get("content", {}) or {}).get("application/json")
    return media.get("schema") if isinstance(media, Mapping) else None


def page_location(document: Mapping[str, Any], operation: Mapping[str, Any]) -> str | None:
    """Where a cursor-paged operation takes its cursor ("query" or "body"), or None."""
    response = resolve(document, _json_2xx_schema(operation))
    properties = response.get("properties", {}) if isinstance(response, Mapping) else {}
    items = resolve(document, properties.get("items"))
    if CURSOR_OUTPUT not in properties or not isinstance(items, Mapping):
        return None
    if items.get("type") != "array" and "array" not in (items.get("type") or []):
        return None
    for parameter in operation.get("parameters", []) or []:
        if parameter.get("in") == "query" and parameter.get("name") == CURSOR_INPUT:
            return "query"
    body = resolve(document, _json_body_schema(operation))
    if isinstance(body, Mapping) and CURSOR_INPUT in (body.get("properties") or {}):
        return "body"
    return None


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    return []


def _pattern(value: Any) -> str | None:
    """A pattern Python's `re` compiles the same way, else None (not checked; never guessed)."""
    if not isinstance(value, str):
        return None
    try:
        re.compile(value)
    except re.error:
        return None
    return value


def _compact(document: Mapping[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    """The checkable part of a request schema; unknown constructs become 'anything'."""
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return {}
    out: dict[str, Any] = {}
    types = _types(schema)
    if types:
        out["type"] = types
    known = schema.get("enum", schema.get("x-known-values"))
    if isinstance(known, list) and known:
        out["enum"] = list(known)
    for key in _KEPT:
        if isinstance(schema.get(key), int | float) and not isinstance(schema.get(key), bool):
            out[key] = schema[key]
    pattern = _pattern(schema.get("pattern"))
    if pattern is not None:
        out["pattern"] = pattern
    fmt = schema.get("format", schema.get("x-format"))
    if fmt in _FORMATS:
        out["format"] = fmt
    if "items" in schema:
        items = _compact(document, schema["items"], depth + 1)
        if items:
            out["items"] = items
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        nested = {
            str(name): _compact(document, value, depth + 1) for name, value in properties.items()
        }
        out["properties"] = {k: v for k, v in nested.items() if v}
        required = [str(r) for r in schema.get("required", []) or [] if isinstance(r, str)]
        if required:
            out["required"] = required
        if not out["properties"]:
            del out["properties"]
    read_only = schema.get("x-read-only")  # properties the server sets: never sent
    if isinstance(read_only, list) and read_only:
        out["x-read-only"] = [str(name) for name in read_only]
    for combinator in ("anyOf", "oneOf"):
        branches = schema.get(combinator)
        if isinstance(branches, list) and branches:
            compacted = [_compact(document, b, depth + 1) for b in branches]
            if all(compacted):  # an open branch accepts anything: nothing to check
                out["anyOf"] = compacted
    alternatives = schema.get("x-required-one-of")  # an anyOf of requirements, folded
    if isinstance(alternatives, list) and alternatives and all(alternatives) and "anyOf" not in out:
        out["anyOf"] = [{"required": [str(name) for name in names]} for names in alternatives]
    return out


# Inputs whose name says they hold email addresses, though their schema does not (a construct of
# the spec: `{email}` path parameters and `email`/`emails` fields are plain strings there).
_EMAIL_NAMES = frozenset({"email"})
_EMAIL_LIST_NAMES = frozenset({"emails"})


_COMMA_LIST = re.compile(r"comma[- ]separated|separated by commas?", re.IGNORECASE)


def _comma_list(parameter: Mapping[str, Any], compact: dict[str, Any]) -> dict[str, Any]:
    """A string query parameter that takes several values joined by commas (its description or
    its example says so) also accepts a list: marked `x-comma-list` for the facade to join."""
    schema = parameter.get("schema") or {}
    text = f"{parameter.get('description') or ''} {schema.get('description') or ''}"
    example = schema.get("example", parameter.get("example"))
    listed = isinstance(example, str) and "," in example and " " not in example
    if compact.get("type") == ["string"] and (_COMMA_LIST.search(text) or listed):
        compact["x-comma-list"] = True
    return compact


def _implied_format(name: str, compact: dict[str, Any]) -> dict[str, Any]:
    """`compact` with the email format its name implies (when it has no format of its own)."""
    if name in _EMAIL_NAMES and "string" in compact.get("type", ["string"]):
        compact.setdefault("format", "email")
    items = compact.get("items")
    if name in _EMAIL_LIST_NAMES and isinstance(items, dict) and items.get("type") == ["string"]:
        items.setdefault("format", "email")
    return compact


def _name_formats(compact: dict[str, Any]) -> dict[str, Any]:
    for name, value in compact.get("properties", {}).items():
        _implied_format(name, value)
    return compact


def request_schema(document: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, Any]:
    """The compact schema of every input, keyed by wire name: {"path": …, "query": …, "body": …}.

    Path parameters are strings that address one resource (never empty); query parameters and
    body fields carry their own constraints. `required` lists the inputs that must be given.
    """
    result: dict[str, Any] = {}
    for location in ("path", "query"):
        properties: dict[str, Any] = {}
        required: list[str] = []
        for parameter in operation.get("parameters", []) or []:
            if parameter.get("in") != location:
                continue
            name = str(parameter.get("name"))
            compact = _implied_format(name, _compact(document, parameter.get("schema", {})))
            properties[name] = _comma_list(parameter, compact) if location == "query" else compact
            if parameter.get("required") or location == "path":
                required.append(name)
        if properties:
            result[location] = {"properties": properties, "required": required}
    body = _json_body_schema(operation)
    if body is not None:
        compact = _name_formats(_compact(document, body))
        compact.setdefault("type", ["object"])
        result["body"] = compact
    return result
