"""Fake campaigns beyond the spec: activate, the sending status a launch checks, and analytics
computed from the fake's emails and leads (the spec-driven default creates them as drafts,
lists, reads, patches, pauses and deletes them).

The fake does not send email: `emails.record_sent` and `emails.receive_reply` (see
`_emails.py`) create the traffic analytics count. Opens and clicks are not simulated (0).
Activation refuses a campaign without sequence steps or sending accounts, and one whose
accounts are not in the workspace: the fake's reading of what Instantly checks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from .._facts import ACCOUNT_STATUS_ACTIVE
from ._records import Call, Rejected, copy_json, csv_values, emitted, unsupported
from ._schema import SchemaError, check, resolve
from ._spec_routes import by_id, component

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["CAMPAIGN_ACTIVE", "CAMPAIGN_DRAFT", "CAMPAIGN_PAUSED", "CampaignStore"]

# Campaign.status (x-enumDescriptions of the spec): 0 Draft, 1 Active, 2 Paused, 3 Completed.
CAMPAIGN_DRAFT: Final = 0
CAMPAIGN_ACTIVE: Final = 1
CAMPAIGN_PAUSED: Final = 2
CAMPAIGN_COMPLETED: Final = 3

# Email.ue_type (x-enumDescriptions): 1 sent from a campaign, 2 received, 3 sent by hand.
UE_CAMPAIGN: Final = 1
UE_RECEIVED: Final = 2
UE_SENT: Final = 3

# The seeded schedule (the spec wants at least one, with times as HH:MM).
_WEEKDAYS: Final = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}


class CampaignStore:
    """The fake's campaigns (`fake.campaigns`): seed, read, and the routes that act on them."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        # Kept by the spec-driven default: create (a draft), list, get, patch, pause, delete.
        self._campaigns = fake.spec.collection("/api/v2/campaigns")
        self._records = self._campaigns.records
        fake.spec.sets["createCampaign"] = {"status": CAMPAIGN_DRAFT}
        fake.spec.sets["pauseCampaign"] = {"status": CAMPAIGN_PAUSED}
        fake.spec.unsupported["listCampaign"] = ("tag_ids", "ai_sales_agent_id")

    # -- seeding and inspecting -----------------------------------------------------------------

    def add(self, name: str, **fields: Any) -> dict[str, Any]:
        """Create a campaign directly (draft, no sequence unless given; sending on weekdays
        09:00-17:00 unless `campaign_schedule` is given); returns its JSON."""
        body = {"name": name, "campaign_schedule": copy_json(_WEEKDAYS), **fields}
        fields = {**emitted(body, "Campaign"), "status": CAMPAIGN_DRAFT}
        try:  # a seed the spec forbids would be answered made up: refuse it here
            check(fields, {**component("Campaign"), "required": []}, "campaign")
        except SchemaError as error:
            raise ValueError(f"{error}; see the spec's Campaign schema") from None
        return self._fake.add_record("/api/v2/campaigns", **fields)

    def get(self, campaign_id: str) -> dict[str, Any]:
        """A campaign's JSON now (KeyError if absent)."""
        with self._fake._lock:
            record = self._records.get(campaign_id)
            if record is None:
                raise KeyError(f"no campaign {campaign_id!r}")
            return dict(self._render(record))

    def ids(self) -> list[str]:
        """Every campaign's id, oldest first."""
        with self._fake._lock:
            return list(self._records)

    def exists(self, campaign_id: str) -> bool:
        """Whether a campaign with this id exists."""
        return campaign_id in self._records

    # -- routes ---------------------------------------------------------------------------------

    def _route_activate_campaign(self, call: Call) -> Any:
        record = self._campaigns.get(call.params["id"])
        steps = [s for seq in record.get("sequences") or () for s in seq.get("steps") or ()]
        if not steps:
            raise Rejected("Campaign has no sequence steps: add at least one email to send")
        accounts = record.get("email_list") or []
        if not accounts:
            raise Rejected("Campaign has no sending accounts: set email_list first")
        missing = [a for a in accounts if not self._fake._has_account(a)]
        if missing:
            raise Rejected(f"Email account(s) not found in this workspace: {', '.join(missing)}")
        record["status"] = CAMPAIGN_ACTIVE
        record["timestamp_updated"] = call.stamp
        return self._render(record)

    def _route_get_campaign_sending_status(self, call: Call) -> Any:
        unsupported(call.query, ("with_ai_summary",), "GET /api/v2/campaigns/{id}/sending-status")
        record = self._campaigns.get(call.params["id"])
        accounts = list(record.get("email_list") or [])
        healthy = [a for a in accounts if self._fake._account_status(a) == ACCOUNT_STATUS_ACTIVE]
        status, message = self._diagnosis(record, accounts, healthy)
        diagnostics = {
            "campaign_id": record["id"],
            "last_updated": call.stamp,
            "status": status,
            "accounts_summary": {
                "total_connected": len(accounts),
                "available": len(healthy),
                "unavailable": {
                    "daily_limit_hit": 0,
                    "slow_ramp_limit_hit": 0,
                    "disconnected": len(accounts) - len(healthy),
                    "global_gap_not_met": 0,
                },
            },
        }
        summary = {"status": status, "status_message": message}
        return {"diagnostics": diagnostics, "summary": summary}

    def _diagnosis(
        self, record: Mapping[str, Any], accounts: list[str], healthy: list[str]
    ) -> tuple[str, str]:
        status = record["status"]
        if status == CAMPAIGN_DRAFT:
            return "campaign_draft", "Campaign is a draft: activate it to send"
        if status == CAMPAIGN_PAUSED:
            return "campaign_paused", "Campaign is paused"
        if status == CAMPAIGN_COMPLETED:
            return "campaign_completed", "Campaign has completed"
        if not accounts:
            return "no_accounts_available", "No sending accounts are attached"
        if not healthy:
            return "all_accounts_unhealthy", "None of the campaign's accounts can send"
        if len(healthy) < len(accounts):
            return "campaign_accounts_unhealthy", "Some of the campaign's accounts cannot send"
        leads = self._fake.leads._leads.values()
        if not any(lead.get("campaign") == record["id"] for lead in leads):
            return "waiting_for_leads", "Campaign has no leads to contact"
        return "healthy", "Campaign is sending normally"

    # -- analytics ------------------------------------------------------------------------------

    def _route_get_campaign_analytics_overview(self, call: Call) -> Any:
        unsupported(call.query, ("expand_crm_events",), "GET /api/v2/campaigns/analytics/overview")
        wanted = self._wanted(call.query.get("id"), call.query.get("ids"))
        emails = self._traffic(call.query, wanted)
        sent = [e for e in emails if e["ue_type"] == UE_CAMPAIGN]
        replies, automatic = _replies(emails)
        overview = {
            "emails_sent_count": len(sent),
            "contacted_count": len({e["lead"] for e in sent}),
            "new_leads_contacted_count": len({e["lead"] for e in sent}),
            "reply_count": len(replies),
            "reply_count_unique": len({e["lead"] for e in replies}),
            "reply_count_unique_by_step": len({(e["lead"], e.get("step")) for e in replies}),
            "reply_count_automatic": len(automatic),
            "reply_count_automatic_unique": len({e["lead"] for e in automatic}),
            "reply_count_automatic_unique_by_step": len(
                {(e["lead"], e.get("step")) for e in automatic}
            ),
        }
        return _shaped("getCampaignAnalyticsOverview", overview)

    def _route_get_daily_campaign_analytics(self, call: Call) -> Any:
        emails = self._traffic(call.query, self._wanted(call.query.get("campaign_id"), None))
        rows = _rows(emails, lambda e: {"date": e["timestamp_email"][:10]})
        return _shaped("getDailyCampaignAnalytics", rows)

    def _route_get_campaign_steps_analytics(self, call: Call) -> Any:
        emails = self._traffic(call.query, self._wanted(call.query.get("campaign_id"), None))
        rows = _rows(emails, lambda e: {"step": e.get("step"), "variant": None})
        rows = _shaped("getCampaignStepsAnalytics", rows)
        if not call.query.get("include_opportunities_count"):
            rows = [{k: v for k, v in row.items() if "opportunities" not in k} for row in rows]
        return rows

    def _route_get_daily_account_analytics(self, call: Call) -> Any:
        accounts = csv_values(call.query.get("emails"))
        emails = [
            e for e in self._traffic(call.query, None) if e["eaccount"] in accounts or not accounts
        ]
        rows = _rows(
            emails, lambda e: {"date": e["timestamp_email"][:10], "email_account": e["eaccount"]}
        )
        return _shaped("getDailyAccountAnalytics", rows)

    # -- internals ------------------------------------------------------------------------------

    def _wanted(self, one: str | None, many: Iterable[str] | None) -> frozenset[str] | None:
        ids = csv_values(one) | {i for m in many or () for i in csv_values(m)}
        if not ids:
            return None
        unknown = sorted(i for i in ids if i not in self._records)
        if unknown:
            raise Rejected(f"Campaign(s) not found: {', '.join(unknown)}", 404)
        return ids

    def _traffic(
        self, query: Mapping[str, Any], campaigns: frozenset[str] | None
    ) -> list[dict[str, Any]]:
        start, end = query.get("start_date"), query.get("end_date")
        status = query.get("campaign_status")
        found = []
        for email in self._fake.emails._records.values():
            campaign = email.get("campaign_id")
            if campaigns is not None and campaign not in campaigns:
                continue
            if status is not None and (
                campaign not in self._records or self._records[campaign]["status"] != status
            ):
                continue
            day = email["timestamp_email"][:10]
            if (start and day < start[:10]) or (end and day > end[:10]):
                continue
            found.append(email)
        return found

    def _render(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return emitted(record, "Campaign")


def _replies(emails: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The replies among `emails`: by a person, and automatic."""
    received = [e for e in emails if e["ue_type"] == UE_RECEIVED]
    automatic = [e for e in received if e.get("is_auto_reply")]
    return [e for e in received if not e.get("is_auto_reply")], automatic


def _rows(
    emails: list[dict[str, Any]], key: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    """One analytics row per value of `key` (sorted, None last): the key's fields and what the
    fake's traffic counts."""
    groups: dict[tuple[tuple[str, Any], ...], list[dict[str, Any]]] = defaultdict(list)
    for email in emails:
        groups[tuple(key(email).items())].append(email)
    rows = []
    for group in sorted(groups, key=lambda k: [(v is None, v or "") for _, v in k]):
        sent = [e for e in groups[group] if e["ue_type"] in (UE_CAMPAIGN, UE_SENT)]
        replies, automatic = _replies(groups[group])
        contacted = len({e["lead"] for e in sent})
        rows.append(
            {
                **dict(group),
                "sent": len(sent),
                "contacted": contacted,
                "new_leads_contacted": contacted,
                "replies": len(replies),
                "unique_replies": len({e["lead"] for e in replies}),
                "replies_automatic": len(automatic),
                "unique_replies_automatic": len({e["lead"] for e in automatic}),
            }
        )
    return rows


def _shaped(operation_id: str, answer: Any) -> Any:
    """An analytics answer as the spec shapes it: every count its schema names, 0 for those the
    fake does not simulate (opens, clicks, bounces, opportunities), none it does not name."""
    schema = resolve(by_id()[operation_id].schema or {})
    if isinstance(answer, list):
        names = resolve(schema["items"])["properties"]
        return [{name: row.get(name, 0) for name in names} for row in answer]
    return {name: answer.get(name, 0) for name in schema["properties"]}
