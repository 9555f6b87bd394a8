"""Fault soak: 1,000 mixed operations through the fake's loopback server, 20% of them faulted.

Operations: get an account, list accounts page by page, pause, resume, disable warmup and wait for
its job. One response in five is replaced by a transient fault, evenly mixed: 429 with
Retry-After, 502, 503, a reset before the request is processed, a reset after it was processed,
and a response slower than the client's read timeout. The connections are real loopback sockets;
time is a shared manual clock (the client's backoff sleeps and job waits advance it), so the soak
costs only the real read timeouts.

What must hold:
- every operation completes, or raises one of the errors documented for it;
- no job-creating POST (warmup disable) is sent again after an attempt that may have been
  processed (only a 429, which is answered before processing, may be followed by a resend), and
  no operation started two jobs;
- the counts (operations, attempts, retries, faults by kind, outcomes) are printed and attached
  to the test report as properties, for the README's RELIABILITY section.
"""

from __future__ import annotations

import logging
import random
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from instantly import (
    APIConnectionError,
    AsyncInstantly,
    Instantly,
    InternalServerError,
    JobTimeoutError,
    PartialBatchError,
    RateLimitError,
)
from instantly.testing import (
    FakeClock,
    FakeInstantly,
    Fault,
    FaultPlan,
    JobScript,
    RecordedRequest,
)

from tests._hardening import SECRET_KEY
from tests._tally import TALLY
from tests.behaviour.conftest import SpecChecker

OPERATIONS = 1000
ASYNC_OPERATIONS = 300  # the async shells share the decisions; fewer suffice
FAULT_SHARE = 0.20
SEED = 20260808
ACCOUNTS = 30
READ_TIMEOUT = 0.1  # real seconds: a slow fault costs this much wall time
SLOW_FAULT = 0.3  # longer than the read timeout
MAX_RETRIES = 3
WARMUP_PATH = "/api/v2/accounts/warmup/disable"

FAULTS: dict[str, Fault] = {
    "429 Retry-After": Fault.rate_limited(retry_after=1.0),
    "502": Fault.server_error(502),
    "503": Fault.server_error(503),
    "reset before processing": Fault.drop_before(reset=True),
    "reset after processing": Fault.drop_after(reset=True),
    "read timeout": Fault.slow(SLOW_FAULT),
}

# Errors an operation may end with once its retries are spent (or, for the job-creating POST,
# at once when the attempt may have been processed). Anything else is a failure of the soak.
DOCUMENTED: dict[str, tuple[type[Exception], ...]] = {
    "get": (APIConnectionError, InternalServerError, RateLimitError),
    "list": (APIConnectionError, InternalServerError, RateLimitError),
    "pause": (APIConnectionError, InternalServerError, RateLimitError),
    "resume": (APIConnectionError, InternalServerError, RateLimitError),
    "disable warmup + wait": (
        APIConnectionError,
        InternalServerError,
        RateLimitError,
        JobTimeoutError,
        PartialBatchError,  # a lost answer the look-up found without a job, or could not settle
    ),
}
WEIGHTS = {"get": 30, "list": 20, "pause": 15, "resume": 15, "disable warmup + wait": 20}


def fault_plan() -> FaultPlan:
    """Every request faulted with probability FAULT_SHARE, the kinds equally likely.

    Rules are tried in order, each with its own coin: rule k is reached with probability
    1 - k*q (q = FAULT_SHARE / kinds), so giving it q / (1 - k*q) makes each kind exactly q.
    """
    plan = FaultPlan(seed=SEED)
    share = FAULT_SHARE / len(FAULTS)
    for k, fault in enumerate(FAULTS.values()):
        plan.add(fault, times=None, probability=share / (1 - k * share))
    return plan


class RetryCounter(logging.Handler):
    """Counts the transport's "retrying" log lines: one per retry actually taken."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            self.retries += 1


@dataclass
class Tally:
    """What the soak saw, for the assertions and the report."""

    operations: Counter[str] = field(default_factory=Counter)
    completed: Counter[str] = field(default_factory=Counter)
    raised: Counter[str] = field(default_factory=Counter)
    undocumented: list[str] = field(default_factory=list)
    warmup_posts: int = 0
    resent_after_maybe_processed: int = 0
    duplicate_jobs: int = 0
    raised_after_processing: int = 0


def _fake(clock: FakeClock) -> FakeInstantly:
    fake = FakeInstantly(
        clock=clock,
        rate_limit=None,
        faults=fault_plan(),
        job_script=JobScript.success(pending=0.5, running=2.0, steps=2),
    )
    fake.seed_accounts(ACCOUNTS)
    return fake


def _client_options(base_url: str, clock: FakeClock) -> dict[str, Any]:
    return {
        "base_url": base_url,
        "timeout": httpx.Timeout(5.0, read=READ_TIMEOUT),
        "max_retries": MAX_RETRIES,
        "rate_limit": None,
        "clock": clock,
        "rng": random.Random(SEED).random,
    }


def _sync_operation(kind: str, client: Instantly, email: str) -> Callable[[], object]:
    if kind == "get":
        return lambda: client.accounts.get(email)
    if kind == "list":
        return lambda: sum(1 for _ in client.accounts.list(limit=10))
    if kind == "pause":
        return lambda: client.accounts.pause(email)
    if kind == "resume":
        return lambda: client.accounts.resume(email)
    return lambda: client.accounts.disable_warmup([email], wait=True, wait_timeout=600.0)


async def _async_operation(kind: str, client: AsyncInstantly, email: str) -> object:
    if kind == "get":
        return await client.accounts.get(email)
    if kind == "list":
        return len([item async for item in client.accounts.list(limit=10)])
    if kind == "pause":
        return await client.accounts.pause(email)
    if kind == "resume":
        return await client.accounts.resume(email)
    return await client.accounts.disable_warmup([email], wait=True, wait_timeout=600.0)


def _check_warmup_posts(window: list[RecordedRequest], tally: Tally, failed: bool) -> None:
    """No resend after a maybe-processed attempt; at most one job started per operation."""
    posts = [r for r in window if r.method == "POST" and r.path == WARMUP_PATH]
    tally.warmup_posts += len(posts)
    for earlier in posts[:-1]:
        if not (earlier.status == 429 and earlier.fault is not None):
            tally.resent_after_maybe_processed += 1
    processed = [r for r in posts if r.status == 200]
    tally.duplicate_jobs += max(0, len(processed) - 1)
    if failed and processed:
        tally.raised_after_processing += 1


class Soak:
    """The bookkeeping of one soak: which operation next, what it did, and the final checks."""

    def __init__(self, fake: FakeInstantly, operations: int) -> None:
        self.fake = fake
        self.total = operations
        self.tally = Tally()
        self._choose = random.Random(SEED)
        self._emails = fake.account_emails()
        self._counter = RetryCounter()
        self._logger = logging.getLogger("instantly")
        self._level = self._logger.level
        self._start = 0
        self._kind = ""

    def __enter__(self) -> Soak:
        self._logger.addHandler(self._counter)
        self._logger.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self._counter)
        self._logger.setLevel(self._level)

    def next(self) -> tuple[str, str]:
        """The next operation's kind and address (seeded), marking where its requests start."""
        self._kind = self._choose.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        self.tally.operations[self._kind] += 1
        self._start = len(self.fake.requests)
        return self._kind, self._choose.choice(self._emails)

    def ended(self, exc: Exception | None) -> None:
        """Record how the current operation ended (None: it completed)."""
        kind, tally = self._kind, self.tally
        if exc is None:
            tally.completed[kind] += 1
        elif isinstance(exc, DOCUMENTED[kind]):
            tally.raised[type(exc).__name__] += 1
        else:
            tally.undocumented.append(f"{kind}: {type(exc).__name__}: {exc}")
        if kind == "disable warmup + wait":
            _check_warmup_posts(self.fake.requests[self._start :], tally, exc is not None)

    def report(self, label: str, record_property: Callable[[str, object], None]) -> None:
        """Print the figures, attach them to the test report, then assert what must hold."""
        fake, tally = self.fake, self.tally
        injected = Counter(
            next(name for name, f in FAULTS.items() if f == record.fault)
            for record in fake.faults.injected
        )
        attempts = len(fake.requests)
        processed = sum(
            1
            for r in fake.requests
            if r.method == "POST" and r.path == WARMUP_PATH and r.status == 200
        )
        figures = {
            "operations": self.total,
            "completed": sum(tally.completed.values()),
            "raised_documented_error": sum(tally.raised.values()),
            "undocumented_errors": len(tally.undocumented),
            "attempts_sent": attempts,
            "retries": self._counter.retries,
            "faults_injected": len(fake.faults.injected),
            "fault_share": round(len(fake.faults.injected) / attempts, 3),
            "warmup_posts": tally.warmup_posts,
            "jobs_started": len(fake.jobs.ids()),
            "resent_after_maybe_processed": tally.resent_after_maybe_processed,
            "duplicate_jobs": tally.duplicate_jobs,
            "raised_after_processing": tally.raised_after_processing,
        }
        for name, value in figures.items():
            record_property(f"{label}_{name}", value)
        TALLY.record(f"fault_soak_{label}", figures)
        print(f"\n{label} fault soak:", ", ".join(f"{k}={v}" for k, v in figures.items()))
        print("  operations by kind:", dict(tally.operations))
        print("  faults by kind:", dict(injected))
        print("  errors raised:", dict(tally.raised))

        assert tally.undocumented == [], tally.undocumented[:5]
        assert tally.resent_after_maybe_processed == 0
        assert tally.duplicate_jobs == 0
        assert sum(tally.completed.values()) + sum(tally.raised.values()) == self.total
        assert set(injected) == set(FAULTS), "every kind of fault was exercised"
        assert 0.15 <= len(fake.faults.injected) / attempts <= 0.25
        assert self._counter.retries > 0
        # Every job the server started belongs to a warmup call that got its 200 or raised.
        assert len(fake.jobs.ids()) == processed


def test_a_thousand_operations_survive_twenty_percent_transient_faults(
    spec_checker: SpecChecker | None,
    record_property: Callable[[str, object], None],
) -> None:
    clock = FakeClock(1000.0)
    fake = _fake(clock)
    with (
        fake.serve() as base_url,
        Instantly(SECRET_KEY, sleep=clock.sleep, **_client_options(base_url, clock)) as client,
        Soak(fake, OPERATIONS) as soak,
    ):
        for _ in range(OPERATIONS):
            kind, email = soak.next()
            try:
                _sync_operation(kind, client, email)()
            except Exception as exc:  # the soak's point: sorted into documented or not
                soak.ended(exc)
            else:
                soak.ended(None)
    soak.report("sync", record_property)
    if spec_checker is not None:
        spec_checker.check_all(fake)


async def test_async_operations_survive_twenty_percent_transient_faults(
    record_property: Callable[[str, object], None],
) -> None:
    clock = FakeClock(1000.0)
    fake = _fake(clock)
    with fake.serve() as base_url, Soak(fake, ASYNC_OPERATIONS) as soak:
        async with AsyncInstantly(
            SECRET_KEY, sleep=clock.async_sleep, **_client_options(base_url, clock)
        ) as client:
            for _ in range(ASYNC_OPERATIONS):
                kind, email = soak.next()
                try:
                    await _async_operation(kind, client, email)
                except Exception as exc:
                    soak.ended(exc)
                else:
                    soak.ended(None)
    soak.report("async", record_property)


def test_a_client_that_gave_up_on_a_slow_response_leaves_no_server_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The fake's server writes a late answer to a reset socket quietly (it printed a
    BrokenPipeError traceback per read-timeout fault, burying real failures in the soak's output).
    """
    fake = FakeInstantly(rate_limit=None)
    fake.seed_accounts(1)
    fake.faults.add(Fault.slow(0.2), times=1)
    with fake.serve() as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(
                b"GET /api/v2/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
            )
            time.sleep(0.05)  # the server has read the request and is "slow"
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.5)  # the server wakes up and writes to the reset socket
    assert "Traceback" not in capfd.readouterr().err
