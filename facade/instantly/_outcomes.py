"""What a 2xx means beyond its body, for operations the resource layer marks by spec construct.

- `Accepted`: a write answered 202 whose body is not a background job (the work is queued, but
  nothing identifies it to follow): the method returns this explicit result, never a bare model.
- `checked_call`: a 2xx whose body has a boolean `success` beside a string `error` reports the
  request's failure in a 200 (e.g. a webhook test that could not reach the URL): `success: false`
  raises `ErrorInBodyError` with the server's `error` and the parsed body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ErrorInBodyError
from ._plans import Call, Plan

if TYPE_CHECKING:
    from ._operation import Operation
    from .resources._base import RequestOptions

__all__ = ["Accepted", "accept", "checked_call"]


@dataclass(frozen=True, slots=True)
class Accepted:
    """The API accepted the request for later processing (202) and gave no job to follow.

    `message`/`status` are the server's words when it sent them; `body` the parsed answer. Check
    the outcome later by reading the resources it changes.
    """

    message: str | None
    status: str | None
    body: Any


def _text(answer: Any, name: str) -> str | None:
    value = answer.get(name) if isinstance(answer, Mapping) else getattr(answer, name, None)
    return value if isinstance(value, str) else None


def accept(
    operation: Operation, args: Mapping[str, Any], options: RequestOptions
) -> Plan[Accepted]:
    """Send a 202-without-job operation; its `Accepted` result."""
    answer = yield Call(operation, args, options)
    return Accepted(message=_text(answer, "message"), status=_text(answer, "status"), body=answer)


def checked_call(
    operation: Operation, args: Mapping[str, Any], options: RequestOptions
) -> Plan[Any]:
    """Send an operation whose 2xx may report failure; the body, or `ErrorInBodyError`."""
    answer = yield Call(operation, args, options)
    success = (
        answer.get("success") if isinstance(answer, Mapping) else getattr(answer, "success", None)
    )
    if success is False:
        error = _text(answer, "error") or _text(answer, "message") or "no reason given"
        raise ErrorInBodyError(
            f"{operation.method} {operation.path} answered 2xx but reports a failure: {error}",
            result=answer,
            method=operation.method,
            path=operation.path,
        )
    return answer
