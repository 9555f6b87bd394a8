"""The runner's request URL is what httpx makes of the relative path against the base URL."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instantly import Instantly
from instantly._operation import operation, prepare
from instantly._plans import Call


def _client(base_url: str) -> Instantly:
    return Instantly(
        "k", base_url=base_url, transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )


def _httpx_url(client: Instantly, op_id: str, args: dict[str, object]) -> httpx.URL:
    prepared = prepare(operation(op_id), args)
    params = prepared.params or None
    return client.http_client.build_request("GET", prepared.url, params=params).url


@pytest.mark.parametrize(
    "base_url",
    ["https://api.instantly.ai", "http://127.0.0.1:8080/prefix", "http://localhost:1/a/b/"],
)
@pytest.mark.parametrize(
    ("op_id", "args"),
    [
        ("getAccount", {"email": "jon@doe.com"}),
        ("listAccount", {"limit": 100, "search": "a b&c=d", "starting_after": "x@y.co"}),
        ("getBackgroundJob", {"id": "0192a5e1-0000-7000-8000-000000000000"}),
    ],
)
def test_the_url_matches_httpx_joining_the_relative_path(
    base_url: str, op_id: str, args: dict[str, object]
) -> None:
    client = _client(base_url)
    request = client._runner.build(Call(operation(op_id), args, {}))
    assert request.url == _httpx_url(client, op_id, args)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20).filter(lambda v: v.strip() not in ("", ".", "..")))
def test_any_path_value_gives_the_url_httpx_would(value: str) -> None:
    client = _client("https://api.instantly.ai/v")
    request = client._runner.build(Call(operation("getBackgroundJob"), {"id": value}, {}))
    assert request.url == _httpx_url(client, "getBackgroundJob", {"id": value})


def test_a_base_url_set_on_the_http_client_later_is_followed() -> None:
    client = _client("https://api.instantly.ai")
    call = Call(operation("getAccount"), {"email": "jon@doe.com"}, {})
    client._runner.build(call)
    client.http_client.base_url = httpx.URL("http://127.0.0.1:9/other")
    assert (
        str(client._runner.build(call).url)
        == "http://127.0.0.1:9/other/api/v2/accounts/jon%40doe.com"
    )
