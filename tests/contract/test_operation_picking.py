"""How a representative operation per tag is chosen and how its example call is built."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any

import pytest

from tests.contract._operations import (
    NO_VALUE,
    Operation,
    coerce_to_annotation,
    example_value,
    generated_endpoint_index,
    operations_by_tag,
    path_key,
    ranked_candidates,
    spec_tags,
)

SPEC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Id": {"type": "string", "format": "uuid"},
            "Account": {
                "type": "object",
                "required": ["email"],
                "properties": {"email": {"type": "string", "example": "a@b.co"}, "x": {}},
            },
        }
    },
    "paths": {
        "/accounts": {
            "get": {"tags": ["Account"], "operationId": "listAccount", "responses": {}},
            "post": {
                "tags": ["Account"],
                "operationId": "createAccount",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Account"}}
                    },
                },
                "responses": {"200": {"content": {"application/json": {}}}},
            },
        },
        "/accounts/{email}": {
            "get": {
                "tags": ["Account"],
                "operationId": "getAccount",
                "parameters": [
                    {
                        "name": "email",
                        "in": "path",
                        "required": True,
                        "example": "jon@doe.com",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"200": {"content": {"application/json; charset=utf-8": {}}}},
            }
        },
        "/domains/{domain}": {
            "get": {
                "tags": ["Domain"],
                "operationId": "getDomain",
                "parameters": [
                    {"name": "domain", "in": "path", "schema": {"type": "string", "pattern": "."}}
                ],
            }
        },
    },
}


def test_example_value_prefers_the_parameter_example_over_the_schema_example() -> None:
    assert example_value(SPEC, {"example": "schema"}, declared="param") == "param"


def test_example_value_reads_openapi_31_examples_lists() -> None:
    assert example_value(SPEC, {"type": "string", "examples": ["first", "second"]}) == "first"


def test_example_value_takes_the_first_non_null_enum_value() -> None:
    assert example_value(SPEC, {"type": ["null", "string"], "enum": [None, "a", "b"]}) == "a"


def test_example_value_builds_a_valid_string_for_a_known_format() -> None:
    assert example_value(SPEC, {"$ref": "#/components/schemas/Id"}) == (
        "f9cc070d-8dba-4341-b847-f083c358e460"
    )


def test_example_value_gives_up_on_a_pattern_it_cannot_satisfy() -> None:
    assert example_value(SPEC, {"type": "string", "pattern": "^[a-z]{3}$"}) is NO_VALUE


def test_example_value_builds_only_the_required_properties_of_an_object() -> None:
    assert example_value(SPEC, {"$ref": "#/components/schemas/Account"}) == {"email": "a@b.co"}


def test_example_value_respects_minimum_for_numbers() -> None:
    assert example_value(SPEC, {"type": "integer", "minimum": 10}) == 11


def test_operations_by_tag_leaves_out_operations_without_buildable_inputs() -> None:
    grouped = operations_by_tag(SPEC)
    assert "Domain" not in grouped
    assert {op.operation_id for op in grouped["Account"]} == {
        "listAccount",
        "createAccount",
        "getAccount",
    }


def test_operations_by_tag_records_the_path_parameter_example() -> None:
    get_account = next(op for op in operations_by_tag(SPEC)["Account"] if op.path_params)
    assert get_account.path_params == {"email": "jon@doe.com"}


def test_operations_by_tag_notes_which_2xx_statuses_carry_json() -> None:
    get_account = next(op for op in operations_by_tag(SPEC)["Account"] if op.path_params)
    assert get_account.json_success_statuses == frozenset({200})


def test_ranked_candidates_put_simple_gets_with_fewest_inputs_first() -> None:
    ranked = ranked_candidates(operations_by_tag(SPEC), is_generated=lambda _op: True)
    assert [op.operation_id for op in ranked["Account"]] == [
        "listAccount",
        "getAccount",
        "createAccount",
    ]


def test_ranked_candidates_pass_over_operations_the_generator_did_not_emit() -> None:
    ranked = ranked_candidates(
        operations_by_tag(SPEC), is_generated=lambda op: op.operation_id == "createAccount"
    )
    assert [op.operation_id for op in ranked["Account"]] == ["createAccount"]


def test_ranked_candidates_leave_out_tags_with_nothing_generated() -> None:
    assert ranked_candidates(operations_by_tag(SPEC), is_generated=lambda _op: False) == {}


def test_spec_tags_lists_every_tag_once_in_first_use_order() -> None:
    assert spec_tags(SPEC) == ["Account", "Domain"]


def test_path_key_ignores_how_path_parameters_are_named() -> None:
    assert path_key("GET", "/a/{sessionId}/b") == path_key("get", "/a/{session_id}/b")


def test_generated_endpoint_index_maps_requests_to_modules(tmp_path: Path) -> None:
    module = tmp_path / "account" / "get_account.py"
    module.parent.mkdir()
    module.write_text(
        '_kwargs = {\n    "method": "get",\n    "url": "/api/v2/accounts/{email}".format(\n'
    )
    index = generated_endpoint_index(tmp_path)
    assert index == {("get", "/api/v2/accounts/{}"): "instantly_api.api.account.get_account"}


class Colour(enum.Enum):
    RED = "red"


class Model:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(data)


class Unset:
    """Stands in for the generator's `types.Unset` (matched by name)."""


def test_coerce_to_annotation_builds_an_enum_member() -> None:
    assert coerce_to_annotation("red", Unset | Colour) is Colour.RED


def test_coerce_to_annotation_builds_a_model_from_a_dict() -> None:
    built = coerce_to_annotation({"a": 1}, Model)
    assert isinstance(built, Model)
    assert built.data == {"a": 1}


def test_coerce_to_annotation_parses_a_zulu_timestamp() -> None:
    assert coerce_to_annotation("2026-01-01T00:00:00Z", dt.datetime) == dt.datetime(
        2026, 1, 1, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("annotation", [str, Unset | str, Any])
def test_coerce_to_annotation_passes_plain_values_through(annotation: Any) -> None:
    assert coerce_to_annotation("x", annotation) == "x"


def test_operation_label_names_method_path_and_operation_id() -> None:
    op = Operation(tag="t", method="get", path="/a", operation_id="listA")
    assert op.label == "GET /a (listA)"
