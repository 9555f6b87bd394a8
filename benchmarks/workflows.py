"""Workflows under the rate limits: import 10,000 leads, read 30 pages of unread emails.

Both run against the fake Instantly server in its own process, which enforces the workspace
limit and the per-endpoint limits the spec states, and counts the 429s it sends.

- Lead import: `leads.add_many` of 10,000 leads into a campaign, under Instantly's workspace
  limit (100/s and 6,000/min, real time) and, in the same run, with no limit on either side. Ten
  requests never make that limit bind, so floor = max(limit floor, unthrottled wall) is the
  unthrottled wall: the ratio is what the limiter costs. Raw httpx posting the same ten bodies
  (no checks, no parsing) is shown beside it: what the client adds on top of the wire.
- Unread emails: `emails.list(is_unread=True)` walked for 30 pages through the 20/min limit of
  `GET /api/v2/emails` (the spec's words, in the generated limits), on a clock running K times
  faster on both sides, so the minute binds and a run takes seconds. The limit floor is when the
  30th request may start (the 21st to 30th wait for the first minute to pass); 0 server 429s
  means the client never provoked the server's limiter.

Each figure is the median of the runs (fewer with --quick); the limited and unthrottled runs
alternate. Figures only: no target here fails a run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from _children import FakeServer
from _harness import REPO_ROOT, Section, Verdict, fmt_ratio
from throughput import limit_floor

__all__ = ["EMAIL_PAGES", "LEADS", "main", "run"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

LEADS: Final = 10_000
EMAIL_PAGES: Final = 30
PAGE_SIZE: Final = 10
WORKSPACE: Final = (100, 6_000)  # Instantly's workspace limit: per second, per minute
EMAILS_PER_MINUTE: Final = 20  # GET /api/v2/emails (the spec's description)
_SCHEDULE: Final = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}


@dataclass(frozen=True)
class Run:
    """One timed workload: wall seconds, requests the server answered, 429s it sent."""

    wall: float
    requests: int
    throttled: int


def _median(runs: list[Run]) -> Run:
    """The median wall time's run; a run with server 429s wins (they must not hide)."""
    throttled = [r for r in runs if r.throttled]
    if throttled:
        return max(throttled, key=lambda r: r.throttled)
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def _client(base_url: str, limit: tuple[int, int] | None, speed: float) -> Any:
    from instantly import Instantly, RateLimit

    rate_limit = None if limit is None else RateLimit(*limit)
    if speed == 1.0:
        return Instantly("bench-key", base_url=base_url, rate_limit=rate_limit)

    def clock() -> float:
        return time.monotonic() * speed

    def sleep(seconds: float) -> None:
        time.sleep(seconds / speed)

    return Instantly(
        "bench-key", base_url=base_url, rate_limit=rate_limit, clock=clock, sleep=sleep
    )


def _new_campaign(http: Any) -> str:
    """A fresh campaign (an import into it adds every lead), made with plain httpx."""
    answer = http.post("/api/v2/campaigns", json={"name": "bench", "campaign_schedule": _SCHEDULE})
    answer.raise_for_status()
    return str(answer.json()["id"])


def _leads() -> list[dict[str, str]]:
    return [
        {"email": f"lead{n:05d}@example.com", "first_name": f"Lead {n}", "company_name": "Acme"}
        for n in range(LEADS)
    ]


def _timed_import(server: FakeServer, client: Any, http: Any, leads: list[Any]) -> Run:
    campaign = _new_campaign(http)
    before = server.stats()
    start = time.perf_counter()
    result = client.leads.add_many(leads, campaign_id=campaign)
    wall = time.perf_counter() - start
    after = server.stats()
    if len(result.created) != LEADS:
        raise RuntimeError(f"the import created {len(result.created)} of {LEADS} leads")
    return Run(
        wall, after["requests"] - before["requests"], after["throttled"] - before["throttled"]
    )


def _timed_raw_posts(http: Any, leads: list[Any], size: int) -> float:
    campaign = _new_campaign(http)
    start = time.perf_counter()
    for first in range(0, len(leads), size):
        body = {"leads": leads[first : first + size], "campaign_id": campaign}
        http.post("/api/v2/leads/add", json=body).raise_for_status()
    return time.perf_counter() - start


def _lead_import(repeats: int, section: Section) -> None:
    import httpx
    from instantly._helpers._lead_import import chunk_size

    leads = _leads()
    size = chunk_size() or LEADS
    limited_runs: list[Run] = []
    free_runs: list[Run] = []
    raw_walls: list[float] = []
    # One server for all three (its workspace limit never binds at 10 requests), so the runs
    # differ only in the client: with Instantly's limit, without, and raw httpx.
    with FakeServer(accounts=3, rate_limit=WORKSPACE) as server:
        headers = {"Authorization": "Bearer bench-key"}
        with (
            httpx.Client(base_url=server.base_url, headers=headers) as http,
            _client(server.base_url, WORKSPACE, 1.0) as limited,
            _client(server.base_url, None, 1.0) as free,
        ):
            # Untimed: imports and first use on both sides (the server compiles its checks).
            for client in (free, limited):
                client.leads.add_many(leads[:size], campaign_id=_new_campaign(http))
            _timed_raw_posts(http, leads[:size], size)
            # The fake's store grows by 10,000 leads a run: the order alternates, so neither
            # client always meets the larger store.
            for repeat in range(repeats):
                pair = [(free, free_runs), (limited, limited_runs)]
                for client, runs in pair if repeat % 2 == 0 else reversed(pair):
                    runs.append(_timed_import(server, client, http, leads))
                raw_walls.append(_timed_raw_posts(http, leads, size))
    limited_run, free_run = _median(limited_runs), _median(free_runs)
    raw = sorted(raw_walls)[len(raw_walls) // 2]
    floor_limit = limit_floor(limited_run.requests, *WORKSPACE)
    floor = max(floor_limit, free_run.wall)
    ratio = limited_run.wall / floor
    section.rows.append(
        [
            f"`leads.add_many` of {LEADS:,} leads",
            f"workspace limit ({WORKSPACE[0]}/s and {WORKSPACE[1]:,}/min, real time)",
            str(limited_run.requests),
            f"{limited_run.wall:.2f} s",
            f"{free_run.wall:.2f} s",
            f"{floor_limit:.2f} s",
            fmt_ratio(ratio),
            str(limited_run.throttled),
            f"{raw:.2f} s",
        ]
    )
    met = ratio <= 1.05 and limited_run.requests == -(-LEADS // size) and not limited_run.throttled
    note = ""
    if ratio > 1.05:
        note = (
            f"the limit does not bind ({limited_run.requests} requests); the "
            f"{limited_run.wall - free_run.wall:.2f} s gap is the limiter's bookkeeping or noise "
            "between separate runs"
        )
    section.verdicts.append(
        Verdict(
            f"import {LEADS:,} leads: {-(-LEADS // size)} requests, ≤ 1.05x floor",
            f"{limited_run.requests} requests, {fmt_ratio(ratio)}",
            met,
            note,
        )
    )
    section.notes.append(
        f"Raw httpx posting the same {-(-LEADS // size)} bodies takes {raw:.2f} s; the client's "
        f"{free_run.wall:.2f} s unthrottled adds checking every lead against the spec before the "
        "first request and reading each answer into per-lead results."
    )


def _timed_pages(server: FakeServer, client: Any) -> tuple[Run, int]:
    client.emails.count_unread()  # untimed: opens the connection (another operation's limit)
    time.sleep(0.2)
    before = server.stats()
    start = time.perf_counter()
    pages = 0
    for _page in client.emails.list(is_unread=True, limit=PAGE_SIZE).iter_pages():
        pages += 1
        if pages == EMAIL_PAGES:
            break
    wall = time.perf_counter() - start
    after = server.stats()
    run = Run(
        wall, after["requests"] - before["requests"], after["throttled"] - before["throttled"]
    )
    return run, pages


def _email_pages(repeats: int, speed: float, section: Section) -> None:
    emails = EMAIL_PAGES * PAGE_SIZE + PAGE_SIZE  # a 31st page exists: the walk stops at 30
    limited_runs: list[Run] = []
    free_runs: list[Run] = []
    for _ in range(repeats):
        for limit, runs in ((None, free_runs), (WORKSPACE, limited_runs)):
            server = FakeServer(accounts=3, rate_limit=limit, speed=speed, emails=emails)
            with server, _client(server.base_url, limit, speed) as client:
                run, pages = _timed_pages(server, client)
            if pages != EMAIL_PAGES:
                raise RuntimeError(f"read {pages} pages of unread emails, not {EMAIL_PAGES}")
            runs.append(run)
    limited_run, free_run = _median(limited_runs), _median(free_runs)
    answered = limited_run.requests - limited_run.throttled
    floor_limit = limit_floor(answered, WORKSPACE[0], EMAILS_PER_MINUTE) / speed
    floor = max(floor_limit, free_run.wall)
    ratio = limited_run.wall / floor
    section.rows.append(
        [
            f"{EMAIL_PAGES} pages of unread emails ({PAGE_SIZE} a page)",
            f"{EMAILS_PER_MINUTE}/min on `GET /api/v2/emails` + workspace limit, clock x{speed:g}",
            str(limited_run.requests),
            f"{limited_run.wall:.2f} s",
            f"{free_run.wall:.2f} s",
            f"{floor_limit:.2f} s",
            fmt_ratio(ratio),
            str(limited_run.throttled),
            "-",
        ]
    )
    note = ""
    if limited_run.throttled:
        note = (
            f"{limited_run.throttled} request(s) reached the server's limiter early (the "
            f"transport waited their Retry-After); on a clock x{speed:g} each real millisecond "
            f"of latency jitter is {speed:g} ms of the limit's time"
        )
    elif ratio > 1.05:
        note = (
            f"the {limited_run.wall - floor_limit:.2f} s above the limit floor is the service "
            f"time of the {EMAIL_PAGES - EMAILS_PER_MINUTE} pages read after the minute's wait: "
            "each needs the previous page's cursor, so they cannot overlap"
        )
    section.verdicts.append(
        Verdict(
            f"{EMAIL_PAGES} pages through {EMAILS_PER_MINUTE}/min: 0 server 429s, ≤ 1.05x floor",
            f"{limited_run.throttled} 429s, {fmt_ratio(ratio)}",
            ratio <= 1.05 and limited_run.throttled == 0,
            note,
        )
    )


def run(quick: bool) -> Section:
    """The workflows section."""
    started = time.perf_counter()
    speed = 30.0 if quick else 10.0
    section = Section(
        title="Workflows under the rate limits",
        description=(
            "Our client against the fake server in its own process, which enforces the "
            "workspace limit and the per-endpoint limits and counts the 429s it sends, beside "
            "the same workload with no limit on either side (unthrottled). floor = max(limit "
            "floor, unthrottled wall); the limit floor is the earliest the last request may "
            "start under the limits. The email pages run on a clock x"
            f"{speed:g} on both sides, so the 20/min window binds in seconds, on a connection "
            "opened by one untimed request to another endpoint. Each figure is the median of "
            f"{3 if quick else 5} import(s) and {1 if quick else 3} page walk(s)."
        ),
        headers=[
            "workload",
            "limits",
            "requests",
            "wall",
            "unthrottled",
            "limit floor",
            "wall / floor",
            "429 at server",
            "raw httpx",
        ],
    )
    _lead_import(3 if quick else 5, section)
    _email_pages(1 if quick else 3, speed, section)
    section.seconds = time.perf_counter() - started
    return section


def main(argv: Sequence[str] | None = None) -> int:
    """Print the section as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(run(args.quick).to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
