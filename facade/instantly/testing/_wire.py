"""What crosses the fake's boundary: its decided response, its request log entry, error bodies.

Kept free of any I/O so the in-process transport and the loopback server render the same decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
from typing import Any, Final

__all__ = [
    "JSON_HEADERS",
    "Disconnect",
    "FakeResponse",
    "RecordedRequest",
    "dump_json",
    "error_body",
    "error_response",
    "json_response",
]

JSON_HEADERS: Final = (("content-type", "application/json; charset=utf-8"),)


class Disconnect(StrEnum):
    """How a response is withheld: a clean close (FIN), a reset (RST), or a refused connection.

    A listening loopback server cannot refuse one request, so it resets the connection for REFUSE.
    """

    CLOSE = "close"
    RESET = "reset"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class FakeResponse:
    """The fake's decision for one request: what to answer, after how long, or to hang up instead.

    `status` is 0 when the request was never processed (a connection dropped before it).
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    disconnect: Disconnect | None = None

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """The first header called `name` (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k == lowered), None)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake saw it: what was sent and what it decided. Never holds the API key.

    `status` is 0 when the request was not processed (dropped before); `delivered` is False when
    no response reached the client (dropped before or after processing); `fault` names the
    injected fault, if any.
    """

    seq: int
    time: float
    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int
    delivered: bool
    fault: str | None = None
    response_body: bytes = field(default=b"", repr=False)

    @property
    def response_json(self) -> Any:
        """The response body parsed as JSON (None when empty or not JSON)."""
        try:
            return json.loads(self.response_body) if self.response_body else None
        except ValueError:
            return None


def dump_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as Fastify sends it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    value: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = ()
) -> FakeResponse:
    """A JSON response."""
    return FakeResponse(status, JSON_HEADERS + headers, dump_json(value))


def error_body(status: int, message: str) -> dict[str, Any]:
    """Instantly's (Fastify's) error body: `{"statusCode", "error", "message"}`; `error` is the
    status's reason phrase (Node's and the standard library's agree on the ones the fake sends)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    return {"statusCode": status, "error": reason, "message": message}


def error_response(
    status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
) -> FakeResponse:
    """An error response with Instantly's body."""
    return json_response(error_body(status, message), status, headers)
