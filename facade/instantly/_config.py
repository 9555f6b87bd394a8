"""Client defaults in one place, and the pure functions that resolve the key and base URL.

Every number a user might want to know (timeouts, retry delays, caps) is defined here once; the
modules that use them import them from here.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

import httpx

from ._errors import InvalidInputError
from ._facts import DEFAULT_BASE_URL
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WAIT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "EXTENSION_MAX_RETRIES",
    "EXTENSION_OPERATION",
    "INITIAL_RETRY_DELAY",
    "LOGGER_NAME",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RATE_LIMIT_MAX_WAIT",
    "RATE_LIMIT_WINDOW_MARGIN",
    "REQUEST_ID_HEADERS",
    "USER_AGENT",
    "Secret",
    "is_loopback_host",
    "resolve_api_key",
    "resolve_base_url",
    "resolve_timeout",
]

ENV_API_KEY: Final = "INSTANTLY_API_KEY"
ENV_BASE_URL: Final = "INSTANTLY_BASE_URL"

# 30 s for a whole read, 10 s to connect: Instantly answers list calls in well under a second.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)

# Retries after the first attempt; per client and per call (see EXTENSION_MAX_RETRIES).
DEFAULT_MAX_RETRIES: Final = 2
# Exponential backoff with full jitter: attempt n waits uniform(0, min(MAX, INITIAL * 2**n)).
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
# A Retry-After longer than this is not waited out: the error is raised with `retry_after`.
MAX_RETRY_AFTER: Final = 60.0

# The client-side rate limiter refuses to queue a request longer than this (seconds).
RATE_LIMIT_MAX_WAIT: Final = 120.0

# Seconds added to each rate-limit window for the spread between send and arrival (see _ratelimit).
RATE_LIMIT_WINDOW_MARGIN: Final = 0.02

# How long a job `wait()` waits unless told otherwise. Warmup jobs over a whole workspace can
# take minutes; a caller who needs longer says so.
DEFAULT_WAIT_TIMEOUT: Final = 600.0

# httpx request extension read by the retry transport: per-call max_retries.
EXTENSION_MAX_RETRIES: Final = "instantly.max_retries"
# The `Operation` a resource call sends (httpx request extension): the transport reads its retry
# safety and endpoint limit from it instead of matching the URL against the route tables.
EXTENSION_OPERATION: Final = "instantly.operation"

# Response headers that may carry a request id, first present wins.
REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")

LOGGER_NAME: Final = "instantly"
USER_AGENT: Final = f"instantly-client/{__version__} (python)"


class Secret(str):
    """A str whose repr hides its value, so a key inside any repr (attrs, dataclass) is hidden."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] | None = None) -> Secret:
    """The explicit key, else `INSTANTLY_API_KEY`; if neither, an error saying how to give one."""
    env = os.environ if environ is None else environ
    key = api_key if api_key is not None else env.get(ENV_API_KEY)
    if key is None:
        raise InvalidInputError(
            f"no API key: pass api_key=... or set the {ENV_API_KEY} environment variable "
            "(create a key in Instantly under Settings > Integrations > API keys)"
        )
    if not isinstance(key, str) or not key.strip():
        source = "api_key" if api_key is not None else ENV_API_KEY
        raise InvalidInputError(
            f"the API key given by {source} is empty; a non-blank string is needed"
        )
    if key != key.strip() or any(c in key for c in "\r\n"):
        source = "api_key" if api_key is not None else ENV_API_KEY
        raise InvalidInputError(
            f"the API key given by {source} has surrounding whitespace or a line break; "
            "pass the key exactly as Instantly shows it"
        )
    return Secret(key)


def is_loopback_host(host: str) -> bool:
    """True for `localhost`, 127.0.0.0/8 and ::1: the only hosts plain http is allowed to."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_base_url(base_url: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The explicit URL, else `INSTANTLY_BASE_URL`, else Instantly's; http only to loopback."""
    env = os.environ if environ is None else environ
    url = base_url if base_url is not None else env.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    source = "base_url" if base_url is not None else (ENV_BASE_URL if env.get(ENV_BASE_URL) else "")
    where = f" (from {source})" if source else ""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise InvalidInputError(
            f"base URL{where} carries credentials; give only scheme, host, optional port and path "
            "(the API key is sent in the Authorization header)"
        )
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInputError(
            f"base URL {url!r}{where} is not an absolute http(s) URL; "
            f"expected something like {DEFAULT_BASE_URL!r}"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InvalidInputError(
            f"base URL {url!r}{where} uses plain http to a non-loopback host, which would send "
            "the API key in clear; use https (http is allowed only for localhost, 127.0.0.0/8 "
            "and ::1)"
        )
    if parts.query or parts.fragment:
        raise InvalidInputError(
            f"base URL {url!r}{where} has a query or fragment; "
            "give only scheme, host, optional port and optional path prefix"
        )
    return url.rstrip("/")


_TIMEOUT_PHASES: Final = ("connect", "read", "write", "pool")


def resolve_timeout(value: object, name: str = "timeout") -> httpx.Timeout:
    """`value` (seconds, None for no limit, or an `httpx.Timeout`) as a checked `httpx.Timeout`.

    httpx accepts any object here and fails only when a socket is opened (or never, for a
    negative or NaN value), so a bad timeout is refused now, naming the value.
    """
    if isinstance(value, httpx.Timeout):
        phases = {phase: getattr(value, phase) for phase in _TIMEOUT_PHASES}
    else:
        phases = {phase: value for phase in _TIMEOUT_PHASES}
    for phase, seconds in phases.items():
        if seconds is None:
            continue
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            where = name if not isinstance(value, httpx.Timeout) else f"{name}.{phase}"
            raise InvalidInputError(
                f"{where} must be a finite number of seconds >= 0, None (no limit) or an "
                f"httpx.Timeout, got {seconds!r}"
            )
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)  # type: ignore[arg-type]
