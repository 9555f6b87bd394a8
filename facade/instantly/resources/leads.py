"""Helpers of `client.leads`: importing any number of leads, in chunks the bulk-add endpoint takes.

Every lead is checked before the first request; a failure after some chunks were answered raises
`PartialBatchError` with what was done (`.completed`, a `LeadImportResult`) and what was not sent.
When a chunk may be repeated after a lost answer is decided per chunk (`_lead_import`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from instantly_api.resources import leads as _generated

from .._errors import APIConnectionError, APIError, InternalServerError, RateLimitQueueTimeoutError
from .._helpers._lead_import import BULK_ADD, LeadChunkResult, LeadImport, LeadImportResult
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


def _answer_was_lost(exc: BaseException) -> bool:
    """The request may have been processed but its answer is unknown (5xx, timeout, reset)."""
    if isinstance(exc, RateLimitQueueTimeoutError):
        return False  # never sent
    return isinstance(exc, InternalServerError | APIConnectionError)


def import_leads(
    batch: LeadImport,
    options: RequestOptions,
    on_progress: Callable[[LeadChunkResult], object] | None = None,
) -> Plan[LeadImportResult]:
    """Send every chunk of a prepared import in order; its result (or `PartialBatchError`)."""
    from .._bulk import partial_failure
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
                if attempt < _REPEATS and _answer_was_lost(exc) and batch.may_repeat(number):
                    yield Sleep(backoff.delay(attempt, rng))
                    attempt += 1
                    continue
                if not batch.chunks:
                    raise
                raise partial_failure(
                    "leads.add_many", exc, done=len(batch.chunks), total=batch.total_chunks,
                    completed=batch.result(), unsent=batch.unsent_emails(),
                ) from exc  # fmt: skip
            break
        chunk = batch.record(number, answer, repeated=attempt > 0)
        if on_progress is not None:
            on_progress(chunk)
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
    (5xx, timeout): the API's dedupe makes the repeat harmless. A failure after some chunks were
    answered raises `PartialBatchError` (`.completed`: the `LeadImportResult` so far, with the
    `unsent` indexes; `.unsent`: their addresses).
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
