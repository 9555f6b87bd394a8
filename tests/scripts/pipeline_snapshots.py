"""The five published spec snapshots, found by sha256, and what building one produced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.spec_files import SNAPSHOTS_HINT, find_spec_by_sha256, spec_search_dirs

__all__ = ["SNAPSHOTS", "SnapshotBuild", "snapshot_path"]

# The five published snapshots of Instantly's spec the pipeline must handle (../shared/openapi).
SNAPSHOTS: dict[str, str] = {
    "2025-06-18": "562e2d79663f48b015d724adfe4139d9eec85713c83f8567ec2e35d5517b4251",
    "2025-12-26": "8866ddffc4fe7241d6f40a8c5f1164fb499cb33ab105000e7930eca22ae7cb68",
    "2026-05-07": "1293f6d46a7e4778843b358a9b786e1603d86dbf4cf3db8a7f4bc8dfc1814373",
    "2026-08-12": "a8e1e1fa85a52951183fb026ff05cae95989c297dfa26198eb7663e2e1c72e8d",
    "2026-08-21": "c943577160589dabac99f4ebd34c906c8f82f75990704e5a5a7b28545d0dbaaa",
}


@dataclass(frozen=True)
class SnapshotBuild:
    """What `regenerate.py --spec F --output DIR` did for one snapshot."""

    spec_path: Path
    returncode: int
    log: str
    output_dir: Path

    @property
    def package_dir(self) -> Path:
        return self.output_dir / "instantly_api"


def snapshot_path(date: str) -> Path:
    """The local copy of the snapshot of `date`; skips (with the reason) when none is found."""
    path = find_spec_by_sha256(SNAPSHOTS[date])
    if path is None:
        searched = ", ".join(str(d) for d in spec_search_dirs()) or "no existing folder"
        pytest.skip(
            f"spec snapshot of {date} (sha256 {SNAPSHOTS[date][:12]}...) not found in: "
            f"{searched}; {SNAPSHOTS_HINT}"
        )
    return path
