"""scripts/response_schemas.py: the 2xx response schemas the fake answers from, as data."""

from __future__ import annotations

import json
from typing import Any

from scripts.response_schemas import render_response_schemas, response_table


def _spec(**operation: Any) -> dict[str, Any]:
    return {
        "paths": {"/api/v2/tags": {"post": {"operationId": "createTag", **operation}}},
        "components": {
            "schemas": {
                "Tag": {
                    "type": "object",
                    "description": "A tag.",
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "x-internal": True},
                        "owner": {"$ref": "#/components/schemas/User"},
                    },
                    "required": ["id"],
                },
                "User": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Unused": {"type": "object"},
            }
        },
    }


def _answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {"responses": {status: {"content": {"application/json": {"schema": schema}}}}}


def test_a_response_schema_keeps_what_a_value_must_satisfy_and_drops_the_prose() -> None:
    schema = {"type": "object", "description": "x", "properties": {"n": {"type": "integer",
              "minimum": 1, "example": 3, "title": "N"}}}  # fmt: skip
    table = response_table(_spec(**_answer(schema)))
    kept = table["operations"]["createTag"]["schema"]
    assert kept == {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1,
                    "example": 3}}}  # fmt: skip


def test_refs_name_components_and_only_the_used_ones_are_written() -> None:
    table = response_table(_spec(**_answer({"$ref": "#/components/schemas/Tag"})))
    assert table["operations"]["createTag"]["schema"] == {"$ref": "Tag"}
    assert sorted(table["components"]) == ["Tag", "User"]
    assert table["components"]["Tag"]["properties"]["id"] == {"type": "string", "format": "uuid"}


def test_the_first_2xx_is_the_answer_and_a_body_free_one_has_no_schema() -> None:
    table = response_table(_spec(responses={"204": {"description": "done"}, "400": {}}))
    assert table["operations"]["createTag"] == {
        "status": 204,
        "media": None,
        "schema": None,
        "closed_body": False,
    }


def test_a_request_body_that_forbids_other_properties_is_marked_closed() -> None:
    body = {"content": {"application/json": {"schema": {"additionalProperties": False}}}}
    table = response_table(_spec(requestBody=body, **_answer({"type": "object"})))
    assert table["operations"]["createTag"]["closed_body"] is True


def test_the_file_is_the_table_as_json_one_entry_a_line() -> None:
    text = render_response_schemas(_spec(**_answer({"$ref": "#/components/schemas/Tag"})))
    assert json.loads(text) == response_table(
        _spec(**_answer({"$ref": "#/components/schemas/Tag"}))
    )
    assert len(text.splitlines()) == 1 + 2 + 1 + 2 + 2 + 1  # braces, a section each, their rows
