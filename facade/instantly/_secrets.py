"""Keeping the API key out of what the library produces: text scrubbing and a log filter.

A server or proxy may echo the request back (a debug page, "invalid key sk-...", a response
header), so text that came from the network is scrubbed of the key the request carried before it
reaches an exception, and while a client is alive a filter on the loggers of this package, httpx
and httpcore replaces its key in every record they emit (httpcore logs response headers at
DEBUG). The filter is installed by the client for its own key and removed on close.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any, Final

__all__ = [
    "LOGGERS",
    "REDACTED",
    "KeyRegistration",
    "key_of",
    "register_key",
    "scrub",
]

# Square brackets, not angle ones: `excerpt` strips anything that looks like an HTML tag.
REDACTED: Final = "[redacted]"
# Shorter tokens are not scrubbed from text: they would garble ordinary words (no real key is).
MIN_SECRET_LENGTH: Final = 6

# Filters of a logger do not run for records of its children, so each emitting logger is named.
LOGGERS: Final = (
    "instantly",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.connection_pool",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def key_of(headers: Any) -> str | None:
    """The API key a request's headers carry (Authorization: Bearer ...), to scrub from echoes."""
    try:
        header = headers.get("authorization", "")
    except (AttributeError, RuntimeError):
        return None
    key = str(header).partition(" ")[2].strip()
    return key if len(key) >= MIN_SECRET_LENGTH else None


def scrub(value: Any, key: str | None) -> Any:
    """`value` (text or parsed JSON) with every occurrence of `key` replaced by REDACTED."""
    if key is None:
        return value
    if isinstance(value, str):
        return value.replace(key, REDACTED)
    if isinstance(value, list):
        return [scrub(item, key) for item in value]
    if isinstance(value, dict):
        return {scrub(k, key): scrub(v, key) for k, v in value.items()}
    return value


class _RedactingFilter(logging.Filter):
    """Replaces every registered key in a record's message, arguments and exception text."""

    def __init__(self) -> None:
        super().__init__("instantly-redaction")
        self.keys: tuple[str, ...] = ()

    def filter(self, record: logging.LogRecord) -> bool:
        keys = self.keys
        if not keys:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report
            return True
        if any(k in message for k in keys) or any(k in repr(record.args) for k in keys):
            for key in keys:
                message = message.replace(key, REDACTED)
            record.msg, record.args = message, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for attr in ("exc_text", "stack_info"):
            text = getattr(record, attr, None)
            if text:
                for key in keys:
                    text = text.replace(key, REDACTED)
                setattr(record, attr, text)
        return True


_FILTER: Final = _RedactingFilter()
# Reentrant: a garbage collection inside the locked update may run a dropped client's finalizer,
# which takes its key out under the same lock (a plain Lock deadlocked there).
_LOCK: Final = threading.RLock()
_REGISTERED: Counter[str] = Counter()


def _update() -> None:
    """Attach the filter to every logger while a key is registered; detach it when none is."""
    registered = dict(_REGISTERED)  # a copy: a finalizer run by GC may change the registry
    _FILTER.keys = tuple(k for k, n in registered.items() if n > 0)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER.keys and _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        elif not _FILTER.keys:
            logger.removeFilter(_FILTER)


class KeyRegistration:
    """One client's key in the log filter; `close()` (idempotent) takes it out."""

    __slots__ = ("_key",)

    def __init__(self, key: str | None) -> None:
        self._key = key

    def __repr__(self) -> str:
        return f"<KeyRegistration {'active' if self._key else 'closed'}>"

    def close(self) -> None:
        key, self._key = self._key, None
        if key is None:
            return
        with _LOCK:
            _REGISTERED[key] -= 1
            if _REGISTERED[key] <= 0:
                del _REGISTERED[key]
            _update()


def register_key(key: str) -> KeyRegistration:
    """Redact `key` from the logs of this package, httpx and httpcore until the result is closed."""
    if len(key) < MIN_SECRET_LENGTH:
        return KeyRegistration(None)
    with _LOCK:
        _REGISTERED[str(key)] += 1
        _update()
    return KeyRegistration(str(key))
