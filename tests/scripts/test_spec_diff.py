"""Tests for instantly._spec_diff (the spec diff) and scripts/spec_changelog.py (its CLI)."""

from __future__ import annotations

import ast
import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_changelog import CHANGELOG_HEADER, main, record_changes  # puts facade/ on path
from scripts.spec_files import spec_search_dirs

# isort: split
from instantly._spec_diff import Change, SpecDiff, diff_specs

# --- building small specs ----------------------------------------------------------------------

JOB_SCHEMA: dict[str, Any] = {
    "title": "Background Job",
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "workspace_id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["pending", "success"]},
    },
    "required": ["id", "status"],
}


def spec(
    paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A minimal OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def operation(
    *,
    op_id: str = "op",
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    body_required: bool = False,
    response: dict[str, Any] | None = None,
    status: str = "200",
) -> dict[str, Any]:
    """An operation with optional parameters, JSON request body and JSON 2xx response."""
    op: dict[str, Any] = {"operationId": op_id, "parameters": params or []}
    if body is not None:
        op["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
    content = {"application/json": {"schema": response}} if response is not None else None
    op["responses"] = {
        status: {"description": "ok", **({"content": content} if content else {})},
        "401": {
            "description": "no",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    }
    return op


def one_op(method: str = "post", path: str = "/x", **kwargs: Any) -> dict[str, Any]:
    return spec({path: {method: operation(**kwargs)}})


def query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def obj(required: list[str] | None = None, **props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or []}


STR: dict[str, Any] = {"type": "string"}


def only(diff: SpecDiff) -> Change:
    assert len(diff.changes) == 1, [c.message for c in diff.changes]
    return diff.changes[0]


# --- operations --------------------------------------------------------------------------------


def test_identical_specs_have_an_empty_diff() -> None:
    document = one_op(body=obj(a=STR), response=obj(b=STR))
    diff = diff_specs(document, copy.deepcopy(document))
    assert diff.is_empty
    assert diff.changes == ()


def test_added_operation_is_not_breaking_and_names_its_operation_id() -> None:
    change = only(diff_specs(spec(), one_op("get", "/jobs", op_id="listJobs")))
    assert (change.kind, change.operation, change.operation_id) == (
        "operation-added",
        "GET /jobs",
        "listJobs",
    )
    assert not change.breaking


def test_removed_operation_is_breaking() -> None:
    change = only(diff_specs(one_op("delete", "/jobs/{id}"), spec()))
    assert (change.kind, change.operation, change.breaking) == (
        "operation-removed",
        "DELETE /jobs/{id}",
        True,
    )


def test_renamed_path_parameter_matches_the_same_operation() -> None:
    id_param = {"name": "id", "in": "path", "required": True, "schema": STR}
    job_param = {**id_param, "name": "jobId"}
    diff = diff_specs(
        one_op("get", "/jobs/{id}", params=[id_param]),
        one_op("get", "/jobs/{jobId}", params=[job_param]),
    )
    assert {c.kind for c in diff.changes} == {"parameter-added", "parameter-removed"}


def test_renamed_operation_id_is_breaking() -> None:
    change = only(diff_specs(one_op(op_id="old"), one_op(op_id="new")))
    assert (change.kind, change.old, change.new, change.breaking) == (
        "operation-id-changed",
        "old",
        "new",
        True,
    )


# --- parameters --------------------------------------------------------------------------------


def test_new_optional_parameter_is_not_breaking() -> None:
    change = only(diff_specs(one_op(), one_op(params=[query("limit", {"type": "integer"})])))
    assert (change.kind, change.location, change.name, change.breaking) == (
        "parameter-added",
        "query parameter",
        "limit",
        False,
    )


def test_new_required_parameter_is_breaking() -> None:
    new = one_op(params=[query("limit", {"type": "integer"}, required=True)])
    change = only(diff_specs(one_op(), new))
    assert (change.kind, change.new, change.breaking) == ("parameter-added", "required", True)


def test_removed_parameter_is_breaking() -> None:
    change = only(diff_specs(one_op(params=[query("limit", STR)]), one_op()))
    assert (change.kind, change.breaking) == ("parameter-removed", True)


def test_parameter_made_required_is_breaking() -> None:
    old = one_op(params=[query("q", STR)])
    new = one_op(params=[query("q", STR, required=True)])
    change = only(diff_specs(old, new))
    assert (change.kind, change.breaking) == ("required-added", True)


def test_parameter_made_optional_is_not_breaking() -> None:
    old = one_op(params=[query("q", STR, required=True)])
    change = only(diff_specs(old, one_op(params=[query("q", STR)])))
    assert (change.kind, change.breaking) == ("required-removed", False)


def test_parameter_enum_value_removed_is_breaking() -> None:
    old = one_op(params=[query("s", {"type": "string", "enum": ["a", "b"]})])
    new = one_op(params=[query("s", {"type": "string", "enum": ["a"]})])
    change = only(diff_specs(old, new))
    assert (change.kind, change.values, change.breaking) == (
        "enum-values-removed",
        ('"b"',),
        True,
    )


def test_parameter_enum_value_added_is_not_breaking() -> None:
    old = one_op(params=[query("s", {"type": "string", "enum": ["a"]})])
    new = one_op(params=[query("s", {"type": "string", "enum": ["a", "b"]})])
    change = only(diff_specs(old, new))
    assert (change.kind, change.breaking) == ("enum-values-added", False)


def test_parameter_retyped_is_reported_with_both_types() -> None:
    old = one_op(params=[query("n", STR)])
    new = one_op(params=[query("n", {"type": "integer"})])
    change = only(diff_specs(old, new))
    assert (change.kind, change.old, change.new, change.breaking) == (
        "type-changed",
        "string",
        "integer",
        True,
    )


def test_path_level_parameters_count_as_the_operations_own() -> None:
    shared = {"parameters": [query("q", STR)]}
    old = spec({"/x": {**shared, "get": operation()}})
    new = spec({"/x": {"get": operation(params=[query("q", STR)])}})
    assert diff_specs(old, new).is_empty


def test_referenced_parameters_are_resolved() -> None:
    param_ref = {"$ref": "#/components/parameters/Limit"}
    old = one_op(params=[param_ref])
    old["components"]["parameters"] = {"Limit": query("limit", {"type": "integer"})}
    new = one_op(params=[query("limit", {"type": "integer"})])
    assert diff_specs(old, new).is_empty


# --- request bodies ------------------------------------------------------------------------------


def test_new_optional_request_field_is_not_breaking() -> None:
    change = only(diff_specs(one_op(body=obj(a=STR)), one_op(body=obj(a=STR, b=STR))))
    assert (change.kind, change.location, change.name, change.breaking) == (
        "field-added",
        "request body",
        "b",
        False,
    )


def test_new_required_request_field_is_breaking() -> None:
    new = one_op(body=obj(["b"], a=STR, b=STR))
    change = only(diff_specs(one_op(body=obj(a=STR)), new))
    assert (change.kind, change.breaking) == ("field-added", True)


def test_removed_request_field_is_breaking() -> None:
    change = only(diff_specs(one_op(body=obj(a=STR, b=STR)), one_op(body=obj(a=STR))))
    assert (change.kind, change.name, change.breaking) == ("field-removed", "b", True)


def test_request_field_made_required_is_breaking() -> None:
    change = only(diff_specs(one_op(body=obj(a=STR)), one_op(body=obj(["a"], a=STR))))
    assert (change.kind, change.breaking) == ("required-added", True)


def test_request_type_narrowed_from_number_to_integer_is_breaking() -> None:
    old = one_op(body=obj(n={"type": "number"}))
    change = only(diff_specs(old, one_op(body=obj(n={"type": "integer"}))))
    assert (change.kind, change.breaking) == ("type-narrowed", True)


def test_request_format_added_is_a_breaking_narrowing() -> None:
    old = one_op(body=obj(id=STR))
    change = only(diff_specs(old, one_op(body=obj(id={"type": "string", "format": "uuid"}))))
    assert (change.kind, change.old, change.new, change.breaking) == (
        "type-narrowed",
        "string",
        "string(uuid)",
        True,
    )


def test_request_format_dropped_is_a_non_breaking_widening() -> None:
    old = one_op(body=obj(id={"type": "string", "format": "uuid"}))
    change = only(diff_specs(old, one_op(body=obj(id=STR))))
    assert (change.kind, change.breaking) == ("type-widened", False)


def test_request_enum_imposed_is_breaking() -> None:
    new = one_op(body=obj(s={"type": "string", "enum": ["a"]}))
    change = only(diff_specs(one_op(body=obj(s=STR)), new))
    assert (change.kind, change.breaking) == ("enum-constraint-added", True)


def test_required_request_body_added_is_breaking() -> None:
    change = only(diff_specs(one_op(), one_op(body=obj(a=STR), body_required=True)))
    assert (change.kind, change.breaking) == ("request-body-added", True)


def test_request_body_removed_is_breaking() -> None:
    change = only(diff_specs(one_op(body=obj(a=STR)), one_op()))
    assert (change.kind, change.breaking) == ("request-body-removed", True)


def test_request_body_made_required_is_breaking() -> None:
    old, new = one_op(body=obj(a=STR)), one_op(body=obj(a=STR), body_required=True)
    change = only(diff_specs(old, new))
    assert (change.kind, change.location, change.breaking) == (
        "required-added",
        "request body",
        True,
    )
    assert change.message == "request body became required"


# --- responses ---------------------------------------------------------------------------------


def test_new_response_field_is_not_breaking() -> None:
    change = only(diff_specs(one_op(response=obj(a=STR)), one_op(response=obj(a=STR, b=STR))))
    assert (change.kind, change.location, change.breaking) == ("field-added", "response 200", False)


def test_removed_response_field_is_breaking() -> None:
    change = only(diff_specs(one_op(response=obj(a=STR, b=STR)), one_op(response=obj(a=STR))))
    assert (change.kind, change.breaking) == ("field-removed", True)


def test_response_field_made_optional_is_breaking() -> None:
    old = one_op(response=obj(["a"], a=STR))
    change = only(diff_specs(old, one_op(response=obj(a=STR))))
    assert (change.kind, change.breaking) == ("required-removed", True)


def test_response_enum_value_added_is_breaking() -> None:
    old = one_op(response=obj(s={"type": "string", "enum": ["a"]}))
    new = one_op(response=obj(s={"type": "string", "enum": ["a", "b"]}))
    change = only(diff_specs(old, new))
    assert (change.kind, change.values, change.breaking) == ("enum-values-added", ('"b"',), True)


def test_response_enum_value_removed_is_not_breaking() -> None:
    old = one_op(response=obj(s={"type": "string", "enum": ["a", "b"]}))
    new = one_op(response=obj(s={"type": "string", "enum": ["a"]}))
    change = only(diff_specs(old, new))
    assert (change.kind, change.breaking) == ("enum-values-removed", False)


def test_response_format_dropped_is_a_breaking_widening() -> None:
    old = one_op(response=obj(id={"type": "string", "format": "uuid"}))
    change = only(diff_specs(old, one_op(response=obj(id=STR))))
    assert (change.kind, change.old, change.new, change.breaking) == (
        "type-widened",
        "string(uuid)",
        "string",
        True,
    )


def test_response_field_made_nullable_is_a_breaking_widening() -> None:
    old = one_op(response=obj(a=STR))
    change = only(diff_specs(old, one_op(response=obj(a={"type": ["string", "null"]}))))
    assert (change.kind, change.new, change.breaking) == ("type-widened", "null | string", True)


def test_openapi_3_0_nullable_counts_as_null_type() -> None:
    old = one_op(response=obj(a={"type": "string", "nullable": True}))
    new = one_op(response=obj(a={"type": ["null", "string"]}))
    assert diff_specs(old, new).is_empty


def test_response_type_narrowed_is_not_breaking() -> None:
    old = one_op(response=obj(a={"type": ["string", "null"]}))
    change = only(diff_specs(old, one_op(response=obj(a=STR))))
    assert (change.kind, change.breaking) == ("type-narrowed", False)


def test_removed_success_response_is_breaking_and_added_is_not() -> None:
    old = one_op(response=obj(a=STR), status="200")
    new = one_op(response=obj(a=STR), status="201")
    by_location = {c.location: c for c in diff_specs(old, new).changes}
    assert by_location["response 200"].kind == "response-removed"
    assert by_location["response 200"].breaking
    assert by_location["response 201"].kind == "response-added"
    assert not by_location["response 201"].breaking


def test_error_responses_are_not_compared() -> None:
    old = one_op(response=obj(a=STR))
    new = copy.deepcopy(old)
    new["paths"]["/x"]["post"]["responses"]["401"]["content"]["application/json"]["schema"] = STR
    assert diff_specs(old, new).is_empty


def test_media_type_change_is_breaking() -> None:
    old = one_op(response=obj(a=STR))
    new = copy.deepcopy(old)
    ok = new["paths"]["/x"]["post"]["responses"]["200"]
    ok["content"] = {"text/csv": {"schema": STR}}
    change = only(diff_specs(old, new))
    assert (change.kind, change.old, change.new, change.breaking) == (
        "media-type-changed",
        "application/json",
        "text/csv",
        True,
    )


# --- nested fields, refs, combinators ----------------------------------------------------------


def test_nested_fields_are_named_by_dotted_path_through_arrays() -> None:
    def listing(warmup: dict[str, Any]) -> dict[str, Any]:
        return obj(items={"type": "array", "items": obj(warmup=warmup)})

    old = one_op(response=listing(obj(limit={"type": "integer"})))
    new = one_op(response=listing(obj(limit=STR)))
    assert only(diff_specs(old, new)).name == "items[].warmup.limit"


def test_added_object_is_reported_once_not_per_nested_field() -> None:
    new = one_op(response=obj(a=STR, extra=obj(x=STR, y=obj(z=STR))))
    change = only(diff_specs(one_op(response=obj(a=STR)), new))
    assert (change.kind, change.name) == ("field-added", "extra")


def test_component_rename_is_not_a_change() -> None:
    old = spec(
        {"/jobs/{id}": {"get": operation(response={"$ref": "#/components/schemas/def-12"})}},
        {"def-12": JOB_SCHEMA},
    )
    new = spec(
        {"/jobs/{id}": {"get": operation(response={"$ref": "#/components/schemas/BackgroundJob"})}},
        {"BackgroundJob": JOB_SCHEMA},
    )
    assert diff_specs(old, new).is_empty


def test_ref_and_equal_inline_schema_are_the_same() -> None:
    old = spec(
        {"/x": {"get": operation(response={"$ref": "#/components/schemas/J"})}}, {"J": JOB_SCHEMA}
    )
    new = spec({"/x": {"get": operation(response=copy.deepcopy(JOB_SCHEMA))}})
    assert diff_specs(old, new).is_empty


def test_change_inside_a_referenced_schema_is_reported_at_each_use() -> None:
    changed = copy.deepcopy(JOB_SCHEMA)
    changed["properties"]["status"]["enum"].append("paused")
    ref = {"$ref": "#/components/schemas/J"}
    paths = {"/a": {"get": operation(response=ref)}, "/b": {"get": operation(response=ref)}}
    diff = diff_specs(spec(paths, {"J": JOB_SCHEMA}), spec(paths, {"J": changed}))
    assert [(c.path, c.name, c.values) for c in diff.changes] == [
        ("/a", "status", ('"paused"',)),
        ("/b", "status", ('"paused"',)),
    ]


def test_recursive_schemas_terminate() -> None:
    node = obj(name=STR, children={"type": "array", "items": {"$ref": "#/components/schemas/N"}})
    document = spec(
        {"/x": {"get": operation(response={"$ref": "#/components/schemas/N"})}}, {"N": node}
    )
    changed = copy.deepcopy(document)
    changed["components"]["schemas"]["N"]["properties"]["extra"] = STR
    names = {c.name for c in diff_specs(document, changed).changes}
    assert "extra" in names


def test_any_of_with_null_keeps_the_enum_and_nullability() -> None:
    def nullable_enum(*values: str) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "enum": list(values)}, {"type": "null"}]}

    old = one_op(response=obj(s=nullable_enum("a")))
    new = one_op(response=obj(s=nullable_enum("a", "b")))
    change = only(diff_specs(old, new))
    assert (change.kind, change.values) == ("enum-values-added", ('"b"',))


def test_all_of_members_are_merged() -> None:
    old = one_op(response=obj(a=STR, b=STR))
    new = one_op(response={"allOf": [obj(a=STR), obj(b=STR)]})
    assert diff_specs(old, new).is_empty


def test_enum_values_are_listed_numbers_first_in_numeric_order() -> None:
    old = one_op(response=obj(v={"enum": [0]}))
    new = one_op(response=obj(v={"enum": [0, "b", 10, -2, 3, "a"]}))
    assert only(diff_specs(old, new)).values == ("-2", "3", "10", '"a"', '"b"')


def test_mixed_type_enum_values_stay_distinct() -> None:
    old = one_op(response=obj(v={"enum": [1, "1"]}))
    new = one_op(response=obj(v={"enum": [1, "1", True]}))
    assert only(diff_specs(old, new)).values == ("true",)


# --- output ------------------------------------------------------------------------------------


def _mixed_diff() -> SpecDiff:
    old = spec(
        {
            "/b": {"get": operation(op_id="getB", response=obj(["a"], a=STR))},
            "/a": {"post": operation(op_id="postA", body=obj(a=STR))},
            "/gone": {"get": operation(op_id="gone")},
        }
    )
    new = spec(
        {
            "/a": {"post": operation(op_id="postA", body=obj(a=STR, z=STR))},
            "/b": {"get": operation(op_id="getB", response=obj(a=STR, c=STR))},
            "/new": {"put": operation(op_id="putNew")},
        }
    )
    return diff_specs(old, new)


def test_changes_are_sorted_by_path_method_location_then_field() -> None:
    assert [(c.path, c.kind) for c in _mixed_diff().changes] == [
        ("/a", "field-added"),
        ("/b", "required-removed"),
        ("/b", "field-added"),
        ("/gone", "operation-removed"),
        ("/new", "operation-added"),
    ]


def test_diff_does_not_depend_on_key_order_in_the_documents() -> None:
    old, new = one_op(body=obj(a=STR, b=STR)), one_op(body=obj(c=STR, d=STR))
    reordered = copy.deepcopy(new)
    props = reordered["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]
    props["schema"]["properties"] = dict(reversed(props["schema"]["properties"].items()))
    assert diff_specs(old, new).to_markdown("t") == diff_specs(old, reordered).to_markdown("t")


def test_breaking_property_lists_only_breaking_changes() -> None:
    assert {c.kind for c in _mixed_diff().breaking} == {"operation-removed", "required-removed"}


def test_summary_counts_operations_and_changes() -> None:
    assert _mixed_diff().summary() == {
        "operations_added": 1,
        "operations_removed": 1,
        "operations_changed": 2,
        "changes": 5,
        "breaking": 2,
    }


def test_to_dict_is_json_serialisable_and_carries_messages() -> None:
    data = json.loads(json.dumps(_mixed_diff().to_dict()))
    assert data["summary"]["breaking"] == 2
    assert data["changes"][0] == {
        "method": "POST",
        "path": "/a",
        "operation_id": "postA",
        "location": "request body",
        "name": "z",
        "kind": "field-added",
        "old": None,
        "new": "optional",
        "values": [],
        "breaking": False,
        "message": "request body `z` added (optional)",
    }


def test_markdown_puts_breaking_changes_first_grouped_by_operation() -> None:
    assert _mixed_diff().to_markdown("v1 → v2") == (
        "## v1 → v2\n"
        "\n"
        "**Summary:** 1 operations added, 1 removed, 2 changed; 5 changes, 2 breaking.\n"
        "\n"
        "### Breaking changes (2)\n"
        "\n"
        "#### Removed operations (1)\n"
        "\n"
        "- `GET /gone` (gone)\n"
        "\n"
        "#### `GET /b` (getB): 1 change\n"
        "\n"
        "- response 200 `a` became optional\n"
        "\n"
        "### Non-breaking changes (3)\n"
        "\n"
        "#### Added operations (1)\n"
        "\n"
        "- `PUT /new` (putNew)\n"
        "\n"
        "#### `POST /a` (postA): 1 change\n"
        "\n"
        "- request body `z` added (optional)\n"
        "\n"
        "#### `GET /b` (getB): 1 change\n"
        "\n"
        "- response 200 `c` added (optional)\n"
    )


def test_markdown_of_an_empty_diff_says_nothing_changed() -> None:
    assert diff_specs(spec(), spec()).to_markdown("t") == (
        "## t\n\nNo changes to operations, parameters, request bodies or 2xx responses.\n"
    )


def test_spec_diff_module_imports_only_the_standard_library() -> None:
    source = Path(__file__).resolve().parents[2] / "facade" / "instantly" / "_spec_diff.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


# --- record_changes and the CLI ------------------------------------------------------------------


def test_record_changes_appends_the_section_and_returns_it(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n", encoding="utf-8")
    section = record_changes(spec(), one_op(), changelog_path=changelog, title="v2")
    assert section.startswith("## v2\n")
    assert changelog.read_text(encoding="utf-8") == "# Changelog\n\n" + section


def test_record_changes_keeps_earlier_sections(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    first = record_changes(spec(), one_op(), changelog_path=changelog, title="v2")
    second = record_changes(one_op(), spec(), changelog_path=changelog, title="v3")
    assert changelog.read_text(encoding="utf-8") == CHANGELOG_HEADER + "\n" + first + "\n" + second


def test_record_changes_creates_a_missing_changelog_with_its_header(tmp_path: Path) -> None:
    changelog = tmp_path / "openapi" / "CHANGELOG.md"
    section = record_changes(spec(), spec(), changelog_path=changelog, title="v2")
    assert changelog.read_text(encoding="utf-8") == CHANGELOG_HEADER + "\n" + section


def _write_spec(path: Path, document: dict[str, Any], *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps(document).encode())
    return path


def test_cli_prints_markdown_for_two_files_with_a_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write_spec(tmp_path / "old.json", spec(), bom=True)
    new = _write_spec(tmp_path / "new.json", one_op(op_id="createX"))
    assert main([str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## old.json (version 1) → new.json (version 1)\n")
    assert "- `POST /x` (createX)" in out


def test_cli_append_writes_the_same_section_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write_spec(tmp_path / "old.json", spec())
    new = _write_spec(tmp_path / "new.json", one_op())
    changelog = tmp_path / "CHANGELOG.md"
    assert main([str(old), str(new), "--append", str(changelog), "--title", "T"]) == 0
    printed = capsys.readouterr().out
    assert changelog.read_text(encoding="utf-8").endswith("\n\n" + printed)


def test_cli_json_prints_the_summary_and_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write_spec(tmp_path / "old.json", spec())
    new = _write_spec(tmp_path / "new.json", one_op())
    assert main([str(old), str(new), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["operations_added"] == 1


def test_cli_exits_1_naming_a_file_that_is_not_a_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write_spec(tmp_path / "old.json", spec())
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert main([str(old), str(bad)]) == 1
    assert "bad.json" in capsys.readouterr().err


# --- the real snapshots ------------------------------------------------------------------------


def _snapshot(date: str) -> dict[str, Any]:
    name = f"api_v2.{date}.json"
    for folder in spec_search_dirs():
        if (folder / name).is_file():
            document: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8-sig"))
            return document
    pytest.skip(f"spec snapshot {name} not found (looked in ../shared/openapi, INSTANTLY_SPEC_DIR)")


def _changes_at(diff: SpecDiff, operation_id: str, name: str) -> dict[str, Change]:
    return {c.kind: c for c in diff.changes if c.operation_id == operation_id and c.name == name}


def test_real_snapshots_report_background_job_status_gaining_values() -> None:
    diff = diff_specs(_snapshot("2026-05-07"), _snapshot("2026-08-21"))
    status = _changes_at(diff, "getBackgroundJob", "status")["enum-values-added"]
    assert set(status.values) >= {'"paused"', '"draining"', '"cancelled"'}
    assert status.breaking


def test_real_snapshots_report_workspace_id_losing_uuid_format() -> None:
    diff = diff_specs(_snapshot("2026-05-07"), _snapshot("2026-08-21"))
    workspace = _changes_at(diff, "getBackgroundJob", "workspace_id")["type-widened"]
    assert (workspace.old, workspace.new) == ("string(uuid)", "string")


def test_real_snapshots_do_not_report_the_def_n_rename_as_removals() -> None:
    old, new = _snapshot("2026-05-07"), _snapshot("2026-08-12")
    assert "def-12" in old["components"]["schemas"]
    assert "def-12" not in new["components"]["schemas"]
    diff = diff_specs(old, new)
    removed = [c for c in diff.changes if c.kind in ("field-removed", "operation-removed")]
    # Only the fields Instantly really dropped (three on Account, a few elsewhere).
    assert len(removed) < 40
    assert not _changes_at(diff, "getBackgroundJob", "status").get("field-removed")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2025-06-18", "2025-12-26"),
        ("2025-12-26", "2026-05-07"),
        ("2026-05-07", "2026-08-12"),
        ("2026-08-12", "2026-08-21"),
    ],
)
def test_consecutive_real_snapshots_diff_and_render(old: str, new: str) -> None:
    diff = diff_specs(_snapshot(old), _snapshot(new))
    markdown = diff.to_markdown(f"{old} → {new}")
    assert markdown.count("\n- ") == diff.summary()["changes"]
    assert diff_specs(_snapshot(new), _snapshot(new)).is_empty
