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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    "chunk_size",
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


def _lead_schema() -> Mapping[str, Any]:
    leads = operation(BULK_ADD).schema.get("body", {}).get("properties", {}).get("leads", {})
    items = leads.get("items", {})
    return items if isinstance(items, Mapping) else {}


def _checked_lead(lead: object, index: int, *, for_list: bool) -> dict[str, Any]:
    """One lead as the body carries it (a bare address is `{"email": ...}`), or why not."""
    where = f"leads[{index}]"
    if isinstance(lead, str):
        lead = {"email": lead}
    data = to_json(lead, where)
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{where} must be a dict of lead fields (or an email address), got "
            f"{type(lead).__name__} {lead!r:.60}"
        )
    email = data.get("email")
    if email is None and for_list and (data.get("first_name") or data.get("last_name")):
        pass  # a list takes a lead with a name and no email (the spec's incomplete_count)
    else:
        try:
            data["email"] = validate_email(email)
        except InvalidEmailError as exc:
            raise InvalidEmailError(email, f"{where}: {exc.reason}") from None
    check_value(_lead_schema(), data, where)
    return data


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
    """An import's answers so far, chunk by chunk; `unsent` are the input indexes not sent."""

    total: int
    chunks: tuple[LeadChunkResult, ...] = ()
    unsent: tuple[int, ...] = ()

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
            _checked_lead(lead, i, for_list=name == "list_id") for i, lead in enumerate(leads)
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
        return result

    def result(self) -> LeadImportResult:
        """The answers so far, and the indexes of every lead not in an answered chunk."""
        sent = len(self.chunks) * self.size
        return LeadImportResult(
            total=len(self.leads),
            chunks=tuple(self.chunks),
            unsent=tuple(range(min(sent, len(self.leads)), len(self.leads))),
        )

    def unsent_emails(self) -> tuple[str, ...]:
        """The addresses of leads not in an answered chunk (leads without one are left out)."""
        return tuple(
            str(self.leads[i]["email"]) for i in self.result().unsent if self.leads[i].get("email")
        )
