"""Helpers of `client.campaigns`: launch a campaign (create → add leads → preflight → activate).

Everything the launch can check locally is checked before the first request (the campaign body
against the spec, every sending address, every lead, a sequence with a step). Once the campaign
exists, a refusal raises `CampaignLaunchError` (or `CampaignPreflightError`) holding it, so it can
be fixed and activated, or deleted; it is never activated past a failed check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from instantly_api.resources import campaigns as _generated

from .._bulk import answer_lost
from .._email_addresses import validate_email, validate_emails
from .._errors import (
    APIError,
    CampaignLaunchError,
    CampaignPreflightError,
    InvalidEmailError,
    InvalidInputError,
    NotFoundError,
)
from .._facts import LIST_PAGE_LIMIT_MAX
from .._helpers._campaign_launch import (
    CAMPAIGN_STATUS_DRAFT,
    CampaignLaunch,
    account_problem,
    campaigns_named,
    created_campaign,
    sending_status_problem,
    sequence_problem,
)
from .._helpers._lead_import import LeadChunkResult, LeadImport, LeadImportResult
from .._helpers.campaign_analytics import analytics_rows
from .._operation import operation, prepare
from .._plans import Call, Plan
from ._plan_methods import plan_method
from .leads import import_leads

if TYPE_CHECKING:
    from typing import Unpack

    from ._base import RequestOptions

__all__ = ["AsyncCampaigns", "Campaigns", "launch", "preflight"]

# How many pages of same-named campaigns a launch reads to tell its own (else: in doubt).
_MAX_NAME_PAGES: Final = 10


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


def preflight(id: str, **options: Unpack[RequestOptions]) -> Plan[list[str]]:
    """What stops the campaign `id` from sending: one line per problem, empty when none.

    Reads the campaign, each of its sending accounts (in the workspace, active) and its sending
    status (account diagnoses only: a draft waiting for leads is fine before activation).
    """
    from ._base import check_options

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

    A lost answer (timeout, dropped connection, 5xx) is looked up, not guessed. To the activate:
    the campaign is read; out of draft, the launch returns it (`looked_up=True`); still a draft,
    `CampaignLaunchError`; unreadable, `CampaignLaunchError` with `in_doubt=True` (it may be
    active). To the create: the campaigns of that name (read before the create too) show
    whether one was created; `CampaignLaunchError` (stage "create") names it, or has
    `in_doubt=True`; if none was, the create's error is raised as it is. Before launching again
    after a `CampaignLaunchError`, activate or delete its `.campaign` (read it first when
    `.in_doubt`): a second launch creates a second campaign with the same leads, and both
    active would mail them twice.
    """
    from ._base import check_options

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
    taken = yield from _named(name, options)
    try:
        campaign = yield Call(create, {"body": body}, options)
    except APIError as exc:
        if not answer_lost(exc):
            raise
        lost = yield from _lost_create(name, taken, exc, options)
        if lost is None:
            raise  # looked up: no campaign was created, nothing took effect
        raise lost from exc
    campaign_id = str(campaign.id)
    draft = f"campaign {campaign_id} ({name!r}) was created"
    imported: LeadImportResult | None = None
    if batch is not None:
        batch.target["campaign_id"] = campaign_id
        try:
            imported = yield from import_leads(batch, options, on_progress)
        except APIError as exc:
            raise CampaignLaunchError(
                f"{draft} but adding its leads failed, so it was not activated: {exc}",
                campaign=campaign, stage="leads", leads=getattr(exc, "completed", None)
                or batch.result(), error=exc, method=exc.method, path=exc.path,
            ) from exc  # fmt: skip
    try:
        status, problems = yield from _preflight(campaign_id, accounts, options)
    except APIError as exc:
        raise CampaignLaunchError(
            f"{draft} but its preflight could not be read, so it was not activated: {exc}",
            campaign=campaign, stage="preflight", leads=imported, error=exc, method=exc.method,
            path=exc.path,
        ) from exc  # fmt: skip
    if problems:
        raise CampaignPreflightError(
            f"{draft} but cannot send, so it was not activated: " + "; ".join(problems),
            campaign=campaign,
            problems=tuple(problems),
            leads=imported,
        )
    try:
        activated = yield Call(operation("activateCampaign"), {"id": campaign_id}, options)
    except APIError as exc:
        if not answer_lost(exc):
            raise CampaignLaunchError(
                f"{draft} but its activation was refused: {exc}",
                campaign=campaign, stage="activate", leads=imported, error=exc,
                method=exc.method, path=exc.path,
            ) from exc  # fmt: skip
        found = yield from _lost_activate(campaign, draft, imported, exc, options)
        return CampaignLaunch(campaign=found, leads=imported, sending_status=status, looked_up=True)
    return CampaignLaunch(campaign=activated, leads=imported, sending_status=status)


def _named(name: str, options: Any) -> Plan[list[Any] | None]:
    """The campaigns named exactly `name`, or None when they cannot all be read."""
    op = operation("listCampaign")
    args: dict[str, Any] = {"search": name, "limit": LIST_PAGE_LIMIT_MAX}
    found: list[Any] = []
    for _page in range(_MAX_NAME_PAGES):
        try:
            page = yield Call(op, args, options)
        except APIError:
            return None
        found += campaigns_named(page.items, name)
        cursor = page.next_starting_after
        if not isinstance(cursor, str) or not cursor:
            return found
        args = {**args, "starting_after": cursor}
    return None


def _lost_create(
    name: str, taken: list[Any] | None, error: APIError, options: Any
) -> Plan[CampaignLaunchError | None]:
    """The error for a create whose answer was lost, after looking the campaign up by name;
    None when the look-up found that no campaign was created."""
    found = None if taken is None else (yield from _named(name, options))
    settled, campaign = (
        (False, None)
        if taken is None or found is None
        else created_campaign(found, {c.id for c in taken})
    )
    lost = f"the answer to creating campaign {name!r} was lost ({error})"
    if not settled:
        message = (
            f"{lost} and a look-up could not tell whether it was created: list the campaigns "
            f"named {name!r} (campaigns.list(search=...)) and delete any draft before launching "
            "again"
        )
    elif campaign is not None:
        message = (
            f"{lost}; a look-up found it: campaign {campaign.id} exists as a draft without "
            "leads and was not activated: delete it before launching again, or add its leads "
            "and activate it"
        )
    else:
        return None
    return CampaignLaunchError(
        message, campaign=campaign, stage="create", error=error, method=error.method,
        path=error.path, in_doubt=not settled,
    )  # fmt: skip


def _lost_activate(
    campaign: Any, draft: str, leads: LeadImportResult | None, error: APIError, options: Any
) -> Plan[Any]:
    """The campaign as the server has it after an activate whose answer was lost, if active.

    Raises `CampaignLaunchError`: still a draft (not activated: activate it or delete it), or
    in doubt when it cannot be read (it may be active: read it before anything else).
    """
    lost = f"{draft}, but the answer to its activation was lost ({error})"
    try:
        current = yield Call(operation("getCampaign"), {"id": str(campaign.id)}, options)
    except APIError as read_error:
        current, status = campaign, None
        lost += f" and reading it failed ({read_error})"
    else:
        status = getattr(current, "status", None)
    if status == CAMPAIGN_STATUS_DRAFT:
        raise CampaignLaunchError(
            f"{lost}; it is still a draft: it was not activated (activate it, or delete it "
            "before launching again)",
            campaign=current, stage="activate", leads=leads, error=error, method=error.method,
            path=error.path,
        ) from error  # fmt: skip
    if not isinstance(status, int):
        raise CampaignLaunchError(
            f"{lost}; it may be active: read it (campaigns.get) before activating, deleting or "
            "launching again",
            campaign=current, stage="activate", leads=leads, error=error, method=error.method,
            path=error.path, in_doubt=True,
        ) from error  # fmt: skip
    return current


class Campaigns(_generated.Campaigns):
    """`client.campaigns`: the generated operations and the helpers above."""

    analytics_rows = plan_method(analytics_rows)
    launch = plan_method(launch)
    preflight = plan_method(preflight)


class AsyncCampaigns(_generated.AsyncCampaigns):
    """`client.campaigns` (async): the generated operations and the helpers above."""

    analytics_rows = plan_method(analytics_rows)
    launch = plan_method(launch)
    preflight = plan_method(preflight)
