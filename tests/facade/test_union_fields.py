"""Union fields of a 2xx body (`datetime | None`, `list | None`): a value no member takes is kept
as sent and recorded as a deviation naming the field (never converted to a type it does not
have); a strict client raises `ResponseDeviationError` naming the field and the kind."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from _facade_helpers import ACCOUNT, json_response
from instantly import Instantly, ResponseDeviationError
from instantly.testing import FakeClock
from instantly_api.types import UNSET

from tests._hardening import SECRET_KEY


def _client(body: Any, *, strict: bool = True) -> Instantly:
    """A client (strict unless told) whose server answers every request with this 200 body."""
    clock = FakeClock(0.0)
    return Instantly(
        SECRET_KEY,
        strict=strict,
        transport=httpx.MockTransport(lambda request: json_response(200, body)),
        rate_limit=None,
        max_retries=0,
        clock=clock,
        sleep=clock.sleep,
    )


def _listed(**item_changes: Any) -> list[Any]:
    """`accounts.list` over one page holding one account with these changes."""
    return list(_client({"items": [{**ACCOUNT, **item_changes}]}).accounts.list(limit=10))


@pytest.mark.parametrize(
    ("value", "kind"),
    [("never", "format"), (12345, "type"), (["2026-03-05"], "type"), ({}, "type")],
)
def test_a_timestamp_or_null_field_holding_another_value_raises_naming_it_when_strict(
    value: object, kind: str
) -> None:
    client = _client({**ACCOUNT, "timestamp_warmup_start": value})
    with pytest.raises(ResponseDeviationError) as caught:
        client.accounts.get("jon@doe.com")
    assert (caught.value.field, caught.value.kind) == ("Account.timestamp_warmup_start", kind)
    assert f"Account.timestamp_warmup_start ({kind})" in str(caught.value)


@pytest.mark.parametrize("value", ["never", 12345, ["2026-03-05"], {}])
def test_a_timestamp_or_null_field_holding_another_value_is_kept_and_recorded(
    value: object,
) -> None:
    client = _client({**ACCOUNT, "timestamp_warmup_start": value}, strict=False)
    assert client.accounts.get("jon@doe.com").timestamp_warmup_start == value
    [deviation] = client.deviations
    assert (deviation.operation, deviation.path) == ("getAccount", "Account.timestamp_warmup_start")


@pytest.mark.parametrize("value", ["oops", 7, {"id": "t1"}, True])
def test_a_list_or_null_field_holding_another_value_raises_naming_it_when_strict(
    value: object,
) -> None:
    with pytest.raises(ResponseDeviationError, match=r"AccountListItem\.tags \(type\)"):
        _listed(tags=value)


def test_a_timestamp_or_null_field_still_parses_a_timestamp_null_or_nothing() -> None:
    stamped = _client({**ACCOUNT, "timestamp_warmup_start": "2026-03-05T23:09:47.220Z"})
    nulled = _client({**ACCOUNT, "timestamp_warmup_start": None})
    left_out = _client(ACCOUNT)
    start = stamped.accounts.get("jon@doe.com").timestamp_warmup_start
    assert start == datetime.datetime(2026, 3, 5, 23, 9, 47, 220000, tzinfo=datetime.UTC)
    assert nulled.accounts.get("jon@doe.com").timestamp_warmup_start is None
    assert left_out.accounts.get("jon@doe.com").timestamp_warmup_start is UNSET


def test_a_list_or_null_field_still_parses_a_list_null_or_nothing() -> None:
    [tagged] = _listed(tags=[{"id": "t1", "label": "vip"}])
    [nulled] = _listed(tags=None)
    [left_out] = _listed()
    assert [tag.label for tag in tagged.tags] == ["vip"]
    assert nulled.tags is None
    assert left_out.tags is UNSET


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (["a", 1], "InboxPlacementTestDetails.tags[]"),
        ([True], "InboxPlacementTestDetails.tags[]"),
        ([None], "InboxPlacementTestDetails.tags[]"),
        ("a", "InboxPlacementTestDetails.tags"),
    ],
    ids=repr,
)
def test_a_scalar_list_or_null_field_with_a_wrong_item_raises_naming_it_when_strict(
    value: object, path: str
) -> None:
    client = _client({"id": "t1", "tags": value})
    with pytest.raises(ResponseDeviationError) as caught:
        client.inbox_placement_tests.get("t1")
    assert caught.value.field == path


def test_a_scalar_list_with_a_wrong_item_is_kept_whole_and_recorded_once() -> None:
    client = _client({"id": "t1", "tags": ["a", 1, 2]}, strict=False)
    assert client.inbox_placement_tests.get("t1").tags == ["a", 1, 2]
    assert [(d.path, d.kind) for d in client.deviations] == [
        ("InboxPlacementTestDetails.tags[]", "type")
    ]


def test_a_scalar_list_or_null_field_still_parses_a_list_null_or_nothing() -> None:
    tests = _client({"id": "t1", "tags": ["a", "b"]}).inbox_placement_tests
    assert tests.get("t1").tags == ["a", "b"]
    assert _client({"id": "t1", "tags": []}).inbox_placement_tests.get("t1").tags == []
    assert _client({"id": "t1", "tags": None}).inbox_placement_tests.get("t1").tags is None
    assert _client({"id": "t1"}).inbox_placement_tests.get("t1").tags is UNSET


def test_a_scalar_list_field_that_may_not_be_null_still_refuses_null_and_wrong_items() -> None:
    for value, message in [
        (None, r"\.emails \(null\)"),
        (["a@b.co", 2], r"\.emails\[\] \(type\)"),
    ]:
        client = _client({"id": "t1", "emails": value})
        with pytest.raises(ResponseDeviationError, match=message):
            client.inbox_placement_tests.get("t1")
    assert _client({"id": "t1", "emails": ["a@b.co"]}).inbox_placement_tests.get("t1").emails == [
        "a@b.co"
    ]
