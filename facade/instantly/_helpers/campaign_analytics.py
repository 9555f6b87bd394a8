"""Helpers of `client.campaigns`: campaign analytics (overview, daily, steps) as rows.

One request per campaign (the answers carry no campaign id, so each row gets a `campaign_id`
column), sent in order through the client's rate limiter; `write_rows_csv` writes them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from .._errors import InvalidInputError
from .._operation import operation
from .._plans import Call, Plan
from ._analytics import rows_of

if TYPE_CHECKING:
    from typing import Unpack

    from ..resources._base import RequestOptions

__all__ = ["analytics_rows"]

_KINDS: Final = {
    "overview": ("getCampaignAnalyticsOverview", "id"),
    "daily": ("getDailyCampaignAnalytics", "campaign_id"),
    "steps": ("getCampaignStepsAnalytics", "campaign_id"),
}


def analytics_rows(
    kind: str = "overview",
    *,
    campaign_ids: Sequence[str] | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[list[dict[str, Any]]]:
    """Campaign analytics as flat rows: `kind` "overview", "daily" or "steps".

    For each of `campaign_ids` one request, its rows tagged with `campaign_id`; without ids one
    request over every campaign (untagged). Dates are `YYYY-MM-DD`. Arguments are checked
    before the first request.
    """
    from ..resources._base import check_options

    if kind not in _KINDS:
        raise InvalidInputError(f"kind must be one of {sorted(_KINDS)}, got {kind!r:.60}")
    check_options(options)
    operation_id, id_name = _KINDS[kind]
    op = operation(operation_id)
    dates = {k: v for k, v in (("start_date", start_date), ("end_date", end_date)) if v}
    if isinstance(campaign_ids, str):
        raise InvalidInputError(f"campaign_ids must be a list, got the str {campaign_ids!r:.60}")
    ids = list(campaign_ids) if campaign_ids is not None else [None]
    calls = []
    for campaign_id in ids:
        if campaign_id is not None and (not isinstance(campaign_id, str) or not campaign_id):
            raise InvalidInputError(f"campaign_ids holds {campaign_id!r:.60}; give id strings")
        args = {**dates, **({id_name: campaign_id} if campaign_id else {})}
        from .._operation import prepare

        prepare(op, args)  # every request checked before the first is sent
        calls.append((campaign_id, args))
    rows: list[dict[str, Any]] = []
    for campaign_id, args in calls:
        answer = yield Call(op, args, options)
        rows += rows_of(answer, {"campaign_id": campaign_id} if campaign_id else None)
    return rows
