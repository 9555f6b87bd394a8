"""The clients' resources: the generated ones, and for six, the hand-written subclass.

`instantly_api.resources.SyncResources` (generated) gives a client one attribute per resource
of the spec; where a resource has hand-written helpers (a module of this package with the same
name), these mixins, placed before it, give the subclass instead. Each loads on first use.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from instantly_api.resources import AsyncResources, SyncResources

if TYPE_CHECKING:
    from . import accounts, campaigns, email_verification, emails, jobs, leads
    from ._base import AsyncRunner, SyncRunner

__all__ = ["HELPER_MODULES", "AsyncClientResources", "ClientResources"]

# The resources with hand-written helpers: attribute -> this package's module defining them.
HELPER_MODULES = {
    name: f"instantly.resources.{name}"
    for name in ("accounts", "campaigns", "email_verification", "emails", "jobs", "leads")
}


class ClientResources(SyncResources):
    """Every resource of the sync client; those with helpers as their hand-written class."""

    if TYPE_CHECKING:

        @property
        def _runner(self) -> SyncRunner: ...

    @cached_property
    def accounts(self) -> accounts.Accounts:
        """Account: the operations, `pause`, `pause_many`, `enable_warmup`, ... (helpers)."""
        from .accounts import Accounts

        return Accounts(self._runner)

    @cached_property
    def campaigns(self) -> campaigns.Campaigns:
        """Campaign: the operations, `launch`, `preflight`, `analytics_rows` (helpers)."""
        from .campaigns import Campaigns

        return Campaigns(self._runner)

    @cached_property
    def email_verification(self) -> email_verification.EmailVerification:
        """Email verification: the operations and `verify` (helper)."""
        from .email_verification import EmailVerification

        return EmailVerification(self._runner)

    @cached_property
    def emails(self) -> emails.Emails:
        """Email: the operations and `reply_in_thread` (helper)."""
        from .emails import Emails

        return Emails(self._runner)

    @cached_property
    def jobs(self) -> jobs.Jobs:
        """Background jobs: the operations, `handle` and `wait` (helpers)."""
        from .jobs import Jobs

        return Jobs(self._runner)

    @cached_property
    def leads(self) -> leads.Leads:
        """Lead: the operations and `add_many` (helper)."""
        from .leads import Leads

        return Leads(self._runner)


class AsyncClientResources(AsyncResources):
    """Every resource of the async client; those with helpers as their hand-written class."""

    if TYPE_CHECKING:

        @property
        def _runner(self) -> AsyncRunner: ...

    @cached_property
    def accounts(self) -> accounts.AsyncAccounts:
        """Account: the operations, `pause`, `pause_many`, `enable_warmup`, ... (helpers)."""
        from .accounts import AsyncAccounts

        return AsyncAccounts(self._runner)

    @cached_property
    def campaigns(self) -> campaigns.AsyncCampaigns:
        """Campaign: the operations, `launch`, `preflight`, `analytics_rows` (helpers)."""
        from .campaigns import AsyncCampaigns

        return AsyncCampaigns(self._runner)

    @cached_property
    def email_verification(self) -> email_verification.AsyncEmailVerification:
        """Email verification: the operations and `verify` (helper)."""
        from .email_verification import AsyncEmailVerification

        return AsyncEmailVerification(self._runner)

    @cached_property
    def emails(self) -> emails.AsyncEmails:
        """Email: the operations and `reply_in_thread` (helper)."""
        from .emails import AsyncEmails

        return AsyncEmails(self._runner)

    @cached_property
    def jobs(self) -> jobs.AsyncJobs:
        """Background jobs: the operations, `handle` and `wait` (helpers)."""
        from .jobs import AsyncJobs

        return AsyncJobs(self._runner)

    @cached_property
    def leads(self) -> leads.AsyncLeads:
        """Lead: the operations and `add_many` (helper)."""
        from .leads import AsyncLeads

        return AsyncLeads(self._runner)
