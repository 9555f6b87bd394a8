"""`python -m instantly.testing`: serve the fake Instantly API on loopback until Ctrl-C or kill."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from ._fake import FakeInstantly
from ._server_rate_limit import ServerRateLimit

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, seed accounts, serve, print the base URL, and block until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m instantly.testing",
        description="Serve a fake Instantly API v2 (accounts, warmup jobs) on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--accounts", type=int, default=25, help="accounts to seed (default 25)")
    parser.add_argument("--domain", default="example.com", help="domain of seeded accounts")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any key)")
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="turn off the 100/s and 6,000/min limit"
    )
    args = parser.parse_args(argv)
    if args.accounts < 0:
        parser.error(f"--accounts must be >= 0, got {args.accounts}")

    fake = FakeInstantly(
        api_key=args.api_key, rate_limit=None if args.no_rate_limit else ServerRateLimit()
    )
    fake.seed_accounts(args.accounts, domain=args.domain)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())  # `kill` stops as cleanly as Ctrl-C
    server = fake.serve(host=args.host, port=args.port)
    try:
        base_url = server.start()
    except OSError as error:
        parser.exit(2, f"cannot listen on {args.host}:{args.port}: {error.strerror or error}\n")
    auth = "the key given with --api-key" if args.api_key else "any Bearer key"
    print(base_url, flush=True)
    print(
        f"fake Instantly API with {args.accounts} accounts; accepts {auth}. Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
