"""What the command line's tests share besides fixtures: the key they run with, a run's result."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["API_KEY", "BASE_URL", "Result", "Runner"]

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
