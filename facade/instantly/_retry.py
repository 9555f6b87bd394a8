"""The retry policy: one table of what may be repeated, and pure functions that decide.

Instantly has no idempotency keys, so the question is never only "did it fail?" but "could the
server have acted on it?". A request that cannot have been processed (the connection was never
made, or the server answered 429) is always retried. A request that may have been processed (a
5xx, a timeout or a dropped connection after the request was written) is retried only when
repeating it is harmless: the safe methods, plus the POSTs listed in `IDEMPOTENT_POSTS`. Everything
else, notably the POSTs that start background jobs (warmup enable/disable), is not repeated.

Nothing here sleeps or sends; the transports in `_transport` do that.
"""

from __future__ import annotations

import email.utils
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

from ._config import DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from ._errors import InvalidInputError

__all__ = [
    "IDEMPOTENT_POSTS",
    "MAYBE_PROCESSED_RETRY_STATUSES",
    "NOT_PROCESSED_RETRY_STATUSES",
    "SAFE_METHODS",
    "RetryDecision",
    "RetryPolicy",
    "backoff_delay",
    "decide_after_error",
    "decide_after_response",
    "is_safe_to_repeat",
    "parse_retry_after",
    "was_not_sent",
]

# Methods whose repetition leaves the server as one call would (RFC 9110 idempotent methods).
# A DELETE repeated after it succeeded may answer 404; the resource is gone either way.
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# POSTs known to be safe to repeat: (path template, why). Matched on the request path's end, so
# a base URL with a path prefix still matches.
IDEMPOTENT_POSTS: Final[tuple[tuple[str, str], ...]] = (
    ("/api/v2/accounts/{email}/pause", "pausing a paused account leaves it paused"),
    ("/api/v2/accounts/{email}/resume", "resuming an active account leaves it active"),
    ("/api/v2/accounts/pause", "bulk pause: each account ends paused however often it is sent"),
    ("/api/v2/accounts/warmup-analytics", "a read that uses POST for its body"),
)

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


def _template_regex(template: str) -> re.Pattern[str]:
    """`/a/{x}/b` → a regex matching `<any prefix>/a/<one segment>/b`."""
    body = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.compile(rf"(?:/.*)?{body}")


_IDEMPOTENT_POST_PATTERNS: Final = tuple(_template_regex(t) for t, _ in IDEMPOTENT_POSTS)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times and how long to wait; the decisions themselves are the functions below."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER

    def __post_init__(self) -> None:
        for name in ("max_retries", "initial_delay", "max_delay", "max_retry_after"):
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


def is_safe_to_repeat(method: str, path: str) -> bool:
    """True when sending this request twice has the same effect as sending it once."""
    method = method.upper()
    if method in SAFE_METHODS:
        return True
    return method == "POST" and any(p.fullmatch(path) for p in _IDEMPOTENT_POST_PATTERNS)


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
) -> RetryDecision:
    """Retry or not after a response with `status_code` (`retry_after` already parsed)."""
    if status_code < 400:
        return _give_up("success")
    if status_code in NOT_PROCESSED_RETRY_STATUSES:
        pass
    elif status_code in MAYBE_PROCESSED_RETRY_STATUSES:
        if not is_safe_to_repeat(method, path):
            return _give_up(
                f"{status_code} after the request may have been processed; "
                f"{method} {path} is not safe to repeat"
            )
    else:
        return _give_up(f"{status_code} is not retryable")
    if retries_done >= max_retries:
        return _give_up(f"{status_code}; no retries left ({max_retries} allowed)")
    if retry_after is not None:
        if retry_after > policy.max_retry_after:
            return _give_up(
                f"{status_code} with Retry-After {retry_after:g} s, longer than the "
                f"{policy.max_retry_after:g} s cap"
            )
        return RetryDecision(True, retry_after, f"{status_code}, Retry-After {retry_after:g} s")
    return RetryDecision(True, backoff_delay(retries_done, policy, rng), f"{status_code}")


def decide_after_error(
    method: str,
    path: str,
    exc: BaseException,
    *,
    retries_done: int,
    max_retries: int,
    policy: RetryPolicy,
    rng: Callable[[], float],
) -> RetryDecision:
    """Retry or not after the transport raised `exc` instead of giving a response."""
    name = type(exc).__name__
    if was_not_sent(exc):
        pass
    elif isinstance(exc, _MAYBE_PROCESSED_ERRORS):
        if not is_safe_to_repeat(method, path):
            return _give_up(
                f"{name} after the request may have been processed; "
                f"{method} {path} is not safe to repeat"
            )
    else:
        return _give_up(f"{name} is not retryable")
    if retries_done >= max_retries:
        return _give_up(f"{name}; no retries left ({max_retries} allowed)")
    return RetryDecision(True, backoff_delay(retries_done, policy, rng), name)
