"""Rules for model names: `def-N` schemas named by `title`, and titles that would collide."""

from __future__ import annotations

import re

from ._walk import JSONDict, rewrite_refs

__all__ = [
    "SCHEMA_REF_PREFIX",
    "class_name_key",
    "give_models_unique_titles",
    "name_schemas_by_title",
    "pascal_case",
    "unique_name",
]

SCHEMA_REF_PREFIX = "#/components/schemas/"

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_WORD = re.compile(r"[A-Za-z0-9]+")


def pascal_case(text: str) -> str:
    """`'Background Job'` -> `'BackgroundJob'`; capitals stay (`'AI agent'` -> `'AIAgent'`)."""
    words = _WORD.findall(text)
    name = "".join(word[:1].upper() + word[1:] for word in words)
    if name[:1].isdigit():
        name = "Schema" + name
    return name


def unique_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted2`, `wanted3`, ... : the first not in `taken`."""
    if wanted not in taken:
        return wanted
    suffix = 2
    while f"{wanted}{suffix}" in taken:
        suffix += 1
    return f"{wanted}{suffix}"


def name_schemas_by_title(spec: JSONDict, notes: list[str]) -> int:
    """Rename component schemas whose key is not an identifier (`def-12`) to PascalCase(title).

    Keyed on the construct (a schema key that is not a plain identifier and a `title`), so new
    `def-N` schemas are named too. Every `$ref` is rewritten. When two titles give the same name,
    or a name is already a schema key, the later one (in key order) gets a numeric suffix and a
    note says so: deterministic and loud.
    """
    schemas: JSONDict = spec.get("components", {}).get("schemas", {})
    taken = {key for key in schemas if _IDENTIFIER.match(key)}
    renames: dict[str, str] = {}
    for key, schema in schemas.items():
        if _IDENTIFIER.match(key) or not isinstance(schema, dict):
            continue
        title = schema.get("title")
        wanted = pascal_case(title) if isinstance(title, str) and title.strip() else ""
        if not wanted:
            wanted = pascal_case(key) or "Schema"
            notes.append(f"schema {key!r} has no title; named {wanted!r} after its key")
        name = unique_name(wanted, taken)
        if name != wanted:
            notes.append(
                f"schema {key!r} (title {title!r}) would be named {wanted!r}, which is taken; "
                f"named {name!r} instead"
            )
        taken.add(name)
        renames[key] = name
    if not renames:
        return 0
    spec["components"]["schemas"] = {renames.get(k, k): v for k, v in schemas.items()}
    old_refs = {SCHEMA_REF_PREFIX + old: SCHEMA_REF_PREFIX + new for old, new in renames.items()}
    rewrite_refs(spec, lambda ref: old_refs.get(ref, ref))
    return len(renames)


def class_name_key(text: str) -> str:
    """What two names must share to become the same Python class name (letters and digits only,
    case folded): `'Background Job'`, `'BackgroundJob'` and `'background_job'` all collide."""
    return "".join(_WORD.findall(text)).lower()


def give_models_unique_titles(spec: JSONDict, notes: list[str]) -> int:
    """Retitle component schemas whose `title` would name the same class as another schema's.

    openapi-python-client names a component's class after its `title` (else its key) and aborts
    the whole build on two classes of one name ("duplicate models"). Keys are unique, so a
    colliding schema takes its own key as its title. Which schema keeps the shared name is
    stable across regenerations: the one whose key is that name, else the first in key order.
    A note names every schema retitled; it is printed even when a later step fails.
    """
    schemas = spec.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        return 0

    def wanted(key: str, schema: object) -> str:
        title = schema.get("title") if isinstance(schema, dict) else None
        return title if isinstance(title, str) and pascal_case(title) else key

    groups: dict[str, list[str]] = {}
    for key, schema in schemas.items():
        groups.setdefault(class_name_key(wanted(key, schema)), []).append(key)
    taken = {class_name_key(wanted(k, s)) for k, s in schemas.items()}
    retitled = 0
    for name, keys in groups.items():
        if len(keys) < 2:
            continue
        owner = next((k for k in keys if class_name_key(k) == name), sorted(keys)[0])
        for key in sorted(k for k in keys if k != owner):
            schema = schemas[key]
            new_title = key
            suffix = 2
            while class_name_key(new_title) in taken:
                new_title = f"{key}{suffix}"
                suffix += 1
            taken.add(class_name_key(new_title))
            old_title = wanted(key, schema)
            if isinstance(schema, dict):
                schema["title"] = new_title
            notes.append(
                f"schemas {owner!r} and {key!r} would both be class {pascal_case(old_title)!r} "
                f"(title {old_title!r}); {key!r} is now titled {new_title!r}"
            )
            retitled += 1
    return retitled
