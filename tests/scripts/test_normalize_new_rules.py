"""Unit tests of the rules for dangling refs, colliding titles, media order, reserved names and
typed assertion-only `anyOf` members (each rule alone, on small documents)."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.normalize import (
    PointerError,
    fold_assertion_only_variants,
    give_models_unique_titles,
    put_json_media_first,
    python_attribute_name,
    replace_dangling_refs,
    resolve_pointer,
    untype_reserved_properties,
)


def _response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def _spec_with(response: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {"/a": {"get": {"responses": {"200": response}}}},
        "components": {"schemas": dict(schemas)},
    }


def test_resolve_pointer_unescapes_tokens_and_names_what_is_missing() -> None:
    doc = {"paths": {"/a/b": {"get": [1, {"x": 2}]}}}
    assert resolve_pointer(doc, "#/paths/~1a~1b/get/1/x") == 2
    with pytest.raises(PointerError, match="no 'post' there"):
        resolve_pointer(doc, "/paths/~1a~1b/post")


def test_dangling_schema_ref_becomes_untyped_json_with_a_spec_defect_note() -> None:
    spec = _spec_with(_response({"$ref": "#/components/schemas/Gone"}))
    notes: list[str] = []
    assert replace_dangling_refs(spec, notes) == 1
    schema = spec["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" not in schema and "type" not in schema
    assert schema["x-dangling-ref"] == "#/components/schemas/Gone"
    assert notes == [
        "spec defect: /paths/~1a/get/responses/200/content/application~1json/schema refers to "
        "missing #/components/schemas/Gone; kept as untyped JSON"
    ]


def test_dangling_response_ref_keeps_the_response_with_an_untyped_json_body() -> None:
    spec = _spec_with({"$ref": "#/components/responses/Gone"})
    assert replace_dangling_refs(spec, []) == 1
    response = spec["paths"]["/a"]["get"]["responses"]["200"]
    assert response["content"] == {"application/json": {"schema": {}}}
    assert response["description"].startswith("Spec defect")


def test_refs_that_resolve_and_refs_inside_examples_are_left_alone() -> None:
    spec = _spec_with(
        _response({"$ref": "#/components/schemas/Here", "example": {"$ref": "#/nowhere"}}),
        Here={"type": "object"},
    )
    assert replace_dangling_refs(spec, []) == 0


def test_a_dangling_ref_under_a_property_named_like_a_data_keyword_is_found() -> None:
    spec = _spec_with(
        _response({"$ref": "#/components/schemas/Here"}),
        Here={"type": "object", "properties": {"default": {"$ref": "#/components/schemas/No"}}},
    )
    assert replace_dangling_refs(spec, []) == 1


def test_a_dangling_parameter_ref_is_left_for_the_generator_with_a_note() -> None:
    spec = _spec_with(_response({}))
    spec["paths"]["/a"]["get"]["parameters"] = [{"$ref": "#/components/parameters/Gone"}]
    notes: list[str] = []
    assert replace_dangling_refs(spec, notes) == 0
    assert notes and "left as is" in notes[0]


def test_colliding_titles_keep_the_name_for_the_schema_whose_key_it_is() -> None:
    spec = _spec_with(
        _response({}),
        Widget={"type": "object", "title": "Widget"},
        Alpha={"type": "object", "title": "widget"},
        Beta={"type": "object", "title": "Widget"},
    )
    notes: list[str] = []
    assert give_models_unique_titles(spec, notes) == 2
    schemas = spec["components"]["schemas"]
    assert [s["title"] for s in schemas.values()] == ["Widget", "Alpha", "Beta"]
    assert notes[0] == (
        "schemas 'Widget' and 'Alpha' would both be class 'Widget' (title 'widget'); "
        "'Alpha' is now titled 'Alpha'"
    )


def test_unique_titles_are_left_alone() -> None:
    spec = _spec_with(_response({}), A={"title": "One"}, B={"title": "Two"})
    assert give_models_unique_titles(spec, []) == 0


def test_json_media_type_is_moved_ahead_of_csv() -> None:
    response = {
        "description": "ok",
        "content": {"text/csv": {}, "application/json; charset=utf-8": {"schema": {}}},
    }
    spec = _spec_with(response)
    notes: list[str] = []
    assert put_json_media_first(spec, notes) == 1
    assert list(response["content"]) == ["application/json; charset=utf-8", "text/csv"]
    assert notes == ["GET /a 200: JSON media type moved ahead of text/csv"]
    assert put_json_media_first(spec, []) == 0


def test_a_vendor_json_type_counts_as_json() -> None:
    response = {"description": "ok", "content": {"text/plain": {}, "application/hal+json": {}}}
    assert put_json_media_first(_spec_with(response), []) == 1


@pytest.mark.parametrize(
    ("key", "python"),
    [("additionalProperties", "additional_properties"), ("toDict", "to_dict"), ("ID", "id")],
)
def test_python_attribute_name_is_the_generators_snake_case(key: str, python: str) -> None:
    assert python_attribute_name(key) == python


def test_reserved_property_names_move_to_the_models_extra_keys() -> None:
    model = {
        "type": "object",
        "title": "M",
        "properties": {"name": {"type": "string"}, "additionalProperties": {"type": "object"}},
        "required": ["additionalProperties"],
        "additionalProperties": False,
    }
    spec = _spec_with(_response({}), M=model)
    notes: list[str] = []
    assert untype_reserved_properties(spec, notes) == 1
    assert list(model["properties"]) == ["name"]
    assert model["x-untyped-properties"] == {"additionalProperties": {"type": "object"}}
    assert "required" not in model and "additionalProperties" not in model
    assert "model['additionalProperties']" in notes[0]


def _body(*members: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "anyOf": list(members),
    }


def test_anyof_members_repeating_type_object_beside_required_are_folded() -> None:
    body = _body({"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]})
    assert fold_assertion_only_variants(_spec_with(_response(body)), []) == 1
    assert "anyOf" not in body and body["x-required-one-of"] == [["a"], ["b"]]


def test_anyof_members_repeating_a_property_type_are_folded() -> None:
    body = _body({"required": ["a"], "properties": {"a": {"type": "string", "minLength": 1}}})
    assert fold_assertion_only_variants(_spec_with(_response(body)), []) == 1


def test_anyof_members_with_another_type_are_real_variants_and_kept() -> None:
    body = _body({"type": "string", "required": ["a"]}, {"type": "object", "required": ["b"]})
    assert fold_assertion_only_variants(_spec_with(_response(body)), []) == 0
    body = _body({"required": ["a"], "properties": {"a": {"type": "integer"}}})
    assert fold_assertion_only_variants(_spec_with(_response(body)), []) == 0


def _with_note(*members: dict[str, Any]) -> dict[str, Any]:
    """A body whose `note` property is an object (like emails/forward's `body`)."""
    note = {
        "type": "object",
        "properties": {"html": {"type": "string"}, "text": {"type": "string"}},
    }
    return {
        "type": "object",
        "properties": {"subject": {"type": "string"}, "note": note, "keep": {"type": "boolean"}},
        "required": ["subject"],
        "anyOf": list(members),
    }


def _restated_note(**extra: Any) -> dict[str, Any]:
    """The `note` object restated inside a member, with requirements of its own."""
    return {
        "type": "object",
        "properties": {"html": {"type": "string"}, "text": {"type": "string"}, **extra},
        "anyOf": [
            {"required": ["html"], "properties": {"html": {"type": "string", "minLength": 1}}},
            {"required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
        ],
    }


def test_anyof_members_restating_a_nested_object_with_its_own_requirements_are_folded() -> None:
    body = _with_note(
        {"required": ["note"], "properties": {"note": _restated_note()}},
        {"required": ["keep"], "properties": {"keep": {"type": "boolean", "enum": [True]}}},
    )
    assert fold_assertion_only_variants(_spec_with(_response(body)), []) >= 1
    # One object keeps every field (no variant models), the alternatives kept as data.
    assert "anyOf" not in body and body["x-required-one-of"] == [["note"], ["keep"]]
    assert list(body["properties"]) == ["subject", "note", "keep"]
    assert body["required"] == ["subject"]


def test_anyof_members_giving_a_nested_object_a_new_property_are_real_variants_and_kept() -> None:
    body = _with_note(
        {"required": ["note"], "properties": {"note": _restated_note(extra={"type": "string"})}},
        {"required": ["keep"]},
    )
    fold_assertion_only_variants(_spec_with(_response(body)), [])
    assert len(body["anyOf"]) == 2 and "x-required-one-of" not in body


def test_anyof_members_retyping_a_nested_object_are_real_variants_and_kept() -> None:
    retyped = {**_restated_note(), "type": "array"}
    body = _with_note(
        {"required": ["note"], "properties": {"note": retyped}}, {"required": ["keep"]}
    )
    fold_assertion_only_variants(_spec_with(_response(body)), [])
    assert len(body["anyOf"]) == 2 and "x-required-one-of" not in body
