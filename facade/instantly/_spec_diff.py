"""What changed between two versions of Instantly's OpenAPI spec, and which changes break clients.

Used by the regeneration pipeline (``scripts/spec_changelog.py`` writes ``openapi/CHANGELOG.md``)
and by ``instantly spec diff OLD NEW``. Standard library only: it must not import the generated
package, so it works on any two spec files.

How specs are compared. Operations are matched by HTTP method and path (path parameter names are
ignored for matching, so ``/x/{id}`` and ``/x/{jobId}`` are the same operation). Every ``$ref`` is
resolved at the place it is used and schemas are compared by structure, so renaming a component
(Instantly renamed ``def-12`` to ``BackgroundJob`` in 2026) is not a change. For each operation the
parameters, the request body and every 2xx response body are flattened into fields named by a
dotted path (``items[].warmup.limit``; ``[]`` is an array's items, ``.*`` an object's additional
properties), down to ``MAX_DEPTH`` levels; ``allOf`` is merged and ``anyOf``/``oneOf`` are taken
as the union of their variants. A field's type is its JSON types plus ``format``
(``null | string(uuid)``), compared as the set of values it admits.

Which changes are breaking. The rule is wire compatibility for a client built from the old spec:
what it sends must still be accepted, what it receives must still be understood.

- Always breaking: an operation, parameter, request body, 2xx response or field removed; an
  operationId renamed (the generated function is renamed); the body's media type changed; a type
  changed to an unrelated one (``string`` -> ``integer``).
- Request side (parameters, request body) -- breaking: a new required parameter or field, an
  optional one made required, a type narrowed (fewer types, ``format`` added, ``number`` ->
  ``integer``, an ``enum`` imposed), enum values removed. Not breaking: new optional parameters
  or fields, required made optional, a type widened, enum values added.
- Response side (2xx bodies) -- breaking: a required field made optional, a type widened (now
  nullable, ``format`` dropped as in ``uuid`` -> plain string, an ``enum`` lifted), enum values
  added (a client built from the old spec rejects a value it has never seen). Not breaking: new
  fields, optional made required, a type narrowed, enum values removed, a new 2xx status.

Output is deterministic: changes are sorted by path, method, location and field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "MAX_DEPTH",
    "Change",
    "ChangeKind",
    "SpecDiff",
    "diff_specs",
]

# How many levels of nested objects/arrays are compared below a parameter or body.
MAX_DEPTH = 8

ChangeKind = Literal[
    "operation-added",
    "operation-removed",
    "operation-id-changed",
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
]

Side = Literal["request", "response"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_METHOD_ORDER = {m.upper(): i for i, m in enumerate(_METHODS)}
_PATH_PARAM = re.compile(r"\{[^}]*\}")
_JSON_MEDIA_TYPE = "application/json"

# Kinds whose breaking-ness depends only on the side (request/response) they occur on.
_BREAKING_BY_SIDE: dict[str, tuple[bool, bool]] = {
    # kind: (breaking on the request side, breaking on the response side)
    "field-removed": (True, True),
    "type-changed": (True, True),
    "required-added": (True, False),
    "required-removed": (False, True),
    "type-narrowed": (True, False),
    "type-widened": (False, True),
    "enum-constraint-added": (True, False),
    "enum-constraint-removed": (False, True),
    "enum-values-added": (False, True),
    "enum-values-removed": (True, False),
}


@dataclass(frozen=True, order=True)
class Change:
    """One change to one operation; ``message`` says it in words, ``breaking`` classifies it."""

    path: str
    method: str
    location: str  # "query parameter", "request body", "response 200"; "" for the operation
    name: str  # dotted field path; the parameter name for parameters; "" for a body's root
    kind: ChangeKind
    old: str | None = None
    new: str | None = None
    values: tuple[str, ...] = ()
    breaking: bool = False
    operation_id: str | None = field(default=None, compare=False)

    @property
    def operation(self) -> str:
        """``METHOD /path``, how the operation is named in the changelog."""
        return f"{self.method} {self.path}"

    @property
    def message(self) -> str:
        """The change in one line of markdown, without the operation."""
        where = self.location
        if self.name:
            where = f"{where} `{self.name}`"
        elif self.location.startswith(("request", "response")) and not self.kind.startswith(
            "required-"
        ):
            where = f"{where} (root)"
        listed = ", ".join(f"`{v}`" for v in self.values)
        match self.kind:
            case "operation-added":
                return "operation added"
            case "operation-removed":
                return "operation removed"
            case "operation-id-changed":
                return f"operationId renamed from `{self.old}` to `{self.new}`"
            case "parameter-added":
                return f"{where} added ({self.new})"
            case "parameter-removed":
                return f"{where} removed"
            case "request-body-added":
                return f"request body added ({self.new})"
            case "request-body-removed":
                return "request body removed"
            case "response-added":
                return f"{self.location} added"
            case "response-removed":
                return f"{self.location} removed"
            case "media-type-changed":
                return f"{self.location} media type changed from `{self.old}` to `{self.new}`"
            case "field-added":
                return f"{where} added ({self.new})"
            case "field-removed":
                return f"{where} removed"
            case "required-added":
                return f"{where} became required"
            case "required-removed":
                return f"{where} became optional"
            case "type-narrowed" | "type-widened" | "type-changed":
                verb = self.kind.removeprefix("type-")
                return f"{where} type {verb} from `{self.old}` to `{self.new}`"
            case "enum-values-added":
                return f"{where} enum values added: {listed}"
            case "enum-values-removed":
                return f"{where} enum values removed: {listed}"
            case "enum-constraint-added":
                return f"{where} now restricted to enum values: {listed}"
            case "enum-constraint-removed":
                return f"{where} no longer restricted to enum values (was: {listed})"

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
            "message": self.message,
        }


def _operation_sort_key(change: Change) -> tuple[str, int]:
    return (change.path, _METHOD_ORDER.get(change.method, len(_METHOD_ORDER)))


def _group_by_operation(changes: Iterable[Change]) -> Iterator[tuple[str, list[Change]]]:
    """Changes grouped per operation, in path then method order (input must be sorted)."""
    current: str | None = None
    group: list[Change] = []
    for change in changes:
        if change.operation != current:
            if group and current is not None:
                yield current, group
            current, group = change.operation, []
        group.append(change)
    if group and current is not None:
        yield current, group


@dataclass(frozen=True)
class SpecDiff:
    """Every change between two specs, sorted; empty when the API surface is the same."""

    changes: tuple[Change, ...]

    @property
    def is_empty(self) -> bool:
        """True when nothing the client can see changed."""
        return not self.changes

    @property
    def breaking(self) -> tuple[Change, ...]:
        """The changes that can break a client built from the old spec."""
        return tuple(c for c in self.changes if c.breaking)

    def summary(self) -> dict[str, int]:
        """Counts: operations added/removed/changed, changes, breaking changes."""
        changed_ops = {
            c.operation
            for c in self.changes
            if c.kind not in ("operation-added", "operation-removed")
        }
        return {
            "operations_added": sum(c.kind == "operation-added" for c in self.changes),
            "operations_removed": sum(c.kind == "operation-removed" for c in self.changes),
            "operations_changed": len(changed_ops),
            "changes": len(self.changes),
            "breaking": len(self.breaking),
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form: ``{"summary": {...}, "changes": [...]}``."""
        return {"summary": self.summary(), "changes": [c.to_dict() for c in self.changes]}

    def to_markdown(self, title: str) -> str:
        """A changelog section: a summary line, then breaking and other changes per operation."""
        lines = [f"## {title}", ""]
        if self.is_empty:
            lines.append("No changes to operations, parameters, request bodies or 2xx responses.")
            return "\n".join(lines) + "\n"
        s = self.summary()
        lines.append(
            f"**Summary:** {s['operations_added']} operations added, "
            f"{s['operations_removed']} removed, {s['operations_changed']} changed; "
            f"{s['changes']} changes, {s['breaking']} breaking."
        )
        breaking = [c for c in self.changes if c.breaking]
        other = [c for c in self.changes if not c.breaking]
        for heading, part in (("Breaking changes", breaking), ("Non-breaking changes", other)):
            if part:
                lines += ["", f"### {heading} ({len(part)})"]
                lines += _markdown_part(part)
        return "\n".join(lines) + "\n"


def _operation_label(change: Change) -> str:
    label = f"`{change.operation}`"
    return f"{label} ({change.operation_id})" if change.operation_id else label


def _markdown_part(changes: list[Change]) -> list[str]:
    """Markdown for one part: added/removed operations as one list, then one block per operation."""
    lines: list[str] = []
    for kind, heading in (
        ("operation-removed", "Removed operations"),
        ("operation-added", "Added operations"),
    ):
        whole = [c for c in changes if c.kind == kind]
        if whole:
            lines += ["", f"#### {heading} ({len(whole)})", ""]
            lines += [f"- {_operation_label(c)}" for c in whole]
    per_op = [c for c in changes if c.kind not in ("operation-added", "operation-removed")]
    for _, group in _group_by_operation(per_op):
        count = f"{len(group)} change" + ("s" if len(group) > 1 else "")
        lines += ["", f"#### {_operation_label(group[0])}: {count}", ""]
        lines += [f"- {c.message}" for c in group]
    return lines


# --- resolving and flattening schemas ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    """What is compared for one field: JSON types (None: any), format, enum values, required."""

    types: frozenset[str] | None
    format: str | None
    enum: frozenset[str] | None
    required: bool

    def type_label(self) -> str:
        if self.types is None:
            return f"any({self.format})" if self.format else "any"
        fmt = f"({self.format})" if self.format else ""
        return " | ".join(
            t + fmt if t in ("string", "number", "integer") else t for t in sorted(self.types)
        )


@dataclass(slots=True)
class _Shape:
    """A schema with ``$ref``, ``allOf``, ``anyOf`` and ``oneOf`` folded in."""

    types: frozenset[str] | None = None
    format: str | None = None
    enum: frozenset[str] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Any = None
    additional: Any = None
    refs: frozenset[str] = frozenset()


def _enum_sort_key(canonical: str) -> tuple[int, float, str]:
    """Numbers first in numeric order, then everything else by its JSON text."""
    value = json.loads(canonical)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), canonical)
    return (1, 0.0, canonical)


def _canonical(value: Any) -> str:
    """An enum value as compact JSON, so ``True``, ``1`` and ``"1"`` stay distinct."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _declared_types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    types: set[str]
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
    """Resolves local ``$ref`` pointers in one document and folds schemas into shapes."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._cache: dict[str, Any] = {}

    def _lookup(self, ref: str) -> Any:
        if ref in self._cache:
            return self._cache[ref]
        target: Any = None
        if ref.startswith("#/"):
            target = self._document
            for part in ref[2:].split("/"):
                key = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, Mapping) and key in target:
                    target = target[key]
                elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                    target = target[int(key)]
                else:
                    target = None
                    break
        self._cache[ref] = target
        return target

    def deref(self, obj: Any) -> tuple[Any, frozenset[str]]:
        """The object a ``$ref`` chain ends at (None if it dangles), and the refs followed."""
        followed: list[str] = []
        while isinstance(obj, Mapping) and isinstance(obj.get("$ref"), str):
            ref = obj["$ref"]
            if ref in followed:
                return None, frozenset(followed)
            followed.append(ref)
            obj = self._lookup(ref)
        return obj, frozenset(followed)

    def shape(self, schema: Any, seen: frozenset[str]) -> _Shape:
        """The shape of `schema`; refs already in `seen` (an enclosing schema) are not expanded."""
        resolved, refs = self.deref(schema)
        if not isinstance(resolved, Mapping) or refs & seen:
            return _Shape(refs=refs)
        seen = seen | refs
        out = _Shape(
            types=_declared_types(resolved),
            format=resolved["format"] if isinstance(resolved.get("format"), str) else None,
            properties=dict(resolved.get("properties") or {}),
            required={r for r in resolved.get("required") or () if isinstance(r, str)},
            items=resolved.get("items") if isinstance(resolved.get("items"), Mapping) else None,
            refs=refs,
        )
        if isinstance(resolved.get("enum"), list):
            out.enum = frozenset(_canonical(v) for v in resolved["enum"])
        elif "const" in resolved:
            out.enum = frozenset({_canonical(resolved["const"])})
        additional = resolved.get("additionalProperties")
        if isinstance(additional, Mapping):
            out.additional = additional
        for sub in resolved.get("allOf") or ():
            self._merge_all_of(out, self.shape(sub, seen))
        variants = [
            self.shape(v, seen) for key in ("anyOf", "oneOf") for v in resolved.get(key) or ()
        ]
        if variants:
            self._merge_variants(out, variants)
        return out

    @staticmethod
    def _merge_all_of(out: _Shape, part: _Shape) -> None:
        """Fold one ``allOf`` member in: every constraint applies."""
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

    @staticmethod
    def _merge_variants(out: _Shape, variants: list[_Shape]) -> None:
        """Fold ``anyOf``/``oneOf`` in: the field admits what any variant admits."""
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

    def flatten(self, schema: Any, name: str, *, required: bool) -> dict[str, _Node]:
        """Every field of `schema` by dotted path, `name` being the root's path."""
        nodes: dict[str, _Node] = {}
        self._flatten_into(nodes, schema, name, required, 0, frozenset())
        return nodes

    def _flatten_into(
        self,
        nodes: dict[str, _Node],
        schema: Any,
        name: str,
        required: bool,
        depth: int,
        seen: frozenset[str],
    ) -> None:
        shape = self.shape(schema, seen)
        nodes[name] = _Node(shape.types, shape.format, shape.enum, required)
        if depth >= MAX_DEPTH or shape.refs & seen:
            return
        seen = seen | shape.refs
        prefix = f"{name}." if name else ""
        for prop_name in sorted(shape.properties):
            self._flatten_into(
                nodes,
                shape.properties[prop_name],
                prefix + prop_name,
                prop_name in shape.required,
                depth + 1,
                seen,
            )
        if shape.items is not None:
            self._flatten_into(nodes, shape.items, f"{name}[]", True, depth + 1, seen)
        if shape.additional is not None:
            self._flatten_into(nodes, shape.additional, f"{prefix}*", False, depth + 1, seen)


# --- comparing -----------------------------------------------------------------------------------


def _admits(wide: _Node, narrow: _Node) -> bool:
    """True when every value `narrow`'s type and format admit is also admitted by `wide`'s."""
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


@dataclass(frozen=True)
class _Operation:
    method: str
    path: str
    document: Mapping[str, Any]
    path_parameters: tuple[Any, ...]


class _OperationDiffer:
    """Collects the changes of one operation present in both specs."""

    def __init__(
        self, old: _Resolver, new: _Resolver, method: str, path: str, operation_id: str | None
    ) -> None:
        self.old, self.new = old, new
        self.method, self.path, self.operation_id = method, path, operation_id
        self.changes: list[Change] = []

    def add(
        self,
        location: str,
        name: str,
        kind: ChangeKind,
        *,
        breaking: bool,
        old: str | None = None,
        new: str | None = None,
        values: Iterable[str] = (),
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
                breaking=breaking,
                operation_id=self.operation_id,
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
        """Fields added, removed and changed; `roots` name parameters (reported as parameters)."""
        added = new_nodes.keys() - old_nodes.keys()
        removed = old_nodes.keys() - new_nodes.keys()
        request = side == "request"
        for name in sorted(added):
            if _parent(name) in added:
                continue
            node = new_nodes[name]
            kind: ChangeKind = "parameter-added" if name in roots else "field-added"
            self.add(
                location,
                name,
                kind,
                breaking=request and node.required,
                new=_requiredness(node.required),
            )
        for name in sorted(removed):
            if _parent(name) in removed:
                continue
            kind = "parameter-removed" if name in roots else "field-removed"
            self.add(location, name, kind, breaking=True)
        for name in sorted(old_nodes.keys() & new_nodes.keys()):
            self._compare_node(location, side, name, old_nodes[name], new_nodes[name])

    def _compare_node(self, location: str, side: Side, name: str, old: _Node, new: _Node) -> None:
        on_request = 0 if side == "request" else 1

        def add(kind: ChangeKind, **kwargs: Any) -> None:
            self.add(location, name, kind, breaking=_BREAKING_BY_SIDE[kind][on_request], **kwargs)

        if old.required != new.required:
            add("required-added" if new.required else "required-removed")
        old_label, new_label = old.type_label(), new.type_label()
        if old_label != new_label:
            wider, narrower = _admits(new, old), _admits(old, new)
            kind: ChangeKind = "type-changed"
            if wider and not narrower:
                kind = "type-widened"
            elif narrower and not wider:
                kind = "type-narrowed"
            add(kind, old=old_label, new=new_label)
        if old.enum is not None and new.enum is not None:
            if gained := new.enum - old.enum:
                add("enum-values-added", values=gained)
            if lost := old.enum - new.enum:
                add("enum-values-removed", values=lost)
        elif new.enum is not None:
            add("enum-constraint-added", values=new.enum)
        elif old.enum is not None:
            add("enum-constraint-removed", values=old.enum)


def _parameters(resolver: _Resolver, operation: _Operation) -> dict[tuple[str, str], Any]:
    """The operation's parameters by (in, name); operation-level ones override path-level ones."""
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
    """The JSON media type of a body (else the first one) and its schema."""
    if not isinstance(content, Mapping) or not content:
        return None, None
    if _JSON_MEDIA_TYPE in content:
        media = _JSON_MEDIA_TYPE
    else:
        media = next((m for m in sorted(content) if "json" in m), sorted(content)[0])
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


def _diff_operation(
    old_res: _Resolver, new_res: _Resolver, old: _Operation, new: _Operation
) -> list[Change]:
    old_id = old.document.get("operationId")
    new_id = new.document.get("operationId")
    differ = _OperationDiffer(
        old_res, new_res, new.method, new.path, new_id if isinstance(new_id, str) else None
    )
    if old_id != new_id:
        differ.add("", "", "operation-id-changed", breaking=True, old=str(old_id), new=str(new_id))

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
        body_required = bool(new_body.get("required"))
        differ.add(
            "request body",
            "",
            "request-body-added",
            breaking=body_required,
            new=_requiredness(body_required),
        )
    elif old_body is not None and new_body is None:
        differ.add("request body", "", "request-body-removed", breaking=True)
    elif old_body is not None and new_body is not None:
        old_req, new_req = bool(old_body.get("required")), bool(new_body.get("required"))
        if old_req != new_req:
            kind: ChangeKind = "required-added" if new_req else "required-removed"
            differ.add("request body", "", kind, breaking=new_req)
        _compare_bodies(differ, "request body", "request", old_body, new_body)

    old_responses = _success_responses(old_res, old)
    new_responses = _success_responses(new_res, new)
    for status in sorted(old_responses.keys() | new_responses.keys()):
        location = f"response {status}"
        if status not in new_responses:
            differ.add(location, "", "response-removed", breaking=True)
        elif status not in old_responses:
            differ.add(location, "", "response-added", breaking=False)
        else:
            _compare_bodies(
                differ, location, "response", old_responses[status], new_responses[status]
            )
    return differ.changes


def _compare_bodies(
    differ: _OperationDiffer,
    location: str,
    side: Side,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> None:
    old_media, old_schema = _pick_media(old.get("content"))
    new_media, new_schema = _pick_media(new.get("content"))
    if old_media != new_media:
        differ.add(
            location,
            "",
            "media-type-changed",
            breaking=True,
            old=str(old_media),
            new=str(new_media),
        )
        return
    if old_schema is None and new_schema is None:
        return
    differ.compare_fields(
        location,
        side,
        differ.old.flatten(old_schema, "", required=True),
        differ.new.flatten(new_schema, "", required=True),
    )


def _operations(
    resolver: _Resolver, document: Mapping[str, Any]
) -> dict[tuple[str, str], _Operation]:
    """Operations keyed by (path with parameter names blanked, METHOD)."""
    found: dict[tuple[str, str], _Operation] = {}
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return found
    for path, raw_item in paths.items():
        item, _ = resolver.deref(raw_item)
        if not isinstance(item, Mapping):
            continue
        shared = tuple(item.get("parameters") or ())
        for method in _METHODS:
            op = item.get(method)
            if isinstance(op, Mapping):
                key = (_PATH_PARAM.sub("{}", str(path)), method.upper())
                found[key] = _Operation(method.upper(), str(path), op, shared)
    return found


def _whole_operation(operation: _Operation, kind: ChangeKind) -> Change:
    op_id = operation.document.get("operationId")
    return Change(
        path=operation.path,
        method=operation.method,
        location="",
        name="",
        kind=kind,
        breaking=kind == "operation-removed",
        operation_id=op_id if isinstance(op_id, str) else None,
    )


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> SpecDiff:
    """The changes from spec `old` to spec `new` (parsed OpenAPI 3.x documents)."""
    old_res, new_res = _Resolver(old), _Resolver(new)
    old_ops, new_ops = _operations(old_res, old), _operations(new_res, new)
    changes: list[Change] = []
    for key in old_ops.keys() - new_ops.keys():
        changes.append(_whole_operation(old_ops[key], "operation-removed"))
    for key in new_ops.keys() - old_ops.keys():
        changes.append(_whole_operation(new_ops[key], "operation-added"))
    for key in old_ops.keys() & new_ops.keys():
        changes += _diff_operation(old_res, new_res, old_ops[key], new_ops[key])
    changes.sort(key=lambda c: (*_operation_sort_key(c), c))
    return SpecDiff(tuple(changes))
