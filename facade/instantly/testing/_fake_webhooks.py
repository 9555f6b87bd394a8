"""Fake webhooks: subscriptions, test deliveries, resume, event types, and the delivery log.

No request leaves the process. A delivery goes to `sender(url, headers, body) -> status` when
one is set (point it at your receiver, e.g. `instantly.webhooks.WebhookReceiver`), else it is
kept in `deliveries` and counts as answered 200. Deliveries carry the delivery-side event names
(`link_clicked` for a `email_link_clicked` subscription) and the headers set on the webhook,
as Instantly's do; they are never signed. After `disable_after` failed deliveries in a row a
webhook is disabled (`status: -1`) until resumed: the fake's reading of the spec's "disabled
due to repeated delivery failures".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .._facts import (
    WEBHOOK_DELIVERY_ALIASES,
    WEBHOOK_SUBSCRIPTION_EVENT_TYPES,
)
from ._records import Call, emitted, page

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["Delivery", "WebhookStore"]

WEBHOOK_ACTIVE: Final = 1
WEBHOOK_DISABLED: Final = -1
_DELIVERED_AS: Final = {sub: delivered for delivered, sub in WEBHOOK_DELIVERY_ALIASES.items()}

Sender = Callable[[str, Mapping[str, str], bytes], int]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery attempt: where, with which headers and body, and the status it got."""

    webhook_id: str
    url: str
    headers: Mapping[str, str]
    body: bytes
    status: int | None
    error: str | None

    def json(self) -> Any:
        """The body parsed."""
        return json.loads(self.body)


class WebhookStore:
    """The fake's webhooks (`fake.webhooks`): subscriptions, deliveries and their log."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        # Kept by the spec-driven default, which serves create, list, get, patch and delete.
        self._webhooks = fake.spec.collection("/api/v2/webhooks")
        fake.spec.sets["createWebhook"] = {"status": WEBHOOK_ACTIVE, "timestamp_error": None}
        self._events = fake.spec.collection("/api/v2/webhook-events")  # the delivery log
        self._failures: dict[str, int] = {}
        self.sender: Sender | None = None
        """Where deliveries go: `sender(url, headers, body)` returns the HTTP status."""
        self.deliveries: list[Delivery] = []
        """Every delivery attempt, oldest first."""
        self.custom_labels: list[str] = []
        """Custom lead labels of the workspace (listed as event types, delivered as-is)."""
        self.disable_after = 5

    # -- emitting events ------------------------------------------------------------------------

    def emit(self, event_type: str, **fields: Any) -> list[Delivery]:
        """Deliver an event (subscription name, e.g. `email_link_clicked`) to every subscriber.

        `fields` become payload fields (`lead_email=...`, `campaign_id=...`); the base fields
        (timestamp, event_type, workspace) are filled in. Returns the delivery attempts.
        """
        with self._fake._lock:
            done = []
            for record in self._webhooks:
                if record.get("status") == WEBHOOK_DISABLED:
                    continue
                wanted = record.get("event_type")
                if wanted not in ("all_events", event_type):
                    continue
                campaign = record.get("campaign")
                if campaign is not None and fields.get("campaign_id") != campaign:
                    continue
                done.append(self._deliver(record, self._payload(event_type, fields)))
            return done

    # -- routes ---------------------------------------------------------------------------------

    def _route_list_webhook_event_types(self, call: Call) -> Any:
        standard = [
            {"id": name, "label": name.replace("_", " ").title(), "type": "standard"}
            for name in WEBHOOK_SUBSCRIPTION_EVENT_TYPES
            if name != "all_events"
        ]
        custom = [{"id": label, "label": label, "type": "custom"} for label in self.custom_labels]
        return {"event_types": standard + custom}

    def _route_test_webhook(self, call: Call) -> Any:
        record = self._webhooks.get(call.params["id"])
        kind = record.get("event_type") or "email_sent"
        if kind == "all_events":
            kind = "email_sent"
        payload = self._payload(
            kind, {"lead_email": "test@example.com", "campaign_name": "Test campaign"}
        )
        delivery = self._deliver(record, payload)
        answer: dict[str, Any] = {
            "success": delivery.error is None,
            "message": "Webhook test successful" if delivery.error is None else "Webhook failed",
            "response_time_ms": 0,
        }
        if delivery.status is not None:
            answer["status_code"] = delivery.status
        if delivery.error is not None:
            answer["error"] = delivery.error
        return answer

    def _route_resume_webhook(self, call: Call) -> Any:
        record = self._webhooks.get(call.params["id"])
        record["status"] = WEBHOOK_ACTIVE
        record["timestamp_error"] = None
        self._failures[record["id"]] = 0
        return emitted(record, "Webhook")

    def _route_list_webhook_event(self, call: Call) -> Any:
        query = call.query

        def include(event: Mapping[str, Any]) -> bool:
            day = event["timestamp_created_date"]
            search = query.get("search")
            return (
                query.get("success", event["success"]) == event["success"]
                and (not search or search in (event["webhook_url"], event.get("lead_email")))
                and query.get("from", day)[:10] <= day <= query.get("to", day)[:10]
            )

        start, limit = query.get("starting_after"), query.get("limit", 100)
        items, cursor = self._events.page(start, limit, include, newest_first=True)
        return page(items, cursor)

    # -- internals ------------------------------------------------------------------------------

    def _payload(self, event_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        stamp = self._fake._wall.at(self._fake._wall.clock())
        return {
            "timestamp": stamp,
            "event_type": _DELIVERED_AS.get(event_type, event_type),
            "workspace": self._fake.workspace_id,
            "campaign_id": None,
            "campaign_name": None,
            **fields,
        }

    def _deliver(self, record: dict[str, Any], payload: dict[str, Any]) -> Delivery:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {"content-type": "application/json", **(record.get("headers") or {})}
        url = record["target_hook_url"]
        status: int | None = 200
        error: str | None = None
        if self.sender is not None:
            try:
                status = self.sender(url, dict(headers), body)
            except Exception as exc:  # the receiver failing is a failed delivery, not ours
                status, error = None, f"{type(exc).__name__}: {exc}"
        if error is None and status is not None and not 200 <= status < 300:
            error = f"Webhook endpoint answered {status}"
        delivery = Delivery(record["id"], url, headers, body, status, error)
        self.deliveries.append(delivery)
        self._log(record, payload, delivery)
        return delivery

    def _log(self, record: dict[str, Any], payload: dict[str, Any], delivery: Delivery) -> None:
        stamp = payload["timestamp"]
        event = {  # the spec fills the id, the creation time, the workspace and no retries
            "timestamp_created_date": stamp[:10],
            "payload": payload,
            "success": delivery.error is None,
            "webhook_url": delivery.url,
            "status_code": delivery.status,
            "error_message": delivery.error,
            "lead_email": payload.get("lead_email"),
            "response_time_ms": 0,
        }
        self._fake.spec.add("/api/v2/webhook-events", event, stamp)
        failures = 0 if delivery.error is None else self._failures.get(record["id"], 0) + 1
        self._failures[record["id"]] = failures
        if failures >= self.disable_after:
            record["status"] = WEBHOOK_DISABLED
            record["timestamp_error"] = stamp
