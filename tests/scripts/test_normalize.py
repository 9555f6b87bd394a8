"""Unit tests of the normalizer rules, each on a small hand-made spec fragment."""

from __future__ import annotations

import copy
import json
from typing import Any

from scripts.normalize import (
    RULES,
    fold_assertion_only_variants,
    give_arrays_items,
    hoist_shared_error_bodies,
    iter_schemas,
    name_schemas_by_title,
    normalize,
    normalize_with_report,
    open_enums,
    open_objects,
    pascal_case,
    relax_string_formats,
)

Spec = dict[str, Any]


def spec_with_schema(schema: Spec) -> Spec:
    """A minimal spec whose only component schema is `Thing`."""
    return {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"Thing": schema}}}


def thing(spec: Spec) -> Spec:
    schema: Spec = spec["components"]["schemas"]["Thing"]
    return schema


def error_body(status: int, error: str, message: str) -> Spec:
    return {
        "description": error,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "statusCode": {"type": "number", "enum": [status]},
                        "error": {"type": "string", "enum": [error]},
                        "message": {"type": "string", "example": message},
                    },
                    "required": ["statusCode", "error", "message"],
                }
            }
        },
    }


def operation(op_id: str, responses: Spec) -> Spec:
    return {"operationId": op_id, "responses": {"200": {"description": "ok"}, **responses}}


# --- name_schemas_by_title -------------------------------------------------------------------


def test_pascal_case_joins_title_words_keeping_inner_capitals() -> None:
    assert pascal_case("Background Job") == "BackgroundJob"
    assert pascal_case("AI agent (beta)") == "AIAgentBeta"


def test_name_schemas_by_title_renames_def_n_schema_to_pascal_case_title() -> None:
    spec = {"components": {"schemas": {"def-12": {"title": "Background Job", "type": "object"}}}}
    assert name_schemas_by_title(spec, []) == 1
    assert list(spec["components"]["schemas"]) == ["BackgroundJob"]


def test_name_schemas_by_title_rewrites_every_ref() -> None:
    spec: Spec = {
        "components": {"schemas": {"def-0": {"title": "Account"}}},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/def-0"},
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    }
    name_schemas_by_title(spec, [])
    media = spec["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["schema"]["items"] == {"$ref": "#/components/schemas/Account"}


def test_name_schemas_by_title_leaves_identifier_keys_alone() -> None:
    spec = {"components": {"schemas": {"Account": {"title": "Email Account"}}}}
    assert name_schemas_by_title(spec, []) == 0
    assert list(spec["components"]["schemas"]) == ["Account"]


def test_name_schemas_by_title_suffixes_a_colliding_name_and_says_so() -> None:
    spec = {
        "components": {
            "schemas": {
                "Account": {},
                "def-1": {"title": "Account"},
                "def-2": {"title": "account"},
            }
        }
    }
    notes: list[str] = []
    name_schemas_by_title(spec, notes)
    assert list(spec["components"]["schemas"]) == ["Account", "Account2", "Account3"]
    assert len(notes) == 2
    assert "'def-1'" in notes[0] and "'Account2'" in notes[0]


# --- hoist_shared_error_bodies ----------------------------------------------------------------


def test_hoist_shared_error_bodies_replaces_repeated_inline_bodies_by_one_ref() -> None:
    spec: Spec = {
        "paths": {
            "/a": {"get": operation("a", {"401": error_body(401, "Unauthorized", "x")})},
            "/b": {"post": operation("b", {"401": error_body(401, "Unauthorized", "y")})},
        }
    }
    assert hoist_shared_error_bodies(spec, []) == 2
    assert list(spec["components"]["schemas"]) == ["UnauthorizedErrorBody"]
    for path, method in (("/a", "get"), ("/b", "post")):
        media = spec["paths"][path][method]["responses"]["401"]["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/UnauthorizedErrorBody"}


def test_hoist_shared_error_bodies_keeps_a_body_used_once_inline() -> None:
    spec: Spec = {
        "paths": {"/a": {"get": operation("a", {"409": error_body(409, "Conflict", "")})}}
    }
    assert hoist_shared_error_bodies(spec, []) == 0
    assert "components" not in spec


def test_hoist_shared_error_bodies_never_touches_success_responses() -> None:
    body = {"content": {"application/json": {"schema": {"type": "object"}}}}
    spec: Spec = {
        "paths": {
            "/a": {"get": {"responses": {"200": copy.deepcopy(body)}}},
            "/b": {"get": {"responses": {"200": copy.deepcopy(body)}}},
        }
    }
    assert hoist_shared_error_bodies(spec, []) == 0


def test_hoist_shared_error_bodies_names_a_shape_shared_by_statuses_after_the_lowest() -> None:
    other = {
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"message": {"type": "string"}}}
            }
        }
    }
    spec: Spec = {
        "paths": {
            "/a": {"get": operation("a", {"400": copy.deepcopy(other)})},
            "/b": {"get": operation("b", {"400": copy.deepcopy(other)})},
            "/c": {"get": operation("c", {"404": copy.deepcopy(other)})},
        }
    }
    notes: list[str] = []
    hoist_shared_error_bodies(spec, notes)
    assert list(spec["components"]["schemas"]) == ["BadRequestErrorBody"]
    assert notes == []


def test_hoist_shared_error_bodies_suffixes_a_second_shape_of_one_status_loudly() -> None:
    plain = {"content": {"application/json": {"schema": {"type": "object"}}}}
    spec: Spec = {
        "paths": {
            "/a": {"get": operation("a", {"400": error_body(400, "Bad Request", "")})},
            "/b": {"get": operation("b", {"400": error_body(400, "Bad Request", "")})},
            "/c": {"get": operation("c", {"400": copy.deepcopy(plain)})},
            "/d": {"get": operation("d", {"400": copy.deepcopy(plain)})},
        }
    }
    notes: list[str] = []
    hoist_shared_error_bodies(spec, notes)
    assert list(spec["components"]["schemas"]) == ["BadRequestErrorBody", "BadRequestErrorBody2"]
    assert notes == [
        "error body named 'BadRequestErrorBody2': 'BadRequestErrorBody' is taken by another shape"
    ]


# --- fold_assertion_only_variants -------------------------------------------------------------


def test_fold_assertion_only_variants_removes_anyof_of_required_and_documents_it() -> None:
    spec = spec_with_schema(
        {
            "type": "object",
            "description": "Delete leads.",
            "properties": {"campaign_id": {"type": "string"}, "list_id": {"type": "string"}},
            "anyOf": [{"required": ["campaign_id"]}, {"required": ["list_id"]}],
        }
    )
    assert fold_assertion_only_variants(spec, []) == 1
    schema = thing(spec)
    assert "anyOf" not in schema
    assert schema["x-required-one-of"] == [["campaign_id"], ["list_id"]]
    assert schema["description"] == (
        "Delete leads.\n\nRequires one of: `campaign_id`; or `list_id`."
    )


def test_fold_assertion_only_variants_keeps_anyof_of_real_types() -> None:
    spec = spec_with_schema({"anyOf": [{"type": "string"}, {"type": "null"}]})
    assert fold_assertion_only_variants(spec, []) == 0
    assert thing(spec) == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_fold_assertion_only_variants_merges_allof_required_into_parent() -> None:
    spec = spec_with_schema(
        {
            "type": "object",
            "required": ["a"],
            "allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["a", "b"]}],
        }
    )
    fold_assertion_only_variants(spec, [])
    assert thing(spec)["required"] == ["a", "b"]
    assert thing(spec)["allOf"] == [{"$ref": "#/components/schemas/Base"}]


# --- open_enums -------------------------------------------------------------------------------


def test_open_enums_turns_a_string_enum_into_a_string_with_known_values() -> None:
    spec = spec_with_schema({"type": "string", "enum": ["pending", "done"]})
    assert open_enums(spec, []) == 1
    assert thing(spec) == {
        "type": "string",
        "x-known-values": ["pending", "done"],
        "description": "Known values: `pending`, `done`.",
    }


def test_open_enums_narrows_whole_number_enums_to_integer() -> None:
    spec = spec_with_schema({"type": "number", "enum": [1, 2, -1]})
    open_enums(spec, [])
    assert thing(spec)["type"] == "integer"


def test_open_enums_keeps_number_when_a_value_is_fractional() -> None:
    spec = spec_with_schema({"type": "number", "enum": [1, 2.5]})
    open_enums(spec, [])
    assert thing(spec)["type"] == "number"


def test_open_enums_widens_type_to_cover_mixed_values() -> None:
    spec = spec_with_schema({"type": ["boolean", "string"], "enum": [True, False, "pending"]})
    open_enums(spec, [])
    assert thing(spec)["type"] == ["string", "boolean"]


def test_open_enums_adds_strings_to_a_number_enum_that_lists_them() -> None:
    spec = spec_with_schema({"type": "number", "enum": ["CAMPAIGN", "LIST", 1, 2]})
    open_enums(spec, [])
    assert thing(spec)["type"] == ["string", "integer"]


def test_open_enums_makes_null_in_enum_a_nullable_type() -> None:
    spec = spec_with_schema({"type": "string", "enum": ["a", None]})
    open_enums(spec, [])
    assert thing(spec)["type"] == ["string", "null"]


def test_open_enums_labels_known_values_with_enum_descriptions() -> None:
    spec = spec_with_schema(
        {
            "type": "number",
            "description": "Status.",
            "enum": [1, -1],
            "x-enumDescriptions": {"1": "Active", "-1": "Error"},
        }
    )
    open_enums(spec, [])
    assert thing(spec)["description"] == "Status.\n\nKnown values: `1` (Active), `-1` (Error)."


def test_open_enums_opens_const_too() -> None:
    spec = spec_with_schema({"const": True})
    open_enums(spec, [])
    assert thing(spec)["type"] == "boolean"
    assert thing(spec)["x-known-values"] == [True]


# --- relax_string_formats ---------------------------------------------------------------------


def test_relax_string_formats_drops_uuid_and_email_keeping_them_as_x_format() -> None:
    spec = spec_with_schema(
        {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "email": {"type": "string", "format": "email"},
            },
        }
    )
    assert relax_string_formats(spec, []) == 2
    assert thing(spec)["properties"]["id"] == {"type": "string", "x-format": "uuid"}


def test_relax_string_formats_keeps_date_time_date_and_binary() -> None:
    kept = [{"type": "string", "format": f} for f in ("date-time", "date", "binary")]
    spec = spec_with_schema({"anyOf": copy.deepcopy(kept)})
    assert relax_string_formats(spec, []) == 0
    assert thing(spec)["anyOf"] == kept


# --- give_arrays_items ------------------------------------------------------------------------


def test_give_arrays_items_adds_any_items_to_arrays_without_items() -> None:
    spec = spec_with_schema({"type": ["null", "array"]})
    assert give_arrays_items(spec, []) == 1
    assert thing(spec) == {"type": ["null", "array"], "items": {}}


def test_give_arrays_items_keeps_declared_items() -> None:
    spec = spec_with_schema({"type": "array", "items": {"type": "string"}})
    assert give_arrays_items(spec, []) == 0


# --- open_objects -----------------------------------------------------------------------------


def test_open_objects_removes_additional_properties_false() -> None:
    spec = spec_with_schema({"type": "object", "additionalProperties": False})
    assert open_objects(spec, []) == 1
    assert thing(spec) == {"type": "object"}


def test_open_objects_keeps_typed_additional_properties() -> None:
    spec = spec_with_schema({"type": "object", "additionalProperties": {"type": "string"}})
    assert open_objects(spec, []) == 0


# --- the walker and the registry --------------------------------------------------------------


def test_iter_schemas_reaches_parameters_bodies_responses_and_nested_schemas() -> None:
    spec: Spec = {
        "paths": {
            "/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"title": "p"}}],
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"title": "body", "properties": {"x": {"title": "x"}}}
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"title": "r", "items": {"anyOf": [{"title": "n"}]}}
                                }
                            }
                        }
                    },
                },
            }
        }
    }
    titles = [s.get("title") for s in iter_schemas(spec)]
    assert set(titles) == {"p", "body", "x", "r", None, "n"}


def test_normalize_does_not_mutate_its_input() -> None:
    spec = spec_with_schema({"type": "string", "enum": ["a"], "format": "uuid"})
    before = json.dumps(spec, sort_keys=True)
    normalize(spec)
    assert json.dumps(spec, sort_keys=True) == before


def test_normalize_is_deterministic() -> None:
    spec = {
        "paths": {
            "/a": {"get": operation("a", {"404": error_body(404, "Not Found", "x")})},
            "/b": {"get": operation("b", {"404": error_body(404, "Not Found", "y")})},
        },
        "components": {"schemas": {"def-0": {"title": "Lead", "enum": [1, "x"]}}},
    }
    assert json.dumps(normalize(spec)) == json.dumps(normalize(copy.deepcopy(spec)))


def test_normalize_report_counts_every_rule_in_registry_order() -> None:
    _, report = normalize_with_report(spec_with_schema({"type": "string", "enum": ["a"]}))
    assert list(report.counts) == [rule.name for rule in RULES]
    assert report.counts["open_enums"] == 1


def test_every_rule_has_a_one_line_summary() -> None:
    assert all(rule.summary for rule in RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)
