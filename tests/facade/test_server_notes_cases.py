"""The server's known differences from the spec (openapi/server_notes.json) parse as typed values.

Bodies written from the field notes' evidence: campaigns whose schedule dates are `""`, a campaign
whose `campaign_schedule` is `{}`, and step analytics rows without the automatic-reply counts.
"""

from __future__ import annotations

import datetime
from typing import Any

import httpx
from instantly import Instantly
from instantly_api.types import UNSET

CAMPAIGN: dict[str, Any] = {
    "id": "8ad64aaf-8294-4538-8400-4a99dcf016e8",
    "name": "Marketing agencies",
    "status": 1,
    "timestamp_created": "2025-09-12T10:02:21.146Z",
    "timestamp_updated": "2025-10-30T01:09:44.198Z",
}
SCHEDULE: dict[str, Any] = {
    "name": "New schedule",
    "timing": {"from": "07:00", "to": "19:00"},
    "days": {"1": True, "2": True},
    "timezone": "America/Detroit",
}
STEP: dict[str, Any] = {
    "step": "1",
    "variant": "0",
    "sent": 304,
    "opened": 0,
    "unique_opened": 0,
    "replies": 3,
    "unique_replies": 3,
    "clicks": 0,
    "unique_clicks": 0,
}


def client_answering(body: Any) -> Instantly:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
    return Instantly("k", transport=transport, rate_limit=None)


def test_a_campaign_whose_schedule_dates_are_empty_strings_lists_with_them_kept() -> None:
    schedule = {"schedules": [SCHEDULE], "start_date": "", "end_date": ""}
    with client_answering({"items": [{**CAMPAIGN, "campaign_schedule": schedule}]}) as client:
        (campaign,) = list(client.campaigns.list())
    assert campaign.campaign_schedule.start_date == ""
    assert campaign.campaign_schedule.end_date == ""


def test_a_campaign_schedule_date_still_parses_as_a_date() -> None:
    schedule = {"schedules": [SCHEDULE], "start_date": "2026-01-05", "end_date": None}
    with client_answering({"items": [{**CAMPAIGN, "campaign_schedule": schedule}]}) as client:
        (campaign,) = list(client.campaigns.list())
    assert campaign.campaign_schedule.start_date == datetime.date(2026, 1, 5)
    assert campaign.campaign_schedule.end_date is None


def test_a_campaign_with_an_empty_schedule_object_reads_without_schedules() -> None:
    with client_answering({**CAMPAIGN, "campaign_schedule": {}}) as client:
        campaign = client.campaigns.get(CAMPAIGN["id"])
    assert campaign.campaign_schedule.schedules is UNSET
    assert campaign.campaign_schedule.to_dict() == {}


def test_step_analytics_without_automatic_reply_counts_parse() -> None:
    with client_answering([STEP, {**STEP, "step": "0", "sent": 735}]) as client:
        # Any: mypy reads the method's `list[...]` as the resource's own `list` method.
        rows: Any = client.campaigns.get_steps_analytics(campaign_id=CAMPAIGN["id"])
    assert [row.sent for row in rows] == [304, 735]
    assert rows[0].replies_automatic is UNSET and rows[0].unique_replies_automatic is UNSET
    assert rows[0].to_dict() == STEP
