"""Fake lead lists and leads: create, list (POST with a body cursor), bulk add with the API's
dedupe flags, move (a background job), get, delete.

Bulk add counts each lead once, checking in this order: an invalid or missing email (or, for a
list, no email and no name), a repeat of an email earlier in the same request, the blocklist,
already in the target campaign or list, then the `skip_if_in_*` flags. A lead's email is
compared case-insensitively. The field meanings are the spec's (bulkAddLeads' 200 response).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from ._records import EMAIL_SHAPE, Call, IdMaker, Rejected, emitted, page, unsupported
from ._spec_routes import component

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["LeadStore"]

# Lead.status (x-enumDescriptions): 1 Active.
LEAD_ACTIVE: Final = 1
# Fields of POST /api/v2/leads/list and /move that the fake does not implement.
_LIST_UNSUPPORTED: Final = (
    "filter",
    "queries",
    "organization_user_ids",
    "smart_view_id",
    "is_website_visitor",
    "distinct_contacts",
    "enrichment_status",
    "esg_code",
)
# What bulk add counts instead of creating a lead, and what it reports of a created one.
_SKIP_COUNTS: Final = (
    "in_blocklist",
    "duplicated_leads",
    "skipped_count",
    "invalid_email_count",
    "incomplete_count",
    "duplicate_email_count",
)
_CREATED_FIELDS: Final = ("id", "email", "first_name", "last_name", "phone")
_SKIP_FLAGS: Final = ("skip_if_in_workspace", "skip_if_in_campaign", "skip_if_in_list")
_MOVE_UNSUPPORTED: Final = (
    "filter",
    "queries",
    "assigned_to",
    "esp_code",
    "esg_code",
    "ignore_resource_filter_clauses",
    "skip_leads_in_verification",
    "check_duplicates_in_campaigns",
    "reset_interest_status",
)


class LeadStore:
    """The fake's lead lists and leads (`fake.leads`)."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        # Lead lists are kept by the spec-driven default (it creates, lists and gets them).
        self._lists = fake.spec.collection("/api/v2/lead-lists")
        self._leads = fake.spec.collection("/api/v2/leads").records  # get, patch, delete: spec
        self._new_lead_id = IdMaker(0x1EA)
        self.blocklist: set[str] = set()
        """Blocked addresses and domains (lower case): bulk add counts them `in_blocklist`."""
        self.remaining_in_plan = 100_000
        """Lead uploads left in the plan (reported when adding to a campaign)."""

    # -- seeding and inspecting -----------------------------------------------------------------

    def add_list(self, name: str) -> dict[str, Any]:
        """Create a lead list directly; returns its JSON."""
        return self._fake.add_record("/api/v2/lead-lists", name=name)

    def all(self) -> list[dict[str, Any]]:
        """Every lead's JSON, oldest first."""
        with self._fake._lock:
            return [self._render(lead) for lead in self._leads.values()]

    def in_campaign(self, campaign_id: str) -> list[dict[str, Any]]:
        """The leads of a campaign, oldest first."""
        return [lead for lead in self.all() if lead.get("campaign") == campaign_id]

    def in_list(self, list_id: str) -> list[dict[str, Any]]:
        """The leads of a list, oldest first."""
        return [lead for lead in self.all() if lead.get("list_id") == list_id]

    def _route_delete_lead_list(self, call: Call) -> Any:
        record = self._lists.records.pop(self._lists.get(call.params["id"])["id"])
        for lead_id in [
            i for i, lead in self._leads.items() if lead.get("list_id") == record["id"]
        ]:
            del self._leads[lead_id]
        return dict(record)

    def _route_create_lead(self, call: Call) -> Any:
        body = call.body
        unsupported(
            {k: v for k, v in body.items() if v},
            ("verify_leads_on_import", "verify_leads_for_lead_finder", "blocklist_id"),
            "POST /api/v2/leads",
            "body",
        )
        campaign, list_id = body.get("campaign"), body.get("list_id")
        self._check_target(campaign, list_id)
        email = body.get("email")
        if email is not None and EMAIL_SHAPE.match(email.strip()) is None:
            raise Rejected(f"body/email {email!r} is not a valid email address")
        homes = self._homes_by_email(body).get((email or "").strip().lower(), [])
        if email is not None and self._skipped(body, homes):
            raise Rejected("Lead already exists and a skip_if_in_* flag is set")
        lead = self._new_lead(body, campaign, list_id, call.stamp)
        return self._render(lead)

    def _route_bulk_add_leads(self, call: Call) -> Any:
        body = call.body
        if body.get("verify_leads_on_import"):
            unsupported(
                {"verify_leads_on_import": 1}, ["verify_leads_on_import"], "leads/add", "body"
            )
        campaign, list_id = body.get("campaign_id"), body.get("list_id")
        if (campaign is None) == (list_id is None):
            raise Rejected("body must have exactly one of 'campaign_id' and 'list_id'")
        self._check_target(campaign, list_id)
        counts = dict.fromkeys(_SKIP_COUNTS, 0)
        created: list[dict[str, Any]] = []
        seen: set[str] = set()
        target = self._emails_in(campaign=campaign, list_id=list_id)
        homes = self._homes_by_email(body)
        for index, lead in enumerate(body["leads"]):
            email = (lead.get("email") or "").strip()
            refusal = self._refusal(lead, email, campaign is not None, seen, target, homes, body)
            if refusal is not None:
                counts[refusal] += 1
                continue
            record = self._new_lead({**lead, "email": email or None}, campaign, list_id, call.stamp)
            created.append({"index": index, **{k: record.get(k) for k in _CREATED_FIELDS}})
        remaining: int | None = None
        if campaign is not None:
            self.remaining_in_plan = max(0, self.remaining_in_plan - len(created))
            remaining = self.remaining_in_plan
        return {
            "status": "success",
            "total_sent": len(body["leads"]),
            "leads_uploaded": len(created),
            **counts,
            "blocklist_used": body.get("blocklist_id"),
            "remaining_in_plan": remaining,
            "created_leads": created,
        }

    def _route_list_leads(self, call: Call) -> Any:
        body = {} if not isinstance(call.body, dict) else call.body
        unsupported(body, _LIST_UNSUPPORTED, "POST /api/v2/leads/list", "body")
        include = self._selection(body)
        leads = self._fake.spec.collection("/api/v2/leads")
        items, cursor = leads.page(body.get("starting_after"), int(body.get("limit", 100)), include)
        return page(items, cursor, self._render)

    def _route_move_leads(self, call: Call) -> Any:
        body = call.body
        unsupported(body, _MOVE_UNSUPPORTED, "POST /api/v2/leads/move", "body")
        to_campaign, to_list = body.get("to_campaign_id"), body.get("to_list_id")
        if (to_campaign is None) == (to_list is None):
            raise Rejected("body must have exactly one of 'to_campaign_id' and 'to_list_id'")
        self._check_target(to_campaign, to_list)
        include = self._selection(body)
        chosen = [i for i, lead in self._leads.items() if include(lead)]
        if "limit" in body:
            chosen = chosen[: int(body["limit"])]
        copy = bool(body.get("copy_leads"))
        check = bool(body.get("check_duplicates"))

        def apply(stamp: str) -> dict[str, Any]:
            present = self._emails_in(campaign=to_campaign, list_id=to_list)
            moved = skipped = 0
            for lead_id in chosen:
                lead = self._leads.get(lead_id)
                if lead is None:
                    continue
                email = (lead.get("email") or "").lower()
                if check and email and email in present:
                    skipped += 1
                    continue
                present.add(email)
                target = self._new_lead(lead, to_campaign, to_list, stamp) if copy else lead
                target["campaign"], target["list_id"] = to_campaign, to_list
                target["timestamp_updated"] = stamp
                moved += 1
            return {"moved_count": moved, "skipped_count": skipped}

        job = self._fake.jobs._create("move-leads", {"total_to_process": len(chosen)}, apply)
        return job.as_json()

    # -- internals ------------------------------------------------------------------------------

    def _refusal(
        self,
        lead: Mapping[str, Any],
        email: str,
        to_campaign: bool,
        seen: set[str],
        target: set[str],
        homes: Mapping[str, list[tuple[Any, Any]]],
        body: Mapping[str, Any],
    ) -> str | None:
        """The count of bulk add's answer a lead goes to instead of being created (None: it is
        created), checked in the module docstring's order; a new address joins `seen`."""
        key = email.lower()
        if not email:
            if to_campaign:
                return "invalid_email_count"
            return None if lead.get("first_name") or lead.get("last_name") else "incomplete_count"
        if EMAIL_SHAPE.match(email) is None:
            return "invalid_email_count"
        if key in seen:
            return "duplicate_email_count"
        seen.add(key)
        if key in self.blocklist or key.rpartition("@")[2] in self.blocklist:
            return "in_blocklist"
        if key in target:
            return "duplicated_leads"
        return "skipped_count" if self._skipped(body, homes.get(key, [])) else None

    def _check_target(self, campaign: str | None, list_id: str | None) -> None:
        if campaign is not None and not self._fake.campaigns.exists(campaign):
            raise Rejected(f"Campaign {campaign} not found", 404)
        if list_id is not None and list_id not in self._lists.records:
            raise Rejected(f"Lead list {list_id} not found", 404)

    def _emails_in(self, *, campaign: str | None, list_id: str | None) -> set[str]:
        return {
            (lead.get("email") or "").lower()
            for lead in self._leads.values()
            if lead.get("email")
            and (
                (campaign is not None and lead.get("campaign") == campaign)
                or (list_id is not None and lead.get("list_id") == list_id)
            )
        }

    def _homes_by_email(self, body: Mapping[str, Any]) -> dict[str, list[tuple[Any, Any]]]:
        """Each address (lower case) → the (campaign, list) of every lead that has it: what the
        `skip_if_in_*` flags of `body` check (none set: empty). Built once per bulk request, so a
        1,000-lead chunk is not 1,000 scans of every lead."""
        homes: dict[str, list[tuple[Any, Any]]] = {}
        for lead in self._leads.values() if any(body.get(f) for f in _SKIP_FLAGS) else ():
            if lead.get("email"):
                key = lead["email"].lower()
                homes.setdefault(key, []).append((lead.get("campaign"), lead.get("list_id")))
        return homes

    @staticmethod
    def _skipped(body: Mapping[str, Any], homes: list[tuple[Any, Any]]) -> bool:
        """Whether a `skip_if_in_*` flag of `body` skips an address with these homes."""
        return bool(homes) and bool(
            body.get("skip_if_in_workspace")
            or (body.get("skip_if_in_campaign") and any(c for c, _ in homes))
            or (body.get("skip_if_in_list") and any(li for _, li in homes))
        )

    def _new_lead(
        self, fields: Mapping[str, Any], campaign: str | None, list_id: str | None, stamp: str
    ) -> dict[str, Any]:
        email = fields.get("email")
        known = component("Lead")["properties"]
        lead = {k: v for k, v in fields.items() if k in known and v is not None}
        custom = fields.get("custom_variables") or fields.get("payload")
        lead.update(
            id=self._new_lead_id(),
            timestamp_created=stamp,
            timestamp_updated=stamp,
            organization=self._fake.workspace_id,
            campaign=campaign,
            list_id=list_id,
            status=LEAD_ACTIVE,
            email_open_count=0,
            email_reply_count=0,
            email_click_count=0,
            company_domain=email.rpartition("@")[2].lower() if email else "",
            status_summary={},
            payload=dict(custom) if custom else None,
            upload_method="api",
            uploaded_by_user=self._fake.user_id,
        )
        self._leads[lead["id"]] = lead
        return lead

    def _selection(self, body: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
        ids = set(body.get("ids") or ())
        excluded = set(body.get("excluded_ids") or ())
        contacts = {c.lower() for c in body.get("contacts") or ()}
        search = str(body.get("search") or "").lower()

        def include(lead: Mapping[str, Any]) -> bool:
            haystack = " ".join(
                str(lead.get(k) or "") for k in ("email", "first_name", "last_name")
            ).lower()
            return (
                (not ids or lead["id"] in ids)
                and lead["id"] not in excluded
                and (not contacts or (lead.get("email") or "").lower() in contacts)
                and ("campaign" not in body or lead.get("campaign") == body["campaign"])
                and ("list_id" not in body or lead.get("list_id") == body["list_id"])
                and ("in_campaign" not in body or bool(lead.get("campaign")) == body["in_campaign"])
                and ("in_list" not in body or bool(lead.get("list_id")) == body["in_list"])
                and (not search or search in haystack)
            )

        return include

    def _render(self, lead: Mapping[str, Any]) -> dict[str, Any]:
        return emitted(lead, "Lead")
