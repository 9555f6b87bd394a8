"""instantly: a typed client for the Instantly.ai API v2.

    from instantly import Instantly
    with Instantly() as client:          # key from INSTANTLY_API_KEY
        account = client.accounts.get("jon@doe.com")

Names load lazily (PEP 562): `import instantly` imports neither httpx nor the generated models;
the first use of a name imports its module. Exported names report `instantly` as their module,
so tracebacks read `instantly.NotFoundError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import *  # noqa: F403  (small, dependency-free: loaded eagerly)
from ._errors import __all__ as _errors_all
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._bulk import BulkPauseResult
    from ._client import AsyncInstantly, Instantly
    from ._deviations import ResponseDeviation
    from ._facts import AccountFilter, AccountStatus, JobStatus, ProviderCode, WarmupStatus
    from ._helpers._analytics import write_rows_csv
    from ._helpers._campaign_launch import CampaignLaunch
    from ._helpers._lead_import import CreatedLead, LeadChunkResult, LeadImportResult
    from ._job_handles import AsyncJobGroup, AsyncJobHandle, JobGroup, JobHandle
    from ._outcomes import Accepted
    from ._pagination import AsyncPaginator, Page, SyncPaginator
    from ._rate_limiter import RateLimit, RateLimiter
    from ._retry import RetryPolicy
    from ._retry_transport import AsyncRetryTransport, RetryTransport, TransportSettings
    from ._shared_limiter import SharedLimiterError, SharedRateLimiter
    from ._workspaces import WorkspaceCallError, WorkspaceResult
    from .models import UNSET, AccountListItem, Unset
    from .resources import RequestOptions

# Public name → private module that defines it.
_IMPORT_MAP: dict[str, str] = {
    "Instantly": "._client",
    "AsyncInstantly": "._client",
    "Page": "._pagination",
    "SyncPaginator": "._pagination",
    "AsyncPaginator": "._pagination",
    "RateLimit": "._rate_limiter",
    "RateLimiter": "._rate_limiter",
    "RetryPolicy": "._retry",
    "RetryTransport": "._retry_transport",
    "AsyncRetryTransport": "._retry_transport",
    "TransportSettings": "._retry_transport",
    "AccountListItem": ".models",
    "Unset": ".models",
    "UNSET": ".models",
    "AccountStatus": "._facts",
    "WarmupStatus": "._facts",
    "ProviderCode": "._facts",
    "RequestOptions": ".resources",
    "AccountFilter": "._facts",
    "JobStatus": "._facts",
    "BulkPauseResult": "._bulk",
    "JobHandle": "._job_handles",
    "AsyncJobHandle": "._job_handles",
    "JobGroup": "._job_handles",
    "AsyncJobGroup": "._job_handles",
    "LeadImportResult": "._helpers._lead_import",
    "LeadChunkResult": "._helpers._lead_import",
    "CreatedLead": "._helpers._lead_import",
    "CampaignLaunch": "._helpers._campaign_launch",
    "Accepted": "._outcomes",
    "write_rows_csv": "._helpers._analytics",
    "SharedLimiterError": "._shared_limiter",
    "SharedRateLimiter": "._shared_limiter",
    "WorkspaceCallError": "._workspaces",
    "WorkspaceResult": "._workspaces",
    "ResponseDeviation": "._deviations",
}

__all__ = [
    "UNSET",
    "Accepted",
    "AccountFilter",
    "AccountListItem",
    "AccountStatus",
    "AsyncInstantly",
    "AsyncJobGroup",
    "AsyncJobHandle",
    "AsyncPaginator",
    "AsyncRetryTransport",
    "BulkPauseResult",
    "CampaignLaunch",
    "CreatedLead",
    "Instantly",
    "JobGroup",
    "JobHandle",
    "JobStatus",
    "LeadChunkResult",
    "LeadImportResult",
    "Page",
    "ProviderCode",
    "RateLimit",
    "RateLimiter",
    "RequestOptions",
    "RetryPolicy",
    "ResponseDeviation",
    "RetryTransport",
    "SharedLimiterError",
    "SharedRateLimiter",
    "SyncPaginator",
    "TransportSettings",
    "Unset",
    "WarmupStatus",
    "WorkspaceCallError",
    "WorkspaceResult",
    "write_rows_csv",
    *_errors_all,
]


def _export(obj: Any) -> Any:
    """Present one of our classes as `instantly.<name>` (tracebacks, reprs, pickling).

    Only what a private module of this package defines is renamed; the generated models that
    are re-exported (e.g. AccountListItem) keep their own module.
    """
    if isinstance(obj, type) and obj.__module__.startswith(f"{__name__}."):
        obj.__module__ = __name__
    return obj


for _name in _errors_all:
    _export(globals()[_name])


def __getattr__(name: str) -> Any:
    module_name = _IMPORT_MAP.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = _export(getattr(importlib.import_module(module_name, __name__), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
