"""A `FakeInstantly` loopback server in its own process, driven over stdin by a benchmark.

The server runs apart from the clients it serves, so a client's time is not shared with the
server's threads under one GIL. It prints its base URL on the first stdout line, then answers
one command per stdin line with one JSON line:

    stats   {"requests": N, "throttled": N, "status_counts": {"200": N, ...}}
    quit    exits; so does end of input (the benchmark died) and --max-seconds passing

`--speed K` runs the fake's clock K times faster than real time (the rate-limit windows, job
durations and Retry-After are all in the fake's seconds), for the scaled-down benchmarks.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from instantly.testing import FakeInstantly, ServerRateLimit  # noqa: E402

__all__ = ["main"]


def _fake(args: argparse.Namespace) -> FakeInstantly:
    start = time.monotonic()
    speed: float = args.speed

    def clock() -> float:
        return start + (time.monotonic() - start) * speed

    limit = None
    if not args.no_rate_limit:
        limit = ServerRateLimit(per_second=args.per_second, per_minute=args.per_minute)
    fake = FakeInstantly(clock=clock, rate_limit=limit, log_limit=1000)
    emails = fake.seed_accounts(args.accounts)
    for n in range(args.emails):  # unread replies in the Unibox, for the email-reading workloads
        fake.emails.receive_reply(lead=f"lead{n:05d}@example.com", eaccount=emails[n % len(emails)])
    return fake


def _stats(fake: FakeInstantly) -> dict[str, object]:
    counts = fake.status_counts()
    return {
        "requests": sum(counts.values()),
        "throttled": fake.throttled,
        "status_counts": {str(k): v for k, v in sorted(counts.items())},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until `quit`, end of input or `--max-seconds`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--no-rate-limit", action="store_true")
    parser.add_argument("--emails", type=int, default=0, help="unread replies to seed")
    parser.add_argument("--per-second", type=int, default=100)
    parser.add_argument("--per-minute", type=int, default=6000)
    parser.add_argument("--speed", type=float, default=1.0, help="fake seconds per real second")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="exit after this long")
    args = parser.parse_args(argv)

    fake = _fake(args)
    server = fake.serve()
    print(server.start(), flush=True)
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
                reply: dict[str, object] = _stats(fake)
            else:
                reply = {"error": f"unknown command {command!r}; use stats or quit"}
            print(json.dumps(reply), flush=True)
        done.set()

    threading.Thread(target=serve_commands, daemon=True).start()
    try:
        done.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
