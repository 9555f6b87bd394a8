"""Which accounts a warmup enable/disable call targets, and the request bodies that say so.

`POST /api/v2/accounts/warmup/{enable,disable}` takes either a list of `emails` (at most
`BULK_EMAILS_MAX` per request) or `include_all_emails: true`, optionally narrowed by
`excluded_emails`, `filter: {"tag_id", "filter"}` and `search`. The spec does not say what the
server does with both or neither, so both are rejected here, before any request; so are the
narrowing options without `include_all`, which the spec documents as applying only then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._email_addresses import chunked, validate_emails
from ._errors import InvalidInputError
from ._facts import BULK_EMAILS_MAX, AccountFilter
from ._polling import Deadline, backoff_for

__all__ = [
    "WarmupSelection",
    "check_wait_options",
    "warmup_request_bodies",
    "warmup_selection",
]


@dataclass(frozen=True)
class WarmupSelection:
    """A validated choice of accounts: explicit `emails`, or all accounts narrowed by the rest."""

    emails: tuple[str, ...] | None = None
    include_all: bool = False
    exclude: tuple[str, ...] = ()
    filter: AccountFilter | None = None
    search: str | None = None
    tag_id: str | None = None


def _account_filter(value: object) -> AccountFilter:
    """`value` as an `AccountFilter`: a member or its exact string value."""
    if isinstance(value, AccountFilter):
        return value
    if isinstance(value, str):
        try:
            return AccountFilter(value)
        except ValueError:
            pass
    valid = ", ".join(repr(member.value) for member in AccountFilter)
    hint = ""
    if isinstance(value, str) and value.upper() in AccountFilter.__members__:
        member = AccountFilter[value.upper()]
        hint = f" (did you mean AccountFilter.{member.name}, {member.value!r}?)"
    raise InvalidInputError(f"filter must be one of {valid}; got {value!r}{hint}")


def _non_empty_str(name: str, value: object) -> str:
    """`value` if it is a non-empty str without surrounding whitespace."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a str, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise InvalidInputError(f"{name} must not be empty or blank, got {value!r}")
    if value != value.strip():
        raise InvalidInputError(f"{name} must not have surrounding whitespace, got {value!r}")
    return value


def warmup_selection(
    emails: Iterable[object] | None = None,
    *,
    include_all: bool = False,
    exclude: Iterable[object] | None = None,
    filter: AccountFilter | str | None = None,  # the API's own field name
    search: str | None = None,
    tag_id: str | None = None,
) -> WarmupSelection:
    """A `WarmupSelection` from a warmup call's arguments, or `InvalidInputError` saying why not.

    Exactly one of `emails` and `include_all=True`; `exclude`, `filter`, `search` and `tag_id`
    only with `include_all=True`; `exclude` at most `BULK_EMAILS_MAX` addresses (the spec's
    `maxItems`). Addresses are validated and de-duplicated as by `validate_emails`.
    """
    if not isinstance(include_all, bool):
        raise InvalidInputError(
            f"include_all must be a bool, got {type(include_all).__name__} {include_all!r}"
        )
    if emails is not None and include_all:
        raise InvalidInputError("pass either emails or include_all=True, not both")
    if emails is None and not include_all:
        raise InvalidInputError("pass emails (a list of addresses) or include_all=True")
    if emails is not None:
        narrowing = {
            "exclude": exclude,
            "filter": filter,
            "search": search,
            "tag_id": tag_id,
        }
        given = [name for name, value in narrowing.items() if value is not None]
        if given:
            raise InvalidInputError(
                f"{', '.join(given)} only apply with include_all=True, not with emails"
            )
        valid = validate_emails(emails)
        if not valid:
            raise InvalidInputError(
                "emails is empty; pass at least one address, or include_all=True for all accounts"
            )
        return WarmupSelection(emails=tuple(valid))
    excluded = tuple(validate_emails(exclude)) if exclude is not None else ()
    if len(excluded) > BULK_EMAILS_MAX:
        raise InvalidInputError(
            f"exclude holds {len(excluded)} distinct addresses; the API accepts at most"
            f" {BULK_EMAILS_MAX}"
        )
    return WarmupSelection(
        include_all=True,
        exclude=excluded,
        filter=_account_filter(filter) if filter is not None else None,
        search=_non_empty_str("search", search) if search is not None else None,
        tag_id=_non_empty_str("tag_id", tag_id) if tag_id is not None else None,
    )


def warmup_request_bodies(selection: WarmupSelection) -> list[dict[str, Any]]:
    """The JSON bodies to send for `selection`: one per `BULK_EMAILS_MAX` emails, or one in all.

    Optional fields are omitted rather than sent as null.
    """
    if selection.emails is not None:
        return [{"emails": chunk} for chunk in chunked(selection.emails, BULK_EMAILS_MAX)]
    body: dict[str, Any] = {"include_all_emails": True}
    if selection.exclude:
        body["excluded_emails"] = list(selection.exclude)
    account_filter: dict[str, str] = {}
    if selection.tag_id is not None:
        account_filter["tag_id"] = selection.tag_id
    if selection.filter is not None:
        account_filter["filter"] = selection.filter.value
    if account_filter:
        body["filter"] = account_filter
    if selection.search is not None:
        body["search"] = selection.search
    return [body]


def check_wait_options(
    wait: bool,
    timeout: float,
    poll_interval: float | None,
    on_progress: object,
) -> None:
    """Refuse bad waiting options before anything is sent (not after the jobs have started)."""
    if not isinstance(wait, bool):
        raise InvalidInputError(f"wait must be a bool, got {type(wait).__name__} {wait!r}")
    Deadline(timeout)  # checks timeout: a finite number of seconds >= 0
    backoff_for(poll_interval)  # checks poll_interval: None or a finite number of seconds > 0
    if on_progress is not None and not callable(on_progress):
        raise InvalidInputError(f"on_progress must be callable, got {on_progress!r}")
    if not wait:
        given = [
            name
            for name, value in (("poll_interval", poll_interval), ("on_progress", on_progress))
            if value is not None
        ]
        if given:
            raise InvalidInputError(f"{', '.join(given)} only apply with wait=True")
