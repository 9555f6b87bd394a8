"""Helpers of `client.email_verification`: verify an address and wait for the result.

The wait is the job waiter's: `_polling.Backoff` between polls (or a fixed `poll_interval`), a
`Deadline` read on the client's clock, transient poll errors (429, 5xx, no connection) ridden out
until the deadline. `VerificationTimeoutError` carries the last state when it passes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from instantly_api.resources import email_verification as _generated

from .._email_addresses import validate_email
from .._errors import InvalidInputError, UnexpectedStateError, VerificationTimeoutError
from .._operation import operation
from .._plans import ENVIRONMENT, Call, Plan, Sleep
from .._polling import DEFAULT_WAIT_TIMEOUT, Deadline, backoff_for, is_transient_poll_error
from ._plan_methods import plan_method

if TYPE_CHECKING:
    from typing import Unpack

    from instantly_api.models.email_verification import EmailVerification as Verification

    from ._base import RequestOptions

__all__ = ["AsyncEmailVerification", "EmailVerification", "verify"]

# EmailVerification.verification_status while the check runs (the spec's example values:
# "pending", then "verified"/"invalid"/...).
PENDING: Final = "pending"


def is_pending(verification: Any) -> bool:
    """Whether the verification has no result yet."""
    return getattr(verification, "verification_status", None) == PENDING


def _same_address(email: str, verification: Any) -> Any:
    returned = getattr(verification, "email", None)
    if isinstance(returned, str) and returned.lower() != email.lower():
        raise UnexpectedStateError(
            f"asked to verify {email!r}, the API answered about {returned!r}; not taking "
            "another address's result as this one's"
        )
    return verification


def wait_for_verification(
    email: str, verification: Any, *, timeout: float, poll_interval: float | None
) -> Plan[Any]:
    """Poll `GET /api/v2/email-verification/{email}` until it is no longer pending."""
    backoff = backoff_for(poll_interval)
    clock, rng = yield ENVIRONMENT
    deadline = Deadline(timeout, clock)
    get_status = operation("checkVerificationStatus")
    attempt = 0
    while is_pending(verification):
        if deadline.expired():
            raise VerificationTimeoutError(
                f"the verification of {email!r} was still pending after {timeout:g} s; it keeps "
                "running: ask again with email_verification.get_status(email)",
                email=email,
                verification=verification,
                timeout=timeout,
            )
        yield Sleep(min(backoff.delay(attempt, rng), deadline.remaining()))
        attempt += 1
        try:
            verification = _same_address(email, (yield Call(get_status, {"email": email}, {})))
        except Exception as exc:
            if not is_transient_poll_error(exc):
                raise
    return verification


def verify(
    email: str,
    *,
    wait: bool = True,
    wait_timeout: float | None = None,
    poll_interval: float | None = None,
    **options: Unpack[RequestOptions],
) -> Plan[Verification]:
    """Verify `email`; with `wait=True` (the default) poll until the result is in.

    `wait_timeout` (default 600 s) bounds the wait: `VerificationTimeoutError` then carries the
    last state (the check keeps running). `poll_interval` fixes the delay between polls (default:
    the job waiter's backoff, 0.5 s growing to 10 s). With `wait=False` the first answer is
    returned as it is (`verification_status` may be "pending"). Arguments are checked first.
    """
    from ._base import check_options

    address = validate_email(email)
    if not isinstance(wait, bool):
        raise InvalidInputError(f"wait must be a bool, got {wait!r:.60}")
    timeout = DEFAULT_WAIT_TIMEOUT if wait_timeout is None else wait_timeout
    Deadline(timeout)  # checks it before anything is sent
    backoff_for(poll_interval)
    check_options(options)
    started = yield Call(
        operation("createEmailVerification"), {"body": {"email": address}}, options
    )
    verification: Verification = _same_address(address, started)
    if wait:
        verification = yield from wait_for_verification(
            address, verification, timeout=timeout, poll_interval=poll_interval
        )
    return verification


class EmailVerification(_generated.EmailVerification):
    """`client.email_verification`: the generated operations and the helpers above."""

    verify = plan_method(verify)


class AsyncEmailVerification(_generated.AsyncEmailVerification):
    """`client.email_verification` (async): the generated operations and the helpers above."""

    verify = plan_method(verify)
