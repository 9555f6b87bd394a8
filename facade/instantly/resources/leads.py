"""Helpers of `client.leads`: importing any number of leads, in chunks the bulk-add endpoint takes.

Every lead is checked before the first request. A failure that may have taken effect raises
`PartialBatchError` with every lead in one of three states: done (`.completed`, a
`LeadImportResult`), in doubt (`.in_doubt`) and not sent (`.unsent`). When a chunk's answer is
lost (and it may not be repeated, or repeats failed too), its leads are looked up in the target
by email before reporting (`_lead_import` holds the decisions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from instantly_api.resources import leads as _generated

from .._errors import (
    APIConnectionError,
    APIError,
    InternalServerError,
    PartialBatchError,
    RateLimitQueueTimeoutError,
)
from .._helpers._lead_import import (
    BULK_ADD,
    LeadChunkResult,
    LeadImport,
    LeadImportResult,
    target_filter,
)
from .._operation import operation
from .._plans import ENVIRONMENT, Call, Plan, Sleep
from .._polling import backoff_for
from ._plan_methods import plan_method

if TYPE_CHECKING:
    from typing import Unpack

    from ._base import RequestOptions

__all__ = ["AsyncLeads", "Leads", "add_many"]

# How many times a repeatable chunk is sent again after a lost answer (the transport has already
# retried what surely did not arrive: connection refused, 429).
_REPEATS: Final = 2
# A look-up asks for this many addresses per listing (the listing's largest page: its `limit`
# maximum), so most ask once.
_LOOK_UP_BATCH: Final = 100
_LIST_LEADS: Final = "listLeads"


def _answer_was_lost(exc: BaseException) -> bool:
    """The request may have been processed but its answer is unknown (5xx, timeout, reset)."""
    if isinstance(exc, RateLimitQueueTimeoutError):
        return False  # never sent
    return isinstance(exc, InternalServerError | APIConnectionError)


def look_up(
    emails: Sequence[str], target: Mapping[str, Any], options: RequestOptions
) -> Plan[dict[str, str] | None]:
    """Which of `emails` (lower case) the import's target holds: address → lead id.

    None if a listing failed: then nothing can be said. Reads only, so the client retries them.
    """
    op = operation(_LIST_LEADS)
    found: dict[str, str] = {}
    wanted = set(emails)
    for start in range(0, len(emails), _LOOK_UP_BATCH):
        body: dict[str, Any] = {
            "contacts": list(emails[start : start + _LOOK_UP_BATCH]),
            "limit": _LOOK_UP_BATCH,
            **target_filter(target),
        }
        while True:
            try:
                page = yield Call(op, {"body": body}, options)
            except APIError:
                return None
            items = getattr(page, "items", None) or ()
            for lead in items:
                email = getattr(lead, "email", None)
                if isinstance(email, str) and email.lower() in wanted:
                    found.setdefault(email.lower(), str(lead.id))
            cursor = getattr(page, "next_starting_after", None)
            if not items or not isinstance(cursor, str) or not cursor:
                break
            body = {**body, "starting_after": cursor}
    return found


def _failure(batch: LeadImport, number: int, error: APIError) -> APIError:
    """What to raise when chunk `number` failed: the error itself if nothing may have been
    stored, else `PartialBatchError` with the three states."""
    if not batch.took_effect:
        return error
    result = batch.result()
    in_doubt = batch.in_doubt_leads()
    return PartialBatchError(
        f"leads.add_many: request {number + 1} of {batch.total_chunks} failed: {result.done} "
        f"lead(s) done, {len(in_doubt)} in doubt (sent, answer lost: .in_doubt), "
        f"{len(result.unsent)} not sent (.unsent; .completed has every index): {error}",
        error=error,
        completed=result,
        unsent=batch.unsent_emails(),
        in_doubt=in_doubt,
    )


def import_leads(
    batch: LeadImport,
    options: RequestOptions,
    on_progress: Callable[[LeadChunkResult], object] | None = None,
) -> Plan[LeadImportResult]:
    """Send every chunk of a prepared import in order; its result (or `PartialBatchError`)."""
    from ._base import check_options

    check_options(options)
    op = operation(BULK_ADD)
    _clock, rng = yield ENVIRONMENT
    backoff = backoff_for(None)
    for number in range(batch.total_chunks):
        attempt = 0
        while True:
            try:
                answer = yield Call(op, {"body": batch.body(number)}, options)
            except APIError as exc:
                lost = _answer_was_lost(exc)
                if attempt < _REPEATS and lost and batch.may_repeat(number):
                    yield Sleep(backoff.delay(attempt, rng))
                    attempt += 1
                    continue
                if lost:
                    found = yield from look_up(batch.emails(number), batch.target, options)
                    if batch.record_look_up(number, found):
                        break  # every lead is in the target: done, the import goes on
                raise _failure(batch, number, exc) from exc
            chunk = batch.record(number, answer, repeated=attempt > 0)
            if on_progress is not None:
                on_progress(chunk)
            break
    return batch.result()


def add_many(
    leads: Iterable[Mapping[str, Any] | str],
    *,
    campaign_id: str | None = None,
    list_id: str | None = None,
    skip_if_in_workspace: bool | None = None,
    skip_if_in_campaign: bool | None = None,
    skip_if_in_list: bool | None = None,
    verify_leads_on_import: bool | None = None,
    blocklist_id: str | None = None,
    assigned_to: str | None = None,
    on_progress: Callable[[LeadChunkResult], object] | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[LeadImportResult]:
    """Import leads into a campaign or a list (exactly one), as many as you have.

    Each lead is a dict of bulk-add lead fields (or a bare address); every one is checked before
    the first request (`InvalidInputError`, naming its index). Leads go in chunks of the spec's
    `maxItems` (1,000), in order; `on_progress` gets each chunk's `LeadChunkResult` (created,
    with your input's index; skipped and refused counts). The flags are the API's: an email
    already in the target is never added twice, the `skip_if_in_*` flags skip more.
    A chunk whose leads all have an email is sent again (twice at most) after a lost answer
    (5xx, timeout): the API's dedupe makes the repeat harmless. A chunk whose answer stays lost
    is looked up in the target by email (every lead found: done, the import goes on, no
    `on_progress` call for it). A failure that may have stored something raises
    `PartialBatchError`: `.completed` (the `LeadImportResult`: done, `found`, `in_doubt` and
    `unsent` indexes), `.in_doubt` (the leads sent whose answer was lost and a look-up could not
    settle: those without email), `.unsent` (the addresses not sent).
    """
    batch = LeadImport.prepare(
        leads,
        campaign_id=campaign_id,
        list_id=list_id,
        flags={
            "skip_if_in_workspace": skip_if_in_workspace,
            "skip_if_in_campaign": skip_if_in_campaign,
            "skip_if_in_list": skip_if_in_list,
            "verify_leads_on_import": verify_leads_on_import,
        },
    )
    for name, value in (("blocklist_id", blocklist_id), ("assigned_to", assigned_to)):
        if value is not None:
            batch.target[name] = value
    if on_progress is not None and not callable(on_progress):
        from .._errors import InvalidInputError

        raise InvalidInputError(f"on_progress must be callable, got {on_progress!r:.60}")
    result: LeadImportResult = yield from import_leads(batch, options, on_progress)
    return result


class Leads(_generated.Leads):
    """`client.leads`: the generated operations and the helpers above."""

    add_many = plan_method(add_many)


class AsyncLeads(_generated.AsyncLeads):
    """`client.leads` (async): the generated operations and the helpers above."""

    add_many = plan_method(add_many)
