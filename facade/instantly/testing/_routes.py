"""The routes the fake serves and the request schemas it checks, as in the pinned spec.

Request schemas are copies of the spec's (2026-08-21) for the fields the fake reads; the spec is
not shipped, so the fake cannot read it at run time. The behaviour tests check these copies
against the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from .._facts import BULK_EMAILS_MAX, JOB_STATUSES, LIST_PAGE_LIMIT_MAX, AccountFilter

__all__ = [
    "ACCOUNTS_QUERY",
    "BULK_PAUSE_BODY",
    "GET_JOB_QUERY",
    "JOBS_QUERY",
    "JOB_TYPES",
    "ROUTES",
    "WARMUP_BODY",
    "Route",
    "match_route",
]

JOB_TYPES: Final = (
    "move-leads",
    "import-leads",
    "export-leads",
    "update-warmup-accounts",
    "rename-variable",
    "broadcast-ai-generate",
    "broadcast-website-scrape",
    "import-subscribers-from-crm",
    "resync-subscriber-crm-tags",
)
_FILTERS: Final = [f.value for f in AccountFilter]
_LIMIT: Final = {"type": "integer", "minimum": 1, "maximum": LIST_PAGE_LIMIT_MAX}

# Query parameters: name -> schema. `None` marks a parameter the spec has but the fake does not
# implement; sending it gets a 400 that says so, rather than a silently wrong answer.
ACCOUNTS_QUERY: Final[dict[str, dict[str, Any] | None]] = {
    "limit": _LIMIT,
    "starting_after": {"type": "string"},
    "search": {"type": "string"},
    "status": {"type": "number", "enum": [1, 2, 3, -1, -2, -3]},
    "provider_code": {"type": "number", "enum": [1, 2, 3, 4, 8, 11]},
    "tag_ids": {"type": "string"},
    "tag_ids_all": {"type": "string"},
    "filter": {"type": "string", "enum": _FILTERS},
    "skip": {"type": "integer", "minimum": 0},
    "include_tags": None,
    "sort_by": None,
    "sort_order": None,
}
JOBS_QUERY: Final[dict[str, dict[str, Any] | None]] = {
    "limit": _LIMIT,
    "starting_after": {"type": "string"},
    "ids": {"type": "string"},
    "included_ids": {"type": "string"},
    "excluded_ids": {"type": "string"},
    "type": {"type": "string", "enum": list(JOB_TYPES)},
    "entity_type": {
        "type": "string",
        "enum": [
            "list",
            "campaign",
            "workspace",
            "broadcast",
            "subscriber-group-sync",
            "subscriber-group",
        ],
    },
    "entity_id": {"type": "string"},
    "status": {"type": "string"},
    "sort_column": {"type": "string", "enum": ["created_at", "updated_at"]},
    "sort_order": {"type": "string", "enum": ["asc", "desc"]},
}
GET_JOB_QUERY: Final[dict[str, dict[str, Any] | None]] = {"data_fields": {"type": "string"}}

BULK_PAUSE_BODY: Final = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "emails": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "maxItems": BULK_EMAILS_MAX,
        }
    },
    "required": ["emails"],
}
WARMUP_BODY: Final = {
    "type": "object",
    "properties": {
        "emails": {"type": "array", "items": {"type": "string"}, "maxItems": BULK_EMAILS_MAX},
        "include_all_emails": {"type": "boolean"},
        "excluded_emails": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": BULK_EMAILS_MAX,
        },
        "filter": {
            "type": ["object", "null"],
            "properties": {
                "tag_id": {"type": "string"},
                "filter": {"type": ["string", "null"], "enum": [*_FILTERS, None]},
            },
        },
        "search": {"type": "string"},
    },
}

# Job statuses a `status` query may name (comma-separated), for a clear error on a typo.
JOB_STATUS_NAMES: Final = frozenset(JOB_STATUSES)


@dataclass(frozen=True, slots=True)
class Route:
    """One operation: method, path template, the fake's handler name, the spec's operationId."""

    method: str
    template: str
    handler: str
    operation_id: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regex; `{name}` matches one non-empty path segment."""
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + "$")


ROUTES: Final = (
    Route("GET", "/api/v2/accounts", "list_accounts", "listAccount"),
    Route("POST", "/api/v2/accounts/pause", "pause_accounts", "pauseAccounts"),
    Route("POST", "/api/v2/accounts/warmup/enable", "enable_warmup", "enableWarmupForAccounts"),
    Route("POST", "/api/v2/accounts/warmup/disable", "disable_warmup", "disableWarmupForAccounts"),
    Route("GET", "/api/v2/accounts/{email}", "get_account", "getAccount"),
    Route("POST", "/api/v2/accounts/{email}/pause", "pause_account", "pauseAccount"),
    Route("POST", "/api/v2/accounts/{email}/resume", "resume_account", "resumeAccount"),
    Route("GET", "/api/v2/background-jobs", "list_jobs", "listBackgroundJob"),
    Route("GET", "/api/v2/background-jobs/{id}", "get_job", "getBackgroundJob"),
    # Campaigns and their analytics (_campaigns.py).
    Route("POST", "/api/v2/campaigns", "campaigns.create", "createCampaign"),
    Route("GET", "/api/v2/campaigns", "campaigns.list", "listCampaign"),
    Route("GET", "/api/v2/campaigns/{id}", "campaigns.get", "getCampaign"),
    Route("PATCH", "/api/v2/campaigns/{id}", "campaigns.patch", "patchCampaign"),
    Route("DELETE", "/api/v2/campaigns/{id}", "campaigns.delete", "deleteCampaign"),
    Route("POST", "/api/v2/campaigns/{id}/activate", "campaigns.activate", "activateCampaign"),
    Route("POST", "/api/v2/campaigns/{id}/pause", "campaigns.pause", "pauseCampaign"),
    Route(
        "GET",
        "/api/v2/campaigns/{id}/sending-status",
        "campaigns.sending_status",
        "getCampaignSendingStatus",
    ),
    Route(
        "GET",
        "/api/v2/campaigns/analytics/overview",
        "campaigns.analytics_overview",
        "getCampaignAnalyticsOverview",
    ),
    Route(
        "GET",
        "/api/v2/campaigns/analytics/daily",
        "campaigns.analytics_daily",
        "getDailyCampaignAnalytics",
    ),
    Route(
        "GET",
        "/api/v2/campaigns/analytics/steps",
        "campaigns.analytics_steps",
        "getCampaignStepsAnalytics",
    ),
    Route(
        "GET",
        "/api/v2/accounts/analytics/daily",
        "campaigns.account_daily",
        "getDailyAccountAnalytics",
    ),
    # Lead lists and leads (_leads.py).
    Route("POST", "/api/v2/lead-lists", "leads.create_list", "createLeadList"),
    Route("GET", "/api/v2/lead-lists", "leads.list_lists", "listLeadList"),
    Route("GET", "/api/v2/lead-lists/{id}", "leads.get_list", "getLeadList"),
    Route("DELETE", "/api/v2/lead-lists/{id}", "leads.delete_list", "deleteLeadList"),
    Route("POST", "/api/v2/leads", "leads.create", "createLead"),
    Route("POST", "/api/v2/leads/list", "leads.list", "listLeads"),
    Route("POST", "/api/v2/leads/add", "leads.add", "bulkAddLeads"),
    Route("POST", "/api/v2/leads/move", "leads.move", "moveLeads"),
    Route("GET", "/api/v2/leads/{id}", "leads.get", "getLead"),
    Route("DELETE", "/api/v2/leads/{id}", "leads.delete", "deleteLead"),
    # The Unibox (_emails.py).
    Route("GET", "/api/v2/emails", "emails.list", "listEmail"),
    Route("POST", "/api/v2/emails/reply", "emails.reply", "replyToEmail"),
    Route(
        "POST",
        "/api/v2/emails/threads/{thread_id}/mark-as-read",
        "emails.mark_thread_read",
        "markThreadAsRead",
    ),
    Route("GET", "/api/v2/emails/unread/count", "emails.unread_count", "countUnreadEmails"),
    # Webhooks and their deliveries (_webhooks.py).
    Route("GET", "/api/v2/webhooks", "webhooks.list", "listWebhook"),
    Route("POST", "/api/v2/webhooks", "webhooks.create", "createWebhook"),
    Route("GET", "/api/v2/webhooks/event-types", "webhooks.event_types", "listWebhookEventTypes"),
    Route("GET", "/api/v2/webhooks/{id}", "webhooks.get", "getWebhook"),
    Route("PATCH", "/api/v2/webhooks/{id}", "webhooks.patch", "patchWebhook"),
    Route("DELETE", "/api/v2/webhooks/{id}", "webhooks.delete", "deleteWebhook"),
    Route("POST", "/api/v2/webhooks/{id}/test", "webhooks.test", "testWebhook"),
    Route("POST", "/api/v2/webhooks/{id}/resume", "webhooks.resume", "resumeWebhook"),
    Route("GET", "/api/v2/webhook-events", "webhooks.list_events", "listWebhookEvent"),
    # Email verification (_verification.py).
    Route("POST", "/api/v2/email-verification", "verification.create", "createEmailVerification"),
    Route(
        "GET",
        "/api/v2/email-verification/{email}",
        "verification.get",
        "checkVerificationStatus",
    ),
)

# Static paths first, then templates: Fastify prefers a static segment over a parameter.
_STATIC: Final = {(r.method, r.template): r for r in ROUTES if "{" not in r.template}
_DYNAMIC: Final = [(r, r.pattern) for r in ROUTES if "{" in r.template]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request and its path parameters (still percent-encoded), or None."""
    lookup = "GET" if method == "HEAD" else method
    route = _STATIC.get((lookup, path))
    if route is not None:
        return route, {}
    for candidate, pattern in _DYNAMIC:
        if candidate.method == lookup and (m := pattern.match(path)):
            return candidate, m.groupdict()
    return None
