"""Helpers for the facade's unit tests: a fake clock that advances on sleep, canned responses."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx

__all__ = [
    "ACCOUNT",
    "API_KEY",
    "FakeTime",
    "Script",
    "error_body",
    "json_response",
]

API_KEY = "sk-test-5ecret-KEY-do-not-leak"

# A minimal Account as the spec requires it (required fields only, plus status).
ACCOUNT: dict[str, Any] = {
    "email": "jon@doe.com",
    "timestamp_created": "2026-03-05T23:09:47.220Z",
    "timestamp_updated": "2026-03-05T23:09:47.220Z",
    "first_name": "Jon",
    "last_name": "Doe",
    "organization": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "warmup_status": 1,
    "provider_code": 2,
    "setup_pending": False,
    "is_managed_account": False,
    "status": 1,
}


class FakeTime:
    """A monotonic clock that only moves when something sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response with a JSON body."""
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def error_body(status: int, error: str, message: str) -> dict[str, Any]:
    """An error body as Instantly sends it."""
    return {"statusCode": status, "error": error, "message": message}


Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler that plays responses/errors in order and records each request."""

    def __init__(self, *steps: Step) -> None:
        self._steps: Iterator[Step] = iter(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        request.read()
        step = next(self._steps)
        if isinstance(step, Exception):
            if isinstance(step, httpx.RequestError):
                step._request = request
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    @property
    def count(self) -> int:
        return len(self.requests)
