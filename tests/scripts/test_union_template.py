"""The union parser template on a small synthetic spec: a value no member of a union takes is a
`TypeError` naming the field; members returned as they come take their JSON types only (the shape
check's rules: an int is a float, a bool is no number, a str subclass is a str), and an `Any`
member takes anything."""

from __future__ import annotations

import datetime
import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import scripts.regenerate as regenerate

_TIMESTAMP = {"type": "string", "format": "date-time"}
_GADGET = {
    "type": "object",
    "properties": {
        "seen_at": {"anyOf": [_TIMESTAMP, {"type": "null"}]},
        "seen_or_label": {"anyOf": [_TIMESTAMP, {"type": "string"}]},
        "seen_or_anything": {"anyOf": [_TIMESTAMP, {}]},
        "seen_or_count": {"anyOf": [_TIMESTAMP, {"type": "integer"}]},
        "seen_or_ratio": {"anyOf": [_TIMESTAMP, {"type": "number"}]},
        "seen_or_flag": {"anyOf": [_TIMESTAMP, {"type": "boolean"}]},
        "labels": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]},
    },
}
_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api/v2/gadgets": {
            "get": {
                "operationId": "getGadget",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Gadget"}}
                        },
                    }
                },
            }
        }
    },
    "components": {"schemas": {"Gadget": _GADGET}},
}
_PACKAGE = "synthetic_union_api"


class Text(str):
    """A str subclass: not what json.loads gives, still a str."""


@pytest.fixture(scope="module")
def gadget(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The `Gadget` model generated from `_SPEC` with our templates, imported as its own package."""
    root = tmp_path_factory.mktemp("union")
    spec = root / "spec.json"
    spec.write_text(json.dumps(_SPEC), encoding="utf-8")
    package_dir = root / "out" / "instantly_api"
    regenerate._generate(spec, package_dir)
    for name in ("_timestamps.py", "_shape.py"):
        shutil.copyfile(regenerate.PACKAGE_FILES_DIR / name, package_dir / name)
    found = importlib.util.spec_from_file_location(
        _PACKAGE, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    assert found is not None
    # The package itself is not run: its __init__ reads the `_spec.py` a full build writes.
    package: ModuleType = importlib.util.module_from_spec(found)
    sys.modules[_PACKAGE] = package
    try:
        yield importlib.import_module(f"{_PACKAGE}.models.gadget").Gadget
    finally:
        for name in [n for n in sys.modules if n == _PACKAGE or n.startswith(_PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seen_at", "never", "Gadget.seen_at is str 'never', not datetime.datetime | None"),
        ("seen_at", 12345, "Gadget.seen_at is int 12345, not datetime.datetime | None"),
        ("seen_or_label", 5, "Gadget.seen_or_label is int 5, not datetime.datetime | str"),
        ("seen_or_count", True, "Gadget.seen_or_count is bool True, not datetime.datetime | int"),
        ("seen_or_count", 1.5, "Gadget.seen_or_count is float 1.5, not datetime.datetime | int"),
        ("seen_or_ratio", False, "Gadget.seen_or_ratio is bool False, not"),
        ("seen_or_flag", 1, "Gadget.seen_or_flag is int 1, not bool | datetime.datetime"),
        ("labels", "oops", "Gadget.labels is str 'oops', not list\\[str\\] | None"),
    ],
)
def test_a_value_no_member_takes_raises_a_type_error_naming_the_field(
    gadget: Any, field: str, value: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        gadget.from_dict({field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seen_or_label", "soon"),
        ("seen_or_label", Text("soon")),
        ("seen_or_count", 7),
        ("seen_or_ratio", 7),
        ("seen_or_ratio", 0.5),
        ("seen_or_flag", True),
        ("labels", ["a"]),
        ("seen_at", None),
    ],
)
def test_a_value_of_a_member_returned_as_it_comes_is_kept(
    gadget: Any, field: str, value: object
) -> None:
    assert getattr(gadget.from_dict({field: value}), field) == value


@pytest.mark.parametrize("value", ["soon", 7, 0.5, True, None, [1], {"a": 1}])
def test_an_any_member_takes_any_value(gadget: Any, value: object) -> None:
    assert gadget.from_dict({"seen_or_anything": value}).seen_or_anything == value


def test_a_timestamp_is_still_parsed_before_a_str_member_is_tried(gadget: Any) -> None:
    parsed = gadget.from_dict({"seen_or_label": "2026-03-05T23:09:47Z"}).seen_or_label
    assert parsed == datetime.datetime(2026, 3, 5, 23, 9, 47, tzinfo=datetime.UTC)
