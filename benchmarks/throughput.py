"""Bulk work under Instantly's rate limit: list 10,000 accounts, pause 10,000 accounts.

The fake Instantly server (its own process) enforces the limit and counts the 429s it sends;
our client (in this process) runs with the same limit as its client-side budget. Each workload
also runs once with no limit on either side, in the same run: that is the machine's own floor.

    floor = max(limit floor, unthrottled wall time)

where the limit floor is the earliest the last of the N requests the server saw may start under
the limit (N-1 requests after the first, at most L per window W, for each window). The ratio
wall / floor is judged against the target (<= 1.05x), with 429s counted where they land: at the
server (sent by the fake's limiter) and at the caller (a RateLimitError out of our client).

A scaled-down profile runs the same workloads with a faster clock on both sides (the fake's
windows and our limiter's windows are in the shared, scaled seconds), so the limit binds and the
run still takes seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _children import FakeServer
from _harness import REPO_ROOT, Section, Verdict, fmt_ratio

__all__ = ["Outcome", "Profile", "limit_floor", "main", "profiles", "run", "run_workload"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))


@dataclass(frozen=True)
class Profile:
    """A rate limit (per second, per minute, in the shared clock) and how fast that clock runs."""

    name: str
    per_second: int
    per_minute: int
    speed: float
    accounts: int
    warm: bool = False  # connect (one untimed request) and let the windows reset before timing

    @property
    def described(self) -> str:
        """E.g. '100/s and 6,000/min, real time'."""
        clock = "real time" if self.speed == 1 else f"clock x{self.speed:g}"
        return f"{self.per_second:,}/s and {self.per_minute:,}/min, {clock}"


def profiles(quick: bool) -> list[Profile]:
    """Instantly's limit in real time, and a scaled-down one whose minute window binds in seconds.

    Listing or bulk-pausing 10,000 accounts takes about 100 requests, which never reach
    Instantly's 6,000/min; the scaled-down profile (10/s and 60/min on a clock x10, so 100
    requests per real second and 60 per 6 real seconds) makes both windows bind. Instantly's
    limit also runs on a connection opened before timing: the difference isolates what the
    first request's connection setup does at a window boundary.
    """
    accounts = 2_000 if quick else 10_000
    return [
        Profile("Instantly's limit", 100, 6_000, 1.0, accounts),
        Profile("Instantly's limit, warm connection", 100, 6_000, 1.0, accounts, warm=True),
        Profile("scaled down", 10, 60, 10.0, accounts),
    ]


def limit_floor(requests: int, per_second: int, per_minute: int) -> float:
    """Seconds (in the limit's clock) before the last of `requests` may start under the limit.

    The earliest schedule: request k starts once k-L started at least W earlier, for each window
    (L per W) -- the same whether the windows slide (our limiter) or are fixed windows opened by
    the first request after the previous one ended (the fake, like Instantly's server).
    """
    starts: list[float] = []
    for k in range(requests):
        at = starts[-1] if starts else 0.0
        for allowed, window in ((per_second, 1.0), (per_minute, 60.0)):
            if k >= allowed:
                at = max(at, starts[k - allowed] + window)
        starts.append(at)
    return starts[-1] if starts else 0.0


@dataclass(frozen=True)
class Outcome:
    """One workload run: wall seconds, items done, server counters, 429s that reached the caller."""

    wall: float
    items: int
    requests: int
    throttled_at_server: int
    throttled_at_caller: int
    error: str | None = None


Workload = Callable[[Any, list[str]], int]


def _paginate(client: Any, emails: list[str]) -> int:
    return sum(1 for _ in client.accounts.list())


def _pause_many(client: Any, emails: list[str]) -> int:
    result = client.accounts.pause_many(emails)
    paused = getattr(result, "paused", None) or getattr(result, "paused_emails", None)
    return len(paused) if paused is not None else len(emails)


WORKLOADS: dict[str, tuple[str, Workload]] = {
    "paginate": ("list every account (pages of 100)", _paginate),
    "pause_many": ("`accounts.pause_many` of every account", _pause_many),
}


def _client(base_url: str, profile: Profile | None, speed: float) -> Any:
    from instantly import Instantly, RateLimit

    limit = None if profile is None else RateLimit(profile.per_second, profile.per_minute)
    if speed == 1.0:
        return Instantly("bench-key", base_url=base_url, rate_limit=limit)

    def clock() -> float:
        return time.monotonic() * speed

    def sleep(seconds: float) -> None:
        time.sleep(seconds / speed)

    return Instantly("bench-key", base_url=base_url, rate_limit=limit, clock=clock, sleep=sleep)


def run_workload(
    workload: str, accounts: int, profile: Profile | None, speed: float, *, warm: bool = False
) -> Outcome:
    """Run one workload against a fresh fake server; `profile` None: no limit on either side.

    `warm`: first send one untimed request (opening the connection), wait until the per-second
    window has reset, and leave that request out of the counts.
    """
    from instantly import RateLimitError

    limit = None if profile is None else (profile.per_second, profile.per_minute)
    emails = [
        f"sender{n:0{max(3, len(str(accounts)))}d}@example.com" for n in range(1, accounts + 1)
    ]
    with FakeServer(accounts=accounts, rate_limit=limit, speed=speed) as server:
        client = _client(server.base_url, profile, speed)
        before = {"requests": 0, "throttled": 0}
        if warm:
            client.accounts.get(emails[0])
            time.sleep(1.1 / speed)
            before = server.stats()
        caller_429 = 0
        error = None
        items = 0
        start = time.perf_counter()
        try:
            items = WORKLOADS[workload][1](client, emails)
        except RateLimitError as exc:
            caller_429 = 1
            error = f"RateLimitError reached the caller: {exc}"
        wall = time.perf_counter() - start
        client.close()
        stats = server.stats()
    requests = stats["requests"] - before["requests"]
    throttled = stats["throttled"] - before["throttled"]
    return Outcome(wall, items, requests, throttled, caller_429, error)


def _median_run(outcomes: list[Outcome]) -> Outcome:
    """The run with the median wall time; any 429 that reached the caller in any run is kept."""
    ordered = sorted(outcomes, key=lambda o: o.wall)
    middle = ordered[len(ordered) // 2]
    worst = max(outcomes, key=lambda o: (o.throttled_at_caller, o.throttled_at_server))
    if worst.throttled_at_caller or worst.error:
        return worst
    return middle


def _warm_up() -> None:
    """One small untimed run, so imports and first-use costs fall outside the timed runs."""
    for name in WORKLOADS:
        if name == "pause_many" and not _has_pause_many():
            continue
        run_workload(name, 300, None, 1.0)


def _has_pause_many() -> bool:
    from instantly import Instantly

    return hasattr(Instantly("bench-key", rate_limit=None).accounts, "pause_many")


def run(quick: bool) -> Section:
    """The rate-limited throughput section."""
    started = time.perf_counter()
    repeats = 1 if quick else 5  # short runs (0.2 s) are noisy: the median of five
    _warm_up()
    section = Section(
        title="Bulk work under the rate limit",
        description=(
            "Our client against the fake server enforcing the limit (the server counts the 429s "
            "it sends), beside the same workload with no limit on either side (the unthrottled "
            "wall time). floor = max(limit floor, unthrottled wall), where the limit floor is "
            "the earliest the last answered request may start under the limit. Each "
            f"figure is the median of {repeats} run(s), limited and unthrottled alternating. The "
            "scaled-down profile runs both sides on a clock x10 with 10/s and 60/min, so both "
            "windows bind and a run still takes seconds."
        ),
        headers=[
            "workload",
            "profile",
            "accounts",
            "requests",
            "wall",
            "unthrottled",
            "limit floor",
            "wall / floor",
            "429 at server",
            "429 at caller",
        ],
    )
    workloads = ["paginate"] + (["pause_many"] if _has_pause_many() else [])
    if "pause_many" not in workloads:
        section.verdicts.append(
            Verdict("`pause_many` of 10,000 ≤ 1.05x floor, 0 429s to the caller", "-", None,
                    "our client has no `accounts.pause_many` in this checkout")
        )  # fmt: skip
    for name in workloads:
        for profile in profiles(quick):
            frees: list[Outcome] = []
            limiteds: list[Outcome] = []
            for _ in range(repeats):
                args = (name, profile.accounts)
                frees.append(run_workload(*args, None, profile.speed, warm=profile.warm))
                limiteds.append(run_workload(*args, profile, profile.speed, warm=profile.warm))
            free = _median_run(frees)
            limited = _median_run(limiteds)
            answered = limited.requests - limited.throttled_at_server  # a 429 is not work done
            floor_limit = (
                limit_floor(answered, profile.per_second, profile.per_minute) / profile.speed
            )
            floor = max(floor_limit, free.wall)
            ratio = limited.wall / floor
            section.rows.append(
                [
                    WORKLOADS[name][0],
                    f"{profile.name} ({profile.described})",
                    f"{profile.accounts:,}",
                    f"{limited.requests:,}",
                    f"{limited.wall:.2f} s",
                    f"{free.wall:.2f} s",
                    f"{floor_limit:.2f} s",
                    fmt_ratio(ratio),
                    str(limited.throttled_at_server),
                    str(limited.throttled_at_caller),
                ]
            )
            target = f"{WORKLOADS[name][0]}, {profile.name}: ≤ 1.05x floor, 0 429s to the caller"
            met = ratio <= 1.05 and limited.throttled_at_caller == 0 and limited.error is None
            note = limited.error or ""
            if limited.throttled_at_server:
                note += _why_throttled(limited.throttled_at_server, profile.speed)
            elif ratio > 1.05:
                note += _why_over(floor_limit, free.wall, limited.wall)
            section.verdicts.append(
                Verdict(target, f"{fmt_ratio(ratio)}, {limited.throttled_at_caller} to caller",
                        met, note.strip())
            )  # fmt: skip
    section.seconds = time.perf_counter() - started
    return section


def _why_throttled(count: int, speed: float) -> str:
    scaled = (
        f" On this clock x{speed:g}, every millisecond of latency jitter counts as "
        f"{speed:g} ms of the limit's time, so boundaries are crossed more often."
        if speed != 1
        else " The first request of a run also opens the connection, so it arrives later "
        "than booked: the warm-connection row, the same run on an open connection, has none."
    )
    return (
        f" {count} request(s) reached the server's limiter early and got a 429 (the transport "
        "retried them; none reached the caller), each costing its Retry-After (Instantly sends "
        "whole seconds: 1 s at least, on the limit's clock). Our limiter books send times on "
        "the client's clock, the server counts arrivals: a request booked exactly one window "
        "after an earlier one arrives too early whenever that earlier one arrived later than "
        f"booked.{scaled} A margin of a few milliseconds per window in the client's limiter "
        "(or counting a window from the first response rather than the first send) would "
        "close it."
    )


def _why_over(floor_limit: float, free: float, wall: float) -> str:
    if floor_limit >= free:
        return (
            f" The limit binds (limit floor {floor_limit:.2f} s > unthrottled {free:.2f} s); "
            f"the {wall - floor_limit:.2f} s above it is the service time of the requests after "
            "the last wait, which the sequential calls add: sending the next request while the "
            "previous answer is parsed would hide part of it."
        )
    return (
        f" The limit does not bind (unthrottled {free:.2f} s ≥ limit floor {floor_limit:.2f} s): "
        f"both runs send the same requests without waiting, so the {wall - free:.2f} s gap is "
        "the limiter's bookkeeping or noise between separate runs of a short workload (the "
        "per-call section, where the limiter is on, bounds its cost more precisely)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the section as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(run(args.quick).to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
