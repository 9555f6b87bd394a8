"""The retry policy: one table of what may be repeated, and pure functions that decide.

Instantly has no idempotency keys, so the question is never only "did it fail?" but "could the
server have acted on it?". A request that cannot have been processed (the connection was never
made, or the server answered 429) is always retried. A request that may have been processed (a
5xx, a timeout or a dropped connection after the request was written) is retried only when
repeating it is harmless, as decided per operation in the reviewed table `openapi/resources.json`
(generated into each `Operation.repeatable`, and `instantly_api.resources._route_table` for
requests without their operation). By default reads are repeated and writes are not: a bulk
delete with a limit, a job start or a sent email is never sent twice.

Nothing here sleeps or sends; the transports in `_retry_transport.py` do that.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

from ._config import (
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_AFTER_HOLD,
    MAX_RETRY_DELAY,
)
from ._errors import InvalidInputError

__all__ = [
    "MAYBE_PROCESSED_RETRY_STATUSES",
    "NOT_PROCESSED_RETRY_STATUSES",
    "SAFE_METHODS",
    "SUCCESS",
    "RetryDecision",
    "RetryPolicy",
    "backoff_delay",
    "decide_after_error",
    "decide_after_response",
    "is_safe_to_repeat",
    "parse_retry_after",
    "was_not_sent",
]

# Methods that read: repeatable unless the reviewed table says otherwise. Any other method is
# repeated only when the reviewed table (openapi/resources.json) says why a repeat does no harm.
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

# Statuses that say the request was not processed: always retried, whatever the operation.
NOT_PROCESSED_RETRY_STATUSES: Final = frozenset({429})
# Statuses worth retrying but after which the request may have been processed.
MAYBE_PROCESSED_RETRY_STATUSES: Final = frozenset({408, 500, 502, 503, 504})

_NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_PROCESSED_ERRORS: Final = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times and how long to wait; the decisions themselves are the functions below.

    A 429's Retry-After up to `max_retry_after` is waited out; a longer one makes the limiter
    refuse every request (fail fast) for it, but never longer than `max_retry_after_hold`.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    max_retry_after_hold: float = MAX_RETRY_AFTER_HOLD

    def __post_init__(self) -> None:
        names = ("max_retries", "initial_delay", "max_delay", "max_retry_after")
        for name in (*names, "max_retry_after_hold"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise InvalidInputError(
                    f"RetryPolicy.{name} must be a finite number >= 0, got {value!r}"
                )
        if not isinstance(self.max_retries, int):
            raise InvalidInputError(
                f"RetryPolicy.max_retries must be an int, got {self.max_retries!r}"
            )


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to send again, after how many seconds, and why (for the log line)."""

    retry: bool
    delay: float
    reason: str


def is_safe_to_repeat(method: str, path: str, repeatable: bool | None = None) -> bool:
    """True when sending this request twice has the same effect as sending it once.

    Decided per operation (the reviewed table in openapi/resources.json, generated into each
    `Operation.repeatable`), never by HTTP verb alone. `repeatable` is the operation's own, when
    the request came with its operation (every resource call); otherwise the operation is found
    by route (`client.raw`, plain httpx), and a request no operation matches (a route a newer
    spec added) gets the default: reads yes, anything else no.
    """
    if repeatable is not None:
        return repeatable
    from ._route_lookup import is_repeatable  # the first such retry loads the route table

    method = method.upper()
    reviewed = is_repeatable(method, path)
    return method in SAFE_METHODS if reviewed is None else reviewed


def was_not_sent(exc: BaseException) -> bool:
    """True when the error proves the request never reached the server (no connection)."""
    return isinstance(exc, _NOT_SENT_ERRORS)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or HTTP date), or None.

    `now` is the wall-clock time (Unix seconds) an HTTP date is measured from. A date in the
    past gives 0; anything unparseable gives None.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def backoff_delay(retries_done: int, policy: RetryPolicy, rng: Callable[[], float]) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(max_delay, initial * 2**retries))."""
    ceiling = min(policy.max_delay, policy.initial_delay * (2.0 ** min(retries_done, 62)))
    return ceiling * rng()


def _give_up(reason: str) -> RetryDecision:
    return RetryDecision(retry=False, delay=0.0, reason=reason)


# An answer below 400 is final: the transport takes this decision without a call (hot path).
SUCCESS: Final = _give_up("success")


def _refusal(
    outcome: str,
    processed: bool | None,
    method: str,
    path: str,
    retries_done: int,
    max_retries: int,
    repeatable: bool | None,
) -> RetryDecision | None:
    """Why `outcome` is not retried (None: it may be).

    `processed` is False when the request certainly was not processed, True when it may have
    been (then only an operation safe to repeat is), None when the outcome is not retryable.
    """
    if processed is None:
        return _give_up(f"{outcome} is not retryable")
    if processed and not is_safe_to_repeat(method, path, repeatable):
        return _give_up(
            f"{outcome} after the request may have been processed; "
            f"{method} {path} is not safe to repeat"
        )
    if retries_done >= max_retries:
        return _give_up(f"{outcome}; no retries left ({max_retries} allowed)")
    return None


def decide_after_response(
    method: str,
    path: str,
    status_code: int,
    retry_after: float | None,
    *,
    retries_done: int,
    max_retries: int,
    policy: RetryPolicy,
    rng: Callable[[], float],
    repeatable: bool | None = None,
) -> RetryDecision:
    """Retry or not after a response with `status_code` (`retry_after` already parsed).

    `repeatable`: the operation's retry safety when known (else looked up by route)."""
    if status_code < 400:
        return SUCCESS
    processed = (
        False if status_code in NOT_PROCESSED_RETRY_STATUSES
        else True if status_code in MAYBE_PROCESSED_RETRY_STATUSES
        else None
    )  # fmt: skip
    outcome = str(status_code)
    if refusal := _refusal(outcome, processed, method, path, retries_done, max_retries, repeatable):
        return refusal
    if retry_after is None:
        return RetryDecision(True, backoff_delay(retries_done, policy, rng), outcome)
    if retry_after > policy.max_retry_after:
        return _give_up(
            f"{outcome} with Retry-After {retry_after:g} s, longer than the "
            f"{policy.max_retry_after:g} s cap"
        )
    return RetryDecision(True, retry_after, f"{outcome}, Retry-After {retry_after:g} s")


def decide_after_error(
    method: str,
    path: str,
    exc: BaseException,
    *,
    retries_done: int,
    max_retries: int,
    policy: RetryPolicy,
    rng: Callable[[], float],
    repeatable: bool | None = None,
) -> RetryDecision:
    """Retry or not after the transport raised `exc` instead of giving a response."""
    processed = (
        False if was_not_sent(exc)
        else True if isinstance(exc, _MAYBE_PROCESSED_ERRORS)
        else None
    )  # fmt: skip
    outcome = type(exc).__name__
    if refusal := _refusal(outcome, processed, method, path, retries_done, max_retries, repeatable):
        return refusal
    return RetryDecision(True, backoff_delay(retries_done, policy, rng), outcome)
