"""The client's own CPU per call, this tree beside another checkout of it (e.g. the last release).

What a refactoring must not make slower: `accounts.get`, one page of 100 accounts parsed, and an
`asyncio.gather` of async gets, each answered in-process by an `httpx.MockTransport` (no server,
no socket: only the client's work is timed, with `time.process_time`). Each figure is the best of
several repeats in one child process; children of the two trees alternate, and each ratio printed
is the median over rounds of (this tree / the other).

    python benchmarks/client_cost.py --against ../base          # a worktree of the baseline
    python benchmarks/client_cost.py --against ../base --rounds 7

The other tree needs only `facade/` and `generated/`; both run on this interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "measure"]

_ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("get_us", "page_us", "gather_get_us")
LABELS = {
    "get_us": "`accounts.get(email)`",
    "page_us": "one page of 100 accounts, parsed",
    "gather_get_us": "`asyncio.gather` of async gets, per get",
}

# The child: run with PYTHONPATH set to one tree's facade/ and generated/.
_CHILD = r"""
import asyncio, json, time
import httpx
from instantly import AsyncInstantly, Instantly, RateLimit

LIMITS = dict(rate_limit=RateLimit(per_second=10**7, per_minute=10**9))
ACCOUNT = {
    "email": "jon@doe.com", "timestamp_created": "2026-01-01T00:00:00Z",
    "timestamp_updated": "2026-01-01T00:00:00Z", "first_name": "Jon", "last_name": "Doe",
    "organization": "org", "warmup_status": 1, "provider_code": 2, "setup_pending": False,
    "is_managed_account": False, "status": 1,
}
BODY = json.dumps(ACCOUNT).encode()
PAGE = json.dumps({"items": [dict(ACCOUNT, email=f"a{i}@doe.com") for i in range(100)],
                   "next_starting_after": "c"}).encode()
HEADERS = {"content-type": "application/json"}


def answer(request):
    body = PAGE if request.url.path.endswith("/accounts") else BODY
    return httpx.Response(200, content=body, headers=HEADERS)


def best(fn, n, repeats):
    times = []
    for _ in range(repeats):
        started = time.process_time()
        fn(n)
        times.append((time.process_time() - started) / n * 1e6)
    return min(times)


out = {}
with Instantly("k", transport=httpx.MockTransport(answer), **LIMITS) as client:
    def gets(n):
        for _ in range(n):
            client.accounts.get("jon@doe.com")

    def pages(n):
        for _ in range(n):
            next(iter(client.accounts.list().iter_pages()))

    gets(100)
    pages(10)
    out["get_us"] = best(gets, GETS, REPEATS)
    out["page_us"] = best(pages, PAGES, REPEATS)


async def gathered():
    async with AsyncInstantly("k", transport=httpx.MockTransport(answer), **LIMITS) as client:
        async def one_round(n):
            await asyncio.gather(*(client.accounts.get("jon@doe.com") for _ in range(n)))

        await one_round(100)
        times = []
        for _ in range(REPEATS):
            started = time.process_time()
            await one_round(GETS)
            times.append((time.process_time() - started) / GETS * 1e6)
        return min(times)


out["gather_get_us"] = asyncio.run(gathered())
print(json.dumps(out))
"""


def measure(tree: Path, *, gets: int, pages: int, repeats: int) -> dict[str, float]:
    """One child's figures (µs of CPU per call) for the code in `tree`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree / "facade"), str(tree / "generated")])
    code = f"GETS, PAGES, REPEATS = {gets}, {pages}, {repeats}\n" + _CHILD
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the child for {tree} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="fewer calls per repeat")
    args = parser.parse_args(argv)
    other = args.against.resolve()
    if not (other / "facade" / "instantly").is_dir():
        parser.error(f"{other} has no facade/instantly: not a checkout of this project")
    sizes = {"gets": 100, "pages": 15, "repeats": 5} if args.quick else {
        "gets": 400, "pages": 60, "repeats": 9
    }  # fmt: skip
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    for round_number in range(args.rounds):
        pair = [(_ROOT, ours), (other, theirs)]
        if round_number % 2:
            pair.reverse()  # neither tree always goes first
        for tree, into in pair:
            into.append(measure(tree, **sizes))
    print(f"this tree: {_ROOT}\nagainst:   {other}\nrounds: {args.rounds} (best-of repeats each)")
    print(f"\n| call | this tree (µs CPU) | against (µs CPU) | ratio, median of {args.rounds} |")
    print("|---|---|---|---|")
    for figure in FIGURES:
        mine = statistics.median(r[figure] for r in ours)
        base = statistics.median(r[figure] for r in theirs)
        ratio = statistics.median(a[figure] / b[figure] for a, b in zip(ours, theirs, strict=True))
        print(f"| {LABELS[figure]} | {mine:.1f} | {base:.1f} | {ratio:.3f}x |")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
