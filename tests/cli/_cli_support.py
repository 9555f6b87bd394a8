"""What the command line's tests share besides fixtures: the key they run with, a run's result."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["API_KEY", "BASE_URL", "FailNthPost", "Result", "Runner"]

API_KEY = "sk-cli-test-5f3c2a9e7d1b"  # long and distinctive, so a leak is easy to find
BASE_URL = "https://api.instantly.ai"


@dataclass
class Result:
    """What one run of `instantly` did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., Result]


class FailNthPost(httpx.BaseTransport):
    """Answers the `n`-th POST to `path` with a 400 itself; everything else goes to `inner`."""

    def __init__(self, inner: httpx.BaseTransport, path: str, n: int) -> None:
        self._inner = inner
        self._path = path
        self._n = n
        self._seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == self._path:
            self._seen += 1
            if self._seen == self._n:
                body = {"statusCode": 400, "error": "Bad Request", "message": "injected"}
                return httpx.Response(400, json=body, request=request)
        return self._inner.handle_request(request)
