"""Campaign launch decisions, without I/O: checking a launch, reading a preflight, the result.

A launch is create → add leads → preflight → activate (`campaigns.launch`, a plan in
`_helpers/campaigns.py`). The preflight reads what can be read before activation: each sending
account (in the workspace, status active) and the campaign's sending status (whose account
diagnoses hold before activation too; draft and "waiting for leads" are expected then).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .._facts import ACCOUNT_STATUS_ACTIVE
from ._lead_import import LeadImportResult

__all__ = [
    "ACCOUNT_PROBLEM_STATUSES",
    "CampaignLaunch",
    "account_problem",
    "sending_status_problem",
    "sequence_problem",
]

# Sending statuses (SendingStatus.diagnostics.status, the spec's enum) that
# say the campaign's accounts cannot send: a launch refuses them. The others describe the
# campaign itself (draft, schedule, limits, leads) and are expected before activation.
ACCOUNT_PROBLEM_STATUSES: Final = frozenset(
    {
        "campaign_accounts_unhealthy",
        "campaign_account_suspended",
        "all_accounts_unhealthy",
        "no_accounts_available",
    }
)


@dataclass(frozen=True, slots=True)
class CampaignLaunch:
    """A launched campaign: as activated, the lead import's result (None without leads), and
    the sending status read by the preflight (`"healthy"`, `"waiting_for_leads"`, ...)."""

    campaign: Any
    leads: LeadImportResult | None
    sending_status: str | None


def sequence_problem(sequences: object) -> str | None:
    """Why these sequences would send nothing (no sequence, or no step in any), or None."""
    if not isinstance(sequences, list | tuple) or not sequences:
        return "sequences is empty: give at least one sequence with one step"
    for sequence in sequences:
        steps = sequence.get("steps") if isinstance(sequence, Mapping) else None
        if steps is None and not isinstance(sequence, Mapping):
            steps = getattr(sequence, "steps", None)
        if isinstance(steps, list | tuple) and steps:
            return None
    return "no sequence has a step: give at least one email step to send"


def account_problem(email: str, account: Any) -> str | None:
    """Why this sending account cannot send (its status), or None."""
    status = getattr(account, "status", None)
    if status == ACCOUNT_STATUS_ACTIVE:
        return None
    return f"account {email!r} has status {status!r}, not {ACCOUNT_STATUS_ACTIVE} (active)"


def sending_status_problem(answer: Any) -> tuple[str | None, str | None]:
    """The sending status read, and why it refuses the launch (None when it does not)."""
    summary = getattr(answer, "summary", None)
    diagnostics = getattr(answer, "diagnostics", None)
    status = getattr(diagnostics, "status", None)
    if not isinstance(status, str):
        status = getattr(summary, "status", None)
    status = status if isinstance(status, str) else None
    if status in ACCOUNT_PROBLEM_STATUSES:
        message = getattr(summary, "status_message", None)
        detail = f": {message}" if isinstance(message, str) and message else ""
        return status, f"sending status {status!r}{detail}"
    return status, None
