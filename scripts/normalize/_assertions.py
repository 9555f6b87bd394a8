"""Rule for combinators that only assert `required`, which the generator turns into invalid code.

A client does not validate requests for the server, so these constraints carry no type
information; they are removed, and what a reader needs to know is kept in the description.
"""

from __future__ import annotations

from typing import Any

from ._walk import JSONDict, iter_schemas

__all__ = ["fold_assertion_only_variants"]

# Keys an "assertion-only" member of a combinator may have: it adds requirements, no shape.
_ASSERTION_KEYS = frozenset(
    {"required", "description", "title", "minProperties", "maxProperties", "properties"}
)
# Keys a property inside an assertion-only member may have: a value constraint, no type.
_CONSTRAINT_KEYS = frozenset({"enum", "const", "description", "minLength", "pattern"})
# Keys a restated object property may have beside `_ASSERTION_KEYS`: its type, its requirements.
_NESTED_KEYS = frozenset({"type", "anyOf", "oneOf", "allOf"})


def _types(schema: Any) -> frozenset[str]:
    declared = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    return frozenset()


def _repeats_type(member: JSONDict, parent: Any) -> bool:
    """True when `member` has no `type`, or repeats the type its parent already declares."""
    if "type" not in member:
        return True
    declared = _types(parent)
    if not declared and isinstance(parent, dict) and "properties" in parent:
        declared = frozenset({"object"})
    return bool(_types(member)) and _types(member) <= declared


def _is_assertion_only(member: Any, parent: JSONDict) -> bool:
    """A member that only adds requirements: no shape beyond what `parent` already declares.

    A `type` is allowed when it repeats the parent's (`{type: object, required: [a]}` under an
    object), and so is a property's `type` when it repeats the parent's property's.
    """
    if not isinstance(member, dict) or not set(member) <= _ASSERTION_KEYS | {"type"}:
        return False
    if not _repeats_type(member, parent) or ("type" in member and "required" not in member):
        return False
    return _properties_constrain_only(member, parent)


def _properties_constrain_only(schema: JSONDict, parent: JSONDict) -> bool:
    """Every property of `schema` only constrains the property `parent` declares by that name."""
    properties = schema.get("properties", {})
    parent_properties = parent.get("properties")
    parent_properties = parent_properties if isinstance(parent_properties, dict) else {}
    return isinstance(properties, dict) and all(
        _constrains_only(p, parent_properties.get(name, {})) for name, p in properties.items()
    )


def _constrains_only(prop: Any, parent_prop: Any) -> bool:
    """A property of an assertion-only member: a value constraint on the parent's property, or
    the parent's object property restated with requirements of its own (`body: {type: object,
    properties: {html, text}, anyOf: [{required: [html]}, {required: [text]}]}`): no new shape."""
    if not isinstance(prop, dict) or not _repeats_type(prop, parent_prop):
        return False
    if set(prop) <= _CONSTRAINT_KEYS | {"type"}:
        return True
    if not isinstance(parent_prop, dict) or not set(prop) <= _ASSERTION_KEYS | _NESTED_KEYS:
        return False
    return _properties_constrain_only(prop, parent_prop) and all(
        isinstance(prop[k], list) and all(_is_assertion_only(m, parent_prop) for m in prop[k])
        for k in ("anyOf", "oneOf", "allOf")
        if k in prop
    )


def _alternatives_sentence(members: list[JSONDict]) -> str:
    options = [
        " and ".join(f"`{name}`" for name in member.get("required", []))
        for member in members
        if member.get("required")
    ]
    return "Requires one of: " + "; or ".join(options) + "." if options else ""


def fold_assertion_only_variants(spec: JSONDict, notes: list[str]) -> int:
    """Fold `anyOf`/`oneOf`/`allOf` members that only add `required` (no new type) into the parent.

    `{type: object, properties: …, anyOf: [{required: [campaign_id]}, {required: [list_id]}]}`
    makes openapi-python-client write a module that does not parse; members that repeat the
    parent's `type: object` beside `required` make it write empty variant models that lose the
    body's typed fields. Both are assertions only. Such an `anyOf`/`oneOf` is
    removed, its alternatives kept as `x-required-one-of` and a sentence in the description;
    assertion-only `allOf` members are removed and their `required` merged into the parent's.
    """
    del notes
    folded = 0
    for schema in iter_schemas(spec):
        for keyword in ("anyOf", "oneOf"):
            members = schema.get(keyword)
            if not (isinstance(members, list) and members):
                continue
            if not all(_is_assertion_only(m, schema) for m in members):
                continue
            del schema[keyword]
            alternatives = [list(m.get("required", [])) for m in members]
            schema["x-required-one-of"] = alternatives
            if sentence := _alternatives_sentence(members):
                description = schema.get("description", "")
                schema["description"] = f"{description}\n\n{sentence}".strip()
            folded += 1
        members = schema.get("allOf")
        if isinstance(members, list) and members:
            kept = [m for m in members if not _is_assertion_only(m, schema)]
            if len(kept) == len(members):
                continue
            required = list(schema.get("required", []))
            for member in members:
                if _is_assertion_only(member, schema):
                    required += [r for r in member.get("required", []) if r not in required]
            if required:
                schema["required"] = required
            if kept:
                schema["allOf"] = kept
            else:
                del schema["allOf"]
            folded += 1
    return folded
