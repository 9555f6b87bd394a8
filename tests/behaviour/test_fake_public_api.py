"""The public surface of `instantly.testing`: what it exports, and that importing it stays cheap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import instantly.testing

REPO = Path(__file__).resolve().parents[2]


def test_public_names_are_pinned() -> None:
    assert sorted(instantly.testing.__all__) == [
        "Disconnect",
        "FakeAgency",
        "FakeClock",
        "FakeInstantly",
        "FakeResponse",
        "FakeTransport",
        "Fault",
        "FaultKind",
        "FaultPlan",
        "FaultRule",
        "InjectedFault",
        "JobControl",
        "JobPhase",
        "JobScript",
        "LoopbackServer",
        "RecordedRequest",
        "ServerRateLimit",
    ]


def test_every_public_name_resolves() -> None:
    for name in instantly.testing.__all__:
        assert getattr(instantly.testing, name).__name__ == name


def test_public_classes_read_as_instantly_testing_in_tracebacks() -> None:
    assert instantly.testing.FakeInstantly.__module__ == "instantly.testing"


def test_importing_the_package_loads_neither_httpx_nor_the_http_server() -> None:
    code = (
        "import sys, instantly.testing; "
        "print(sorted(m for m in ('httpx', 'http.server') if m in sys.modules))"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "facade"), str(REPO)]))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]"
