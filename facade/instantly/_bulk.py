"""Calls split into several requests: the plans that sync and async shells drive, and their results.

`POST /api/v2/accounts/pause` and the warmup enable/disable calls take at most `BULK_EMAILS_MAX`
addresses per request, so one call of ours may be many requests. A plan holds every decision
(validation, chunking, request bodies, reading the answers, what a failure half-way means); the
shells in `resources/_accounts.py` only send each request and hand the answer back.

A failure at request k > 1 raises `PartialBatchError` carrying what requests 1..k-1 did (paused
addresses, started jobs), so nothing already done is lost; a failure at the first request is
raised as it is, since nothing took effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._errors import APIError, InvalidInputError, PartialBatchError
from ._facts import BULK_EMAILS_MAX
from ._validation import chunked, validate_emails

__all__ = ["BulkPausePlan", "BulkPauseResult", "SplitCall", "partial_failure"]

T = TypeVar("T")


@dataclass(frozen=True)
class BulkPauseResult:
    """What `accounts.pause_many` did: the addresses paused, those not, and how many requests.

    `failed` holds what the server listed in `failed_emails` (unknown account, status unchanged)
    and any address it did not mention at all, so `paused + failed` is every address asked for.
    `responses` keeps the server's per-request answers (`paused_emails`, `failed_emails`) as sent.
    """

    paused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    responses: list[dict[str, list[str]]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """Whether every address was paused."""
        return not self.failed


def _key(email: str) -> str:
    """How an address the server echoes is matched to the one sent (case-insensitively)."""
    return email.lower()


def partial_failure(
    what: str, error: APIError, *, done: int, total: int, completed: Any, unsent: Sequence[str]
) -> PartialBatchError:
    """The error for request `done + 1` of `total` failing after `done` took effect."""
    return PartialBatchError(
        f"{what}: request {done + 1} of {total} failed after {done} succeeded; "
        f"{len(unsent)} address(es) not handled (see .unsent, and .completed for what was "
        f"done): {error}",
        error=error,
        completed=completed,
        unsent=tuple(unsent),
    )


class SplitCall(Generic[T]):
    """A call of several requests, one per chunk of addresses (or one in all), sent in order.

    `record(result)` after each request that succeeded; `failure(error)` gives what to raise when
    the next one failed: the error itself if nothing was done yet, else a `PartialBatchError`.
    """

    def __init__(self, what: str, chunks: Sequence[Sequence[str]]) -> None:
        self.what = what
        self.chunks = chunks
        self.results: list[T] = []

    @property
    def total(self) -> int:
        """How many requests the call makes."""
        return len(self.chunks)

    def record(self, result: T) -> None:
        """One more request succeeded with `result`."""
        self.results.append(result)

    def unsent(self) -> list[str]:
        """The addresses of the requests not (successfully) done yet."""
        return [email for chunk in self.chunks[len(self.results) :] for email in chunk]

    def completed(self) -> Any:
        """What the requests done so far achieved (overridden by plans with a richer result)."""
        return tuple(self.results)

    def failure(self, error: APIError) -> APIError:
        """What to raise for `error` at the next request."""
        if not self.results:
            return error
        return partial_failure(
            self.what,
            error,
            done=len(self.results),
            total=self.total,
            completed=self.completed(),
            unsent=self.unsent(),
        )


class BulkPausePlan(SplitCall[dict[str, list[str]]]):
    """`pause_many`: validated, de-duplicated addresses in chunks of `BULK_EMAILS_MAX`."""

    def __init__(self, emails: Iterable[object]) -> None:
        valid = validate_emails(emails)
        if not valid:
            raise InvalidInputError("emails is empty; pass at least one address to pause")
        super().__init__("pause_many", list(chunked(valid, BULK_EMAILS_MAX)))

    def body(self, index: int) -> dict[str, Any]:
        """The JSON body of request `index`."""
        return {"emails": list(self.chunks[index])}

    def record_answer(self, paused: Sequence[str], failed: Sequence[str]) -> None:
        """The server's answer to the next request: its `paused_emails` and `failed_emails`."""
        self.record({"paused_emails": list(paused), "failed_emails": list(failed)})

    def completed(self) -> BulkPauseResult:
        return self.result()

    def result(self) -> BulkPauseResult:
        """Every address sent so far as paused or failed, in the order they were given."""
        paused: set[str] = set()
        for answer in self.results:
            paused.update(_key(email) for email in answer["paused_emails"])
        sent = [email for chunk in self.chunks[: len(self.results)] for email in chunk]
        return BulkPauseResult(
            paused=[email for email in sent if _key(email) in paused],
            failed=[email for email in sent if _key(email) not in paused],
            requests=len(self.results),
            responses=list(self.results),
        )
