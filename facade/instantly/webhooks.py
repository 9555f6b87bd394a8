"""instantly.webhooks: receive Instantly's webhook deliveries: check, parse, de-duplicate.

    receiver = WebhookReceiver(secret=os.environ["WEBHOOK_SECRET"])
    event = receiver.receive(request_body, request_headers)   # raises WebhookError to refuse
    if event is not None:                                      # None: a repeat, already handled
        handle(event.event_type, event.lead_email)

Instantly does not sign deliveries. The only proof that a delivery comes from your webhook is a
secret you choose and ask Instantly to send back as a header, set when you subscribe:
`headers={"X-Webhook-Secret": secret}` on `POST /api/v2/webhooks`. The receiver compares that
header in constant time. Anyone who learns the secret (it is stored at Instantly and travels in
every delivery) can forge deliveries: serve the endpoint over HTTPS only, and treat an event as a
hint to re-read state through the API when it matters.

Event names: a delivery's `event_type` is not always the name you subscribed with (a click is
subscribed to as `email_link_clicked` and delivered as `link_clicked`). `WebhookEvent.event_type`
is the subscription name whenever one is known; the delivered name stays in
`delivered_event_type`. Names this package does not know (custom labels, new events) are kept
as-is, with `known` False. The facts behind this live in `instantly._facts`.

Importing this module is cheap: it loads no HTTP client and no generated code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Protocol

from ._errors import (
    InvalidInputError,
    MalformedWebhookError,
    WebhookAuthenticationError,
    WebhookCapacityError,
)
from ._facts import (
    WEBHOOK_DELIVERY_ALIASES,
    WEBHOOK_DELIVERY_EVENT_TYPES,
    WEBHOOK_SUBSCRIPTION_EVENT_TYPES,
)

__all__ = [
    "DEDUPLICATION_WINDOW",
    "DEFAULT_SECRET_HEADER",
    "KNOWN_EVENT_TYPES",
    "MAX_DELIVERY_BYTES",
    "EventDeduplicator",
    "MemoryDeduplicator",
    "WebhookEvent",
    "WebhookReceiver",
    "check_shared_secret",
    "normalize_event_type",
    "parse_event",
]

DEFAULT_SECRET_HEADER: Final = "X-Webhook-Secret"

# How long a delivery's id is remembered, so that a replay within it is dropped (seconds).
DEDUPLICATION_WINDOW: Final = 24 * 3600.0

# A delivery carries one email (subject, text and HTML of a reply, plus lead data): 5 MiB is far
# above any real one and bounds what a hostile sender can make us parse.
MAX_DELIVERY_BYTES: Final = 5 * 1024 * 1024

# Every event name, after normalisation, this package knows (subscription names, minus
# `all_events`, plus delivered names that have no subscription name of their own).
KNOWN_EVENT_TYPES: Final = frozenset(
    {t for t in WEBHOOK_SUBSCRIPTION_EVENT_TYPES if t != "all_events"}
    | {WEBHOOK_DELIVERY_ALIASES.get(t, t) for t in WEBHOOK_DELIVERY_EVENT_TYPES}
)

# The documented payload fields (Instantly's "Webhook events" page), by JSON type. Other keys are
# the lead's own data, merged into the delivery by Instantly.
_TEXT_FIELDS: Final = (
    "timestamp",
    "workspace",
    "campaign_id",
    "campaign_name",
    "lead_email",
    "email_account",
    "unibox_url",
    "email_id",
    "email_subject",
    "email_text",
    "email_html",
    "reply_text_snippet",
    "reply_subject",
    "reply_text",
    "reply_html",
)
_INT_FIELDS: Final = ("step", "variant")
_BOOL_FIELDS: Final = ("is_first",)
_DOCUMENTED: Final = frozenset({"event_type", *_TEXT_FIELDS, *_INT_FIELDS, *_BOOL_FIELDS})


def normalize_event_type(name: str) -> str:
    """The subscription name of a delivered event name (`link_clicked` → `email_link_clicked`).

    Names without a known counterpart (custom labels, new events) are returned unchanged.
    """
    return WEBHOOK_DELIVERY_ALIASES.get(name, name)


class WebhookEvent:
    """One delivery, read: the documented fields typed, the lead's own fields in `lead_data`.

    Two events are equal when their `event_id` is. `payload` is the delivery as received
    (read-only at the top level).
    """

    __slots__ = (
        "_fields",
        "delivered_event_type",
        "event_id",
        "event_type",
        "lead_data",
        "occurred_at",
        "payload",
    )

    event_type: str
    delivered_event_type: str
    event_id: str
    occurred_at: datetime | None
    payload: Mapping[str, Any]
    lead_data: Mapping[str, Any]

    def __init__(self, payload: Mapping[str, Any], event_id: str) -> None:
        delivered = payload["event_type"]
        self.delivered_event_type = delivered
        self.event_type = normalize_event_type(delivered)
        self.event_id = event_id
        self.payload = MappingProxyType(dict(payload))
        self.lead_data = MappingProxyType(
            {k: v for k, v in payload.items() if k not in _DOCUMENTED}
        )
        stamp = payload.get("timestamp")
        self.occurred_at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
        self._fields = payload

    @property
    def known(self) -> bool:
        """Whether Instantly documents this event name (False: a custom label or a new event)."""
        return self.event_type in KNOWN_EVENT_TYPES

    def _text(self, name: str) -> str | None:
        value = self._fields.get(name)
        return value if isinstance(value, str) else None

    @property
    def timestamp(self) -> str | None:
        """When the event occurred, as delivered (ISO 8601); parsed in `occurred_at`."""
        return self._text("timestamp")

    @property
    def workspace(self) -> str | None:
        """The workspace's id."""
        return self._text("workspace")

    @property
    def campaign_id(self) -> str | None:
        """The campaign's id."""
        return self._text("campaign_id")

    @property
    def campaign_name(self) -> str | None:
        """The campaign's name."""
        return self._text("campaign_name")

    @property
    def lead_email(self) -> str | None:
        """The lead's address, for an event about a lead."""
        return self._text("lead_email")

    @property
    def email_account(self) -> str | None:
        """The sending account, when the event concerns one."""
        return self._text("email_account")

    @property
    def unibox_url(self) -> str | None:
        """Where to read the conversation in the Unibox (reply events)."""
        return self._text("unibox_url")

    @property
    def email_id(self) -> str | None:
        """The email's id: the `reply_to_uuid` to answer it through the reply endpoint."""
        return self._text("email_id")

    @property
    def email_subject(self) -> str | None:
        """Subject of the sent email."""
        return self._text("email_subject")

    @property
    def email_text(self) -> str | None:
        """Plain text of the sent email."""
        return self._text("email_text")

    @property
    def email_html(self) -> str | None:
        """HTML of the sent email."""
        return self._text("email_html")

    @property
    def reply_text_snippet(self) -> str | None:
        """A short preview of the reply."""
        return self._text("reply_text_snippet")

    @property
    def reply_subject(self) -> str | None:
        """Subject of the reply."""
        return self._text("reply_subject")

    @property
    def reply_text(self) -> str | None:
        """Plain text of the reply."""
        return self._text("reply_text")

    @property
    def reply_html(self) -> str | None:
        """HTML of the reply."""
        return self._text("reply_html")

    @property
    def step(self) -> int | None:
        """The campaign step (from 1)."""
        value = self._fields.get("step")
        return int(value) if value is not None else None

    @property
    def variant(self) -> int | None:
        """The step's variant (from 1)."""
        value = self._fields.get("variant")
        return int(value) if value is not None else None

    @property
    def is_first(self) -> bool | None:
        """Whether this is the lead's first event of this type."""
        value = self._fields.get("is_first")
        return value if isinstance(value, bool) else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WebhookEvent):
            return NotImplemented
        return self.event_id == other.event_id

    def __hash__(self) -> int:
        return hash(self.event_id)

    def __repr__(self) -> str:
        lead = f" lead_email={self.lead_email!r}" if self.lead_email else ""
        return f"<WebhookEvent {self.event_type!r}{lead} id={self.event_id[:19]}...>"


# -- parsing -------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise MalformedWebhookError(f"the delivery is not valid JSON: {name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members as a dict; a key given twice is refused (which one counts?)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = ""
        for key, _ in pairs:
            if key in seen:
                twice = key
                break
            seen.add(key)
        raise MalformedWebhookError(
            f"the delivery gives the key {twice!r:.80} twice in one object; parsers disagree on "
            "which value counts, so it is refused"
        )
    return obj


def _utf8_size(text: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise MalformedWebhookError(
            f"the delivery is not valid text: a lone surrogate at character {error.start}"
        ) from None


def _decode(body: bytes | bytearray | memoryview | str, max_bytes: int) -> Any:
    size = _utf8_size(body) if isinstance(body, str) else len(body)
    if size > max_bytes:
        raise MalformedWebhookError(
            f"the delivery is {size:,} bytes, over the {max_bytes:,}-byte limit (max_bytes)"
        )
    if not isinstance(body, str):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedWebhookError(
                f"the delivery is not UTF-8 text (byte {error.start}); expected a JSON object"
            ) from None
    if not body.strip():
        raise MalformedWebhookError("the delivery is empty; expected a JSON object")
    try:
        return json.loads(body, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise MalformedWebhookError("the delivery nests too deeply to be read") from None
    except ValueError as error:
        if isinstance(error, MalformedWebhookError):
            raise
        raise MalformedWebhookError(f"the delivery is not valid JSON: {error}") from None


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _check_fields(payload: Mapping[str, Any]) -> None:
    for key in payload:
        if not isinstance(key, str):
            raise MalformedWebhookError(f"the delivery has a non-text key {key!r}")
    if "event_type" not in payload:
        shown = ", ".join(sorted(payload)[:10]) or "none"
        raise MalformedWebhookError(
            f"the delivery has no 'event_type', so it cannot be an Instantly event (keys: {shown})"
        )
    kind = payload["event_type"]
    if not isinstance(kind, str) or not kind.strip():
        raise MalformedWebhookError(
            f"'event_type' must be a non-empty string, got {_type_name(kind)} {kind!r:.80}"
        )
    for name in _TEXT_FIELDS:
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            raise MalformedWebhookError(f"{name!r} must be a string, got {_type_name(value)}")
    for name in _INT_FIELDS:
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MalformedWebhookError(f"{name!r} must be an integer, got {_type_name(value)}")
        if isinstance(value, float) and not value.is_integer():
            raise MalformedWebhookError(f"{name!r} must be an integer, got {value!r}")
    for name in _BOOL_FIELDS:
        value = payload.get(name)
        if value is not None and not isinstance(value, bool):
            raise MalformedWebhookError(f"{name!r} must be true or false, got {_type_name(value)}")
    stamp = payload.get("timestamp")
    if stamp is not None:
        try:
            datetime.fromisoformat(stamp)
        except ValueError:
            raise MalformedWebhookError(
                f"'timestamp' {stamp!r:.80} is not an ISO 8601 timestamp"
            ) from None


def _fingerprint(payload: Mapping[str, Any]) -> str:
    """The delivery's identity: a hash of its content (Instantly's payload carries no event id).

    A retry re-sends the same payload (the spec's WebhookEvent keeps one payload per delivery
    and groups retries), so it hashes the same; two real events differ at least in timestamp.
    """
    try:
        canonical = json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise MalformedWebhookError(
            f"the delivery holds a value JSON cannot carry: {error}"
        ) from None
    except RecursionError:
        raise MalformedWebhookError("the delivery nests too deeply to be read") from None
    try:
        data = canonical.encode("utf-8")
    except UnicodeEncodeError:  # a "\ud800" escape: JSON text, but no character
        raise MalformedWebhookError(
            "the delivery holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape), "
            "which is not text"
        ) from None
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_event(
    body: bytes | bytearray | memoryview | str | Mapping[str, Any],
    *,
    max_bytes: int = MAX_DELIVERY_BYTES,
) -> WebhookEvent:
    """Read one delivery (the raw body, or the JSON object your framework already parsed).

    Raises `MalformedWebhookError` naming the problem: over `max_bytes`, not UTF-8 JSON, not an
    object, no `event_type`, or a documented field of the wrong type. An event name this package
    does not know is not an error: the event is returned with `known` False.
    """
    if isinstance(body, Mapping):
        payload: Any = body
    elif isinstance(body, bytes | bytearray | memoryview | str):
        payload = _decode(body, max_bytes)
    else:
        raise MalformedWebhookError(
            f"a delivery is bytes, str or a JSON object (dict), got {_type_name(body)}"
        )
    if not isinstance(payload, Mapping):
        raise MalformedWebhookError(
            f"a delivery is a JSON object, got a JSON {_type_name(payload)}"
        )
    _check_fields(payload)
    return WebhookEvent(payload, _fingerprint(payload))


# -- the shared secret ---------------------------------------------------------------------------

Headers = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]


def _header_values(headers: Headers | None, name: str) -> list[str]:
    if headers is None:
        return []
    pairs: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    values = []
    for key, value in pairs:
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() == wanted:
            values.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return values


def check_shared_secret(
    headers: Headers | None, *, secret: str, header: str = DEFAULT_SECRET_HEADER
) -> None:
    """Raise `WebhookAuthenticationError` unless `header` carries exactly `secret`.

    Instantly does not sign deliveries; this header, which you set in the webhook's `headers`
    when subscribing, is the only check of origin there is. The comparison takes constant time.
    `headers` is a mapping or (name, value) pairs, str or bytes (an ASGI scope's raw headers).
    Errors name the header, never a value.
    """
    if not isinstance(secret, str) or not secret:
        raise InvalidInputError("secret must be a non-empty string")
    values = _header_values(headers, header)
    if not values:
        raise WebhookAuthenticationError(f"the delivery has no {header} header")
    if len(values) > 1:
        raise WebhookAuthenticationError(
            f"the delivery has {len(values)} {header} headers; expected exactly one"
        )
    if not hmac.compare_digest(values[0].encode("utf-8"), secret.encode("utf-8")):
        raise WebhookAuthenticationError(f"the delivery's {header} header is not the secret")


# -- de-duplication ------------------------------------------------------------------------------


class EventDeduplicator(Protocol):
    """Remembers event ids. Implement it over a shared store when several processes receive."""

    def add(self, key: str) -> bool:
        """Record `key`; True if it is new, False if it was already recorded (a repeat)."""
        ...

    def discard(self, key: str) -> None:
        """Forget `key` (after its handling failed, so the retry is handled)."""
        ...


class MemoryDeduplicator:
    """An in-process `EventDeduplicator`: every id is kept `ttl` seconds, whatever comes after.

    The replay window is time, not a count: an id is never forgotten before its `ttl` (a day by
    default) to make room. When `max_entries` ids are all that young, a new one is refused
    (`WebhookCapacityError`: answer 503 and Instantly delivers it again later) rather than
    letting an old one be replayed. Thread-safe; `clock` (seconds) is injectable.
    """

    def __init__(
        self,
        *,
        ttl: float = DEDUPLICATION_WINDOW,
        max_entries: int = 1_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not ttl > 0:
            raise InvalidInputError(f"ttl must be > 0 seconds, got {ttl!r}")
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise InvalidInputError(f"max_entries must be an int >= 1, got {max_entries!r}")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._expiry)

    def _purge(self, now: float) -> None:
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    def add(self, key: str) -> bool:
        """Record `key` for `ttl` seconds; False if it is already recorded."""
        with self._lock:
            now = self._clock()
            self._purge(now)
            if key in self._expiry:
                return False
            if len(self._expiry) >= self.max_entries:
                raise WebhookCapacityError(
                    f"{self.max_entries:,} deliveries arrived within the {self.ttl:g} s replay "
                    "window; not forgetting one early (it could then be replayed): answer 503 "
                    "so that Instantly delivers this one again later, or raise max_entries"
                )
            self._expiry[key] = now + self.ttl
            return True

    def discard(self, key: str) -> None:
        """Forget `key`."""
        with self._lock:
            self._expiry.pop(key, None)


# -- the receiver --------------------------------------------------------------------------------


class _Default:
    pass


_DEFAULT: Final = _Default()


class WebhookReceiver:
    """Checks the shared secret, parses, drops repeats: `event = receiver.receive(body, headers)`.

    `secret=None` must be passed explicitly to accept deliveries without a secret header (not
    advised: Instantly does not sign deliveries). `deduplicator=None` turns de-duplication off;
    the default remembers ids in this process for `DEDUPLICATION_WINDOW` (a day).
    """

    def __init__(
        self,
        *,
        secret: str | None,
        header: str = DEFAULT_SECRET_HEADER,
        deduplicator: EventDeduplicator | _Default | None = _DEFAULT,
        max_bytes: int = MAX_DELIVERY_BYTES,
    ) -> None:
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise InvalidInputError("secret must be a non-empty string, or None to skip the check")
        if not isinstance(header, str) or not header.strip():
            raise InvalidInputError(f"header must name an HTTP header, got {header!r}")
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise InvalidInputError(f"max_bytes must be an int >= 1, got {max_bytes!r}")
        self._secret = secret
        self.header = header
        self.deduplicator: EventDeduplicator | None = (
            MemoryDeduplicator() if isinstance(deduplicator, _Default) else deduplicator
        )
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        checked = f"secret in {self.header}" if self._secret is not None else "no secret check"
        return f"<WebhookReceiver {checked}>"

    def receive(
        self,
        body: bytes | bytearray | memoryview | str | Mapping[str, Any],
        headers: Headers | None = None,
    ) -> WebhookEvent | None:
        """The delivery's event, or None when it repeats one already received.

        Raises `WebhookAuthenticationError` (answer 401) or `MalformedWebhookError` (answer 400)
        before anything is recorded, `WebhookCapacityError` (answer 503) when the replay window
        is full. If handling the event fails, call `forget(event)` so that
        Instantly's retry is not dropped as a repeat.
        """
        if self._secret is not None:
            check_shared_secret(headers, secret=self._secret, header=self.header)
        event = parse_event(body, max_bytes=self.max_bytes)
        if self.deduplicator is not None and not self.deduplicator.add(event.event_id):
            return None
        return event

    def forget(self, event: WebhookEvent) -> None:
        """Let a repeat of `event` through again (its handling failed)."""
        if self.deduplicator is not None:
            self.deduplicator.discard(event.event_id)
