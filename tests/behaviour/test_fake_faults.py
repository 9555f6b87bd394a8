"""Fault injection on the fake, in-process: error statuses, 429s, dropped connections, slowness."""

from __future__ import annotations

import re

import httpx
import pytest
from instantly.testing import FakeClock, FakeInstantly, Fault, FaultPlan

PAUSE = "/api/v2/accounts/sender001@example.com/pause"


def test_fail_next_n_requests_with_a_500(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(500), times=2)
    codes = [client.get("/api/v2/accounts").status_code for _ in range(3)]
    assert codes == [500, 500, 200]


def test_500_has_fastifys_json_body(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(500))
    assert client.get("/api/v2/accounts").json()["error"] == "Internal Server Error"


@pytest.mark.parametrize("status", [502, 503])
def test_gateway_errors_have_an_html_body(
    fake: FakeInstantly, client: httpx.Client, status: int
) -> None:
    fake.faults.add(Fault.server_error(status))
    response = client.get("/api/v2/accounts")
    assert (response.status_code, response.headers["content-type"]) == (status, "text/html")


def test_status_fault_does_not_process_the_request(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.server_error(503))
    client.post(PAUSE)
    assert fake.account("sender001@example.com")["status"] == 1


def test_rate_limited_fault_answers_429_with_retry_after(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.rate_limited(retry_after=7))
    response = client.get("/api/v2/accounts")
    assert (response.status_code, response.headers["retry-after"]) == (429, "7")


def test_drop_before_raises_remote_protocol_error(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_before())
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected"):
        client.post(PAUSE)


def test_drop_before_changes_no_state(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.drop_before())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(PAUSE)
    assert fake.account("sender001@example.com")["status"] == 1


def test_drop_after_changes_state_but_sends_no_response(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_after())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(PAUSE)
    assert fake.account("sender001@example.com")["status"] == 2


def test_drop_after_a_job_creating_post_leaves_the_job_behind(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.drop_after())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/v2/accounts/warmup/disable", json={"emails": ["sender001@example.com"]})
    assert len(fake.jobs.ids()) == 1


def test_connect_error_raises_connect_error_and_processes_nothing(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.connect_error())
    with pytest.raises(httpx.ConnectError):
        client.post(PAUSE)
    assert fake.account("sender001@example.com")["status"] == 1


def test_reset_raises_read_error(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.drop_before(reset=True))
    with pytest.raises(httpx.ReadError):
        client.get("/api/v2/accounts")


def test_slow_response_sleeps_then_answers(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.faults.add(Fault.slow(3.0))
    response = client.get("/api/v2/accounts", timeout=10.0)
    assert (response.status_code, clock()) == (200, 1003.0)


def test_slow_response_past_the_read_timeout_raises_read_timeout(
    fake: FakeInstantly, client: httpx.Client, clock: FakeClock
) -> None:
    fake.faults.add(Fault.slow(30.0))
    with pytest.raises(httpx.ReadTimeout):
        client.get("/api/v2/accounts", timeout=5.0)
    assert clock() == 1005.0


def test_slow_response_still_processes_the_request(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.slow(30.0))
    with pytest.raises(httpx.ReadTimeout):
        client.post(PAUSE, timeout=1.0)
    assert fake.account("sender001@example.com")["status"] == 2


def test_fault_matching_method_and_glob_path_spares_other_requests(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(
        Fault.server_error(503), times=None, method="POST", path="/api/v2/accounts/*/pause"
    )
    codes = [client.get("/api/v2/accounts").status_code, client.post(PAUSE).status_code]
    assert codes == [200, 503]


def test_fault_matching_a_regex_path(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(502), path=re.compile(r"/background-jobs"))
    assert client.get("/api/v2/background-jobs").status_code == 502


def test_unlimited_fault_fails_every_match(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(500), times=None)
    assert {client.get("/api/v2/accounts").status_code for _ in range(5)} == {500}


def test_fraction_of_failures_is_reproducible_with_a_seed(clock: FakeClock) -> None:
    def run() -> list[int]:
        fake = FakeInstantly(clock=clock, rate_limit=None, faults=FaultPlan(seed=42))
        fake.faults.add(Fault.server_error(503), times=None, probability=0.3)
        return [
            fake.handle("GET", "/api/v2/accounts", headers={"authorization": "Bearer k"}).status
            for _ in range(200)
        ]

    first, second = run(), run()
    assert first == second
    assert 30 < first.count(503) < 90


def test_injected_faults_are_recorded_with_the_request_seq(
    fake: FakeInstantly, client: httpx.Client
) -> None:
    fake.faults.add(Fault.server_error(500))
    client.get("/api/v2/accounts")
    (record,) = fake.faults.injected
    assert (record.seq, record.method, record.path, record.fault) == (
        fake.requests[-1].seq,
        "GET",
        "/api/v2/accounts",
        Fault.server_error(500),
    )


def test_request_log_marks_faulted_requests(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.drop_before())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(PAUSE)
    record = fake.requests[-1]
    assert (record.status, record.delivered, record.fault) == (0, False, "drop_before")


def test_clear_removes_pending_faults(fake: FakeInstantly, client: httpx.Client) -> None:
    fake.faults.add(Fault.server_error(500), times=None)
    fake.faults.clear()
    assert client.get("/api/v2/accounts").status_code == 200


async def test_async_client_sees_the_same_drop(
    fake: FakeInstantly, aclient: httpx.AsyncClient
) -> None:
    fake.faults.add(Fault.drop_after())
    with pytest.raises(httpx.RemoteProtocolError):
        await aclient.post(PAUSE)
    assert fake.account("sender001@example.com")["status"] == 2


async def test_async_client_slow_response_uses_the_async_sleep(
    fake: FakeInstantly, aclient: httpx.AsyncClient, clock: FakeClock
) -> None:
    fake.faults.add(Fault.slow(30.0))
    with pytest.raises(httpx.ReadTimeout):
        await aclient.get("/api/v2/accounts", timeout=2.0)
    assert clock() == 1002.0


def test_fault_rejects_an_out_of_range_probability(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError, match=r"probability must be in \(0, 1\], got 1.5"):
        fake.faults.add(Fault.server_error(), probability=1.5)
