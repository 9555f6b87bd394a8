"""The runtime's two result kinds for operations the spec gives no 2xx body to parse (issue #25).

An operation whose `returns` is `("httpx", "Response")` (no 2xx declared, or a generic method)
returns the response as it came, a non-2xx still raising its typed error; a generic method's
`body=` is sent as given, whatever JSON value it is.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from instantly import Instantly, NotFoundError
from instantly._operation import Operation, prepare

RAW = ("httpx", "Response")


def _operation(**kwargs: Any) -> Operation:
    return Operation(
        id="pokeThing",
        method="POST",
        path="/api/v2/things/{id}/poke",
        module="",
        returns=RAW,
        path_params=(("id", "id"),),
        **kwargs,
    )


def _call(status: int, body: bytes, args: dict[str, Any]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    with Instantly("k", transport=httpx.MockTransport(answer), rate_limit=None) as client:
        return client.accounts._call(_operation(), args, {})


def test_a_2xx_is_returned_as_the_raw_response() -> None:
    response = _call(200, b'{"pong": true}', {"id": "t1"})
    assert isinstance(response, httpx.Response)
    assert response.json() == {"pong": True}


def test_a_non_2xx_still_raises_its_typed_error() -> None:
    with pytest.raises(NotFoundError):
        _call(404, b'{"message": "no such thing"}', {"id": "t1"})


def test_a_generic_body_is_sent_as_given_even_a_list() -> None:
    prepared = prepare(_operation(), {"id": "t1", "body": [{"id": "a"}, 2]})
    assert prepared.json == [{"id": "a"}, 2]
    assert json.dumps(prepared.json)


def test_a_typed_operation_still_refuses_a_body_that_is_not_an_object() -> None:
    typed = Operation(
        id="createThing",
        method="POST",
        path="/api/v2/things",
        module="",
        returns=("builtins", "object"),
        body_model=("instantly_api.models.thing", "Thing"),
    )
    with pytest.raises(ValueError, match="body must be a dict or a model"):
        prepare(typed, {"body": [1, 2]})
