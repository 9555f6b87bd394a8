"""A page of 100 accounts parsed, conforming and with deviations, beside raw httpx + json.loads.

Starts a stdlib threaded HTTP/1.1 server on 127.0.0.1, in its own process (it shares no GIL
with the clients), answering `GET /api/v2/accounts` with a page of 100 accounts, then times,
interleaved round after round in a rotating order: (a) `httpx.Client.get` + `json.loads` of
the conforming page; (b) the first page of `Instantly.accounts.list(limit=100)` on it (the fast
path: one exact-type expression per model); (c) the same on a page where every account differs
from the spec as the live server's do (`""` for a timestamp, a required field left out: the
tolerant reader runs for every item, and two deviations are recorded once). Each figure is the
median over rounds of the batch time per call; the ratios are the median of the per-round
ratios. Target: (b) <= 1.5x (a). Never asserts a time.

    python benchmarks/deviations.py            # 15 rounds of 40 calls of each
    python benchmarks/deviations.py --quick    # 5 rounds of 10
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import httpx  # noqa: E402
from _harness import Section, Verdict  # noqa: E402
from instantly import Instantly, RateLimit  # noqa: E402

__all__ = ["main"]

STAMP = "2026-03-05T23:09:47.220Z"
TARGET = 1.5
DEVIATING_PREFIX = "/deviating"


def _account(n: int) -> dict[str, Any]:
    return {
        "email": f"sender{n:03d}@example.com",
        "timestamp_created": STAMP,
        "timestamp_updated": STAMP,
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
        "timestamp_last_used": STAMP,
    }


def _deviating(account: dict[str, Any]) -> dict[str, Any]:
    """An account as the live server may send it: an empty timestamp, a required field left out."""
    changed = {**account, "timestamp_created": ""}
    del changed["setup_pending"]
    return changed


ACCOUNTS = [_account(n) for n in range(1, 101)]
CONFORMING = json.dumps({"items": ACCOUNTS, "next_starting_after": ACCOUNTS[-1]["email"]}).encode()
DEVIATING = json.dumps(
    {"items": [_deviating(a) for a in ACCOUNTS], "next_starting_after": ACCOUNTS[-1]["email"]}
).encode()


class _Handler(BaseHTTPRequestHandler):
    """The conforming page, or under `/deviating` the deviating one; connections kept alive."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        body = DEVIATING if self.path.startswith(DEVIATING_PREFIX) else CONFORMING
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log line."""


def _serve(ports: Any) -> None:
    """The server process: report the port, then serve until terminated."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


def _batch(call: Callable[[], object], size: int) -> float:
    """Seconds per call over a batch of `size` calls."""
    start = time.perf_counter()
    for _ in range(size):
        call()
    return (time.perf_counter() - start) / size


@dataclass(frozen=True)
class Figures:
    """What one run measured: median µs per call, median ratios, the deviations recorded."""

    rounds: int
    size: int
    median_us: dict[str, float]
    conforming_ratio: float
    deviating_ratio: float
    found: list[tuple[str, str]]


def measure(quick: bool) -> Figures:
    """Time the three calls, interleaved round after round in a rotating order."""
    rounds, size = (5, 10) if quick else (15, 40)
    logging.getLogger("instantly.deviations").setLevel(logging.ERROR)  # warned once anyway

    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    base_url = f"http://127.0.0.1:{ports.get(timeout=30)}"
    limit = RateLimit(per_second=10**7, per_minute=10**9)  # bookkeeping measured, never a wait
    raw = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer bench"})
    conforming = Instantly("bench", base_url=base_url, rate_limit=limit)
    deviating = Instantly("bench", base_url=base_url + DEVIATING_PREFIX, rate_limit=limit)
    try:
        calls: dict[str, Callable[[], object]] = {
            "raw": lambda: json.loads(raw.get("/api/v2/accounts", params={"limit": 100}).content),
            "conforming": lambda: next(iter(conforming.accounts.list(limit=100).iter_pages())),
            "deviating": lambda: next(iter(deviating.accounts.list(limit=100).iter_pages())),
        }
        for call in calls.values():  # warm up connections, imports, caches
            _batch(call, 20)
        assert conforming.deviations == (), conforming.deviations
        found = [(d.path, d.kind) for d in deviating.deviations]
        per_call: dict[str, list[float]] = {name: [] for name in calls}
        ratios: dict[str, list[float]] = {"conforming": [], "deviating": []}
        order = list(calls)
        for round_ in range(rounds):  # interleaved, in a rotating order
            rotated = order[round_ % 3 :] + order[: round_ % 3]
            took = {name: _batch(calls[name], size) for name in rotated}
            for name, seconds in took.items():
                per_call[name].append(seconds)
            for name in ratios:
                ratios[name].append(took[name] / took["raw"])
    finally:
        raw.close()
        conforming.close()
        deviating.close()
        server.terminate()
        server.join(timeout=10)
    return Figures(
        rounds=rounds,
        size=size,
        median_us={name: statistics.median(values) * 1e6 for name, values in per_call.items()},
        conforming_ratio=statistics.median(ratios["conforming"]),
        deviating_ratio=statistics.median(ratios["deviating"]),
        found=found,
    )


def run(quick: bool) -> Section:
    """The section for benchmarks/run.py: the three medians and the target on the conforming one."""
    started = time.perf_counter()
    figures = measure(quick)
    section = Section(
        title="A page of 100 parsed: conforming and with deviations",
        description=(
            "`accounts.list(limit=100)`'s first page against a loopback server in its own "
            f"process, beside `httpx` get + `json.loads`; {figures.rounds} rounds of "
            f"{figures.size} calls of each, interleaved; medians. The deviating page has a "
            '`""` timestamp and a required field left out on every account (the tolerant '
            "reader runs per item; each deviation is recorded once)."
        ),
        headers=["call", "median per call", "vs httpx + json.loads"],
    )
    us = figures.median_us
    section.rows += [
        ["httpx get + json.loads", f"{us['raw']:.0f} µs", "1.00x"],
        [
            "accounts.list, conforming",
            f"{us['conforming']:.0f} µs",
            f"{figures.conforming_ratio:.2f}x",
        ],
        [
            "accounts.list, deviating",
            f"{us['deviating']:.0f} µs",
            f"{figures.deviating_ratio:.2f}x",
        ],
    ]
    section.verdicts.append(
        Verdict(
            f"conforming page ≤ {TARGET}x httpx + json.loads",
            f"{figures.conforming_ratio:.2f}x",
            figures.conforming_ratio <= TARGET,
            note=(
                f"the client's page takes {us['conforming'] - us['raw']:.0f} µs beyond httpx + "
                "json.loads (medians of the times; the ratio is the median of each round's): "
                "building 100 attrs models (the generated `from_dict`, an exact-type check per "
                "field) and the call's own bookkeeping. The ratio moves with the CPU's speed "
                "against the loopback round trip; rerun `python benchmarks/deviations.py` a few "
                "times, and a steady miss needs a faster model build."
            ),
        )
    )
    section.notes.append(f"deviations recorded (once each): {figures.found}")
    section.seconds = time.perf_counter() - started
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="5 rounds of 10 calls")
    args = parser.parse_args(argv)
    figures = measure(args.quick)
    median_us = figures.median_us
    print(
        f"rounds x calls                   : {figures.rounds} x {figures.size} of each, interleaved"
    )
    print(f"httpx get + json.loads, page 100 : median {median_us['raw']:8.0f} us")
    print(f"accounts.list page 100, conforms : median {median_us['conforming']:8.0f} us")
    print(f"accounts.list page 100, deviates : median {median_us['deviating']:8.0f} us")
    print(f"deviations recorded (once each)  : {figures.found}")
    verdict = "met" if figures.conforming_ratio <= TARGET else "NOT met"
    target = f"target <= {TARGET}x: {verdict}"
    print(f"conforming ratio (median)        : {figures.conforming_ratio:.2f}x ({target})")
    print(
        f"deviating ratio (median)         : {figures.deviating_ratio:.2f}x (measured, no target)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
