"""Fixtures for the command line's tests: a fake Instantly in-process, and a way to run `instantly`.

`cli(...)` runs the command line in-process through `instantly._cli._app.run` with the fake's
httpx transport (no sockets), a known API key in its environment, plain progress lines, and
captured stdout/stderr. `fake.requests` then says exactly what was sent.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from _cli_support import API_KEY, BASE_URL, Result, Runner
from instantly._cli._app import run
from instantly.testing import FakeInstantly, JobScript

__all__ = ["api_key", "cli", "fake"]


@pytest.fixture
def api_key() -> str:
    """The key `cli` runs with."""
    return API_KEY


@pytest.fixture
def fake() -> FakeInstantly:
    """A fake workspace with 5 accounts, quick jobs, and no rate limit."""
    fake = FakeInstantly(
        rate_limit=None, job_script=JobScript.success(pending=0.05, running=0.2, steps=2)
    )
    fake.seed_accounts(5)
    return fake


@pytest.fixture
def cli(fake: FakeInstantly) -> Runner:
    """Run `instantly ARGS...` against `fake`; `env=` replaces the environment, `transport=` the
    fake's transport (e.g. one wrapping it)."""

    def invoke(
        *argv: str,
        env: dict[str, str] | None = None,
        tqdm: Any = None,
        transport: httpx.BaseTransport | None = None,
    ) -> Result:
        stdout, stderr = io.StringIO(), io.StringIO()
        environ = {"INSTANTLY_API_KEY": API_KEY, "INSTANTLY_BASE_URL": BASE_URL}
        code = run(
            list(argv),
            stdout=stdout,
            stderr=stderr,
            environ=environ if env is None else env,
            transport=fake.transport() if transport is None else transport,
            tqdm=tqdm,
        )
        return Result(code, stdout.getvalue(), stderr.getvalue())

    return invoke
