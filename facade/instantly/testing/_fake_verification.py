"""Fake email verification: a request starts `pending` and is done `delay` seconds later.

The result is `verified` unless set with `set_result` (or the address is not shaped like one,
which is `invalid` at once). Time is the fake's clock, so a waiter under test is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ._records import EMAIL_SHAPE, Call, Rejected, unsupported

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["VerificationStore"]

_RESULTS: Final = ("verified", "invalid")


@dataclass(slots=True)
class _Request:
    email: str
    requested: float
    result: str
    catch_all: bool
    instant: bool


class VerificationStore:
    """The fake's verifications (`fake.verifications`): results and how long they take."""

    def __init__(self, fake: FakeInstantly) -> None:
        self._fake = fake
        self._requests: dict[str, _Request] = {}
        self._results: dict[str, tuple[str, bool]] = {}
        self.delay = 3.0
        """Seconds a verification stays `pending`."""

    def set_result(self, email: str, result: str, *, catch_all: bool = False) -> None:
        """What verifying `email` will give: `verified` or `invalid`."""
        if result not in _RESULTS:
            raise ValueError(f"result must be one of {_RESULTS}, got {result!r}")
        self._results[email.strip().lower()] = (result, catch_all)

    def _route_create_email_verification(self, call: Call) -> Any:
        unsupported(call.body, ("webhook_url",), "POST /api/v2/email-verification", "body")
        email = call.body["email"].strip()
        key = email.lower()
        result, catch_all = self._results.get(key, ("verified", False))
        malformed = EMAIL_SHAPE.match(email) is None
        if malformed:
            result = "invalid"
        self._requests[key] = _Request(email, call.now, result, catch_all, malformed)
        return self._render(self._requests[key], call.now)

    def _route_check_verification_status(self, call: Call) -> Any:
        request = self._requests.get(call.params["email"])  # lower-cased, as it is stored
        if request is None:
            raise Rejected("Email verification not found", 404)
        return self._render(request, call.now)

    def _render(self, request: _Request, now: float) -> dict[str, Any]:
        done = request.instant or now - request.requested >= self.delay
        return {
            "status": "success",
            "email": request.email,
            "verification_status": request.result if done else "pending",
            "catch_all": request.catch_all if done else "pending",
            "credits": None,
            "credits_used": 1,
        }
