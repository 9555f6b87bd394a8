"""Calls split into several requests: what each item's state is, and what a lost answer means.

`POST /api/v2/accounts/pause` and the warmup enable/disable calls take at most `BULK_EMAILS_MAX`
addresses per request, so one call of ours may be many requests. The plans (in
`resources/accounts.py`) send each request and read the answers; the decisions are here, without
I/O: validation, chunking, request bodies, what an answer or a look-up settles, and what to raise.

Every item ends in one of three states: done (acknowledged, or found done by a look-up), in doubt
(sent, the answer lost, and no look-up could settle it) and not sent (never sent, or refused, or
found without effect by a look-up). A request whose answer is lost (`answer_lost`: a timeout or a
dropped connection after sending, a 5xx the transport did not retry, an unreadable 2xx) is looked
up before anything is reported: the accounts' status for a pause, the workspace's background jobs
for warmup. A request settled by its look-up counts as answered and the call goes on; otherwise
the call stops and raises `PartialBatchError`. When nothing took effect (a refusal, a request
never sent, or a lost answer found without effect, at the first request) the error is raised as
it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

from ._email_addresses import chunked, validate_emails
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    InvalidInputError,
    MalformedResponseError,
    PartialBatchError,
    RateLimitQueueTimeoutError,
)
from ._facts import ACCOUNT_STATUS_PAUSED, BULK_EMAILS_MAX

__all__ = [
    "WARMUP_JOB_TYPE",
    "BulkPausePlan",
    "BulkPauseResult",
    "JobBaseline",
    "JobSearch",
    "SplitCall",
    "answer_lost",
    "partial_failure",
]

T = TypeVar("T")

# BackgroundJob.type of the jobs the warmup enable/disable endpoints start (the spec's enum for
# listBackgroundJob's `type`; the fake's jobs follow it).
WARMUP_JOB_TYPE: Final = "update-warmup-accounts"
# How many pages of jobs (100 each) a look-up reads before it gives up (the item stays in doubt).
_MAX_LOOKUP_PAGES: Final = 10
# Statuses after which a request may have been processed though no usable answer came back.
_MAYBE_PROCESSED_STATUSES: Final = frozenset({408})


def answer_lost(exc: BaseException) -> bool:
    """Whether the request may have taken effect though its answer is unknown or unusable.

    True for a timeout or a dropped connection after the request was written, a 5xx (or 408)
    the transport did not repeat, and a 2xx we could not read. False for a refusal (any other
    4xx) and for a request that never left (connection refused, the client's rate-limit queue).
    """
    if isinstance(exc, RateLimitQueueTimeoutError):
        return False
    if isinstance(exc, APIConnectionError):
        from ._retry import was_not_sent

        return not was_not_sent(exc.__cause__) if exc.__cause__ is not None else True
    if isinstance(exc, APIStatusError):
        return exc.status_code >= 500 or exc.status_code in _MAYBE_PROCESSED_STATUSES
    return isinstance(exc, MalformedResponseError)


@dataclass(frozen=True)
class BulkPauseResult:
    """What `accounts.pause_many` did: the addresses paused, those not, and how many requests.

    `failed` holds what the server listed in `failed_emails` (unknown account, status unchanged)
    and any address it did not mention at all, so `paused + failed` is every address asked for.
    `responses` keeps the server's per-request answers (`paused_emails`, `failed_emails`) as sent.
    `looked_up` lists the addresses whose request's answer was lost and whose state was read
    from the account instead (paused: in `paused`; no such account: in `failed`).
    """

    paused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    responses: list[dict[str, list[str]]] = field(default_factory=list, repr=False)
    looked_up: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every address was paused."""
        return not self.failed


def _key(email: str) -> str:
    """How an address the server echoes is matched to the one sent (case-insensitively)."""
    return email.lower()


def partial_failure(
    what: str,
    error: APIError,
    *,
    done: int,
    total: int,
    completed: Any,
    unsent: Sequence[Any],
    in_doubt: Sequence[Any] = (),
) -> PartialBatchError:
    """The error for request `done + 1` of `total` failing after `done` were answered."""
    doubt = (
        f"{len(in_doubt)} in doubt (sent, answer lost, not settled by a look-up: see .in_doubt); "
        if in_doubt
        else ""
    )
    return PartialBatchError(
        f"{what}: request {done + 1} of {total} failed after {done} succeeded; {doubt}"
        f"{len(unsent)} not sent (see .unsent, and .completed for what was done): {error}",
        error=error,
        completed=completed,
        unsent=tuple(unsent),
        in_doubt=tuple(in_doubt),
    )


class SplitCall(Generic[T]):
    """A call of several requests, one per chunk of items (or one in all), sent in order.

    `record(result)` after each request answered (or settled by a look-up); `record_not_done()`
    or `record_in_doubt()` when a look-up found the request without effect, or could not tell
    (the call then stops); `failure(error)` gives what to raise: the error itself if nothing took
    effect, else a `PartialBatchError`.
    """

    def __init__(self, what: str, chunks: Sequence[Sequence[Any]]) -> None:
        self.what = what
        self.chunks = chunks
        self.results: list[T] = []
        self._in_doubt: list[Any] = []
        self._not_done: list[Any] = []
        self._stopped = False

    @property
    def total(self) -> int:
        """How many requests the call makes."""
        return len(self.chunks)

    def record(self, result: T) -> None:
        """One more request succeeded with `result`."""
        self.results.append(result)

    def record_not_done(self) -> None:
        """The next request's answer was lost and a look-up found it without effect."""
        self._not_done.extend(self.chunks[len(self.results)])
        self._stopped = True

    def record_in_doubt(self) -> None:
        """The next request's answer was lost and a look-up could not settle it."""
        self._in_doubt.extend(self.chunks[len(self.results)])
        self._stopped = True

    def in_doubt(self) -> list[Any]:
        """The items sent whose outcome is unknown."""
        return list(self._in_doubt)

    def unsent(self) -> list[Any]:
        """The items of the requests not (successfully) done: never sent, or without effect."""
        start = len(self.results) + (1 if self._stopped else 0)
        return [*self._not_done, *(item for chunk in self.chunks[start:] for item in chunk)]

    def completed(self) -> Any:
        """What the requests done so far achieved (overridden by plans with a richer result)."""
        return tuple(self.results)

    def failure(self, error: APIError, completed: Any = None) -> APIError:
        """What to raise for `error` (`completed`: what was done, if not `self.completed()`).

        The error itself when nothing took effect (no request done, none in doubt)."""
        if not self.results and not self._in_doubt:
            return error
        return partial_failure(
            self.what,
            error,
            done=len(self.results),
            total=self.total,
            completed=self.completed() if completed is None else completed,
            unsent=self.unsent(),
            in_doubt=self.in_doubt(),
        )


class BulkPausePlan:
    """`pause_many`: validated, de-duplicated addresses in chunks of `BULK_EMAILS_MAX`."""

    def __init__(self, emails: Iterable[object]) -> None:
        valid = validate_emails(emails)
        if not valid:
            raise InvalidInputError("emails is empty; pass at least one address to pause")
        self.what = "pause_many"
        self.chunks = list(chunked(valid, BULK_EMAILS_MAX))
        self.results: list[dict[str, list[str]]] = []
        self._paused: set[str] = set()
        self._settled = 0  # chunks answered or looked up
        self._looked_up: list[str] = []
        self._in_doubt: list[str] = []
        self._not_done: list[str] = []
        self._stopped = False

    @property
    def total(self) -> int:
        """How many requests the call makes."""
        return len(self.chunks)

    def body(self, index: int) -> dict[str, Any]:
        """The JSON body of request `index`."""
        return {"emails": list(self.chunks[index])}

    def record_answer(self, paused: Sequence[str], failed: Sequence[str]) -> None:
        """The server's answer to the next request: its `paused_emails` and `failed_emails`."""
        self.results.append({"paused_emails": list(paused), "failed_emails": list(failed)})
        self._paused.update(_key(email) for email in paused)
        self._settled += 1

    def record_look_up(self, statuses: Mapping[str, int | None]) -> bool:
        """What a look-up read after the next request's answer was lost; whether it settled it.

        `statuses` maps each address read to its account's status (None: no such account, which
        the server reports as failed). Paused or unknown: settled. Another status: the request
        had no effect on it (not sent: sending again is safe). Not read: in doubt.
        """
        settled = True
        for email in self.chunks[self._settled]:
            if email not in statuses:
                self._in_doubt.append(email)
                settled = False
            elif statuses[email] is None or statuses[email] == ACCOUNT_STATUS_PAUSED:
                if statuses[email] is not None:
                    self._paused.add(_key(email))
                self._looked_up.append(email)
            else:
                self._not_done.append(email)
                settled = False
        self._settled += 1
        self._stopped = not settled
        return settled

    def unsent(self) -> list[str]:
        """Addresses never sent, or found without effect by a look-up."""
        later = (email for chunk in self.chunks[self._settled :] for email in chunk)
        return [*self._not_done, *later]

    def result(self) -> BulkPauseResult:
        """Every address settled so far as paused or failed, in the order they were given."""
        unsettled = {_key(email) for email in (*self._in_doubt, *self._not_done)}
        settled = [
            email
            for chunk in self.chunks[: self._settled]
            for email in chunk
            if _key(email) not in unsettled
        ]
        return BulkPauseResult(
            paused=[email for email in settled if _key(email) in self._paused],
            failed=[email for email in settled if _key(email) not in self._paused],
            requests=self._settled,
            responses=list(self.results),
            looked_up=list(self._looked_up),
        )

    def completed(self) -> BulkPauseResult:
        """What was done so far (the `PartialBatchError`'s `.completed`)."""
        return self.result()

    def failure(self, error: APIError) -> APIError:
        """What to raise for `error`: itself when nothing took effect (nothing answered, found
        done or in doubt: a refusal, or a lost answer found without effect at the first request)."""
        if not self.results and not self._looked_up and not self._in_doubt:
            return error
        failed_at = self._settled - 1 if self._stopped else self._settled
        return partial_failure(
            self.what,
            error,
            done=failed_at,
            total=self.total,
            completed=self.result(),
            unsent=self.unsent(),
            in_doubt=self._in_doubt,
        )


def _timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp as the API writes it (`...Z`), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


@dataclass(frozen=True)
class JobBaseline:
    """The newest warmup jobs before a call's first request: none of them is the call's own.

    `newest` is their latest `created_at` (None: there were none), `ids` their ids.
    """

    newest: datetime | None
    ids: frozenset[str]

    @classmethod
    def of(cls, jobs: Iterable[Any]) -> JobBaseline | None:
        """The baseline these jobs (a page, newest first) give, or None if one is unreadable."""
        ids: set[str] = set()
        newest: datetime | None = None
        for job in jobs:
            when = _timestamp(getattr(job, "created_at", None))
            job_id = getattr(job, "id", None)
            if when is None or not isinstance(job_id, str):
                return None
            ids.add(job_id)
            newest = when if newest is None else max(newest, when)
        return cls(newest, frozenset(ids))


class JobSearch:
    """Finds the job a warmup request started when its answer was lost, page by page.

    Pages are read newest first (`sort_column=created_at`, `sort_order=desc`). A candidate is a
    warmup job that is not in the baseline, not one the call already knows, and not older than
    the baseline's newest (or, without a baseline, than the newest job the call knows). One
    candidate: found. None: the request started no job. Several, jobs out of order, an unreadable
    timestamp, no bound to search from, or too many pages: cannot tell (`undecided`). A job
    another client starts meanwhile is indistinguishable from the call's own.
    """

    def __init__(
        self, baseline: JobBaseline | None, known: Collection[Any], *, max_pages: int = 0
    ) -> None:
        self._baseline = baseline
        self._known = {job.id for job in known}
        self._floor: datetime | None = None
        if baseline is not None:
            self._floor = baseline.newest
        else:
            stamps = [_timestamp(getattr(job, "created_at", None)) for job in known]
            readable = [stamp for stamp in stamps if stamp is not None]
            self._floor = max(readable) if readable and len(readable) == len(stamps) else None
        self._max_pages = max_pages or _MAX_LOOKUP_PAGES
        self._pages = 0
        self._last: datetime | None = None
        self.candidates: list[Any] = []
        self.undecided: str | None = (
            None
            if baseline is not None or self._floor is not None
            else "no baseline to search from"
        )
        self._done = self.undecided is not None

    @property
    def done(self) -> bool:
        """Whether the search has its answer (no more pages needed)."""
        return self._done

    def feed(self, jobs: Sequence[Any], has_more: bool) -> None:
        """One page of jobs, newest first; `has_more` when the API offers a next page."""
        self._pages += 1
        for job in jobs:
            when = _timestamp(getattr(job, "created_at", None))
            if when is None:
                self._stop(f"job {getattr(job, 'id', None)!r} has no readable created_at")
                return
            if self._last is not None and when > self._last:
                self._stop("the API did not list the jobs newest first")
                return
            self._last = when
            if self._floor is not None and when < self._floor:
                self._done = True
                return
            if getattr(job, "type_", WARMUP_JOB_TYPE) != WARMUP_JOB_TYPE:
                continue
            if job.id in self._known:
                continue
            if self._baseline is not None and job.id in self._baseline.ids:
                continue
            self.candidates.append(job)
        if not has_more:
            self._done = True
        elif self._pages >= self._max_pages:
            self._stop(f"more than {self._pages} pages of jobs to read")

    def give_up(self, reason: str) -> None:
        """The search cannot go on (a page could not be read): the request stays in doubt."""
        self._stop(reason)

    def _stop(self, reason: str) -> None:
        self.undecided = reason
        self._done = True

    def found(self) -> Any:
        """The one job the request started; None when it started none. Only when settled."""
        return self.candidates[0] if self.candidates else None

    @property
    def settled(self) -> bool:
        """Whether the search tells what the request did (one job, or none)."""
        return self.undecided is None and len(self.candidates) <= 1
