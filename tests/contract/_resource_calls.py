"""Every method of the generated resources, with a call built from the spec's examples.

`resource_methods()` reads which operation each method of `instantly_api.resources` sends from
the generated source (the `OPERATIONS["..."]` it passes on); a hand-written helper
(`instantly.resources.<resource>`) with a generated method's name stands for that operation.
`example_call()` fits the pinned spec's example inputs of an operation to the method: path
parameters positional, required query parameters and the example body as keyword arguments (the
whole body as `body=` where it holds fields the method has no argument for). Shared by the
resource-layer contract tests and the request-validation property tests.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scripts.spec_files import find_pinned_spec
from tests.contract._operations import NO_VALUE, _resolve, example_value, operations_by_tag
from tests.contract._operations import Operation as SpecOperation

__all__ = [
    "EXAMPLE_FIXES",
    "ExampleCall",
    "ResourceMethod",
    "example_call",
    "pinned_spec_document",
    "resource_methods",
    "spec_examples",
]


@dataclass(frozen=True)
class ResourceMethod:
    """`client.<resource>.<method>` and the operation it sends (a helper: the one it replaces)."""

    resource: str
    method: str
    operation_id: str | None
    helper: bool = False

    @property
    def label(self) -> str:
        return f"{self.resource}.{self.method} ({self.operation_id or 'no operation'})"


@dataclass(frozen=True)
class ExampleCall:
    """Positional and keyword arguments for one method, built from the spec's examples."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"({', '.join(shown)})"


def _operation_ids_called(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    ids: list[str] = []
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "OPERATIONS"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            ids.append(node.slice.value)
    return ids


def _is_overload(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "overload" for d in function.decorator_list)


def _helpers_of(attribute: str, sync_name: str) -> list[str]:
    """The public names the hand-written subclass of a resource defines (its helpers)."""
    from instantly.resources._with_helpers import HELPER_MODULES

    if attribute not in HELPER_MODULES:
        return []
    cls = getattr(importlib.import_module(HELPER_MODULES[attribute]), sync_name)
    return [name for name in vars(cls) if not name.startswith("_")]


@cache
def resource_methods() -> tuple[ResourceMethod, ...]:
    """Every public method of every sync resource class, in the generated order."""
    from instantly_api.resources import RESOURCES

    found: list[ResourceMethod] = []
    for attribute, (module_name, sync_name, _async_name) in sorted(RESOURCES.items()):
        module = importlib.import_module(module_name)
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == sync_name]
        assert len(classes) == 1, f"{module_name} defines {sync_name} {len(classes)} times"
        helpers = _helpers_of(attribute, sync_name)
        for node in classes[0].body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if _is_overload(node):
                continue
            ids = sorted(set(_operation_ids_called(node)))
            assert len(ids) == 1, f"{attribute}.{node.name} sends operations {ids}, not one"
            found.append(ResourceMethod(attribute, node.name, ids[0], helper=node.name in helpers))
        generated = {node.name for node in classes[0].body if isinstance(node, ast.FunctionDef)}
        extra = [name for name in helpers if name not in generated]
        found += [ResourceMethod(attribute, name, None, helper=True) for name in extra]
    return tuple(found)


# Body fields the examples miss, per operationId, each with why: rules the example builder cannot
# read (`if`/`then`/`else`), and spec examples that break their own schema (a spec defect: the
# facade rightly refuses them, so the call would prove nothing about the rest of the request).
EXAMPLE_FIXES: dict[str, tuple[dict[str, Any], str]] = {
    "createSalesAgent": (
        {"type": "website", "input": "https://example.com", "agent_type": 2},
        "allOf if/else: type and input unless memory_from_workspace, agent_type unless "
        "is_duplicate",
    ),
    "createInboxManagerGuidance": (
        {"instruction": "Always answer pricing questions with a link.", "status": 1},
        "allOf if/else: instruction and status for every category but 0 (BASICS)",
    ),
    "forwardEmail": (
        {"body": {"text": "FYI"}},
        "anyOf: body (html or text) or include_original_body=true",
    ),
    "bulkDeleteLeads": (
        {"campaign_id": "f9cc070d-8dba-4341-b847-f083c358e460"},
        "anyOf: campaign_id or list_id (the example has neither)",
    ),
}
# Spec defect: createCampaign's example for campaign_schedule.schedules[].timing.from/to is
# '1970-01-01T00:00:00.000Z', breaking the field's own pattern ^([01][0-9]|2[0-3]):([0-5][0-9])$.
_TIMING_FIX = {"from": "09:00", "to": "17:00"}


def _fixed_body(operation_id: str, body: Any) -> Any:
    if not isinstance(body, Mapping):
        return body
    fixed = copy.deepcopy(dict(body))
    fixed.update(copy.deepcopy(EXAMPLE_FIXES.get(operation_id, ({}, ""))[0]))
    schedule = fixed.get("campaign_schedule")
    if operation_id == "createCampaign" and isinstance(schedule, dict):
        for entry in schedule.get("schedules", []):
            if isinstance(entry, dict) and isinstance(entry.get("timing"), dict):
                entry["timing"].update(_TIMING_FIX)
            if isinstance(entry, dict) and not entry.get("days"):
                entry["days"] = {"1": True}  # minProperties 1, no property required
    return fixed


@cache
def pinned_spec_document() -> dict[str, Any]:
    """The pinned spec as served by Prism (not normalized)."""
    path = find_pinned_spec()
    if path is None:
        raise FileNotFoundError("the pinned spec is not found (openapi/spec.lock.json)")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return document


@cache
def spec_examples() -> dict[str, SpecOperation]:
    """operationId -> the operation's example inputs (operations without usable ones left out)."""
    examples: dict[str, SpecOperation] = {}
    for document in (_without_body_all_of(pinned_spec_document()), pinned_spec_document()):
        for operations in operations_by_tag(document).values():
            for spec_operation in operations:
                examples.setdefault(spec_operation.operation_id, spec_operation)
    return examples


def _without_body_all_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with the top-level `allOf`/`anyOf`/`oneOf` of inline JSON request bodies dropped.

    Some bodies (createSalesAgent, createLeadFinderAgent, forwardEmail, ...) pair their properties
    with combinators of conditional rules and have no example of their own; the example builder
    cannot merge an `allOf` and takes an `anyOf` branch instead of the required properties, so
    their example is built from the properties alone (the required ones).
    """
    copied: dict[str, Any] = copy.deepcopy(dict(document))
    for path_item in copied.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict) and "properties" in schema:
                for combinator in ("allOf", "anyOf", "oneOf"):
                    schema.pop(combinator, None)
    return copied


def _bound(resource: str, method: str) -> Any:
    """The unbound sync method the client has (for its signature): a helper's or generated."""
    from instantly.resources._with_helpers import HELPER_MODULES
    from instantly_api.resources import RESOURCES

    module_name, sync_name, _ = RESOURCES[resource]
    module_name = HELPER_MODULES.get(resource, module_name)
    return getattr(getattr(importlib.import_module(module_name), sync_name), method)


def _helper_call(method: ResourceMethod, spec: SpecOperation | None) -> ExampleCall | None:
    """Arguments for a helper, by the meaning of its required parameters' names."""
    email = "user@example.com"
    if spec is not None:
        email = next(iter(spec.path_params.values()), email)
    args: list[Any] = []
    for name, parameter in inspect.signature(
        _bound(method.resource, method.method)
    ).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        if name == "emails":
            args.append([email])
        elif parameter.default is not parameter.empty:
            continue
        elif name == "email":
            args.append(email)
        elif name == "job_id":
            job = spec_examples().get("getBackgroundJob")
            args.append(next(iter(job.path_params.values())) if job else "job-1")
        else:
            return None  # a helper this module does not know how to call yet
    kwargs: dict[str, Any] = {}
    if method.method == "wait":  # a mock's job never ends: bound the wait
        kwargs = {"wait_timeout": 1.0, "poll_interval": 0.2}
    return ExampleCall(tuple(args), kwargs)


def example_call(method: ResourceMethod) -> ExampleCall | None:
    """The spec's example inputs as a call of `method` (None: the spec has no usable example)."""
    from instantly._operation import operation

    spec = spec_examples().get(method.operation_id) if method.operation_id else None
    if method.helper:
        return _helper_call(method, spec)
    if spec is None or method.operation_id is None:
        return None
    op = operation(method.operation_id)
    signature = inspect.signature(_bound(method.resource, method.method))
    by_wire_path = {wire: py for py, wire in op.path_params}
    path_values = {by_wire_path[w]: v for w, v in spec.path_params.items() if w in by_wire_path}
    args = tuple(
        path_values[name]
        for name, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and name != "self"
    )
    by_wire_query = {wire: py for py, wire in op.query}
    kwargs = {by_wire_query[w]: v for w, v in spec.query_params.items()}
    body = _fixed_body(method.operation_id, spec.body)
    if body is not NO_VALUE and isinstance(body, Mapping):
        by_wire_body = {wire: py for py, wire in op.body}
        if all(key in by_wire_body for key in body):
            kwargs.update({by_wire_body[k]: v for k, v in body.items()})
        else:
            kwargs["body"] = dict(body)
    minimum = op.schema.get("body", {}).get("minProperties", 0)
    if "body" not in kwargs and len(set(kwargs) & {py for py, _ in op.body}) < minimum:
        kwargs.update(_some_body_fields(method.operation_id, op.body, minimum))
    return ExampleCall(args, kwargs)


def _raw_operation(operation_id: str) -> Mapping[str, Any]:
    for path_item in pinned_spec_document()["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation
    raise LookupError(f"the pinned spec has no operation {operation_id}")


def _some_body_fields(
    operation_id: str, body: tuple[tuple[str, str], ...], count: int
) -> dict[str, Any]:
    """`count` optional body fields with their examples: a body that needs some field (PATCH)."""
    document = pinned_spec_document()
    raw = _raw_operation(operation_id)
    schema = raw["requestBody"]["content"]["application/json"]["schema"]
    properties = _resolve(document, schema).get("properties", {})
    by_wire = dict((wire, py) for py, wire in body)
    chosen: dict[str, Any] = {}
    for wire, property_schema in properties.items():
        value = example_value(document, property_schema)
        if wire in by_wire and value is not NO_VALUE and value is not None:
            chosen[by_wire[wire]] = value
        if len(chosen) == count:
            break
    return chosen
