"""Smoke test: the benchmark runner's quick mode runs its offline sections to the end.

Only that it runs and reports: figures are never asserted (speed is measured by
`benchmarks/run.py`, not tested). The sections that need the package index (instantlyai) or the
spec snapshots run in CI's own `python benchmarks/run.py --quick` step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.mark.slow
def test_quick_mode_runs_polling_and_throughput_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    argv = [sys.executable, str(RUNNER), "--quick", "--only", "polling,throughput"]
    result = subprocess.run(
        [*argv, "--write", str(report)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    assert "## Job polling" in text
    assert "## Bulk work under the rate limit" in text
    assert "## Sections that failed" not in text


def test_unknown_section_is_refused_with_the_valid_names() -> None:
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--only", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown section(s) ['nope']" in result.stderr
    assert (
        "startup, calls, throughput, ratelimit, shared_limit, workflows, polling, regeneration"
        in result.stderr
    )


CLIENT_COST = RUNNER.parent / "client_cost.py"


def _client_cost(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(CLIENT_COST), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def test_client_cost_compares_two_trees_and_prints_a_ratio_per_call() -> None:
    tree = RUNNER.parents[1]  # this tree against itself: the table, not the figures, is checked
    result = _client_cost("--against", str(tree), "--rounds", "1", "--quick")
    assert result.returncode == 0, result.stderr[-3000:]
    for label in ("`accounts.get(email)`", "one page of 100 accounts", "`asyncio.gather`"):
        assert label in result.stdout
    assert result.stdout.count("x |") == 3


def test_client_cost_refuses_a_folder_that_is_not_a_checkout(tmp_path: Path) -> None:
    result = _client_cost("--against", str(tmp_path))
    assert result.returncode == 2
    assert "not a checkout of this project" in result.stderr
