"""Job polling: requests per job and the delay between a job's end and its detection.

Runs on a simulated clock (`instantly.testing.FakeClock`) shared by the fake Instantly and our
client, so a 30 s job takes milliseconds and every figure is exact for its seed. Each job is
started with `client.accounts.enable_warmup([email])`, ends with `success` exactly D seconds
after it was created, and is followed with the returned handle's `wait()` (default backoff: 0.5 s
growing x1.5 to 10 s, equal jitter; the client's rng seeded per job). The same wait with
`poll_interval=1.0`, the simplest loop a user would write, is shown beside it for reference.

    python benchmarks/polling.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _harness import REPO_ROOT, Section

__all__ = ["JobRun", "follow_job", "main", "run"]

for _folder in (REPO_ROOT / "generated", REPO_ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

DURATIONS = (1.0, 5.0, 30.0)
_REAL_SECONDS_MAX = 5.0  # a simulated job takes milliseconds; more means real sleeping


@dataclass(frozen=True)
class JobRun:
    """One followed job: GET requests made for it, and seconds from its end to its detection."""

    requests: int
    delay: float


def follow_job(duration: float, seed: int, poll_interval: float | None) -> JobRun:
    """Start a warmup job ending `duration` s later and wait for it on a simulated clock.

    The caller starts waiting a seeded random 0-1 s after the job was created (it did something
    else first), so a fixed poll's ticks are not aligned with the job's end by construction.
    """
    from instantly import Instantly
    from instantly.testing import FakeClock, FakeInstantly, JobScript

    clock = FakeClock()
    fake = FakeInstantly(clock=clock)
    email = fake.seed_accounts(1)[0]
    pending = min(0.5, duration / 4)
    fake.jobs.script_next(JobScript.success(pending=pending, running=duration - pending, steps=4))
    rng = random.Random(seed)
    with Instantly(
        "bench-key",
        transport=fake.transport(sleep=clock.sleep),
        clock=clock,
        sleep=clock.sleep,
        rng=rng.random,
    ) as client:
        group = client.accounts.enable_warmup([email])
        assert len(group) == 1  # one address: one job
        handle = group[0]
        clock.advance(rng.random())
        handle.wait(wait_timeout=10 * duration + 60, poll_interval=poll_interval)
    detected = clock()
    job_id = handle.id
    ended = next(at for status, at in fake.jobs.history(job_id) if status == "success")
    polls = len(fake.requests_to("GET", f"/api/v2/background-jobs/{job_id}"))
    return JobRun(polls, detected - ended)


def _bounded(follow: Callable[[float, int, float | None], JobRun], *args: Any) -> JobRun:
    """One simulated job; RuntimeError if it took real time (the clock was not simulated)."""
    start = time.perf_counter()
    result = follow(*args)
    if time.perf_counter() - start > _REAL_SECONDS_MAX:
        raise RuntimeError(
            f"a simulated {args[0]:g} s job took {time.perf_counter() - start:.0f} s of real "
            "time: the wait is not using the injected clock and sleep"
        )
    return result


def run(quick: bool) -> Section:
    """The job-polling section."""
    started = time.perf_counter()
    seeds = 10 if quick else 200
    section = Section(
        title="Job polling",
        description=(
            f"Simulated clock; {seeds} jobs per duration (one jitter seed each), each started "
            "with `client.accounts.enable_warmup([email])` and ending `success` D s after it "
            "was created; the caller waits on the returned handle, starting a seeded random "
            "0-1 s later. Requests are GETs of that job; delay is detection time minus end time."
        ),
        headers=[
            "job ends after",
            "poller",
            "requests per job (median / max)",
            "detection delay (median / max)",
        ],
    )
    for duration in DURATIONS:
        for label, interval in (("ours (backoff)", None), ("`poll_interval=1.0`", 1.0)):
            runs = [_bounded(follow_job, duration, seed, interval) for seed in range(seeds)]
            reqs = [r.requests for r in runs]
            delays = [r.delay for r in runs]
            section.rows.append(
                [
                    f"{duration:g} s",
                    label,
                    f"{statistics.median(reqs):g} / {max(reqs)}",
                    f"{statistics.median(delays):.2f} s / {max(delays):.2f} s",
                ]
            )
    section.notes.append(
        "These figures have no numeric target. The backoff caps the delay "
        "between polls at 10 s, so a long job is detected within 10 s of its end, with a third "
        "of the requests of a fixed 1 s poll at 30 s (and a shrinking share beyond)."
    )
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
