"""One deadline per attempt: a server dripping its headers, or a `102 Processing` every second,
cannot hold a call past its timeout (sync and async), nor a job wait past its own deadline.

The servers are loopback sockets (127.0.0.1) that stop by themselves after `_LIFETIME` seconds
whatever the client does. Elapsed times are checked against a correctness bound (2x the
timeout), never a speed target.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from instantly import APITimeoutError, AsyncInstantly, Instantly, JobTimeoutError

from tests._hardening import SECRET_KEY, stopwatch

EMAIL = "jon@doe.com"
JOB_ID = "019cc043-af54-70e2-ac5a-5f6af8474683"
_LIFETIME = 20.0  # the server gives up by then, whatever happens
_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n"
    b"x-padding: " + b"a" * 60 + b"\r\n\r\n"
)


def _drip_headers(conn: socket.socket, stop: threading.Event) -> None:
    """The status line and headers, one byte a second (each read is quick: no read timeout)."""
    for byte in _HEAD:
        if stop.wait(1.0):
            return
        conn.sendall(bytes([byte]))


def _processing(conn: socket.socket, stop: threading.Event) -> None:
    """A `102 Processing` every second, the final answer never."""
    while not stop.wait(1.0):
        conn.sendall(b"HTTP/1.1 102 Processing\r\n\r\n")


@contextmanager
def _server(behaviour: object) -> Iterator[str]:
    """A loopback server answering every request with `behaviour`; its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()
    ends_at = time.monotonic() + _LIFETIME

    def serve_one(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(_LIFETIME)
                conn.recv(65536)
                behaviour(conn, stop)  # type: ignore[operator]
            except OSError:
                pass

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < ends_at:
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()
        stop.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    host, port = listener.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _sync(base_url: str, **options: object) -> Instantly:
    return Instantly(SECRET_KEY, base_url=base_url, rate_limit=None, **options)  # type: ignore[arg-type]


def _async(base_url: str, **options: object) -> AsyncInstantly:
    return AsyncInstantly(SECRET_KEY, base_url=base_url, rate_limit=None, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("behaviour", [_drip_headers, _processing], ids=["drip", "102"])
def test_a_server_dripping_its_headers_ends_a_sync_call_within_twice_its_timeout(
    behaviour: object,
) -> None:
    with (
        _server(behaviour) as base_url,
        _sync(base_url, timeout=2, max_retries=0) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        client.accounts.get(EMAIL)
    assert elapsed[0] < 4.0


@pytest.mark.parametrize("behaviour", [_drip_headers, _processing], ids=["drip", "102"])
async def test_a_server_dripping_its_headers_ends_an_async_call_within_twice_its_timeout(
    behaviour: object,
) -> None:
    with _server(behaviour) as base_url:
        async with _async(base_url, timeout=2, max_retries=0) as client:
            with stopwatch() as elapsed, pytest.raises(APITimeoutError):
                await asyncio.wait_for(client.accounts.get(EMAIL), timeout=_LIFETIME)
    assert elapsed[0] < 4.0


def test_each_retry_of_a_dripping_server_gets_its_own_deadline() -> None:
    with (
        _server(_drip_headers) as base_url,
        _sync(base_url, timeout=1, max_retries=1, rng=lambda: 0.0) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        client.accounts.get(EMAIL)  # a GET: retried once after the first attempt's deadline
    assert elapsed[0] < 4.0


# Both ways of waiting run the same wait plan: the runner's call, or the handle's own fetch.
_SYNC_WAITS: dict[str, Callable[[Instantly], object]] = {
    "jobs.wait": lambda client: client.jobs.wait(JOB_ID, wait_timeout=2),
    "handle.wait": lambda client: client.jobs.handle(JOB_ID).wait(wait_timeout=2),
}


@pytest.mark.parametrize("wait", list(_SYNC_WAITS.values()), ids=list(_SYNC_WAITS))
def test_a_job_wait_against_a_dripping_server_ends_near_its_wait_timeout(
    wait: Callable[[Instantly], object],
) -> None:
    with (
        _server(_drip_headers) as base_url,
        _sync(base_url, max_retries=0) as client,  # the default timeout: 30 s per attempt
        stopwatch() as elapsed,
        pytest.raises(JobTimeoutError),
    ):
        wait(client)
    assert elapsed[0] < 4.0 + 1.0  # the wait, then at most one poll held to MIN_CAPPED_ATTEMPT


async def test_an_async_job_wait_against_a_dripping_server_ends_near_its_wait_timeout() -> None:
    with _server(_drip_headers) as base_url:
        async with _async(base_url, max_retries=0) as client:
            with stopwatch() as elapsed, pytest.raises(JobTimeoutError):
                await asyncio.wait_for(client.jobs.wait(JOB_ID, wait_timeout=2), timeout=_LIFETIME)
    assert elapsed[0] < 5.0


def test_the_deadline_backend_is_installed_in_the_client_s_own_pool() -> None:
    from instantly._attempt_bounds import DeadlineBackend, install

    transport = install(httpx.HTTPTransport())
    assert isinstance(transport._pool._network_backend, DeadlineBackend)
    assert install(transport) is transport  # installed once
    assert not isinstance(transport._pool._network_backend._backend, DeadlineBackend)


def test_a_pool_of_another_shape_is_said_in_a_warning_not_skipped_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from instantly._attempt_bounds import install

    class Elsewhere:  # an httpx that keeps its pool under another name
        pass

    with caplog.at_level("WARNING", logger="instantly"):
        install(Elsewhere())
    assert "deadline is not enforced on the sync client" in caplog.text
