"""Prism fixtures for the contract tests: a static and a dynamic mock of the pinned spec.

`prism_url` serves the spec's examples; `prism_dynamic_url` generates random responses that are
valid against the schemas (`--dynamic`, fixed `--seed`; a request picks another seed with the
`Prefer: seed=N` header). Each fixture uses a running Prism named by `PRISM_URL` /
`PRISM_DYNAMIC_URL` (as `.ci/run` sets them) or starts one on a free loopback port for the session.
Where node or the Prism install is missing the tests skip with the reason, except under `CI=true`,
where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract._prism import (
    SPEC_DEFECTS,
    PrismNotReadyError,
    PrismUnavailableError,
    running_in_ci,
    start_prism,
    wait_until_ready,
)

__all__ = ["DYNAMIC_SEED", "prism_dynamic_url", "prism_url"]

# The seed the dynamic Prism starts with; tests vary it per request with `Prefer: seed=N`.
DYNAMIC_SEED = "1"
# A Prism someone else started should already be up: wait briefly, then call it an error.
_EXTERNAL_READY_TIMEOUT_S = 30.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that talks to Prism `contract`, so `-m "not contract"` leaves it out."""
    for item in items:
        if {"prism_url", "prism_dynamic_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.contract)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """List the spec defects Prism met (examples or generated bodies breaking the schema)."""
    defects = config.stash.get(SPEC_DEFECTS, [])
    if defects:
        terminalreporter.section("spec defects met by the contract tests (not client bugs)")
        for line in sorted(set(defects)):
            terminalreporter.write_line(line)


def _prism_session(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    env_name: str,
    dynamic: bool,
) -> Iterator[str]:
    """Yield the base URL of a ready Prism: the one in `env_name`, else one started here."""
    if url := os.environ.get(env_name, "").rstrip("/"):
        try:
            wait_until_ready(url, timeout_s=_EXTERNAL_READY_TIMEOUT_S)
        except PrismNotReadyError as exc:
            pytest.fail(f"{env_name}={url} is set but does not answer: {exc}", pytrace=False)
        yield url
        return

    spec: Path = request.getfixturevalue("pinned_spec_path")
    mode = "dynamic" if dynamic else "static"
    log_path = tmp_path_factory.mktemp("prism") / f"prism-{mode}.log"
    try:
        server = start_prism(
            spec, log_path=log_path, dynamic=dynamic, seed=DYNAMIC_SEED if dynamic else None
        )
    except PrismUnavailableError as exc:
        reason = f"contract tests need Prism ({mode} mode): {exc}; or set {env_name}"
        if running_in_ci():
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    except PrismNotReadyError as exc:
        pytest.fail(f"Prism ({mode} mode) did not start: {exc}", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def prism_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of a Prism serving the pinned spec's examples, rejecting invalid requests."""
    yield from _prism_session(request, tmp_path_factory, env_name="PRISM_URL", dynamic=False)


@pytest.fixture(scope="session")
def prism_dynamic_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of a Prism answering with random schema-valid bodies (seeded, reproducible)."""
    yield from _prism_session(request, tmp_path_factory, env_name="PRISM_DYNAMIC_URL", dynamic=True)


@pytest.fixture(autouse=True)
def strict_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every client these tests make reads strictly (`strict=True` by default): an answer that
    differs from the spec raises `ResponseDeviationError`, so a model regression fails here
    instead of being kept and recorded as it would be for a user."""
    from instantly._client import _ClientBase

    defaults = _ClientBase.__init__.__kwdefaults__
    assert defaults is not None and defaults["strict"] is False
    monkeypatch.setitem(defaults, "strict", True)
