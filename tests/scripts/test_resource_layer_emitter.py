"""Unit tests of the resource layer's emitter: names, semantics, reading generated code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts.resource_layer._model import Review, stale_entries
from scripts.resource_layer._naming import (
    NameCollisionError,
    _plural,
    check_unique,
    class_name,
    method_name,
    resource_name,
    snake_case,
)
from scripts.resource_layer._reading import read_body_model, read_endpoints
from scripts.resource_layer._semantics import (
    is_job_start,
    page_location,
    request_schema,
)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "generated" / "instantly_api"
JSON = "application/json"

# --- naming ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("getAIAgent", "get_ai_agent"),
        ("BlockListEntry", "block_list_entry"),
        ("listAccount", "list_account"),
        ("OAuth", "o_auth"),
        ("get-lead list", "get_lead_list"),
        ("SuperSearchEnrichment", "super_search_enrichment"),
    ],
)
def test_snake_case_splits_words_and_acronyms(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("lead", "leads"),
        ("entry", "entries"),
        ("key", "keys"),
        ("box", "boxes"),
        ("leads", "leads"),
    ],
)
def test_plural_of_a_resource_word(word: str, plural: str) -> None:
    assert _plural(word) == plural


def test_resource_name_is_the_plural_snake_case_tag_unless_reviewed() -> None:
    assert resource_name("BlockListEntry", {}) == "block_list_entries"
    assert resource_name("BackgroundJob", {"BackgroundJob": "jobs"}) == "jobs"
    assert class_name("block_list_entries") == "BlockListEntries"


@pytest.mark.parametrize(
    ("operation_id", "tag", "expected"),
    [
        ("listLeads", "Lead", "list"),
        ("getLead", "Lead", "get"),
        ("patchLead", "Lead", "update"),  # PATCH reads as an update in Python
        ("getLeadFinderAgent", "AILeadFinderAgent", "get"),  # the tag's longest run of words
        ("pauseLeadFinderAgentById", "AILeadFinderAgent", "pause"),  # "by id" dropped
        ("enableWarmupForAccounts", "Account", "enable_warmup"),  # a dangling "for" dropped
        ("getDailyAccountAnalytics", "Account", "get_daily_analytics"),
    ],
)
def test_method_name_drops_the_tag_words_from_the_operation_id(
    operation_id: str, tag: str, expected: str
) -> None:
    assert method_name(operation_id, tag, {}) == expected


def test_a_method_name_that_is_a_python_keyword_gets_an_underscore() -> None:
    assert method_name("importLead", "Lead", {}) == "import_"
    assert method_name("mro", "Lead", {}) == "mro_"


def test_a_reviewed_method_name_wins_over_the_derived_one() -> None:
    assert method_name("pauseAccounts", "Account", {"pauseAccounts": "pause_many"}) == "pause_many"


def test_an_operation_id_made_only_of_tag_words_keeps_its_first_word() -> None:
    assert method_name("Lead", "Lead", {}) == "lead"


def test_two_owners_of_one_name_are_refused_naming_both() -> None:
    with pytest.raises(NameCollisionError, match="'list': listLead and listLeads"):
        check_unique([("list", "listLead"), ("list", "listLeads")], "leads.")


def test_one_owner_repeating_its_name_is_no_collision() -> None:
    check_unique([("list", "listLead"), ("list", "listLead")], "leads.")


# --- semantics ---------------------------------------------------------------------------------

JOB = {"title": "Background Job", "type": "object", "properties": {"id": {"type": "string"}}}
PAGE = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"type": "object"}},
        "next_starting_after": {"type": "string"},
    },
}
DOC: dict[str, Any] = {"components": {"schemas": {"AnyNameForJobs": JOB, "Page": PAGE}}}


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"content": {JSON: {"schema": schema}}}}


def test_a_query_cursor_pages_in_the_query() -> None:
    operation = {
        "parameters": [{"name": "starting_after", "in": "query", "schema": {"type": "string"}}],
        "responses": _ok({"$ref": "#/components/schemas/Page"}),
    }
    assert page_location(DOC, operation) == "query"


def test_a_body_cursor_pages_in_the_body() -> None:
    operation = {
        "requestBody": {
            "content": {JSON: {"schema": {"type": "object", "properties": {"starting_after": {}}}}}
        },
        "responses": _ok(PAGE),
    }
    assert page_location(DOC, operation) == "body"


def test_a_listing_without_a_cursor_input_does_not_page() -> None:
    assert page_location(DOC, {"responses": _ok(PAGE)}) is None


def test_a_cursor_without_an_items_array_does_not_page() -> None:
    no_items = {"type": "object", "properties": {"next_starting_after": {"type": "string"}}}
    operation = {
        "parameters": [{"name": "starting_after", "in": "query"}],
        "responses": _ok(no_items),
    }
    assert page_location(DOC, operation) is None


def test_a_write_answering_the_job_schema_starts_a_job_whatever_its_component_name() -> None:
    operation = {"responses": _ok({"$ref": "#/components/schemas/AnyNameForJobs"})}
    assert is_job_start(DOC, "post", operation)


def test_a_read_of_the_job_schema_starts_no_job() -> None:
    operation = {"responses": _ok({"$ref": "#/components/schemas/AnyNameForJobs"})}
    assert not is_job_start(DOC, "get", operation)


def test_an_inline_schema_titled_like_a_job_is_not_the_job_component() -> None:
    assert not is_job_start(DOC, "post", {"responses": _ok(dict(JOB))})


def test_request_schema_implies_the_email_format_from_the_names_email_and_emails() -> None:
    operation = {
        "parameters": [{"name": "email", "in": "path", "schema": {"type": "string"}}],
        "requestBody": {
            "content": {
                JSON: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "email": {"type": "string"},
                            "emails": {"type": "array", "items": {"type": "string"}},
                            "name": {"type": "string"},
                        },
                    }
                }
            }
        },
    }
    schema = request_schema(DOC, operation)
    assert schema["path"]["properties"]["email"]["format"] == "email"
    assert schema["path"]["required"] == ["email"]
    body = schema["body"]["properties"]
    assert body["email"]["format"] == "email"
    assert body["emails"]["items"]["format"] == "email"
    assert "format" not in body["name"]


def _body_operation(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"content": {JSON: {"schema": schema}}}}


def test_request_schema_checks_the_requirements_the_normalizer_folded() -> None:
    # `fold_assertion_only_variants` turns `anyOf: [{required: [a]}, {required: [b]}]` into
    # `x-required-one-of`; the facade still refuses a body with neither before sending.
    body = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "x-required-one-of": [["a"], ["b", "c"]],
    }
    schema = request_schema(DOC, _body_operation(body))
    assert schema["body"]["anyOf"] == [{"required": ["a"]}, {"required": ["b", "c"]}]


def test_request_schema_checks_nothing_for_a_folded_alternative_without_requirements() -> None:
    body = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "x-required-one-of": [["a"], []],
    }
    assert "anyOf" not in request_schema(DOC, _body_operation(body))["body"]


@pytest.mark.parametrize(
    "parameter",
    [
        {"name": "ids", "in": "query", "description": "Comma-separated ids", "schema": {}},
        {"name": "ids", "in": "query", "schema": {"example": "a,b,c"}},
    ],
)
def test_a_comma_separated_query_string_is_marked_to_take_a_list(parameter: dict[str, Any]) -> None:
    parameter = {**parameter, "schema": {"type": "string", **parameter["schema"]}}
    schema = request_schema(DOC, {"parameters": [parameter]})
    assert schema["query"]["properties"]["ids"].get("x-comma-list") is True


def test_a_plain_query_string_is_not_a_comma_list() -> None:
    parameter = {"name": "search", "in": "query", "schema": {"type": "string", "example": "a b"}}
    schema = request_schema(DOC, {"parameters": [parameter]})
    assert "x-comma-list" not in schema["query"]["properties"]["search"]


def test_a_pattern_python_cannot_compile_is_left_to_the_server() -> None:
    parameter = {"name": "q", "in": "query", "schema": {"type": "string", "pattern": "(?<x"}}
    schema = request_schema(DOC, {"parameters": [parameter]})
    assert "pattern" not in schema["query"]["properties"]["q"]


def test_request_schema_keeps_bounds_known_values_and_required_fields() -> None:
    body = {
        "type": "object",
        "required": ["limit"],
        "properties": {
            "limit": {"type": "integer", "minimum": 1, "maximum": 100},
            "status": {"type": "integer", "enum": [1, 2]},
            "ids": {"type": "array", "maxItems": 3, "items": {"type": "string", "format": "uuid"}},
        },
    }
    schema = request_schema(DOC, {"requestBody": {"content": {JSON: {"schema": body}}}})["body"]
    assert schema["required"] == ["limit"]
    assert schema["properties"]["limit"] == {"type": ["integer"], "minimum": 1, "maximum": 100}
    assert schema["properties"]["status"]["enum"] == [1, 2]
    assert schema["properties"]["ids"]["maxItems"] == 3
    assert schema["properties"]["ids"]["items"]["format"] == "uuid"


# --- reading the generated package --------------------------------------------------------------


def test_read_endpoints_finds_the_bulk_delete_of_leads_with_its_body() -> None:
    endpoints = {e.module: e for e in read_endpoints(PACKAGE)}
    endpoint = endpoints["instantly_api.api.lead.bulk_delete_leads"]
    assert (endpoint.method, endpoint.url) == ("DELETE", "/api/v2/leads")
    assert endpoint.body is not None and "BulkDeleteLeadsBody" in endpoint.body.annotation
    assert endpoint.path_params == ()


def test_read_endpoints_reads_path_parameters_and_query_wire_names() -> None:
    endpoints = {e.module: e for e in read_endpoints(PACKAGE)}
    listing = endpoints["instantly_api.api.account.list_account"]
    assert "starting_after" in {q.wire for q in listing.query_params}
    get = endpoints["instantly_api.api.account.get_account"]
    assert [p.python for p in get.path_params] == ["email"]
    assert get.url == "/api/v2/accounts/{email}"


def test_read_body_model_lists_the_fields_with_their_wire_names() -> None:
    model = read_body_model(
        PACKAGE, "BulkDeleteLeadsBody", "instantly_api.models.bulk_delete_leads_body"
    )
    assert {f.wire for f in model.fields} == {"campaign_id", "list_id", "status", "ids", "limit"}


# --- stale reviewed entries --------------------------------------------------------------------


def _tagged_spec() -> dict[str, Any]:
    """Two operations: one tagged Lead, one untagged (grouped under `default`)."""
    return {
        "paths": {
            "/a": {"get": {"operationId": "listLead", "tags": ["Lead", "Extra"]}},
            "/b": {"post": {"operationId": "ping"}},
        }
    }


def test_stale_entries_name_operation_ids_the_spec_does_not_have() -> None:
    review = Review(methods={"listLead": "list", "goneOp": "gone"}, repeatable={"old": "why"})
    assert stale_entries(_tagged_spec(), review) == ["goneOp", "old"]


def test_stale_entries_name_resource_tags_no_operation_is_grouped_under() -> None:
    # Only the first tag groups operations into a resource; `default` holds the untagged ones.
    review = Review(resources={"Lead": "leads", "default": "misc", "Extra": "x", "Gone": "g"})
    assert stale_entries(_tagged_spec(), review) == ["tag Extra", "tag Gone"]
