"""Every exception the client raises, in one tree.

    InstantlyError
    ├── ClientClosedError (also RuntimeError) the client was used after close()/aclose()
    ├── WrongClientSideError (also TypeError) a sync function on AsyncInstantly().raw, or reverse
    ├── InvalidInputError (also ValueError)   bad arguments, raised before any request is sent
    │   └── InvalidEmailError
    │       └── InvalidEmailsError            several addresses of one list are invalid
    ├── APIError                              something went wrong talking to the API
    │   ├── APIConnectionError                no response (DNS, refused, reset, ...)
    │   │   └── APITimeoutError
    │   │       └── RateLimitQueueTimeoutError the client-side limiter would queue it too long
    │   ├── MalformedResponseError            a response we cannot parse (not JSON, not an object)
    │   │   └── ResponseDeviationError        strict=True: a 2xx that differs from the spec
    │   ├── ResponseTooLargeError             a body past the client's max_response_bytes
    │   ├── UnexpectedStateError              a 2xx whose content contradicts the request
    │   │   └── AccountStatusError            a pause/resume left the account in another status
    │   ├── PartialBatchError                 a split call failed after earlier requests took effect
    │   ├── CampaignLaunchError               a launch stopped after its create was sent
    │   │   └── CampaignPreflightError        the campaign cannot send: not activated
    │   ├── ErrorInBodyError                  a 2xx whose body reports that the request failed
    │   └── APIStatusError                    a non-2xx response
    │       ├── BadRequestError               400
    │       ├── AuthenticationError           401
    │       ├── PaymentRequiredError          402
    │       ├── PermissionDeniedError         403
    │       │   └── CloudflareBlockedError    Cloudflare refused it before it reached Instantly
    │       ├── NotFoundError                 404
    │       ├── ConflictError                 409
    │       ├── PayloadTooLargeError          413
    │       ├── UnprocessableEntityError      422
    │       ├── RateLimitError                429 (with retry_after)
    │       └── InternalServerError           5xx
    ├── VerificationTimeoutError              an email verification still pending at the deadline
    ├── JobError                              a background job did not succeed
    │   ├── JobFailedError
    │   ├── JobCancelledError
    │   ├── JobTimeoutError                   our deadline passed; nothing was cancelled
    │   └── JobGroupError                     some jobs of a group did not succeed
    └── WebhookError                          a webhook delivery was refused (instantly.webhooks)
        ├── WebhookAuthenticationError        the shared-secret header is missing or wrong
        ├── MalformedWebhookError (ValueError)  the body is not a delivery we can read
        └── WebhookCapacityError              the replay window is full: answer 503, it is resent

Messages carry the request method, the path and the server's own message. They never carry the
API key: nothing here is ever given the request headers.

Every class pickles and copies with its attributes (`InstantlyError.__reduce__`), so an error can
cross a process boundary (ProcessPoolExecutor, a task queue); chained causes do not travel.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AccountStatusError",
    "AuthenticationError",
    "BadRequestError",
    "CampaignLaunchError",
    "CampaignPreflightError",
    "ClientClosedError",
    "CloudflareBlockedError",
    "ConflictError",
    "ErrorInBodyError",
    "InstantlyError",
    "InternalServerError",
    "InvalidEmailError",
    "InvalidEmailsError",
    "InvalidInputError",
    "JobCancelledError",
    "JobError",
    "JobFailedError",
    "JobGroupError",
    "JobTimeoutError",
    "MalformedResponseError",
    "MalformedWebhookError",
    "NotFoundError",
    "PartialBatchError",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitQueueTimeoutError",
    "ResponseDeviationError",
    "ResponseTooLargeError",
    "UnexpectedStateError",
    "UnprocessableEntityError",
    "VerificationTimeoutError",
    "WebhookAuthenticationError",
    "WebhookCapacityError",
    "WebhookError",
    "WrongClientSideError",
    "status_error_class",
]


_MAX_VALUE_IN_MESSAGE = 120


def _shorten(text: str) -> str:
    """`text`, cut in the middle when too long to read in one error line."""
    if len(text) <= _MAX_VALUE_IN_MESSAGE:
        return text
    half = _MAX_VALUE_IN_MESSAGE // 2
    return f"{text[:half]}...({len(text) - 2 * half} more characters)...{text[-half:]}"


def _rebuild(cls: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    """An instance of `cls` with `args`, without calling `__init__` (pickle then sets the state)."""
    return cls.__new__(cls, *args)


class InstantlyError(Exception):
    """Root of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default (cls(*args) + state) cannot call an __init__ with keyword-only arguments.
        return (_rebuild, (type(self), self.args), dict(vars(self)))


class ClientClosedError(InstantlyError, RuntimeError):
    """The client was used after `close()`/`aclose()`; create a new client (or use `with`)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "this client was closed: create a new Instantly/AsyncInstantly client, or make "
            "every call inside its `with` block"
        )


class WrongClientSideError(InstantlyError, TypeError):
    """A sync function used with an async client's `raw` (or the reverse): it would send outside
    the client (no retries, no rate limit, no transport given), so it is refused."""


class InvalidInputError(InstantlyError, ValueError):
    """An argument is invalid; raised before any request is sent."""


class InvalidEmailError(InvalidInputError):
    """An email address is not one the API can address; names the offending value."""

    def __init__(self, email: object, reason: str) -> None:
        self.email = email
        self.reason = reason
        super().__init__(f"{_shorten(repr(email))} is not a valid email address: {reason}")


class InvalidEmailsError(InvalidEmailError):
    """Some addresses of a list are invalid; `errors` holds one `InvalidEmailError` per bad item.

    A subclass of `InvalidEmailError` so one `except` covers a single address and a list;
    `email` and `reason` are those of the first bad item.
    """

    def __init__(self, message: str, *, errors: tuple[InvalidEmailError, ...]) -> None:
        self.errors = errors
        self.email = errors[0].email if errors else None
        self.reason = errors[0].reason if errors else message
        InvalidInputError.__init__(self, message)


class APIError(InstantlyError):
    """A request was sent (or attempted) and did not give a usable answer."""

    def __init__(self, message: str, *, method: str | None = None, path: str | None = None) -> None:
        self.message = message
        self.method = method
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        return f"{where}{self.message}"


class APIConnectionError(APIError):
    """No response was received: the connection failed or was dropped."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class RateLimitQueueTimeoutError(APITimeoutError):
    """The client-side rate limiter would have to hold this request longer than `max_wait`.

    Nothing was sent. `wait` is how long it would have waited, `max_wait` the limit it exceeds
    (`RateLimit.max_wait`): send fewer requests at once, or raise `max_wait`.
    """

    def __init__(
        self,
        message: str,
        *,
        wait: float,
        max_wait: float,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.wait = wait
        self.max_wait = max_wait
        super().__init__(message, method=method, path=path)


class MalformedResponseError(APIError):
    """The server answered, but the body is not what the spec promises."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        super().__init__(message, method=method, path=path)


class ResponseDeviationError(MalformedResponseError):
    """A strict client (`strict=True`) read a 2xx body that differs from the spec.

    `deviations` holds every difference found (`ResponseDeviation`: operation, `Model.field`
    path, kind, value excerpt); `field` and `kind` are the first one's. A client that is not
    strict keeps such values and records them in `client.deviations` instead.
    """

    def __init__(
        self,
        message: str,
        *,
        deviations: tuple[Any, ...],
        status_code: int | None = None,
        body: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.deviations = deviations
        self.field: str | None = deviations[0].path if deviations else None
        self.kind: str | None = deviations[0].kind if deviations else None
        super().__init__(message, status_code=status_code, body=body, method=method, path=path)


class ResponseTooLargeError(APIError):
    """A response body (decoded) passed the client's `max_response_bytes`; reading stopped there.

    Raised on any status, before the body is parsed. `limit` is the cap in bytes, `status_code`
    the response's status. The request may have been processed (the server answered).
    """

    def __init__(
        self,
        message: str,
        *,
        limit: int,
        status_code: int,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.limit = limit
        self.status_code = status_code
        super().__init__(message, method=method, path=path)


class UnexpectedStateError(APIError):
    """A 2xx response whose content contradicts what was asked (e.g. a pause that did not pause)."""


class AccountStatusError(UnexpectedStateError):
    """A pause or resume answered 2xx, but the returned account is not in the status asked for.

    `account` is the parsed account, `expected` the status asked for, `actual` the one returned.
    """

    def __init__(
        self,
        message: str,
        *,
        account: Any,
        expected: int,
        actual: object,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.account = account
        self.expected = expected
        self.actual = actual
        super().__init__(message, method=method, path=path)


class PartialBatchError(APIError):
    """A call split into several requests failed at one of them after earlier ones took effect.

    Every item asked for is in exactly one of three states: done (`completed`: what the earlier
    requests did — the started jobs' handles for a warmup call, a `BulkPauseResult` for
    `pause_many`), in doubt (`in_doubt`: sent, but the answer was lost and a look-up could not
    settle it; it may have taken effect) and not sent (`unsent`: refused before taking effect, or
    never sent). `error` (also `__cause__`) is the failure itself.
    """

    def __init__(
        self,
        message: str,
        *,
        error: APIError,
        completed: Any,
        unsent: tuple[Any, ...],
        in_doubt: tuple[Any, ...] = (),
    ) -> None:
        self.error = error
        self.completed = completed
        self.unsent = unsent
        self.in_doubt = in_doubt
        super().__init__(message, method=error.method, path=error.path)


class CampaignLaunchError(APIError):
    """A campaign launch stopped after its create was sent; the campaign was not activated.

    `campaign` is the campaign the launch created (a draft: activate it once fixed, or delete it
    before launching again, or its leads may be mailed twice), or None when the create's answer
    was lost and a look-up could not tell whether it was created (`in_doubt`). `stage` says
    where the launch stopped ("create", "leads", "preflight" or "activate"), `leads` the lead
    import's result so far (None before it started) and `error` (also `__cause__`) the failure
    itself, if any. `in_doubt` is True when a write's answer was lost and a look-up could not
    tell what it did: the campaign may exist (stage "create") or may be active (stage
    "activate"); read it before anything else.
    """

    def __init__(
        self,
        message: str,
        *,
        campaign: Any,
        stage: str,
        leads: Any = None,
        error: BaseException | None = None,
        method: str | None = None,
        path: str | None = None,
        in_doubt: bool = False,
    ) -> None:
        self.campaign = campaign
        self.stage = stage
        self.leads = leads
        self.error = error
        self.in_doubt = in_doubt
        super().__init__(message, method=method, path=path)


class CampaignPreflightError(CampaignLaunchError):
    """The campaign cannot send, so it was not activated; `problems` says why, one line each."""

    def __init__(
        self, message: str, *, campaign: Any, problems: tuple[str, ...], leads: Any = None
    ) -> None:
        self.problems = problems
        super().__init__(message, campaign=campaign, stage="preflight", leads=leads)


class ErrorInBodyError(APIError):
    """The API answered 2xx but its body says the request failed (`success: false` + `error`).

    `result` is the parsed body (e.g. a webhook test's status code and timing).
    """

    def __init__(
        self, message: str, *, result: Any, method: str | None = None, path: str | None = None
    ) -> None:
        self.result = result
        super().__init__(message, method=method, path=path)


class APIStatusError(APIError):
    """The server answered with a non-2xx status; `message` is the server's own."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str | None = None,
        path: str | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        super().__init__(message, method=method, path=path)

    def _render(self) -> str:
        return f"{self.status_code} {super()._render()}"


class BadRequestError(APIStatusError):
    """400: the server rejected the request's content."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid or revoked."""


class PaymentRequiredError(APIStatusError):
    """402: the workspace has no active paid plan, or its plan does not include this feature."""


class PermissionDeniedError(APIStatusError):
    """403: the key lacks the scope this operation needs."""


class CloudflareBlockedError(PermissionDeniedError):
    """403 from Cloudflare in front of the API: the request never reached Instantly.

    `cloudflare_code` is Cloudflare's error code when the body gives one (1010: the client's
    signature, for an API client its User-Agent, is banned; 1020: a firewall rule matched);
    `ray_id` is the `cf-ray` header, which Instantly's support needs to look the block up.
    """

    def __init__(
        self,
        message: str,
        *,
        cloudflare_code: int | None = None,
        ray_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.cloudflare_code = cloudflare_code
        self.ray_id = ray_id
        super().__init__(message, **kwargs)


class NotFoundError(APIStatusError):
    """404: the addressed resource does not exist in this workspace."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class PayloadTooLargeError(APIStatusError):
    """413: the request body is too large."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: the workspace rate limit was exceeded; `retry_after` is in seconds when known."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for a non-2xx status code."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


class VerificationTimeoutError(InstantlyError):
    """An email verification was still pending when our deadline passed (it keeps running).

    `verification` is the last state read, `timeout` the seconds waited; ask again later with
    `email_verification.get_status(email)`.
    """

    def __init__(self, message: str, *, email: str, verification: Any, timeout: float) -> None:
        self.email = email
        self.verification = verification
        self.timeout = timeout
        super().__init__(message)


class JobError(InstantlyError):
    """A background job ended, or was given up on, without success; `job` is its last state."""

    def __init__(self, message: str, *, job: Any) -> None:
        self.job = job
        super().__init__(message)


class JobFailedError(JobError):
    """The job reached the `failed` state."""


class JobCancelledError(JobError):
    """The job reached the `cancelled` state."""


class JobTimeoutError(JobError):
    """Our deadline passed before the job finished. The job was not cancelled server-side."""

    def __init__(self, message: str, *, job: Any, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(message, job=job)


class JobGroupError(JobError):
    """Some jobs of a group did not succeed; `errors` holds one `JobError` per such job.

    `job` is the tuple of every job's last state, in the group's order (None if never fetched).
    """

    def __init__(
        self, message: str, *, jobs: tuple[Any, ...], errors: tuple[JobError, ...]
    ) -> None:
        self.errors = errors
        super().__init__(message, job=jobs)

    @property
    def jobs(self) -> tuple[Any, ...]:
        """Every job's last state, in the group's order."""
        jobs: tuple[Any, ...] = self.job
        return jobs


class WebhookError(InstantlyError):
    """A webhook delivery was refused; nothing in it should be acted on."""


class WebhookAuthenticationError(WebhookError):
    """The delivery lacks the shared-secret header configured for the webhook, or it differs.

    Instantly does not sign deliveries: this header, set in the webhook's `headers`, is the only
    proof of origin. The message names the header, never the expected or received value.
    """


class MalformedWebhookError(WebhookError, ValueError):
    """The delivery body is not one we can read: too large, not JSON, not an object, bad fields."""


class WebhookCapacityError(WebhookError):
    """The de-duplicator holds as many ids as it may, all within the replay window.

    Nothing was recorded: answer 503, and Instantly delivers the event again later. Forgetting
    an id early instead would let a replay of it through.
    """
