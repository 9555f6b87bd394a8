"""One worker process of `shared_limit.py`: N concurrent GETs through one shared limiter.

Builds an `AsyncInstantly` whose limiter is `RateLimiter.shared(--limiter)`, prints `ready`,
reads `go T` on stdin and waits until the monotonic clock reads T (every worker starts at the
same moment: the monotonic clock is system-wide), sends `--gets` GETs of `--path` at once
(`asyncio.gather`) and prints one JSON line: when it started and ended (monotonic), the
statuses, the errors, the limiter's round trips to its store (`store_steps`). `--limiter
in-process` uses the in-process limiter (the reference).
`--route-window N,S` replaces the path's own limit by N per S seconds (a shortened minute).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

__all__ = ["main"]

KEY = "bench-key-123"


async def _run(args: argparse.Namespace) -> dict[str, object]:
    from instantly import AsyncInstantly, InstantlyError, RateLimit, RateLimiter
    from instantly._route_lookup import endpoint_limits

    routes = dict(endpoint_limits())
    if args.route_window:
        count, seconds = args.route_window.split(",")
        routes[f"GET {args.path}"] = ((int(count), float(seconds)),)
    limit = RateLimit(per_second=args.per_second, max_wait=600)
    limiter = (
        RateLimiter(limit, routes)
        if args.limiter == "in-process"
        else RateLimiter.shared(args.limiter, limit, routes)
    )
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    async with AsyncInstantly(
        KEY, base_url=args.base_url, rate_limit=limiter, timeout=120
    ) as client:

        async def one() -> None:
            try:
                response = await client.http_client.get(args.path)
                statuses[response.status_code] += 1
            except InstantlyError as exc:
                errors[type(exc).__name__] += 1

        print("ready", flush=True)
        start_at = float(sys.stdin.readline().split()[1])
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(args.gets)))
        ended = time.monotonic()
    if hasattr(limiter, "close"):
        limiter.close()
    return {
        "started": started,
        "ended": ended,
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": dict(errors),
        "store_steps": getattr(limiter, "store_steps", 0),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the worker; its last line of output is the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--limiter", required=True, help="sqlite:///... or redis://...")
    parser.add_argument("--gets", type=int, required=True)
    parser.add_argument("--path", default="/api/v2/accounts/sender001@example.com")
    parser.add_argument("--per-second", type=int, default=100)
    parser.add_argument("--route-window", default="", help="N,SECONDS for --path's own limit")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_run(args))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
