"""Account helpers against the fake: pause, resume, pause_many, enable/disable warmup.

Every client here runs on the fake's manual clock (`sleep` advances it, jitter fixed at 0), so
waits are exact and instant. The fake's traffic is checked against the pinned spec at teardown
(see conftest). "Nothing sent" is asserted on the fake's request log.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from instantly import (
    AccountFilter,
    AccountStatusError,
    AsyncInstantly,
    AsyncJobGroup,
    AsyncJobHandle,
    BulkPauseResult,
    Instantly,
    InvalidEmailError,
    InvalidInputError,
    JobGroup,
    JobHandle,
    NotFoundError,
    PartialBatchError,
)
from instantly.testing import FakeClock, FakeInstantly

BASE_URL = "https://api.instantly.ai"
API_KEY = "test-key-123"
WARMUP_DISABLE = "/api/v2/accounts/warmup/disable"
WARMUP_ENABLE = "/api/v2/accounts/warmup/enable"
BULK_PAUSE = "/api/v2/accounts/pause"
KNOWN = "sender001@example.com"


def _no_jitter() -> float:
    return 0.0


@pytest.fixture
def instantly(fake: FakeInstantly, clock: FakeClock) -> Iterator[Instantly]:
    """A client on the fake, its clock and sleep the fake's, no jitter."""
    with Instantly(
        API_KEY,
        base_url=BASE_URL,
        transport=fake.transport(sleep=clock.sleep),
        clock=clock,
        sleep=clock.sleep,
        rng=_no_jitter,
    ) as client:
        yield client


@pytest.fixture
async def ainstantly(fake: FakeInstantly, clock: FakeClock) -> AsyncIterator[AsyncInstantly]:
    """The async client on the same fake and clock."""
    async with AsyncInstantly(
        API_KEY,
        base_url=BASE_URL,
        transport=fake.transport(async_sleep=clock.async_sleep),
        clock=clock,
        sleep=clock.async_sleep,
        rng=_no_jitter,
    ) as client:
        yield client


def _bodies(fake: FakeInstantly, path: str) -> list[Any]:
    return [r.json for r in fake.requests_to("POST", path)]


class _FailNthPost(httpx.BaseTransport):
    """Passes requests to `inner`, but answers the `n`-th POST to `path` with a 400."""

    def __init__(self, inner: httpx.BaseTransport, path: str, n: int) -> None:
        self.inner, self.path, self.n, self.seen = inner, path, n, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == self.path:
            self.seen += 1
            if self.seen == self.n:
                body = {"statusCode": 400, "error": "Bad Request", "message": "chunk refused"}
                return httpx.Response(400, json=body)
        return self.inner.handle_request(request)


# -- pause / resume -------------------------------------------------------------------------------


def test_pause_returns_the_account_verified_paused(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    account = instantly.accounts.pause(KNOWN)

    assert (account.email, account.status) == (KNOWN, 2)
    assert fake.account(KNOWN)["status"] == 2


def test_pausing_a_paused_account_succeeds(instantly: Instantly) -> None:
    instantly.accounts.pause(KNOWN)

    assert instantly.accounts.pause(KNOWN).status == 2


def test_resume_returns_the_account_verified_active(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    instantly.accounts.pause(KNOWN)

    account = instantly.accounts.resume(KNOWN)

    assert account.status == 1
    assert fake.account(KNOWN)["status"] == 1


def test_pause_of_an_unknown_account_raises_not_found_naming_the_email(
    instantly: Instantly,
) -> None:
    with pytest.raises(NotFoundError, match=re.escape("'nobody@example.com'")) as caught:
        instantly.accounts.pause("nobody@example.com")

    assert caught.value.status_code == 404


def test_resume_of_an_unknown_account_raises_not_found_naming_the_email(
    instantly: Instantly,
) -> None:
    with pytest.raises(NotFoundError, match=re.escape("'nobody@example.com'")):
        instantly.accounts.resume("nobody@example.com")


@pytest.mark.parametrize(
    "email",
    [
        "",
        " sender001@example.com",
        "sender001@example.com\n",
        "send er@example.com",
        "a\x00b@example.com",
        "two@@example.com",
        "no-at-sign.example.com",
        "a/b@example.com",
        "../x@example.com",
        "a?b@example.com",
        "sender001@localhost",
    ],
)
def test_pause_rejects_an_invalid_address_naming_it_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly, email: str
) -> None:
    with pytest.raises(InvalidEmailError) as caught:
        instantly.accounts.pause(email)

    assert isinstance(caught.value, ValueError)
    assert repr(email)[:20] in str(caught.value)
    assert fake.requests == []


def test_an_address_with_url_meaningful_characters_is_one_path_segment(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    odd = "o'neil+a&b=c@example.com"
    fake.add_account(odd)

    account = instantly.accounts.pause(odd)

    assert account.email == odd
    assert fake.account(odd)["status"] == 2
    assert len(fake.requests) == 1


def test_pause_raises_account_status_error_with_the_account_when_not_paused(
    fake: FakeInstantly,
) -> None:
    still_active = fake.account(KNOWN)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=still_active)

    transport = httpx.MockTransport(answer)
    with (
        Instantly(API_KEY, base_url=BASE_URL, transport=transport) as client,
        pytest.raises(AccountStatusError, match=r"status is 1 \(active\), not 2") as caught,
    ):
        client.accounts.pause(KNOWN)

    assert caught.value.account.email == KNOWN
    assert (caught.value.expected, caught.value.actual) == (2, 1)


def test_pause_refuses_an_unknown_option_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(InvalidInputError, match="unknown option"):
        instantly.accounts.pause(KNOWN, retries=3)  # type: ignore[call-arg]

    assert fake.requests == []


async def test_async_pause_and_resume_verify_the_status(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    paused = await ainstantly.accounts.pause(KNOWN)
    resumed = await ainstantly.accounts.resume(KNOWN)

    assert (paused.status, resumed.status) == (2, 1)
    assert fake.account(KNOWN)["status"] == 1


async def test_async_pause_of_an_unknown_account_raises_not_found_naming_the_email(
    ainstantly: AsyncInstantly,
) -> None:
    with pytest.raises(NotFoundError, match=re.escape("'nobody@example.com'")):
        await ainstantly.accounts.pause("nobody@example.com")


# -- pause_many ------------------------------------------------------------------------------------


def test_pause_many_of_10000_mixed_addresses_splits_paused_and_failed_in_100_requests(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    known = fake.seed_accounts(5000, prefix="known")
    unknown = [f"unknown{n:05d}@example.com" for n in range(5000)]
    mixed = [email for pair in zip(known, unknown, strict=True) for email in pair]

    result = instantly.accounts.pause_many(mixed)

    assert isinstance(result, BulkPauseResult)
    assert result.requests == 100
    assert len(fake.requests_to("POST", BULK_PAUSE)) == 100
    assert result.paused == known
    assert result.failed == unknown
    assert all(fake.account(email)["status"] == 2 for email in known[::500])


def test_pause_many_drops_duplicates_before_sending(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    result = instantly.accounts.pause_many([KNOWN, KNOWN, "sender002@EXAMPLE.com"])

    assert _bodies(fake, BULK_PAUSE) == [
        {"emails": [KNOWN, "sender002@example.com"]},
    ]
    assert result.paused == [KNOWN, "sender002@example.com"]
    assert result.failed == []


def test_pause_many_keeps_the_servers_answers(instantly: Instantly) -> None:
    result = instantly.accounts.pause_many([KNOWN, "nobody@example.com"])

    assert result.responses == [{"paused_emails": [KNOWN], "failed_emails": ["nobody@example.com"]}]
    assert not result.ok


def test_pause_many_rejects_every_invalid_address_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = [KNOWN] * 150 + ["bad address@example.com", "x@@y.com"]

    with pytest.raises(InvalidEmailError, match=r"2 of 152 email addresses are invalid") as caught:
        instantly.accounts.pause_many(emails)

    assert "'bad address@example.com'" in str(caught.value)
    assert fake.requests == []


def test_pause_many_rejects_a_single_string_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(InvalidInputError, match="wrap it in a list"):
        instantly.accounts.pause_many(KNOWN)

    assert fake.requests == []


def test_pause_many_rejects_an_empty_list_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    with pytest.raises(InvalidInputError, match="emails is empty"):
        instantly.accounts.pause_many([])

    assert fake.requests == []


def test_pause_many_failing_at_a_later_request_keeps_what_was_paused(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    emails = fake.seed_accounts(250, prefix="bulk")
    transport = _FailNthPost(fake.transport(sleep=clock.sleep), BULK_PAUSE, n=2)

    with (
        Instantly(API_KEY, base_url=BASE_URL, transport=transport, clock=clock) as client,
        pytest.raises(PartialBatchError, match="request 2 of 3 failed after 1") as caught,
    ):
        client.accounts.pause_many(emails)

    error = caught.value
    assert isinstance(error.completed, BulkPauseResult)
    assert error.completed.paused == emails[:100]
    assert error.unsent == tuple(emails[100:])
    assert error.error.status_code == 400  # type: ignore[attr-defined]
    assert len(fake.requests_to("POST", BULK_PAUSE)) == 1


async def test_async_pause_many_splits_in_chunks_of_100(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    known = fake.seed_accounts(150, prefix="bulk")

    result = await ainstantly.accounts.pause_many([*known, "nobody@example.com"])

    assert [len(b["emails"]) for b in _bodies(fake, BULK_PAUSE)] == [100, 51]
    assert (result.paused, result.failed, result.requests) == (
        known,
        ["nobody@example.com"],
        2,
    )


# -- enable / disable warmup ----------------------------------------------------------------------


def test_disable_warmup_returns_a_group_holding_the_handle_on_the_started_job(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    group = instantly.accounts.disable_warmup([KNOWN])

    assert isinstance(group, JobGroup) and len(group) == 1
    handle = group[0]
    assert isinstance(handle, JobHandle)
    assert handle.id == fake.jobs.ids()[0]
    assert handle.status == "pending"
    assert _bodies(fake, WARMUP_DISABLE) == [{"emails": [KNOWN]}]


def test_enable_warmup_with_wait_returns_the_group_after_success(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    group = instantly.accounts.enable_warmup([KNOWN], wait=True, wait_timeout=60)

    assert isinstance(group, JobGroup)
    handle = group[0]
    assert (handle.status, handle.progress, handle.done) == ("success", 100.0, True)
    assert _bodies(fake, WARMUP_ENABLE) == [{"emails": [KNOWN]}]


def test_250_emails_make_3_requests_and_3_jobs_waited_together(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(250, prefix="warm")

    group = instantly.accounts.disable_warmup(emails, wait=True, wait_timeout=60)

    assert isinstance(group, JobGroup)
    assert [len(b["emails"]) for b in _bodies(fake, WARMUP_DISABLE)] == [100, 100, 50]
    assert group.ids == fake.jobs.ids()
    assert [handle.status for handle in group] == ["success"] * 3
    assert all(fake.account(email)["warmup_status"] == 0 for email in emails)


def test_include_all_sends_one_request_shaped_like_seed_004(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    instantly.accounts.disable_warmup(
        include_all=True,
        exclude=[KNOWN],
        filter=AccountFilter.W_ACTIVE,
        search="example.com",
        tag_id="0199f5c4-0000-7000-8000-000000000001",
    )

    assert _bodies(fake, WARMUP_DISABLE) == [
        {
            "include_all_emails": True,
            "excluded_emails": [KNOWN],
            "filter": {
                "tag_id": "0199f5c4-0000-7000-8000-000000000001",
                "filter": "ACC_FILTER_W_ACTIVE",
            },
            "search": "example.com",
        }
    ]


def test_a_filter_may_be_given_as_its_string_value(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    instantly.accounts.enable_warmup(include_all=True, filter="ACC_FILTER_PAUSED")

    assert _bodies(fake, WARMUP_ENABLE)[0]["filter"] == {"filter": "ACC_FILTER_PAUSED"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"emails": [KNOWN], "include_all": True}, "not both"),
        ({}, "pass emails"),
        ({"emails": []}, "emails is empty"),
        ({"emails": [KNOWN], "exclude": [KNOWN]}, "only apply with include_all=True"),
        ({"emails": [KNOWN], "filter": AccountFilter.PAUSED}, "only apply with include_all"),
        ({"include_all": True, "filter": "paused"}, "ACC_FILTER_W_ERROR"),
        ({"include_all": True, "filter": "ACC_FILTER_NOPE"}, "filter must be one of"),
        ({"emails": [KNOWN, "not an address"]}, "is not a valid email address"),
        ({"include_all": True, "exclude": ["x@@example.com"]}, "not a valid email address"),
        ({"include_all": True, "search": " "}, "search must not be empty"),
        ({"emails": [KNOWN], "wait": True, "wait_timeout": -1}, "timeout must be >= 0"),
        ({"emails": [KNOWN], "wait": True, "poll_interval": 0}, "poll_interval must be > 0"),
        ({"emails": [KNOWN], "poll_interval": 1.0}, "only apply with wait=True"),
        ({"emails": [KNOWN], "wait": "yes"}, "wait must be a bool"),
        ({"emails": [KNOWN], "max_retries": -1}, "max_retries must be an int >= 0"),
        ({"emails": [KNOWN], "retries": 1}, "unknown option"),
    ],
)
def test_warmup_argument_errors_are_value_errors_with_nothing_sent(
    instantly: Instantly, fake: FakeInstantly, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        instantly.accounts.disable_warmup(**kwargs)

    assert isinstance(caught.value, InvalidInputError)
    assert fake.requests == []


def test_a_wrong_filter_lists_the_valid_values(instantly: Instantly) -> None:
    with pytest.raises(InvalidInputError) as caught:
        instantly.accounts.enable_warmup(include_all=True, filter="ACC_FILTER_NOPE")

    assert all(member.value in str(caught.value) for member in AccountFilter)


def test_split_warmup_failing_at_a_later_request_keeps_the_started_jobs(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    emails = fake.seed_accounts(250, prefix="warm")
    transport = _FailNthPost(fake.transport(sleep=clock.sleep), WARMUP_DISABLE, n=3)

    with (
        Instantly(API_KEY, base_url=BASE_URL, transport=transport, clock=clock) as client,
        pytest.raises(PartialBatchError, match="request 3 of 3 failed after 2") as caught,
    ):
        client.accounts.disable_warmup(emails)

    started = caught.value.completed
    assert [handle.id for handle in started] == fake.jobs.ids()
    assert all(isinstance(handle, JobHandle) for handle in started)
    assert caught.value.unsent == tuple(emails[200:])


def test_jobs_started_before_a_failure_can_still_be_waited_for(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    transport = _FailNthPost(fake.transport(sleep=clock.sleep), WARMUP_DISABLE, n=2)
    with Instantly(
        API_KEY, base_url=BASE_URL, transport=transport, clock=clock, sleep=clock.sleep
    ) as client:
        with pytest.raises(PartialBatchError) as caught:
            client.accounts.disable_warmup(emails)

        (handle,) = caught.value.completed
        job = handle.wait(wait_timeout=60)

    assert job.status == "success"
    assert all(fake.account(email)["warmup_status"] == 0 for email in emails[:100])


def test_a_failure_at_the_first_request_is_raised_as_it_is(
    fake: FakeInstantly, clock: FakeClock
) -> None:
    transport = _FailNthPost(fake.transport(sleep=clock.sleep), WARMUP_DISABLE, n=1)

    with (
        Instantly(API_KEY, base_url=BASE_URL, transport=transport, clock=clock) as client,
        pytest.raises(Exception, match="chunk refused") as caught,
    ):
        client.accounts.disable_warmup([KNOWN])

    assert not isinstance(caught.value, PartialBatchError)
    assert fake.jobs.ids() == []


async def test_async_250_emails_make_3_jobs_waited_together(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(250, prefix="warm")

    group = await ainstantly.accounts.enable_warmup(emails, wait=True, wait_timeout=60)

    assert isinstance(group, AsyncJobGroup)
    assert len(fake.requests_to("POST", WARMUP_ENABLE)) == 3
    assert [handle.status for handle in group] == ["success"] * 3


async def test_async_disable_warmup_returns_a_group_without_waiting(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    group = await ainstantly.accounts.disable_warmup([KNOWN])

    assert isinstance(group, AsyncJobGroup)
    handle = group[0]
    assert isinstance(handle, AsyncJobHandle)
    assert handle.status == "pending"
    # One POST, after one read of the newest warmup jobs (what a lost answer is looked up against).
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/api/v2/background-jobs"),
        ("POST", WARMUP_DISABLE),
    ]


async def test_async_warmup_argument_errors_send_nothing(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    with pytest.raises(InvalidInputError, match="not both"):
        await ainstantly.accounts.disable_warmup([KNOWN], include_all=True)

    assert fake.requests == []
