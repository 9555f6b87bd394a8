"""The rate limit as the server sees it: arrivals in any sliding second, 429s, wall vs the floor.

A loopback server in its own process (`_arrival_server.py`) records when each request arrives and
answers 429 past a sliding-window limit, the same limit the client holds. Workloads:

- `asyncio.gather` of N `accounts.get` on one `AsyncInstantly`;
- the same with the event loop blocked 1.5 s mid-run (nothing can be sent meanwhile);
- 16 threads sharing one `Instantly` for M gets;
- a limit whose minute window binds (100/s and 300/min on both sides, 600 gets).

    floor = the earliest the last request may start under the limit (L per W, each window)
            (+ 1.5 s for the blocked loop, in which nothing could be sent)

Reported: wall / floor, the most arrivals the server saw in any 1 s (and 60 s), the server's
429s, and errors that reached the caller. Quick mode runs fewer gets and the minute workload on
a clock 10x faster on both sides (10/s and 30/min: 100 requests per real second, a 6 s minute).

    python benchmarks/ratelimit.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _children import LineChild
from _harness import BENCH_DIR, REPO_ROOT, Section, Verdict, child_env, fmt_ratio

__all__ = ["Outcome", "Workload", "max_in_window", "run", "workloads"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

KEY = "bench-key-123"
BLOCK_SECONDS = 1.5


@dataclass(frozen=True)
class Workload:
    """One run: how many gets, how they are issued, the limit on both sides, the clock speed."""

    name: str
    gets: int
    mode: str  # "gather", "gather-blocked" or "threads"
    per_second: int = 100
    per_minute: int = 6000
    speed: float = 1.0
    threads: int = 16
    target: float = 1.15

    @property
    def floor(self) -> float:
        """Real seconds before the last request may start (plus the blocked second and a half)."""
        floor = limit_floor(self.gets, self.per_second, self.per_minute) / self.speed
        return floor + (BLOCK_SECONDS if self.mode == "gather-blocked" else 0.0)


@dataclass(frozen=True)
class Outcome:
    """What one workload did: wall seconds, the server's figures, errors at the caller."""

    wall: float
    arrivals: list[float]
    statuses: dict[str, int]
    errors: int

    def most_in(self, window: float) -> int:
        return max_in_window(self.arrivals, window)


def workloads(quick: bool) -> list[Workload]:
    """The four workloads; quick: fewer gets, the minute window on a 10x clock."""
    gathered, threaded = (400, 300) if quick else (2_000, 1_500)
    minute = (
        Workload("minute window binds (10/s, 30/min, clock x10)", 60, "gather", 10, 30, 10.0,
                 target=1.05)
        if quick
        else Workload("minute window binds (100/s, 300/min)", 600, "gather", 100, 300,
                      target=1.05)
    )  # fmt: skip
    return [
        Workload(f"`asyncio.gather` of {gathered:,} gets", gathered, "gather"),
        Workload(
            f"`asyncio.gather` of {gathered:,} gets, loop blocked {BLOCK_SECONDS:g} s mid-run",
            gathered,
            "gather-blocked",
            target=1.25,
        ),
        Workload(f"16 threads, one sync client, {threaded:,} gets", threaded, "threads"),
        minute,
    ]


def limit_floor(requests: int, per_second: int, per_minute: int) -> float:
    """Seconds before the last of `requests` may start: request k waits for k-L plus W."""
    starts: list[float] = []
    for k in range(requests):
        at = starts[-1] if starts else 0.0
        for allowed, window in ((per_second, 1.0), (per_minute, 60.0)):
            if k >= allowed:
                at = max(at, starts[k - allowed] + window)
        starts.append(at)
    return starts[-1] if starts else 0.0


def max_in_window(times: list[float], window: float) -> int:
    """Most arrivals inside any half-open interval [t, t + window)."""
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        j = max(j, i)
        while j < len(times) and times[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best


def _clock_and_sleeps(speed: float) -> tuple[Callable[[], float], Any, Any]:
    """The client's clock, sync sleep and async sleep, `speed` times faster than real time."""
    if speed == 1.0:
        return time.monotonic, time.sleep, asyncio.sleep
    start = time.monotonic()

    def clock() -> float:
        return start + (time.monotonic() - start) * speed

    def sleep(seconds: float) -> None:
        time.sleep(seconds / speed)

    async def asleep(seconds: float) -> None:
        await asyncio.sleep(seconds / speed)

    return clock, sleep, asleep


def _limit(w: Workload) -> Any:
    """The client's limit: the server's, in the workload's clock (the default margin in real
    seconds, so it is scaled with the clock)."""
    from instantly import RateLimit

    margin = RateLimit().margin * w.speed
    return RateLimit(per_second=w.per_second, per_minute=w.per_minute, max_wait=600, margin=margin)


async def _gather(base_url: str, w: Workload) -> tuple[float, int]:
    from instantly import AsyncInstantly, InstantlyError

    clock, _, asleep = _clock_and_sleeps(w.speed)
    errors = 0

    async def one(client: Any) -> None:
        nonlocal errors
        try:
            await client.accounts.get("sender001@example.com")
        except InstantlyError:
            errors += 1

    async def block_midway() -> None:
        await asyncio.sleep(w.floor / 2)
        time.sleep(BLOCK_SECONDS)  # the event loop can do nothing meanwhile

    limit = _limit(w)
    async with AsyncInstantly(
        KEY, base_url=base_url, rate_limit=limit, clock=clock, sleep=asleep, timeout=60
    ) as client:
        started = time.perf_counter()
        tasks = [one(client) for _ in range(w.gets)]
        if w.mode == "gather-blocked":
            tasks.append(block_midway())
        await asyncio.gather(*tasks)
        return time.perf_counter() - started, errors


def _threads(base_url: str, w: Workload) -> tuple[float, int]:
    from instantly import Instantly, InstantlyError

    clock, sleep, _ = _clock_and_sleeps(w.speed)
    limit = _limit(w)
    errors, lock = 0, threading.Lock()
    shares = [w.gets // w.threads + (i < w.gets % w.threads) for i in range(w.threads)]
    with Instantly(
        KEY, base_url=base_url, rate_limit=limit, clock=clock, sleep=sleep, timeout=60
    ) as client:

        def worker(count: int) -> None:
            nonlocal errors
            for _ in range(count):
                try:
                    client.accounts.get("sender001@example.com")
                except InstantlyError:
                    with lock:
                        errors += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started, errors


def run_workload(w: Workload) -> Outcome:
    """Start a server with the workload's limit, run it, read the server's figures."""
    argv = [sys.executable, str(BENCH_DIR / "_arrival_server.py"),
            "--per-second", str(w.per_second), "--per-minute", str(w.per_minute),
            "--speed", str(w.speed), "--max-seconds", "900"]  # fmt: skip
    server = LineChild(argv, env=child_env(), name="arrival server")
    base_url = server.start().strip()
    try:
        if w.mode == "threads":
            wall, errors = _threads(base_url, w)
        else:
            wall, errors = asyncio.run(_gather(base_url, w))
        stats = server.request("stats", timeout=60)
    finally:
        server.stop()
    arrivals = [t / w.speed for t in stats["arrivals"]]  # in real seconds, like the wall
    return Outcome(wall, arrivals, dict(stats["statuses"]), errors)


def run(quick: bool) -> Section:
    """Every workload once; a table and one verdict per workload."""
    started = time.perf_counter()
    section = Section(
        title="Rate limit at the server",
        description=(
            "A loopback server (own process) records each arrival and answers 429 past a "
            "sliding-window limit equal to the client's. Floor: the earliest the last request "
            "may start under the limit (L per W, each window), plus the 1.5 s the blocked loop "
            "could send nothing. Arrivals are counted in any sliding 1 s (and 60 s) window, in "
            "real seconds. `--quick` runs fewer gets and the "
            "minute window on a clock 10x faster on both sides."
        ),
        headers=["workload", "wall", "floor", "wall / floor", "most arrivals in 1 s",
                 "most in 60 s", "server 429s", "errors at caller"],
    )  # fmt: skip
    for w in workloads(quick):
        print(f"[bench] ratelimit: {w.name} ...", file=sys.stderr, flush=True)
        out = run_workload(w)
        ratio = out.wall / w.floor
        per_second_cap = max(1, round(w.per_second * w.speed))  # real-time arrivals per 1 s
        in_1s, in_60s = out.most_in(1.0), out.most_in(60.0 / w.speed)
        throttled = out.statuses.get("429", 0)
        section.rows.append([
            w.name, f"{out.wall:.2f} s", f"{w.floor:.2f} s", fmt_ratio(ratio), str(in_1s),
            str(in_60s), str(throttled), str(out.errors),
        ])  # fmt: skip
        target = (
            f"{w.name}: 0 server 429s, ≤ {per_second_cap} arrivals in any 1 s, "
            f"wall ≤ {w.target:.2f}x floor"
        )
        measured = f"{throttled} 429s, {in_1s} in 1 s, {fmt_ratio(ratio)}"
        met = throttled == 0 and in_1s <= per_second_cap and ratio <= w.target
        section.verdicts.append(Verdict(target, measured, met))
    section.notes.append(
        "How the limit is held: each request books a place in the queue (so thousands of "
        "waiters each wake once), is checked against the log of actual send times right before "
        "it goes to the transport, and again when httpcore reports (its `trace` extension) that "
        "its bytes are about to be written, after any connection setup; each window is 20 ms "
        "longer than the server's. See `facade/instantly/_rate_limiter.py`."
    )
    section.seconds = time.perf_counter() - started
    return section


def main(argv: Sequence[str] | None = None) -> int:
    """Run the section and print it as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer gets, a 10x minute clock")
    args = parser.parse_args(argv)
    print(run(args.quick).to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
