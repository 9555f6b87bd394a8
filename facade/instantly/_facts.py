"""Facts about the Instantly API that the code relies on, each with where it comes from.

Keep every such number or name here, so a change at Instantly is a change in one place.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "ACCOUNT_STATUS_ACTIVE",
    "ACCOUNT_STATUS_PAUSED",
    "BULK_EMAILS_MAX",
    "DEFAULT_BASE_URL",
    "JOB_STATUSES",
    "JOB_TERMINAL_STATUSES",
    "LIST_PAGE_LIMIT_MAX",
    "RATE_LIMIT_PER_MINUTE",
    "RATE_LIMIT_PER_SECOND",
    "WEBHOOK_DELIVERY_ALIASES",
    "WEBHOOK_DELIVERY_EVENT_TYPES",
    "WEBHOOK_SUBSCRIPTION_EVENT_TYPES",
    "AccountFilter",
    "AccountStatus",
    "JobStatus",
    "ProviderCode",
    "WarmupStatus",
]

# Source: the spec's `servers` entry ("Instantly API Server").
DEFAULT_BASE_URL: Final = "https://api.instantly.ai"

# Source: Instantly's API v2 documentation on rate limits (the spec does not state them): per
# workspace, shared by all API keys; over either limit the API answers 429.
RATE_LIMIT_PER_SECOND: Final = 100
RATE_LIMIT_PER_MINUTE: Final = 6000

# Source: the spec, `maxItems: 100` on `emails` of POST /api/v2/accounts/pause and of
# POST /api/v2/accounts/warmup/{enable,disable} (and on `excluded_emails`).
BULK_EMAILS_MAX: Final = 100

# Source: the spec, `limit` of the list operations (`minimum: 1, maximum: 100`).
LIST_PAGE_LIMIT_MAX: Final = 100

# Source: the spec, Account.status enum and its x-enumDescriptions (1 Active, 2 Paused).
ACCOUNT_STATUS_ACTIVE: Final = 1
ACCOUNT_STATUS_PAUSED: Final = 2


class AccountStatus(enum.IntEnum):
    """`Account.status` values. Source: the spec's enum and x-enumDescriptions (2026-08-21).

    A value this version does not know still parses (the field is a plain int on the model).
    """

    ACTIVE = 1
    PAUSED = 2
    MAINTENANCE = 3  # "temporarily paused for maintenance; will be automatically resumed"
    CONNECTION_ERROR = -1
    SOFT_BOUNCE_ERROR = -2
    SENDING_ERROR = -3


class WarmupStatus(enum.IntEnum):
    """`Account.warmup_status` values. Source: the spec's enum and x-enumDescriptions."""

    PAUSED = 0
    ACTIVE = 1
    BANNED = -1
    SPAM_FOLDER_UNKNOWN = -2
    PERMANENT_SUSPENSION = -3


class ProviderCode(enum.IntEnum):
    """`Account.provider_code` values. Source: the spec's enum and x-enumDescriptions."""

    CUSTOM_IMAP_SMTP = 1
    GOOGLE = 2
    MICROSOFT = 3
    AWS = 4
    AIRMAIL = 8
    AIRMAIL_INSTANT = 11


class JobStatus(enum.StrEnum):
    """Background job states. Source: BackgroundJob.status enum of the 2026-08-21 spec."""

    PENDING = "pending"
    IN_PROGRESS = "in-progress"
    SUCCESS = "success"
    FAILED = "failed"
    DRAINING = "draining"
    PAUSED = "paused"
    CANCELLED = "cancelled"


JOB_STATUSES: Final = frozenset(s.value for s in JobStatus)

# Source: the x-enumDescriptions of BackgroundJob.status: only these three end a job;
# `paused` ("waiting for quota or auth") and `draining` ("replaying deferred live events")
# resume by themselves.
JOB_TERMINAL_STATUSES: Final = frozenset(
    {JobStatus.SUCCESS.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value}
)


class AccountFilter(enum.StrEnum):
    """`filter.filter` of the warmup enable/disable request. Source: the spec's enum."""

    PAUSED = "ACC_FILTER_PAUSED"
    ERROR = "ACC_FILTER_ERROR"
    NO_CTD = "ACC_FILTER_NO_CTD"
    PW_ACCOUNTS = "ACC_FILTER_PW_ACCOUNTS"
    DFY = "ACC_FILTER_DFY"
    DFY_SETUP_PENDING = "ACC_FILTER_DFY_SETUP_PENDING"
    W_ACTIVE = "ACC_FILTER_W_ACTIVE"
    W_PAUSED = "ACC_FILTER_W_PAUSED"
    W_ERROR = "ACC_FILTER_W_ERROR"


# Source: the spec, the `event_type` enum of POST /api/v2/webhooks (CreateWebhook) and of the
# Webhook schema, 2026-08-21 (tests/facade/test_webhooks.py compares them). What you subscribe to;
# `all_events` includes custom-label events, and `null` subscribes to one custom label.
WEBHOOK_SUBSCRIPTION_EVENT_TYPES: Final = (
    "all_events",
    "email_sent",
    "email_opened",
    "email_link_clicked",
    "reply_received",
    "email_bounced",
    "lead_unsubscribed",
    "campaign_completed",
    "account_error",
    "lead_neutral",
    "lead_interested",
    "lead_not_interested",
    "lead_meeting_booked",
    "lead_meeting_completed",
    "lead_closed",
    "lead_out_of_office",
    "lead_wrong_person",
    "lead_no_show",
    "supersearch_enrichment_completed",
)

# Source: Instantly's documentation, "Webhook events" (developer.instantly.ai/webhook-events): the
# `event_type` values a delivery carries. The spec does not describe deliveries. A custom label
# is delivered under its own name, as-is.
WEBHOOK_DELIVERY_EVENT_TYPES: Final = (
    "email_sent",
    "email_opened",
    "reply_received",
    "auto_reply_received",
    "link_clicked",
    "email_bounced",
    "lead_unsubscribed",
    "account_error",
    "campaign_completed",
    "lead_neutral",
    "lead_interested",
    "lead_not_interested",
    "lead_meeting_booked",
    "lead_meeting_completed",
    "lead_closed",
    "lead_out_of_office",
    "lead_wrong_person",
)

# Delivery name -> subscription name, where the two differ (the two sources above): a click is
# subscribed to as `email_link_clicked` and delivered as `link_clicked`. `auto_reply_received`
# has no subscription name of its own, and none is guessed for it.
WEBHOOK_DELIVERY_ALIASES: Final = {"link_clicked": "email_link_clicked"}
