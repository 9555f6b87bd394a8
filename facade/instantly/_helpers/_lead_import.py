"""Lead import decisions, without I/O: checking leads, chunking them, reading each answer.

`leads.add_many` (a plan in `resources/leads.py`) sends what `LeadImport` prepares and records what
the API answers. The chunk size is the spec's `maxItems` of the bulk-add `leads` array, read from
the operation's compact schema when the import starts (1,000 in the pinned spec).

Repeating a chunk: the bulk-add endpoint never adds an email that is already in the target
campaign or list (the spec's `duplicated_leads`: "already in this specific campaign or list and
were not re-added"), whatever the `skip_if_in_*` flags say. So a chunk whose leads all have an
email may be sent again after an answer that was lost (5xx, timeout, dropped connection): the
repeat adds only what the first attempt did not, and counts the rest as duplicated. A chunk with a
lead without email (lists accept leads with a name only) is never repeated: nothing identifies
that lead, so a repeat would add it twice. The decision is per chunk (`may_repeat`), made here; the
client's retry table still marks the endpoint as not safe to repeat for every other caller.

Three states: a lead is done (in an answered chunk, or found in the target by a look-up after its
chunk's answer was lost), in doubt (its chunk was sent, the answer lost, and the look-up could not
settle it: a lead without email, or the look-up failed) or not sent. A lead with an email the
look-up does not find is counted not sent: it is not in the target, and sending it again cannot
add it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from .._email_addresses import validate_email
from .._errors import InvalidEmailError, InvalidInputError
from .._operation import operation, to_json
from .._request_validation import check_value

__all__ = [
    "BULK_ADD",
    "REFUSAL_REASONS",
    "SKIP_REASONS",
    "CreatedLead",
    "LeadChunkResult",
    "LeadImport",
    "LeadImportResult",
    "check_lead_email",
    "checked_lead",
    "checked_lead_json",
    "chunk_size",
    "lead_schema",
    "target_filter",
]

BULK_ADD: Final = "bulkAddLeads"

# Counts of bulkAddLeads' 200 answer (the spec's descriptions): leads not added because they were
# already there or filtered by a flag (skipped), and leads the API would not take (refused).
SKIP_REASONS: Final = ("duplicated_leads", "skipped_count", "duplicate_email_count")
REFUSAL_REASONS: Final = ("in_blocklist", "invalid_email_count", "incomplete_count")

_TARGETS: Final = ("campaign_id", "list_id")


def chunk_size() -> int | None:
    """The most leads one bulk-add request takes (the spec's `maxItems`), None if unbounded."""
    leads = operation(BULK_ADD).schema.get("body", {}).get("properties", {}).get("leads", {})
    maximum = leads.get("maxItems")
    return maximum if isinstance(maximum, int) and maximum > 0 else None


@cache
def lead_schema() -> Mapping[str, Any]:
    """The spec's schema of one bulk-add lead (its fields and their types; read once)."""
    leads = operation(BULK_ADD).schema.get("body", {}).get("properties", {}).get("leads", {})
    items = leads.get("items", {})
    return items if isinstance(items, Mapping) else {}


def checked_lead(lead: object, index: int, *, for_list: bool) -> dict[str, Any]:
    """One lead as the body carries it (a bare address is `{"email": ...}`), or why not
    (`InvalidInputError` naming `leads[index]`)."""
    where = f"leads[{index}]"
    if isinstance(lead, str):
        lead = {"email": lead}
    data = to_json(lead, where)
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{where} must be a dict of lead fields (or an email address), got "
            f"{type(lead).__name__} {lead!r:.60}"
        )
    return checked_lead_json(data, where, for_list=for_list)


def checked_lead_json(data: dict[str, Any], where: str, *, for_list: bool) -> dict[str, Any]:
    """A lead already made of JSON values checked as `checked_lead` checks it: its address
    (`check_lead_email`), then the spec's lead schema; `where` names it in the error."""
    check_lead_email(data, where, for_list=for_list)
    check_value(lead_schema(), data, where)
    return data


def check_lead_email(data: dict[str, Any], where: str, *, for_list: bool) -> None:
    """A lead's address, normalized in place; a lead of a list may have a name and none."""
    email = data.get("email")
    if email is None and for_list and (data.get("first_name") or data.get("last_name")):
        return  # a list takes a lead with a name and no email (the spec's incomplete_count)
    try:
        data["email"] = validate_email(email)
    except InvalidEmailError as exc:
        raise InvalidEmailError(email, f"{where}: {exc.reason}") from None


@dataclass(frozen=True, slots=True)
class CreatedLead:
    """A lead the API created: its position in your input, its id, its email."""

    index: int
    id: str
    email: str | None


@dataclass(frozen=True, slots=True)
class LeadChunkResult:
    """What one bulk-add request did: input indexes `start` to `start + size - 1`.

    `created` maps back to your input by `index`; `not_created` are the other indexes (the API
    gives counts per reason, not which lead had which: `skipped` already there or filtered by a
    `skip_if_in_*` flag, `refused` blocklisted or invalid). `repeated` says the chunk was sent
    again after an answer was lost: leads the lost attempt added count as `duplicated_leads`.
    """

    number: int
    start: int
    size: int
    created: tuple[CreatedLead, ...]
    not_created: tuple[int, ...]
    skipped: Mapping[str, int]
    refused: Mapping[str, int]
    repeated: bool = False
    remaining_in_plan: int | None = None


@dataclass(frozen=True, slots=True)
class LeadImportResult:
    """An import's answers so far, chunk by chunk, and every other lead's state.

    Each input index is in exactly one place: an answered chunk (`chunks`: created, or sent and
    not created), `found` (its chunk's answer was lost; a look-up found it in the target),
    `in_doubt` (sent, answer lost, not settled by a look-up) or `unsent` (never sent, refused
    before taking effect, or looked up and not in the target).
    """

    total: int
    chunks: tuple[LeadChunkResult, ...] = ()
    unsent: tuple[int, ...] = ()
    in_doubt: tuple[int, ...] = ()
    found: tuple[CreatedLead, ...] = ()

    @property
    def done(self) -> int:
        """Leads whose fate is known: in an answered chunk, or found by a look-up."""
        return sum(chunk.size for chunk in self.chunks) + len(self.found)

    @property
    def created(self) -> tuple[CreatedLead, ...]:
        """Every lead created, in input order."""
        return tuple(lead for chunk in self.chunks for lead in chunk.created)

    @property
    def not_created(self) -> tuple[int, ...]:
        """Input indexes sent but not created (skipped or refused)."""
        return tuple(i for chunk in self.chunks for i in chunk.not_created)

    @property
    def skipped(self) -> int:
        """Leads not added because they were there already or a `skip_if_in_*` flag said so."""
        return sum(sum(chunk.skipped.values()) for chunk in self.chunks)

    @property
    def refused(self) -> int:
        """Leads the API would not take (blocklisted, invalid, incomplete)."""
        return sum(sum(chunk.refused.values()) for chunk in self.chunks)

    @property
    def requests(self) -> int:
        """Bulk-add requests answered."""
        return len(self.chunks)


def _count(answer: Any, name: str) -> int:
    value = getattr(answer, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class LeadImport:
    """One import: the checked leads, their chunks, and the answers recorded so far."""

    leads: Sequence[dict[str, Any]]
    target: dict[str, Any]
    size: int
    chunks: list[LeadChunkResult] = field(default_factory=list)
    found: list[CreatedLead] = field(default_factory=list)
    in_doubt: list[int] = field(default_factory=list)
    looked_up_unsent: list[int] = field(default_factory=list)
    settled_until: int = 0  # input indexes below this are answered, looked up or refused

    @classmethod
    def prepare(
        cls,
        leads: Iterable[object],
        *,
        campaign_id: object,
        list_id: object,
        flags: Mapping[str, object],
    ) -> LeadImport:
        """Check every lead and argument (`InvalidInputError` before anything is sent)."""
        if isinstance(leads, str | bytes | Mapping) or not isinstance(leads, Iterable):
            raise InvalidInputError(
                f"leads must be a list of leads (dicts or email addresses), got "
                f"{type(leads).__name__}"
            )
        given = {k: v for k, v in (("campaign_id", campaign_id), ("list_id", list_id)) if v}
        if len(given) != 1:
            raise InvalidInputError(
                "give exactly one of campaign_id= and list_id= (where the leads go), got "
                + (" and ".join(sorted(given)) if given else "neither")
            )
        name, value = next(iter(given.items()))
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{name} must be a non-empty str, got {value!r:.60}")
        for flag, flag_value in flags.items():
            if flag_value is not None and not isinstance(flag_value, bool):
                raise InvalidInputError(f"{flag} must be a bool, got {flag_value!r:.60}")
        checked = [
            checked_lead(lead, i, for_list=name == "list_id") for i, lead in enumerate(leads)
        ]
        if not checked:
            raise InvalidInputError("leads is empty: nothing to import")
        target = {name: value, **{k: v for k, v in flags.items() if v is not None}}
        size = chunk_size() or len(checked)
        return cls(checked, target, size)

    @property
    def total_chunks(self) -> int:
        """How many requests the import makes."""
        return -(-len(self.leads) // self.size)

    def bounds(self, number: int) -> tuple[int, int]:
        """Input indexes `[start, end)` of chunk `number`."""
        start = number * self.size
        return start, min(start + self.size, len(self.leads))

    def body(self, number: int) -> dict[str, Any]:
        """The request body of chunk `number`."""
        start, end = self.bounds(number)
        return {"leads": list(self.leads[start:end]), **self.target}

    def may_repeat(self, number: int) -> bool:
        """Whether chunk `number` may be sent again after a lost answer (see the module doc)."""
        start, end = self.bounds(number)
        return all(lead.get("email") for lead in self.leads[start:end])

    def record(self, number: int, answer: Any, *, repeated: bool = False) -> LeadChunkResult:
        """Read the answer to chunk `number` into its result (indexes mapped to your input)."""
        start, end = self.bounds(number)
        created: list[CreatedLead] = []
        for item in getattr(answer, "created_leads", None) or ():
            index = getattr(item, "index", None)
            if isinstance(index, int) and 0 <= index < end - start:
                email = getattr(item, "email", None)
                created.append(
                    CreatedLead(
                        start + index, str(item.id), email if isinstance(email, str) else None
                    )
                )
        created.sort(key=lambda lead: lead.index)
        done = {lead.index for lead in created}
        remaining = getattr(answer, "remaining_in_plan", None)
        result = LeadChunkResult(
            number=number,
            start=start,
            size=end - start,
            created=tuple(created),
            not_created=tuple(i for i in range(start, end) if i not in done),
            skipped={name: _count(answer, name) for name in SKIP_REASONS},
            refused={name: _count(answer, name) for name in REFUSAL_REASONS},
            repeated=repeated,
            remaining_in_plan=remaining if isinstance(remaining, int) else None,
        )
        self.chunks.append(result)
        self.settled_until = end
        return result

    def emails(self, number: int) -> list[str]:
        """The distinct addresses of chunk `number` (lower case), for a look-up."""
        start, end = self.bounds(number)
        found = {str(lead["email"]).lower() for lead in self.leads[start:end] if lead.get("email")}
        return sorted(found)

    def record_look_up(self, number: int, found: Mapping[str, str] | None) -> bool:
        """Settle chunk `number`, whose answer was lost, by what a look-up found; whether every
        one of its leads was found (then the import may go on).

        `found` maps an address (lower case) to the id of the lead the target holds; None: the
        look-up failed, so the whole chunk stays in doubt.
        """
        start, end = self.bounds(number)
        before = len(self.found)
        for index in range(start, end):
            email = self.leads[index].get("email")
            lead_id = None if found is None or not email else found.get(str(email).lower())
            if lead_id is not None:
                self.found.append(CreatedLead(index, lead_id, str(email)))
            elif found is not None and email:
                self.looked_up_unsent.append(index)
            else:
                self.in_doubt.append(index)
        self.settled_until = end
        return len(self.found) - before == end - start

    @property
    def took_effect(self) -> bool:
        """Whether anything may have been stored: an answered chunk, a found or in-doubt lead."""
        return bool(self.chunks or self.found or self.in_doubt)

    def result(self) -> LeadImportResult:
        """The answers so far, and every other lead's state (see `LeadImportResult`)."""
        total = len(self.leads)
        return LeadImportResult(
            total=total,
            chunks=tuple(self.chunks),
            unsent=(*self.looked_up_unsent, *range(min(self.settled_until, total), total)),
            in_doubt=tuple(self.in_doubt),
            found=tuple(self.found),
        )

    def unsent_emails(self) -> tuple[str, ...]:
        """The addresses of the leads not sent (leads without one are left out)."""
        return tuple(
            str(self.leads[i]["email"]) for i in self.result().unsent if self.leads[i].get("email")
        )

    def in_doubt_leads(self) -> tuple[dict[str, Any], ...]:
        """The leads in doubt, as they were sent (a lead without email has only its fields)."""
        return tuple(self.leads[i] for i in self.in_doubt)


def target_filter(target: Mapping[str, Any]) -> dict[str, Any]:
    """The lead-listing filter for an import's target (listLeads calls the campaign `campaign`)."""
    if target.get("campaign_id"):
        return {"campaign": target["campaign_id"]}
    return {"list_id": target["list_id"]}
