"""Wall time of importing one generated endpoint vs importing its runtime dependencies alone.

Each sample is a fresh interpreter (`python -c ...`); the two commands are interleaved so drift
in machine load hits both equally, and the median of each is reported with their ratio (the
target is at most 1.5x). Bytecode is cached as after `pip install` (the warm-up run writes it).
It prints figures and never asserts: speed is measured, not tested.

    python benchmarks/import_time.py            # 21 runs of each
    python benchmarks/import_time.py --quick    # 5 runs of each, for CI logs
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["BASELINE", "ENDPOINT", "main", "measure", "time_command"]

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED = REPO_ROOT / "generated"

ENDPOINT = "from instantly_api.api.account import pause_account"
BASELINE = "import httpx, attrs, dateutil"

TARGET_RATIO = 1.5

# Installed packages import from compiled bytecode (pip compiles on install), so the runs may
# write and use .pyc files even where the environment disables that (PYTHONDONTWRITEBYTECODE).
_BYTECODE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_command(
    code: str, *, python: str = sys.executable, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Seconds for a fresh interpreter to run `code` (with generated/ importable) and exit."""
    prelude = f"import sys; sys.path.insert(0, {str(GENERATED)!r}); "
    start = clock()
    subprocess.run([python, "-c", prelude + code], check=True, env=_BYTECODE_ENV)
    return clock() - start


def measure(runs: int, timer: Callable[[str], float] = time_command) -> dict[str, list[float]]:
    """`runs` interleaved samples of each command, after one untimed warm-up of each."""
    samples: dict[str, list[float]] = {ENDPOINT: [], BASELINE: []}
    for code in samples:
        timer(code)  # warm the OS file cache and .pyc files; not counted
    for _ in range(runs):
        for code in samples:
            samples[code].append(timer(code))
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    """Print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="5 runs of each instead of 21")
    parser.add_argument("--runs", type=int, help="runs of each command (overrides --quick)")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 21)
    samples = measure(runs)
    endpoint = statistics.median(samples[ENDPOINT])
    baseline = statistics.median(samples[BASELINE])
    print(f"import time, median of {runs} fresh interpreters each (interleaved):")
    print(f"  {ENDPOINT:55} {endpoint * 1000:7.1f} ms")
    print(f"  {BASELINE:55} {baseline * 1000:7.1f} ms")
    print(f"  ratio {endpoint / baseline:.2f}x (target <= {TARGET_RATIO}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
