"""Pointer-keyed overrides: reviewed one-off spec fixes kept as data, failing loudly when stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.normalize import Override, OverrideError, apply_overrides, load_overrides

SPEC: dict[str, Any] = {
    "paths": {"/api/v2/x": {"get": {"deprecated": True, "tags": ["A", "B"]}}},
    "components": {"schemas": {"Lead": {"properties": {"status": {"type": "string"}}}}},
}


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_apply_overrides_replaces_the_value_at_a_pointer() -> None:
    fix = Override("/components/schemas/Lead/properties/status", "why", {"type": "integer"})
    result = apply_overrides(SPEC, [fix])
    assert result["components"]["schemas"]["Lead"]["properties"]["status"] == {"type": "integer"}


def test_apply_overrides_removes_a_value_with_escaped_pointer_tokens() -> None:
    fix = Override("/paths/~1api~1v2~1x/get/deprecated", "why", remove=True)
    assert "deprecated" not in apply_overrides(SPEC, [fix])["paths"]["/api/v2/x"]["get"]


def test_apply_overrides_addresses_list_items_by_index() -> None:
    fix = Override("/paths/~1api~1v2~1x/get/tags/1", "why", "C")
    assert apply_overrides(SPEC, [fix])["paths"]["/api/v2/x"]["get"]["tags"] == ["A", "C"]


def test_apply_overrides_does_not_mutate_the_spec() -> None:
    before = json.dumps(SPEC, sort_keys=True)
    apply_overrides(SPEC, [Override("/paths/~1api~1v2~1x/get/deprecated", "why", False)])
    assert json.dumps(SPEC, sort_keys=True) == before


def test_apply_overrides_fails_loudly_when_the_pointer_no_longer_matches() -> None:
    stale = Override("/components/schemas/Lead/properties/gone", "upstream bug #12", {})
    with pytest.raises(OverrideError, match=r"no longer matches.*'gone'.*upstream bug #12"):
        apply_overrides(SPEC, [stale])


def test_load_overrides_reads_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"overrides": [{"pointer": "/a", "reason": "r", "value": 1}]})
    assert load_overrides(path) == [Override("/a", "r", 1)]


def test_load_overrides_is_empty_without_a_file(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "absent.json") == []


def test_load_overrides_requires_a_reason(tmp_path: Path) -> None:
    path = write(tmp_path, {"overrides": [{"pointer": "/a", "value": 1}]})
    with pytest.raises(OverrideError, match="has no reason"):
        load_overrides(path)


def test_load_overrides_requires_exactly_one_of_value_or_remove(tmp_path: Path) -> None:
    path = write(tmp_path, {"overrides": [{"pointer": "/a", "reason": "r"}]})
    with pytest.raises(OverrideError, match="exactly one of 'value' or 'remove'"):
        load_overrides(path)


def test_load_overrides_rejects_a_pointer_that_is_not_a_json_pointer(tmp_path: Path) -> None:
    path = write(tmp_path, {"overrides": [{"pointer": "a/b", "reason": "r", "value": 1}]})
    with pytest.raises(OverrideError, match="pointer 'a/b'"):
        load_overrides(path)
