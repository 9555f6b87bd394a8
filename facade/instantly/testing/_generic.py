"""The fake's default: every operation served statefully from the spec, with no code of its own.

A collection (`/api/v2/custom-tags`, or `/api/v2/ai-agents/sales/<id>/guidance-rules` per parent)
holds records in creation order, keyed by the path parameter that names them. `create` stores
the body plus what the response schemas fill (a new id, timestamps, the workspace); `get`
and `list` read it back (cursor pages: `limit`, `starting_after` → `next_starting_after`, in
the query or the body as the operation takes them; a query parameter named like a field of
the records filters on it, `exclude_<field>` leaves its value out); `patch` merges; `delete`
removes; an unknown key is a 404. A path without records below it (`/api/v2/workspaces/current`)
is one record read and merged. An action (`POST /x/{id}/pause`) answers its schema built from
the record it names (404 if unknown) and its body; one that starts a background job starts a
real fake job. A path parameter of `format: email` is compared case-insensitively, as Instantly
stores addresses. `SpecStore.sets` holds the fake's facts for some operations: the fields a
create or an action sets (a new campaign is a draft; pausing sets a status); and
`SpecStore.unsupported` the query fields the fake refuses rather than ignores.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from ._records import Call, IdMaker, Rejected, cursor_page, unsupported
from ._schema import Schema, SchemaError, check, coerce_query, resolve
from ._spec_routes import SpecRoute, item_route, routes
from ._values import NOTHING, render
from ._wire import FakeResponse, json_response

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["Collection", "SpecStore", "read_request", "update"]

_WORKSPACE_FIELDS: Final = frozenset(
    {"organization", "organization_id", "workspace", "workspace_id"}
)
_PAGE_LIMIT: Final = 100


class Collection:
    """The records of one collection, in creation order, keyed by their `key` field."""

    def __init__(self, path: str, key: str) -> None:
        self.path = path
        self.key = key
        self.records: dict[str, dict[str, Any]] = {}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.records.values()))

    def get(self, key: str) -> dict[str, Any]:
        """The record (the stored dict, not a copy); `Rejected` 404 when there is none."""
        record = self.records.get(key)
        if record is None:
            raise Rejected(f"{_noun(self.path)} not found", 404)
        return record

    def page(
        self,
        starting_after: str | None,
        limit: int,
        include: Callable[[dict[str, Any]], bool] | None = None,
        *,
        newest_first: bool = False,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The records after the key `starting_after` (see `cursor_page`) that `include` keeps,
        oldest first unless `newest_first`, and the next page's cursor.

        Like Instantly, every non-empty page has a cursor, so a listing ends with an empty page.
        """
        keys = list(self.records)[:: -1 if newest_first else 1]
        kept = None if include is None else (lambda key: include(self.records[key]))
        found, cursor = cursor_page(
            keys, starting_after=starting_after, limit=limit, include=kept, descending=newest_first
        )
        return [self.records[key] for key in found], cursor


class SpecStore:
    """Collections and single records of every operation the hand-written stores do not serve."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        self._collections: dict[str, Collection] = {}
        self._singles: dict[str, dict[str, Any]] = {}
        self._new_id = IdMaker(0x5EC)
        self.sets: dict[str, dict[str, Any]] = {}
        """operationId of a create or an action -> the fields it sets on its record."""
        self.unsupported: dict[str, tuple[str, ...]] = {}
        """operationId -> query fields the fake does not implement (refused, not ignored)."""

    def collection(self, path: str, key: str = "id") -> Collection:
        """The collection at `path` (concrete: parents' ids filled in), made on first use."""
        found = self._collections.get(path)
        if found is None:
            found = self._collections[path] = Collection(path, key)
        return found

    def add(self, path: str, fields: Mapping[str, Any], stamp: str) -> dict[str, Any]:
        """Store a record in the collection at `path` as a create would; returns it."""
        key, schemas = _record_schemas(_template_of(path))
        record = {key: self._new_id(), **fields}
        for schema in schemas:
            built = render(schema, record, self._filler(stamp))
            if isinstance(built, dict):
                record = {**built, **record}
        self.collection(path, key).records[str(record[key])] = record
        return record

    def serve(self, route: SpecRoute, call: Call) -> FakeResponse:
        """Answer `route` from the stored records and its response schema."""
        if route.media is None or route.status == 204:
            self._act(route, call)
            return FakeResponse(route.status)
        if route.media != "application/json":
            return FakeResponse(route.status, (("content-type", route.media),), b"")
        answer = self._act(route, call)
        fill = self._filler(call.stamp)
        return json_response(render(route.schema, answer, fill), route.status)

    def _act(self, route: SpecRoute, call: Call) -> Any:
        """The state change of `route`, and what its answer is built from."""
        body = call.body if isinstance(call.body, dict) else {}
        path = _concrete(route.collection or route.operation.path, call.params)
        refused = self.unsupported.get(route.id, ())
        unsupported(call.query, refused, f"{route.operation.method} {route.operation.path}")
        if route.role == "create":
            return self.add(path, {**body, **self.sets.get(route.id, {})}, call.stamp)
        if route.role == "list":
            collection = self.collection(path, route.key or "id")
            source = call.query if route.operation.pages != "body" else body
            fields = {k: v for k, v in call.query.items() if k not in ("limit", "starting_after")}
            items, cursor = collection.page(
                source.get("starting_after"), int(source.get("limit", _PAGE_LIMIT)), _where(fields)
            )
            schema = resolve(route.schema or {})
            if "array" in (schema.get("type") or ()):
                return items
            return {"items": items, **({"next_starting_after": cursor} if cursor else {})}
        if route.role in ("get", "patch", "delete"):
            key = call.params[route.key or "id"]
            collection = self.collection(path, route.key or "id")
            record = collection.get(key)
            if route.role == "patch":
                update(record, body, call.stamp)
            elif route.role == "delete":
                del collection.records[key]
            return record
        if route.operation.job:
            return self._fake.jobs._create(_job_type(route), {}, None).as_json()
        owner = self._owner(route, call.params)
        if route.role in ("read", "write"):
            single = self._singles.setdefault(route.operation.path + str(call.params), {})
            if route.role == "write":
                single.update(body)
            if not single:
                built = render(route.schema, {**owner}, self._filler(call.stamp))
                single.update(built if isinstance(built, dict) else {})
            return {**single, **owner}
        if route.id in self.sets:
            update(owner, self.sets[route.id], call.stamp)
        return {**body, **owner}

    def _owner(self, route: SpecRoute, params: Mapping[str, str]) -> dict[str, Any]:
        """The record an action or read names (404 when unknown), or nothing."""
        if route.owner is None:
            return {}
        head, _, last = route.owner.rpartition("/")
        key = last.strip("{}")
        return self.collection(_concrete(head, params), key).get(params[key])

    def _filler(self, stamp: str) -> Any:
        fake = self._fake

        def fill(name: str, schema: Schema) -> Any:
            if schema.get("format") == "date-time" or name.startswith("timestamp_"):
                return stamp
            if name in _WORKSPACE_FIELDS:
                return fake.workspace_id
            if name in ("user_id", "owned_by"):
                return fake.user_id
            if name == "id":
                return self._new_id()
            return NOTHING

        return fill


def read_request(
    route: SpecRoute, params: Mapping[str, str], pairs: list[tuple[str, str]], body: Any
) -> tuple[dict[str, str], dict[str, Any]]:
    """The path parameters (decoded) and query (coerced) of a request, checked with its body
    against the operation's request schema; `Rejected` (400) with Ajv's message at the first
    problem. `body` is None when the request had none."""
    schema = route.operation.schema
    formats = {n: s.get("format") for n, s in schema.get("path", {}).get("properties", {}).items()}
    decoded = {n: _key(unquote(v), formats.get(n)) for n, v in params.items()}
    properties: Mapping[str, Schema] = schema.get("query", {}).get("properties", {})
    query: dict[str, Any] = {}
    for name, raw in pairs:
        sub = properties.get(name)
        if sub is None:
            continue  # Fastify ignores query parameters its schema does not name
        if name in query and "array" not in sub.get("type", ()):
            raise Rejected(f"querystring/{name} must be {','.join(sub.get('type', ()))}")
        value = coerce_query(raw, sub.get("items", {}) if "array" in sub.get("type", ()) else sub)
        query[name] = [*query.get(name, []), value] if "array" in sub.get("type", ()) else value
    try:
        _check_part(decoded, schema.get("path"), "params")
        _check_part(query, schema.get("query"), "querystring")
        if "body" in schema and (body is not None or route.operation.body_required):
            check(body, schema["body"], "body")  # an optional body may be left out (OpenAPI)
            named = schema["body"].get("properties", {})
            if route.closed_body and isinstance(body, dict) and any(k not in named for k in body):
                raise SchemaError("body must NOT have additional properties")
    except SchemaError as error:
        raise Rejected(str(error)) from None
    return decoded, query


def _key(value: str, form: str | None) -> str:
    """A path parameter as records are keyed: an email address trimmed and lower-cased."""
    return value.strip().lower() if form == "email" else value


def update(record: dict[str, Any], fields: Mapping[str, Any], stamp: str) -> None:
    """Merge `fields` into `record` and stamp its `*updated*` timestamps."""
    record.update(fields)
    for name in record:
        if "updated" in name and isinstance(record[name], str):
            record[name] = stamp


def _check_part(values: Mapping[str, Any], schema: Schema | None, where: str) -> None:
    if schema is None:
        return
    for name in schema.get("required", ()):
        if name not in values:
            raise SchemaError(f"{where} must have required property '{name}'")
    for name, sub in schema.get("properties", {}).items():
        if name in values:
            check(values[name], sub, f"{where}/{name}")


def _where(query: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """A record filter from a list's query: a field it names equals the value, `exclude_<field>`
    differs from it; `search`: some value holds the text, in any case."""
    search = str(query.get("search", "")).lower()
    fields = {n: str(v) for n, v in query.items() if n != "search"}
    excluded = {n[8:]: fields.pop(n) for n in list(fields) if n.startswith("exclude_")}
    return lambda record: (
        all(str(record.get(n, v)) == v for n, v in fields.items())
        and all(str(record.get(n)) != v for n, v in excluded.items())
        and (not search or any(search in str(v).lower() for v in record.values()))
    )


def _noun(path: str) -> str:
    """`/api/v2/custom-tags` -> `Custom tag` (for the 404 message)."""
    last = next(p for p in reversed(path.split("/")) if p and not p.startswith("{"))
    words = last.rstrip("s").replace("-", " ")
    return words[:1].upper() + words[1:]


def _concrete(template: str, params: Mapping[str, str]) -> str:
    return "/".join(params.get(p[1:-1], p) if p.startswith("{") else p for p in template.split("/"))


@functools.lru_cache(maxsize=1024)
def _template_of(path: str) -> str:
    """The collection template a concrete path is an instance of (or the path itself)."""
    parts = path.split("/")
    for route in routes():
        template = (route.collection or "").split("/")
        if len(template) == len(parts) and all(
            a == b or a.startswith("{") for a, b in zip(template, parts, strict=True)
        ):
            return "/".join(template)
    return path


@functools.cache
def _record_schemas(template: str) -> tuple[str, tuple[Schema, ...]]:
    """The key of a collection's records, and the response schemas (of its create and its get,
    each once) a new record is filled from."""
    create = next((r for r in routes() if r.role == "create" and r.collection == template), None)
    found = [r for r in (create, item_route(template)) if r is not None]
    key = next((r.key for r in found if r.key), "id")
    schemas = [r.schema for r in found if r.schema is not None]
    return key, tuple(s for n, s in enumerate(schemas) if s not in schemas[:n])


def _job_type(route: SpecRoute) -> str:
    """The job type an operation starts: the one whose words its operationId holds."""
    from ._fake_jobs import job_types

    lowered = route.id.lower()
    types = job_types()
    return next((t for t in types if all(w in lowered for w in t.split("-"))), types[0])
