"""Where the pinned spec is recorded and kept, and where other local copies of it are looked for.

The pinned spec is vendored in the repository (`openapi/api_v2.json`, its exact bytes, matched by
the sha256 in `openapi/spec.lock.json`), so a clone with nothing beside it can regenerate,
`--check` and run every test that needs the pin. Historical snapshots are only looked for in
`$INSTANTLY_SPEC_DIR` and `../shared/openapi` beside the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = [
    "PIN_PATH",
    "REPO_ROOT",
    "SNAPSHOTS_HINT",
    "VENDORED_SPEC_PATH",
    "find_pinned_spec",
    "find_spec_by_sha256",
    "read_pin",
    "sha256_of",
    "spec_search_dirs",
    "spec_search_places",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
PIN_PATH = REPO_ROOT / "openapi" / "spec.lock.json"
VENDORED_SPEC_PATH = REPO_ROOT / "openapi" / "api_v2.json"

# Local copies of other spec versions are looked for here, first match wins. INSTANTLY_SPEC_DIR
# lets a user point at their own folder; ../shared/openapi is where this project's snapshots of
# older specs live, beside the repository.
_SPEC_DIR_ENV = "INSTANTLY_SPEC_DIR"

SNAPSHOTS_HINT = (
    "historical snapshots of Instantly's spec are read from $INSTANTLY_SPEC_DIR or "
    "../shared/openapi beside the repository (see docs/testing.md)"
)


def spec_search_dirs() -> list[Path]:
    """Existing folders searched for spec snapshots other than the vendored pin, in order."""
    return [d for d in _snapshot_dirs() if d.is_dir()]


def _snapshot_dirs() -> list[Path]:
    dirs: list[Path] = []
    if env := os.environ.get(_SPEC_DIR_ENV):
        dirs.append(Path(env))
    dirs.append(REPO_ROOT.parent / "shared" / "openapi")
    return dirs


def spec_search_places() -> list[str]:
    """Every place a local spec is looked for, existing or not, for error messages."""
    places = [str(VENDORED_SPEC_PATH)]
    places += [f"{d}/*.json" + ("" if d.is_dir() else " (absent)") for d in _snapshot_dirs()]
    return places


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_pin(pin_path: Path = PIN_PATH) -> dict[str, Any]:
    """The pin file's content: source, sha256 of the raw and normalized spec, versions, counts."""
    pin: dict[str, Any] = json.loads(pin_path.read_text(encoding="utf-8"))
    return pin


def find_spec_by_sha256(sha256: str) -> Path | None:
    """A local spec file whose bytes hash to `sha256` (the vendored pin first), or None."""
    if VENDORED_SPEC_PATH.is_file() and sha256_of(VENDORED_SPEC_PATH) == sha256:
        return VENDORED_SPEC_PATH
    for folder in spec_search_dirs():
        for candidate in sorted(folder.glob("*.json")):
            if sha256_of(candidate) == sha256:
                return candidate
    return None


def find_pinned_spec(pin_path: Path = PIN_PATH) -> Path | None:
    """The local copy of the pinned spec (normally the vendored one), or None."""
    return find_spec_by_sha256(read_pin(pin_path)["sha256"])
