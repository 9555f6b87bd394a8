"""The fake Unibox: emails sent and received, unread filters, replies, marking a thread read.

Nothing is really sent or received: `receive_reply` puts a lead's reply in the Unibox (unread),
`record_sent` a campaign email (what analytics count), and `POST /api/v2/emails/reply` adds the
answer to the thread. Listing is newest first unless `sort_order=asc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ._fake_campaigns import UE_CAMPAIGN, UE_RECEIVED, UE_SENT
from ._records import Call, IdMaker, Rejected, csv_values, emitted, page, unsupported

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["EmailStore"]

_UNSUPPORTED: Final = (
    "list_id",
    "i_status",
    "has_reminder",
    "mode",
    "scheduled_only",
    "assigned_to",
    "company_domain",
    "marked_as_done",
)
_EMAIL_TYPES: Final = {"received": (UE_RECEIVED,), "sent": (UE_CAMPAIGN,), "manual": (UE_SENT,)}


class EmailStore:
    """The fake's emails (`fake.emails`): seed traffic, read it, and the Unibox routes."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        self._records = fake.spec.collection("/api/v2/emails").records  # get, patch, delete: spec
        self._new_id = IdMaker(0xE3A)
        self._new_thread = IdMaker(0x7E4)

    # -- seeding and inspecting -----------------------------------------------------------------

    def record_sent(
        self,
        *,
        eaccount: str,
        lead: str,
        subject: str = "Hello",
        text: str = "Hi there",
        campaign_id: str | None = None,
        step: str | None = "1",
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        """A campaign email `eaccount` sent to `lead` now (read, counted by analytics)."""
        return self._add(
            UE_CAMPAIGN,
            text,
            eaccount=eaccount,
            from_address_email=eaccount,
            to_address_email_list=lead,
            lead=lead,
            subject=subject,
            campaign_id=campaign_id,
            step=step,
            thread_id=thread_id,
        )

    def receive_reply(
        self,
        *,
        lead: str,
        eaccount: str,
        subject: str = "Re: Hello",
        text: str = "Sounds interesting, tell me more.",
        campaign_id: str | None = None,
        step: str | None = "1",
        thread_id: str | None = None,
        auto_reply: bool = False,
    ) -> dict[str, Any]:
        """A reply from `lead` to `eaccount`, received now and unread."""
        return self._add(
            UE_RECEIVED,
            text,
            eaccount=eaccount,
            from_address_email=lead,
            to_address_email_list=eaccount,
            lead=lead,
            subject=subject,
            campaign_id=campaign_id,
            step=step,
            thread_id=thread_id,
            is_unread=1,
            is_auto_reply=int(auto_reply),
        )

    def get(self, email_id: str) -> dict[str, Any]:
        """An email's JSON now (KeyError if absent)."""
        with self._fake._lock:
            return self._render(self._records[email_id])

    def all(self) -> list[dict[str, Any]]:
        """Every email's JSON, oldest first."""
        with self._fake._lock:
            return [self._render(email) for email in self._records.values()]

    def _route_list_email(self, call: Call) -> Any:
        query = call.query
        unsupported(query, _UNSUPPORTED, "GET /api/v2/emails")
        latest = {e["thread_id"]: e["id"] for e in self._records.values()}  # the last one wins
        latest_only = bool(query.get("latest_of_thread"))
        kinds = _EMAIL_TYPES.get(query.get("email_type", ""), ())
        search = str(query.get("search", "")).lower()
        accounts = csv_values(query.get("eaccount"))

        def include(email: Mapping[str, Any]) -> bool:
            unread = query.get("is_unread")
            text = " ".join(
                str(email.get(k) or "")
                for k in ("subject", "from_address_email", "to_address_email_list")
            )
            return (
                (unread is None or bool(email.get("is_unread")) == unread)
                and (not kinds or email["ue_type"] in kinds)
                and (not accounts or email["eaccount"] in accounts)
                and query.get("campaign_id", email.get("campaign_id")) == email.get("campaign_id")
                and query.get("lead", email.get("lead")) == email.get("lead")
                and (not search or search in (text + " " + email["body"]["text"]).lower())
                and query.get("min_timestamp_created", "") <= email["timestamp_created"]
                and email["timestamp_created"] <= query.get("max_timestamp_created", "\uffff")
                and (not latest_only or latest[email["thread_id"]] == email["id"])
            )

        preview = bool(query.get("preview_only"))

        def render(email: Mapping[str, Any]) -> dict[str, Any]:
            shown = self._render(email)
            if preview:
                shown["body"] = {"text": str(email.get("content_preview") or "")}
            return shown

        emails = self._fake.spec.collection("/api/v2/emails")
        newest_first = query.get("sort_order", "desc") == "desc"
        limit = query.get("limit", 100)
        items, cursor = emails.page(
            query.get("starting_after"), limit, include, newest_first=newest_first
        )
        return page(items, cursor, render)

    def _route_reply_to_email(self, call: Call) -> Any:
        body = call.body
        unsupported(body, ("reminder_ts", "assigned_to"), "POST /api/v2/emails/reply", "body")
        original = self._records.get(body["reply_to_uuid"])
        if original is None:
            raise Rejected("Email to reply to not found", 404)
        if not self._fake._has_account(body["eaccount"]):
            raise Rejected(f"Email account {body['eaccount']} is not in this workspace")
        content = body.get("body") or {}
        if not content.get("text") and not content.get("html"):
            raise Rejected("body/body must have 'text' or 'html'")
        recipient = original["from_address_email"]
        if original["ue_type"] != UE_RECEIVED:
            recipient = original["to_address_email_list"]
        extra = ",".join(body.get("additional_recipients") or ())
        email = self._add(
            UE_SENT,
            content.get("text") or content.get("html") or "",
            content.get("html"),
            eaccount=body["eaccount"],
            from_address_email=body["eaccount"],
            to_address_email_list=recipient + ("," + extra if extra else ""),
            lead=original.get("lead") or recipient,
            subject=body["subject"],
            campaign_id=original.get("campaign_id"),
            step=None,
            thread_id=original["thread_id"],
        )
        for name in ("cc_address_email_list", "bcc_address_email_list"):
            if name in body:
                email[name] = body[name]
        return self._render(email)

    def _route_mark_thread_as_read(self, call: Call) -> Any:
        thread = call.params["thread_id"]
        emails = [e for e in self._records.values() if e["thread_id"] == thread]
        if not emails:
            raise Rejected("Thread not found", 404)
        for email in emails:
            email["is_unread"] = 0
        return {"success": True}

    def _route_count_unread_emails(self, call: Call) -> Any:
        return {"count": sum(1 for e in self._records.values() if e["is_unread"])}

    # -- internals ------------------------------------------------------------------------------

    def _add(self, kind: int, text: str, html: str | None = None, **fields: Any) -> dict[str, Any]:
        """Store an email (`ue_type` `kind`) sent now: `fields` (addresses, subject, campaign,
        thread) over the defaults (read, not an auto-reply, a new thread)."""
        with self._fake._lock:
            stamp = self._fake._wall.at(self._fake._wall.clock())
            email_id = self._new_id()
            record: dict[str, Any] = {  # built here, not by spec.add: seeding thousands is cheap
                "id": email_id,
                "timestamp_created": stamp,
                "timestamp_email": stamp,
                "message_id": f"<{email_id}@fake.instantly.test>",
                "body": {"text": text, "html": html or f"<div>{text}</div>"},
                "organization_id": self._fake.workspace_id,
                "ue_type": kind,
                "is_unread": 0,
                "is_auto_reply": 0,
                "content_preview": text[:100],
                **fields,
            }
            record["thread_id"] = fields.get("thread_id") or self._new_thread()
            self._records[email_id] = record
            return record

    def _render(self, email: Mapping[str, Any]) -> dict[str, Any]:
        return emitted(email, "Email")
