"""`shorten_deep_model_names`: no generated file name passes 255 bytes, however deep the spec.

The generator names an inline schema's class, and its module, after every parent's name plus its
own; a synthetic spec nested 30 levels deep would need file names of thousands of bytes. The rule
hoists the deep schemas into components under short names; names within the budget (all of the
pin's) do not change.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import scripts.regenerate as regenerate
from scripts.normalize import normalize_with_report
from scripts.normalize._naming import (
    MODULE_NAME_BUDGET,
    module_name_bytes,
    shorten_deep_model_names,
)
from scripts.spec_files import VENDORED_SPEC_PATH

FILE_NAME_BYTES = 255


def _deep_schema(levels: int, word: str = "settings_and_configuration") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {"value": {"type": "string"}}}
    for level in range(levels, 0, -1):
        schema = {
            "type": "object",
            "properties": {f"level_{level}_{word}": schema, "name": {"type": "string"}},
        }
    return schema


def deep_spec(levels: int = 30, word: str = "settings_and_configuration") -> dict[str, Any]:
    """One operation whose JSON body and 200 nest `levels` inline objects."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "deep", "version": "1"},
        "paths": {
            "/api/v2/deep-things": {
                "post": {
                    "operationId": "createDeepThing",
                    "tags": ["Deep Thing"],
                    "requestBody": {
                        "content": {"application/json": {"schema": _deep_schema(levels, word)}}
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": _deep_schema(levels, word)}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {}},
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_the_deep_spec_would_need_names_past_255_bytes() -> None:
    longest = "CreateDeepThingBody" + "".join(
        f"Level{n}SettingsAndConfiguration" for n in range(1, 31)
    )
    assert module_name_bytes(longest) > FILE_NAME_BYTES


def test_deep_inline_schemas_are_hoisted_with_a_note_each() -> None:
    spec = deep_spec()
    notes: list[str] = []
    hoisted = shorten_deep_model_names(spec, notes)
    assert hoisted == len(notes) > 0
    assert all(
        "hoisted as" in note and "#/paths/~1api~1v2~1deep-things/post" in note for note in notes
    )


def test_every_reference_the_rule_writes_resolves_to_a_titled_component() -> None:
    spec = deep_spec()
    shorten_deep_model_names(spec, [])
    schemas = spec["components"]["schemas"]
    for ref in _refs(spec):
        key = ref.removeprefix("#/components/schemas/")
        assert schemas[key]["title"] == key


def test_hoisted_names_are_short_unique_and_keep_where_they_come_from() -> None:
    spec = deep_spec()
    shorten_deep_model_names(spec, [])
    names = list(spec["components"]["schemas"])
    assert len({name.lower() for name in names}) == len(names)
    assert all(name.startswith("CreateDeepThing") for name in names)
    assert all(module_name_bytes(name) <= 100 for name in names)


def test_the_budget_counts_bytes_not_characters() -> None:
    assert module_name_bytes("café") == len("café".encode()) == 5  # 4 characters


def test_a_single_huge_property_name_still_gets_a_short_module() -> None:
    spec = deep_spec(levels=3, word="x" * 300)
    shorten_deep_model_names(spec, [])
    assert all(module_name_bytes(n) <= MODULE_NAME_BUDGET for n in spec["components"]["schemas"])


def test_a_shallow_spec_is_left_as_it_is() -> None:
    spec = deep_spec(levels=3)
    before = copy.deepcopy(spec)
    assert shorten_deep_model_names(spec, []) == 0
    assert spec == before


def test_the_pins_names_do_not_change() -> None:
    spec = json.loads(VENDORED_SPEC_PATH.read_bytes().decode("utf-8-sig"))
    _, report = normalize_with_report(spec)
    assert report.counts["shorten_deep_model_names"] == 0


@pytest.mark.slow
def test_the_generator_writes_no_path_component_past_255_bytes(tmp_path: Path) -> None:
    normalized, _ = normalize_with_report(deep_spec())
    spec_path = tmp_path / "deep.json"
    spec_path.write_text(json.dumps(normalized), encoding="utf-8")
    package = tmp_path / "out" / "instantly_api"
    regenerate._generate(spec_path, package)
    names = [p.name for p in package.rglob("*")]
    assert len(names) > 30  # a model module per level, at least
    assert max(len(name.encode()) for name in names) <= FILE_NAME_BYTES
