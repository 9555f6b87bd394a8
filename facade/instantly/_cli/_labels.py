"""Names for the API's numeric codes, for tables and for `--status` on the command line.

Source: the pinned spec's `x-enumDescriptions` of `Account.status`, `Account.warmup_status`,
`Account.provider_code` and `Campaign.status` (2026-08-21). Display only: the library sends and
returns the numbers.
"""

from __future__ import annotations

import argparse
from typing import Final

__all__ = [
    "ACCOUNT_STATUS_NAMES",
    "CAMPAIGN_STATUS_NAMES",
    "PROVIDER_NAMES",
    "WARMUP_STATUS_NAMES",
    "account_status_arg",
    "label",
]

# Account.status: the names `--status` accepts, and the words shown in tables.
ACCOUNT_STATUS_NAMES: Final = {
    1: "active",
    2: "paused",
    3: "maintenance",  # "Temporarily paused for maintenance; will be automatically resumed shortly"
    -1: "connection-error",
    -2: "soft-bounce-error",
    -3: "sending-error",
}
WARMUP_STATUS_NAMES: Final = {
    0: "paused",
    1: "active",
    -1: "banned",
    -2: "spam-folder-unknown",
    -3: "permanent-suspension",
}
PROVIDER_NAMES: Final = {
    1: "imap/smtp",
    2: "google",
    3: "microsoft",
    4: "aws",
    8: "airmail",
    11: "airmail-instant",
}


# Campaign.status (x-enumDescriptions of the pinned spec).
CAMPAIGN_STATUS_NAMES: Final = {
    0: "draft",
    1: "active",
    2: "paused",
    3: "completed",
    4: "running-subsequences",
    -99: "account-suspended",
    -1: "accounts-unhealthy",
    -2: "bounce-protect",
}


def label(names: dict[int, str], code: object) -> object:
    """The name of a numeric code, or the value itself when it has none (new codes still show)."""
    if isinstance(code, int | float) and not isinstance(code, bool) and int(code) == code:
        return names.get(int(code), code)
    return code


def account_status_arg(text: str) -> int:
    """`--status` as the API's code: a name (`paused`) or the number itself (`2`, `-1`)."""
    lowered = text.strip().lower()
    for code, name in ACCOUNT_STATUS_NAMES.items():
        if lowered in (name, str(code)):
            return code
    valid = ", ".join(f"{name} ({code})" for code, name in ACCOUNT_STATUS_NAMES.items())
    raise argparse.ArgumentTypeError(f"{text!r} is not an account status; use one of: {valid}")
