"""The import + ready benchmark times loading with .pyc files, as an installed package loads."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


def test_every_contender_runs_with_bytecode_caching_on() -> None:
    sys.path.insert(0, str(BENCH_DIR))
    try:
        import startup
    finally:
        sys.path.remove(str(BENCH_DIR))
    env = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": "x"}
    contender = startup.Contender("k", "label", "pass", env=env)
    assert contender.env == {"PYTHONPATH": "x"}
    assert all("PYTHONDONTWRITEBYTECODE" not in c.env for c in startup.contenders(None, None))
