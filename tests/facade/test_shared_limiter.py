"""`RateLimiter.shared`: the in-process limiter's guarantees held across processes.

Every behaviour runs on both stores. SQLite reads the callers' clock, so those tests drive
explicit times; Redis reads its own server clock, so its tests only ask what needs no time to
pass (a full window makes the next request wait; a released slot is free at once). Two limiters
on one URL stand for two processes; `test_processes_*` uses real ones. Each test has its own
SQLite file, or its own Redis database and key prefix.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from instantly import (
    Instantly,
    RateLimit,
    RateLimiter,
    RateLimitQueueTimeoutError,
    SharedLimiterError,
    SharedRateLimiter,
)
from instantly._errors import InvalidInputError
from instantly._rate_limiter import RateLimitHeld, RateLimitWaitTooLong, Ticket
from instantly._retry_transport import RetryTransport, TransportSettings
from instantly._shared_limiter import (
    _LATE_AFTER,
    TALKERS,
    WindowStore,
    _SharedTicket,
    open_store,
)

from tests._redis import redis_server, redis_url  # noqa: F401 (fixtures)

ROUTE = "GET /api/v2/emails"
Make = Callable[..., SharedRateLimiter]


def _limit(per_second: int = 3, per_minute: int = 1000, max_wait: float = 120.0) -> RateLimit:
    return RateLimit(per_second=per_second, per_minute=per_minute, max_wait=max_wait)


@pytest.fixture(params=["sqlite", "redis"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Make]:
    """Limiters over one store (call again for another "process" on the same URL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'limits.db'}"
    else:
        url = request.getfixturevalue("redis_url")
    made: list[SharedRateLimiter] = []

    def build(limit: RateLimit | None = None, **kwargs: object) -> SharedRateLimiter:
        limiter = RateLimiter.shared(url, limit or _limit(), **kwargs)  # type: ignore[arg-type]
        assert isinstance(limiter, SharedRateLimiter)
        made.append(limiter)
        return limiter

    yield build
    for limiter in made:
        limiter.close()


def _turn(ticket: Ticket) -> float:
    """When the ticket's turn comes (it sleeps half of a long wait, then asks again)."""
    assert isinstance(ticket, _SharedTicket)
    return ticket.turn


def _sent_now(limiter: SharedRateLimiter, now: float = 0.0, route: str | None = None) -> bool:
    ticket = limiter.reserve(now, route)
    return ticket.wait(now) == 0 and limiter.acquire(ticket, now) == 0


def test_a_full_window_makes_the_next_request_of_another_process_wait(make: Make) -> None:
    first, second = make(), make()
    assert all(_sent_now(first) for _ in range(3))
    ticket = second.reserve(0.0)
    assert 0 < ticket.wait(0.0) <= 1.02 + 1e-6


def test_a_long_wait_is_slept_in_halves_never_losing_its_turn(make: Make) -> None:
    limiter = make(_limit(per_second=1))
    assert _sent_now(limiter)
    tickets = [limiter.reserve(0.0) for _ in range(4)]  # turns at about 1, 2, 3 and 4 s
    assert tickets[-1].wait(0.0) == pytest.approx(4 * 1.02 / 2, abs=0.05)


def test_a_released_slot_is_free_for_another_process_at_once(make: Make) -> None:
    first, second = make(), make()
    tickets = [first.reserve(0.0) for _ in range(3)]
    first.release(tickets[0])  # cancelled, or refused with a 429: not counted
    assert _sent_now(second)


def test_a_released_claim_no_longer_holds_the_queue(make: Make) -> None:
    first, second = make(), make()
    for _ in range(3):
        assert _sent_now(first)
    waiting = [first.reserve(0.0) for _ in range(3)]  # claims on the next second
    first_turn = waiting[0].wait(0.0)
    for ticket in waiting:
        first.release(ticket)
    later = second.reserve(0.0)
    assert later.wait(0.0) <= first_turn


def test_waiters_of_two_processes_get_distinct_turns_in_order(make: Make, tmp_path: Path) -> None:
    first, second = make(_limit(per_second=1)), make(_limit(per_second=1))
    assert _sent_now(first)
    a, b = first.reserve(0.0), second.reserve(0.0)
    assert 0 < a.wait(0.0) < b.wait(0.0)


def test_a_retry_after_within_the_cap_defers_every_sharer(make: Make) -> None:
    first, second = make(clock=lambda: 0.0), make(clock=lambda: 0.0)
    first.defer_until(30.0)
    assert _turn(second.reserve(0.0)) >= 29.0


def test_a_retry_after_beyond_the_cap_refuses_every_sharer(make: Make) -> None:
    first, second = make(clock=lambda: 0.0), make(clock=lambda: 0.0)
    first.refuse_until(600.0)
    with pytest.raises(RateLimitHeld) as held:
        second.reserve(0.0)
    assert held.value.remaining >= 599.0


def test_a_pause_shows_in_every_sharer_s_paused_until(make: Make) -> None:
    first, second = make(clock=lambda: 0.0), make(clock=lambda: 0.0)
    assert second.paused_until is None
    first.refuse_until(600.0)
    assert second.paused_until is not None and 599.0 <= second.paused_until <= 600.5


def test_resume_in_one_process_ends_the_pause_for_every_sharer(make: Make) -> None:
    first, second = make(clock=lambda: 0.0), make(clock=lambda: 0.0)
    first.refuse_until(600.0)
    first.defer_until(30.0)
    second.resume()
    assert first.paused_until is None
    assert _sent_now(first)


def test_a_wait_beyond_max_wait_books_nothing(make: Make) -> None:
    first = make(_limit(per_second=1, max_wait=0.5))
    patient = make(_limit(per_second=1, max_wait=10.0))
    assert _sent_now(first)
    with pytest.raises(RateLimitWaitTooLong):
        first.reserve(0.0)
    assert patient.reserve(0.0).wait(0.0) <= 1.02 + 1e-6  # not queued behind the refused one


def test_each_workspace_key_has_its_own_budget(make: Make) -> None:
    agency = make()
    client_a, client_b = agency.keyed("ws-a"), agency.keyed("ws-b")
    assert all(_sent_now(client_a) for _ in range(3))
    assert all(_sent_now(client_b) for _ in range(3))
    assert client_a.reserve(0.0).wait(0.0) > 0


def test_a_route_window_holds_its_route_only(make: Make) -> None:
    limiter = make(_limit(per_second=50), routes={ROUTE: ((2, 60.0),)})
    assert _sent_now(limiter, route=ROUTE) and _sent_now(limiter, route=ROUTE)
    assert _turn(limiter.reserve(0.0, ROUTE)) > 50
    assert _sent_now(limiter)  # other routes are not held back by the emails queue


def test_the_spec_s_endpoint_limits_apply_by_default(tmp_path: Path) -> None:
    limiter = RateLimiter.shared(f"sqlite:///{tmp_path / 'l.db'}")
    try:
        assert ROUTE in limiter._route_windows
    finally:
        assert isinstance(limiter, SharedRateLimiter)
        limiter.close()


# -- SQLite with explicit times: what happens as time passes --------------------------------


@pytest.fixture
def sqlite_pair(tmp_path: Path) -> Iterator[tuple[SharedRateLimiter, SharedRateLimiter]]:
    """Two "processes" on one file (two owners), on an explicit timeline from 0.0."""
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    first, second = (
        SharedRateLimiter(
            open_store(url), _limit(per_second=2), owner=f"process-{n}", clock=lambda: 0.0
        )
        for n in range(2)
    )
    pair = (first, second)
    for limiter in pair:
        limiter.store.purge_every = 0.0  # type: ignore[attr-defined]
    yield pair
    for limiter in pair:
        limiter.close()


def test_a_dead_process_s_claims_stop_counting_once_their_turn_has_passed(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    dead, alive = sqlite_pair
    assert _sent_now(dead) and _sent_now(dead)
    for _ in range(20):  # queued 10 s ahead, then the process dies: nothing acquired, released
        dead.reserve(0.0)
    dead.close()  # its heartbeat stops with it
    queued = alive.reserve(0.5)
    assert queued.wait(0.5) > 0.5  # while the process may be alive, it keeps its turns
    assert alive.acquire(queued, 1.6) == 0  # silent for the lease: its claims are gone


def test_a_dead_process_s_sends_age_out_with_the_window(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    dead, alive = sqlite_pair
    assert _sent_now(dead) and _sent_now(dead)
    assert alive.reserve(0.5).wait(0.5) > 0
    assert _sent_now(alive, now=1.03)


def test_a_send_is_counted_when_its_bytes_leave(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    first, second = sqlite_pair
    slow = first.reserve(0.0)  # recorded at 0.0 ...
    assert first.acquire(slow, 0.0) == 0
    assert first.confirm(slow, 0.5) == 0  # ... but its connection opened until 0.5
    assert _sent_now(second, now=0.6)
    # Counted at 0.0 the window would free at 1.02; counted at 0.5 it frees at 1.52.
    assert _turn(second.reserve(1.1)) == pytest.approx(1.52, abs=1e-6)


def test_a_send_written_late_is_counted_when_it_was_written(make: Make) -> None:
    """The store stamps a send when asked; the request is written later (the event loop's other
    tasks ran first): past `_LATE_AFTER` the send moves to its write, the next window with it."""
    first, second = make(_limit(per_second=1)), make(_limit(per_second=1))
    late = first.reserve(0.0)
    assert first.acquire(late, 0.0) == 0 and first.confirm(late, 0.0) == 0
    first.written(late, 0.5)  # written 0.5 s after its stamp was asked for
    # Counted at its stamp the window would free at 1.02; counted at its write (less the
    # allowance), at 1.515. (Redis: the server's clock moved on by the few ms these took.)
    assert 1.4 < _turn(second.reserve(0.0)) <= 1.52 - _LATE_AFTER + 1e-6


def test_a_send_written_within_the_late_allowance_costs_no_round_trip(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    first, second = sqlite_pair
    ticket = first.reserve(0.0)
    assert first.acquire(ticket, 0.0) == 0
    steps = first.store_steps
    first.written(ticket, _LATE_AFTER)
    assert first.store_steps == steps
    assert _sent_now(second, now=0.0)
    assert _turn(second.reserve(1.0)) == pytest.approx(1.02, abs=1e-6)


def test_a_released_send_written_late_is_not_brought_back(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    first, second = sqlite_pair
    ticket = first.reserve(0.0)
    assert first.acquire(ticket, 0.0) == 0
    first.release(ticket)
    first.written(ticket, 0.5)
    assert _sent_now(second, now=0.6) and _sent_now(second, now=0.6)


class _LateWrite(httpx.MockTransport):
    """Reports the write like httpcore does, `late` seconds after it was about to start."""

    def __init__(self, clock: list[float], late: float) -> None:
        self.clock, self.late, self.written = clock, late, []
        super().__init__(lambda request: httpx.Response(200, json={}))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        trace = request.extensions["trace"]
        trace("http11.send_request_headers.started", {"request": None})
        self.clock[0] += self.late  # other work ran before the bytes went out
        self.written.append(self.clock[0])
        trace("http11.send_request_headers.complete", {"request": None})
        return super().handle_request(request)


def test_the_transport_counts_a_late_write_at_its_write(tmp_path: Path) -> None:
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = SharedRateLimiter(
        open_store(f"sqlite:///{tmp_path / 'limits.db'}"),
        RateLimit(per_second=1, per_minute=60, margin=0),
        clock=lambda: clock[0],
    )
    late = _LateWrite(clock, late=0.3)
    settings = TransportSettings(limiter=limiter, clock=lambda: clock[0])
    with httpx.Client(transport=RetryTransport(late, settings, sleep=sleep)) as client:
        client.get("https://api.instantly.ai/api/v2/accounts")
        late.late = 0.0
        client.get("https://api.instantly.ai/api/v2/accounts")
    limiter.close()
    assert late.written[1] - late.written[0] == pytest.approx(1.0 - _LATE_AFTER)


def test_a_waiter_called_back_early_keeps_its_turn(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    first, second = sqlite_pair
    assert _sent_now(first, 0.0) and _sent_now(first, 0.1)
    waiter, behind = second.reserve(0.2), first.reserve(0.2)  # turns at 1.02 and 1.12
    turn = _turn(waiter)
    assert second.acquire(waiter, 0.6) > 0
    assert _turn(waiter) == pytest.approx(turn)
    assert first.acquire(behind, 1.0) > 0  # not before the one ahead of it
    assert second.acquire(waiter, turn) == 0


def test_a_retry_keeps_the_first_attempt_s_send(
    sqlite_pair: tuple[SharedRateLimiter, SharedRateLimiter],
) -> None:
    first, second = sqlite_pair
    ticket = first.reserve(0.0)
    assert first.acquire(ticket, 0.0) == 0
    assert first.acquire(ticket, 0.01) == 0  # the retry: a second send
    assert second.reserve(0.02).wait(0.02) > 0


# -- one process's waiters: only the first TALKERS ask the store ----------------------------


class _CountingStore:
    """A store that counts the `record` steps it is asked for (the round trips that matter)."""

    def __init__(self, store: WindowStore) -> None:
        self.store = store
        self.records = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def record(self, *args: object, **kwargs: object) -> tuple[int, float]:
        self.records += 1
        return self.store.record(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[SharedRateLimiter, _CountingStore]]:
    """A limiter of 1 request a second (one process) over a store that counts its steps."""
    store = _CountingStore(open_store(f"sqlite:///{tmp_path / 'limits.db'}"))
    limiter = SharedRateLimiter(store, _limit(per_second=1), clock=lambda: 0.0)  # type: ignore[arg-type]
    yield limiter, store
    limiter.close()


def test_waiters_behind_a_process_s_first_talkers_do_not_ask_the_store(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, store = counted
    assert _sent_now(limiter)
    store.records = 0
    for _ in range(TALKERS + 20):
        limiter.reserve(0.0)
    assert store.records == TALKERS


def test_a_queued_waiter_asks_the_store_once_one_ahead_of_it_has_sent(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, store = counted
    assert _sent_now(limiter)
    talkers = [limiter.reserve(0.0) for _ in range(TALKERS)]
    queued = limiter.reserve(0.0)
    assert limiter.acquire(queued, 0.5) > 0 and store.records == TALKERS + 1  # still queued
    head_turn = _turn(talkers[0])
    assert limiter.acquire(talkers[0], head_turn) == 0
    assert limiter.acquire(queued, head_turn) > 0
    assert store.records == TALKERS + 3  # the head's send, then the queued one's claim
    assert _turn(queued) > _turn(talkers[-1])  # behind every talker, in order


def test_waiters_queued_in_the_process_wake_in_order(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, _ = counted
    assert _sent_now(limiter)
    for _ in range(TALKERS):
        limiter.reserve(0.0)
    queued = [limiter.reserve(0.0) for _ in range(5)]
    turns = [_turn(ticket) for ticket in queued]
    assert turns == sorted(turns) and len(set(turns)) == len(turns)


def test_a_queued_waiter_wakes_when_the_talker_it_follows_is_due(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, _ = counted
    assert _sent_now(limiter)
    talkers = [limiter.reserve(0.0) for _ in range(TALKERS)]  # turns 1.02, 2.04, ...
    limiter.reserve(0.0)
    second = limiter.reserve(0.0)  # moves up once two talkers have gone
    assert _turn(second) == pytest.approx(_turn(talkers[1]))


def test_a_queued_waiter_expects_the_window_s_pace_not_its_process_s_slow_one(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, _ = counted
    assert _sent_now(limiter, 0.0) and _sent_now(limiter, 10.0)  # a slow pace: 10 s apart
    talkers = [limiter.reserve(10.0) for _ in range(TALKERS)]
    queued = [limiter.reserve(10.0) for _ in range(TALKERS + 2)]
    for ticket in talkers:  # cancelled: the queued ones ahead are talkers with no turn yet
        limiter.release(ticket)
    limiter.acquire(queued[-1], 10.0)
    assert _turn(queued[-1]) == pytest.approx(10.0 + 2 * 1.02)  # the window's pace, not 10 s


def test_a_queued_waiter_released_before_it_asked_the_store_costs_no_round_trip(
    counted: tuple[SharedRateLimiter, _CountingStore],
) -> None:
    limiter, store = counted
    assert _sent_now(limiter)
    for _ in range(TALKERS):
        limiter.reserve(0.0)
    queued = limiter.reserve(0.0)
    released = store.records
    limiter.release(queued)
    assert store.records == released and queued.booked_at is None


def test_a_queued_waiter_whose_wait_is_sure_to_exceed_max_wait_is_refused(
    tmp_path: Path,
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'limits.db'}")
    limiter = SharedRateLimiter(store, _limit(per_second=1, max_wait=TALKERS * 1.02 + 0.5))
    try:
        assert _sent_now(limiter)
        for _ in range(TALKERS):
            limiter.reserve(0.0)
        with pytest.raises(RateLimitWaitTooLong):
            limiter.reserve(0.0)
    finally:
        limiter.close()


class _LockedFileTime:
    """Stands for `time` in `_sqlite_window`: another process holds the write lock until the
    first wait for it, which takes 0.05 s of this clock."""

    def __init__(self, holder: sqlite3.Connection) -> None:
        self.holder = holder
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.holder.in_transaction:
            self.holder.execute("COMMIT")
        self.now += 0.05


def test_a_send_that_waited_for_the_file_s_lock_is_stamped_when_it_won_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from instantly import _sqlite_window

    limiter = RateLimiter.shared(f"sqlite:///{tmp_path / 'limits.db'}", _limit())
    holder = sqlite3.connect(tmp_path / "limits.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process is writing
        monkeypatch.setattr(_sqlite_window, "time", _LockedFileTime(holder))
        assert _sent_now(limiter, now=1.0)
    finally:
        holder.close()
        limiter.close()
    with sqlite3.connect(tmp_path / "limits.db") as db:
        (at,) = db.execute("SELECT at FROM entries WHERE kind=2").fetchone()
    assert at == pytest.approx(1.05)


def _hammer(url: str, count: int, start: float) -> None:
    limiter = RateLimiter.shared(url, _limit(per_second=5))
    for _ in range(count):
        now = start
        ticket = limiter.reserve(now)
        wait = ticket.wait(now)
        while wait > 0:
            now += wait
            wait = limiter.acquire(ticket, now)
    limiter.close()


def test_processes_sharing_a_file_never_overfill_a_window(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(url, 10, 0.0)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with sqlite3.connect(tmp_path / "limits.db") as db:
        sends = sorted(at for (at,) in db.execute(
            "SELECT at FROM entries WHERE kind=2 AND log='default|ws'"
        ))  # fmt: skip
    assert len(sends) == 30
    assert all(b - a >= 1.02 - 1e-9 for a, b in zip(sends, sends[5:], strict=False))


# -- errors and the client -----------------------------------------------------------------


def test_an_unknown_scheme_is_refused_naming_the_two_that_work() -> None:
    with pytest.raises(InvalidInputError, match=r"sqlite:///.*redis://"):
        RateLimiter.shared("memcached://127.0.0.1:11211")


def test_an_unreachable_redis_is_a_typed_error_without_its_password() -> None:
    pytest.importorskip("redis")
    limiter = RateLimiter.shared("redis://:hunter2@127.0.0.1:1/0")
    try:
        with pytest.raises(SharedLimiterError) as failed:
            limiter.reserve(0.0)
    finally:
        assert isinstance(limiter, SharedRateLimiter)
        limiter.close()
    assert "hunter2" not in str(failed.value) and "hunter2" not in failed.value.url
    again = pickle.loads(pickle.dumps(failed.value))
    assert type(again) is SharedLimiterError and again.url == failed.value.url


def test_a_sqlite_url_without_a_path_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="file path"):
        RateLimiter.shared("sqlite://")


def test_a_429_of_one_client_holds_back_a_client_of_another_process(make: Make) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "30"}, json={"message": "slow down"})

    first_limiter = make(_limit(max_wait=1.0))
    second_limiter = make(_limit(max_wait=1.0))
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with Instantly("k", rate_limit=first_limiter, max_retries=0,
                   transport=httpx.MockTransport(refuse)) as first:  # fmt: skip
        assert first.http_client.get("/api/v2/accounts").status_code == 429
    second = Instantly(
        "k", rate_limit=second_limiter, max_retries=0, transport=httpx.MockTransport(record)
    )
    with second, pytest.raises(RateLimitQueueTimeoutError):
        second.http_client.get("/api/v2/accounts")
    assert sent == []
