"""The rule `name_result_types`: inline 2xx results named from what they are (synthetic specs)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.normalize import (
    MODEL_NAMES_PATH,
    ModelNameError,
    ModelNames,
    load_model_names,
    name_result_types_from,
    proposed_model_names,
)
from scripts.normalize._result_names import generator_class_name

SERVER = "https://api.example.test"
REF = "#/components/schemas/"
THING = {"type": "object", "properties": {"id": {"type": "string"}}}
STATS = {"type": "object", "properties": {"sent": {"type": "integer"}}}


def _spec(operations: dict[str, Any], components: dict[str, Any] | None = None) -> dict[str, Any]:
    paths = {
        f"/{op_id}": {"get": {"operationId": op_id, "responses": {"200": response}}}
        for op_id, response in operations.items()
    }
    return {
        "openapi": "3.1.0",
        "servers": [{"url": SERVER}],
        "paths": paths,
        "components": {"schemas": copy.deepcopy(components or {})},
    }


def _json(schema: Any) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": copy.deepcopy(schema)}}}


def _page(item: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": item},
            "next_starting_after": {"type": "string"},
        },
    }


def _result(spec: dict[str, Any], op_id: str) -> Any:
    return spec["paths"][f"/{op_id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


def _run(
    spec: dict[str, Any], names: dict[str, str] | None = None
) -> tuple[int, dict[str, str], list[str]]:
    notes: list[str] = []
    table = ModelNames(SERVER, names) if names is not None else None
    fired, given = name_result_types_from(spec, table, notes)
    return fired, given, notes


def test_an_inline_body_becomes_a_component_under_its_reviewed_name() -> None:
    spec = _spec({"getWarmupAnalytics": _json(STATS)})
    _run(spec, {"getWarmupAnalytics": "WarmupAnalytics"})
    assert _result(spec, "getWarmupAnalytics") == {"$ref": REF + "WarmupAnalytics"}
    assert spec["components"]["schemas"]["WarmupAnalytics"]["properties"] == STATS["properties"]


def test_a_hoisted_result_is_titled_with_its_name_so_the_class_is_named_after_it() -> None:
    spec = _spec({"createThing": _json({**THING, "title": "Bulk Created Things"})})
    _run(spec, {"createThing": "ThingsCreated"})
    assert spec["components"]["schemas"]["ThingsCreated"]["title"] == "ThingsCreated"


def test_an_inline_body_identical_to_a_component_becomes_that_component() -> None:
    spec = _spec({"getThing": _json({**THING, "description": "docs differ"})}, {"Thing": THING})
    _fired, given, _notes = _run(spec, {})
    assert _result(spec, "getThing") == {"$ref": REF + "Thing"}
    assert given == {}


def test_an_inline_body_that_differs_from_a_component_stays_distinct() -> None:
    wider = {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}
    spec = _spec({"getThing": _json(wider)}, {"Thing": THING})
    _run(spec, {"getThing": "ThingDetails"})
    assert _result(spec, "getThing") == {"$ref": REF + "ThingDetails"}


def test_an_array_body_names_its_item() -> None:
    spec = _spec({"getDailyStats": _json({"type": "array", "items": STATS})})
    _run(spec, {"getDailyStats": "DailyStats"})
    assert _result(spec, "getDailyStats")["items"] == {"$ref": REF + "DailyStats"}


def test_a_page_names_its_item_and_itself() -> None:
    spec = _spec({"listThing": _json(_page(STATS))})
    _run(spec, {"listThing": "ThingListItem", "listThing page": "ThingPage"})
    assert _result(spec, "listThing") == {"$ref": REF + "ThingPage"}
    page = spec["components"]["schemas"]["ThingPage"]
    assert page["properties"]["items"]["items"] == {"$ref": REF + "ThingListItem"}


def test_a_page_of_a_component_is_named_after_the_component_when_unreviewed() -> None:
    spec = _spec({"listThing": _json(_page({"$ref": REF + "Thing"}))}, {"Thing": THING})
    _fired, given, _notes = _run(spec)
    assert given == {"listThing page": "ThingPage"}


def test_two_identical_results_share_one_component() -> None:
    spec = _spec({"getA": _json(STATS), "getB": _json(STATS)})
    _fired, given, notes = _run(spec, {"getA": "Stats"})
    assert _result(spec, "getB") == {"$ref": REF + "Stats"}
    assert list(given) == ["getA"] and notes == []


def test_every_object_under_a_renamed_result_records_its_old_name() -> None:
    nested = {"type": "object", "properties": {"inner": STATS}}
    spec = _spec({"getWarmupAnalytics": _json(nested)})
    _run(spec, {"getWarmupAnalytics": "WarmupAnalytics"})
    hoisted = spec["components"]["schemas"]["WarmupAnalytics"]
    record = [{"from": "GetWarmupAnalyticsResponse200", "to": "WarmupAnalytics"}]
    assert hoisted["x-renamed-from"] == record
    assert hoisted["properties"]["inner"]["x-renamed-from"] == record


def test_old_names_are_the_generators_page_and_item_names() -> None:
    spec = _spec({"listAPIKey": _json(_page(STATS))})
    _run(spec, {"listAPIKey": "ApiKeyItem", "listAPIKey page": "ApiKeyItemPage"})
    schemas = spec["components"]["schemas"]
    assert schemas["ApiKeyItem"]["x-renamed-from"][0]["from"] == "ListApiKeyResponse200ItemsItem"
    assert schemas["ApiKeyItemPage"]["x-renamed-from"][0]["from"] == "ListApiKeyResponse200"


def test_a_reviewed_name_colliding_with_a_component_gets_a_suffix_and_a_warning() -> None:
    spec = _spec({"getThing": _json(STATS)}, {"Thing": THING})
    _fired, given, notes = _run(spec, {"getThing": "Thing"})
    assert given == {"getThing": "Thing2"}
    assert any(n.startswith("WARNING: model_names.json names 'getThing' 'Thing'") for n in notes)


def test_an_unreviewed_proposal_colliding_with_a_component_gets_a_suffix_and_a_note() -> None:
    """One result never stops the build (issue #25): a new spec may bring a clashing component."""
    spec = _spec({"getThing": _json(STATS)}, {"Thing": THING})
    _fired, given, notes = _run(spec, {})
    assert given == {"getThing": "Thing2"}
    assert any("named 'Thing2' as proposed ('Thing' is already a model's)" in n for n in notes)


def test_without_a_table_a_colliding_proposal_gets_a_suffix() -> None:
    spec = _spec({"getThing": _json(STATS)}, {"Thing": THING})
    _fired, given, _notes = _run(spec)
    assert given == {"getThing": "Thing2"}


def test_an_entry_naming_an_operation_the_spec_lacks_is_a_note() -> None:
    spec = _spec({"getStats": _json(STATS)})
    _fired, _given, notes = _run(spec, {"getStats": "Stats", "getGone": "Gone"})
    assert notes == ["model_names.json names 'getGone', which the spec does not have"]


def test_a_result_without_a_reviewed_name_is_named_as_proposed_with_a_note() -> None:
    spec = _spec({"pauseAccounts": _json(STATS)})
    _fired, given, notes = _run(spec, {})
    assert given == {"pauseAccounts": "PauseAccountsResult"}
    assert "no reviewed name" in notes[0]


def test_the_table_applies_only_to_the_spec_of_its_server() -> None:
    spec = _spec({"getStats": _json(STATS)})
    notes: list[str] = []
    _fired, given = name_result_types_from(spec, ModelNames("https://other", {"x": "Y"}), notes)
    assert given == {"getStats": "Stats"} and notes == []


def test_referenced_and_scalar_results_are_left_alone() -> None:
    spec = _spec(
        {"getThing": _json({"$ref": REF + "Thing"}), "getText": _json({"type": "string"})},
        {"Thing": THING},
    )
    assert _run(spec)[0] == 0


def test_proposals_do_not_change_the_spec() -> None:
    spec = _spec({"getStats": _json(STATS)})
    before = json.dumps(spec, sort_keys=True)
    assert proposed_model_names(spec) == {"getStats": "Stats"}
    assert json.dumps(spec, sort_keys=True) == before


def test_generator_class_name_matches_openapi_python_client() -> None:
    assert generator_class_name("list_api_key") == "ListApiKey"
    assert generator_class_name("listAPIKey") == "ListAPIKey"
    assert generator_class_name("cancel_dfy_email_accounts" + "Response200") == (
        "CancelDfyEmailAccountsResponse200"
    )


def test_a_table_name_that_is_not_a_class_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model_names.json"
    path.write_text(json.dumps({"server": SERVER, "names": {"getX": "not a name"}}))
    with pytest.raises(ModelNameError, match="not a PascalCase class name"):
        load_model_names(path)


def test_the_reviewed_table_loads() -> None:
    table = load_model_names(MODEL_NAMES_PATH)
    assert table is not None and table.names["listAccount"] == "AccountListItem"
