"""`leads.add_many` after a lost answer (#21): every lead done, in doubt or not sent, never lost.

A chunk whose answer is lost (and that may not be repeated, or whose repeats were lost too) is
looked up in the target by email before anything is reported. Clients run on the fake's manual
clock; faults are the fake's (`drop_after`: processed, answer lost; `drop_before`: not processed).
"""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from instantly import AsyncInstantly, Instantly, PartialBatchError
from instantly._helpers._lead_import import chunk_size
from instantly.testing import FakeClock, FakeInstantly, Fault

BASE_URL = "https://api.instantly.ai"
ADD = "/api/v2/leads/add"
LIST = "/api/v2/leads/list"


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


def _leads(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"email": f"lead{i:05d}@example.com", "first_name": f"L{i}"} for i in range(start, n)]


def _campaign(fake: FakeInstantly) -> str:
    return str(fake.campaigns.add("Spring")["id"])


def test_a_lost_answer_is_reported_in_doubt_not_as_unsent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    with pytest.raises(PartialBatchError) as raised:
        instantly.leads.add_many([{"first_name": "Ann"}, "b@example.com"], list_id=lead_list)
    error = raised.value
    assert error.in_doubt == ({"first_name": "Ann"},)
    assert error.unsent == ()
    assert [(lead.index, lead.email) for lead in error.completed.found] == [(1, "b@example.com")]
    assert error.completed.in_doubt == (0,) and error.completed.unsent == ()


def test_the_look_up_lists_the_target_filtered_by_the_chunks_addresses(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    with pytest.raises(PartialBatchError):
        instantly.leads.add_many([{"first_name": "Ann"}, "B@example.com"], list_id=lead_list)
    look_ups = fake.requests_to("POST", LIST)  # the first page, and the cursor's (empty) one
    assert {r.json["list_id"] for r in look_ups} == {lead_list}
    assert {tuple(r.json["contacts"]) for r in look_ups} == {("b@example.com",)}


def test_an_address_the_look_up_does_not_find_is_not_sent(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_before(), times=1, method="POST", path=ADD)
    with pytest.raises(PartialBatchError) as raised:
        instantly.leads.add_many([{"first_name": "Ann"}, "b@example.com"], list_id=lead_list)
    assert raised.value.unsent == ("b@example.com",)  # not in the list: safe to send again
    assert raised.value.in_doubt == ({"first_name": "Ann"},)  # nothing can tell


def test_a_failed_look_up_leaves_the_whole_chunk_in_doubt(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=LIST)
    with pytest.raises(PartialBatchError) as raised:
        instantly.leads.add_many([{"first_name": "Ann"}, "b@example.com"], list_id=lead_list)
    assert raised.value.completed.in_doubt == (0, 1)
    assert raised.value.completed.found == () and raised.value.unsent == ()


def test_a_chunk_found_whole_by_the_look_up_is_done_and_the_import_goes_on(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(fake)
    size = chunk_size()
    assert size is not None
    fake.faults.add(Fault.drop_after(), times=3, method="POST", path=ADD)  # first try, 2 repeats
    result = instantly.leads.add_many(_leads(size + 2), campaign_id=campaign)
    assert len(result.found) == size and result.requests == 1  # chunk 2 answered
    assert result.done == size + 2 and result.in_doubt == () and result.unsent == ()
    assert len(fake.leads.in_campaign(campaign)) == size + 2


def test_a_lost_answer_in_a_later_chunk_keeps_what_was_done(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    size = chunk_size()
    assert size is not None
    leads: list[Any] = [*_leads(size), {"first_name": "Ann"}, "z@example.com"]

    def drop_next(chunk: Any) -> None:
        fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)

    with pytest.raises(PartialBatchError, match="1 in doubt") as raised:
        instantly.leads.add_many(leads, list_id=lead_list, on_progress=drop_next)
    done = raised.value.completed
    assert done.requests == 1 and len(done.created) == size
    assert done.in_doubt == (size,) and [lead.index for lead in done.found] == [size + 1]
    assert pickle.loads(pickle.dumps(raised.value)).completed == done


def test_a_refused_first_chunk_raises_the_error_itself(
    instantly: Instantly, fake: FakeInstantly
) -> None:
    campaign = _campaign(fake)
    fake.faults.add(Fault.server_error(400), times=1, method="POST", path=ADD)
    with pytest.raises(Exception) as raised:
        instantly.leads.add_many(_leads(2), campaign_id=campaign)
    assert not isinstance(raised.value, PartialBatchError)  # nothing stored, nothing in doubt
    assert fake.requests_to("POST", LIST) == []


async def test_the_async_client_looks_up_a_lost_answer_too(
    ainstantly: AsyncInstantly, fake: FakeInstantly
) -> None:
    lead_list = fake.leads.add_list("Names")["id"]
    fake.faults.add(Fault.drop_after(), times=1, method="POST", path=ADD)
    with pytest.raises(PartialBatchError) as raised:
        await ainstantly.leads.add_many([{"first_name": "Ann"}, "b@example.com"], list_id=lead_list)
    assert raised.value.in_doubt == ({"first_name": "Ann"},)
    assert len(raised.value.completed.found) == 1
