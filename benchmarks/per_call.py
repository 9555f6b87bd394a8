"""Per-call overhead of `client.accounts.get(email)` beside raw httpx, against a loopback server.

Starts a stdlib threaded HTTP/1.1 server on 127.0.0.1 that answers every GET with one fixed
Account JSON, then times, interleaved in the same run, (a) `httpx.Client.get` + `json.loads` and
(b) `Instantly.accounts.get` (request building, retry/rate-limit transport, status check, parsing
into the generated `Account`). Prints the median of each and their ratio (target <= 1.25x).

The facade runs with its rate limiter enabled but with limits far above the call rate, so the
limiter's bookkeeping is measured and its waiting is not. Never asserts a time.

    python benchmarks/per_call.py            # 3,000 calls of each
    python benchmarks/per_call.py --quick    # 300 calls of each
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import httpx  # noqa: E402
from instantly import Instantly, RateLimit  # noqa: E402

__all__ = ["main"]

EMAIL = "jon@doe.com"
ACCOUNT = {
    "email": EMAIL,
    "timestamp_created": "2026-03-05T23:09:47.220Z",
    "timestamp_updated": "2026-03-05T23:09:47.220Z",
    "first_name": "Jon",
    "last_name": "Doe",
    "organization": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "warmup_status": 1,
    "provider_code": 2,
    "setup_pending": False,
    "is_managed_account": False,
    "warmup": {"limit": 100, "increment": "disabled", "reply_rate": 0.1},
    "daily_limit": 100,
    "tracking_domain_name": "example.com",
    "status": 1,
    "timestamp_last_used": "2026-03-05T23:09:47.220Z",
}
BODY = json.dumps(ACCOUNT).encode()


class _Handler(BaseHTTPRequestHandler):
    """Answers every GET with the fixed Account, keeping the connection alive."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms stalls

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log line."""


def _timed(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="300 calls of each instead of 3,000")
    parser.add_argument("--calls", type=int, default=None, help="calls of each (overrides --quick)")
    args = parser.parse_args(argv)
    calls = args.calls or (300 if args.quick else 3000)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    path = f"/api/v2/accounts/{EMAIL.replace('@', '%40')}"
    try:
        raw = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer bench"})
        client = Instantly(
            "bench", base_url=base_url, rate_limit=RateLimit(per_second=10**7, per_minute=10**9)
        )

        def raw_call() -> object:
            return json.loads(raw.get(path).content)

        def facade_call() -> object:
            return client.accounts.get(EMAIL)

        for _ in range(max(50, calls // 10)):  # warm up connections, imports, caches
            raw_call()
            facade_call()
        raw_ns: list[int] = []
        facade_ns: list[int] = []
        for i in range(calls):  # interleaved, alternating which goes first
            if i % 2:
                raw_ns.append(_timed(raw_call))
                facade_ns.append(_timed(facade_call))
            else:
                facade_ns.append(_timed(facade_call))
                raw_ns.append(_timed(raw_call))
        raw.close()
        client.close()
    finally:
        server.shutdown()
        server.server_close()

    raw_median = statistics.median(raw_ns) / 1000
    facade_median = statistics.median(facade_ns) / 1000
    ratio = facade_median / raw_median
    print(f"calls of each        : {calls}")
    print(f"httpx get+json.loads : median {raw_median:8.1f} us")
    print(f"accounts.get(email)  : median {facade_median:8.1f} us")
    print(f"overhead             : {facade_median - raw_median:8.1f} us per call")
    print(f"ratio                : {ratio:.3f}x (target <= 1.25x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
