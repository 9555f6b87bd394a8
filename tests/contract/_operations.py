"""Pick one representative operation per tag of the spec and build a valid call from its examples.

Pure functions over the parsed spec and the generated package's source, so the picking is tested
without Prism. A representative is, in order of preference: a GET whose required parameters are
all scalars with a usable example, then whatever needs the fewest required inputs; operations the
generator did not emit are passed over.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import inspect
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "NO_VALUE",
    "GeneratedCall",
    "Operation",
    "coerce_to_annotation",
    "example_value",
    "generated_call",
    "generated_endpoint_index",
    "operations_by_tag",
    "path_key",
    "ranked_candidates",
    "spec_tags",
]

_HTTP_METHODS = ("get", "put", "post", "delete", "patch")
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
# Values for string formats when the spec gives no example (each valid for its format).
_FORMAT_EXAMPLES: Mapping[str, str] = {
    "uuid": "f9cc070d-8dba-4341-b847-f083c358e460",
    "email": "user@example.com",
    "date-time": "2026-01-01T00:00:00.000Z",
    "date": "2026-01-01",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
}


class _NoValue:
    """Marks 'no valid example could be built' (None is a legitimate JSON null)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with example values for everything it requires."""

    tag: str
    method: str
    path: str
    operation_id: str
    path_params: dict[str, Any] = field(default_factory=dict)
    query_params: dict[str, Any] = field(default_factory=dict)
    body: Any = NO_VALUE
    json_success_statuses: frozenset[int] = frozenset()
    simple_get: bool = False

    @property
    def label(self) -> str:
        """`GET /api/v2/accounts (listAccount)`: how messages name the operation."""
        return f"{self.method.upper()} {self.path} ({self.operation_id})"

    @property
    def required_inputs(self) -> int:
        """How many values a caller must supply (parameters, plus one for a body)."""
        has_body = self.body is not NO_VALUE
        return len(self.path_params) + len(self.query_params) + int(has_body)


def path_key(method: str, path: str) -> tuple[str, str]:
    """(method, path with every `{param}` blanked): names an operation across renamed params."""
    return method.lower(), re.sub(r"\{[^}]*\}", "{}", path)


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a node without one."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return {}
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = target
    return node


def _non_null_types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    return [t for t in names if t != "null"]


def example_value(
    spec: Mapping[str, Any], schema: Any, *, declared: Any = NO_VALUE, depth: int = 0
) -> Any:
    """A value valid for `schema`: the declared example, else one built from the schema.

    Order: `declared` (a parameter's own example), the schema's `example`/`examples`, `default`,
    `const`, the first enum value, then a value by type and format (objects: their required
    properties). Returns NO_VALUE where nothing trustworthy can be built (e.g. a bare `pattern`).
    """
    if declared is not NO_VALUE:
        return declared
    schema = _resolve(spec, schema)
    if not isinstance(schema, Mapping) or depth > 8:
        return NO_VALUE
    if "example" in schema:
        return schema["example"]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("default", "const"):
        if key in schema and schema[key] is not None:
            return schema[key]
    enum_values = [v for v in schema.get("enum", []) if v is not None]
    if enum_values:
        return enum_values[0]
    for combinator in ("oneOf", "anyOf"):
        for variant in schema.get(combinator, []):
            value = example_value(spec, variant, depth=depth + 1)
            if value is not NO_VALUE and value is not None:
                return value
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_value(spec, part, depth=depth + 1)
            if not isinstance(value, dict):
                return NO_VALUE
            merged.update(value)
        return merged
    return _value_by_type(spec, schema, depth)


def _value_by_type(spec: Mapping[str, Any], schema: Mapping[str, Any], depth: int) -> Any:
    kinds = _non_null_types(schema)
    kind = kinds[0] if kinds else ("object" if "properties" in schema else None)
    if kind == "string":
        if schema.get("format") in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[schema["format"]]
        if "pattern" in schema:
            return NO_VALUE
        return "example".ljust(int(schema.get("minLength", 0)), "x")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(1, int(low) + 1)
        return value if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "array":
        if int(schema.get("minItems", 0)) == 0:
            return []
        item = example_value(spec, schema.get("items", {}), depth=depth + 1)
        return NO_VALUE if item is NO_VALUE else [item] * int(schema["minItems"])
    if kind == "object":
        built: dict[str, Any] = {}
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            value = example_value(spec, properties.get(name, {}), depth=depth + 1)
            if value is NO_VALUE:
                return NO_VALUE
            built[name] = value
        return built
    return NO_VALUE


def _parameter_example(spec: Mapping[str, Any], parameter: Mapping[str, Any]) -> Any:
    declared: Any = NO_VALUE
    if "example" in parameter:
        declared = parameter["example"]
    elif isinstance(parameter.get("examples"), Mapping) and parameter["examples"]:
        first = _resolve(spec, next(iter(parameter["examples"].values())))
        declared = first.get("value", NO_VALUE) if isinstance(first, Mapping) else NO_VALUE
    return example_value(spec, parameter.get("schema", {}), declared=declared)


def _is_scalar(spec: Mapping[str, Any], parameter: Mapping[str, Any]) -> bool:
    schema = _resolve(spec, parameter.get("schema", {}))
    kinds = _non_null_types(schema) if isinstance(schema, Mapping) else []
    return len(kinds) == 1 and kinds[0] in _SCALAR_TYPES


def _json_success_statuses(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> frozenset[int]:
    statuses: set[int] = set()
    for code, response in operation.get("responses", {}).items():
        if not (str(code).isdigit() and 200 <= int(code) < 300):
            continue
        content = _resolve(spec, response).get("content", {})
        if any(media.split(";")[0].strip().endswith("json") for media in content):
            statuses.add(int(code))
    return frozenset(statuses)


def _build_operation(
    spec: Mapping[str, Any], tag: str, method: str, path: str, path_item: Mapping[str, Any]
) -> Operation | None:
    """The operation with example inputs, or None when a required input has no valid example."""
    operation = path_item[method]
    parameters = [
        _resolve(spec, p)
        for p in [*path_item.get("parameters", []), *operation.get("parameters", [])]
    ]
    values: dict[str, dict[str, Any]] = {"path": {}, "query": {}}
    all_scalar = True
    for parameter in parameters:
        where = parameter.get("in")
        if not (parameter.get("required") or where == "path"):
            continue
        if where not in values:
            return None  # a required header or cookie: not something examples can carry here
        value = _parameter_example(spec, parameter)
        if value is NO_VALUE:
            return None
        all_scalar = all_scalar and _is_scalar(spec, parameter)
        values[where][parameter["name"]] = value

    body: Any = NO_VALUE
    request_body = _resolve(spec, operation.get("requestBody", {}))
    if request_body:
        media = request_body.get("content", {}).get("application/json")
        if media is None:
            if request_body.get("required"):
                return None
        else:
            declared = media.get("example", NO_VALUE)
            body = example_value(spec, media.get("schema", {}), declared=declared)
            if body is NO_VALUE and request_body.get("required"):
                return None

    return Operation(
        tag=tag,
        method=method,
        path=path,
        operation_id=str(operation.get("operationId", f"{method} {path}")),
        path_params=values["path"],
        query_params=values["query"],
        body=body,
        json_success_statuses=_json_success_statuses(spec, operation),
        simple_get=method == "get" and all_scalar and body is NO_VALUE,
    )


def operations_by_tag(spec: Mapping[str, Any]) -> dict[str, list[Operation]]:
    """Every operation whose required inputs can be built from examples, grouped by tag."""
    grouped: dict[str, list[Operation]] = {}
    for path, path_item in spec.get("paths", {}).items():
        for method in _HTTP_METHODS:
            if method not in path_item:
                continue
            for tag in path_item[method].get("tags") or ["default"]:
                built = _build_operation(spec, tag, method, path, path_item)
                if built is not None:
                    grouped.setdefault(tag, []).append(built)
    return grouped


def spec_tags(spec: Mapping[str, Any]) -> list[str]:
    """Every tag used by an operation, in first-use order."""
    tags: dict[str, None] = {}
    for path_item in spec.get("paths", {}).values():
        for method in _HTTP_METHODS:
            if method in path_item:
                tags.update(dict.fromkeys(path_item[method].get("tags") or ["default"]))
    return list(tags)


def _rank(operation: Operation) -> tuple[bool, int, int, str, str]:
    return (
        not operation.simple_get,
        operation.required_inputs,
        len(operation.path),
        operation.path,
        operation.method,
    )


def ranked_candidates(
    candidates: Mapping[str, Iterable[Operation]], is_generated: Callable[[Operation], bool]
) -> dict[str, list[Operation]]:
    """Each tag's generated operations, best representative first (tags with none left out).

    Best: a GET with only scalar required parameters, then fewer required inputs, then the
    shorter path; ties broken by path and method so the choice is stable.
    """
    ranked: dict[str, list[Operation]] = {}
    for tag, operations in candidates.items():
        ordered = sorted((op for op in operations if is_generated(op)), key=_rank)
        if ordered:
            ranked[tag] = ordered
    return ranked


_METHOD_RE = re.compile(r'"method":\s*"(?P<method>[a-z]+)"')
_URL_RE = re.compile(r'"url":\s*(?:f)?"(?P<url>/[^"]*)"')


def generated_endpoint_index(
    api_dir: Path, package: str = "instantly_api"
) -> dict[tuple[str, str], str]:
    """Map path_key(method, path) to the generated endpoint module that sends that request.

    Read from each module's `_get_kwargs` source (`"method": ...`, `"url": ...`) rather than from
    naming rules, so a renamed tag or operationId cannot hide a module.
    """
    index: dict[tuple[str, str], str] = {}
    for module_path in sorted(api_dir.glob("*/*.py")):
        if module_path.name == "__init__.py":
            continue
        source = module_path.read_text(encoding="utf-8")
        method, url = _METHOD_RE.search(source), _URL_RE.search(source)
        if method is None or url is None:
            continue
        dotted = f"{package}.api.{module_path.parent.name}.{module_path.stem}"
        index[path_key(method["method"], url["url"])] = dotted
    return index


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types in an annotation, without None and the generator's Unset."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
    else:
        members = (annotation,)
    return [m for m in members if m is not type(None) and getattr(m, "__name__", "") != "Unset"]


def coerce_to_annotation(value: Any, annotation: Any) -> Any:
    """Turn a JSON example into what a generated signature expects (enum, model, date, UUID)."""
    for kind in _unwrap(annotation):
        if not isinstance(kind, type):
            continue  # Literal[...] and other special forms take the raw JSON value
        try:
            if issubclass(kind, enum.Enum):
                return kind(value)
            if hasattr(kind, "from_dict") and isinstance(value, Mapping):
                return kind.from_dict(value)
            if issubclass(kind, dt.datetime) and isinstance(value, str):
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if issubclass(kind, dt.date) and isinstance(value, str):
                return dt.date.fromisoformat(value)
            if issubclass(kind, uuid.UUID) and isinstance(value, str):
                return uuid.UUID(value)
        except (ValueError, TypeError, KeyError):
            continue
    return value


def _python_name(spec_name: str, names: Iterable[str]) -> str:
    """The generated argument for a spec parameter: same letters and digits, case-insensitive."""
    wanted = re.sub(r"[^a-z0-9]", "", spec_name.lower())
    for name in names:
        if re.sub(r"[^a-z0-9]", "", name.lower()) == wanted:
            return name
    raise LookupError(f"no generated argument for spec parameter {spec_name!r} among {list(names)}")


@dataclass(frozen=True)
class GeneratedCall:
    """A generated module's `sync_detailed` with keyword arguments built from the examples."""

    module: str
    function: Callable[..., Any]
    kwargs: dict[str, Any]


def generated_call(operation: Operation, module_name: str) -> GeneratedCall:
    """Import the generated module for `operation` and fit the example values to its signature."""
    module = importlib.import_module(module_name)
    function = module.sync_detailed
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    names = [n for n in signature.parameters if n != "client"]
    kwargs: dict[str, Any] = {}
    for spec_name, value in {**operation.path_params, **operation.query_params}.items():
        name = _python_name(spec_name, names)
        kwargs[name] = coerce_to_annotation(value, hints.get(name, Any))
    if operation.body is not NO_VALUE and "body" in signature.parameters:
        kwargs["body"] = coerce_to_annotation(operation.body, hints.get("body", Any))
    return GeneratedCall(module=module_name, function=function, kwargs=kwargs)
