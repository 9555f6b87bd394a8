"""The clients' resources: the generated ones, and for six, the hand-written subclass.

`instantly_api.resources.SyncResources` (generated) gives a client one attribute per resource
of the spec; where a resource has hand-written helpers (the module of this package with the
resource's name, defining the same class names), these mixins, placed before it, give that
subclass instead. Each loads on first use.
"""

from __future__ import annotations

import importlib
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from instantly_api.resources import RESOURCES, AsyncResources, SyncResources

if TYPE_CHECKING:
    # Named in the quoted type arguments below (which ruff does not read).
    from . import accounts, campaigns, email_verification, emails, jobs, leads  # noqa: F401

__all__ = ["HELPER_MODULES", "AsyncClientResources", "ClientResources"]

# The resources with hand-written helpers: attribute -> this package's module defining them.
HELPER_MODULES = {
    name: f"instantly.resources.{name}"
    for name in ("accounts", "campaigns", "email_verification", "emails", "jobs", "leads")
}


def _hand_written(attribute: str, is_async: bool) -> cached_property[Any]:
    """The client attribute `attribute`: its hand-written class, built on first use."""
    name = RESOURCES[attribute][2 if is_async else 1]

    def build(client: Any) -> Any:
        return getattr(importlib.import_module(HELPER_MODULES[attribute]), name)(client._runner)

    build.__name__ = attribute
    build.__doc__ = f"`client.{attribute}`: its operations and hand-written helpers."
    return cached_property(build)


# The hand-written classes, as type parameters: the same six attributes on both clients.
_A = TypeVar("_A")
_C = TypeVar("_C")
_V = TypeVar("_V")
_E = TypeVar("_E")
_J = TypeVar("_J")
_L = TypeVar("_L")


class _HandWritten(Generic[_A, _C, _V, _E, _J, _L]):
    """The attributes whose class is hand-written (set below, for type checkers here)."""

    if TYPE_CHECKING:
        accounts: cached_property[_A]
        campaigns: cached_property[_C]
        email_verification: cached_property[_V]
        emails: cached_property[_E]
        jobs: cached_property[_J]
        leads: cached_property[_L]


class ClientResources(
    _HandWritten[
        "accounts.Accounts", "campaigns.Campaigns", "email_verification.EmailVerification",
        "emails.Emails", "jobs.Jobs", "leads.Leads",
    ],
    SyncResources,
):  # fmt: skip
    """Every resource of the sync client; those with helpers as their hand-written class."""


class AsyncClientResources(
    _HandWritten[
        "accounts.AsyncAccounts", "campaigns.AsyncCampaigns",
        "email_verification.AsyncEmailVerification", "emails.AsyncEmails", "jobs.AsyncJobs",
        "leads.AsyncLeads",
    ],
    AsyncResources,
):  # fmt: skip
    """Every resource of the async client; those with helpers as their hand-written class."""


for _attribute in HELPER_MODULES:
    if _attribute not in RESOURCES:  # a client generated from another spec (a synthetic one)
        continue
    for _cls, _is_async in ((ClientResources, False), (AsyncClientResources, True)):
        _property = _hand_written(_attribute, _is_async)
        setattr(_cls, _attribute, _property)
        _property.__set_name__(_cls, _attribute)
