"""Fixtures for the pipeline tests: each spec snapshot built once per session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from pipeline_snapshots import SnapshotBuild, snapshot_path

from scripts.spec_files import REPO_ROOT

__all__ = ["build_snapshot"]


@pytest.fixture(scope="session")
def build_snapshot(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], SnapshotBuild]:
    """Build a snapshot with `regenerate.py --output` (once per session) and return the outcome."""
    built: dict[str, SnapshotBuild] = {}

    def build(date: str) -> SnapshotBuild:
        if date not in built:
            spec = snapshot_path(date)
            output = tmp_path_factory.mktemp(f"snapshot-{date}")
            done = subprocess.run(
                [
                    sys.executable,
                    str(REPO_ROOT / "scripts" / "regenerate.py"),
                    "--spec",
                    str(spec),
                    "--output",
                    str(output),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            built[date] = SnapshotBuild(spec, done.returncode, done.stdout + done.stderr, output)
        return built[date]

    return build
