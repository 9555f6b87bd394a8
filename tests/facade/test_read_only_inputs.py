"""A request never sends a property the spec marks readOnly (`x-read-only` in its schema)."""

from __future__ import annotations

import pytest
from instantly import InvalidInputError
from instantly._request_validation import check_value

SCHEMA = {
    "type": ["object"],
    "properties": {"name": {"type": ["string"]}},
    "required": ["name"],
    "x-read-only": ["id", "timestamp_created"],
}


def test_a_body_without_read_only_properties_passes() -> None:
    check_value(SCHEMA, {"name": "lamp", "colour": "red"}, "")


def test_a_read_only_property_in_the_body_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInputError, match=r"^id='x' is not accepted: it is read-only"):
        check_value(SCHEMA, {"name": "lamp", "id": "x"}, "")


def test_a_read_only_property_of_a_nested_object_is_refused_with_its_path() -> None:
    outer = {"type": ["object"], "properties": {"thing": SCHEMA}}
    with pytest.raises(InvalidInputError, match=r"^thing\.timestamp_created=1 is not accepted"):
        check_value(outer, {"thing": {"name": "lamp", "timestamp_created": 1}}, "")
