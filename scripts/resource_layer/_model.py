"""The resource layer as data: every operation joined with its generated code, name and semantics.

`build_layer` reads the normalized spec (what the generator saw), the generated package's source
and the reviewed table `openapi/resources.json`, and returns one `ResourcePlan` per tag whose
methods the renderer turns into code and api.md rows. Every decision here is keyed on a construct
of the spec (a tag, an operationId, a cursor field, the job schema), never on a path.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scripts.normalize import iter_operations
from scripts.resource_layer._naming import (
    check_unique,
    class_name,
    method_name,
    resource_name,
)
from scripts.resource_layer._reading import (
    EndpointSource,
    Field,
    read_body_model,
    read_endpoints,
    read_list_item,
)
from scripts.resource_layer._semantics import (
    CURSOR_INPUT,
    is_accepted_without_job,
    is_job_start,
    non_json_media,
    page_location,
    reports_error_in_body,
    request_schema,
)

__all__ = [
    "MethodPlan",
    "ResourcePlan",
    "Review",
    "build_layer",
    "load_review",
    "stale_entries",
]

# Argument names the resource methods keep for themselves (per-call options, the whole body).
_RESERVED_ARGUMENTS = frozenset({"self", "body", "timeout", "max_retries", "options"})
_READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Review:
    """The reviewed table: resource and method names, and per-operation retry safety with why."""

    resources: Mapping[str, str] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)
    repeatable: Mapping[str, str] = field(default_factory=dict)
    never_repeat: Mapping[str, str] = field(default_factory=dict)


def load_review(path: Path) -> Review:
    """The reviewed table at `path` (an empty one when the file is absent)."""
    if not path.exists():
        return Review()
    data = json.loads(path.read_text(encoding="utf-8"))
    overlap = set(data.get("repeatable", {})) & set(data.get("never_repeat", {}))
    if overlap:
        raise ValueError(
            f"{path}: operations both repeatable and never repeated: {sorted(overlap)}"
        )
    return Review(
        resources=dict(data.get("resources", {})),
        methods=dict(data.get("methods", {})),
        repeatable=dict(data.get("repeatable", {})),
        never_repeat=dict(data.get("never_repeat", {})),
    )


@dataclass(frozen=True)
class MethodPlan:
    """One operation as a resource method."""

    name: str
    operation_id: str
    http_method: str
    path: str
    summary: str
    module: str
    path_params: tuple[Field, ...]
    query: tuple[Field, ...]
    body_fields: tuple[Field, ...]
    body_model: tuple[str, str] | None
    body_imports: Mapping[str, str]
    body_required: bool
    accept: str | None  # a 2xx media type that is not JSON
    returns: str  # annotation of what the call returns (before paging/job wrapping)
    returns_runtime: tuple[str, str]
    returns_imports: Mapping[str, str]
    item: Field | None  # the item annotation of a paged listing
    schema: Mapping[str, Any]
    pages: str | None
    job: bool
    repeatable: bool
    accepted: bool  # a 202 without a job: returns `Accepted`
    error_in_body: bool  # a 2xx that may report a failure (`success: false`, `error`)
    retry_reason: str
    deprecated: bool

    @property
    def route(self) -> str:
        return f"{self.http_method} {self.path}"


@dataclass(frozen=True)
class ResourcePlan:
    """The methods of one tag's resource."""

    tag: str
    attribute: str
    class_name: str
    module: str  # module name inside instantly_api.resources
    methods: tuple[MethodPlan, ...]


def _route_key(method: str, path: str) -> tuple[str, tuple[str, ...]]:
    """Method and path with every placeholder blanked: matches the generator's URL templates."""
    parts = tuple("{}" if part.startswith("{") else part for part in path.split("/"))
    return method.upper(), parts


def _endpoint_index(endpoints: list[EndpointSource]) -> dict[tuple[str, tuple[str, ...]], Any]:
    return {_route_key(e.method, e.url): e for e in endpoints}


def _runtime_of(annotation: str, imports: Mapping[str, str]) -> tuple[str, str]:
    """The class an `isinstance` check of the 2xx result uses."""
    head = annotation.split("[", 1)[0].split("|", 1)[0].strip()
    if head == "Any":
        return "builtins", "object"
    if head in imports:
        return imports[head], head
    if head in ("list", "str"):
        return "builtins", head
    if head == "None":
        return "builtins", "NoneType"
    return "builtins", "object"


def _retry(operation_id: str, method: str, review: Review) -> tuple[bool, str]:
    if operation_id in review.never_repeat:
        return False, review.never_repeat[operation_id]
    if operation_id in review.repeatable:
        return True, review.repeatable[operation_id]
    if method in _READ_METHODS:
        return True, "a read"
    return False, "a write is not repeated once it may have been processed (the default)"


def _safe_argument(field_: Field, taken: set[str]) -> Field:
    """The argument's Python name: the wire name where it is a plain identifier (`filter`, not
    the generator's `filter_`: only keywords need the underscore), never a reserved or taken one."""
    wire = field_.wire
    name = wire if wire.isidentifier() and not keyword.iskeyword(wire) else field_.python
    while name in _RESERVED_ARGUMENTS or name in taken:
        name += "_"
    return field_ if name == field_.python else replace(field_, python=name)


def _plan_method(
    document: Mapping[str, Any],
    package_dir: Path,
    endpoint: EndpointSource,
    http_method: str,
    path: str,
    operation: Mapping[str, Any],
    name: str,
    review: Review,
    snapshot: Mapping[Path, str] | None,
) -> MethodPlan:
    operation_id = str(operation["operationId"])
    taken: set[str] = {p.python for p in endpoint.path_params}
    query = []
    for field_ in endpoint.query_params:
        safe = _safe_argument(field_, taken)
        taken.add(safe.python)
        query.append(safe)
    body_fields: list[Field] = []
    body_model: tuple[str, str] | None = None
    body_required = False
    if endpoint.body is not None:
        members = [m.strip() for m in endpoint.body.annotation.split("|")]
        models = [m for m in members if m in endpoint.body.imports and m != "Unset"]
        model_name = models[0] if models else members[0]
        model_module = endpoint.body.imports.get(model_name)
        body_required = endpoint.body.required
        if len(models) > 1:
            # A body of one of several shapes: taken whole (`body=`), never as keyword fields.
            body_model = (model_module or "", " | ".join(models))
        elif model_module is not None:
            body_model = (model_module, model_name)
            model = read_body_model(package_dir, model_name, model_module, snapshot=snapshot)
            for field_ in model.fields:
                safe = _safe_argument(field_, taken)
                taken.add(safe.python)
                body_fields.append(safe)
    pages = page_location(document, operation)
    returns_runtime = _runtime_of(endpoint.success_annotation, endpoint.imports)
    item = None
    if pages is not None and returns_runtime[0] != "builtins":
        item = read_list_item(
            package_dir, returns_runtime[1], returns_runtime[0], "items", snapshot=snapshot
        )
    repeatable, reason = _retry(operation_id, http_method, review)
    summary = str(operation.get("summary") or operation_id).strip().splitlines()[0]
    if pages is not None and CURSOR_INPUT not in {f.python for f in [*query, *body_fields]}:
        pages = None  # the generated code has no cursor argument: page by hand
    return MethodPlan(
        name=name,
        operation_id=operation_id,
        http_method=http_method,
        path=path,
        summary=summary,
        module=endpoint.module,
        path_params=endpoint.path_params,
        query=tuple(query),
        body_fields=tuple(body_fields),
        body_model=body_model,
        body_imports=dict(endpoint.body.imports) if endpoint.body is not None else {},
        accept=non_json_media(operation),
        body_required=body_required,
        returns=endpoint.success_annotation,
        returns_runtime=returns_runtime,
        returns_imports={
            k: v for k, v in endpoint.imports.items() if k in endpoint.success_annotation
        },
        item=item,
        schema=request_schema(document, operation),
        pages=pages,
        job=is_job_start(document, http_method, operation),
        accepted=is_accepted_without_job(document, http_method, operation),
        error_in_body=reports_error_in_body(document, operation),
        repeatable=repeatable,
        retry_reason=reason,
        deprecated=bool(operation.get("deprecated")),
    )


def _wire_path_params(endpoint: EndpointSource, path: str) -> tuple[Field, ...]:
    """The endpoint's path arguments with the spec's placeholder names as their wire names."""
    spec_names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    url_names = [part[1:-1] for part in endpoint.url.split("/") if part.startswith("{")]
    by_python = dict(zip(url_names, spec_names, strict=True))
    return tuple(replace(p, wire=by_python[p.python]) for p in endpoint.path_params)


def stale_entries(document: Mapping[str, Any], review: Review) -> list[str]:
    """operationIds and tags (`tag X`) the reviewed table names that the spec does not have
    (printed as notes: the spec dropped or renamed them, so their entries are dead until
    reviewed again). A resource name is keyed by the tag operations are grouped under."""
    operations = [op for _, _, op in iter_operations(dict(document))]
    ids = {str(op.get("operationId")) for op in operations}
    tags = {str((op.get("tags") or ["default"])[0]) for op in operations}
    named = set(review.repeatable) | set(review.never_repeat) | set(review.methods)
    return sorted(named - ids) + [f"tag {tag}" for tag in sorted(set(review.resources) - tags)]


def build_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    review: Review,
    *,
    snapshot: Mapping[Path, str] | None = None,
) -> list[ResourcePlan]:
    """One `ResourcePlan` per tag (by the operation's first tag), methods in spec order.

    The generated code is read from `package_dir`, or from `snapshot` (`read_sources`) when given.
    """
    endpoints = _endpoint_index(read_endpoints(package_dir, snapshot=snapshot))
    grouped: dict[str, list[MethodPlan]] = {}
    for path, http_method, operation in iter_operations(dict(document)):
        if not isinstance(operation, Mapping) or "operationId" not in operation:
            continue
        operation_id = str(operation["operationId"])
        tags = operation.get("tags") or ["default"]
        tag = str(tags[0])
        endpoint = endpoints.get(_route_key(http_method, path))
        if endpoint is None:
            raise ValueError(f"{http_method.upper()} {path}: no generated endpoint module")
        endpoint = replace(endpoint, path_params=_wire_path_params(endpoint, path))
        name = method_name(operation_id, tag, review.methods)
        grouped.setdefault(tag, []).append(
            _plan_method(
                document,
                package_dir,
                endpoint,
                http_method.upper(),
                path,
                operation,
                name,
                review,
                snapshot,
            )
        )
    resources = []
    for tag in sorted(grouped):
        attribute = resource_name(tag, review.resources)
        methods = tuple(grouped[tag])
        check_unique(((m.name, m.operation_id) for m in methods), f"{attribute}.")
        resources.append(
            ResourcePlan(
                tag=tag,
                attribute=attribute,
                class_name=class_name(attribute),
                module=attribute,
                methods=methods,
            )
        )
    check_unique(((r.attribute, r.tag) for r in resources), "client.")
    return sorted(resources, key=lambda r: r.attribute)
