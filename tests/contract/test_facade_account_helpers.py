"""Contract tests: the account helpers and job calls of the facade, sent to Prism (pinned spec).

Prism runs with `--errors`, so a request that breaks the spec is answered 422 (and would raise
here); every response is also checked for an empty `sl-violations` header. The static Prism
answers with the spec's examples, which proves the facade parses them.

Pause/resume: Prism cannot change state, and the only account it returns is the spec's example,
whose `status` is 1 (active). So `pause` cannot be verified as paused: the test asserts that the
facade raises the typed `AccountStatusError` carrying the parsed example account, which still
proves the request is valid and the answer parsed, and that the status check is not skipped.
`resume` expects 1, so against the example it returns the account.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from instantly import (
    AccountStatusError,
    AsyncInstantly,
    Instantly,
    JobGroup,
    JobHandle,
)
from instantly_api.models.account import Account
from instantly_api.models.background_job import BackgroundJob

# The spec's example account (Prism answers every pause/resume with it): the helpers verify that
# the account answered is the one asked for, so the request names that one.
EMAIL = "user@example.com"
_VIOLATIONS = "sl-violations"


class _Recorder(httpx.BaseTransport):
    """Sends over real HTTP and keeps every (request, response) pair for inspection."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self._inner.close()


class _AsyncRecorder(httpx.AsyncBaseTransport):
    """The async twin of `_Recorder`."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.exchanges.append((request, response))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _assert_clean(exchanges: list[tuple[httpx.Request, httpx.Response]], count: int) -> None:
    """`count` exchanges, each answered 2xx with no validation violation."""
    assert len(exchanges) == count
    for request, response in exchanges:
        where = f"{request.method} {request.url.path}"
        assert 200 <= response.status_code < 300, f"{where} -> {response.status_code}"
        assert not response.headers.get(_VIOLATIONS), f"{where}: {response.headers[_VIOLATIONS]}"


@pytest.fixture
def recorder() -> _Recorder:
    return _Recorder()


@pytest.fixture
def client(prism_url: str, recorder: _Recorder) -> Iterator[Instantly]:
    """A facade client on the static Prism, without retries (a retry would hide a violation)."""
    with Instantly("contract-test-key", base_url=prism_url, transport=recorder, max_retries=0) as c:
        yield c


def test_pause_sends_a_valid_request_and_checks_the_parsed_example_account(
    client: Instantly, recorder: _Recorder
) -> None:
    with pytest.raises(AccountStatusError) as caught:
        client.accounts.pause(EMAIL)

    assert isinstance(caught.value.account, Account)
    assert (caught.value.expected, caught.value.actual) == (2, 1)
    assert recorder.exchanges[0][0].url.path == f"/api/v2/accounts/{EMAIL}/pause"
    _assert_clean(recorder.exchanges, 1)


def test_resume_sends_a_valid_request_and_parses_the_example_account(
    client: Instantly, recorder: _Recorder
) -> None:
    account = client.accounts.resume(EMAIL)

    assert isinstance(account, Account)
    assert account.status == 1
    _assert_clean(recorder.exchanges, 1)


def test_pause_many_sends_valid_chunks_and_parses_the_answers(
    client: Instantly, recorder: _Recorder
) -> None:
    emails = [f"sender{n:03d}@example.com" for n in range(150)]

    result = client.accounts.pause_many(emails)

    assert result.requests == 2
    assert sorted(result.paused + result.failed) == sorted(emails)
    _assert_clean(recorder.exchanges, 2)


def test_disable_warmup_for_a_split_list_sends_valid_requests_and_parses_the_jobs(
    client: Instantly, recorder: _Recorder
) -> None:
    emails = [f"sender{n:03d}@example.com" for n in range(150)]

    group = client.accounts.disable_warmup(emails)

    assert isinstance(group, JobGroup)
    assert all(isinstance(job, BackgroundJob) for job in group.jobs)
    _assert_clean(recorder.exchanges, 3)  # the newest warmup jobs first (the look-up baseline)


def test_enable_warmup_for_all_with_every_narrowing_option_is_a_valid_request(
    client: Instantly, recorder: _Recorder
) -> None:
    group = client.accounts.enable_warmup(
        include_all=True,
        exclude=[EMAIL],
        filter="ACC_FILTER_W_PAUSED",
        search="example.com",
        tag_id="0199f5c4-0000-7000-8000-000000000001",
    )

    assert isinstance(group, JobGroup) and len(group) == 1
    assert isinstance(group[0], JobHandle)
    assert isinstance(group[0].job, BackgroundJob)
    _assert_clean(recorder.exchanges, 2)


def test_jobs_get_sends_a_valid_request_and_parses_the_example_job(
    client: Instantly, recorder: _Recorder
) -> None:
    job = client.jobs.get("0199f5c4-0000-7000-8000-000000000001")

    assert isinstance(job, BackgroundJob)
    _assert_clean(recorder.exchanges, 1)


SPEC_EXAMPLE_JOB_ID = "000000000000000000000000"


def test_a_handle_refresh_sends_a_valid_request(client: Instantly, recorder: _Recorder) -> None:
    # The spec's example job id: Prism answers every id with the example job, and a handle
    # rightly refuses the state of a job other than its own.
    handle = client.jobs.handle(SPEC_EXAMPLE_JOB_ID)

    job = handle.refresh()

    assert handle.status == job.status
    _assert_clean(recorder.exchanges, 1)


async def test_async_helpers_send_valid_requests(prism_url: str) -> None:
    recorder = _AsyncRecorder()
    async with AsyncInstantly(
        "contract-test-key", base_url=prism_url, transport=recorder, max_retries=0
    ) as client:
        resumed = await client.accounts.resume(EMAIL)
        result = await client.accounts.pause_many([EMAIL])
        group = await client.accounts.disable_warmup([EMAIL])
        job = await client.jobs.get(group.ids[0])

    assert (resumed.status, result.requests, isinstance(job, BackgroundJob)) == (1, 1, True)
    _assert_clean(recorder.exchanges, 5)
