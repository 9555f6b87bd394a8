"""Rule for properties whose Python name the generated model already uses for itself.

A generated model is an attrs class with an `additional_properties` field (unknown keys) and the
methods `to_dict`, `from_dict`, `additional_keys` and `to_multipart`; inside them it binds `d`,
`field_dict` and `cls` and reads `cast`, `parse_timestamp` and `parse_date`. A property that maps
to one of those names breaks the class (a property `additional_properties` makes every parse
raise `TypeError`; one called `d` or `parse_timestamp` breaks `from_dict`). The JSON key must
stay as it is on the wire, so such a property is not typed; its value is kept with the other
extra keys, reached as `model["additional_properties"]`.
"""

from __future__ import annotations

import re

from ._walk import JSONDict, iter_schemas

__all__ = ["RESERVED_MODEL_NAMES", "python_attribute_name", "untype_reserved_properties"]

# Names a generated model defines, binds or reads in its methods (openapi-python-client 0.29's
# model template and openapi/templates/): each was shown to break the model as a property name.
RESERVED_MODEL_NAMES = frozenset(
    {
        # members of the class
        "additional_properties",
        "additional_keys",
        "to_dict",
        "from_dict",
        "to_multipart",
        # locals of to_dict/from_dict, and module names read there
        "d",
        "field_dict",
        "cls",
        "cast",
        "parse_timestamp",
        "parse_date",
    }
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


def python_attribute_name(key: str) -> str:
    """The snake_case attribute a JSON key becomes (`'additionalProperties'` ->
    `'additional_properties'`), as the generator derives it."""
    return _NON_WORD.sub("_", _CAMEL.sub("_", key)).strip("_").lower()


def untype_reserved_properties(spec: JSONDict, notes: list[str]) -> int:
    """Move properties named like a generated model's own members into the model's extra keys.

    The property leaves `properties` (and `required`); the object stays open, so the value is
    parsed into `additional_properties` under its JSON key, untouched, and sent back as it came.
    Its schema is kept under `x-untyped-properties` and a sentence in the description tells
    readers how to reach it.
    """
    untyped = 0
    for schema in iter_schemas(spec):
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            continue
        clashing = [k for k in properties if python_attribute_name(k) in RESERVED_MODEL_NAMES]
        if not clashing:
            continue
        kept = schema.setdefault("x-untyped-properties", {})
        for key in clashing:
            kept[key] = properties.pop(key)
            title = schema.get("title", "an object")
            notes.append(
                f"property {key!r} of {title!r} is named like a generated model member; "
                f"kept untyped, reached as model[{key!r}]"
            )
            untyped += 1
        if isinstance(schema.get("required"), list):
            schema["required"] = [r for r in schema["required"] if r not in clashing]
            if not schema["required"]:
                del schema["required"]
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
        listed = ", ".join(f"`{k}`" for k in clashing)
        sentence = (
            f"Untyped here ({listed}): the name is a generated model's own member; read it as "
            "`model[name]`."
        )
        schema["description"] = f"{schema.get('description', '')}\n\n{sentence}".strip()
    return untyped
