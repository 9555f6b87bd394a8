"""Fixtures shared by every test folder: where the pinned spec is and what it says.

The spec snapshots live beside the repository (`../shared/openapi`) and are never copied into it;
they are found by the sha256 recorded in `openapi/spec.lock.json`. A test that needs the spec and
runs where it is absent is skipped with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_files import PIN_PATH, find_pinned_spec, read_pin, spec_search_dirs

__all__ = ["pinned_spec", "pinned_spec_path"]


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
