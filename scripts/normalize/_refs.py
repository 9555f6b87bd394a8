"""Rule for `$ref`s that point at nothing, which make the generator drop whatever uses them.

Instantly has published specs where a response `$ref`s a component that does not exist. The
generator then omits the response (a warning, so the build fails). What the spec meant is
unknown, but the server still sends a JSON value: it is kept, untyped, and the defect is noted.
"""

from __future__ import annotations

from typing import Any

from ._walk import JSONDict, PointerError, escape_pointer_token, resolve_pointer

__all__ = ["SPEC_DEFECT", "replace_dangling_refs"]

SPEC_DEFECT = "spec defect"

# What a dangling reference is replaced by, keyed on the component kind it names.
_UNTYPED_JSON: JSONDict = {"content": {"application/json": {"schema": {}}}}
# Values that are data, not spec structure: a `$ref` key inside them is not a reference (unless
# the key is a name in a map of names, such as a property called `default`).
_DATA_KEYS = frozenset({"example", "examples", "default", "const", "enum", "x-known-values"})
_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "schemas", "paths", "responses"}
)


def _replacement(ref: str, where: str) -> JSONDict | None:
    """The stand-in for a dangling `ref` found at `where`, or None when no safe one exists."""
    sentence = (
        f"Spec defect: `$ref` {ref} points at nothing; kept as untyped JSON "
        "(any value the server sends is passed through)."
    )
    if ref.startswith(("#/components/responses/", "#/components/requestBodies/")):
        return {"description": sentence, "x-dangling-ref": ref, **_UNTYPED_JSON}
    if ref.startswith("#/components/schemas/") or "/schema" in where or "/properties/" in where:
        return {"description": sentence, "x-dangling-ref": ref}
    return None


def replace_dangling_refs(spec: JSONDict, notes: list[str]) -> int:
    """Replace each local `$ref` that resolves to nothing by an untyped value, with a note.

    A dangling schema reference becomes `{}` (any JSON value); a dangling response or request
    body reference becomes one with an untyped `application/json` body. The description says
    why and `x-dangling-ref` keeps the original target. Nothing is dropped: the operation keeps
    its response, typed as `Any`. A dangling reference of another kind (a parameter, a header)
    has no safe stand-in; it is left for the generator to reject, with a note naming it.
    """
    replaced = 0
    resolves: dict[str, bool] = {}
    stack: list[tuple[Any, str]] = [(spec, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            if ref not in resolves:
                try:
                    resolve_pointer(spec, ref)
                    resolves[ref] = True
                except PointerError:
                    resolves[ref] = False
            if not resolves[ref]:
                stand_in = _replacement(ref, where)
                if stand_in is None:
                    notes.append(
                        f"{SPEC_DEFECT}: {where or '/'} refers to missing {ref}; left as is"
                    )
                    continue
                del node["$ref"]
                node.update({k: v for k, v in stand_in.items() if k not in node})
                notes.append(
                    f"{SPEC_DEFECT}: {where or '/'} refers to missing {ref}; kept as untyped JSON"
                )
                replaced += 1
                continue
        names = where.rsplit("/", 1)[-1] in _NAME_MAPS
        for key, value in node.items():
            if names or key not in _DATA_KEYS:
                stack.append((value, f"{where}/{escape_pointer_token(key)}"))
    return replaced
