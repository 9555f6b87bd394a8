"""Smoke test: `benchmarks/deviations.py --quick` runs to the end and prints its figures (no time
is asserted: the figures are a benchmark's, not a test's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "deviations.py"


def test_quick_mode_prints_the_conforming_and_deviating_ratios() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "conforming ratio (median)" in done.stdout
    assert "deviating ratio (median)" in done.stdout
    assert "AccountListItem.setup_pending', 'missing'" in done.stdout
