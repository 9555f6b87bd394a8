"""Tests for scripts/spec_diff.py (what breaks this client) and scripts/spec_changelog.py."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_changelog import CHANGELOG_HEADER, main, record_changes
from scripts.spec_diff import Change, SpecDiff, diff_specs
from scripts.spec_files import SNAPSHOTS_HINT, VENDORED_SPEC_PATH, spec_search_dirs

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


def _only(diff: SpecDiff, kind: str) -> Change:
    found = [c for c in diff.changes if c.kind == kind]
    assert len(found) == 1, diff.changes
    return found[0]


# --- classification ------------------------------------------------------------------------------


def test_a_removed_response_field_breaks_this_client() -> None:
    old = one_op(response={"type": "object", "properties": {"a": {"type": "string"}}})
    new = one_op(response={"type": "object", "properties": {}})
    assert _only(diff_specs(old, new), "field-removed").breaking


def test_a_response_field_made_optional_breaks_this_client() -> None:
    old = one_op(response=JOB_SCHEMA)
    loose = copy.deepcopy(JOB_SCHEMA)
    loose["required"] = ["id"]
    change = _only(diff_specs(old, one_op(response=loose)), "required-removed")
    assert change.breaking and change.name == "status"


def test_a_renamed_operation_id_is_a_renamed_function() -> None:
    change = _only(diff_specs(one_op(op_id="getJob"), one_op(op_id="fetchJob")), "function-renamed")
    assert (change.old, change.new, change.breaking) == ("get_job", "fetch_job", True)


def test_a_changed_tag_moves_the_module() -> None:
    old, new = one_op(), one_op()
    old["paths"]["/x"]["post"]["tags"] = ["Background Job"]
    new["paths"]["/x"]["post"]["tags"] = ["Job"]
    change = _only(diff_specs(old, new), "module-renamed")
    assert (change.old, change.new) == ("api.background_job.op", "api.job.op")


def test_a_changed_component_title_renames_the_model_class() -> None:
    old = one_op(response={"$ref": "#/components/schemas/Job"})
    old["components"]["schemas"]["Job"] = {**JOB_SCHEMA, "title": "Background Job"}
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Job"]["title"] = "Async Job"
    change = _only(diff_specs(old, new), "class-renamed")
    assert (change.old, change.new, change.breaking) == ("BackgroundJob", "AsyncJob", True)


def test_response_enum_values_added_are_harmless_here() -> None:
    grown = copy.deepcopy(JOB_SCHEMA)
    grown["properties"]["status"]["enum"].append("paused")
    change = _only(
        diff_specs(one_op(response=JOB_SCHEMA), one_op(response=grown)), "enum-values-added"
    )
    assert not change.breaking and "normalizer" in change.note


def test_a_dropped_uuid_format_is_harmless_here() -> None:
    loose = copy.deepcopy(JOB_SCHEMA)
    del loose["properties"]["workspace_id"]["format"]
    change = _only(diff_specs(one_op(response=JOB_SCHEMA), one_op(response=loose)), "type-widened")
    assert not change.breaking and (change.old, change.new) == ("string(uuid)", "string")


def test_a_scalar_response_made_nullable_is_harmless_but_a_model_is_not() -> None:
    inner = {"type": "object", "properties": {"x": {"type": "string"}}}
    old = one_op(response={"type": "object", "properties": {"s": {"type": "string"}, "m": inner}})
    new = one_op(
        response={
            "type": "object",
            "properties": {
                "s": {"type": ["string", "null"]},
                "m": {**inner, "type": ["object", "null"]},
            },
        }
    )
    verdicts = {c.name: c.breaking for c in diff_specs(old, new).changes}
    assert verdicts == {"s": False, "m": True}


def test_a_body_added_to_a_2xx_that_had_none_is_harmless() -> None:
    change = _only(diff_specs(one_op(), one_op(response={"type": "object"})), "media-type-changed")
    assert not change.breaking


def test_a_new_required_request_field_breaks_and_an_optional_one_does_not() -> None:
    old = one_op(body={"type": "object", "properties": {}})
    new = one_op(
        body={
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "required": ["a"],
        }
    )
    verdicts = {c.name: c.breaking for c in diff_specs(old, new).changes}
    assert verdicts == {"a": True, "b": False}


@pytest.mark.parametrize(
    ("old", "new", "narrowed"),
    [
        ({"type": "array", "items": {}}, {"type": "array", "items": {}, "maxItems": 100}, True),
        ({"type": "array", "items": {}, "minItems": 2}, {"type": "array", "items": {}}, False),
        ({"type": "integer", "maximum": 10}, {"type": "integer", "maximum": 5}, True),
        ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": -5}, False),
        ({"type": "string"}, {"type": "string", "pattern": "^a"}, True),
    ],
)
def test_request_constraints_are_compared(
    old: dict[str, Any], new: dict[str, Any], narrowed: bool
) -> None:
    diff = diff_specs(one_op(params=[query("q", old)]), one_op(params=[query("q", new)]))
    kind = "constraint-narrowed" if narrowed else "constraint-relaxed"
    assert _only(diff, kind).breaking is narrowed


def test_a_change_in_a_shared_component_is_listed_once_with_the_operations_it_reaches() -> None:
    ref = {"$ref": "#/components/schemas/Job"}
    paths = {
        "/jobs": {"get": operation(op_id="listJobs", response=ref)},
        "/jobs/{id}": {"get": operation(op_id="getJob", response=ref)},
    }
    old = spec(copy.deepcopy(paths), {"Job": JOB_SCHEMA})
    gone = copy.deepcopy(JOB_SCHEMA)
    del gone["properties"]["workspace_id"]
    new = spec(copy.deepcopy(paths), {"Job": gone})
    change = _only(diff_specs(old, new), "field-removed")
    assert change.component == "Job.workspace_id"
    assert change.reaches == ("GET /jobs", "GET /jobs/{id}")
    assert "reaches 2 operations" in diff_specs(old, new).to_markdown("t")


def test_a_component_renamed_without_a_change_in_shape_is_no_change() -> None:
    old = spec(
        {"/j": {"get": operation(response={"$ref": "#/components/schemas/def-12"})}},
        {"def-12": JOB_SCHEMA},
    )
    new = spec(
        {"/j": {"get": operation(response={"$ref": "#/components/schemas/BackgroundJob"})}},
        {"BackgroundJob": JOB_SCHEMA},
    )
    assert diff_specs(old, new).is_empty


def test_markdown_puts_what_breaks_this_client_first() -> None:
    old = one_op(response={"type": "object", "properties": {"a": {"type": "string"}}})
    new = one_op(response={"type": "object", "properties": {"b": {"type": "string"}}})
    text = diff_specs(old, new).to_markdown("T")
    assert text.index("### Breaks this client (1)") < text.index("### Harmless here (1)")


def test_markdown_of_an_empty_diff_says_nothing_changed() -> None:
    assert "No changes" in diff_specs(one_op(), one_op()).to_markdown("T")


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
    assert "Added operations (1): `POST /x`" in out


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


# --- the real snapshots (../shared/openapi); the pinned one is vendored -------------------------


def _snapshot(date: str) -> dict[str, Any]:
    name = f"api_v2.{date}.json"
    if date == "2026-08-21":
        return dict(json.loads(VENDORED_SPEC_PATH.read_text(encoding="utf-8")))
    for folder in spec_search_dirs():
        if (folder / name).is_file():
            document: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8-sig"))
            return document
    pytest.skip(f"spec snapshot {name} not found; {SNAPSHOTS_HINT}")


@pytest.fixture(scope="module")
def may_to_august() -> SpecDiff:
    return diff_specs(_snapshot("2026-05-07"), _snapshot("2026-08-21"))


def _find(diff: SpecDiff, kind: str, component: str = "") -> Change:
    for change in diff.changes:
        if change.kind == kind and change.component == component:
            return change
    raise AssertionError(f"no {kind} {component}")


@pytest.mark.snapshots("2026-05-07")
def test_may_to_august_breaks_at_most_60_times_in_at_most_300_lines(
    may_to_august: SpecDiff,
) -> None:
    assert 0 < len(may_to_august.breaking) <= 60
    assert len(may_to_august.to_markdown("t").splitlines()) <= 300


@pytest.mark.snapshots("2026-05-07")
def test_may_to_august_pins_real_breaks(may_to_august: SpecDiff) -> None:
    removed = _find(may_to_august, "field-removed", "Account.dfy_password_changed")
    assert removed.breaking and "GET /api/v2/accounts" in removed.reaches
    optional = _find(may_to_august, "required-removed", "CampaignSubsequence.sequences")
    assert optional.breaking
    renamed = next(c for c in may_to_august.changes if c.kind == "function-renamed")
    assert renamed.breaking
    assert renamed.new == "list_inbox_placement_blacklist_and_spam_assassin_report" or (
        renamed.new == "get_inbox_placement_blacklist_and_spam_assassin_report"
    )
    removed_op = _find(may_to_august, "operation-removed")
    assert removed_op.breaking and removed_op.operation == "POST /api/v2/supersearch-enrichment"


@pytest.mark.snapshots("2026-05-07")
def test_may_to_august_pins_known_harmless_changes(may_to_august: SpecDiff) -> None:
    status = _find(may_to_august, "enum-values-added", "BackgroundJob.status")
    assert not status.breaking
    assert set(status.values) >= {'"paused"', '"draining"', '"cancelled"'}
    workspace = _find(may_to_august, "type-widened", "BackgroundJob.workspace_id")
    assert not workspace.breaking and (workspace.old, workspace.new) == ("string(uuid)", "string")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(old, new, marks=pytest.mark.snapshots(old, new))
        for old, new in [
            ("2025-06-18", "2025-12-26"),
            ("2025-12-26", "2026-05-07"),
            ("2026-05-07", "2026-08-12"),
            ("2026-08-12", "2026-08-21"),
        ]
    ],
)
def test_consecutive_real_snapshots_diff_and_render(old: str, new: str) -> None:
    diff = diff_specs(_snapshot(old), _snapshot(new))
    markdown = diff.to_markdown(f"{old} → {new}")
    assert markdown.startswith(f"## {old} → {new}")
    assert diff_specs(_snapshot(new), _snapshot(new)).is_empty
