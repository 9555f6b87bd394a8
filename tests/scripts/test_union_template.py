"""The union parser template on a small synthetic spec: a value no member of a union takes is
kept as sent and reported as a deviation naming the field and its kind; members returned as they
come take their JSON types only (an int is a float, a bool is no number, a str subclass is a
str), and an `Any` member takes anything."""

from __future__ import annotations

import datetime
import importlib.util
import inspect
import json
import shutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import scripts.regenerate as regenerate

_TIMESTAMP = {"type": "string", "format": "date-time"}
_STRING = {"type": "string"}
_GADGET = {
    "type": "object",
    "properties": {
        "counts": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
        "seen_at": {"anyOf": [_TIMESTAMP, {"type": "null"}]},
        "seen_or_label": {"anyOf": [_TIMESTAMP, {"type": "string"}]},
        "seen_or_anything": {"anyOf": [_TIMESTAMP, {}]},
        "seen_or_count": {"anyOf": [_TIMESTAMP, {"type": "integer"}]},
        "seen_or_ratio": {"anyOf": [_TIMESTAMP, {"type": "number"}]},
        "seen_or_flag": {"anyOf": [_TIMESTAMP, {"type": "boolean"}]},
        "labels": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]},
        "label_or_labels": {"anyOf": [{"type": "array", "items": {"type": "string"}}, _STRING]},
        "ratios": {"type": "array", "items": {"type": "number"}},
    },
    "required": ["counts"],
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
_REQUIRED = {"counts": None}  # a required list that may be null


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
    for name in ("_timestamps.py", "_tolerance.py"):
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


def _read(gadget: Any, body: dict[str, Any]) -> tuple[Any, list[tuple[str, str]]]:
    """The model read from `body`, and the (path, kind) of each deviation it reported."""
    tolerance = importlib.import_module(f"{_PACKAGE}._tolerance")
    with tolerance.collect() as found:
        model = gadget.from_dict(body)
    return model, [(d.path, d.kind) for d in found]


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("seen_at", "never", "format"),
        ("seen_at", "", "empty"),
        ("seen_at", 12345, "type"),
        ("seen_or_label", 5, "type"),
        ("seen_or_count", True, "type"),
        ("seen_or_count", 1.5, "type"),
        ("seen_or_ratio", False, "type"),
        ("seen_or_flag", 1, "type"),
        ("labels", "oops", "type"),
    ],
)
def test_a_value_no_member_takes_is_kept_and_reported_naming_the_field(
    gadget: Any, field: str, value: object, kind: str
) -> None:
    body = {**_REQUIRED, field: value}
    model, found = _read(gadget, body)
    assert getattr(model, field) == value
    assert found == [(f"Gadget.{field}", kind)]
    assert model.to_dict() == body


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
    assert getattr(gadget.from_dict({**_REQUIRED, field: value}), field) == value


@pytest.mark.parametrize("value", ["soon", 7, 0.5, True, None, [1], {"a": 1}])
def test_an_any_member_takes_any_value(gadget: Any, value: object) -> None:
    assert gadget.from_dict({**_REQUIRED, "seen_or_anything": value}).seen_or_anything == value


def test_a_timestamp_is_still_parsed_before_a_str_member_is_tried(gadget: Any) -> None:
    parsed = gadget.from_dict({**_REQUIRED, "seen_or_label": "2026-03-05T23:09:47Z"}).seen_or_label
    assert parsed == datetime.datetime(2026, 3, 5, 23, 9, 47, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("field", "value", "deviation"),
    [
        ("labels", ["a", 1], ("Gadget.labels[]", "type")),
        ("labels", ["a", None], ("Gadget.labels[]", "null")),
        ("counts", [1, True], ("Gadget.counts[]", "type")),
        ("counts", [1.5], ("Gadget.counts[]", "type")),
        ("label_or_labels", ["a", 2], ("Gadget.label_or_labels[]", "type")),
        ("ratios", [0.5, "x"], ("Gadget.ratios[]", "type")),
        ("ratios", None, ("Gadget.ratios", "null")),
    ],
    ids=repr,
)
def test_a_scalar_list_item_of_another_type_is_kept_and_reported_as_a_list_item(
    gadget: Any, field: str, value: object, deviation: tuple[str, str]
) -> None:
    body = {**_REQUIRED, field: value}
    model, found = _read(gadget, body)
    assert (getattr(model, field), found) == (value, [deviation])
    assert model.to_dict() == body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("labels", ["a", Text("b")]),
        ("labels", []),
        ("labels", None),
        ("counts", [1, 2]),
        ("counts", None),
        ("label_or_labels", "a"),
        ("label_or_labels", ["a"]),
        ("ratios", [0.5, 1]),
    ],
    ids=repr,
)
def test_a_scalar_list_of_its_item_types_null_or_missing_parses(
    gadget: Any, field: str, value: object
) -> None:
    assert getattr(gadget.from_dict({**_REQUIRED, field: value}), field) == value


def test_an_optional_scalar_list_left_out_parses_as_unset(gadget: Any) -> None:
    parsed = gadget.from_dict({"counts": [3]})
    assert type(parsed.labels).__name__ == type(parsed.ratios).__name__ == "Unset"


def test_the_fast_path_of_a_scalar_list_tests_its_items(
    gadget: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exact-type expression in `from_dict` passes exact items, null and a missing list
    without reading the body again, and hands a wrong item (or a str subclass) to the tolerant
    reader, which reports only the wrong item."""
    module = inspect.getmodule(gadget)
    calls: list[object] = []
    read = module._read_tolerantly  # type: ignore[union-attr]
    monkeypatch.setattr(module, "_read_tolerantly", lambda *args: calls.append(args) or read(*args))
    for body in [{"labels": ["a"]}, {"labels": None}, {}, {"label_or_labels": "a"}]:
        assert _read(gadget, {"counts": [1], **body})[1] == []
    assert calls == []
    outcomes = [
        _read(gadget, {"counts": [1], **body})[1]
        for body in [{"labels": ["a", 1]}, {"counts": [True]}, {"labels": [Text("a")]}]
    ]
    assert len(calls) == 3
    assert outcomes == [[("Gadget.labels[]", "type")], [("Gadget.counts[]", "type")], []]
