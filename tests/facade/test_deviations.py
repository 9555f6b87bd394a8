"""Answers that differ from the spec (issue #20): the call returns what the server sent, each
difference is recorded once on the client and warned about once on `instantly.deviations`, and a
`strict=True` client raises `ResponseDeviationError` naming `Model.field` and the kind.

The three cases Instantly's live server is known to send are written here from the issue's
description: campaigns without schedule dates (`""`), a campaign whose `campaign_schedule` is
`{}`, and step analytics without the automatic-reply counts.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import pickle
from typing import Any

import httpx
import pytest
from _facade_helpers import ACCOUNT, json_response
from instantly import (
    AsyncInstantly,
    Instantly,
    InvalidInputError,
    MalformedResponseError,
    ResponseDeviation,
    ResponseDeviationError,
)
from instantly.testing import FakeClock
from instantly_api.types import UNSET

from tests._hardening import SECRET_KEY

STAMP = "2025-01-14T10:00:00.000Z"
SCHEDULE_ITEM: dict[str, Any] = {
    "name": "Weekdays",
    "timing": {"from": "09:00", "to": "17:00"},
    "days": {"1": True, "2": True},
    "timezone": "Etc/GMT+12",
}


def campaign(**changes: Any) -> dict[str, Any]:
    """A campaign as the server sends it, with `changes`."""
    body: dict[str, Any] = {
        "id": "019b0c1e-0000-7000-8000-000000000001",
        "name": "Spring outreach",
        "status": 1,
        "campaign_schedule": {"schedules": [SCHEDULE_ITEM]},
        "timestamp_created": STAMP,
        "timestamp_updated": STAMP,
    }
    return {**body, **changes}


STEP: dict[str, Any] = {
    "step": "1",
    "variant": "0",
    "sent": 120,
    "opened": 40,
    "unique_opened": 30,
    "replies": 6,
    "unique_replies": 5,
    "clicks": 3,
    "unique_clicks": 2,
}  # what the live server sends: no replies_automatic, no unique_replies_automatic


def _transport(body: Any) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: json_response(200, copy.deepcopy(body)))


def _client(body: Any, *, strict: bool = False) -> Instantly:
    """A client whose server answers every request with this 200 body."""
    clock = FakeClock(0.0)
    return Instantly(
        SECRET_KEY,
        strict=strict,
        transport=_transport(body),
        rate_limit=None,
        max_retries=0,
        clock=clock,
        sleep=clock.sleep,
    )


# -- the three real cases -----------------------------------------------------------------------


def test_a_campaign_listing_with_empty_schedule_dates_returns_every_campaign() -> None:
    undated = {"schedules": [SCHEDULE_ITEM], "start_date": "", "end_date": ""}
    page = {"items": [campaign(), campaign(campaign_schedule=undated)], "next_starting_after": ""}
    client = _client(page)
    listed = list(client.campaigns.list(limit=10))
    assert [c.name for c in listed] == ["Spring outreach", "Spring outreach"]
    assert listed[1].campaign_schedule.start_date == ""
    assert listed[1].to_dict()["campaign_schedule"] == undated
    for deviation in client.deviations:
        assert deviation.path.endswith((".start_date", ".end_date")), deviation
        assert (deviation.operation, deviation.kind) == ("listCampaign", "empty")


def test_a_campaign_with_an_empty_schedule_object_is_returned_with_its_schedule_unset() -> None:
    client = _client(campaign(campaign_schedule={}))
    got = client.campaigns.get("019b0c1e-0000-7000-8000-000000000001")
    assert got.name == "Spring outreach"
    assert got.campaign_schedule.schedules is UNSET
    assert got.to_dict()["campaign_schedule"] == {}
    for deviation in client.deviations:
        assert (deviation.path, deviation.kind) == ("CampaignCampaignSchedule.schedules", "missing")


def test_step_analytics_without_the_automatic_reply_counts_are_returned() -> None:
    client = _client([STEP, {**STEP, "step": "2"}])
    steps = client.campaigns.get_steps_analytics(campaign_id="c1")
    assert [s.step for s in steps] == ["1", "2"]
    assert steps[0].replies_automatic is UNSET
    assert steps[0].to_dict() == STEP
    for deviation in client.deviations:
        assert deviation.kind == "missing"
        assert deviation.path.endswith(("replies_automatic", "unique_replies_automatic"))


# -- visible, never silent ----------------------------------------------------------------------


def test_each_deviation_is_recorded_once_with_its_operation_field_kind_and_value() -> None:
    client = _client({**ACCOUNT, "email": 12345})
    for _ in range(3):
        assert client.accounts.get("jon@doe.com").email == 12345
    assert client.deviations == (ResponseDeviation("getAccount", "Account.email", "type", "12345"),)


def test_each_deviation_is_warned_about_once_per_client(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="instantly.deviations")
    client = _client({**ACCOUNT, "email": 12345, "warmup_status": None})
    client.accounts.get("jon@doe.com")
    client.accounts.get("jon@doe.com")
    messages = [r.getMessage() for r in caplog.records if r.name == "instantly.deviations"]
    assert len(messages) == 2
    assert "Account.email (type): 12345" in messages[0]
    assert "Account.warmup_status (null)" in messages[1]
    _client({**ACCOUNT, "email": 12345}).accounts.get("jon@doe.com")
    assert len([r for r in caplog.records if r.name == "instantly.deviations"]) == 3


def test_a_conforming_answer_records_nothing() -> None:
    client = _client(ACCOUNT)
    client.accounts.get("jon@doe.com")
    assert client.deviations == ()


def test_a_deviation_record_and_its_warning_never_hold_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="instantly.deviations")
    client = _client({**ACCOUNT, "email": ["echo", SECRET_KEY]})
    client.accounts.get("jon@doe.com")
    [deviation] = client.deviations
    assert SECRET_KEY not in deviation.value
    assert "[redacted]" in deviation.value
    [record] = [r for r in caplog.records if r.name == "instantly.deviations"]
    assert SECRET_KEY not in record.getMessage()


# -- strict -------------------------------------------------------------------------------------


def test_a_strict_client_raises_naming_the_field_and_the_kind() -> None:
    client = _client(campaign(campaign_schedule={"schedules": "weekdays"}), strict=True)
    with pytest.raises(ResponseDeviationError) as caught:
        client.campaigns.get("019b0c1e-0000-7000-8000-000000000001")
    error = caught.value
    assert isinstance(error, MalformedResponseError)
    assert (error.field, error.kind) == ("CampaignCampaignSchedule.schedules", "type")
    assert "CampaignCampaignSchedule.schedules (type): 'weekdays'" in str(error)
    assert error.status_code == 200
    assert client.deviations == ()


def test_a_strict_error_pickles_with_its_deviations() -> None:
    client = _client({**ACCOUNT, "email": 5}, strict=True)
    with pytest.raises(ResponseDeviationError) as caught:
        client.accounts.get("jon@doe.com")
    copied = pickle.loads(pickle.dumps(caught.value))
    assert (copied.field, copied.kind, copied.deviations) == (
        "Account.email",
        "type",
        caught.value.deviations,
    )


def test_an_async_client_records_and_its_strict_twin_raises() -> None:
    async def run(strict: bool) -> tuple[object, tuple[ResponseDeviation, ...]]:
        clock = FakeClock(0.0)
        async with AsyncInstantly(
            SECRET_KEY,
            strict=strict,
            transport=_transport({**ACCOUNT, "email": 5}),
            rate_limit=None,
            max_retries=0,
            clock=clock,
        ) as client:
            try:
                got: object = (await client.accounts.get("jon@doe.com")).email
            except ResponseDeviationError as exc:
                got = exc.field
            return got, client.deviations

    assert asyncio.run(run(False)) == (
        5,
        (ResponseDeviation("getAccount", "Account.email", "type", "5"),),
    )
    assert asyncio.run(run(True)) == ("Account.email", ())


def test_strict_must_be_a_bool() -> None:
    with pytest.raises(InvalidInputError, match="strict must be True or False"):
        Instantly(SECRET_KEY, strict="yes")  # type: ignore[arg-type]


def test_a_client_says_whether_it_is_strict() -> None:
    assert (_client({}).strict, _client({}, strict=True).strict) == (False, True)


# -- bodies no caller can use -------------------------------------------------------------------


def test_an_empty_2xx_body_where_json_is_declared_raises_malformed_response_error() -> None:
    client = Instantly(
        SECRET_KEY,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=b"")),
        rate_limit=None,
        max_retries=0,
    )
    with pytest.raises(MalformedResponseError, match="an empty body where JSON is declared"):
        client.accounts.get("jon@doe.com")


@pytest.mark.parametrize("body", [[ACCOUNT], "jon@doe.com", 5, None])
def test_a_body_that_is_not_an_object_where_a_model_is_declared_raises(body: Any) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        _client(body).accounts.get("jon@doe.com")
    assert not isinstance(caught.value, ResponseDeviationError)


def test_a_page_whose_items_is_not_a_list_raises_malformed_response_error() -> None:
    with pytest.raises(MalformedResponseError, match="items is dict"):
        list(_client({"items": {"a": 1}}).campaigns.list())


def test_an_item_of_a_page_that_is_not_an_object_is_kept_as_sent() -> None:
    client = _client({"items": [campaign(), "junk"]})
    assert list(client.campaigns.list())[1] == "junk"
    assert [(d.path, d.kind) for d in client.deviations] == [("CampaignPage.items[]", "type")]


def test_the_dumped_body_of_a_deviation_round_trips() -> None:
    body = campaign(name=None, status="active")
    client = _client(body)
    got = client.campaigns.get("c1")
    assert json.loads(json.dumps(got.to_dict())) == body
