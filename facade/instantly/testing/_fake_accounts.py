"""Fake email accounts: realistic `Account` objects (the spec's schema) and the filters over them.

Every account carries all required fields of the pinned spec's `Account` schema and the usual
optional ones, with values shaped like the documentation's example. Only fields of
that schema are ever emitted (it sets `additionalProperties: false`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .._facts import ACCOUNT_STATUS_ACTIVE, ACCOUNT_STATUS_PAUSED, AccountFilter
from ._records import EMAIL_SHAPE

__all__ = [
    "ACCOUNT_FILTERS",
    "default_account",
    "matches_search",
    "normalize_email",
]

# Account.warmup_status values the warmup jobs set.
WARMUP_ACTIVE: Final = 1
WARMUP_PAUSED: Final = 0

_FIRST_NAMES: Final = ("John", "Maria", "Wei", "Aisha", "Lukas", "Sofia", "Kenji", "Amara")
_LAST_NAMES: Final = ("Doe", "Garcia", "Chen", "Okafor", "Schmidt", "Rossi", "Tanaka", "Diallo")


def normalize_email(email: str) -> str:
    """The key an account is stored under: trimmed and lower-cased, as Instantly stores them."""
    return email.strip().lower()


def default_account(
    email: str, *, index: int, organization: str, user_id: str, created: str, now: str
) -> dict[str, Any]:
    """A realistic active Google account with warmup on, like the documentation's example."""
    return {
        "email": email,
        "timestamp_created": created,
        "timestamp_updated": now,
        "first_name": _FIRST_NAMES[index % len(_FIRST_NAMES)],
        "last_name": _LAST_NAMES[(index // len(_FIRST_NAMES)) % len(_LAST_NAMES)],
        "warmup": {
            "limit": 100,
            "advanced": {
                "warm_ctd": False,
                "open_rate": 0.95,
                "important_rate": 0.8,
                "read_emulation": True,
                "spam_save_rate": 0.02,
                "weekday_only": True,
            },
            "warmup_custom_ftag": "warmup",
            "increment": "disabled",
            "reply_rate": 0.1,
        },
        "added_by": user_id,
        "daily_limit": 100,
        "modified_by": user_id,
        "tracking_domain_name": None,
        "tracking_domain_status": None,
        "status": ACCOUNT_STATUS_ACTIVE,
        "enable_slow_ramp": False,
        "inbox_placement_test_limit": 10,
        "organization": organization,
        "warmup_status": WARMUP_ACTIVE,
        "timestamp_warmup_start": created,
        "provider_code": 2,
        "setup_pending": False,
        "is_managed_account": False,
        "stat_warmup_score": 85 + index % 15,
        "sending_gap": 10,
        "signature": None,
    }


def check_account_fields(email: str, fields: Mapping[str, Any]) -> None:
    """Reject seed values the spec would not allow, naming the field and what is allowed."""
    if not isinstance(email, str) or not EMAIL_SHAPE.match(email.strip()):
        raise ValueError(f"{email!r} is not a valid email address (expected local@domain.tld)")
    from ._spec_routes import component

    properties = component("Account")["properties"]  # the spec's, read when first needed
    unknown = sorted(set(fields) - set(properties))
    if unknown:
        raise ValueError(
            f"unknown Account field(s) {unknown}; the spec's Account has: {', '.join(properties)}"
        )
    for name in ("status", "warmup_status", "provider_code"):
        allowed = properties[name]["enum"]
        if name in fields and fields[name] not in allowed:
            raise ValueError(f"Account {name}={fields[name]!r} is not one of {sorted(allowed)}")


# The predicate of each ACC_FILTER_* value: the spec describes each in one or two words; these
# are the fake's readings.
ACCOUNT_FILTERS: Final[Mapping[str, Callable[[Mapping[str, Any]], bool]]] = {
    AccountFilter.PAUSED: lambda a: a.get("status") == ACCOUNT_STATUS_PAUSED,
    AccountFilter.ERROR: lambda a: (a.get("status") or 0) < 0,
    AccountFilter.NO_CTD: lambda a: not a.get("tracking_domain_name"),
    AccountFilter.PW_ACCOUNTS: lambda a: a.get("provider_code") in (8, 11),  # AirMail
    AccountFilter.DFY: lambda a: bool(a.get("is_managed_account")),
    AccountFilter.DFY_SETUP_PENDING: lambda a: (
        bool(a.get("is_managed_account")) and bool(a.get("setup_pending"))
    ),
    AccountFilter.W_ACTIVE: lambda a: a.get("warmup_status") == WARMUP_ACTIVE,
    AccountFilter.W_PAUSED: lambda a: a.get("warmup_status") == WARMUP_PAUSED,
    AccountFilter.W_ERROR: lambda a: (a.get("warmup_status") or 0) < 0,
}


def matches_search(account: Mapping[str, Any], search: str) -> bool:
    """Case-insensitive substring match on email, first and last name."""
    needle = search.lower()
    haystack: Iterable[Any] = (
        account.get("email"),
        account.get("first_name"),
        account.get("last_name"),
    )
    return any(isinstance(v, str) and needle in v.lower() for v in haystack)
