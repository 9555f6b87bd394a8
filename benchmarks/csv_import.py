"""A CSV lead import of up to 1,000,000 rows: peak memory flat in the row count, and time.

`instantly leads import FILE.csv --campaign ID` runs in a child process (its peak RSS from
wait4) against the fake server in another (no rate limit on either side: the figure is the
import's own cost, not the workspace limit's 6,000/min). The command streams the file twice (a
checking pass, then a sending pass a chunk of 1,000 at a time, each chunk journaled), so its
memory should not grow with the file: the largest file's peak is compared with the smallest's.
A fresh server per size keeps one size's leads from slowing the next (the fake scans its whole
store per bulk add). The 10,000-row file stands beside the workflows section's `add_many` of
10,000 leads built in memory.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from _children import FakeServer
from _harness import REPO_ROOT, Section, Verdict, child_env, run_child

__all__ = ["ROWS", "ROWS_QUICK", "main", "run"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

ROWS: Final = (10_000, 100_000, 1_000_000)
ROWS_QUICK: Final = (2_000, 10_000)
FLAT: Final = 1.2  # the largest file's peak RSS within this factor of the smallest's
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
_CREATED = re.compile(r"^created:\s+(\d+)", re.MULTILINE)


def _write_csv(path: Path, rows: int) -> None:
    """`rows` leads with an email, two lead fields and a custom variable, written streamed."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("email,first_name,company_name,Plan\n")
        for start in range(0, rows, 10_000):
            file.write(
                "".join(
                    f"lead{n:07d}@example.com,Lead {n},Acme,pro\n"
                    for n in range(start, min(start + 10_000, rows))
                )
            )


def _new_campaign(base_url: str) -> str:
    import httpx

    answer = httpx.post(
        f"{base_url}/api/v2/campaigns",
        json={"name": "bench", "campaign_schedule": _SCHEDULE},
        headers={"Authorization": "Bearer bench-key"},
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def _check_pass(path: Path) -> float:
    """Seconds of the checking pass alone (in this process): the client's cost per row read."""
    from instantly._lead_csv import check_lead_csv

    start = time.perf_counter()
    check_lead_csv(path, for_list=False)
    return time.perf_counter() - start


def _import(path: Path, rows: int) -> tuple[float, int, int]:
    """(wall s, peak RSS KiB, requests) of one import of `path` into a fresh fake's campaign."""
    with FakeServer(accounts=1, rate_limit=None, max_seconds=3600.0) as server:
        campaign = _new_campaign(server.base_url)
        before = server.stats()["requests"]
        env = child_env(INSTANTLY_API_KEY="bench-key", INSTANTLY_BASE_URL=server.base_url)
        argv = [sys.executable, "-m", "instantly", "leads", "import", str(path)]
        result = run_child([*argv, "--campaign", campaign], timeout=3600.0, env=env)
        result.check(f"the import of {rows:,} rows")
        requests = server.stats()["requests"] - before
    created = _CREATED.search(result.stdout)
    if created is None or int(created[1]) != rows:
        raise RuntimeError(f"the import of {rows:,} rows said:\n{result.stdout[-2000:]}")
    return result.wall, result.peak_rss_kib, requests


def run(quick: bool, counts: Sequence[int] | None = None) -> Section:
    """The CSV import section (`counts`: other row counts, smallest first)."""
    started = time.perf_counter()
    sizes = tuple(counts) if counts else ROWS_QUICK if quick else ROWS
    section = Section(
        title="CSV import, streamed",
        description=(
            "`instantly leads import FILE.csv --campaign ID` in a child process (peak RSS from "
            "wait4) against the fake server in its own process, no rate limit on either side; "
            "one run per size, a fresh server each. The file is read twice (checked whole, then "
            "sent a chunk of 1,000 at a time with a journal)."
        ),
        headers=["rows", "file", "check pass", "requests", "wall", "rows/s", "peak RSS"],
    )
    peaks: list[int] = []
    with tempfile.TemporaryDirectory(prefix="instantly-csv-") as tmp:
        for rows in sizes:
            path = Path(tmp) / f"leads-{rows}.csv"
            _write_csv(path, rows)
            size = path.stat().st_size
            checking = _check_pass(path)
            wall, peak, requests = _import(path, rows)
            path.unlink()
            peaks.append(peak)
            section.rows.append(
                [
                    f"{rows:,}",
                    f"{size / 2**20:.1f} MiB",
                    f"{checking:.1f} s",
                    str(requests),
                    f"{wall:.1f} s",
                    f"{rows / wall:,.0f}",
                    f"{peak / 1024:.0f} MiB",
                ]
            )
    ratio = peaks[-1] / peaks[0]
    section.verdicts.append(
        Verdict(
            f"peak memory flat: {sizes[-1]:,} rows ≤ {FLAT}x the peak of {sizes[0]:,}",
            f"{peaks[-1] / 1024:.0f} MiB vs {peaks[0] / 1024:.0f} MiB ({ratio:.2f}x)",
            ratio <= FLAT,
        )
    )
    section.notes.append(
        "The wall time is the client's (each lead checked three times: the checking pass, the "
        "sending pass, `add_many`'s own check; a journal record synced per chunk before and "
        "after) and the fake's: its bulk add scans every lead it holds, so its share grows with "
        "the store and rows/s falls at 1,000,000; the check pass column is the client's "
        "reading alone."
    )
    section.seconds = time.perf_counter() - started
    return section


def main(argv: Sequence[str] | None = None) -> int:
    """Print the section as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--rows", type=int, nargs="+", help="row counts to import (default: the section's)"
    )
    args = parser.parse_args(argv)
    print(run(args.quick, args.rows).to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
