"""Non-2xx → typed error with the server's message; an unparseable 2xx → MalformedResponseError."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _facade_helpers import error_body, json_response
from instantly import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MalformedResponseError,
    NotFoundError,
    RateLimitError,
)
from instantly._operation import parse_success
from instantly._status_errors import excerpt, status_error

REQUEST = httpx.Request("GET", "https://api.instantly.ai/api/v2/accounts/x%40y.co")


def _error(response: httpx.Response) -> APIStatusError:
    response.request = REQUEST
    return status_error(response, method="GET", path="/api/v2/accounts/x@y.co")


def test_404_gives_not_found_with_the_server_message_method_and_path() -> None:
    err = _error(json_response(404, error_body(404, "Not Found", "Account not found")))
    assert type(err) is NotFoundError
    assert str(err) == "404 GET /api/v2/accounts/x@y.co: Account not found"
    assert err.body == error_body(404, "Not Found", "Account not found")


def test_401_gives_authentication_error() -> None:
    err = _error(json_response(401, error_body(401, "Unauthorized", "Invalid API key")))
    assert isinstance(err, AuthenticationError)


def test_a_list_of_messages_is_joined() -> None:
    body = {"statusCode": 400, "error": "Bad Request", "message": ["a is bad", "b is bad"]}
    err = _error(json_response(400, body))
    assert isinstance(err, BadRequestError)
    assert err.message == "a is bad; b is bad"


def test_a_body_without_message_falls_back_to_error() -> None:
    err = _error(json_response(400, {"statusCode": 400, "error": "Bad Request"}))
    assert err.message == "Bad Request"


def test_429_carries_retry_after() -> None:
    err = _error(json_response(429, error_body(429, "Too Many Requests", "slow down"),
                               {"retry-after": "12"}))  # fmt: skip
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 12.0


def test_an_html_502_gives_internal_server_error_with_a_short_excerpt() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "x" * 5000 + "</body>"
    err = _error(httpx.Response(502, text=page, headers={"content-type": "text/html"}))
    assert isinstance(err, InternalServerError)
    assert err.status_code == 502
    assert err.message.startswith("Bad Gateway: 502 Bad Gateway")
    assert len(err.message) < 250
    assert "<" not in err.message


def test_an_empty_error_body_gives_the_reason_phrase() -> None:
    assert _error(httpx.Response(503)).message == "Service Unavailable"


def test_the_request_id_header_is_kept() -> None:
    err = _error(json_response(500, error_body(500, "Internal Server Error", "boom"),
                               {"x-request-id": "req-123"}))  # fmt: skip
    assert err.request_id == "req-123"


def test_an_unmapped_status_gives_the_base_status_error() -> None:
    err = _error(json_response(418, {"message": "teapot"}))
    assert type(err) is APIStatusError


class Model:
    def __init__(self, data: dict[str, Any]) -> None:
        self.name = data["name"]


def _parse(*, client: object, response: httpx.Response) -> Model | None:
    return Model(response.json()) if response.status_code == 200 else None


def _parse_success(response: httpx.Response) -> Model:
    return parse_success(_parse, None, response, Model, method="GET", path="/p")


def test_a_2xx_is_parsed_into_the_expected_model() -> None:
    assert _parse_success(json_response(200, {"name": "n"})).name == "n"


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"not json", "not JSON"), (b'{"other": 1}', "KeyError"), (b"[1, 2]", "TypeError")],
)
def test_an_unparseable_2xx_gives_malformed_response(content: bytes, why: str) -> None:
    with pytest.raises(MalformedResponseError, match=why) as info:
        _parse_success(httpx.Response(200, content=content))
    assert info.value.status_code == 200
    assert info.value.path == "/p"


def test_an_undocumented_2xx_status_gives_malformed_response() -> None:
    with pytest.raises(MalformedResponseError, match="expected Model, got no documented body"):
        _parse_success(httpx.Response(204))


def test_excerpt_is_one_bounded_line() -> None:
    assert excerpt("a\n\n  b" + "c" * 300, 20) == "a b" + "c" * 16 + "…"
