"""The facade's resources: one class per API area, sync and async, sharing one request runner.

Each name loads its module on first use (PEP 562), so `client.accounts` imports the accounts
resource and the generated code it needs, not campaigns' or lead lists'.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._accounts import AccountListItem, Accounts, AsyncAccounts
    from ._base import RequestOptions
    from ._campaigns import AsyncCampaigns, Campaigns
    from ._jobs import AsyncJobs, Jobs
    from ._lead_lists import AsyncLeadLists, LeadLists

# Public name → private module that defines it.
_IMPORT_MAP: dict[str, str] = {
    "AccountListItem": "._accounts",
    "Accounts": "._accounts",
    "AsyncAccounts": "._accounts",
    "RequestOptions": "._base",
    "AsyncCampaigns": "._campaigns",
    "Campaigns": "._campaigns",
    "AsyncJobs": "._jobs",
    "Jobs": "._jobs",
    "AsyncLeadLists": "._lead_lists",
    "LeadLists": "._lead_lists",
}

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


def __getattr__(name: str) -> Any:
    module_name = _IMPORT_MAP.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
