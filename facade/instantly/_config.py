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
    "DEFAULT_MAX_RESPONSE_BYTES",
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
    "MAX_RETRY_AFTER_HOLD",
    "MAX_RETRY_DELAY",
    "RATE_LIMIT_MAX_WAIT",
    "RATE_LIMIT_WINDOW_MARGIN",
    "REQUEST_ID_HEADERS",
    "USER_AGENT",
    "Secret",
    "env_ca_bundle",
    "is_loopback_host",
    "resolve_api_key",
    "resolve_base_url",
    "resolve_max_response_bytes",
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

# The longest a server's Retry-After may hold a limiter (and every client sharing it) back: a
# year, or 1e308, is read as this. `RateLimiter.resume()` ends a hold early.
MAX_RETRY_AFTER_HOLD: Final = 3600.0

# The most a response body may hold once decoded (gzip undone), on any status: a bigger one
# raises ResponseTooLargeError as soon as it passes the cap. Instantly's largest pages (100 leads
# or emails with bodies) are a few MB.
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024

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
    """True for exactly `localhost`, 127.0.0.0/8 and ::1: the only hosts plain http may go to.

    By literal address or that one name only: `x.localhost` resolves wherever the system's
    resolver says, so it is not taken on trust.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
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
    if not isinstance(url, str):
        raise InvalidInputError(f"base URL{where} must be a str, got {type(url).__name__}")
    if url != url.strip():
        raise InvalidInputError(
            f"base URL {url!r}{where} has leading or trailing whitespace (a line break from a "
            "file or an environment variable?); give the URL alone"
        )
    if bad := next((c for c in url if c.isspace() or not c.isprintable()), None):
        raise InvalidInputError(
            f"base URL {url!r}{where} contains {bad!r}; a URL has no whitespace or control "
            "characters"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (parsing the port is what raises for a bad one)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as error:
        shown = "" if "@" in url else f" {url!r}"  # it may hold credentials: never echoed
        raise InvalidInputError(f"base URL{shown}{where} is not a valid URL: {error}") from None
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


def resolve_max_response_bytes(value: object) -> int | None:
    """`value` checked as a body cap: an int >= 1 (bytes), or None for no cap."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(
            f"max_response_bytes must be an int >= 1 (bytes) or None (no cap), got {value!r}"
        )
    return value


# The TLS variables httpx's transport reads when trust_env is true, first set wins.
_CA_VARIABLES: Final = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def env_ca_bundle(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(variable, value) of the environment variable that replaces the CA bundle, if one is set."""
    env = os.environ if environ is None else environ
    for name in _CA_VARIABLES:
        if value := env.get(name):
            return name, value
    return None
