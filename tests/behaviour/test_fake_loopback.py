"""The fake over real loopback HTTP: `fake.serve()` and `python -m instantly.testing`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from instantly.testing import FakeInstantly, Fault

AUTH = {"Authorization": "Bearer loopback-key"}
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(fake: FakeInstantly) -> Iterator[httpx.Client]:
    """An httpx client talking to the fake over 127.0.0.1."""
    with fake.serve() as base_url, httpx.Client(base_url=base_url, headers=AUTH) as http:
        yield http


def test_serve_listens_on_a_free_loopback_port(fake: FakeInstantly) -> None:
    with fake.serve() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert not base_url.endswith(":0")


def test_served_fake_answers_over_http(served: httpx.Client) -> None:
    response = served.get("/api/v2/accounts", params={"limit": 2})
    assert (response.status_code, len(response.json()["items"])) == (200, 2)


def test_served_fake_shares_state_with_the_in_process_fake(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    served.post("/api/v2/accounts/sender002@example.com/pause")
    assert fake.account("sender002@example.com")["status"] == 2


def test_served_fake_reads_a_chunked_request_body(served: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"emails": '
        yield b'["sender001@example.com"]}'

    response = served.post(
        "/api/v2/accounts/pause", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.json()["paused_emails"] == ["sender001@example.com"]
    assert served.get("/api/v2/accounts", params={"limit": 1}).status_code == 200


def test_served_errors_carry_instantlys_body(served: httpx.Client) -> None:
    response = served.get("/api/v2/accounts/nobody@example.com")
    assert response.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "Account not found",
    }


def test_served_429_carries_retry_after(fake: FakeInstantly, served: httpx.Client) -> None:
    fake.faults.add(Fault.rate_limited(retry_after=2))
    assert served.get("/api/v2/accounts").headers["retry-after"] == "2"


def test_drop_before_really_closes_the_connection(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_before())
    with pytest.raises(httpx.RemoteProtocolError):
        served.post("/api/v2/accounts/sender001@example.com/pause")
    assert fake.account("sender001@example.com")["status"] == 1


def test_drop_after_closes_the_connection_after_changing_state(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_after())
    with pytest.raises(httpx.RemoteProtocolError):
        served.post("/api/v2/accounts/sender001@example.com/pause")
    assert fake.account("sender001@example.com")["status"] == 2


def test_reset_really_resets_the_connection(fake: FakeInstantly, served: httpx.Client) -> None:
    fake.faults.add(Fault.drop_before(reset=True))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)):
        served.get("/api/v2/accounts")


def test_connect_error_resets_the_loopback_connection_unprocessed(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    fake.faults.add(Fault.connect_error())
    with pytest.raises(httpx.TransportError):
        served.post("/api/v2/accounts/sender001@example.com/pause")
    assert fake.account("sender001@example.com")["status"] == 1


def test_the_client_recovers_on_a_new_connection_after_a_drop(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_before())
    with pytest.raises(httpx.RemoteProtocolError):
        served.get("/api/v2/accounts")
    assert served.get("/api/v2/accounts").status_code == 200


def test_slow_response_really_times_out_the_client(
    fake: FakeInstantly, served: httpx.Client
) -> None:
    fake.faults.add(Fault.slow(0.5))
    with pytest.raises(httpx.ReadTimeout):
        served.get("/api/v2/accounts", timeout=0.05)


def test_concurrent_clients_are_all_served(fake: FakeInstantly) -> None:
    emails = fake.seed_accounts(20, prefix="conc")
    with (
        fake.serve() as base_url,
        httpx.Client(base_url=base_url, headers=AUTH) as http,
        ThreadPoolExecutor(max_workers=6) as pool,
    ):
        codes = list(
            pool.map(lambda e: http.post(f"/api/v2/accounts/{e}/pause").status_code, emails)
        )
    assert codes == [200] * 20


def test_stop_frees_the_port_even_with_a_keep_alive_connection_open(fake: FakeInstantly) -> None:
    server = fake.serve()
    base_url = server.start()
    http = httpx.Client(base_url=base_url, headers=AUTH)
    http.get("/api/v2/accounts")  # leaves a keep-alive connection open
    server.stop()
    port = int(base_url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    http.close()


def test_base_url_before_start_says_how_to_start(fake: FakeInstantly) -> None:
    with pytest.raises(RuntimeError, match="call start"):
        _ = fake.serve().base_url


@contextmanager
def entry_point(*args: str) -> Iterator[subprocess.Popen[str]]:
    """`python -m instantly.testing ARGS` as Ctrl-C would find it, killed at exit if still alive.

    A process started from a background job inherits SIGINT ignored (and Python then installs no
    KeyboardInterrupt handler): a handler set here is reset to the default in the child instead.
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "facade"), str(REPO)]))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "instantly.testing", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    with process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_module_entry_point_serves_seeded_accounts_until_interrupted() -> None:
    with entry_point("--port", "0", "--accounts", "3") as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            response = httpx.get(f"{base_url}/api/v2/accounts", headers=AUTH, timeout=10)
            assert [a["email"] for a in response.json()["items"]] == [
                "sender001@example.com",
                "sender002@example.com",
                "sender003@example.com",
            ]
        finally:
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=10)
    assert code == 0


def test_module_entry_point_stops_cleanly_on_sigterm() -> None:
    with entry_point("--port", "0", "--accounts", "1") as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("http://127.0.0.1:")
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_module_entry_point_reports_a_busy_port_without_a_traceback(fake: FakeInstantly) -> None:
    with fake.serve() as base_url, entry_point("--port", base_url.rsplit(":", 1)[1]) as process:
        _, stderr = process.communicate(timeout=10)
    assert (process.returncode, "Traceback" in stderr) == (2, False)
    assert "cannot listen on 127.0.0.1:" in stderr


def test_a_bug_in_the_fake_answers_500_over_loopback(
    fake: FakeInstantly, served: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(fake, "handle", broken)
    response = served.get("/api/v2/accounts")
    assert (response.status_code, response.json()["error"]) == (500, "Internal Server Error")
