"""Where the pinned spec is recorded and where local copies of Instantly's spec are looked for."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = [
    "PIN_PATH",
    "REPO_ROOT",
    "find_pinned_spec",
    "find_spec_by_sha256",
    "read_pin",
    "sha256_of",
    "spec_search_dirs",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
PIN_PATH = REPO_ROOT / "openapi" / "spec.lock.json"

# Local copies of the spec are looked for here, first match wins. INSTANTLY_SPEC_DIR lets a user
# point at their own folder; ../shared/openapi is where this project's snapshots live, beside the
# repository.
_SPEC_DIR_ENV = "INSTANTLY_SPEC_DIR"


def spec_search_dirs() -> list[Path]:
    """Folders searched for local spec snapshots, in order."""
    dirs: list[Path] = []
    if env := os.environ.get(_SPEC_DIR_ENV):
        dirs.append(Path(env))
    dirs.append(REPO_ROOT.parent / "shared" / "openapi")
    return [d for d in dirs if d.is_dir()]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_pin(pin_path: Path = PIN_PATH) -> dict[str, Any]:
    """The pin file's content: source, sha256 of the raw and normalized spec, versions, counts."""
    pin: dict[str, Any] = json.loads(pin_path.read_text(encoding="utf-8"))
    return pin


def find_spec_by_sha256(sha256: str) -> Path | None:
    """A local spec file whose bytes hash to `sha256`, or None when no search folder has one."""
    for folder in spec_search_dirs():
        for candidate in sorted(folder.glob("*.json")):
            if sha256_of(candidate) == sha256:
                return candidate
    return None


def find_pinned_spec(pin_path: Path = PIN_PATH) -> Path | None:
    """The local copy of the pinned spec, or None (callers skip or fetch with a clear reason)."""
    return find_spec_by_sha256(read_pin(pin_path)["sha256"])
