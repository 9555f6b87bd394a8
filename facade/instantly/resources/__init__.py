"""The facade's resources: one class per API area, sync and async, sharing one request runner.

Imported on first use of `client.accounts` (etc.), since they import the generated models.
"""

from ._accounts import AccountListItem, Accounts, AsyncAccounts
from ._base import RequestOptions
from ._campaigns import AsyncCampaigns, Campaigns
from ._jobs import AsyncJobs, Jobs
from ._lead_lists import AsyncLeadLists, LeadLists

__all__ = [
    "AccountListItem",
    "Accounts",
    "AsyncAccounts",
    "AsyncCampaigns",
    "AsyncJobs",
    "AsyncLeadLists",
    "Campaigns",
    "Jobs",
    "LeadLists",
    "RequestOptions",
]
