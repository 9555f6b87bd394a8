"""From a non-2xx response to its typed error, tolerant of what the server really sends.

An error body that is not JSON (a proxy's HTML 502 page, Cloudflare's block page, an empty body)
still gives the right typed error, with a short, tag-free excerpt as its message. Text from the
network is scrubbed of the request's key before it reaches an error. A 2xx is read by
`_operation.read_result`, which borrows `excerpt` and `sent_key` from here for its errors.
"""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any, Final

import httpx

from ._config import REQUEST_ID_HEADERS, USER_AGENT
from ._errors import (
    APIStatusError,
    CloudflareBlockedError,
    RateLimitError,
    status_error_class,
)
from ._retry import parse_retry_after
from ._secrets import key_of, scrub

__all__ = ["EXCERPT_MAX", "excerpt", "request_id_of", "sent_key", "status_error"]

EXCERPT_MAX: Final = 200

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    """A one-line, tag-free, bounded excerpt of a body, for messages."""
    flat = _SPACE.sub(" ", _TAG.sub(" ", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def request_id_of(response: httpx.Response) -> str | None:
    """The request id the server or its proxy put on the response, if any."""
    for name in REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def _server_message(body: Any) -> str | None:
    """`message` of an Instantly error body (a string, or a list of strings), else `error`."""
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    if isinstance(message, str) and message.strip():
        return message.strip()
    if isinstance(message, list) and message and all(isinstance(m, str) for m in message):
        return "; ".join(message)
    error = body.get("error")
    if isinstance(error, str) and error.strip():
        return error.strip()
    return None


def sent_key(response: httpx.Response) -> str | None:
    """The API key the request carried, to scrub from echoed text (None without a request)."""
    try:
        request = response.request
    except RuntimeError:  # a response built without a request
        return None
    return key_of(request.headers)


# Noise in an HTML error page: its scripts, styles and comments are not what a reader wants.
_HTML_NOISE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_CLOUDFLARE_CODE = re.compile(r"\berror(?: code)?:?\s*(1\d{3})\b", re.IGNORECASE)
_RAY_ID = re.compile(r"\bRay ID:?\s*([0-9a-f]{16})", re.IGNORECASE)

# Cloudflare's 1xxx codes a client meets on a 403, and what they mean (developers.cloudflare.com,
# "Troubleshooting Cloudflare 1XXX errors"). 1006-1008 and 1020 are about where the request came
# from; 1010 is about what the client says it is: its User-Agent, for an API client.
_CLOUDFLARE_CAUSES: Final = {
    1006: "the IP address the request came from is banned",
    1007: "the IP address the request came from is banned",
    1008: "the IP address the request came from is banned",
    1010: "the client's signature, for an API client its User-Agent header, is banned",
    1012: "access was denied by the site's owner",
    1020: "a firewall rule matched the request (its IP address, network or content)",
}
_WHERE_FROM_CODES: Final = frozenset({1006, 1007, 1008, 1020})


def _readable(text: str) -> str:
    """An error body as a person reads it: no scripts, styles, comments, tags or entities."""
    return html.unescape(_TAG.sub(" ", _HTML_NOISE.sub(" ", text)))


def _cloudflare_block(response: httpx.Response, text: str) -> tuple[int | None] | None:
    """(Cloudflare's error code or None) when a 403 is Cloudflare's block page, else None."""
    headers = response.headers
    from_cloudflare = (
        headers.get("server", "").lower() == "cloudflare"
        or "cf-ray" in headers
        or "cf-mitigated" in headers
    )
    match = _CLOUDFLARE_CODE.search(text)
    if match and (from_cloudflare or text.lstrip().lower().startswith("error code")):
        return (int(match.group(1)),)
    if from_cloudflare and ("cf-mitigated" in headers or "cloudflare" in text.lower()):
        return (None,)
    return None


def _cloudflare_message(code: int | None, ray_id: str | None, text: str) -> str:
    """What happened and what to do, for a request Cloudflare blocked."""
    if code is None:
        what = "a Cloudflare security check (a challenge page) refused it"
    else:
        cause = _CLOUDFLARE_CAUSES.get(code, "a Cloudflare security rule matched it")
        what = f"error code {code}: {cause}"
    if code in _WHERE_FROM_CODES:
        advice = "retry from another network, or without the proxy or VPN in between"
    else:
        advice = (
            f"this client sends 'User-Agent: {USER_AGENT}'; check that nothing in between (a "
            "proxy, an httpx event hook or transport) replaces it, then retry"
        )
    support = f"give Instantly's support the Ray ID {ray_id}" if ray_id else "tell Instantly"
    return (
        f"blocked by Cloudflare in front of the API; the request never reached Instantly "
        f"({what}). To fix: {advice}; if it persists, {support}. Body: {excerpt(text)!r}"
    )


def status_error(response: httpx.Response, *, method: str, path: str) -> APIStatusError:
    """The typed error for a non-2xx response (the caller raises it).

    The message is the server's own when its body is Instantly's JSON error; otherwise the
    reason phrase and a short, tag-free excerpt of the body (a proxy's HTML 502 page, an empty
    body), never a decoding error. A 403 that is Cloudflare's block page is
    `CloudflareBlockedError`, saying what happened and what to do.
    """
    status = response.status_code
    reason = response.reason_phrase or httpx.codes.get_reason_phrase(status) or "HTTP error"
    key = sent_key(response)
    body: Any = scrub(_json_or_none(response), key)
    message = _server_message(body)
    text: str | None = None  # the body as text, when it is not an error object
    if message is None:
        if body is None or isinstance(body, str):
            raw = body if isinstance(body, str) else response.content.decode("utf-8", "replace")
            text = excerpt(scrub(_readable(raw), key), 500)
            body = text or None
            message = f"{reason}: {excerpt(text)}" if text else reason
        else:
            message = reason
    kwargs: dict[str, Any] = {
        "status_code": status,
        "method": method,
        "path": path,
        "body": body,
        "request_id": scrub(request_id_of(response), key),
    }
    if status == 403 and text is not None and (block := _cloudflare_block(response, text)):
        ray = response.headers.get("cf-ray") or (m[1] if (m := _RAY_ID.search(text)) else None)
        ray_id = scrub(ray, key)
        return CloudflareBlockedError(
            _cloudflare_message(block[0], ray_id, text),
            cloudflare_code=block[0],
            ray_id=ray_id,
            **kwargs,
        )
    cls = status_error_class(status)
    if issubclass(cls, RateLimitError):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=time.time())
        return cls(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
