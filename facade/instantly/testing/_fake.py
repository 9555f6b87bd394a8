"""`FakeInstantly`: a stateful, sans-I/O stand-in for every operation of Instantly's API v2.

`handle(method, path, query=..., headers=..., body=...)` turns one request into a `FakeResponse`
(status, headers, body, optional delay or hang-up), in the order Instantly's Fastify server
works: injected fault → route (404) → auth (401) → rate limit (429) → plan (402) → body and
query validation (400/415) → the operation: its hand-written answer (a `_route_<operation>`
method: accounts, warmup, jobs here; the rest in the stores) or, for every other operation,
the spec-driven default (`_generic.py`). The in-process transport and the loopback server
only carry bytes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from .._facts import (
    ACCOUNT_STATUS_ACTIVE,
    ACCOUNT_STATUS_PAUSED,
    JOB_STATUSES,
    LIST_PAGE_LIMIT_MAX,
)
from ._clock import Clock, WallClock
from ._fake_accounts import (
    ACCOUNT_FILTERS,
    WARMUP_ACTIVE,
    WARMUP_PAUSED,
    check_account_fields,
    default_account,
    matches_search,
    normalize_email,
)
from ._fake_campaigns import CampaignStore
from ._fake_emails import EmailStore
from ._fake_jobs import JobControl, JobScript
from ._fake_leads import LeadStore
from ._fake_verification import VerificationStore
from ._fake_webhooks import WebhookStore
from ._faults import Fault, FaultKind, FaultPlan
from ._generic import Collection, SpecStore, read_request, update
from ._records import (
    Call,
    Rejected,
    copy_json,
    csv_values,
    cursor_page,
    emitted,
    page,
    unsupported,
)
from ._server_rate_limit import ServerRateLimit, ServerRateLimiter
from ._spec_routes import SpecRoute, by_id, handler_name, match, routes
from ._wire import Disconnect, FakeResponse, RecordedRequest, error_response, json_response

if TYPE_CHECKING:
    from ._in_process_transport import AsyncSleep, FakeTransport, Sleep
    from ._server import LoopbackServer

__all__ = ["FakeInstantly"]

DEFAULT_WORKSPACE_ID: Final = "019cc043-af54-70e2-ac5a-5f6af8474683"
DEFAULT_USER_ID: Final = "019cc043-af54-70e2-ac5a-5f68fd36b43b"
_WARMUP_JOB_TYPE: Final = "update-warmup-accounts"
_SEED_HISTORY_SECONDS: Final = 30 * 86400
_NO_BODY: Final[Any] = object()

Query = str | bytes | Mapping[str, str] | Iterable[tuple[str, str]]


class FakeInstantly:
    """A fake Instantly workspace: accounts, warmup jobs, auth, rate limit, faults, a request log.

    Thread-safe. Time comes from `clock` (seconds; default `time.monotonic`); every timestamp in
    its answers is `start_time` plus the clock's progress, so an injected clock makes them exact.
    `api_key=None` accepts any non-empty Bearer key. `rate_limit=None` turns the limit off, and
    with it the per-operation limits the spec states (`endpoint_limits=False` turns off only
    those; they are scaled by `rate_limit.time_scale`).

    Beside accounts and jobs, the workspace holds `campaigns`, `leads` (and lead lists),
    `emails` (the Unibox), `webhooks` and `verifications`: each seeds and inspects its state.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        clock: Clock = time.monotonic,
        start_time: datetime | None = None,
        rate_limit: ServerRateLimit | None = ServerRateLimit(),  # noqa: B008 (frozen, immutable default)
        faults: FaultPlan | None = None,
        job_script: JobScript | None = None,
        workspace_id: str = DEFAULT_WORKSPACE_ID,
        user_id: str = DEFAULT_USER_ID,
        paid_plan: bool = True,
        log_limit: int | None = None,
        endpoint_limits: bool = True,
    ) -> None:
        if api_key is not None and not api_key.strip():
            raise ValueError("api_key must be a non-empty string, or None to accept any key")
        self._api_key = api_key
        self._lock = threading.RLock()
        self._wall = WallClock(clock, start_time)
        self._limiter = ServerRateLimiter(rate_limit) if rate_limit is not None else None
        self._log: deque[RecordedRequest] = deque(maxlen=log_limit)
        self._seq = 0
        self._status_counts: Counter[int] = Counter()
        self._throttled = 0
        self.workspace_id = workspace_id
        self.user_id = user_id
        self.paid_plan = paid_plan
        self.faults = faults if faults is not None else FaultPlan()
        self.jobs = JobControl(
            lock=self._lock,
            wall=self._wall,
            workspace_id=workspace_id,
            user_id=user_id,
            default_script=job_script,
        )
        self.spec = SpecStore(self)
        self.spec.sets.update(
            pauseAccount={"status": ACCOUNT_STATUS_PAUSED},
            resumeAccount={"status": ACCOUNT_STATUS_ACTIVE},
        )
        # Accounts (by email) are kept by the spec-driven default; their tag ids beside them.
        self._accounts = self.spec.collection("/api/v2/accounts", "email").records
        self._account_tags: dict[str, frozenset[str]] = {}
        self.campaigns = CampaignStore(self)
        self.leads = LeadStore(self)
        self.emails = EmailStore(self)
        self.webhooks = WebhookStore(self)
        self.verifications = VerificationStore(self)
        self._handlers = self._handwritten()
        # Per-operation limits the spec states (e.g. GET /api/v2/emails: 20 a minute), beside the
        # workspace limit: operationId -> its sliding windows.
        self._rate_limit = rate_limit if endpoint_limits else None
        self._endpoint_limiters: dict[str, ServerRateLimiter] = {}

    def _handwritten(self) -> dict[str, Callable[[Call], Any]]:
        """operationId -> the hand-written answer (behaviour beyond the spec; a JSON value or a
        `FakeResponse`): the method of this fake or a store named after it
        (`_route_activate_campaign` serves `activateCampaign`, as Connexion resolves an
        operationId); the rest: `spec`."""
        stores = (self, self.campaigns, self.leads, self.emails, self.webhooks, self.verifications)
        return {
            route.id: getattr(store, handler_name(route.id))
            for route in routes()
            for store in stores
            if hasattr(store, handler_name(route.id))
        }

    def override(self, operation_id: str, answer: Callable[[Call], Any]) -> None:
        """Answer an operation with your own function, after the fake's checks: `answer(call)`
        (`call.params`, `.query`, `.body`, `.stamp`) returns a `FakeResponse` or a JSON value."""
        by_id()[operation_id]  # KeyError for an operation the pin does not have
        with self._lock:
            self._handlers[operation_id] = answer

    def collection(self, path: str) -> Collection:
        """The records the spec-driven default serves at a collection path (seed or inspect them):
        `fake.collection("/api/v2/custom-tags").records`. Add with `add_record`."""
        with self._lock:
            return self.spec.collection(path)

    def add_record(self, path: str, **fields: Any) -> dict[str, Any]:
        """Store a record in the collection at `path` as a create would (an id, timestamps and
        required fields filled from the spec); returns it. For resources the API cannot create
        (`/api/v2/inbox-placement-reports`) and for seeding."""
        with self._lock:
            return copy_json(self.spec.add(path, fields, self._wall.at(self._wall.clock())))

    def __repr__(self) -> str:
        key = "any key" if self._api_key is None else "a fixed key"
        return (
            f"<FakeInstantly accounts={len(self._accounts)} jobs={len(self.jobs.ids())} auth={key}>"
        )

    @property
    def clock(self) -> Clock:
        """The clock this fake reads."""
        return self._wall.clock

    # -- seeding and inspecting state ------------------------------------------------------------

    def add_account(self, email: str, *, tags: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
        """Add (or replace) an account; `fields` override the realistic defaults. Returns its JSON.

        Field names and enum values are checked against the spec's Account schema; `tags` are tag
        ids the account carries (used by `tag_ids` and warmup `filter.tag_id`; never emitted).
        """
        check_account_fields(email, fields)
        key = normalize_email(email)
        with self._lock:
            index = len(self._accounts)
            created = self._wall.before_start(_SEED_HISTORY_SECONDS - index * 60)
            data = default_account(
                key,
                index=index,
                organization=self.workspace_id,
                user_id=self.user_id,
                created=created,
                now=created,
            )
            data.update(fields)
            data["email"] = key
            self._accounts[key] = data
            self._account_tags[key] = frozenset(tags)
            return copy_json(data)

    def seed_accounts(
        self, count: int, *, domain: str = "example.com", prefix: str = "sender", **fields: Any
    ) -> list[str]:
        """Add `count` accounts `<prefix>NNN@<domain>` (numbered from 1); returns their emails."""
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        width = max(3, len(str(count)))
        emails = [f"{prefix}{n:0{width}d}@{domain}" for n in range(1, count + 1)]
        for email in emails:
            self.add_account(email, **fields)
        return emails

    def remove_account(self, email: str) -> None:
        """Delete an account (KeyError if absent)."""
        key = normalize_email(email)
        with self._lock:
            if key not in self._accounts:
                raise KeyError(f"no account {email!r}")
            del self._accounts[key]

    def account(self, email: str) -> dict[str, Any]:
        """An account's JSON as the API would show it now (a copy; KeyError if absent)."""
        with self._lock:
            self.jobs._settle(self._wall.clock())
            record = self._accounts.get(normalize_email(email))
            if record is None:
                raise KeyError(f"no account {email!r}; seeded: {len(self._accounts)} accounts")
            return copy_json(record)

    def account_emails(self) -> list[str]:
        """Every account's email, in listing order."""
        with self._lock:
            return sorted(self._accounts)

    # -- observing -------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request seen (oldest first), including rejected and dropped ones."""
        with self._lock:
            return list(self._log)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The logged requests with this method and exact path."""
        method = method.upper()
        return [r for r in self.requests if r.method == method and r.path == path]

    def clear_requests(self) -> None:
        """Forget the request log (counters are kept)."""
        with self._lock:
            self._log.clear()

    @property
    def throttled(self) -> int:
        """How many 429s the rate limiter sent (injected 429 faults are not counted here)."""
        with self._lock:
            return self._throttled

    def status_counts(self) -> dict[int, int]:
        """How many responses of each status were decided (0: dropped before processing)."""
        with self._lock:
            return dict(self._status_counts)

    # -- I/O shells ------------------------------------------------------------------------------

    def transport(
        self, *, sleep: Sleep | None = None, async_sleep: AsyncSleep | None = None
    ) -> FakeTransport:
        """An httpx transport serving this fake in-process (sync and async clients alike)."""
        from ._in_process_transport import FakeTransport

        return FakeTransport(self, sleep=sleep, async_sleep=async_sleep)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """A loopback HTTP server for this fake: `with fake.serve() as base_url: ...`."""
        from ._server import LoopbackServer

        return LoopbackServer(self, host=host, port=port)

    # -- the request handler ---------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        *,
        query: Query = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> FakeResponse:
        """Decide the response to one request. Never raises for a bad request: it answers 4xx."""
        method = method.upper()
        pairs = _query_pairs(query)
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        with self._lock:
            now = self._wall.clock()
            self._seq += 1
            seq = self._seq
            fault = self.faults.pick(seq, method, path)
            if fault is not None and fault.kind in _FAULTS_BEFORE:
                response = _fault_response(fault)
            else:
                response = self._process(method, path, pairs, lowered, body, now)
                if fault is not None:
                    response = _apply_fault_after(response, fault)
            self._status_counts[response.status] += 1
            self._log.append(
                RecordedRequest(
                    seq=seq,
                    time=now,
                    method=method,
                    path=path,
                    query=dict(pairs),
                    json=_json_or_none(body),
                    status=response.status,
                    delivered=response.disconnect is None,
                    fault=str(fault) if fault is not None else None,
                    response_body=response.body,
                )
            )
            return response

    def _process(
        self,
        method: str,
        path: str,
        pairs: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> FakeResponse:
        found = match(method, path)
        if found is None:
            shown = path + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "")
            return error_response(404, f"Route {method}:{shown} not found")
        route, params = found
        if (problem := self._auth_problem(headers.get("authorization"))) is not None:
            return error_response(401, problem)
        if self._limiter is not None and (wait := self._limiter.acquire(now)) is not None:
            self._throttled += 1
            return _rate_limited(self._limiter.retry_after_header(wait))
        limiter = self._endpoint_limiter(route)
        if limiter is not None and (wait := limiter.acquire(now)) is not None:
            self._throttled += 1
            return _rate_limited(limiter.retry_after_header(wait))
        if not self.paid_plan:
            return error_response(402, "Workspace does not have an active paid plan")
        self.jobs._settle(now)
        try:
            payload = _parse_body(headers.get("content-type"), body)
            data = None if payload is _NO_BODY else payload
            decoded, query = read_request(route, params, pairs, data)
            call = Call(decoded, query, {} if data is None else data, now, self._wall.at(now))
            handler = self._handlers.get(route.id)
            if handler is None:
                response = self.spec.serve(route, call)
            elif not isinstance(response := handler(call), FakeResponse):
                response = json_response(response, route.status)
        except Rejected as bad:
            return error_response(bad.status, str(bad))
        if method == "HEAD":
            response = replace(response, body=b"")
        return response

    def _auth_problem(self, header: str | None) -> str | None:
        if header is None or not header.strip():
            return "Missing Authorization header"
        scheme, _, key = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return "Invalid Authorization header: expected 'Bearer <api key>'"
        if self._api_key is not None and key.strip() != self._api_key:
            return "Invalid API key"
        return None

    # -- operations ------------------------------------------------------------------------------

    def _route_create_account(self, call: Call) -> Any:
        fields = {k: v for k, v in emitted(call.body, "Account").items() if k != "email"}
        return self.add_account(call.body["email"], **fields)

    def _route_list_account(self, call: Call) -> Any:
        query = call.query
        unsupported(query, ("include_tags", "sort_by", "sort_order"), "GET /api/v2/accounts")
        include = self._accounts_where(
            search=query.get("search"),
            named=query.get("filter"),
            any_tag=csv_values(query.get("tag_ids")),
            all_tags=csv_values(query.get("tag_ids_all")),
            equal={n: query[n] for n in ("status", "provider_code") if n in query},
        )
        keys, cursor = cursor_page(
            sorted(self._accounts),
            starting_after=query.get("starting_after"),
            limit=query.get("limit", LIST_PAGE_LIMIT_MAX),
            include=include,
            skip=query.get("skip", 0),
        )
        return page([self._accounts[k] for k in keys], cursor)

    def _accounts_where(
        self,
        *,
        search: str | None = None,
        named: str | None = None,
        any_tag: frozenset[str] = frozenset(),
        all_tags: frozenset[str] = frozenset(),
        equal: Mapping[str, Any] | None = None,
        excluded: frozenset[str] = frozenset(),
    ) -> Callable[[str], bool]:
        """Which accounts (by key) the list's and warmup's filters select: a `search` text, an
        `ACC_FILTER_*` value, any of some tags, all of some tags, field values, exclusions."""
        predicate = ACCOUNT_FILTERS[named] if named else None

        def include(key: str) -> bool:
            data, tags = self._accounts[key], self._account_tags.get(key, frozenset())
            return (
                key not in excluded
                and all(data.get(n) == v for n, v in (equal or {}).items())
                and (not search or matches_search(data, search))
                and (predicate is None or predicate(data))
                and (not any_tag or bool(tags & any_tag))
                and all_tags <= tags
            )

        return include

    def _route_pause_accounts(self, call: Call) -> Any:
        emails = list(dict.fromkeys(call.body["emails"]))
        paused = [email for email in emails if normalize_email(email) in self._accounts]
        for email in paused:
            record = self._accounts[normalize_email(email)]
            update(record, {"status": ACCOUNT_STATUS_PAUSED}, call.stamp)
        return {"paused_emails": paused, "failed_emails": [e for e in emails if e not in paused]}

    def _route_enable_warmup_for_accounts(self, call: Call) -> Any:
        return self._warmup(call.body, enable=True)

    def _route_disable_warmup_for_accounts(self, call: Call) -> Any:
        return self._warmup(call.body, enable=False)

    def _warmup(self, body: dict[str, Any], *, enable: bool) -> dict[str, Any]:
        emails = body.get("emails")
        include_all = body.get("include_all_emails") is True
        if emails is not None and include_all:
            raise Rejected("body must have either 'emails' or 'include_all_emails', not both")
        if emails is None and not include_all:
            raise Rejected("body must have required property 'emails' or 'include_all_emails'")
        if not include_all:
            for name in ("excluded_emails", "filter", "search"):
                if name in body:
                    raise Rejected(f"body/{name} is only allowed when include_all_emails is true")
            requested = list(dict.fromkeys(normalize_email(e) for e in emails or ()))
        else:
            requested = self._warmup_selection(body)
        targets = [e for e in requested if e in self._accounts]
        failed = len(requested) - len(targets)
        new_status = WARMUP_ACTIVE if enable else WARMUP_PAUSED

        def apply(stamp: str) -> dict[str, Any]:
            done = 0
            for email in targets:
                record = self._accounts.get(email)
                if record is None:
                    continue
                record["warmup_status"] = new_status
                record["timestamp_updated"] = stamp
                if enable:
                    record["timestamp_warmup_start"] = stamp
                done += 1
            return {"success_count": done, "failed_count": failed + len(targets) - done}

        job = self.jobs._create(_WARMUP_JOB_TYPE, {"total_to_process": len(requested)}, apply)
        return job.as_json()

    def _warmup_selection(self, body: dict[str, Any]) -> list[str]:
        criteria = body.get("filter") or {}
        include = self._accounts_where(
            search=body.get("search"),
            named=criteria.get("filter"),
            any_tag=frozenset([criteria["tag_id"]] if criteria.get("tag_id") else ()),
            excluded=frozenset(normalize_email(e) for e in body.get("excluded_emails", ())),
        )
        return [key for key in sorted(self._accounts) if include(key)]

    def _route_list_background_job(self, call: Call) -> Any:
        query = call.query
        wanted = csv_values(query.get("ids")) | csv_values(query.get("included_ids"))
        excluded = csv_values(query.get("excluded_ids"))
        statuses = csv_values(query.get("status"))
        if unknown := sorted(statuses - set(JOB_STATUSES)):
            raise Rejected(
                f"querystring/status has unknown job status(es) {unknown}; "
                f"allowed: {', '.join(sorted(JOB_STATUSES))}"
            )
        ordered = list(self.jobs._jobs.values())  # oldest first unless asked otherwise
        if query.get("sort_column") == "updated_at":
            ordered.sort(key=lambda job: job.updated_at)
        if query.get("sort_order") == "desc":
            ordered.reverse()
        jobs = {job.id: job for job in ordered}

        def include(job_id: str) -> bool:
            job = jobs[job_id]
            return (
                (not wanted or job_id in wanted)
                and job_id not in excluded
                and (not statuses or job.phase.status in statuses)
                and query.get("type", job.type) == job.type
                and query.get("entity_type", "workspace") == "workspace"
                and query.get("entity_id", job.workspace_id) == job.workspace_id
            )

        ids, cursor = cursor_page(
            list(jobs),
            starting_after=query.get("starting_after"),
            limit=query.get("limit", LIST_PAGE_LIMIT_MAX),
            include=include,
        )
        return page([jobs[i].as_json() for i in ids], cursor)

    def _route_get_background_job(self, call: Call) -> Any:
        query = call.query
        job = self.jobs._jobs.get(call.params["id"])
        if job is None:
            raise Rejected("Background job not found", 404)
        fields = query.get("data_fields")
        return job.as_json(sorted(csv_values(fields)) if fields is not None else None)

    # -- the workspace's other stores ------------------------------------------------------------

    def _endpoint_limiter(self, route: SpecRoute) -> ServerRateLimiter | None:
        """The limiter of an operation's own limits (None: it has none, or they are off)."""
        from instantly_api._endpoint_limits import ENDPOINT_LIMITS

        limits = ENDPOINT_LIMITS.get(route.operation.route)
        if self._rate_limit is None or not limits:
            return None
        if route.id not in self._endpoint_limiters:
            windows = [(window, count) for count, window in limits]
            self._endpoint_limiters[route.id] = ServerRateLimiter(self._rate_limit, windows)
        return self._endpoint_limiters[route.id]

    def _has_account(self, email: str) -> bool:
        return normalize_email(email) in self._accounts

    def _account_status(self, email: str) -> int | None:
        record = self._accounts.get(normalize_email(email))
        return None if record is None else int(record["status"])


# -- request parsing (pure) ----------------------------------------------------------------------

_FAULTS_BEFORE: Final = frozenset(
    {FaultKind.STATUS, FaultKind.RATE_LIMITED, FaultKind.DROP_BEFORE, FaultKind.CONNECT_ERROR}
)


def _query_pairs(query: Query) -> list[tuple[str, str]]:
    if isinstance(query, bytes):
        query = query.decode("latin-1")
    if isinstance(query, str):
        return parse_qsl(query, keep_blank_values=True)
    if isinstance(query, Mapping):
        return [(str(k), str(v)) for k, v in query.items()]
    return [(str(k), str(v)) for k, v in query]


def _parse_body(content_type: str | None, body: bytes) -> Any:
    media = (content_type or "").split(";")[0].strip().lower()
    if not body:
        if media == "application/json":
            raise Rejected("Body cannot be empty when content-type is set to 'application/json'")
        return _NO_BODY
    if media != "application/json":
        raise Rejected(f"Unsupported Media Type: {content_type or 'none'}", 415)
    try:
        return json.loads(body)
    except ValueError:
        raise Rejected(
            "Body is not valid JSON but content-type is set to 'application/json'"
        ) from None


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _rate_limited(retry_after: str) -> FakeResponse:
    return error_response(
        429,
        f"Rate limit exceeded, retry in {retry_after} seconds",
        (("retry-after", retry_after), ("x-ratelimit-remaining", "0")),
    )


def _fault_response(fault: Fault) -> FakeResponse:
    if fault.kind is FaultKind.CONNECT_ERROR:
        return FakeResponse(0, disconnect=Disconnect.REFUSE)
    if fault.kind is FaultKind.DROP_BEFORE:
        return FakeResponse(0, disconnect=Disconnect.RESET if fault.reset else Disconnect.CLOSE)
    if fault.kind is FaultKind.RATE_LIMITED:
        seconds = fault.retry_after
        shown = str(int(seconds)) if float(seconds).is_integer() else f"{seconds:.3f}"
        return _rate_limited(shown)
    content_type, body = fault.body()
    return FakeResponse(fault.status, (("content-type", content_type),), body)


def _apply_fault_after(response: FakeResponse, fault: Fault) -> FakeResponse:
    if fault.kind is FaultKind.DROP_AFTER:
        return replace(response, disconnect=Disconnect.RESET if fault.reset else Disconnect.CLOSE)
    return replace(response, delay=fault.delay)
