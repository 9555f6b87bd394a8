"""scripts/fake_request_schemas.py: repeated sub-schemas written once, as named constants.

Small synthetic tables; the module the pinned spec gives is checked by the behaviour tests
(tests/behaviour/test_fake_workspace.py).
"""

from __future__ import annotations

import copy
import pprint
from typing import Any

import httpx
from instantly.testing import FakeClock, FakeInstantly

from scripts.fake_request_schemas import (
    EMITTED_SCHEMAS,
    MODULE_PATH,
    Hoisted,
    _free_name,
    formatted,
    hoist_repeated,
    render_module,
    rendered_lines,
)


def block(word: str, size: int = 8) -> dict[str, Any]:
    """An object schema of `size` long properties: too wide for one line, so `size + 2` lines."""
    names = [f"{word}_property_with_a_long_name_{i}" for i in range(size)]
    return {
        "properties": {n: {"type": "string", "maxLength": 100} for n in names},
        "type": "object",
    }


def body(operation: str, **properties: Any) -> dict[str, Any]:
    """A request body of these properties, and one of its own (so no two bodies are alike)."""
    return {"properties": {"operation": {"const": operation}, **properties}, "type": "object"}


def expanded(value: Any, hoisted: Hoisted) -> Any:
    """`value` with every constant's name replaced by what it stands for."""
    definitions = dict(hoisted.constants)
    if isinstance(value, dict):
        return {k: expanded(v, hoisted) for k, v in value.items()}
    if isinstance(value, list):
        return [expanded(v, hoisted) for v in value]
    if repr(value) in definitions:
        return expanded(definitions[repr(value)], hoisted)
    return value


def text(hoisted: Hoisted) -> str:
    """The constants and tables as the module writes them."""
    parts = [f"{name} = {pprint.pformat(d, width=100)}" for name, d in hoisted.constants]
    parts += [
        f"{name} = {pprint.pformat(t, width=100)}" for name, t in sorted(hoisted.tables.items())
    ]
    return "\n".join(parts)


def test_a_block_written_twice_becomes_one_constant_named_after_its_property() -> None:
    schedule = block("schedule")
    tables = {
        "BODY": {
            "create": body("create", schedule=schedule),
            "patch": body("patch", schedule=schedule),
        }
    }

    hoisted = hoist_repeated(tables)

    assert hoisted.constants == (("_SCHEDULE", schedule),)
    create = hoisted.tables["BODY"]["create"]["properties"]["schedule"]
    patch = hoisted.tables["BODY"]["patch"]["properties"]["schedule"]
    assert repr(create) == "_SCHEDULE"
    assert create is patch
    assert text(hoisted).count("_SCHEDULE") == 3  # defined once, used twice
    assert text(hoisted).count("schedule_property") == 8


def test_the_tables_stand_for_exactly_what_they_were() -> None:
    shared, inner = block("shared"), block("inner")
    tables = {
        "BODY": {
            "a": body("a", x=shared, y={"anyOf": [inner, {"type": "null"}]}),
            "b": body("b", x=shared, z={"items": inner, "type": "array"}),
        },
        "QUERY": {"list": {"filter": shared, "limit": {"type": "integer"}}},
    }
    before = copy.deepcopy(tables)

    hoisted = hoist_repeated(tables, parameter_tables={"QUERY"})

    assert {name: expanded(t, hoisted) for name, t in hoisted.tables.items()} == before
    assert tables == before  # the input is not changed


def test_a_block_written_once_stays_where_it_is() -> None:
    tables = {
        "BODY": {
            "create": body("create", schedule=block("schedule")),
            "patch": body("patch", other=block("o")),
        }
    }

    hoisted = hoist_repeated(tables)

    assert hoisted.constants == ()
    assert hoisted.tables == tables


def test_a_repeated_block_shorter_than_the_minimum_stays_where_it_is() -> None:
    small = {"enum": ["a", "b"], "type": "string"}
    assert rendered_lines(small) == 1
    tables = {"BODY": {"create": body("create", kind=small), "patch": body("patch", kind=small)}}

    assert hoist_repeated(tables).constants == ()


def test_rendered_lines_counts_one_line_per_element_and_two_for_the_brackets() -> None:
    assert rendered_lines({"type": "string"}) == 1
    # its braces, "properties": { and its }, one line a property, "type": "object"
    assert rendered_lines(block("b", 8)) == 2 + 2 + 8 + 1
    assert rendered_lines(["x" * 60, "y" * 60]) == 4


def test_a_block_repeated_only_inside_another_stays_inside_that_ones_definition() -> None:
    inner = block("inner")
    outer = {"properties": {"inner": inner, "name": {"type": "string"}}, "type": "object"}
    tables = {"BODY": {"create": body("create", outer=outer), "patch": body("patch", outer=outer)}}

    hoisted = hoist_repeated(tables)

    assert hoisted.constants == (("_OUTER", outer),)


def test_a_block_repeated_inside_and_outside_another_is_defined_before_it_and_used_in_it() -> None:
    inner = block("inner")
    outer = {"properties": {"inner": inner, "name": {"type": "string"}}, "type": "object"}
    tables = {
        "BODY": {
            "create": body("create", outer=outer),
            "patch": body("patch", outer=outer),
            "replace": body("replace", alone=inner),
        }
    }

    hoisted = hoist_repeated(tables)

    assert [name for name, _ in hoisted.constants] == ["_INNER", "_OUTER"]
    definitions = dict(hoisted.constants)
    assert repr(definitions["_OUTER"]["properties"]["inner"]) == "_INNER"
    assert repr(hoisted.tables["BODY"]["replace"]["properties"]["alone"]) == "_INNER"
    assert definitions["_INNER"] == inner


def test_a_name_already_taken_gets_the_next_name_outwards() -> None:
    first, second = block("first"), block("second")
    tables = {
        "BODY": {
            "a": body("a", filter=first),
            "b": body("b", filter=second),
            "c": body("c", filter=first, other=second),
        }
    }

    hoisted = hoist_repeated(tables)

    assert [name for name, _ in hoisted.constants] == ["_FILTER", "_B_FILTER"]
    assert dict(hoisted.constants) == {"_FILTER": first, "_B_FILTER": second}
    assert repr(hoisted.tables["BODY"]["c"]["properties"]["other"]) == "_B_FILTER"


def test_when_every_name_is_taken_a_number_is_added() -> None:
    taken = {"_FILTER", "_B_FILTER", "_BODY_B_FILTER", "_FILTER_2"}

    assert _free_name(["_FILTER", "_B_FILTER", "_BODY_B_FILTER"], taken) == "_FILTER_3"


def test_names_are_identifiers_made_of_the_words_of_the_place() -> None:
    shared = block("shared")
    tables = {
        "BODY": {
            "createLeadList": body(
                "createLeadList", **{"lead-status": {"items": shared, "type": "array"}}
            ),
            "patchLeadList": body(
                "patchLeadList", **{"lead-status": {"items": shared, "type": "array"}}
            ),
        }
    }

    hoisted = hoist_repeated(tables)

    assert [name for name, _ in hoisted.constants] == ["_LEAD_STATUS"]
    assert hoist_repeated(tables, min_lines=99).constants == ()


def test_a_repeated_block_with_no_property_above_it_is_named_after_its_operation() -> None:
    items = {"items": block("shared"), "type": "array"}
    hoisted = hoist_repeated({"BODY": {"bulkAdd": items, "bulkMove": items}})

    assert [name for name, _ in hoisted.constants] == ["_BULK_ADD"]
    assert repr(hoisted.tables["BODY"]["bulkMove"]) == "_BULK_ADD"


def test_hoisting_is_deterministic_whatever_the_order_of_the_input() -> None:
    first, second, inner = block("first"), block("second"), block("inner")
    forwards = {
        "BODY": {
            "a": body("a", x=first, y=second, z=inner),
            "b": body("b", x=first, y=second),
            "c": body("c", w={"items": inner, "type": "array"}),
        }
    }
    backwards = {
        "BODY": {
            op: {k: dict(reversed(v.items())) if k == "properties" else v for k, v in s.items()}
            for op, s in reversed(forwards["BODY"].items())
        }
    }

    once, twice, reordered = (
        hoist_repeated(forwards),
        hoist_repeated(forwards),
        hoist_repeated(backwards),
    )

    assert text(once) == text(twice) == text(reordered)
    assert [name for name, _ in once.constants] == ["_X", "_Y", "_Z"]


def synthetic_document() -> dict[str, Any]:
    """An OpenAPI document whose create and patch bodies share a schedule."""
    schedule = block("schedule")
    schedule["description"] = "dropped: not a validation keyword"

    def operation(operation_id: str) -> dict[str, Any]:
        return {
            "operationId": operation_id,
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            "requestBody": {
                "content": {"application/json": {"schema": body(operation_id, schedule=schedule)}}
            },
        }

    return {
        "paths": {
            "/things": {"post": operation("createThing")},
            "/things/{id}": {"patch": operation("patchThing")},
        },
        "components": {
            "schemas": {name: {"properties": {"id": {}}} for name in EMITTED_SCHEMAS},
        },
    }


def test_the_module_defines_a_shared_constant_before_the_tables_that_use_it() -> None:
    source = formatted(render_module(synthetic_document(), ["createThing", "patchThing"]))
    namespace: dict[str, Any] = {}

    exec(compile(source, "<module>", "exec"), namespace)

    assert source.index("_SCHEDULE: dict[str, Any] = {") < source.index("QUERY:")
    assert source.count('"schedule_property_with_a_long_name_0"') == 1
    schedule = namespace["BODY"]["createThing"]["properties"]["schedule"]
    assert schedule is namespace["BODY"]["patchThing"]["properties"]["schedule"]
    assert schedule == block("schedule")
    assert namespace["QUERY"] == {
        name: {"limit": {"type": "integer"}} for name in ("createThing", "patchThing")
    }


def test_the_fake_leaves_the_shared_schemas_as_they_were_written() -> None:
    from instantly.testing import _spec_requests

    written: dict[str, Any] = {}
    exec(compile(MODULE_PATH.read_text(encoding="utf-8"), str(MODULE_PATH), "exec"), written)
    schedule = {
        "schedules": [
            {
                "name": "Weekdays",
                "timing": {"from": "09:00", "to": "17:00"},
                "days": {"1": True},
                "timezone": "Etc/GMT+12",
            }
        ]
    }
    fake = FakeInstantly(clock=FakeClock(), rate_limit=None)
    with httpx.Client(
        transport=fake.transport(),
        base_url="https://api.instantly.ai",
        headers={"Authorization": "Bearer k"},
    ) as http:
        created = http.post("/api/v2/campaigns", json={"name": "a", "campaign_schedule": schedule})
        assert created.status_code == 200, created.text
        campaign = created.json()["id"]
        patched = http.patch(f"/api/v2/campaigns/{campaign}", json={"campaign_schedule": schedule})
        assert patched.status_code == 200, patched.text
        bad = {"schedules": [{**schedule["schedules"][0], "timezone": "Mars/Olympus"}]}
        refused = http.patch(f"/api/v2/campaigns/{campaign}", json={"campaign_schedule": bad})
        assert refused.status_code == 400
        hook = {"target_hook_url": "https://example.com/h", "event_type": "email_sent"}
        assert http.post("/api/v2/webhooks", json=hook).status_code == 200
        assert http.get("/api/v2/campaigns", params={"limit": "5"}).status_code == 200

    for table in ("QUERY", "BODY", "FIELDS", "LIMITS"):
        assert getattr(_spec_requests, table) == written[table], table
