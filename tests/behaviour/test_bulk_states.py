"""Lost answers in bulk writes and launches, through the clients against the fake (issue #21).

Each item of a bulk write ends done, in doubt or not sent: a request whose answer is lost (the
fake processes it, then hangs up: `Fault.drop_after`) is looked up before anything is reported,
and a request the fake never processed (`Fault.server_error`) is found without effect.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from instantly import (
    AsyncInstantly,
    CampaignLaunchError,
    Instantly,
    InternalServerError,
    JobGroup,
    PartialBatchError,
)
from instantly.testing import FakeClock, FakeInstantly, Fault

BASE_URL = "https://api.instantly.ai"
BULK_PAUSE = "/api/v2/accounts/pause"
ACCOUNT = "/api/v2/accounts/*@*"
WARMUP_DISABLE = "/api/v2/accounts/warmup/disable"
JOBS = "/api/v2/background-jobs"
CAMPAIGNS = "/api/v2/campaigns"
SCHEDULE = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}
SEQUENCES = [
    {"steps": [{"type": "email", "delay": 1, "variants": [{"subject": "Hi", "body": "Hello"}]}]}
]


def _no_jitter() -> float:
    return 0.0


@pytest.fixture
def instantly(fake: FakeInstantly, clock: FakeClock) -> Iterator[Instantly]:
    with Instantly(
        "test-key-123", base_url=BASE_URL, transport=fake.transport(sleep=clock.sleep),
        clock=clock, sleep=clock.sleep, rng=_no_jitter,
    ) as client:  # fmt: skip
        yield client


@pytest.fixture
async def ainstantly(fake: FakeInstantly, clock: FakeClock) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(
        "test-key-123", base_url=BASE_URL, transport=fake.transport(async_sleep=clock.async_sleep),
        clock=clock, sleep=clock.async_sleep, rng=_no_jitter,
    ) as client:  # fmt: skip
        yield client


def _lose_every_answer(
    fake: FakeInstantly, method: str, path: str | re.Pattern[str], *, skip: int = 0
) -> None:
    """The fake processes each matching request (after the first `skip`), then hangs up."""
    fake.faults.add(Fault.drop_after(), times=None, method=method, path=path, skip=skip)


def _fail_every(
    fake: FakeInstantly, method: str, path: str | re.Pattern[str], *, skip: int = 0
) -> None:
    """The fake answers each matching request (after the first `skip`) 503, unprocessed."""
    fake.faults.add(Fault.server_error(503), times=None, method=method, path=path, skip=skip)


# -- accounts.pause_many --------------------------------------------------------------------------


def test_pause_many_whose_second_answer_is_lost_reports_those_accounts_paused_after_a_look_up(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    _lose_every_answer(fake, "POST", BULK_PAUSE, skip=1)

    result = instantly.accounts.pause_many(emails)

    assert (result.paused, result.failed) == (emails, [])
    assert result.looked_up == emails[100:]
    assert len(fake.requests_to("GET", f"/api/v2/accounts/{emails[100]}")) == 1


def test_pause_many_whose_lost_answer_cannot_be_looked_up_reports_those_accounts_in_doubt(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    _lose_every_answer(fake, "POST", BULK_PAUSE, skip=1)
    _fail_every(fake, "GET", ACCOUNT)

    with pytest.raises(PartialBatchError, match="request 2 of 2 failed after 1") as raised:
        instantly.accounts.pause_many(emails)

    error = raised.value
    assert error.completed.paused == emails[:100]
    assert error.in_doubt == tuple(emails[100:])
    assert error.unsent == ()
    assert pickle.loads(pickle.dumps(error)).in_doubt == error.in_doubt


def test_pause_many_whose_lost_request_had_no_effect_reports_those_accounts_not_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(250, prefix="bulk")
    _fail_every(fake, "POST", BULK_PAUSE, skip=1)

    with pytest.raises(PartialBatchError) as raised:
        instantly.accounts.pause_many(emails)

    error = raised.value
    assert error.completed.paused == emails[:100]
    assert (error.in_doubt, error.unsent) == ((), tuple(emails[100:]))
    assert len(fake.requests_to("POST", BULK_PAUSE)) == 1 + 3  # the 2nd, retried; never the 3rd


def test_pause_many_whose_only_answer_is_lost_returns_what_the_look_up_read(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _lose_every_answer(fake, "POST", BULK_PAUSE)

    result = instantly.accounts.pause_many(["sender001@example.com", "ghost@example.com"])

    assert (result.paused, result.failed) == (["sender001@example.com"], ["ghost@example.com"])


def test_pause_many_refused_at_the_first_request_is_the_error_itself(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=BULK_PAUSE)

    with pytest.raises(Exception, match="400") as raised:
        instantly.accounts.pause_many(["sender001@example.com"])

    assert not isinstance(raised.value, PartialBatchError)
    assert raised.value.__cause__ is not raised.value  # raised as it is, not from itself
    assert fake.requests_to("GET", "/api/v2/accounts/sender001@example.com") == []


async def test_async_pause_many_whose_second_answer_is_lost_reports_them_paused(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="bulk")
    _lose_every_answer(fake, "POST", BULK_PAUSE, skip=1)

    result = await ainstantly.accounts.pause_many(emails)

    assert (result.paused, result.looked_up) == (emails, emails[100:])


# -- warmup splits --------------------------------------------------------------------------------


def test_split_warmup_whose_second_answer_is_lost_finds_the_job_it_started(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    fake.faults.add(Fault.drop_after(), method="POST", path=WARMUP_DISABLE, skip=1)

    group = instantly.accounts.disable_warmup(emails)

    assert isinstance(group, JobGroup)
    assert group.ids == fake.jobs.ids()
    assert len(group.ids) == 2


def test_warmup_whose_only_answer_is_lost_finds_its_job_and_not_an_older_one(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    older = fake.jobs.start()["id"]
    fake.faults.add(Fault.drop_after(), method="POST", path=WARMUP_DISABLE)

    group = instantly.accounts.disable_warmup(["sender001@example.com"])

    assert group.ids == [job for job in fake.jobs.ids() if job != older]


def test_split_warmup_whose_lost_answer_cannot_be_looked_up_reports_those_addresses_in_doubt(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(250, prefix="warm")
    fake.faults.add(Fault.drop_after(), method="POST", path=WARMUP_DISABLE, skip=1)
    _fail_every(fake, "GET", JOBS, skip=1)  # the baseline is read; the look-up is not

    with pytest.raises(PartialBatchError, match="request 2 of 3 failed after 1") as raised:
        instantly.accounts.disable_warmup(emails)

    error = raised.value
    assert [handle.id for handle in error.completed] == fake.jobs.ids()[:1]
    assert error.in_doubt == tuple(emails[100:200])
    assert error.unsent == tuple(emails[200:])
    assert len(fake.jobs.ids()) == 2  # the server did start the second job


def test_split_warmup_whose_lost_request_started_no_job_reports_those_addresses_not_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    fake.faults.add(Fault.server_error(503), method="POST", path=WARMUP_DISABLE, skip=1)

    with pytest.raises(PartialBatchError) as raised:
        instantly.accounts.disable_warmup(emails)

    error = raised.value
    assert (error.in_doubt, error.unsent) == ((), tuple(emails[100:]))
    assert len(error.completed) == 1


def test_warmup_for_all_accounts_whose_answer_cannot_be_settled_holds_its_request_in_doubt(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.drop_after(), method="POST", path="/api/v2/accounts/warmup/enable")
    _fail_every(fake, "GET", JOBS)  # no baseline, no look-up

    with pytest.raises(PartialBatchError) as raised:
        instantly.accounts.enable_warmup(include_all=True)

    assert raised.value.in_doubt == ({"include_all_emails": True},)
    assert len(raised.value.completed) == 0


def test_warmup_whose_only_request_started_no_job_raises_the_error_itself(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.server_error(503), method="POST", path=WARMUP_DISABLE)

    with pytest.raises(InternalServerError):  # looked up: nothing took effect
        instantly.accounts.disable_warmup(["sender001@example.com"])

    assert fake.jobs.ids() == []
    assert len(fake.requests_to("GET", JOBS)) == 2  # the baseline, the look-up


async def test_async_split_warmup_whose_second_answer_is_lost_finds_the_job_it_started(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    emails = fake.seed_accounts(150, prefix="warm")
    fake.faults.add(Fault.drop_after(), method="POST", path=WARMUP_DISABLE, skip=1)

    group = await ainstantly.accounts.disable_warmup(emails)

    assert [handle.id for handle in group] == fake.jobs.ids()


# -- campaigns.launch -----------------------------------------------------------------------------


def _launch(client: Instantly, fake: FakeInstantly, name: str = "Launch") -> Any:
    leads = [{"email": f"lead{i}@example.com"} for i in range(3)]
    return client.campaigns.launch(
        name, sequences=SEQUENCES, campaign_schedule=SCHEDULE,
        email_list=fake.account_emails()[:2], leads=leads,
    )  # fmt: skip


def test_a_launch_whose_activate_answer_is_lost_reports_the_campaign_as_active(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _lose_every_answer(fake, "POST", "*/activate")

    launched = _launch(instantly, fake)

    assert launched.campaign.status == 1
    assert launched.looked_up is True
    assert fake.campaigns.get(launched.campaign.id)["status"] == 1


def test_a_launch_whose_activate_had_no_effect_reports_a_draft_not_activated(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _fail_every(fake, "POST", "*/activate")

    with pytest.raises(CampaignLaunchError, match="still a draft") as raised:
        _launch(instantly, fake)

    error = raised.value
    assert (error.stage, error.in_doubt, error.campaign.status) == ("activate", False, 0)
    assert "refused" not in str(error)


def test_a_launch_whose_activate_cannot_be_settled_names_the_campaign_as_in_doubt(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _lose_every_answer(fake, "POST", "*/activate")
    _fail_every(fake, "GET", re.compile(r"^/api/v2/campaigns/[^/]+$"))

    with pytest.raises(CampaignLaunchError, match="may be active") as raised:
        _launch(instantly, fake)

    error = raised.value
    assert (error.stage, error.in_doubt) == ("activate", True)
    assert error.campaign.id == fake.campaigns.ids()[-1]
    # Why the error says "may be active" and never "refused": a relaunch would mail its leads twice.
    assert fake.campaigns.get(error.campaign.id)["status"] == 1


def test_a_launch_whose_create_answer_is_lost_names_the_draft_it_created(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    older = fake.campaigns.add("Launch", campaign_schedule=SCHEDULE)["id"]  # not this launch's
    fake.faults.add(Fault.drop_after(), method="POST", path=CAMPAIGNS)

    with pytest.raises(CampaignLaunchError, match="a look-up found it") as raised:
        _launch(instantly, fake)

    error = raised.value
    (created,) = [c for c in fake.campaigns.ids() if c != older]
    assert (error.stage, error.in_doubt, error.campaign.id) == ("create", False, created)
    assert fake.requests_to("POST", "/api/v2/leads/add") == []


def test_a_launch_whose_create_had_no_effect_raises_the_error_itself_after_a_look_up(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _fail_every(fake, "POST", CAMPAIGNS)

    with pytest.raises(InternalServerError):
        _launch(instantly, fake)

    assert fake.campaigns.ids() == []
    assert len(fake.requests_to("GET", CAMPAIGNS)) == 2  # the names before, the look-up


def test_a_launch_whose_create_cannot_be_settled_says_so(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    fake.faults.add(Fault.drop_after(), method="POST", path=CAMPAIGNS)
    _fail_every(fake, "GET", CAMPAIGNS, skip=1)  # the names before the create only

    with pytest.raises(CampaignLaunchError, match="could not tell") as raised:
        _launch(instantly, fake)

    assert (raised.value.stage, raised.value.in_doubt) == ("create", True)


def test_a_launch_whose_preflight_cannot_be_read_names_its_draft(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    _fail_every(fake, "GET", "*/sending-status")

    with pytest.raises(CampaignLaunchError, match="preflight could not be read") as raised:
        _launch(instantly, fake)

    assert raised.value.campaign.id == fake.campaigns.ids()[-1]
    assert raised.value.stage == "preflight"


async def test_async_launch_whose_activate_answer_is_lost_reports_the_campaign_as_active(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    _lose_every_answer(fake, "POST", "*/activate")

    launched = await ainstantly.campaigns.launch(
        "A", sequences=SEQUENCES, campaign_schedule=SCHEDULE, email_list=fake.account_emails()[:1]
    )

    assert (launched.campaign.status, launched.looked_up) == (1, True)
