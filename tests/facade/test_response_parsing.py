"""A malformed 2xx names the request it answered, read from the response only when it fails."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from instantly import MalformedResponseError
from instantly._operation import parse_success


class Model:
    def __init__(self, data: dict[str, Any]) -> None:
        self.name = data["name"]


def _parse(*, client: object, response: httpx.Response) -> Model:
    return Model(response.json())


def test_a_malformed_2xx_names_the_method_and_path_of_the_response_request() -> None:
    response = httpx.Response(200, content=b'{"other": 1}')
    response.request = httpx.Request("POST", "https://api.instantly.ai/api/v2/accounts/a%40b.co/x")
    with pytest.raises(MalformedResponseError, match="KeyError") as info:
        parse_success(_parse, None, response, Model)
    assert (info.value.method, info.value.path) == ("POST", "/api/v2/accounts/a@b.co/x")


def test_a_malformed_2xx_without_a_request_still_gives_malformed_response() -> None:
    with pytest.raises(MalformedResponseError, match="not JSON"):
        parse_success(_parse, None, httpx.Response(200, content=b"<html>"), Model)


def test_a_good_2xx_is_parsed_without_its_request_being_read() -> None:
    assert (
        parse_success(_parse, None, httpx.Response(200, content=b'{"name": "n"}'), Model).name
        == "n"
    )
