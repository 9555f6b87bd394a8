"""benchmarks/import_time.py: how it samples (with a fake timer; no time is measured here)."""

from __future__ import annotations

from benchmarks.import_time import BASELINE, ENDPOINT, measure


def test_measure_warms_up_each_command_once_then_interleaves_the_runs() -> None:
    calls: list[str] = []

    def fake_timer(code: str) -> float:
        calls.append(code)
        return float(len(calls))

    samples = measure(2, timer=fake_timer)
    assert calls == [ENDPOINT, BASELINE, ENDPOINT, BASELINE, ENDPOINT, BASELINE]
    assert samples == {ENDPOINT: [3.0, 5.0], BASELINE: [4.0, 6.0]}
