"""A loopback server that records when each request arrives and enforces a sliding-window limit.

Run as its own process by `ratelimit.py` and `shared_limit.py` (so the client's time is not shared
with the server's threads under one GIL). It answers `GET /api/v2/accounts/{email}` with one
account the fake Instantly produced, and answers 429 (whole-second `Retry-After`) when an arrival
would put more than the limit of allowed arrivals in a second, or a minute.

An arrival is the moment the request's first bytes reached the server's socket, as the kernel
stamped them (`SO_TIMESTAMPNS`, Linux), not the moment a handler thread got to them: with
several client processes on 2 cores, a thread-per-connection server reads some requests tens of
ms after they arrived (p99 up to 143 ms measured) and would count them as a burst the network
never carried. Where the kernel
gives no stamp, the time of the read stands in. How late the handlers were is reported.

It prints its base URL first, then answers one command per stdin line with one JSON line:

    stats   {"arrivals": [seconds since the first arrival, ...], "statuses": {"200": N, ...},
             "stamped_by": "kernel" | "read", "handler_late_ms": {"p50": ., "p99": ., "max": .}}
    reset   forget every arrival (a new workload starts)
    quit    exits; so does end of input and --max-seconds passing

`--speed K` runs the server's clock K times faster than real time (windows in its seconds).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import socket
import struct
import sys
import threading
import time
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

__all__ = ["main"]


def _account_body() -> bytes:
    """One account exactly as the fake Instantly serves it (so the client parses a real shape)."""
    import httpx
    from instantly.testing import FakeInstantly

    fake = FakeInstantly(api_key="bench-key-123", rate_limit=None)
    email = fake.seed_accounts(1)[0]
    with httpx.Client(transport=fake.transport(), base_url="https://api.instantly.ai") as client:
        response = client.get(
            f"/api/v2/accounts/{email}", headers={"Authorization": "Bearer bench-key-123"}
        )
    response.raise_for_status()
    return response.content


def refusal(allowed: list[float], at: float, length: float, limit: int) -> float:
    """0 when one more arrival at `at` keeps every window holding it within `limit`; else seconds.

    `allowed` is sorted; a window is (end - length, end]. Arrivals are read out of order (one
    thread per connection), so the windows ending after `at` are checked too, not only the one
    ending at it. When refused: how long until the oldest arrival of the full window leaves it.
    """
    later = allowed[bisect_right(allowed, at) : bisect_left(allowed, at + length)]
    for end in (at, *later):
        oldest = bisect_right(allowed, end - length)
        if bisect_right(allowed, end) - oldest >= limit:
            return max(allowed[oldest] + length - at, 1e-6)
    return 0.0


class _Limit:
    """Sliding windows counted at arrival; records every arrival (allowed or not)."""

    def __init__(self, windows: list[tuple[float, int]]) -> None:
        self._windows = windows
        self._allowed: list[list[float]] = [[] for _ in windows]  # sorted arrival times
        self._lock = threading.Lock()
        self.arrivals: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.late: list[float] = []  # seconds between an arrival and its handler reading it
        self.stamped_by: set[str] = set()

    def arrive(self, at: float, late: float, stamped_by: str) -> float | None:
        """Count an arrival at `at`: None if allowed, else the seconds until a slot frees."""
        with self._lock:
            insort(self.arrivals, at)
            self.late.append(late)
            self.stamped_by.add(stamped_by)
            wait = max(
                refusal(allowed, at, length, limit)
                for (length, limit), allowed in zip(self._windows, self._allowed, strict=True)
            )
            if wait > 0:
                self.statuses[429] += 1
                return wait
            for allowed in self._allowed:
                insort(allowed, at)
            self.statuses[200] += 1
            return None

    def stats(self) -> dict[str, object]:
        with self._lock:
            start = self.arrivals[0] if self.arrivals else 0.0
            late = sorted(self.late) or [0.0]
            return {
                "arrivals": [round(t - start, 6) for t in self.arrivals],
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "stamped_by": "+".join(sorted(self.stamped_by)) or "-",
                "handler_late_ms": {
                    "p50": round(late[len(late) // 2] * 1e3, 2),
                    "p99": round(late[min(len(late) - 1, len(late) * 99 // 100)] * 1e3, 2),
                    "max": round(late[-1] * 1e3, 2),
                },
            }

    def reset(self) -> None:
        with self._lock:
            self.arrivals.clear()
            self.statuses.clear()
            self.late.clear()
            self.stamped_by.clear()
            for allowed in self._allowed:
                allowed.clear()


_SO_TIMESTAMPNS = 35  # Linux's value: each received segment carries its arrival (a timespec)
_STAMP = struct.Struct("@qq")  # struct timespec on 64-bit Linux: seconds, nanoseconds
_ANCILLARY = socket.CMSG_SPACE(_STAMP.size)


def stamp_arrivals(sock: socket.socket) -> bool:
    """Have the kernel stamp what reaches `sock` (and sockets it accepts); False if it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


class _StampedReader(io.RawIOBase):
    """A connection read with `recvmsg`: keeps when the first bytes of the next request arrived."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self._first: tuple[float, str] | None = None  # (time.monotonic() domain, "kernel"/"read")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size, ancillary, _flags, _address = self._sock.recvmsg_into([buffer], _ANCILLARY)
        if size and self._first is None:
            self._first = (time.monotonic(), "read")
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
                    seconds, nanoseconds = _STAMP.unpack(data[: _STAMP.size])
                    wall_to_monotonic = time.time() - time.monotonic()
                    self._first = (seconds + nanoseconds / 1e9 - wall_to_monotonic, "kernel")
        return size

    def take(self) -> tuple[float, str]:
        """When the request just read arrived (monotonic seconds) and who stamped it."""
        first, self._first = self._first, None
        return first if first is not None else (time.monotonic(), "read")


def _handler(
    limit: _Limit, body: bytes, to_server_clock: Callable[[float], float]
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.rfile.close()  # read through recvmsg instead, to get the kernel's stamps
            self._reader = _StampedReader(self.connection)
            self.rfile = io.BufferedReader(self._reader)

        def do_GET(self) -> None:
            arrived, stamped_by = self._reader.take()
            late = time.monotonic() - arrived
            wait = limit.arrive(to_server_clock(arrived), late, stamped_by)
            if wait is None:
                self._send(200, body, {})
            else:
                too_many = b'{"statusCode":429,"error":"Too Many Requests"}'
                self._send(429, too_many, {"Retry-After": str(max(1, math.ceil(wait)))})

        def _send(self, status: int, content: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            """Silent: the benchmark reads the counters."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # 2,000 concurrent requests open up to 100 connections at once

    def server_bind(self) -> None:
        stamp_arrivals(self.socket)  # before any connection: accepted ones inherit it
        super().server_bind()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until `quit`, end of input or `--max-seconds`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-second", type=int, default=100)
    parser.add_argument("--per-minute", type=int, default=6000)
    parser.add_argument("--speed", type=float, default=1.0, help="server seconds per real second")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="exit after this long")
    args = parser.parse_args(argv)

    start, speed = time.monotonic(), float(args.speed)

    def to_server_clock(monotonic: float) -> float:
        return start + (monotonic - start) * speed

    limit = _Limit([(1.0, args.per_second), (60.0, args.per_minute)])
    server = _Server(("127.0.0.1", 0), _handler(limit, _account_body(), to_server_clock))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    print(f"http://{host!s}:{port}", flush=True)
    done = threading.Event()
    lifetime = threading.Timer(args.max_seconds, done.set)
    lifetime.daemon = True
    lifetime.start()

    def serve_commands() -> None:
        for line in sys.stdin:
            command = line.strip()
            if command == "quit":
                break
            if command == "stats":
                reply: dict[str, object] = limit.stats()
            elif command == "reset":
                limit.reset()
                reply = {"ok": True}
            else:
                reply = {"error": f"unknown command {command!r}; use stats, reset or quit"}
            print(json.dumps(reply), flush=True)
        done.set()

    threading.Thread(target=serve_commands, daemon=True).start()
    try:
        done.wait()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
