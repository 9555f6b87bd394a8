"""A client pinned to an older spec parses every response valid under the newest one (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pipeline_snapshots import SnapshotBuild, snapshot_path

pytestmark = pytest.mark.slow

RUNNER = Path(__file__).with_name("parse_newer_responses.py")


def test_client_pinned_to_2026_05_07_parses_responses_valid_under_2026_08_21(
    build_snapshot: Callable[[str], SnapshotBuild],
) -> None:
    old = build_snapshot("2026-05-07")
    assert old.returncode == 0, old.log
    newest = snapshot_path("2026-08-21")
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(old.output_dir), str(newest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    print(
        f"parsed {summary['checked']} bodies valid under 2026-08-21 "
        f"({summary['invalid']} synthesized bodies were invalid and skipped)"
    )
    assert summary["checked"] > 300
    assert summary["failures"] == []
