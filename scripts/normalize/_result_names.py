"""Rule: result types named from what they are, not from the generator's path through the spec.

openapi-python-client names an inline response schema after the path that reaches it:
`{OperationId}Response{status}`, `...Item` for an array's item, `...ItemsItem` for a page's item
(`ListAccountResponse200ItemsItem`). Those are the names users type in annotations and imports.
`name_result_types` moves each inline 2xx JSON result into `components/schemas`, under a name
reviewed in `openapi/model_names.json`, or makes it a `$ref` to the component it is identical to.

What counts as a result (a "site"): the body of a 2xx JSON response when the generator would make
a model of it; for an array body its item; for a cursor page (`next_starting_after` beside an
`items` array) the item and the page itself. The table is keyed by operationId (the result) and
`"<operationId> page"` (the page around it); a 2xx other than the operation's first is keyed
`"<operationId> <status>"`.

Every object schema of a named result carries `x-renamed-from` (`[{"from": old, "to": new}]`),
so the generated `models/__init__.py` keeps the old class names (and their nested models') as
deprecated aliases for one release.

File format::

    {"server": "https://api.instantly.ai",
     "names": {"getWarmupAnalytics": "WarmupAnalytics", "listAccount page": "AccountListPage"}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ._hoist import shape_key
from ._media import is_json_media_type
from ._naming import SCHEMA_REF_PREFIX, class_name_key, pascal_case
from ._overrides import OverrideError
from ._walk import JSONDict, iter_operations

__all__ = [
    "MODEL_NAMES_PATH",
    "RENAMED_FROM",
    "ModelNameError",
    "ModelNames",
    "ResultSite",
    "generator_class_name",
    "load_model_names",
    "name_result_types",
    "name_result_types_from",
    "propose_result_name",
    "proposed_model_names",
    "result_sites",
]

MODEL_NAMES_PATH: Final = Path(__file__).resolve().parents[2] / "openapi" / "model_names.json"
RENAMED_FROM: Final = "x-renamed-from"
CURSOR_OUTPUT: Final = "next_starting_after"

# Verbs whose result is the thing itself: `getWarmupAnalytics` -> `WarmupAnalytics`.
_READ_VERBS: Final = ("get", "list", "fetch", "retrieve")


class ModelNameError(OverrideError):
    """The model-names file is malformed, or a reviewed name collides with another model."""


@dataclass(frozen=True)
class ModelNames:
    """Reviewed result names (table key -> class name) for the spec that documents `server`."""

    server: str
    names: dict[str, str]


@dataclass(frozen=True)
class ResultSite:
    """One inline result: where it sits (`holder[slot]`), its table key and its generated name."""

    key: str
    operation_id: str
    kind: str  # "body", "item" (of an array body), "page item", "page"
    generated_name: str
    holder: JSONDict
    slot: str

    @property
    def schema(self) -> JSONDict:
        """The inline schema at this site."""
        value: JSONDict = self.holder[self.slot]
        return value


def load_model_names(path: Path = MODEL_NAMES_PATH) -> ModelNames | None:
    """The reviewed table, or None when the file does not exist."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelNameError(f"{path.name} is not valid JSON: {exc}") from exc
    server, names = data.get("server"), data.get("names")
    if not isinstance(server, str) or not isinstance(names, dict):
        raise ModelNameError(f"{path.name} needs a `server` string and a `names` object")
    for key, name in names.items():
        readable = isinstance(name, str) and name.isidentifier()
        if not readable or generator_class_name(name) != name:
            raise ModelNameError(f"{path.name}: {key!r} -> {name!r} is not a PascalCase class name")
    return ModelNames(server, dict(names))


def _types(schema: JSONDict) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    return [str(t) for t in declared] if isinstance(declared, list) else []


def _is_object(schema: Any) -> bool:
    """An inline schema the generator writes a model class for (an object, or an `allOf`)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    return "object" in _types(schema) or "properties" in schema or "allOf" in schema


def _makes_model(schema: Any) -> bool:
    """An inline object, or a union with at least one inline object member."""
    if _is_object(schema):
        return True
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    members = [*schema.get("oneOf", []), *schema.get("anyOf", [])]
    return any(_makes_model(member) for member in members)


def _page_items(schema: JSONDict) -> JSONDict | None:
    """The `items` array schema of a cursor page, else None."""
    properties = schema.get("properties")
    if not isinstance(properties, dict) or CURSOR_OUTPUT not in properties:
        return None
    items = properties.get("items")
    if not isinstance(items, dict) or "array" not in _types(items):
        return None
    return items if isinstance(items.get("items"), dict) else None


_GENERATOR_DELIMITERS: Final = ". _-"


def _generator_words(value: str) -> list[str]:
    """Words as openapi-python-client 0.29 splits them (`strings.split_words` after `sanitize`)."""
    value = "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in " ._-")
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return re.findall(r"[^. _\-]+", value)


def generator_class_name(value: str) -> str:
    """The class name openapi-python-client makes of `value`: `listAPIKey` -> `ListAPIKey`, and
    of its snake-cased operation name `list_api_key` -> `ListApiKey` (the generator's PascalCase,
    reproduced here so old names can be recorded without importing its internals)."""
    return "".join(w if w.isupper() else w.capitalize() for w in _generator_words(value))


def _generated_name(parent: str, name: str, schema: Any) -> str:
    """The class the generator names an inline model: its parent's name and its title or name."""
    title = schema.get("title") if isinstance(schema, dict) else None
    own = title if isinstance(title, str) and generator_class_name(title) else name
    return generator_class_name(generator_class_name(parent) + generator_class_name(own))


def result_sites(spec: JSONDict) -> Iterator[ResultSite]:
    """Every inline 2xx JSON result, in operation order (a page's item before the page)."""
    for _path, _method, operation in iter_operations(spec):
        operation_id = operation.get("operationId")
        responses = operation.get("responses")
        if not isinstance(operation_id, str) or not isinstance(responses, dict):
            continue
        statuses = sorted(s for s in responses if str(s).startswith("2"))
        for status in statuses:
            response = responses[status]
            content = response.get("content") if isinstance(response, dict) else None
            if not isinstance(content, dict):
                continue
            key = operation_id if status == statuses[0] else f"{operation_id} {status}"
            for media_type, media in content.items():
                if is_json_media_type(media_type) and isinstance(media, dict):
                    yield from _sites_in(media, key, operation_id, f"response_{status}")


def _sites_in(media: JSONDict, key: str, operation_id: str, name: str) -> Iterator[ResultSite]:
    """The sites of one response body; the generator names it `name` under the operation's
    snake-cased name (`list_account` + `response_200`), its array item `name_item`, and a
    page's item `items_item` under the page."""
    schema = media.get("schema")
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    operation = "_".join(_generator_words(operation_id)).lower()
    body = _generated_name(operation, name, schema)
    page_items = _page_items(schema)
    if page_items is not None:
        item = page_items["items"]
        if _makes_model(item):
            old = _generated_name(body, "items_item", item)
            yield ResultSite(key, operation_id, "page item", old, page_items, "items")
        yield ResultSite(f"{key} page", operation_id, "page", body, media, "schema")
    elif "array" in _types(schema) and _makes_model(schema.get("items")):
        old = _generated_name(operation, f"{name}_item", schema["items"])
        yield ResultSite(key, operation_id, "item", old, schema, "items")
    elif _makes_model(schema):
        yield ResultSite(key, operation_id, "body", body, media, "schema")


def propose_result_name(operation_id: str, kind: str, item: str | None = None) -> str:
    """A readable name for a result, from its operation: `getWarmupAnalytics` -> `WarmupAnalytics`,
    `pauseAccounts` -> `PauseAccountsResult`; a page is `<item>Page`."""
    if kind == "page" and item:
        return f"{item}Page"
    words = pascal_case(operation_id)
    verb = next((v for v in _READ_VERBS if operation_id.startswith(v)), None)
    rest = words[len(verb) :] if verb else ""
    if verb and rest[:1].isupper():
        return rest + ("Page" if kind == "page" else "")
    return words + ("Page" if kind == "page" else "Result")


def _ref_name(schema: JSONDict) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
        return ref.removeprefix(SCHEMA_REF_PREFIX)
    return None


def _without_marks(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_marks(v) for k, v in node.items() if k != RENAMED_FROM}
    if isinstance(node, list):
        return [_without_marks(v) for v in node]
    return node


def _shape(schema: Any) -> str:
    """What two schemas must share to be the same type: `shape_key`, ignoring this rule's marks."""
    return shape_key(_without_marks(schema))


def _class_name(key: str, schema: Any) -> str:
    """The class the generator writes for component `key` (named after its title, else its key)."""
    title = schema.get("title") if isinstance(schema, dict) else None
    own = title if isinstance(title, str) and generator_class_name(title) else key
    return generator_class_name(own)


def _mark(schema: Any, old: str, new: str) -> None:
    """Record `old` -> `new` on every inline object schema under `schema` (not through `$ref`)."""
    if isinstance(schema, list):
        for value in schema:
            _mark(value, old, new)
        return
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if _makes_model(schema):
        entry = {"from": old, "to": new}
        marks = schema.setdefault(RENAMED_FROM, [])
        if entry not in marks:
            marks.append(entry)
    for keyword, value in schema.items():
        if keyword != RENAMED_FROM and isinstance(value, dict | list):
            _mark(value, old, new)


def _documents(spec: JSONDict, server: str) -> bool:
    servers = spec.get("servers")
    return isinstance(servers, list) and any(
        isinstance(s, dict) and str(s.get("url", "")).rstrip("/") == server.rstrip("/")
        for s in servers
    )


class _Namer:
    """The state of one pass: component shapes, names taken, the table's entries used."""

    def __init__(self, spec: JSONDict, table: dict[str, str] | None, notes: list[str]) -> None:
        self.schemas: JSONDict = spec.setdefault("components", {}).setdefault("schemas", {})
        self.shapes: dict[str, str] = {}
        for key, schema in self.schemas.items():
            self.shapes.setdefault(_shape(schema), key)
        self.taken = {class_name_key(k) for k in self.schemas}
        self.taken |= {class_name_key(_class_name(k, s)) for k, s in self.schemas.items()}
        self.table = table
        self.used: set[str] = set()
        self.notes = notes
        self.hoisted: dict[str, str] = {}  # table key -> name given
        self.resolved: dict[str, str] = {}  # table key -> existing component it is

    def name(self, site: ResultSite, item: str | None) -> str:
        """The reviewed name for `site`, else the proposed one (with a note). A name that is
        already a model's gets a numeric suffix, with a note under the table for a reviewer:
        one result never stops the build (a new spec may bring a component of that name)."""
        if self.table is not None and site.key in self.table:
            self.used.add(site.key)
            reviewed = self.table[site.key]
            name = self._unique(reviewed)
            if name != reviewed:
                self.notes.append(
                    f"WARNING: model_names.json names {site.key!r} {reviewed!r}, but a model of "
                    f"that name exists already; named {name!r} until it gets another name there"
                )
            return name
        wanted = propose_result_name(site.operation_id, site.kind, item)
        name = self._unique(wanted)
        if self.table is not None:
            clash = f" ({wanted!r} is already a model's)" if name != wanted else ""
            self.notes.append(
                f"result {site.key!r} ({site.generated_name}) has no reviewed name in "
                f"model_names.json; named {name!r} as proposed{clash}"
            )
        return name

    def _unique(self, wanted: str) -> str:
        """`wanted`, or with the first numeric suffix (2, 3, ...) no model has."""
        name, suffix = wanted, 2
        while name in self.schemas or class_name_key(name) in self.taken:
            name, suffix = f"{wanted}{suffix}", suffix + 1
        return name

    def place(self, site: ResultSite, item: str | None) -> str:
        """Make the site a `$ref` (to an identical component, else a new one); its class name."""
        schema = site.schema
        shape = _shape(schema)
        existing = self.shapes.get(shape)
        if existing is not None:
            self.resolved[site.key] = existing
            key = existing
        else:
            key = self.name(site, item)
            schema["title"] = key
            self.schemas[key] = schema
            self.shapes[shape] = key
            self.taken.add(class_name_key(key))
            self.hoisted[site.key] = key
        new = _class_name(key, self.schemas[key])
        _mark(self.schemas[key], site.generated_name, new)
        site.holder[site.slot] = {"$ref": SCHEMA_REF_PREFIX + key}
        return new


def name_result_types_from(
    spec: JSONDict, model_names: ModelNames | None, notes: list[str]
) -> tuple[int, dict[str, str]]:
    """Apply the rule with `model_names` (its table only when `spec` documents its server).

    Returns how many results were named and the names given (table key -> class name).
    A name (reviewed, or proposed for a result the table lacks) that is already a model's gets a
    numeric suffix and a note; a result the table lacks is named as proposed, with a note; an
    entry naming a result the spec does not have (or one that is an existing component) is a
    note.
    """
    table = (
        model_names.names
        if model_names is not None and _documents(spec, model_names.server)
        else None
    )
    namer = _Namer(spec, table, notes)
    fired = 0
    for site in list(result_sites(spec)):
        item: str | None = None
        if site.kind == "page":  # its item is a `$ref` by now (placed just before, or already)
            ref = _ref_name(site.schema["properties"]["items"]["items"])
            item = _class_name(ref, namer.schemas.get(ref)) if ref else None
        namer.place(site, item)
        fired += 1
    if table is not None:
        for key in sorted(set(table) - namer.used):
            if key in namer.resolved:
                notes.append(
                    f"model_names.json names {key!r}, whose result is the existing "
                    f"component {namer.resolved[key]!r}; remove the entry"
                )
            else:
                notes.append(f"model_names.json names {key!r}, which the spec does not have")
    return fired, namer.hoisted


def name_result_types(spec: JSONDict, notes: list[str]) -> int:
    """Inline 2xx results get readable names (openapi/model_names.json), or are the component
    they are identical to, instead of `ListAccountResponse200ItemsItem`."""
    return name_result_types_from(spec, load_model_names(), notes)[0]


def proposed_model_names(spec: JSONDict) -> dict[str, str]:
    """The names the rule would give `spec`'s results with no table: a starting point to review."""
    notes: list[str] = []
    return name_result_types_from(json.loads(json.dumps(spec)), None, notes)[1]
