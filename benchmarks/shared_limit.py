"""One workspace budget shared by several processes: arrivals at the server, wall vs the floor.

Worker processes (`_shared_worker.py`, each an `AsyncInstantly` sending its gets at once) share
one `RateLimiter.shared(url)`; a loopback server in its own process (`_arrival_server.py`)
records each arrival (when it reached the socket, as the kernel stamped it) and answers 429 past
the limit. Workloads:

- SQLite: 4 processes x 500 gets on one machine (`sqlite:///...`);
- Redis: 2 groups of 2 processes x 500 gets (`redis://127.0.0.1` and `redis://localhost`, two
  spellings standing for two machines; the Redis server's clock is the one timeline);
- per endpoint: 4 processes reading `GET /api/v2/emails` (20 a minute) on a minute shortened
  10x: 20 per 6 s at the client (its route window) and at the server (clock x10);
- a worker killed (SIGKILL) a third of the way through, its turns still queued.

    floor = the earliest the last request may start under the limit (L per W, each window);
            after the kill, the floor of the requests the server saw (the dead one's included)

The shared limiter's own cost per request (`reserve` + `acquire` + `confirm`, one process,
limits that never bind) is measured beside the in-process limiter's. `--quick` sends 100 gets a
worker (8 emails reads) and measures the cost on fewer requests.

    python benchmarks/shared_limit.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _children import LineChild
from _harness import BENCH_DIR, REPO_ROOT, Section, Verdict, child_env, fmt_ratio, stop_process
from ratelimit import max_in_window

__all__ = ["run", "windows_floor"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

EMAILS_PATH = "/api/v2/emails"
SPEED = 10.0  # the per-endpoint workload's minute, shortened


@dataclass(frozen=True)
class Workload:
    """One run: processes (per limiter URL), gets each, the limit, the kill."""

    name: str
    urls: tuple[str, ...]  # one limiter URL per worker process
    gets: int
    windows: tuple[tuple[int, float], ...] = ((100, 1.0), (6000, 60.0))
    path: str = "/api/v2/accounts/sender001@example.com"
    route_window: str = ""
    speed: float = 1.0
    kill_after: float | None = None  # seconds after the start, worker 0 is killed
    target: float = 1.10


@dataclass
class Outcome:
    """What a workload did: wall seconds, arrivals at the server (real s), statuses, errors."""

    wall: float
    arrivals: list[float]
    statuses: dict[str, int]
    errors: int
    store_steps: int  # the surviving workers' round trips to the store (0: in-process)
    load: tuple[float, float]  # the 1-minute load average before and after
    stamping: str = ""  # who stamped the arrivals, and how late the server's handlers read them


def windows_floor(requests: int, windows: Sequence[tuple[int, float]]) -> float:
    """Seconds before the last of `requests` may start: request k waits for k-L plus W."""
    starts: list[float] = []
    for k in range(requests):
        at = starts[-1] if starts else 0.0
        for allowed, window in windows:
            if k >= allowed:
                at = max(at, starts[k - allowed] + window)
        starts.append(at)
    return starts[-1] if starts else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A loopback redis-server for the run (its base URL), or None where there is none."""
    binary = shutil.which("redis-server")
    try:
        import redis
    except ImportError:
        binary = None
    if binary is None:
        yield None
        return
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis.Redis(port=port).ping():
                    break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start within 10 s") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop_process(proc)


def _workers(w: Workload, base_url: str) -> tuple[float, list[dict[str, object]]]:
    """Start the workers, start them together, kill one if asked; (start, their results)."""
    procs = []
    for url in w.urls:
        argv = [sys.executable, str(BENCH_DIR / "_shared_worker.py"), "--base-url", base_url,
                "--limiter", url, "--gets", str(w.gets), "--path", w.path]  # fmt: skip
        if w.route_window:
            argv += ["--route-window", w.route_window]
        procs.append(subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(), text=True,
        ))  # fmt: skip
    try:
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a worker of {w.name!r} did not start")
        start = time.monotonic() + 0.5
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"go {start!r}\n")
            proc.stdin.flush()
        if w.kill_after is not None:
            time.sleep(max(0.0, start + w.kill_after - time.monotonic()))
            procs[0].send_signal(signal.SIGKILL)
        results = []
        for proc in procs[1:] if w.kill_after is not None else procs:
            out, _ = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"a worker of {w.name!r} exited with {proc.returncode}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        return start, results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def run_workload(w: Workload) -> Outcome:
    """Start the arrival server, run the workers, read the server's figures."""
    (per_second, _), (per_minute, _) = (
        ((100_000, 1.0), (20, 60.0)) if w.speed != 1.0 else (w.windows[0], w.windows[1])
    )
    argv = [sys.executable, str(BENCH_DIR / "_arrival_server.py"),
            "--per-second", str(per_second), "--per-minute", str(per_minute),
            "--speed", str(w.speed), "--max-seconds", "900"]  # fmt: skip
    load_before = os.getloadavg()[0]
    server = LineChild(argv, env=child_env(), name="arrival server")
    base_url = server.start().strip()
    try:
        start, results = _workers(w, base_url)
        stats = server.request("stats", timeout=60)
    finally:
        server.stop()
    ended = max(float(r["ended"]) for r in results)  # type: ignore[arg-type]
    errors = 0
    steps = sum(int(r.get("store_steps", 0)) for r in results)  # type: ignore[call-overload]
    for result in results:
        counts = result["errors"]
        assert isinstance(counts, dict)
        errors += sum(int(n) for n in counts.values())
    arrivals = [t / w.speed for t in stats["arrivals"]]
    load = (load_before, os.getloadavg()[0])
    late = stats["handler_late_ms"]
    stamping = f"{stats['stamped_by']}; p99 {late['p99']:.0f} ms, max {late['max']:.0f} ms"
    return Outcome(ended - start, arrivals, dict(stats["statuses"]), errors, steps, load, stamping)


def _cost(make: Callable[[], object], requests: int) -> float:
    """Microseconds of limiter work per request: reserve, acquire, confirm (never binding)."""
    limiter = make()
    clock = time.monotonic
    for _ in range(20):  # warm up: connection, script load, first pages
        ticket = limiter.reserve(clock())  # type: ignore[attr-defined]
        limiter.acquire(ticket, clock())  # type: ignore[attr-defined]
    started = time.perf_counter()
    for _ in range(requests):
        ticket = limiter.reserve(clock())  # type: ignore[attr-defined]
        limiter.acquire(ticket, clock())  # type: ignore[attr-defined]
        limiter.confirm(ticket, clock())  # type: ignore[attr-defined]
    spent = time.perf_counter() - started
    if hasattr(limiter, "close"):
        limiter.close()
    return spent / requests * 1e6


def workloads(quick: bool, db: Path, redis_url: str | None) -> list[Workload]:
    """The four workloads (Redis's only when a Redis server runs)."""
    gets, reads = (100, 8) if quick else (500, 15)
    sqlite = f"sqlite:///{db}"
    found = [
        Workload(f"reference: 1 process x {4 * gets} gets, in-process limiter", ("in-process",),
                 4 * gets),
        Workload(f"SQLite: 4 processes x {gets} gets", (sqlite,) * 4, gets),
        Workload(
            f"per endpoint: 4 processes x {reads} `GET {EMAILS_PATH}` (20/min, minute /10)",
            (f"sqlite:///{db}-emails",) * 4, reads, windows=((20, 60.0 / SPEED),),
            path=EMAILS_PATH, route_window=f"20,{60.0 / SPEED}", speed=SPEED,
        ),
        Workload(
            f"SQLite: 4 processes x {gets} gets, one killed a third of the way",
            (f"sqlite:///{db}-kill",) * 4, gets, kill_after=windows_floor(4 * gets, (
                (100, 1.0),)) / 3,
        ),
    ]  # fmt: skip
    if redis_url is not None:
        local = redis_url.replace("127.0.0.1", "localhost")
        found.insert(2, Workload(
            f"Redis: 2 groups x 2 processes x {gets} gets",
            (f"{redis_url}/0",) * 2 + (f"{local}/0",) * 2, gets,
        ))  # fmt: skip
    return found


def run(quick: bool) -> Section:
    """Every workload once, then the cost per request; a table, verdicts, the costs as notes."""
    from instantly import RateLimit, RateLimiter

    started = time.perf_counter()
    section = Section(
        title="One budget shared by several processes",
        description=(
            "Worker processes (each an `AsyncInstantly` sending its gets at once) share one "
            "`RateLimiter.shared(url)`; a loopback server (own process) records each arrival and "
            "answers 429 past the limit. Floor: the earliest the last request may start under "
            "the limit; after a kill, the floor of the requests the server saw. The per-endpoint "
            "workload runs on a minute shortened 10x on both sides (20 per 6 s). The reference "
            "row is one process with the in-process limiter, same gets, same machine, same run: "
            "what the machine allows; 'vs the reference' divides each wall / floor by its. "
            "Store round trips: the workers' `SharedRateLimiter.store_steps` per arrival (the "
            "heartbeat's touches aside). The load average says how busy the machine was "
            f"({os.cpu_count()} cores). An arrival is when the request reached the server's "
            "socket, stamped by the kernel (`SO_TIMESTAMPNS`): the server's handler threads read "
            "some requests tens of ms later (the last column), which, counted at the read, would "
            "be bursts the network never carried. `--quick`: 100 gets a worker, 8 reads."
        ),
        headers=["workload", "wall", "floor", "wall / floor", "vs the reference",
                 "most arrivals in a window", "server 429s", "errors at caller",
                 "store round trips / request", "load average (1 min) before, after",
                 "arrivals stamped by; the server's reads late by"],
    )  # fmt: skip
    reference = 0.0  # the in-process run's wall / floor: what this machine allows right now
    with tempfile.TemporaryDirectory(prefix="instantly-shared-") as tmp, redis_server() as redis:
        for w in workloads(quick, Path(tmp) / "limits.db", redis):
            print(f"[bench] shared_limit: {w.name} ...", file=sys.stderr, flush=True)
            out = run_workload(w)
            limit, window = w.windows[0]  # the shortest window, in real seconds
            floor = windows_floor(len(out.arrivals) if w.kill_after else len(w.urls) * w.gets,
                                  w.windows)  # fmt: skip
            most = max_in_window(out.arrivals, window)
            throttled = out.statuses.get("429", 0)
            ratio = out.wall / floor
            reference = reference or ratio
            section.rows.append([
                w.name, f"{out.wall:.2f} s", f"{floor:.2f} s", fmt_ratio(ratio),
                fmt_ratio(ratio / reference), f"{most} in {window:g} s", str(throttled),
                str(out.errors),
                f"{out.store_steps / max(1, len(out.arrivals)):.1f}" if out.store_steps else "-",
                f"{out.load[0]:.1f}, {out.load[1]:.1f}", out.stamping,
            ])  # fmt: skip
            if w.kill_after is None:
                target = f"{w.name}: ≤ {limit} in any {window:g} s, 0 429s, ≤ {w.target:.2f}x floor"
                met = most <= limit and throttled == 0 and ratio <= w.target
                measured = f"{most}, {throttled} 429s, {fmt_ratio(ratio)}"
            else:
                target = (
                    f"{w.name}: the others done within one window ({window:g} s) of the floor "
                    "x the larger of 1.10 and the reference's wall / floor"
                )
                allowed = floor * max(w.target, reference)
                met = most <= limit and throttled == 0 and out.wall <= allowed + window
                measured = f"{most}, {throttled} 429s, {out.wall - allowed:+.2f} s past it"
            section.verdicts.append(Verdict(target, measured, met))
        if redis is None:
            section.notes.append(
                "Redis: not measured (no redis-server on PATH, or the redis package missing)."
            )
        requests = 300 if quick else 2_000
        free = RateLimit(per_second=10**6, per_minute=10**7)
        costs = [("in-process", _cost(lambda: RateLimiter(free), requests)),
                 ("SQLite", _cost(lambda: RateLimiter.shared(
                     f"sqlite:///{Path(tmp) / 'cost.db'}", free), requests))]  # fmt: skip
        if redis is not None:
            url = f"{redis}/1"
            costs.append(("Redis (loopback)", _cost(lambda: RateLimiter.shared(url, free),
                                                    requests)))  # fmt: skip
    section.notes.append(
        "The limiter's own cost per request (reserve + acquire + confirm, one process, limits "
        f"that never bind, {requests:,} requests): "
        + ", ".join(f"{name} {us:.0f} µs" for name, us in costs)
        + f" (`{os.cpu_count()}` cores, shared with the other benchmarks' machine load)."
    )
    section.seconds = time.perf_counter() - started
    return section


def main(argv: Sequence[str] | None = None) -> int:
    """Run the section and print it as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="100 gets a worker, fewer samples")
    args = parser.parse_args(argv)
    print(run(args.quick).to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
