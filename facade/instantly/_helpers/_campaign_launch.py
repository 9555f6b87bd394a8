"""Campaign launch decisions, without I/O: checking a launch, reading a preflight, the result.

A launch is create → add leads → preflight → activate (`campaigns.launch`, a plan in
`resources/campaigns.py`). The preflight reads what can be read before activation: each sending
account (in the workspace, status active) and the campaign's sending status (whose account
diagnoses hold before activation too; draft and "waiting for leads" are expected then).

A write whose answer is lost is looked up, never guessed: the campaigns named like the new one are
read before the create (a baseline), so a lost create answer can be settled by finding the one
campaign of that name that is not in the baseline; a lost activate answer by reading the campaign.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .._facts import ACCOUNT_STATUS_ACTIVE
from ._lead_import import LeadImportResult

__all__ = [
    "ACCOUNT_PROBLEM_STATUSES",
    "CAMPAIGN_STATUS_DRAFT",
    "CampaignLaunch",
    "account_problem",
    "campaigns_named",
    "created_campaign",
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


# Campaign.status of a campaign not activated yet (the spec's x-enumDescriptions: 0 Draft).
CAMPAIGN_STATUS_DRAFT: Final = 0


@dataclass(frozen=True, slots=True)
class CampaignLaunch:
    """A launched campaign: as activated, the lead import's result (None without leads), and
    the sending status read by the preflight (`"healthy"`, `"waiting_for_leads"`, ...).

    `looked_up` is True when the activate's answer was lost and `campaign` is the campaign as
    read afterwards: the server has it out of draft (its `status` says how: 1 is active).
    """

    campaign: Any
    leads: LeadImportResult | None
    sending_status: str | None
    looked_up: bool = False


def campaigns_named(campaigns: Iterable[Any], name: str) -> list[Any]:
    """The campaigns whose name is exactly `name` (the API's `search` also matches parts)."""
    return [c for c in campaigns if getattr(c, "name", None) == name]


def created_campaign(found: Sequence[Any], baseline: Collection[str]) -> tuple[bool, Any]:
    """(settled, campaign) for a create whose answer was lost, from the campaigns named like it.

    The one not in `baseline` (the ids of that name before the create) is the new campaign;
    none means nothing was created; several (another client created one meanwhile) cannot be
    told apart: not settled.
    """
    new = [c for c in found if getattr(c, "id", None) not in baseline]
    if len(new) > 1:
        return False, None
    return True, (new[0] if new else None)


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
