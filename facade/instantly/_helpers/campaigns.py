"""Helpers of `client.campaigns`: launch a campaign (create → add leads → preflight → activate).

Everything the launch can check locally is checked before the first request (the campaign body
against the spec, every sending address, every lead, a sequence with a step). Once the campaign
exists, a refusal raises `CampaignLaunchError` (or `CampaignPreflightError`) holding it, so it can
be fixed and activated, or deleted; it is never activated past a failed check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._errors import (
    APIError,
    CampaignLaunchError,
    CampaignPreflightError,
    InvalidEmailError,
    InvalidInputError,
    NotFoundError,
)
from .._operation import operation, prepare
from .._plans import Call, Plan, helper
from .._validation import validate_email, validate_emails
from ._campaign_launch import (
    CampaignLaunch,
    account_problem,
    sending_status_problem,
    sequence_problem,
)
from ._lead_import import LeadChunkResult, LeadImport, LeadImportResult
from .leads import import_leads

if TYPE_CHECKING:
    from typing import Unpack

    from ..resources._base import RequestOptions

RESOURCE = "campaigns"
__all__ = ["launch", "preflight"]


def _preflight(
    campaign_id: str, accounts: Sequence[str], options: Any
) -> Plan[tuple[Any, list[str]]]:
    """Read each sending account and the sending status; (status, problems found).

    An address the API cannot be asked about (a campaign's `email_list` as the server holds it
    may have one) is a problem found, not a refusal of the whole preflight.
    """
    problems: list[str] = []
    get_account = operation("getAccount")
    for email in accounts:
        try:
            validate_email(email)
        except InvalidEmailError as exc:
            problems.append(f"sending account {exc} (email_list)")
            continue
        try:
            account = yield Call(get_account, {"email": email}, options)
        except NotFoundError:
            problems.append(f"account {email!r} is not in this workspace")
            continue
        problem = account_problem(email, account)
        if problem is not None:
            problems.append(problem)
    answer = yield Call(operation("getCampaignSendingStatus"), {"id": campaign_id}, options)
    status, problem = sending_status_problem(answer)
    if problem is not None:
        problems.append(problem)
    return status, problems


@helper()
def preflight(id: str, **options: Unpack[RequestOptions]) -> Plan[list[str]]:
    """What stops the campaign `id` from sending: one line per problem, empty when none.

    Reads the campaign, each of its sending accounts (in the workspace, active) and its sending
    status (account diagnoses only: a draft waiting for leads is fine before activation).
    """
    from ..resources._base import check_options

    check_options(options)
    campaign = yield Call(operation("getCampaign"), {"id": id}, options)
    problems: list[str] = []
    sequences = getattr(campaign, "sequences", None)
    problem = sequence_problem(sequences if isinstance(sequences, list) else [])
    if problem is not None:
        problems.append(problem)
    accounts = getattr(campaign, "email_list", None)
    accounts = [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []
    if not accounts:
        problems.append("the campaign has no sending accounts (email_list is empty)")
    _status, found = yield from _preflight(id, accounts, options)
    return problems + found


@helper()
def launch(
    name: str,
    *,
    sequences: Sequence[Mapping[str, Any]],
    campaign_schedule: Mapping[str, Any],
    email_list: Sequence[str],
    leads: Iterable[Mapping[str, Any] | str] | None = None,
    skip_if_in_workspace: bool | None = None,
    skip_if_in_campaign: bool | None = None,
    settings: Mapping[str, Any] | None = None,
    on_progress: Callable[[LeadChunkResult], object] | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[CampaignLaunch]:
    """Create a campaign, add its leads, check it can send, and activate it.

    `sequences` and `campaign_schedule` are createCampaign's; `email_list` the sending accounts;
    `settings` any other createCampaign field (`daily_limit`, `stop_on_reply`, ...). `leads` go
    in as `leads.add_many` sends them (its flags and `on_progress`). Everything is checked before
    the first request. After the campaign exists: a lead import failure raises
    `CampaignLaunchError` (stage "leads", `.leads` the import so far), an account not in the
    workspace or not active, or a sending status naming unhealthy accounts, raises
    `CampaignPreflightError` (`.problems`), a refused activation `CampaignLaunchError` (stage
    "activate"); each holds the draft campaign, which is not activated.
    """
    from ..resources._base import check_options

    check_options(options)
    if settings is not None and not isinstance(settings, Mapping):
        raise InvalidInputError(f"settings must be a dict of campaign fields, got {settings!r:.60}")
    fields = dict(settings or {})
    clash = sorted(set(fields) & {"name", "sequences", "campaign_schedule", "email_list"})
    if clash:
        raise InvalidInputError(f"settings repeats {clash}: give them as their own arguments")
    if isinstance(email_list, str):
        raise InvalidInputError(
            f"email_list must be a list of addresses, got the str {email_list!r}"
        )
    accounts = validate_emails(email_list)
    if not accounts:
        raise InvalidInputError("email_list is empty: give at least one sending account")
    problem = sequence_problem(
        list(sequences) if isinstance(sequences, list | tuple) else sequences
    )
    if problem is not None:
        raise InvalidInputError(problem)
    create = operation("createCampaign")
    body = {
        **fields,
        "name": name,
        "sequences": list(sequences),
        "campaign_schedule": campaign_schedule,
        "email_list": accounts,
    }
    prepare(create, {"body": body})  # InvalidInputError now, not after anything was created
    batch = None
    if leads is not None:
        batch = LeadImport.prepare(
            leads,
            campaign_id="(checked)",
            list_id=None,
            flags={
                "skip_if_in_workspace": skip_if_in_workspace,
                "skip_if_in_campaign": skip_if_in_campaign,
            },
        )
    campaign = yield Call(create, {"body": body}, options)
    campaign_id = str(campaign.id)
    imported: LeadImportResult | None = None
    if batch is not None:
        batch.target["campaign_id"] = campaign_id
        try:
            imported = yield from import_leads(batch, options, on_progress)
        except APIError as exc:
            raise CampaignLaunchError(
                f"campaign {campaign_id} was created but adding its leads failed, so it was not "
                f"activated: {exc}",
                campaign=campaign, stage="leads", leads=getattr(exc, "completed", None)
                or batch.result(), error=exc, method=exc.method, path=exc.path,
            ) from exc  # fmt: skip
    status, problems = yield from _preflight(campaign_id, accounts, options)
    if problems:
        raise CampaignPreflightError(
            f"campaign {campaign_id} was created but cannot send, so it was not activated: "
            + "; ".join(problems),
            campaign=campaign,
            problems=tuple(problems),
            leads=imported,
        )
    try:
        activated = yield Call(operation("activateCampaign"), {"id": campaign_id}, options)
    except APIError as exc:
        raise CampaignLaunchError(
            f"campaign {campaign_id} was created but its activation was refused: {exc}",
            campaign=campaign, stage="activate", leads=imported, error=exc, method=exc.method,
            path=exc.path,
        ) from exc  # fmt: skip
    return CampaignLaunch(campaign=activated, leads=imported, sending_status=status)
