"""Figures the tests count while they run, reported once when the session ends.

Hardening tests count what they tried (inputs fuzzed, bodies parsed, faults injected). They add
to `TALLY`; `tests/conftest.py` writes it to `build/test-reports/tallies.json` (or to
`$INSTANTLY_TEST_TALLIES`: CI's runs on other Pythons, side by side, keep the suite's file) and
prints it in the terminal summary after every run, whatever the order or selection of the tests.
A figure quoted in the documentation is read from that file, never retyped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["REPORT_PATH", "TALLY", "Tally"]

REPORT_PATH = Path(
    os.environ.get("INSTANTLY_TEST_TALLIES")
    or Path(__file__).resolve().parents[1] / "build" / "test-reports" / "tallies.json"
)


class Tally:
    """Named sections of counters (added to) and figures (set once per run of their test)."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, int | float | str]] = {}

    def count(self, section: str, **increments: int) -> None:
        """Add each increment to its counter in `section` (a missing counter starts at 0)."""
        figures = self.sections.setdefault(section, {})
        for name, n in increments.items():
            current = figures.get(name, 0)
            assert isinstance(current, int), f"{section}.{name} is a set figure, not a counter"
            figures[name] = current + n

    def record(self, section: str, figures: Mapping[str, int | float | str]) -> None:
        """Set `section` to these figures (a test that measures its run as a whole)."""
        self.sections[section] = dict(figures)

    def summary_lines(self) -> list[str]:
        """One `section: name=value, ...` line per section, in name order."""
        return [
            f"{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items())
            for name, figures in sorted(self.sections.items())
        ]

    def write(self, path: Path, *, command: list[str]) -> None:
        """Write the sections as JSON with the pytest arguments that produced them."""
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {"pytest_args": command, "sections": dict(sorted(self.sections.items()))}
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


TALLY = Tally()  # the session's one tally (pytest runs one session per process)
