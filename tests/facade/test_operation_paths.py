"""A path parameter becomes one URL segment, percent-encoded exactly as quote(value, safe="")."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from instantly._operation import _path_segment


@pytest.mark.parametrize(
    "value",
    [
        "jon@doe.com",
        "f9cc070d-8dba-4341-b847-f083c358e460",
        "a_b.c-d~e",
        "a/b",
        "a b",
        "50%",
        "?x#y",
        "jöns@doé.com",
        "a+b@c.co",
        "..x",
    ],
)
def test_a_path_segment_is_percent_encoded_like_quote_with_nothing_safe(value: str) -> None:
    assert _path_segment("email", value) == quote(value, safe="")
