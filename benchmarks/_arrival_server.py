"""A loopback server that records when each request arrives and enforces a sliding-window limit.

Run as its own process by `ratelimit.py` (so the client's time is not shared with the server's
threads under one GIL). It answers `GET /api/v2/accounts/{email}` with one account the fake
Instantly produced, and answers 429 (whole-second `Retry-After`) when the last second, or the
last minute, already holds its limit of allowed arrivals. It prints its base URL first, then
answers one command per stdin line with one JSON line:

    stats   {"arrivals": [seconds since the first arrival, ...], "statuses": {"200": N, ...}}
    reset   forget every arrival (a new workload starts)
    quit    exits; so does end of input and --max-seconds passing

`--speed K` runs the server's clock K times faster than real time (windows in its seconds).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence
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


class _Limit:
    """Sliding windows counted at arrival; records every arrival (allowed or not)."""

    def __init__(self, windows: list[tuple[float, int]], clock: object) -> None:
        self._windows = windows
        self._allowed: list[deque[float]] = [deque() for _ in windows]
        self._lock = threading.Lock()
        self._clock = clock
        self.arrivals: list[float] = []
        self.statuses: Counter[int] = Counter()

    def arrive(self) -> float | None:
        """Count an arrival now: None if allowed, else the seconds until a slot frees."""
        with self._lock:
            now: float = self._clock()  # type: ignore[operator]
            self.arrivals.append(now)
            wait = 0.0
            for (length, limit), allowed in zip(self._windows, self._allowed, strict=True):
                while allowed and allowed[0] <= now - length:
                    allowed.popleft()
                if len(allowed) >= limit:
                    wait = max(wait, allowed[0] + length - now)
            if wait > 0:
                self.statuses[429] += 1
                return wait
            for allowed in self._allowed:
                allowed.append(now)
            self.statuses[200] += 1
            return None

    def stats(self) -> dict[str, object]:
        with self._lock:
            start = self.arrivals[0] if self.arrivals else 0.0
            return {
                "arrivals": [round(t - start, 6) for t in self.arrivals],
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            }

    def reset(self) -> None:
        with self._lock:
            self.arrivals.clear()
            self.statuses.clear()
            for allowed in self._allowed:
                allowed.clear()


def _handler(limit: _Limit, body: bytes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            wait = limit.arrive()
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


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until `quit`, end of input or `--max-seconds`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-second", type=int, default=100)
    parser.add_argument("--per-minute", type=int, default=6000)
    parser.add_argument("--speed", type=float, default=1.0, help="server seconds per real second")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="exit after this long")
    args = parser.parse_args(argv)

    start, speed = time.monotonic(), float(args.speed)

    def clock() -> float:
        return start + (time.monotonic() - start) * speed

    limit = _Limit([(1.0, args.per_second), (60.0, args.per_minute)], clock)
    server = _Server(("127.0.0.1", 0), _handler(limit, _account_body()))
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
