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


def _is_assertion_only(member: Any) -> bool:
    if not isinstance(member, dict) or not set(member) <= _ASSERTION_KEYS:
        return False
    properties = member.get("properties", {})
    return isinstance(properties, dict) and all(
        isinstance(p, dict) and set(p) <= _CONSTRAINT_KEYS and "type" not in p
        for p in properties.values()
    )


def _alternatives_sentence(members: list[JSONDict]) -> str:
    options = [
        " and ".join(f"`{name}`" for name in member.get("required", []))
        for member in members
        if member.get("required")
    ]
    return "Requires one of: " + "; or ".join(options) + "." if options else ""


def fold_assertion_only_variants(spec: JSONDict, notes: list[str]) -> int:
    """Fold `anyOf`/`oneOf`/`allOf` members that only add `required` (no type) into the parent.

    `{type: object, properties: …, anyOf: [{required: [campaign_id]}, {required: [list_id]}]}`
    makes openapi-python-client write a module that does not parse. Such an `anyOf`/`oneOf` is
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
            if not all(_is_assertion_only(m) for m in members):
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
            kept = [m for m in members if not _is_assertion_only(m)]
            if len(kept) == len(members):
                continue
            required = list(schema.get("required", []))
            for member in members:
                if _is_assertion_only(member):
                    required += [r for r in member.get("required", []) if r not in required]
            if required:
                schema["required"] = required
            if kept:
                schema["allOf"] = kept
            else:
                del schema["allOf"]
            folded += 1
    return folded
