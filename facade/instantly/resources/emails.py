"""Helpers of `client.emails`: answer an email in its thread and mark the thread read.

Unread emails page with `client.emails.list(is_unread=True)` (20 requests a minute: the client's
limiter spaces them); `client.emails.count_unread()` counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from instantly_api.resources import emails as _generated

from .._errors import InvalidInputError
from .._operation import operation
from .._plans import Call, Plan
from ._plan_methods import plan_method

if TYPE_CHECKING:
    from typing import Unpack

    from instantly_api.models.email import Email

    from ._base import RequestOptions

__all__ = ["AsyncEmails", "Emails", "reply_in_thread"]


def reply_subject(subject: object) -> str:
    """`Re: subject`, unless it already starts with `Re:` (any case)."""
    text = subject if isinstance(subject, str) else ""
    return text if text[:3].lower() == "re:" else f"Re: {text}".rstrip()


def _field(email: Any, name: str) -> Any:
    value = email.get(name) if isinstance(email, dict) else getattr(email, name, None)
    return value if isinstance(value, str) and value else None


def reply_in_thread(
    email: Email,
    *,
    text: str | None = None,
    html: str | None = None,
    eaccount: str | None = None,
    subject: str | None = None,
    mark_read: bool = True,
    **options: Unpack[RequestOptions],
) -> Plan[Email]:
    """Reply to `email` (from `emails.list`) in its thread, then mark the thread read.

    Sent from the account that received it (`eaccount` to choose another), with `Re: <subject>`
    unless `subject` is given; `text` and/or `html` is the body. With `mark_read=False` the
    thread stays unread. The reply as the API returns it; arguments checked before sending.
    """
    email_id = _field(email, "id")
    if email_id is None:
        raise InvalidInputError(
            f"email must be an Email (with an id) to reply to, got {email!r:.80}"
        )
    if not (isinstance(text, str) and text) and not (isinstance(html, str) and html):
        raise InvalidInputError("give the reply's text= or html= (or both)")
    if not isinstance(mark_read, bool):
        raise InvalidInputError(f"mark_read must be a bool, got {mark_read!r:.60}")
    thread = _field(email, "thread_id")
    if mark_read and thread is None:
        raise InvalidInputError(
            f"email {email_id} has no thread_id, so its thread cannot be marked read; "
            "pass mark_read=False"
        )
    account = eaccount if eaccount is not None else _field(email, "eaccount")
    content = {k: v for k, v in (("text", text), ("html", html)) if v}
    body = {
        "reply_to_uuid": email_id,
        "eaccount": account,
        "subject": subject if subject is not None else reply_subject(_field(email, "subject")),
        "body": content,
    }
    reply: Email = yield Call(operation("replyToEmail"), {"body": body}, options)
    if mark_read:
        yield Call(operation("markThreadAsRead"), {"thread_id": thread}, options)
    return reply


class Emails(_generated.Emails):
    """`client.emails`: the generated operations and the helpers above."""

    reply_in_thread = plan_method(reply_in_thread)


class AsyncEmails(_generated.AsyncEmails):
    """`client.emails` (async): the generated operations and the helpers above."""

    reply_in_thread = plan_method(reply_in_thread)
