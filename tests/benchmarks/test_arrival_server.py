"""The benchmarks' arrival server counts what the network carried, not when its threads woke.

Its windows decide the shared limiter's figures (issue #23), so its two rules are tested: arrivals
read out of order still fill the right windows, and an arrival is stamped when it reached the
socket (by the kernel on Linux), however late a handler reads it.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

SERVER = Path(__file__).resolve().parents[2] / "benchmarks" / "_arrival_server.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("arrival_server_under_test", SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


arrival_server = _load()


def test_an_arrival_fits_while_its_window_holds_fewer_than_the_limit() -> None:
    assert arrival_server.refusal([0.1, 0.2], 0.5, 1.0, 3) == 0.0


def test_a_full_window_refuses_until_its_oldest_arrival_leaves() -> None:
    wait = arrival_server.refusal([0.1, 0.2, 0.3], 0.5, 1.0, 3)
    assert wait == pytest.approx(0.6)  # 0.1 leaves the window (t - 1, t] at t = 1.1


def test_arrivals_older_than_the_window_do_not_count() -> None:
    assert arrival_server.refusal([0.1, 0.2, 0.3], 1.3, 1.0, 3) == 0.0


def test_an_arrival_read_late_is_refused_when_it_would_overfill_a_later_window() -> None:
    # 0.9 is read after 1.2 and 1.5 were counted: (0.5, 1.5] would then hold four.
    allowed = [0.0, 0.6, 1.2, 1.5]
    assert arrival_server.refusal(allowed, 0.9, 1.0, 3) > 0
    assert arrival_server.refusal(allowed, 0.9, 1.0, 4) == 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernel stamps: Linux only")
def test_a_request_read_late_is_stamped_when_it_reached_the_socket() -> None:
    with socket.socket() as listener:
        assert arrival_server.stamp_arrivals(listener)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            sent_by = time.monotonic()
            time.sleep(0.05)  # the handler is late: it reads only after this
            read_from = time.monotonic()
            connection, _ = listener.accept()
            with connection:
                reader = arrival_server._StampedReader(connection)
                buffer = bytearray(1024)
                size = reader.readinto(memoryview(buffer))
                arrived, stamped_by = reader.take()
    assert bytes(buffer[:size]).startswith(b"GET / ")
    assert stamped_by == "kernel"
    assert arrived <= sent_by + 0.001 < read_from  # clock conversion: well inside a millisecond
