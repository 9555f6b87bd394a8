"""What a method returns is read from the spec's responses; ids and generic methods (issue #25).

Fast unit tests of the decisions the shapes build (`test_resource_layer_shapes.py`, slow) proves
end to end: `success_kind` by the declared 2xx answers, `operation_id_of` for an operation
without an operationId, and the generic method an operation gets when it cannot be typed (a
header parameter, which the layer would otherwise send in the query).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import scripts.regenerate as regenerate
from scripts.resource_layer._model import (
    RAW_RESPONSE,
    Review,
    _generic_plan,
    build_layer,
    operation_id_of,
)
from scripts.resource_layer._semantics import success_kind

JSON = "application/json"


def _body(schema: dict[str, Any], media: str = JSON) -> dict[str, Any]:
    return {"description": "ok", "content": {media: {"schema": schema}}}


OBJECT_A = {"type": "object", "properties": {"a": {"type": "string"}}}
OBJECT_B = {"type": "object", "properties": {"b": {"type": "integer"}}}


@pytest.mark.parametrize(
    ("responses", "kind"),
    [
        ({"200": _body(OBJECT_A), "400": _body(OBJECT_B)}, "body"),
        ({"200": _body(OBJECT_A), "201": _body(OBJECT_A)}, "body"),
        ({"200": _body({"type": "string"}, "text/csv")}, "body"),
        ({"200": {"description": "Default Response"}}, "none"),
        ({"204": {"description": "Deleted"}, "404": _body(OBJECT_B)}, "none"),
        ({"400": _body(OBJECT_B), "401": _body(OBJECT_B)}, "raw"),
        ({"default": _body(OBJECT_B)}, "raw"),
        ({}, "raw"),
        ({"200": _body(OBJECT_A), "201": _body(OBJECT_B)}, "several"),
        ({"200": _body(OBJECT_A), "204": {"description": "nothing"}}, "several"),
    ],
    ids=[
        "one-json-body",
        "two-codes-one-body",
        "csv-only",
        "default-response-without-content",
        "204",
        "only-errors",
        "only-default",
        "no-responses",
        "two-bodies",
        "body-beside-empty",
    ],
)
def test_success_kind_follows_the_declared_2xx_answers(
    responses: dict[str, Any], kind: str
) -> None:
    assert success_kind({"responses": responses}) == kind


def test_an_operation_keeps_its_operation_id() -> None:
    assert operation_id_of("post", "/api/v2/x", {"operationId": "createX"}) == "createX"


def test_without_an_operation_id_the_generators_module_name_is_used() -> None:
    operation_id = operation_id_of("post", "/api/v2/oauth/clients/{id}/secret", {})
    assert operation_id == "post_api_v2_oauth_clients_id_secret"


def _generic(operation: dict[str, Any], path: str = "/api/v2/things/{thing-id}/batch") -> Any:
    document: dict[str, Any] = {"paths": {path: {"post": operation}}}
    return _generic_plan(
        document, None, "POST", path, operation, "batch", Review(), "a reason given"
    )


ARRAY_BODY_OPERATION: dict[str, Any] = {
    "operationId": "batchThings",
    "parameters": [
        {"name": "dry-run", "in": "query", "required": True, "schema": {"type": "boolean"}},
        {"name": "thing-id", "in": "path", "required": True, "schema": {"type": "string"}},
    ],
    "requestBody": {"content": {JSON: {"schema": {"type": "array", "items": OBJECT_A}}}},
    "responses": {"200": _body(OBJECT_A)},
}


def test_a_generic_method_takes_the_specs_path_and_query_arguments() -> None:
    plan = _generic(ARRAY_BODY_OPERATION)
    assert [(f.python, f.wire) for f in plan.path_params] == [("thing_id", "thing-id")]
    assert [(f.python, f.wire, f.required) for f in plan.query] == [("dry_run", "dry-run", True)]


def test_a_generic_method_takes_a_whole_body_and_returns_the_raw_response() -> None:
    plan = _generic(ARRAY_BODY_OPERATION)
    assert plan.generic_body and plan.body_model is None and plan.body_fields == ()
    assert plan.returns_runtime == RAW_RESPONSE
    assert plan.returns == "httpx.Response"


def test_a_generic_method_says_why_and_keeps_the_retry_default() -> None:
    plan = _generic(ARRAY_BODY_OPERATION)
    assert plan.generic == "a reason given"
    assert plan.repeatable is False  # a write is sent once
    assert plan.pages is None and not plan.job


def test_a_generic_method_without_a_body_takes_none() -> None:
    operation = {"operationId": "pokeThings", "responses": {"200": _body(OBJECT_A)}}
    assert _generic(operation, "/api/v2/things/poke").generic_body is False


def _small_spec() -> dict[str, Any]:
    signed = {
        "operationId": "signThing",
        "tags": ["Thing"],
        "parameters": [
            {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {"200": _body(OBJECT_A)},
    }
    listed = {
        "operationId": "listThing",
        "tags": ["Thing"],
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": _body(OBJECT_A)},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/api/v2/things/sign": {"post": signed}, "/api/v2/things": {"get": listed}},
    }


@pytest.mark.slow
def test_a_header_parameter_gives_a_generic_method_and_a_warning(tmp_path: Path) -> None:
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(_small_spec()), encoding="utf-8")
    package = tmp_path / "out" / "instantly_api"
    regenerate._generate(spec_path, package)
    warnings: list[str] = []
    (resource,) = build_layer(_small_spec(), package, Review(), warnings=warnings)
    methods = {m.operation_id: m for m in resource.methods}
    assert methods["listThing"].generic is None
    assert [(f.python, f.wire) for f in methods["listThing"].query] == [("limit", "limit")]
    assert methods["signThing"].generic is not None
    assert methods["signThing"].returns_runtime == RAW_RESPONSE
    assert warnings == [
        "signThing (POST /api/v2/things/sign): generic method sign(...) returning the raw "
        "response, because its header parameter 'X-Signature': the layer sends path, query "
        "and body arguments only"
    ]
