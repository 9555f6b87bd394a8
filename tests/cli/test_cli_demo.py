"""`instantly demo`: runs against its embedded fake, with no key and no network, and exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from instantly._cli import main

REPO = Path(__file__).resolve().parents[2]


def test_demo_runs_every_step_and_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSTANTLY_API_KEY", raising=False)
    monkeypatch.delenv("INSTANTLY_BASE_URL", raising=False)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "the invalid address was refused with 0 requests" in out
    assert "150 addresses sent as 2 requests of at most 100" in out
    assert "warmup is paused on all 150 accounts" in out
    assert "has status 1 (active)" in out
    assert "2500 leads sent as 3 requests of at most 1000" in out
    assert "the campaign has status 1 (active)" in out
    assert "demo done: 7 steps" in out


def test_demo_json_summarises_the_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is True
    assert [step["exit_code"] for step in summary["steps"]] == [0, 2, 0, 0, 0, 0, 0]
    assert summary["steps"][1]["requests"] == {}


def test_python_dash_m_instantly_demo_exits_0() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("INSTANTLY_API_KEY", "INSTANTLY_BASE_URL")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "facade"), str(REPO / "generated")])
    done = subprocess.run(
        [sys.executable, "-m", "instantly", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "demo done" in done.stdout
