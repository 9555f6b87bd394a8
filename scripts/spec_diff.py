"""What changed between two versions of Instantly's spec, and what of it breaks this client.

Build tooling (the changelog step of the pipeline; `scripts/spec_changelog.py` is its command).
Both specs are read twice: as published, and as this client's normalizer rewrites them before
generating code. A change that only shows in the published specs (an enum value added, a `uuid`
format dropped) is absorbed by the normalizer: *harmless here*, kept as a note for strict
clients. A change that survives normalization is classified by what the generated code does:

- **Breaks this client**: an operation, parameter, request field or response field removed; a
  2xx response or its JSON body removed; a response field made optional (the generated model
  reads it as required) or widened where the generated code parses it (a model, a list of
  models, a timestamp that may now be null or another type); a new required parameter or field,
  an optional one made required, a request type narrowed or changed, a request constraint
  narrowed (`minItems`/`maxItems`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`);
  and every Python-visible rename: a function (operationId), a module (tag), a model class
  (a component's title).
- **Harmless here**: additions (operations, optional inputs, response fields, 2xx statuses, a
  body for a 2xx that had none), relaxations, and response type changes the generated code
  passes through untouched (a scalar that may now be null: the type hint changes, nothing
  raises).

Operations are matched by method and path (path parameter names ignored). `$ref`s are resolved
where used, so a component renamed without a change in shape (`def-12` -> `BackgroundJob`) is no
change; fields are named by dotted path (`items[].warmup.limit`). A change inside a shared
component is reported once, with the component's field and every operation it reaches.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from scripts.normalize import (
    HTTP_METHODS,
    PointerError,
    is_json_media_type,
    iter_operations,
    normalize,
    pascal_case,
    python_attribute_name,
    resolve_pointer,
)

__all__ = ["MAX_DEPTH", "Change", "ChangeKind", "SpecDiff", "diff_specs"]

MAX_DEPTH = 8

ChangeKind = Literal[
    "operation-added",
    "operation-removed",
    "function-renamed",
    "module-renamed",
    "class-renamed",
    "parameter-added",
    "parameter-removed",
    "request-body-added",
    "request-body-removed",
    "response-added",
    "response-removed",
    "media-type-changed",
    "field-added",
    "field-removed",
    "required-added",
    "required-removed",
    "type-narrowed",
    "type-widened",
    "type-changed",
    "enum-values-added",
    "enum-values-removed",
    "enum-constraint-added",
    "enum-constraint-removed",
    "constraint-narrowed",
    "constraint-relaxed",
]
Side = Literal["request", "response"]
Verdict = Literal["breaks", "harmless"]

_METHOD_ORDER = {m.upper(): i for i, m in enumerate(HTTP_METHODS)}
_PATH_PARAM = re.compile(r"\{[^}]*\}")
_SCHEMA_PREFIX = "#/components/schemas/"
_PARSED_FORMATS = frozenset({"date-time", "date"})
_LOWER_BOUNDS = ("minItems", "minimum", "exclusiveMinimum", "minLength")
_UPPER_BOUNDS = ("maxItems", "maximum", "exclusiveMaximum", "maxLength")


@dataclass(frozen=True, order=True)
class Change:
    """One change; `verdict` says whether it breaks this client, `reaches` the operations."""

    path: str
    method: str
    location: str  # "query parameter", "request body", "response 200"; "" for the operation
    name: str  # dotted field path; the parameter name; "" for a body's root
    kind: ChangeKind
    old: str | None = None
    new: str | None = None
    values: tuple[str, ...] = ()
    verdict: Verdict = "harmless"
    note: str = field(default="", compare=False)
    operation_id: str | None = field(default=None, compare=False)
    component: str = field(default="", compare=False)  # "Account.warmup.limit" when shared
    reaches: tuple[str, ...] = field(default=(), compare=False)

    @property
    def breaking(self) -> bool:
        """True when the change breaks this client."""
        return self.verdict == "breaks"

    @property
    def operation(self) -> str:
        """`METHOD /path`."""
        return f"{self.method} {self.path}".strip()

    @property
    def message(self) -> str:
        """The change in one line of markdown, without the operation."""
        where = self.location
        if self.component:
            where = f"`{self.component}` ({self.location.split(' ')[0]})"
        elif self.name:
            where = f"{where} `{self.name}`"
        listed = ", ".join(f"`{v}`" for v in self.values)
        text = {
            "operation-added": "operation added",
            "operation-removed": "operation removed",
            "function-renamed": f"function renamed: `{self.old}` → `{self.new}`",
            "module-renamed": f"module moved: `{self.old}` → `{self.new}`",
            "class-renamed": f"model class renamed: `{self.old}` → `{self.new}`",
            "parameter-added": f"{where} added ({self.new})",
            "parameter-removed": f"{where} removed",
            "request-body-added": f"request body added ({self.new})",
            "request-body-removed": "request body removed",
            "response-added": f"{self.location} added",
            "response-removed": f"{self.location} removed",
            "media-type-changed": f"{self.location} body `{self.old}` → `{self.new}`",
            "field-added": f"{where} added ({self.new})",
            "field-removed": f"{where} removed",
            "required-added": f"{where} became required",
            "required-removed": f"{where} became optional",
            "type-narrowed": f"{where} type narrowed: `{self.old}` → `{self.new}`",
            "type-widened": f"{where} type widened: `{self.old}` → `{self.new}`",
            "type-changed": f"{where} type changed: `{self.old}` → `{self.new}`",
            "enum-values-added": f"{where} enum values added: {listed}",
            "enum-values-removed": f"{where} enum values removed: {listed}",
            "enum-constraint-added": f"{where} now restricted to: {listed}",
            "enum-constraint-removed": f"{where} no longer restricted to: {listed}",
            "constraint-narrowed": f"{where} constraint narrowed: {self.old} → {self.new}",
            "constraint-relaxed": f"{where} constraint relaxed: {self.old} → {self.new}",
        }[self.kind]
        return f"{text} — {self.note}" if self.note else text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form of the change."""
        return {
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "location": self.location,
            "name": self.name,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "values": list(self.values),
            "breaking": self.breaking,
            "verdict": self.verdict,
            "note": self.note,
            "component": self.component,
            "reaches": list(self.reaches),
            "message": self.message,
        }


# --- resolving and flattening schemas ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    """What is compared for one field; `origin` (not compared) is its shared component's field."""

    types: frozenset[str] | None
    format: str | None
    enum: frozenset[str] | None
    required: bool
    bounds: tuple[tuple[str, Any], ...] = ()
    parsed: bool = False  # the generated code parses it (a model, a timestamp, a list of those)
    origin: str = field(default="", compare=False)

    def type_label(self) -> str:
        if self.types is None:
            return f"any({self.format})" if self.format else "any"
        fmt = f"({self.format})" if self.format else ""
        return " | ".join(
            t + fmt if t in ("string", "number", "integer") else t for t in sorted(self.types)
        )


@dataclass(slots=True)
class _Shape:
    types: frozenset[str] | None = None
    format: str | None = None
    enum: frozenset[str] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Any = None
    additional: Any = None
    refs: frozenset[str] = frozenset()
    bounds: dict[str, Any] = field(default_factory=dict)
    origin: str = ""


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _enum_sort_key(canonical: str) -> tuple[int, float, str]:
    value = json.loads(canonical)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), canonical)
    return (1, 0.0, canonical)


def _declared_types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {t for t in declared if isinstance(t, str)}
    elif "properties" in schema:
        types = {"object"}
    elif "items" in schema:
        types = {"array"}
    else:
        return None
    if schema.get("nullable") is True:
        types.add("null")
    return frozenset(types)


class _Resolver:
    """Resolves local `$ref`s of one document (one pointer resolver) and folds schemas."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._cache: dict[str, Any] = {}

    def lookup(self, ref: str) -> Any:
        if ref not in self._cache:
            try:
                self._cache[ref] = resolve_pointer(self.document, ref)
            except PointerError:
                self._cache[ref] = None
        return self._cache[ref]

    def deref(self, obj: Any) -> tuple[Any, tuple[str, ...]]:
        """The object a `$ref` chain ends at (None if it dangles), and the refs followed."""
        followed: list[str] = []
        while isinstance(obj, Mapping) and isinstance(obj.get("$ref"), str):
            ref = obj["$ref"]
            if ref in followed:
                return None, tuple(followed)
            followed.append(ref)
            obj = self.lookup(ref)
        return obj, tuple(followed)

    def shape(self, schema: Any, seen: frozenset[str]) -> _Shape:
        resolved, chain = self.deref(schema)
        refs = frozenset(chain)
        if not isinstance(resolved, Mapping) or refs & seen:
            return _Shape(refs=refs)
        seen = seen | refs
        component = next(
            (
                r.removeprefix(_SCHEMA_PREFIX)
                for r in reversed(chain)
                if r.startswith(_SCHEMA_PREFIX)
            ),
            "",
        )
        out = _Shape(
            types=_declared_types(resolved),
            format=resolved["format"] if isinstance(resolved.get("format"), str) else None,
            properties=dict(resolved.get("properties") or {}),
            required={r for r in resolved.get("required") or () if isinstance(r, str)},
            items=resolved.get("items") if isinstance(resolved.get("items"), Mapping) else None,
            refs=refs,
            bounds={
                k: resolved[k] for k in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "pattern") if k in resolved
            },
            origin=component,
        )
        if isinstance(resolved.get("enum"), list):
            out.enum = frozenset(_canonical(v) for v in resolved["enum"])
        elif "const" in resolved:
            out.enum = frozenset({_canonical(resolved["const"])})
        if isinstance(resolved.get("additionalProperties"), Mapping):
            out.additional = resolved["additionalProperties"]
        for sub in resolved.get("allOf") or ():
            self._merge_all_of(out, self.shape(sub, seen))
        variants = [self.shape(v, seen) for k in ("anyOf", "oneOf") for v in resolved.get(k) or ()]
        if variants:
            self._merge_variants(out, variants)
        return out

    @staticmethod
    def _merge_all_of(out: _Shape, part: _Shape) -> None:
        if out.types is None:
            out.types = part.types
        elif part.types is not None and out.types & part.types:
            out.types = out.types & part.types
        out.format = out.format or part.format
        out.enum = out.enum if out.enum is not None else part.enum
        for name, prop in part.properties.items():
            out.properties.setdefault(name, prop)
        out.required |= part.required
        out.items = out.items if out.items is not None else part.items
        out.additional = out.additional if out.additional is not None else part.additional
        out.refs |= part.refs
        out.origin = out.origin or part.origin
        for key, value in part.bounds.items():
            out.bounds.setdefault(key, value)

    @staticmethod
    def _merge_variants(out: _Shape, variants: list[_Shape]) -> None:
        if out.types is None and all(v.types is not None for v in variants):
            out.types = frozenset().union(*(v.types or () for v in variants))
        non_null = [v for v in variants if v.types != frozenset({"null"})]
        if out.format is None:
            formats = {v.format for v in non_null}
            if len(formats) == 1:
                out.format = formats.pop()
        if out.enum is None and non_null and all(v.enum is not None for v in non_null):
            out.enum = frozenset().union(*(v.enum or () for v in non_null))
            if any(v.types == frozenset({"null"}) for v in variants):
                out.enum |= {"null"}
        objects = [v for v in non_null if v.properties]
        for variant in objects:
            for name, prop in variant.properties.items():
                out.properties.setdefault(name, prop)
        if objects:
            out.required |= set.intersection(*(v.required for v in objects))
        for variant in non_null:
            out.items = out.items if out.items is not None else variant.items
            out.additional = out.additional if out.additional is not None else variant.additional
        for variant in variants:
            out.refs |= variant.refs
        origins = {v.origin for v in non_null if v.origin}
        if not out.origin and len(origins) == 1:
            out.origin = origins.pop()

    def flatten(self, schema: Any, name: str, *, required: bool) -> dict[str, _Node]:
        """Every field of `schema` by dotted path, `name` being the root's path."""
        nodes: dict[str, _Node] = {}
        self._flatten_into(nodes, schema, name, required, 0, frozenset(), "")
        return nodes

    def _flatten_into(
        self,
        nodes: dict[str, _Node],
        schema: Any,
        name: str,
        required: bool,
        depth: int,
        seen: frozenset[str],
        origin: str,
    ) -> bool:
        """Add the nodes of `schema`; True when the generated code parses its value."""
        shape = self.shape(schema, seen)
        if shape.origin:
            origin = shape.origin
        index = len(nodes)
        nodes[name] = _Node(shape.types, shape.format, shape.enum, required, origin=origin)
        parsed = bool(shape.properties) or shape.format in _PARSED_FORMATS
        if depth < MAX_DEPTH and not shape.refs & seen:
            seen = seen | shape.refs
            prefix = f"{name}." if name else ""
            for prop in sorted(shape.properties):
                self._flatten_into(
                    nodes,
                    shape.properties[prop],
                    prefix + prop,
                    prop in shape.required,
                    depth + 1,
                    seen,
                    f"{origin}.{prop}" if origin else "",
                )
            if shape.items is not None:
                parsed |= self._flatten_into(
                    nodes,
                    shape.items,
                    f"{name}[]",
                    True,
                    depth + 1,
                    seen,
                    f"{origin}[]" if origin else "",
                )
            if shape.additional is not None:
                self._flatten_into(
                    nodes,
                    shape.additional,
                    f"{prefix}*",
                    False,
                    depth + 1,
                    seen,
                    f"{origin}.*" if origin else "",
                )
        del index
        nodes[name] = replace(
            nodes[name], bounds=tuple(sorted(shape.bounds.items())), parsed=parsed
        )
        return parsed


# --- comparing -----------------------------------------------------------------------------------


def _admits(wide: _Node, narrow: _Node) -> bool:
    if wide.format is not None and wide.format != narrow.format:
        return False
    if wide.types is None:
        return True
    if narrow.types is None:
        return False
    return all(t in wide.types or (t == "integer" and "number" in wide.types) for t in narrow.types)


def _parent(name: str) -> str | None:
    if name.endswith("[]"):
        return name[:-2]
    if "." in name:
        return name.rsplit(".", 1)[0]
    return "" if name else None


def _requiredness(required: bool) -> str:
    return "required" if required else "optional"


def _bound_label(bounds: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(bounds.items())) or "none"


def _bounds_narrowed(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[bool, bool]:
    """(narrowed, relaxed): whether `new` refuses values `old` accepted, and the reverse."""
    narrowed = relaxed = False
    for key in _LOWER_BOUNDS:
        a, b = old.get(key), new.get(key)
        if isinstance(b, int | float) and (a is None or (isinstance(a, int | float) and b > a)):
            narrowed = True
        if isinstance(a, int | float) and (b is None or (isinstance(b, int | float) and b < a)):
            relaxed = True
    for key in _UPPER_BOUNDS:
        a, b = old.get(key), new.get(key)
        if isinstance(b, int | float) and (a is None or (isinstance(a, int | float) and b < a)):
            narrowed = True
        if isinstance(a, int | float) and (b is None or (isinstance(b, int | float) and b > a)):
            relaxed = True
    if old.get("pattern") != new.get("pattern"):
        narrowed |= new.get("pattern") is not None
        relaxed |= old.get("pattern") is not None
    return narrowed, relaxed


class _OperationDiffer:
    """Collects the changes of one operation present in both specs."""

    def __init__(self, method: str, path: str, operation_id: str | None) -> None:
        self.method, self.path, self.operation_id = method, path, operation_id
        self.changes: list[Change] = []

    def add(
        self,
        location: str,
        name: str,
        kind: ChangeKind,
        verdict: Verdict,
        *,
        old: str | None = None,
        new: str | None = None,
        values: Iterable[str] = (),
        note: str = "",
        origin: str = "",
    ) -> None:
        self.changes.append(
            Change(
                path=self.path,
                method=self.method,
                location=location,
                name=name,
                kind=kind,
                old=old,
                new=new,
                values=tuple(sorted(values, key=_enum_sort_key)),
                verdict=verdict,
                note=note,
                operation_id=self.operation_id,
                component=origin,
            )
        )

    def compare_fields(
        self,
        location: str,
        side: Side,
        old_nodes: Mapping[str, _Node],
        new_nodes: Mapping[str, _Node],
        *,
        roots: frozenset[str] = frozenset(),
    ) -> None:
        added = new_nodes.keys() - old_nodes.keys()
        removed = old_nodes.keys() - new_nodes.keys()
        request = side == "request"
        for name in sorted(added):
            if _parent(name) in added:
                continue
            node = new_nodes[name]
            kind: ChangeKind = "parameter-added" if name in roots else "field-added"
            verdict: Verdict = "breaks" if request and node.required else "harmless"
            self.add(
                location,
                name,
                kind,
                verdict,
                new=_requiredness(node.required),
                origin=_origin_of(new_nodes, name),
            )
        for name in sorted(removed):
            if _parent(name) in removed:
                continue
            kind = "parameter-removed" if name in roots else "field-removed"
            self.add(location, name, kind, "breaks", origin=_origin_of(old_nodes, name))
        for name in sorted(old_nodes.keys() & new_nodes.keys()):
            self._compare_node(location, side, name, old_nodes[name], new_nodes[name])

    def _compare_node(self, location: str, side: Side, name: str, old: _Node, new: _Node) -> None:
        request = side == "request"
        origin = new.origin if new.origin and old.origin else ""

        def add(kind: ChangeKind, verdict: Verdict, **kwargs: Any) -> None:
            self.add(location, name, kind, verdict, origin=origin, **kwargs)

        if old.required != new.required:
            if new.required:
                add("required-added", "breaks" if request else "harmless")
            else:
                add(
                    "required-removed",
                    "harmless" if request else "breaks",
                    note="" if request else "the generated model reads it as required",
                )
        old_label, new_label = old.type_label(), new.type_label()
        if old_label != new_label:
            wider, narrower = _admits(new, old), _admits(old, new)
            kind: ChangeKind = "type-changed"
            if wider and not narrower:
                kind = "type-widened"
            elif narrower and not wider:
                kind = "type-narrowed"
            if request:
                verdict: Verdict = "harmless" if kind == "type-widened" else "breaks"
                note = ""
            elif kind == "type-narrowed":
                verdict, note = "harmless", ""
            elif old.parsed:
                verdict, note = "breaks", "the generated code parses the old type"
            else:
                verdict, note = "harmless", "passed through as is; only the type hint changes"
            add(kind, verdict, old=old_label, new=new_label, note=note)
        if old.enum is not None and new.enum is not None:
            if gained := new.enum - old.enum:
                add("enum-values-added", "harmless", values=gained)
            if lost := old.enum - new.enum:
                add("enum-values-removed", "breaks" if request else "harmless", values=lost)
        elif new.enum is not None:
            add("enum-constraint-added", "breaks" if request else "harmless", values=new.enum)
        elif old.enum is not None:
            add("enum-constraint-removed", "harmless", values=old.enum)
        if request and old.bounds != new.bounds:
            narrowed, relaxed = _bounds_narrowed(dict(old.bounds), dict(new.bounds))
            labels = {"old": _bound_label(dict(old.bounds)), "new": _bound_label(dict(new.bounds))}
            if narrowed:
                add("constraint-narrowed", "breaks", **labels)
            elif relaxed:
                add("constraint-relaxed", "harmless", **labels)


def _origin_of(nodes: Mapping[str, _Node], name: str) -> str:
    node = nodes.get(name)
    return node.origin if node is not None else ""


@dataclass(frozen=True)
class _Operation:
    method: str
    path: str
    document: Mapping[str, Any]
    path_parameters: tuple[Any, ...]

    @property
    def operation_id(self) -> str | None:
        op_id = self.document.get("operationId")
        return op_id if isinstance(op_id, str) else None

    @property
    def tag(self) -> str:
        tags = self.document.get("tags")
        return str(tags[0]) if isinstance(tags, list) and tags else "default"


def _operations(document: Mapping[str, Any]) -> dict[tuple[str, str], _Operation]:
    """Operations keyed by (path with parameter names blanked, METHOD); the one walker."""
    found: dict[tuple[str, str], _Operation] = {}
    paths = document.get("paths")
    for path, method, op in iter_operations(dict(document)):
        item = paths.get(path) if isinstance(paths, Mapping) else None
        shared = tuple(item.get("parameters") or ()) if isinstance(item, Mapping) else ()
        key = (_PATH_PARAM.sub("{}", path), method.upper())
        found[key] = _Operation(method.upper(), path, op, shared)
    return found


def _parameters(resolver: _Resolver, operation: _Operation) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for raw in (*operation.path_parameters, *(operation.document.get("parameters") or ())):
        param, _ = resolver.deref(raw)
        if isinstance(param, Mapping) and isinstance(param.get("name"), str):
            found[(str(param.get("in", "query")), param["name"])] = param
    return found


def _parameter_nodes(
    resolver: _Resolver, params: Mapping[tuple[str, str], Any], location: str
) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for (where, name), param in params.items():
        if where == location:
            required = bool(param.get("required")) or where == "path"
            nodes.update(resolver.flatten(param.get("schema"), name, required=required))
    return nodes


def _pick_media(content: Any) -> tuple[str | None, Any]:
    """The media type the generator uses (the first JSON one, else the first) and its schema."""
    if not isinstance(content, Mapping) or not content:
        return None, None
    media = next((m for m in content if is_json_media_type(m)), next(iter(content)))
    entry = content[media]
    return media, entry.get("schema") if isinstance(entry, Mapping) else None


def _success_responses(resolver: _Resolver, operation: _Operation) -> dict[str, Any]:
    responses = operation.document.get("responses")
    if not isinstance(responses, Mapping):
        return {}
    found: dict[str, Any] = {}
    for status, raw in responses.items():
        if str(status).upper().startswith("2"):
            response, _ = resolver.deref(raw)
            found[str(status)] = response if isinstance(response, Mapping) else {}
    return found


def _module(operation: _Operation) -> str:
    return f"api.{python_attribute_name(operation.tag)}"


def _diff_operation(
    old_res: _Resolver, new_res: _Resolver, old: _Operation, new: _Operation
) -> list[Change]:
    differ = _OperationDiffer(new.method, new.path, new.operation_id)
    old_fn = python_attribute_name(old.operation_id or "")
    new_fn = python_attribute_name(new.operation_id or "")
    if old_fn != new_fn:
        differ.add("", "", "function-renamed", "breaks", old=old_fn, new=new_fn)
    if _module(old) != _module(new):
        differ.add(
            "",
            "",
            "module-renamed",
            "breaks",
            old=f"{_module(old)}.{old_fn}",
            new=f"{_module(new)}.{new_fn}",
        )
    old_params, new_params = _parameters(old_res, old), _parameters(new_res, new)
    for where in sorted({w for w, _ in old_params} | {w for w, _ in new_params}):
        differ.compare_fields(
            f"{where} parameter",
            "request",
            _parameter_nodes(old_res, old_params, where),
            _parameter_nodes(new_res, new_params, where),
            roots=frozenset(n for w, n in (*old_params, *new_params) if w == where),
        )
    old_body, _ = old_res.deref(old.document.get("requestBody"))
    new_body, _ = new_res.deref(new.document.get("requestBody"))
    old_body = old_body if isinstance(old_body, Mapping) else None
    new_body = new_body if isinstance(new_body, Mapping) else None
    if old_body is None and new_body is not None:
        required = bool(new_body.get("required"))
        differ.add(
            "request body",
            "",
            "request-body-added",
            "breaks" if required else "harmless",
            new=_requiredness(required),
        )
    elif old_body is not None and new_body is None:
        differ.add("request body", "", "request-body-removed", "breaks")
    elif old_body is not None and new_body is not None:
        old_req, new_req = bool(old_body.get("required")), bool(new_body.get("required"))
        if old_req != new_req:
            differ.add(
                "request body",
                "",
                "required-added" if new_req else "required-removed",
                "breaks" if new_req else "harmless",
            )
        _compare_bodies(differ, old_res, new_res, "request body", "request", old_body, new_body)
    old_responses = _success_responses(old_res, old)
    new_responses = _success_responses(new_res, new)
    for status in sorted(old_responses.keys() | new_responses.keys()):
        location = f"response {status}"
        if status not in new_responses:
            differ.add(location, "", "response-removed", "breaks")
        elif status not in old_responses:
            differ.add(location, "", "response-added", "harmless")
        else:
            _compare_bodies(
                differ,
                old_res,
                new_res,
                location,
                "response",
                old_responses[status],
                new_responses[status],
            )
    return differ.changes


def _compare_bodies(
    differ: _OperationDiffer,
    old_res: _Resolver,
    new_res: _Resolver,
    location: str,
    side: Side,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> None:
    old_media, old_schema = _pick_media(old.get("content"))
    new_media, new_schema = _pick_media(new.get("content"))
    if old_media != new_media:
        old_json = old_media is not None and is_json_media_type(old_media)
        new_json = new_media is not None and is_json_media_type(new_media)
        if old_media is None or (old_json and new_json):
            verdict: Verdict = "harmless"  # a body where there was none, or another JSON type
        else:
            verdict = "breaks"
        if not (old_json and new_json):
            differ.add(
                location, "", "media-type-changed", verdict, old=str(old_media), new=str(new_media)
            )
            return
    if old_schema is None and new_schema is None:
        return
    differ.compare_fields(
        location,
        side,
        old_res.flatten(old_schema, "", required=True),
        new_res.flatten(new_schema, "", required=True),
    )


def _class_names(document: Mapping[str, Any]) -> dict[str, str]:
    """Component key -> the model class the generator names after it (its title, else key)."""
    schemas = document.get("components", {}).get("schemas", {})
    names: dict[str, str] = {}
    for key, schema in schemas.items() if isinstance(schemas, Mapping) else ():
        title = schema.get("title") if isinstance(schema, Mapping) else None
        names[key] = pascal_case(title) if isinstance(title, str) and pascal_case(title) else key
    return names


def _class_renames(
    old_doc: Mapping[str, Any], new_doc: Mapping[str, Any], pairs: set[tuple[str, str]]
) -> list[Change]:
    """Model classes whose name changed, from components used at the same place in both."""
    old_names, new_names = _class_names(old_doc), _class_names(new_doc)
    renames: dict[str, str] = {}
    for old_key, new_key in sorted(pairs):
        old_class, new_class = old_names.get(old_key), new_names.get(new_key)
        if (
            old_class
            and new_class
            and old_class != new_class
            and old_class not in new_names.values()
        ):
            renames.setdefault(old_class, new_class)
    return [
        Change("", "", "", "", "class-renamed", old=o, new=n, verdict="breaks")
        for o, n in sorted(renames.items())
    ]


def _component_pairs(
    old_res: _Resolver, new_res: _Resolver, pairs: Iterable[tuple[_Operation, _Operation]]
) -> set[tuple[str, str]]:
    """(old component, new component) used by the same field of the same operation."""
    found: set[tuple[str, str]] = set()
    for old, new in pairs:
        for location in ("requestBody",):
            o, _ = old_res.deref(old.document.get(location))
            n, _ = new_res.deref(new.document.get(location))
            _pair_nodes(old_res, new_res, o, n, found)
        old_r, new_r = _success_responses(old_res, old), _success_responses(new_res, new)
        for status in old_r.keys() & new_r.keys():
            _pair_nodes(old_res, new_res, old_r[status], new_r[status], found)
    return found


def _pair_nodes(
    old_res: _Resolver, new_res: _Resolver, old: Any, new: Any, found: set[tuple[str, str]]
) -> None:
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return
    _, old_schema = _pick_media(old.get("content"))
    _, new_schema = _pick_media(new.get("content"))
    old_nodes = old_res.flatten(old_schema, "", required=True)
    new_nodes = new_res.flatten(new_schema, "", required=True)
    for name in old_nodes.keys() & new_nodes.keys():
        o, n = old_nodes[name].origin, new_nodes[name].origin
        if o and n and "." not in o and "." not in n and "[" not in o and "[" not in n:
            found.add((o, n))


def _diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    old_res, new_res = _Resolver(old), _Resolver(new)
    old_ops, new_ops = _operations(old), _operations(new)
    changes: list[Change] = []
    for key in old_ops.keys() - new_ops.keys():
        op = old_ops[key]
        changes.append(
            Change(
                op.path,
                op.method,
                "",
                "",
                "operation-removed",
                verdict="breaks",
                operation_id=op.operation_id,
            )
        )
    for key in new_ops.keys() - old_ops.keys():
        op = new_ops[key]
        changes.append(
            Change(op.path, op.method, "", "", "operation-added", operation_id=op.operation_id)
        )
    common = [(old_ops[k], new_ops[k]) for k in old_ops.keys() & new_ops.keys()]
    for old_op, new_op in common:
        changes += _diff_operation(old_res, new_res, old_op, new_op)
    changes += _class_renames(old, new, _component_pairs(old_res, new_res, common))
    return changes


def _merge_shared(changes: list[Change]) -> list[Change]:
    """One change per shared component field, listing the operations it reaches."""
    groups: dict[tuple[Any, ...], list[Change]] = defaultdict(list)
    single: list[Change] = []
    for change in changes:
        if change.component:
            side = change.location.split(" ")[0]
            key = (
                change.component,
                side,
                change.kind,
                change.old,
                change.new,
                change.values,
                change.verdict,
            )
            groups[key].append(change)
        else:
            single.append(change)
    for group in groups.values():
        reaches = tuple(sorted({c.operation for c in group}, key=_operation_order))
        first = min(group)
        if len(reaches) == 1:
            single += [replace(c, component="") for c in group]
        else:
            single.append(replace(first, reaches=reaches))
    return single


def _operation_order(operation: str) -> tuple[str, int]:
    method, _, path = operation.partition(" ")
    return (path, _METHOD_ORDER.get(method, len(_METHOD_ORDER)))


def _sort_key(change: Change) -> tuple[Any, ...]:
    return (change.path, _METHOD_ORDER.get(change.method, len(_METHOD_ORDER)), change)


@dataclass(frozen=True)
class SpecDiff:
    """Every change between two specs, classified; empty when nothing a client sees changed."""

    changes: tuple[Change, ...]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def breaking(self) -> tuple[Change, ...]:
        """The changes that break this client."""
        return tuple(c for c in self.changes if c.breaking)

    def summary(self) -> dict[str, int]:
        """Counts: operations added/removed/changed, changes, breaking and harmless ones."""
        touched = {c.operation for c in self.changes if c.path} | {
            r for c in self.changes for r in c.reaches
        }
        whole = {
            c.operation for c in self.changes if c.kind in ("operation-added", "operation-removed")
        }
        return {
            "operations_added": sum(c.kind == "operation-added" for c in self.changes),
            "operations_removed": sum(c.kind == "operation-removed" for c in self.changes),
            "operations_changed": len(touched - whole),
            "changes": len(self.changes),
            "breaking": len(self.breaking),
            "harmless": len(self.changes) - len(self.breaking),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "changes": [c.to_dict() for c in self.changes]}

    def to_markdown(self, title: str) -> str:
        """A changelog section: what breaks this client, then what is harmless here."""
        lines = [f"## {title}", ""]
        if self.is_empty:
            lines.append("No changes to operations, parameters, request bodies or 2xx responses.")
            return "\n".join(lines) + "\n"
        s = self.summary()
        lines.append(
            f"**Summary:** {s['operations_added']} operations added, "
            f"{s['operations_removed']} removed, {s['operations_changed']} changed; "
            f"**{s['breaking']} changes break this client**, {s['harmless']} are harmless here."
        )
        lines += _render_part("Breaks this client", list(self.breaking), full=True)
        harmless = [c for c in self.changes if not c.breaking]
        lines += _render_part("Harmless here", harmless, full=False)
        return "\n".join(lines) + "\n"


def _label(change: Change) -> str:
    label = f"`{change.operation}`"
    return f"{label} ({change.operation_id})" if change.operation_id else label


def _reach_text(reaches: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(f"`{r}`" for r in reaches[:limit])
    more = f" and {len(reaches) - limit} more" if len(reaches) > limit else ""
    return f"reaches {len(reaches)} operations: {shown}{more}"


def _render_part(heading: str, changes: list[Change], *, full: bool) -> list[str]:
    """Markdown for one part. `full`: every change; else kinds counted, shared ones listed."""
    if not changes:
        return []
    lines = ["", f"### {heading} ({len(changes)})"]
    renames = [c for c in changes if c.kind.endswith("-renamed")]
    if renames:
        lines += ["", "Python-visible renames:", ""]
        lines += [f"- {_label(c)}: {c.message}" if c.path else f"- {c.message}" for c in renames]
    for kind, title in (
        ("operation-removed", "Removed operations"),
        ("operation-added", "Added operations"),
    ):
        whole = [c for c in changes if c.kind == kind]
        if whole:
            listed = ", ".join(f"`{c.operation}`" for c in whole)
            lines += ["", f"{title} ({len(whole)}): {listed}"]
    shared = [c for c in changes if c.reaches]
    rest = [
        c
        for c in changes
        if not c.reaches
        and c.path
        and c.kind not in ("operation-removed", "operation-added")
        and not c.kind.endswith("-renamed")
    ]
    if shared:
        lines += ["", "Shared schemas (each change once, with the operations it reaches):", ""]
        lines += [f"- {c.message}; {_reach_text(c.reaches)}" for c in shared]
    if not rest:
        return lines
    if full:
        lines += ["", "Per operation:", ""]
        by_op: dict[str, list[Change]] = defaultdict(list)
        for change in rest:
            by_op[change.operation].append(change)
        for op in sorted(by_op, key=_operation_order):
            group = by_op[op]
            if len(group) == 1:
                lines.append(f"- {_label(group[0])}: {group[0].message}")
            else:
                lines.append(f"- {_label(group[0])}:")
                lines += [f"  - {c.message}" for c in group]
    else:
        counts: dict[str, set[str]] = defaultdict(set)
        for change in rest:
            counts[change.kind].add(change.operation)
        lines += ["", "Per operation, by kind:", ""]
        for kind in sorted(counts):
            n = sum(1 for c in rest if c.kind == kind)
            lines.append(f"- {kind}: {n} in {len(counts[kind])} operations")
    return lines


def diff_specs(
    old: Mapping[str, Any], new: Mapping[str, Any], *, normalized: bool = True
) -> SpecDiff:
    """The changes from spec `old` to spec `new`, classified for this client.

    With `normalized` (the default), changes are judged on the normalized specs, and those only
    in the published specs are reported as harmless here (absorbed by the normalizer).
    """
    raw = _diff_documents(old, new)
    if not normalized:
        changes = raw
    else:
        judged = _diff_documents(normalize(dict(old)), normalize(dict(new)))
        seen = {(c.path, c.method, c.location, c.name, c.kind) for c in judged}
        absorbed = [
            replace(c, verdict="harmless", note="absorbed by the normalizer")
            for c in raw
            if (c.path, c.method, c.location, c.name, c.kind) not in seen
            and c.kind != "class-renamed"
        ]
        changes = judged + absorbed
    merged = _merge_shared(changes)
    return SpecDiff(tuple(sorted(merged, key=_sort_key)))
