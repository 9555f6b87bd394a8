"""A real Redis server for the tests, started on loopback by the test bed.

`redis_url` gives each test its own database number and key prefix (nothing is shared with
another test or left for one). The server is `$INSTANTLY_TEST_REDIS_URL` when set, else a
`redis-server` started here on a free port for the session and stopped at its end. Where there is
neither (no redis-server on PATH, or the `redis` package missing) the tests are skipped with the
reason, except under `CI=true`, where that is a failure: CI installs both (`.ci/run`).

Import the fixtures into a test module: `from tests._redis import redis_server, redis_url`.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

__all__ = ["redis_server", "redis_url"]

_DATABASES = 16
_numbers = itertools.count()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs a Redis server: {reason} (.ci/run installs redis-server)")
    pytest.skip(f"no Redis server: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, process: subprocess.Popen[bytes], deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer on port {port} within {deadline_s} s")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The base URL (redis://host:port) of a Redis server for this session."""
    try:
        import redis  # noqa: F401
    except ImportError:
        _unavailable("the redis package is not installed (pip install -e '.[dev]')")
    given = os.environ.get("INSTANTLY_TEST_REDIS_URL")
    if given:
        yield given.rstrip("/")
        return
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server is not on PATH (apt-get install -y redis-server)")
        return
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--databases", str(_DATABASES)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_ready(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """A URL of its own for this test: a database number and a fresh key prefix."""
    import redis

    database = next(_numbers) % _DATABASES
    prefix = f"t{uuid.uuid4().hex[:12]}"
    yield f"{redis_server}/{database}?prefix={prefix}"
    with redis.Redis.from_url(f"{redis_server}/{database}") as client:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
