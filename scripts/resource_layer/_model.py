"""The resource layer as data: every operation of the spec, named, with its semantics.

`build_layer` walks the operations of the normalized spec (what the generator saw: every one gets
a method, with or without an operationId or tags), takes the Python spellings of their arguments
and results from the generated package's source, applies the reviewed table
`openapi/resources.json`, and returns one `ResourcePlan` per tag whose methods the renderer turns
into code and api.md rows. What a method returns follows the spec's declared 2xx answers; an
operation the layer cannot type gets a generic method and a warning. Every decision here is keyed
on a construct of the spec (a tag, an operationId, a cursor field, the job schema), never on a
path.
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
    NameCollisionError,
    check_unique,
    class_name,
    method_name,
    resource_name,
    snake_case,
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
    success_kind,
)

__all__ = [
    "RAW_RESPONSE",
    "MethodPlan",
    "ResourcePlan",
    "Review",
    "build_layer",
    "load_review",
    "operation_id_of",
    "stale_entries",
]

# Argument names the resource methods keep for themselves (per-call options, the whole body).
_RESERVED_ARGUMENTS = frozenset({"self", "body", "timeout", "max_retries", "options"})
_READ_METHODS = frozenset({"GET", "HEAD"})
# What a method returns when the spec declares no 2xx: the raw response, not a parsed body.
RAW_RESPONSE = ("httpx", "Response")


class UnsupportedOperationError(ValueError):
    """An operation of a shape the emitter cannot type: it gets a generic method instead."""


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
    generic: str | None = None  # why the operation has a generic method (None: a typed one)
    generic_body: bool = False  # a generic method's operation declares a request body

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


def operation_id_of(http_method: str, path: str, operation: Mapping[str, Any]) -> str:
    """The operation's operationId; without one, the name the generator gives its module
    (`post /api/v2/oauth/clients` -> `post_api_v2_oauth_clients`)."""
    given = operation.get("operationId")
    if given:
        return str(given)
    clean = path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
    return f"{http_method.lower()}_{clean}"


def _result(
    operation: Mapping[str, Any], endpoint: EndpointSource
) -> tuple[str, tuple[str, str], dict[str, str]]:
    """What the method returns (annotation, the class a 2xx is checked against, imports), by
    what the spec declares its 2xx answers carry (`success_kind`)."""
    kind = success_kind(operation)
    if kind == "raw":
        return "httpx.Response", RAW_RESPONSE, {}
    if kind == "none":
        return "None", ("builtins", "NoneType"), {}
    annotation = endpoint.success_annotation
    imports = {k: v for k, v in endpoint.imports.items() if k in annotation}
    if kind == "several":
        # Whichever 2xx came, parsed by the generated parser (checked there): no one class.
        members = [m.strip() for m in annotation.split("|")]
        if "None" not in members and any(
            not (r.get("content") or None)
            for s, r in operation.get("responses", {}).items()
            if str(s).startswith("2") and isinstance(r, Mapping)
        ):
            annotation += " | None"
        return annotation, ("builtins", "object"), imports
    return annotation, _runtime_of(annotation, endpoint.imports), imports


def _check_parameters(operation: Mapping[str, Any], endpoint: EndpointSource) -> None:
    """Refuse (for a generic method) what the layer would not send right: a header or cookie
    parameter, or an argument of the generated function the spec does not declare in the query
    (it would be sent as one)."""
    declared: set[str] = set()
    for parameter in operation.get("parameters", []) or []:
        if not isinstance(parameter, Mapping):
            continue
        place, name = parameter.get("in"), str(parameter.get("name"))
        if place == "query":
            declared.add(name)
        elif place != "path":
            raise UnsupportedOperationError(
                f"its {place} parameter {name!r}: the layer sends path, query and body "
                "arguments only"
            )
    stray = [f.wire for f in endpoint.query_params if f.wire not in declared]
    if stray:
        raise UnsupportedOperationError(
            f"its generated function takes {stray}, which the spec does not declare as query "
            "parameters"
        )


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
    operation_id = operation_id_of(http_method, path, operation)
    _check_parameters(operation, endpoint)
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
        elif any(m not in ("None", "Unset") for m in members):
            raise UnsupportedOperationError(
                f"its request body is `{endpoint.body.annotation}`, not one object model: the "
                "emitter takes object bodies only (as keyword fields or `body=`)"
            )
    pages = page_location(document, operation)
    returns, returns_runtime, returns_imports = _result(operation, endpoint)
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
        returns=returns,
        returns_runtime=returns_runtime,
        returns_imports=returns_imports,
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


def _generic_plan(
    document: Mapping[str, Any],
    endpoint: EndpointSource | None,
    http_method: str,
    path: str,
    operation: Mapping[str, Any],
    name: str,
    review: Review,
    reason: str,
) -> MethodPlan:
    """A generic method for an operation the emitter cannot type: built from the spec alone,
    its path and query arguments passed through as given, a body whole (`body=`), the raw
    response returned; validated against the spec where its request schema can be read."""
    operation_id = operation_id_of(http_method, path, operation)
    taken: set[str] = set()
    path_params = []
    for wire in (part[1:-1] for part in path.split("/") if part.startswith("{")):
        safe = _safe_argument(
            Field(python=_identifier(wire), wire=wire, annotation="str", required=True), taken
        )
        taken.add(safe.python)
        path_params.append(safe)
    query = []
    for parameter in operation.get("parameters", []) or []:
        if not isinstance(parameter, Mapping) or parameter.get("in") != "query":
            continue
        wire = str(parameter.get("name"))
        required = bool(parameter.get("required"))
        safe = _safe_argument(
            Field(python=_identifier(wire), wire=wire, annotation="Any", required=required), taken
        )
        taken.add(safe.python)
        query.append(safe)
    try:
        schema = request_schema(document, operation)
    except (ValueError, KeyError, TypeError, AttributeError):
        schema = {}
    repeatable, retry_reason = _retry(operation_id, http_method, review)
    summary = str(operation.get("summary") or operation_id).strip().splitlines()[0]
    return MethodPlan(
        name=name,
        operation_id=operation_id,
        http_method=http_method,
        path=path,
        summary=summary,
        module=endpoint.module if endpoint is not None else "",
        path_params=tuple(path_params),
        query=tuple(query),
        body_fields=(),
        body_model=None,
        body_imports={},
        body_required=bool((operation.get("requestBody") or {}).get("required")),
        accept=non_json_media(operation),
        returns="httpx.Response",
        returns_runtime=RAW_RESPONSE,
        returns_imports={},
        item=None,
        schema=schema,
        pages=None,
        job=False,
        accepted=False,
        error_in_body=False,
        repeatable=repeatable,
        retry_reason=retry_reason,
        deprecated=bool(operation.get("deprecated")),
        generic=reason,
        generic_body=bool((operation.get("requestBody") or {}).get("content")),
    )


def _identifier(wire: str) -> str:
    """A wire name as a Python argument name (snake case; a leading digit or keyword escaped)."""
    name = snake_case(wire) or "value"
    if name[0].isdigit() or keyword.iskeyword(name):
        name += "_"
    return name


def build_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    review: Review,
    *,
    snapshot: Mapping[Path, str] | None = None,
    warnings: list[str] | None = None,
) -> list[ResourcePlan]:
    """One `ResourcePlan` per tag (by the operation's first tag, else `default`), methods in
    spec order; every operation gets a method, with or without an operationId.

    An operation the emitter cannot type gets a generic method (`_generic_plan`) and a line in
    `warnings` naming it and why: one odd operation never stops the build of the others.
    The generated code is read from `package_dir`, or from `snapshot` (`read_sources`) when given.
    """
    problems: dict[str, str] = {}
    endpoints = _endpoint_index(read_endpoints(package_dir, snapshot=snapshot, problems=problems))
    grouped: dict[str, list[MethodPlan]] = {}
    for path, http_method, operation in iter_operations(dict(document)):
        if not isinstance(operation, Mapping):
            continue
        operation_id = operation_id_of(http_method, path, operation)
        tags = operation.get("tags") or ["default"]
        tag = str(tags[0])
        name = method_name(operation_id, tag, review.methods)
        endpoint = endpoints.get(_route_key(http_method, path))
        try:
            if endpoint is None:
                raise UnsupportedOperationError(
                    "the generator wrote no readable endpoint module for it"
                    + "".join(f" ({why})" for why in problems.values() if path in why)
                )
            endpoint = replace(endpoint, path_params=_wire_path_params(endpoint, path))
            plan = _plan_method(
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
        except NameCollisionError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, SyntaxError) as exc:
            reason = str(exc) or type(exc).__name__
            plan = _generic_plan(
                document, endpoint, http_method.upper(), path, operation, name, review, reason
            )
            if warnings is not None:
                warnings.append(
                    f"{operation_id} ({plan.route}): generic method {name}(...) returning the "
                    f"raw response, because {reason}"
                )
        grouped.setdefault(tag, []).append(plan)
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
