"""`Instantly` and `AsyncInstantly`: configuration, the shared httpx client, lazy resources.

Each client owns one httpx client whose transport is wrapped by the retry/rate-limit transport;
the facade's resources and the generated functions (through `.raw`) both send through it, so the
policy applies to everything. Resources load on first use, keeping `import instantly` cheap;
so does the agency-workspace code (`for_workspace`, `for_each_workspace`), which a single
workspace's client and the command line's one call never need.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import random
import ssl
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import httpx

from . import _attempt_bounds
from ._attempt_bounds import ACCEPT_ENCODING
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    LOGGER_NAME,
    USER_AGENT,
    Secret,
    env_ca_bundle,
    resolve_api_key,
    resolve_base_url,
    resolve_max_response_bytes,
    resolve_timeout,
)
from ._deviations import DeviationLog, ResponseDeviation
from ._errors import InvalidInputError
from ._rate_limiter import RateLimit, RateLimiter
from ._retry import RetryPolicy
from ._retry_transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryTransport,
    TransportSettings,
)
from ._route_lookup import endpoint_limits, limited_route_of
from ._secrets import register_key
from .resources._with_helpers import AsyncClientResources, ClientResources

if TYPE_CHECKING:
    from instantly_api.client import AuthenticatedClient

    from ._workspaces import WorkspaceResult
    from .resources._base import AsyncRunner, SyncRunner

__all__ = ["AsyncInstantly", "Instantly"]

logger = logging.getLogger(LOGGER_NAME)

TimeoutTypes = float | httpx.Timeout | None
T = TypeVar("T")
NetTransport = TypeVar("NetTransport", httpx.HTTPTransport, httpx.AsyncHTTPTransport)

# The default rate limit: Instantly's documented workspace limits (see `_facts`).
_DEFAULT_RATE_LIMIT = RateLimit()


class _Config:
    """What both clients resolve the same way from their constructor arguments (no I/O)."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes,
        max_retries: int,
        rate_limit: RateLimit | RateLimiter | None,
        default_headers: Mapping[str, str] | None,
        clock: Callable[[], float] | None,
        rng: Callable[[], float] | None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        trust_env: bool = True,
        strict: bool = False,
    ) -> None:
        if not isinstance(strict, bool):
            raise InvalidInputError(f"strict must be True or False, got {strict!r}")
        # Answers that differ from the spec: recorded and warned once, or (strict) raised.
        self.deviations = DeviationLog(strict=strict)
        self.api_key: Secret = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidInputError(f"max_retries must be an int >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.timeout = resolve_timeout(timeout)
        if rate_limit is None or isinstance(rate_limit, RateLimiter):
            self.limiter = rate_limit
        elif isinstance(rate_limit, RateLimit):
            # Beside the workspace limit, the limits the spec states per operation.
            self.limiter = RateLimiter(rate_limit, routes=endpoint_limits())
        else:
            raise InvalidInputError(
                f"rate_limit must be a RateLimit, a RateLimiter (to share one between clients) "
                f"or None (no client-side limit), got {rate_limit!r}"
            )
        self.settings = TransportSettings(
            policy=RetryPolicy(max_retries=max_retries),
            limiter=self.limiter,
            route_of=limited_route_of,
            clock=clock or time.monotonic,
            rng=rng or random.random,
            max_response_bytes=resolve_max_response_bytes(max_response_bytes),
        )
        if not isinstance(trust_env, bool):
            raise InvalidInputError(f"trust_env must be True or False, got {trust_env!r}")
        self.trust_env = trust_env
        self.headers = {
            # What the transport can decode within max_response_bytes (a caller may narrow it).
            "Accept-Encoding": ACCEPT_ENCODING,
            **(default_headers or {}),
            "Authorization": Secret(f"Bearer {self.api_key}"),  # hidden in any repr
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        # The key is redacted from the logs of this package, httpx and httpcore until close(),
        # or until this config is garbage-collected with a client that was never closed.
        self.redaction = register_key(self.api_key)
        weakref.finalize(self, self.redaction.close)
        self.workspace_id: str | None = None
        self.workspace_limiters: dict[str, RateLimiter] = {}  # one budget per workspace

    def for_workspace(self, workspace_id: str) -> _Config:
        """This configuration bound to a workspace: its header, its budget, its own redaction."""
        from ._workspaces import WORKSPACE_HEADER, workspace_limiter

        bound = copy.copy(self)
        bound.workspace_id = workspace_id
        bound.limiter = workspace_limiter(self.limiter, workspace_id, self.workspace_limiters)
        bound.settings = dataclasses.replace(self.settings, limiter=bound.limiter)
        bound.headers = {**self.headers, WORKSPACE_HEADER: workspace_id}
        bound.redaction = register_key(self.api_key)
        weakref.finalize(bound, bound.redaction.close)
        return bound

    def raw_client(self) -> AuthenticatedClient:
        """A generated client (not yet bound to an httpx client) with the same settings; bound to
        one side, it refuses the other (`WrongClientSideError`) instead of building its own."""
        from ._raw import BoundRawClient

        return BoundRawClient(
            base_url=self.base_url,
            token=self.api_key,  # a Secret: its repr is redacted
            timeout=self.timeout,
            raise_on_unexpected_status=False,
        )

    def network_transport(self, cls: Callable[..., NetTransport]) -> NetTransport:
        """The network transport a client makes itself (no transport given).

        With `trust_env`, httpx's transport takes its CA certificates from SSL_CERT_FILE or
        SSL_CERT_DIR when set (instead of certifi's bundle): said in the log, and a file that
        cannot be loaded is an `InvalidInputError` naming the variable. A plain-http base URL
        (a loopback server: a fake, a test double) makes no TLS connection, so its transport does
        not load a CA bundle (about 45 ms per client); it gets a TLS context that trusts no one,
        so a TLS connection it should never make fails closed.
        """
        if self.base_url.startswith("http://"):  # loopback only (resolve_base_url): never TLS
            return cls(trust_env=self.trust_env, verify=_trusting_no_one())
        ca = env_ca_bundle() if self.trust_env else None
        if ca is None:
            return cls(trust_env=self.trust_env)
        logger.info(
            "TLS: %s=%s replaces the certifi CA bundle for this client (trust_env=False "
            "ignores it)",
            *ca,
        )
        try:
            return cls(trust_env=True)
        except (OSError, ssl.SSLError) as error:
            problem = f"{type(error).__name__}: {error}"
        raise InvalidInputError(
            f"the CA certificates in {ca[0]}={ca[1]!r} cannot be loaded ({problem}); fix or "
            "unset it, or pass trust_env=False to use certifi's bundle"
        )

    def http_options(self) -> dict[str, Any]:
        """The httpx client options both clients build theirs with."""
        return {"base_url": self.base_url, "headers": self.headers, "timeout": self.timeout}

    def describe(self, name: str) -> str:
        limit = "off" if self.limiter is None else repr(self.limiter.limit)
        workspace = "" if self.workspace_id is None else f" workspace={self.workspace_id!r}"
        return (
            f"<{name} base_url={self.base_url!r}{workspace} max_retries={self.max_retries} "
            f"rate_limit={limit}>"
        )


def _trusting_no_one() -> ssl.SSLContext:
    """A TLS client context with no CA certificate loaded: every certificate fails to verify."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checked, a certificate required


def _describe(client: object) -> str:
    """A client's repr; never raises, even for one whose constructor failed half-way."""
    name = type(client).__name__
    config = vars(client).get("_config")
    if not isinstance(config, _Config):
        return f"<{name} (not initialized)>"
    closed = " closed" if getattr(vars(client).get("_http"), "is_closed", False) else ""
    return config.describe(name + closed)


def _check_one_of(http_client: object, transport: object) -> None:
    if http_client is not None and transport is not None:
        raise InvalidInputError(
            "pass http_client or transport, not both: the transport of a given http_client "
            "is already set"
        )


Http = TypeVar("Http", httpx.Client, httpx.AsyncClient)
Transport = TypeVar("Transport", httpx.BaseTransport, httpx.AsyncBaseTransport)
Sleep = TypeVar("Sleep")


class _ClientBase(Generic[Http, Transport, Sleep]):
    """What both clients share: the arguments, the configuration, the wrapped httpx client.

    `api_key` falls back to INSTANTLY_API_KEY and `base_url` to INSTANTLY_BASE_URL, then
    Instantly's. `transport` replaces the network transport (e.g. `httpx.MockTransport`);
    `http_client` is an httpx client to send through (its proxies, TLS, pool); the caller keeps
    ownership of it. `clock`, `sleep` and `rng` are injectable for tests.
    `max_response_bytes` caps each response body once decoded (64 MiB; None: no cap):
    `ResponseTooLargeError` past it. `trust_env=False` ignores SSL_CERT_FILE and SSL_CERT_DIR
    (see docs/reliability.md for the environment the client reads). Values in an answer
    that differ from the spec are kept as sent and listed in `deviations` (a WARNING on the
    `instantly.deviations` logger the first time each is seen); `strict=True` raises
    `ResponseDeviationError` instead.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: RateLimit | RateLimiter | None = _DEFAULT_RATE_LIMIT,
        default_headers: Mapping[str, str] | None = None,
        http_client: Http | None = None,
        transport: Transport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Sleep | None = None,
        rng: Callable[[], float] | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        trust_env: bool = True,
        strict: bool = False,
    ) -> None:
        _check_one_of(http_client, transport)
        self._config = _Config(
            api_key, base_url, timeout, max_retries, rate_limit, default_headers, clock, rng,
            max_response_bytes, trust_env, strict,
        )  # fmt: skip
        self._sleep = sleep
        self._http: Http = self._wrap(http_client, transport)

    def _wrap(self, http_client: Http | None, transport: Transport | None) -> Http:
        """The httpx client everything is sent through, with the retry transport inside."""
        raise NotImplementedError

    def _borrowed(self) -> Transport:
        """This client's network transport, lent to a workspace client (it stays open)."""
        raise NotImplementedError

    def for_workspace(self, workspace_id: str) -> Self:
        """A client acting in the workspace `workspace_id` (an agency key's sub-workspace).

        Every request carries `x-as-workspace: <workspace_id>`; the connection pool and the
        settings are this client's; the rate budget is the workspace's own (one per workspace,
        however many bound clients; a shared limiter keyed by the workspace). Closing it leaves
        this client open.
        """
        from ._workspaces import check_workspace_id  # agency keys only: not loaded until used

        workspace_id = check_workspace_id(workspace_id)
        bound = object.__new__(type(self))
        bound._config = self._config.for_workspace(workspace_id)
        bound._sleep = self._sleep
        bound._http = bound._wrap(None, self._borrowed())
        return bound

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. https://api.instantly.ai."""
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        """Retries per request unless a call says otherwise."""
        return self._config.max_retries

    @property
    def strict(self) -> bool:
        """Whether an answer that differs from the spec raises (`ResponseDeviationError`)."""
        return self._config.deviations.strict

    @property
    def deviations(self) -> tuple[ResponseDeviation, ...]:
        """Each way this client's answers differed from the spec, once per (operation, field,
        kind), first seen first; the values themselves were kept as sent."""
        return self._config.deviations.entries

    @property
    def http_client(self) -> Http:
        """The httpx client everything is sent through (retries and rate limit included)."""
        return self._http

    def _release(self) -> httpx.Client | httpx.AsyncClient | None:
        """Stop redacting this client's key from logs; the httpx client to close, if any."""
        config, http = vars(self).get("_config"), vars(self).get("_http")
        if isinstance(config, _Config):
            config.redaction.close()
        return http if isinstance(http, httpx.Client | httpx.AsyncClient) else None

    def __repr__(self) -> str:
        return _describe(self)


class Instantly(
    _ClientBase[httpx.Client, httpx.BaseTransport, Callable[[float], None]], ClientResources
):
    """Synchronous client for the Instantly API v2 (arguments: see `_ClientBase`)."""

    def _wrap(
        self, http_client: httpx.Client | None, transport: httpx.BaseTransport | None
    ) -> httpx.Client:
        inner = ClientTransport(http_client) if http_client is not None else transport
        if inner is None:  # our own pool: its sockets hold each attempt's deadline
            inner = _attempt_bounds.install(self._config.network_transport(httpx.HTTPTransport))
        self._inner: httpx.BaseTransport = inner
        retry = RetryTransport(self._inner, self._config.settings, sleep=self._sleep or time.sleep)
        return httpx.Client(**self._config.http_options(), transport=retry)

    def _borrowed(self) -> httpx.BaseTransport:
        from ._workspaces import BorrowedTransport

        return BorrowedTransport(self._inner, self._http)

    def for_each_workspace(
        self, fn: Callable[[Instantly], T], *, concurrency: int = 4
    ) -> list[WorkspaceResult[T]]:
        """Run `fn(workspace_client)` for every sub-workspace of this (agency) key.

        Sub-workspaces are those `workspace_group_members.list()` shows accepted; `concurrency`
        run at once (threads). One `WorkspaceResult` per workspace, in the order listed: its
        value, or the typed error it raised (`WorkspaceCallError` for a non-Instantly one).
        """
        from ._workspaces import for_each_workspace

        return for_each_workspace(self, fn, concurrency=concurrency)

    @cached_property
    def raw(self) -> AuthenticatedClient:
        """The generated client for the sync functions of `instantly_api.api`, sending through
        this client (retries, rate limit, logging); the asyncio ones are refused."""
        return self._config.raw_client().set_httpx_client(self._http)

    @cached_property
    def _runner(self) -> SyncRunner:
        from .resources._base import SyncRunner

        config, http = self._config, self._http  # not self: no cycle keeps a dropped client alive
        return SyncRunner(
            http, lambda: config.raw_client().set_httpx_client(http), clock=config.settings.clock,
            sleep=self._sleep or time.sleep, rng=config.settings.rng,
            deviations=config.deviations,
        )  # fmt: skip

    def close(self) -> None:
        """Close the connections this client opened (a given `http_client` stays open).

        Later calls raise ClientClosedError; closing twice is harmless.
        """
        http = self._release()
        if isinstance(http, httpx.Client):
            http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncInstantly(
    _ClientBase[httpx.AsyncClient, httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]],
    AsyncClientResources,
):
    """Asynchronous client for the Instantly API v2: the arguments of `Instantly`, with an
    `httpx.AsyncClient`, an async transport and an async `sleep` (default `asyncio.sleep`)."""

    def _wrap(
        self, http_client: httpx.AsyncClient | None, transport: httpx.AsyncBaseTransport | None
    ) -> httpx.AsyncClient:
        inner = AsyncClientTransport(http_client) if http_client is not None else transport
        if inner is None:
            inner = self._config.network_transport(httpx.AsyncHTTPTransport)
        self._inner: httpx.AsyncBaseTransport = inner
        retry = AsyncRetryTransport(self._inner, self._config.settings, sleep=self._sleep)
        return httpx.AsyncClient(**self._config.http_options(), transport=retry)

    def _borrowed(self) -> httpx.AsyncBaseTransport:
        from ._workspaces import AsyncBorrowedTransport

        return AsyncBorrowedTransport(self._inner, self._http)

    async def for_each_workspace(
        self, fn: Callable[[AsyncInstantly], Awaitable[T]], *, concurrency: int = 4
    ) -> list[WorkspaceResult[T]]:
        """`Instantly.for_each_workspace` with an async `fn`, `concurrency` awaited at once."""
        from ._workspaces import for_each_workspace_async

        return await for_each_workspace_async(self, fn, concurrency=concurrency)

    @cached_property
    def raw(self) -> AuthenticatedClient:
        """The generated client for the asyncio functions of `instantly_api.api`, sending
        through this client (retries, rate limit, logging); the sync ones are refused."""
        return self._config.raw_client().set_async_httpx_client(self._http)

    @cached_property
    def _runner(self) -> AsyncRunner:
        from ._aio import asyncio_sleep
        from .resources._base import AsyncRunner

        config, http = self._config, self._http  # not self: no cycle keeps a dropped client alive
        return AsyncRunner(
            http, lambda: config.raw_client().set_async_httpx_client(http),
            clock=config.settings.clock, sleep=self._sleep or asyncio_sleep,
            rng=config.settings.rng, deviations=config.deviations,
        )  # fmt: skip

    async def aclose(self) -> None:
        """Close the connections this client opened (a given `http_client` stays open).

        Later calls raise ClientClosedError; closing twice is harmless.
        """
        http = self._release()
        if isinstance(http, httpx.AsyncClient):
            await http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
