"""Validation of email addresses before they are sent, in a URL path or a request body; and
`chunked`, the split of a checked list into requests of the spec's size.

An address is checked, never repaired: surrounding whitespace is rejected rather than stripped, so
what is sent is what the caller wrote. The one normalization is lower-casing the domain, which
RFC 5321 makes case-insensitive; the local part is left as written (it may be case-sensitive).

Accepted: an ASCII dot-atom local part (RFC 5322 `atext`, minus the characters that would change
a URL's meaning: `/ ? # %`), one `@`, and a domain of at least two LDH labels (letters, digits,
hyphens, no hyphen at either end; punycode `xn--` labels are plain LDH labels). This matches the
spec's `format: email` (RFC 5321 `Mailbox`, ASCII), not `idn-email`: give an internationalized
domain in punycode. Rejected: quoted local parts, IP-literal domains, trailing dots.

Whatever passes is a single URL path segment once percent-quoted with `safe=""` (as the generated
client does), so `POST /api/v2/accounts/{email}/pause` always addresses exactly one account.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Final, TypeVar

from ._errors import InvalidEmailError, InvalidEmailsError, InvalidInputError

__all__ = [
    "EMAIL_MAX_LENGTH",
    "LOCAL_PART_MAX_LENGTH",
    "chunked",
    "validate_email",
    "validate_emails",
]

T = TypeVar("T")

# Source: RFC 5321 §4.5.3.1: a path is at most 256 octets including the angle brackets, so an
# address is at most 254; a local part at most 64 octets; a domain label at most 63 (RFC 1035).
EMAIL_MAX_LENGTH: Final = 254
LOCAL_PART_MAX_LENGTH: Final = 64
_LABEL_MAX_LENGTH: Final = 63

# How many bad items an `InvalidEmailsError` message spells out before "and N more".
_ERRORS_SHOWN: Final = 5

# Characters that would change a URL's meaning: path separators, a query, a fragment, an escape.
# (`/ ? # %` are RFC 5322 `atext`; we reject them anyway, with this reason.)
_URL_SPECIAL: Final = frozenset("/\\?#%")
_LOCAL_CHARS: Final = frozenset(string.ascii_letters + string.digits + "!$&'*+-=^_`{|}~.")
_LABEL_CHARS: Final = frozenset(string.ascii_lowercase + string.digits + "-")


def _is_whitespace_or_control(char: str) -> bool:
    """True for whitespace, separators and control/format/unassigned code points."""
    return char.isspace() or unicodedata.category(char)[0] in "CZ"


def _local_part_problem(local: str) -> str | None:
    """Why `local` is not an acceptable local part, or None."""
    if not local:
        return "the part before '@' is empty"
    if len(local) > LOCAL_PART_MAX_LENGTH:
        return (
            f"the part before '@' is {len(local)} characters long;"
            f" at most {LOCAL_PART_MAX_LENGTH} are allowed"
        )
    for char in local:
        if char in _URL_SPECIAL:
            return f"the part before '@' contains {char!r}, which would change the URL path"
        if char not in _LOCAL_CHARS:
            return f"the part before '@' contains {char!r}, which an address cannot hold unquoted"
    if local.startswith(".") or local.endswith("."):
        return "the part before '@' starts or ends with '.'"
    if ".." in local:
        return "the part before '@' contains '..'"
    return None


def _domain_problem(domain: str) -> str | None:
    """Why the (lower-cased) `domain` is not an acceptable domain, or None."""
    if not domain:
        return "the domain after '@' is empty"
    if domain.startswith("["):
        return "IP-literal domains are not supported; give a domain name"
    labels = domain.split(".")
    if len(labels) < 2:
        return f"the domain {domain!r} has no '.'; give a full domain such as 'example.com'"
    for label in labels:
        if not label:
            return f"the domain {domain!r} has an empty label (a leading, trailing or double '.')"
        if len(label) > _LABEL_MAX_LENGTH:
            return (
                f"the domain label {label[:20]!r}... is {len(label)} characters long;"
                f" at most {_LABEL_MAX_LENGTH} are allowed"
            )
        for char in label:
            if char in _URL_SPECIAL:
                return f"the domain contains {char!r}, which would change the URL path"
            if char not in _LABEL_CHARS:
                return (
                    f"the domain contains {char!r}; a domain holds only letters, digits,"
                    " '-' and '.'"
                )
        if label.startswith("-") or label.endswith("-"):
            return f"the domain label {label!r} starts or ends with '-'"
    if labels[-1].isdigit():
        return f"the top-level domain {labels[-1]!r} is all digits"
    return None


def _check_characters(value: str) -> None:
    """Refuse whitespace, control and non-ASCII characters, naming the first one found."""
    for index, char in enumerate(value):
        if _is_whitespace_or_control(char):
            raise InvalidEmailError(
                value,
                f"it contains whitespace or a control character (U+{ord(char):04X})"
                f" at position {index}",
            )
    for char in value:
        if not char.isascii():
            raise InvalidEmailError(
                value,
                f"it contains the non-ASCII character {char!r}; only ASCII addresses are"
                " accepted (give an internationalized domain in punycode, 'xn--...')",
            )


def validate_email(value: object) -> str:
    """`value` as an address the API can be given, with its domain lower-cased.

    Raises `InvalidEmailError` naming the value and the first thing wrong with it.
    """
    if not isinstance(value, str):
        raise InvalidEmailError(value, f"expected a str, got {type(value).__name__}")
    if not value:
        raise InvalidEmailError(value, "it is empty")
    # Fast path for the usual address: printable ASCII without a space has no whitespace,
    # control or non-ASCII character, so the scans of `_check_characters` would find nothing.
    if not (value.isascii() and value.isprintable() and " " not in value):
        _check_characters(value)
    if len(value) > EMAIL_MAX_LENGTH:
        raise InvalidEmailError(
            value, f"it is {len(value)} characters long; at most {EMAIL_MAX_LENGTH} are allowed"
        )
    ats = value.count("@")
    if ats == 0:
        raise InvalidEmailError(value, "it has no '@'")
    if ats > 1:
        raise InvalidEmailError(value, "it contains more than one '@'")
    local, domain = value.split("@")
    domain = domain.lower()
    problem = _local_part_problem(local) or _domain_problem(domain)
    if problem is not None:
        raise InvalidEmailError(value, problem)
    return f"{local}@{domain}"


def validate_emails(values: Iterable[object]) -> list[str]:
    """Every address of `values` validated, duplicates dropped, first-seen order kept.

    Duplicates are detected after normalization, so addresses differing only in the case of
    their domain count once. Raises `InvalidEmailsError` listing every bad item (the first few in
    the message, all in `.errors`), and `InvalidInputError` if `values` is a single string.
    """
    if isinstance(values, str | bytes | bytearray):
        raise InvalidInputError(
            f"expected an iterable of email addresses, got a single {type(values).__name__}"
            f" {values!r}; wrap it in a list: [{values!r}]"
        )
    try:
        items = iter(values)
    except TypeError:
        raise InvalidInputError(
            f"expected an iterable of email addresses, got {type(values).__name__}"
        ) from None
    seen: set[str] = set()
    result: list[str] = []
    errors: list[tuple[int, InvalidEmailError]] = []
    total = 0
    for index, value in enumerate(items):
        total += 1
        try:
            email = validate_email(value)
        except InvalidEmailError as exc:
            errors.append((index, exc))
            continue
        if email not in seen:
            seen.add(email)
            result.append(email)
    if errors:
        raise _invalid_emails_error(errors, total)
    return result


def _invalid_emails_error(
    errors: list[tuple[int, InvalidEmailError]], total: int
) -> InvalidEmailsError:
    """One error for all bad items: the first few spelled out with their index, then a count."""
    shown = "; ".join(f"[{index}] {exc}" for index, exc in errors[:_ERRORS_SHOWN])
    more = len(errors) - _ERRORS_SHOWN
    tail = f"; and {more} more" if more > 0 else ""
    noun = "address is" if len(errors) == 1 else "addresses are"
    message = f"{len(errors)} of {total} email {noun} invalid: {shown}{tail}"
    return InvalidEmailsError(message, errors=tuple(exc for _, exc in errors))


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items of `items`, in order; none if it is empty.

    `size` is checked at the call, not at the first `next()`.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidInputError(f"chunk size must be a positive int, got {size!r}")
    return _chunks(items, size)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The generator behind `chunked`."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
