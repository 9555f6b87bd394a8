"""Fixtures shared by every test folder: where the pinned spec is and what it says; the tally.

The pinned spec is found by the sha256 recorded in `openapi/spec.lock.json`: normally the vendored
copy (`openapi/api_v2.json`), else in `$INSTANTLY_SPEC_DIR` or `../shared/openapi` beside the
repository. A test that needs the spec and runs where it is absent is skipped with the reason.
A test marked `snapshots(date, ...)` needs historical snapshots that are not vendored: where one
is absent (a clone with nothing beside it) it is not collected, and the summary says so.

Figures the hardening tests count (`tests/_tally.py`) are written to
`build/test-reports/tallies.json` and printed in the terminal summary at the end of every session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_files import (
    PIN_PATH,
    SNAPSHOTS_HINT,
    find_pinned_spec,
    read_pin,
    spec_search_dirs,
)
from tests._tally import REPORT_PATH, TALLY, Tally

__all__ = ["pinned_spec", "pinned_spec_path", "tally"]


@pytest.fixture(scope="session")
def pinned_spec_path() -> Path:
    """Path of the local copy of the pinned spec; skips when no search folder has it."""
    path = find_pinned_spec()
    if path is None:
        pin = read_pin()
        searched = ", ".join(str(d) for d in spec_search_dirs()) or "no existing folder"
        pytest.skip(
            f"pinned spec {pin.get('filename', '?')} (sha256 {pin['sha256'][:12]}..., pinned in "
            f"openapi/{PIN_PATH.name}) not found in: {searched}; "
            "put the snapshots in ../shared/openapi or set INSTANTLY_SPEC_DIR"
        )
    return path


@pytest.fixture(scope="session")
def pinned_spec(pinned_spec_path: Path) -> dict[str, Any]:
    """The pinned spec parsed as JSON (a leading UTF-8 byte order mark is tolerated)."""
    spec: dict[str, Any] = json.loads(pinned_spec_path.read_text(encoding="utf-8-sig"))
    return spec


@pytest.fixture(scope="session")
def tally() -> Tally:
    """The session's tally: what a test adds here is reported when the session ends."""
    return TALLY


_NOT_COLLECTED = pytest.StashKey[list[str]]()


def _snapshot_found(date: str) -> bool:
    """Whether the snapshot of `date` is here: the vendored pin, or beside the repository."""
    name = f"api_v2.{date}.json"
    if name == read_pin().get("filename"):
        return find_pinned_spec() is not None
    return any((folder / name).is_file() for folder in spec_search_dirs())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests whose historical snapshots are absent (see the module docstring)."""
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    missing: set[str] = set()
    for item in items:
        dates = [d for mark in item.iter_markers("snapshots") for d in mark.args]
        absent = [d for d in dates if not _snapshot_found(d)]
        missing.update(absent)
        (left_out if absent else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_NOT_COLLECTED] = [
            f"{len(left_out)} tests of historical spec snapshots not collected: "
            f"{', '.join(sorted(missing))} not found; {SNAPSHOTS_HINT}"
        ]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the tally (if any test counted something) with the arguments of this run."""
    if TALLY.sections:
        TALLY.write(REPORT_PATH, command=list(session.config.invocation_params.args))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what was not collected for want of snapshots, and the tally (also in its file)."""
    for line in terminalreporter.config.stash.get(_NOT_COLLECTED, []):
        terminalreporter.write_line(line)
    if not TALLY.sections:
        return
    terminalreporter.section("tallies (what the hardening tests tried)")
    for line in TALLY.summary_lines():
        terminalreporter.write_line(line)
    root = Path(str(terminalreporter.config.rootpath))
    shown = REPORT_PATH.relative_to(root) if REPORT_PATH.is_relative_to(root) else REPORT_PATH
    terminalreporter.write_line(f"written to {shown}")
