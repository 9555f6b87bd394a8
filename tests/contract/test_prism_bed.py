"""The Prism bed itself: command line, readiness deadline, start/stop, violation reading.

Uses a fake clock and probe, or a tiny Python stand-in for the `prism` executable, so it needs
neither node nor Prism.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from tests.contract._prism import (
    PrismNotReadyError,
    PrismUnavailableError,
    find_prism_binary,
    free_loopback_port,
    prism_command,
    response_side_violations,
    running_in_ci,
    start_prism,
    wait_until_ready,
)


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_running_in_ci_is_true_for_ci_true(value: str) -> None:
    assert running_in_ci({"CI": value})


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_running_in_ci_is_false_without_ci_true(environ: dict[str, str]) -> None:
    assert not running_in_ci(environ)


def test_prism_command_serves_on_loopback_with_errors_in_static_mode() -> None:
    argv = prism_command(Path("/x/prism"), Path("/s/spec.json"), port=4010)
    assert argv == [
        "/x/prism", "mock", "/s/spec.json", "-h", "127.0.0.1", "-p", "4010", "--errors",
    ]  # fmt: skip


def test_prism_command_adds_dynamic_and_seed() -> None:
    argv = prism_command(Path("p"), Path("s"), port=1, dynamic=True, seed="7")
    assert argv[-3:] == ["--dynamic", "--seed", "7"]


def test_prism_command_rejects_a_seed_in_static_mode() -> None:
    with pytest.raises(ValueError, match=r"seed='7' only makes sense with dynamic=True"):
        prism_command(Path("p"), Path("s"), port=1, seed="7")


def test_wait_until_ready_returns_the_seconds_waited_once_the_probe_answers() -> None:
    clock = FakeClock()
    answers = iter([False, False, True])
    waited = wait_until_ready(
        "http://127.0.0.1:1",
        timeout_s=5,
        probe=lambda _url: next(answers),
        clock=clock,
        sleep=clock.sleep,
        interval_s=0.25,
    )
    assert waited == pytest.approx(0.5)


def test_wait_until_ready_raises_when_the_deadline_passes() -> None:
    clock = FakeClock()
    with pytest.raises(
        PrismNotReadyError, match=r"did not answer at http://127.0.0.1:1 within 2 s"
    ):
        wait_until_ready(
            "http://127.0.0.1:1",
            timeout_s=2,
            probe=lambda _url: False,
            clock=clock,
            sleep=clock.sleep,
            interval_s=0.3,
        )


def test_wait_until_ready_never_sleeps_past_its_deadline() -> None:
    clock = FakeClock()
    with pytest.raises(PrismNotReadyError):
        wait_until_ready(
            "u", timeout_s=1, probe=lambda _u: False, clock=clock, sleep=clock.sleep, interval_s=0.3
        )
    assert sum(clock.sleeps) == pytest.approx(1.0)


def test_wait_until_ready_stops_at_once_when_the_process_died() -> None:
    clock = FakeClock()
    with pytest.raises(PrismNotReadyError, match=r"exited before answering(.|\n)*bad spec"):
        wait_until_ready(
            "u",
            timeout_s=60,
            is_alive=lambda: False,
            describe_failure=lambda: "bad spec",
            probe=lambda _u: False,
            clock=clock,
            sleep=clock.sleep,
        )
    assert clock.sleeps == []


def test_wait_until_ready_rejects_a_non_positive_timeout() -> None:
    with pytest.raises(ValueError, match=r"timeout_s must be > 0 seconds, got 0"):
        wait_until_ready("u", timeout_s=0, probe=lambda _u: True)


def test_find_prism_binary_says_to_run_npm_ci_when_prism_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: "/usr/bin/node")
    with pytest.raises(PrismUnavailableError, match=r"npm ci --prefix \.ci/prism"):
        find_prism_binary(tmp_path / "missing" / "prism")


def test_find_prism_binary_says_node_is_needed_when_node_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(PrismUnavailableError, match=r"node is not on PATH"):
        find_prism_binary()


def test_free_loopback_port_can_be_bound() -> None:
    import socket

    port = free_loopback_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def _violations(*locations: list[str], type_: str = "#VIOLATIONS") -> bytes:
    problem = {
        "type": f"https://stoplight.io/prism/errors{type_}",
        "validation": [{"location": loc, "message": f"bad {'.'.join(loc)}"} for loc in locations],
    }
    return json.dumps(problem).encode()


def test_response_side_violations_lists_prism_messages_for_a_broken_spec_example() -> None:
    content = _violations(["response", "body", "tags"])
    assert response_side_violations(500, content) == ["bad response.body.tags"]


def test_response_side_violations_ignores_request_violations() -> None:
    content = _violations(["query", "limit"], type_="#UNPROCESSABLE_ENTITY")
    assert response_side_violations(422, content) == []


def test_response_side_violations_ignores_a_mix_with_request_violations() -> None:
    content = _violations(["response", "body"], ["query", "limit"])
    assert response_side_violations(500, content) == []


def test_response_side_violations_ignores_a_500_that_is_not_prisms() -> None:
    assert response_side_violations(500, b"<html>oops</html>") == []


def _fake_prism(tmp_path: Path, body: str) -> Path:
    """An executable standing in for `prism mock`: Python running `body` with argv parsed."""
    script = tmp_path / "prism"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            """
            import sys
            port = int(sys.argv[sys.argv.index("-p") + 1])
            """
        )
        + textwrap.dedent(body)
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def node_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: "/usr/bin/node")


@pytest.mark.usefixtures("node_on_path")
def test_start_prism_reports_the_log_tail_when_prism_exits_while_starting(tmp_path: Path) -> None:
    binary = _fake_prism(tmp_path, 'print("Unable to parse spec"); sys.exit(1)\n')
    spec = tmp_path / "spec.json"
    spec.write_text("{}")
    with pytest.raises(PrismNotReadyError, match=r"exited(.|\n)*Unable to parse spec"):
        start_prism(spec, log_path=tmp_path / "prism.log", prism_bin=binary, timeout_s=30)


@pytest.mark.usefixtures("node_on_path")
def test_start_prism_returns_a_ready_server_that_stop_terminates(tmp_path: Path) -> None:
    binary = _fake_prism(
        tmp_path,
        """
        from http.server import BaseHTTPRequestHandler, HTTPServer
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(404)
                self.end_headers()
        HTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """,
    )
    spec = tmp_path / "spec.json"
    spec.write_text("{}")
    server = start_prism(spec, log_path=tmp_path / "prism.log", prism_bin=binary, timeout_s=30)
    try:
        assert httpx.get(server.url).status_code == 404
    finally:
        server.stop()
    assert server.process.poll() is not None


@pytest.mark.usefixtures("node_on_path")
def test_start_prism_picks_another_port_when_its_port_was_taken(tmp_path: Path) -> None:
    marker = tmp_path / "first-attempt-done"
    binary = _fake_prism(
        tmp_path,
        f"""
        import pathlib
        marker = pathlib.Path({str(marker)!r})
        if not marker.exists():
            marker.touch()
            print("Error: listen EADDRINUSE: address already in use")
            sys.exit(1)
        from http.server import BaseHTTPRequestHandler, HTTPServer
        HTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler).serve_forever()
        """,
    )
    spec = tmp_path / "spec.json"
    spec.write_text("{}")
    server = start_prism(spec, log_path=tmp_path / "prism.log", prism_bin=binary, timeout_s=30)
    server.stop()
    assert marker.exists()


def test_start_prism_names_a_missing_spec(tmp_path: Path, node_on_path: None) -> None:
    binary = _fake_prism(tmp_path, "")
    with pytest.raises(FileNotFoundError, match=r"spec for Prism not found: .*nope\.json"):
        start_prism(tmp_path / "nope.json", log_path=tmp_path / "log", prism_bin=binary)


def test_static_prism_rejects_a_request_that_breaks_the_spec(prism_url: str) -> None:
    response = httpx.get(
        f"{prism_url}/api/v2/accounts",
        params={"limit": "not-a-number"},
        headers={"Authorization": "Bearer test-key"},
    )
    assert response.status_code == 422
    assert ["query", "limit"] in [v["location"] for v in response.json()["validation"]]


def test_static_prism_rejects_a_request_without_the_bearer_token(prism_url: str) -> None:
    assert httpx.get(f"{prism_url}/api/v2/accounts").status_code == 401


def _dynamic_body(prism_dynamic_url: str, seed: str) -> bytes:
    return httpx.get(
        f"{prism_dynamic_url}/api/v2/workspaces/current",
        headers={"Authorization": "Bearer test-key", "Prefer": f"seed={seed}"},
    ).content


def test_dynamic_prism_answers_the_same_body_for_the_same_seed(prism_dynamic_url: str) -> None:
    assert _dynamic_body(prism_dynamic_url, "1") == _dynamic_body(prism_dynamic_url, "1")


def test_dynamic_prism_answers_another_body_for_another_seed(prism_dynamic_url: str) -> None:
    assert _dynamic_body(prism_dynamic_url, "1") != _dynamic_body(prism_dynamic_url, "2")
