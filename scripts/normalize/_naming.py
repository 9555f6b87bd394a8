"""Rules for model names: `def-N` schemas named by `title`, titles that would collide, and
module names too long for a file system."""

from __future__ import annotations

import re
from typing import Any

from ._walk import JSONDict, rewrite_refs

__all__ = [
    "MODULE_NAME_BUDGET",
    "SCHEMA_REF_PREFIX",
    "class_name_key",
    "generator_class_name",
    "give_models_unique_titles",
    "module_name_bytes",
    "name_schemas_by_title",
    "pascal_case",
    "shorten_deep_model_names",
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


# A path component may hold 255 bytes on the usual file systems (ext4, APFS, NTFS in UTF-16
# units). A model's module is named after its class; the class of an inline schema is its
# parent's name plus its own, so it grows with every level of nesting. Inline schemas whose
# module name would pass this budget (bytes, before ".py"; the margin covers the generator's
# suffixes, such as a "2" on a clash) are hoisted into components under a short name.
MODULE_NAME_BUDGET = 200
_SHORT_NAME_BYTES = 96
_WORD_BYTES = 24  # one word of a hoisted schema's name (a property name may be much longer)
_CAMEL_WORD = re.compile("([A-Z]?[a-z]+)")
_GENERATOR_WORD = re.compile(r"[^. _\-]+")


def _generator_words(value: str) -> list[str]:
    """The words openapi-python-client splits a name into (its `split_words`, restated)."""
    value = "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in ". _-")
    if any(c.isupper() for c in value):
        value = " ".join(_CAMEL_WORD.split(value))
    return _GENERATOR_WORD.findall(value)


def generator_class_name(value: str) -> str:
    """The generator's PascalCase of `value` (acronyms kept: `AIAgent`)."""
    return "".join(w if w.isupper() else w.capitalize() for w in _generator_words(value))


def module_name_bytes(class_name: str) -> int:
    """Length in UTF-8 bytes of the module the generator names after `class_name` (no ".py")."""
    return len("_".join(_generator_words(class_name)).lower().encode("utf-8"))


def _short_name(long_name: str, taken: set[str]) -> str:
    """A name for a hoisted schema: the first words of its long name (where it comes from),
    `Deep`, and as many of the last words (what it is) as fit in `_SHORT_NAME_BYTES`; unique
    among `taken` (names compared as `class_name_key`, as a case-blind file system would)."""
    words = [generator_class_name(w)[:_WORD_BYTES] for w in _generator_words(long_name)]
    head, tail = words[:3], words[3:]
    kept: list[str] = []
    while tail and module_name_bytes("".join([*head, tail[-1], *kept])) <= _SHORT_NAME_BYTES:
        kept.insert(0, tail.pop())
    wanted = "".join([*head, "Deep" if tail else "", *kept]) or "DeepSchema"
    name, suffix = wanted, 2
    while class_name_key(name) in taken:
        name, suffix = f"{wanted}{suffix}", suffix + 1
    return name


class _Hoister:
    """Walks schemas with the class name the generator would give each, hoisting long ones."""

    def __init__(self, schemas: JSONDict, notes: list[str]) -> None:
        self.schemas = schemas
        self.notes = notes
        self.taken = {class_name_key(key) for key in schemas} | {
            class_name_key(str(s.get("title")))
            for s in schemas.values()
            if isinstance(s, dict) and s.get("title")
        }
        self.hoisted = 0

    def visit(self, holder: Any, slot: Any, name: str, pointer: str) -> None:
        schema = holder[slot]
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        if module_name_bytes(name) > MODULE_NAME_BUDGET and _makes_a_class(schema):
            short = _short_name(name, self.taken)
            self.taken.add(class_name_key(short))
            schema["title"] = short
            self.schemas[short] = schema
            holder[slot] = {"$ref": SCHEMA_REF_PREFIX + short}
            self.notes.append(
                f"inline schema at {pointer} would be module {name!r} "
                f"({module_name_bytes(name)} bytes); hoisted as {short!r}"
            )
            self.hoisted += 1
            name = short
        self.children(schema, name, pointer)

    def children(self, schema: JSONDict, name: str, pointer: str) -> None:
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for key in list(properties):
                sub = properties[key]
                title = sub.get("title") if isinstance(sub, dict) else None
                own = title if isinstance(title, str) and title else key
                child = generator_class_name(name) + generator_class_name(own)
                self.visit(properties, key, child, f"{pointer}/properties/{key}")
        if isinstance(schema.get("items"), dict):
            self.visit(schema, "items", name + "Item", f"{pointer}/items")
        if isinstance(schema.get("additionalProperties"), dict):
            self.visit(
                schema,
                "additionalProperties",
                name + "AdditionalProperty",
                f"{pointer}/additionalProperties",
            )
        for keyword in ("anyOf", "oneOf"):
            members = schema.get(keyword)
            if isinstance(members, list):
                for index in range(len(members)):
                    self.visit(members, index, f"{name}Type{index}", f"{pointer}/{keyword}/{index}")
        members = schema.get("allOf")
        if isinstance(members, list):  # merged into the one class: the same name
            for index in range(len(members)):
                self.visit(members, index, name, f"{pointer}/allOf/{index}")


def _makes_a_class(schema: JSONDict) -> bool:
    """A schema the generator writes a module for: an object, a union or an enum."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return (
        "object" in kinds
        or "properties" in schema
        or any(k in schema for k in ("anyOf", "oneOf", "allOf", "enum"))
    )


def shorten_deep_model_names(spec: JSONDict, notes: list[str]) -> int:
    """Hoist inline schemas nested so deep that their module name would pass the file system's
    255 bytes per path component into components, under a short unique name (with a note).

    The generator names an inline schema's class (and module) after its parent's plus its own
    name, so the name grows with every level. Keyed on the construct (the predicted name's
    length in bytes, `MODULE_NAME_BUDGET`), never on a path: names within it stay as they are.
    """
    existing = spec.get("components", {}).get("schemas")
    schemas: JSONDict = existing if isinstance(existing, dict) else {}
    hoister = _Hoister(schemas, notes)
    for key in list(schemas):
        schema = schemas[key]
        title = schema.get("title") if isinstance(schema, dict) else None
        name = generator_class_name(title if isinstance(title, str) and title else key)
        hoister.visit(schemas, key, name, f"#/components/schemas/{key}")
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            escaped = path.replace("~", "~0").replace("/", "~1")
            where = f"#/paths/{escaped}/{method}"
            operation_id = operation.get("operationId")
            if not operation_id:  # the generator's own name for it: method and path
                clean = path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
                operation_id = f"{method}_{clean}"
            prefix = generator_class_name(str(operation_id))
            content = (operation.get("requestBody") or {}).get("content") or {}
            for media, entry in content.items():
                if isinstance(entry, dict) and "schema" in entry:
                    hoister.visit(
                        entry, "schema", prefix + "Body", f"{where}/requestBody/content/{media}"
                    )
            for status, response in (operation.get("responses") or {}).items():
                content = (response.get("content") if isinstance(response, dict) else None) or {}
                for media, entry in content.items():
                    if isinstance(entry, dict) and "schema" in entry:
                        hoister.visit(
                            entry,
                            "schema",
                            f"{prefix}Response{generator_class_name(str(status))}",
                            f"{where}/responses/{status}/content/{media}",
                        )
    if hoister.hoisted and not isinstance(existing, dict):
        spec.setdefault("components", {})["schemas"] = schemas
    return hoister.hoisted
