"""Timeouts: connect, read, write and pool timeouts are configurable and enforced, and a hung
server never holds the client past timeout x (retries + 1) + the largest backoff.

The servers are real loopback sockets that misbehave (accept and never answer, never read, never
accept). Elapsed times are compared with a generous *correctness bound* computed from the
configured budget, never with a speed target.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from instantly import (
    APITimeoutError,
    AsyncInstantly,
    Instantly,
    InvalidInputError,
    JobTimeoutError,
    NotFoundError,
)
from instantly._retry import RetryPolicy, backoff_delay
from instantly.testing import FakeClock, FakeInstantly

from tests._hardening import (
    SECRET_KEY,
    FullBacklogServer,
    HungServer,
    RecordingSleep,
    stopwatch,
)

EMAIL = "jon@doe.com"
WARMUP_DISABLE = "/api/v2/accounts/warmup/disable"
# Scheduling noise allowed on top of the budget: threads, sockets, a loaded CI machine.
SLACK = 1.5


def _rng() -> float:
    return 0.2  # a fixed point inside the jitter range: exact and short backoffs


def _max_backoff(retries: int) -> float:
    """The longest total backoff the policy can choose before `retries` retries (jitter at 1)."""
    policy = RetryPolicy(max_retries=retries)
    return sum(backoff_delay(n, policy, lambda: 1.0) for n in range(retries))


def _bound(timeout: float, retries: int) -> float:
    return timeout * (retries + 1) + _max_backoff(retries) + SLACK


def _client(base_url: str, **kwargs: object) -> Instantly:
    options: dict[str, object] = {"rate_limit": None, "rng": _rng, "sleep": RecordingSleep()}
    options.update(kwargs)
    return Instantly(SECRET_KEY, base_url=base_url, **options)  # type: ignore[arg-type]


# -- a hung server (accepts, reads, never answers): read timeout --------------------------------


def test_a_hung_server_raises_api_timeout_error() -> None:
    with (
        HungServer() as server,
        _client(server.base_url, timeout=0.2, max_retries=2) as client,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        client.accounts.get(EMAIL)


def test_a_hung_server_gets_exactly_max_retries_plus_one_attempts() -> None:
    with HungServer() as server, _client(server.base_url, timeout=0.2, max_retries=2) as client:
        with pytest.raises(APITimeoutError):
            client.accounts.get(EMAIL)
        assert server.connections == 3


def test_a_hung_server_never_holds_the_client_past_the_configured_budget() -> None:
    sleep = RecordingSleep()
    with (
        HungServer() as server,
        _client(server.base_url, timeout=0.2, max_retries=2, sleep=sleep) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        client.accounts.get(EMAIL)
    assert sleep.total <= _max_backoff(2)
    assert elapsed[0] <= _bound(0.2, 2), f"{elapsed[0]:.2f} s > bound {_bound(0.2, 2):.2f} s"


async def test_async_a_hung_server_never_holds_the_client_past_the_configured_budget() -> None:
    with HungServer() as server:
        async with AsyncInstantly(
            SECRET_KEY, base_url=server.base_url, timeout=0.2, max_retries=2, rate_limit=None,
            rng=_rng,
        ) as client:  # fmt: skip
            with stopwatch() as elapsed, pytest.raises(APITimeoutError):
                await client.accounts.get(EMAIL)
        assert server.connections == 3
    assert elapsed[0] <= _bound(0.2, 2)


def test_a_per_call_timeout_overrides_the_client_timeout() -> None:
    with HungServer() as server, _client(server.base_url, timeout=60.0, max_retries=2) as client:
        with stopwatch() as elapsed, pytest.raises(APITimeoutError):
            client.accounts.get(EMAIL, timeout=0.2, max_retries=0)
        assert server.connections == 1
    assert elapsed[0] <= _bound(0.2, 0)


def test_a_job_creating_post_to_a_hung_server_is_sent_once() -> None:
    """A read timeout after the request was written: it may have been processed, so no resend."""
    with (
        HungServer() as server,
        _client(server.base_url, timeout=0.2, max_retries=2) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        client.accounts.disable_warmup([EMAIL])
    assert server.connections == 1
    assert elapsed[0] <= _bound(0.2, 0)


def test_a_job_wait_against_a_hung_server_ends_at_its_deadline_plus_one_request_budget() -> None:
    """Polls that time out are transient: the wait keeps its schedule and ends at its deadline."""
    with (
        HungServer() as server,
        _client(server.base_url, timeout=0.2, max_retries=2) as client,
        stopwatch() as elapsed,
        pytest.raises(JobTimeoutError) as caught,
    ):
        client.jobs.wait("job-1", wait_timeout=1.0)
    assert isinstance(caught.value.__cause__, APITimeoutError)
    assert elapsed[0] <= 1.0 + _bound(0.2, 2)


# -- a server that never accepts: connect timeout ---------------------------------------------


def test_a_connect_timeout_is_enforced_and_retried() -> None:
    timeout = httpx.Timeout(30.0, connect=0.2)
    with (
        FullBacklogServer() as server,
        _client(server.base_url, timeout=timeout, max_retries=1) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError, match="ConnectTimeout"),
    ):
        client.accounts.get(EMAIL)
    assert elapsed[0] <= _bound(0.2, 1)


# -- a server that never reads: write timeout -------------------------------------------------


def test_a_write_timeout_is_enforced_and_the_job_creating_post_not_resent() -> None:
    timeout = httpx.Timeout(30.0, write=0.2)
    body = b'{"emails": ["' + b"x" * (32 * 1024 * 1024) + b'"]}'
    with (
        HungServer(read=False, receive_buffer=4096) as server,
        _client(server.base_url, timeout=timeout, max_retries=2) as client,
    ):
        with stopwatch() as elapsed, pytest.raises(httpx.WriteTimeout):
            client.http_client.post(
                WARMUP_DISABLE, content=body, headers={"content-type": "application/json"}
            )
        assert server.connections == 1
    assert elapsed[0] <= _bound(0.2, 0) + 1.0  # the first buffers fill before the wait starts


# -- no free connection: pool timeout ----------------------------------------------------------


@pytest.fixture
def served_fake() -> Iterator[str]:
    fake = FakeInstantly(rate_limit=None)
    fake.seed_accounts(2)
    with fake.serve() as base_url:
        yield base_url


def test_a_pool_timeout_is_enforced_when_every_connection_is_busy(served_fake: str) -> None:
    limits = httpx.Limits(max_connections=1)
    with (
        httpx.Client(base_url=served_fake, limits=limits) as pool,
        _client(
            served_fake, http_client=pool, timeout=httpx.Timeout(30.0, pool=0.2), max_retries=1
        ) as client,
        client.http_client.stream("GET", "/api/v2/accounts"),  # holds the only connection
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError, match="PoolTimeout"),
    ):
        client.accounts.get("sender001@example.com")
    assert elapsed[0] <= _bound(0.2, 1)


# -- configuration -----------------------------------------------------------------------------


def test_each_timeout_phase_is_configurable_and_reaches_the_transport() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(404, json={"message": "no"})

    timeout = httpx.Timeout(connect=1.0, read=2.0, write=3.0, pool=4.0)
    with (
        Instantly(
            SECRET_KEY, timeout=timeout, transport=httpx.MockTransport(handler), rate_limit=None
        ) as client,
        pytest.raises(NotFoundError),
    ):
        client.accounts.get(EMAIL)
    assert seen == [{"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}]


@pytest.mark.parametrize("bad", ["fast", -1, -0.5, float("nan"), float("inf"), True, [1]])
def test_an_invalid_client_timeout_is_refused_at_construction(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="timeout"):
        Instantly(SECRET_KEY, timeout=bad, rate_limit=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["fast", -1, float("nan"), True])
def test_an_invalid_per_call_timeout_is_refused_before_sending(bad: object) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    with (
        Instantly(SECRET_KEY, transport=httpx.MockTransport(handler), rate_limit=None) as client,
        pytest.raises(InvalidInputError, match="timeout"),
    ):
        client.accounts.get(EMAIL, timeout=bad)  # type: ignore[arg-type]
    assert sent == []


# -- a server that answers one byte at a time: the whole response is bounded too ---------------


class _TrickleServer:
    """Answers 200 with a 10,000-byte body, sending one byte every 50 ms (each read is quick)."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._trickle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n"
            conn.sendall(head + b"\r\n")
            for _ in range(10000):
                if self._stop.wait(0.05):
                    return
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    def __enter__(self) -> _TrickleServer:
        thread = threading.Thread(target=self._serve, daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5.0)
        self._listener.close()


def test_a_trickling_server_cannot_stretch_a_call_past_the_configured_budget() -> None:
    with (
        _TrickleServer() as server,
        _client(server.base_url, timeout=0.3, max_retries=0) as client,
        stopwatch() as elapsed,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        client.accounts.get(EMAIL)
    assert elapsed[0] <= _bound(0.3, 0) + 0.3


async def test_async_a_trickling_server_cannot_stretch_a_call_past_the_budget() -> None:
    with _TrickleServer() as server:
        async with AsyncInstantly(
            SECRET_KEY, base_url=server.base_url, timeout=0.3, max_retries=0, rate_limit=None
        ) as client:
            with stopwatch() as elapsed, pytest.raises(APITimeoutError):
                await asyncio.wait_for(client.accounts.get(EMAIL), timeout=30)
    assert elapsed[0] <= _bound(0.3, 0) + 0.3


# -- the body budget, exactly, on a manual clock -----------------------------------------------


class _SlowChunks(httpx.SyncByteStream):
    """A body of `chunks` pieces, each taking `seconds` of the manual clock to arrive."""

    def __init__(self, clock: FakeClock, chunks: list[bytes], seconds: float) -> None:
        self._clock = clock
        self._chunks = chunks
        self._seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._clock.advance(self._seconds)
            yield chunk


def _slow_body_client(clock: FakeClock, seconds_per_chunk: float) -> Instantly:
    body = [b'{"message": ', b'"Not ', b'Found"}']

    def handler(request: httpx.Request) -> httpx.Response:
        stream = _SlowChunks(clock, body, seconds_per_chunk)
        return httpx.Response(404, headers={"content-type": "application/json"}, stream=stream)

    return Instantly(
        SECRET_KEY, transport=httpx.MockTransport(handler), timeout=1.0, rate_limit=None,
        clock=clock, sleep=clock.sleep, max_retries=0,
    )  # fmt: skip


def test_a_body_whose_chunks_together_exceed_the_read_timeout_raises_api_timeout_error() -> None:
    clock = FakeClock(0.0)
    with (
        _slow_body_client(clock, seconds_per_chunk=0.4) as client,  # 1.2 s in all > 1.0 s
        pytest.raises(APITimeoutError, match=r"took longer than the attempt.s deadline"),
    ):
        client.accounts.get(EMAIL)


def test_a_body_whose_chunks_together_fit_the_read_timeout_is_read() -> None:
    clock = FakeClock(0.0)
    with (
        _slow_body_client(clock, seconds_per_chunk=0.3) as client,  # 0.9 s in all
        pytest.raises(NotFoundError, match="Not Found"),
    ):
        client.accounts.get(EMAIL)


def test_a_consumers_own_pauses_between_chunks_do_not_count_against_the_budget() -> None:
    clock = FakeClock(0.0)
    with (
        _slow_body_client(clock, seconds_per_chunk=0.1) as client,
        client.http_client.stream("GET", "/api/v2/accounts") as response,
    ):
        chunks = []
        for chunk in response.iter_raw():
            clock.advance(5.0)  # the caller dawdles; the server was quick
            chunks.append(chunk)
    assert b"".join(chunks) == b'{"message": "Not Found"}'


def test_a_retryable_answer_with_a_trickling_body_is_abandoned_within_the_read_timeout() -> None:
    """A 503 is read before its retry: a body that never ends must not hold the retry back."""
    clock = FakeClock(0.0)
    answers = iter(
        [
            httpx.Response(503, stream=_SlowChunks(clock, [b"x"] * 100, 0.5)),  # 50 s of body
            httpx.Response(404, json={"message": "Not Found"}),
        ]
    )
    with (
        Instantly(
            SECRET_KEY,
            transport=httpx.MockTransport(lambda request: next(answers)),
            timeout=1.0,
            rate_limit=None,
            clock=clock,
            sleep=clock.sleep,
            max_retries=1,
        ) as client,  # fmt: skip
        pytest.raises(NotFoundError),
    ):
        client.accounts.get(EMAIL)
    assert clock.now < 5.0  # the 503's body was abandoned after ~1 s, then a short backoff
