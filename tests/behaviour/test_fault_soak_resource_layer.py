"""Fault soak over the generated resource layer: random operations of every resource, 20% faulted.

Each call is a method of a generated resource (helpers included) with arguments from the spec's
examples, sent through the real client stack (validation, runner, retry transport) to a handler
that fails one attempt in five, the kinds equally likely: 429 with Retry-After (not processed), a
refused connection (not sent), 502 and 503, a read timeout and a dropped connection after the
request was processed. An attempt that is not faulted is processed and answered with a body
valid for the operation's 2xx schema. Time is a manual clock, so backoffs and job waits are free.

What must hold:
- a write whose operation is not repeatable (openapi/resources.json) is never sent again after an
  attempt that may have been processed: 0 repeated non-idempotent writes;
- every call completes or raises an `InstantlyError` (a documented, typed error).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from instantly import AsyncInstantly, Instantly, InstantlyError
from instantly.testing import FakeClock

from tests._tally import TALLY
from tests.contract._operations import NO_VALUE, example_value
from tests.contract._resource_calls import (
    ExampleCall,
    ResourceMethod,
    example_call,
    pinned_spec_document,
    resource_methods,
)

SEED = 20261130
FAULT_SHARE = 0.20
SYNC_CALLS = 600
ASYNC_CALLS = 200
KINDS = ("429", "connect refused", "502", "503", "read timeout", "reset after processing")
PROCESSED_FAULTS = frozenset({"502", "503", "read timeout", "reset after processing"})
SECTION = "fault_soak_resource_layer"


@dataclass
class Attempt:
    call: int  # which call of the soak sent it: a later call may send the same request anew
    operation_id: str
    request: bytes  # method, URL and body: what would be repeated
    outcome: str  # a fault kind, or "ok"
    processed: bool
    repeatable: bool


@dataclass
class Server:
    """The handler behind the client: finds the operation, fails or answers it, logs the attempt."""

    rng: random.Random
    call: int = 0
    attempts: list[Attempt] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        from instantly._operation import operation
        from instantly_api.resources import OPERATION_MODULES

        self._spec = pinned_spec_document()
        routes = []
        for operation_id in OPERATION_MODULES:
            op = operation(operation_id)
            parts = ["[^/]+" if p.startswith("{") else re.escape(p) for p in op.path.split("/")]
            routes.append((op.method, re.compile("/".join(parts)), op))
        routes.sort(key=lambda r: (r[1].pattern.count("[^/]+"), -len(r[1].pattern)))
        self._routes = routes

    def _operation(self, request: httpx.Request) -> Any:
        for method, pattern, op in self._routes:
            if method == request.method and pattern.fullmatch(request.url.path):
                return op
        raise AssertionError(f"no operation for {request.method} {request.url.path}")

    def _body(self, op: Any) -> httpx.Response:
        operation = self._spec["paths"][op.path][op.method.lower()]
        for status, response in sorted(operation["responses"].items()):
            if not status.startswith("2"):
                continue
            content = response.get("content") or {}
            media = content.get("application/json")
            if media is None:
                text = "email\nuser@example.com\n" if content else ""
                return httpx.Response(int(status), text=text)
            value = example_value(self._spec, media.get("schema", {}))
            return httpx.Response(int(status), json={} if value is NO_VALUE else value)
        return httpx.Response(204)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        op = self._operation(request)
        kind = self.rng.choice(KINDS) if self.rng.random() < FAULT_SHARE else "ok"
        self.attempts.append(
            Attempt(
                self.call,
                op.id,
                f"{request.method} {request.url} ".encode() + request.content,
                kind,
                kind == "ok" or kind in PROCESSED_FAULTS,
                op.repeatable,
            )
        )
        if kind == "ok":
            return self._body(op)
        self.faults[kind] += 1
        if kind == "429":
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "slow"})
        if kind == "connect refused":
            raise httpx.ConnectError("refused", request=request)
        if kind == "read timeout":
            raise httpx.ReadTimeout("no answer in time", request=request)
        if kind == "reset after processing":
            raise httpx.RemoteProtocolError("connection reset", request=request)
        return httpx.Response(int(kind), json={"message": "upstream trouble"})


def _repeats_after_processing(attempts: list[Attempt]) -> list[str]:
    """Non-repeatable writes sent again after an attempt of the same request may have been
    processed (a 429 or a refused connection was not processed: resending those is safe)."""
    seen_processed: set[tuple[int, bytes]] = set()
    repeats = []
    for attempt in attempts:
        key = (attempt.call, attempt.request)
        if not attempt.repeatable and key in seen_processed:
            repeats.append(f"{attempt.operation_id}: {attempt.request[:120]!r}")
        if attempt.processed:
            seen_processed.add(key)
    return repeats


def _calls() -> list[tuple[ResourceMethod, ExampleCall]]:
    calls = []
    for method in resource_methods():
        call = example_call(method)
        if call is not None:
            calls.append((method, call))
    return calls


@dataclass
class Outcome:
    completed: int = 0
    typed_errors: Counter[str] = field(default_factory=Counter)
    untyped: list[str] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)


def _record(outcome: Outcome, label: str, exc: BaseException | None) -> None:
    if exc is None:
        outcome.completed += 1
    elif isinstance(exc, InstantlyError):
        outcome.typed_errors[type(exc).__name__] += 1
    else:
        outcome.untyped.append(f"{label}: {type(exc).__name__}: {exc}")


def _options(clock: FakeClock, seed: int) -> dict[str, Any]:
    return {
        "api_key": "soak-key-123456",
        "max_retries": 3,
        "rate_limit": None,
        "clock": clock,
        "rng": random.Random(seed).random,
    }


def _consume(result: Any) -> Any:
    """A paginator's first page (the soak is about single requests, not long listings)."""
    if hasattr(result, "iter_pages"):
        return next(iter(result.iter_pages()), None)
    return result


def _report(name: str, outcome: Outcome, server: Server, calls: int) -> None:
    TALLY.count(
        SECTION,
        **{
            f"{name}_calls": calls,
            f"{name}_completed": outcome.completed,
            f"{name}_typed_errors": sum(outcome.typed_errors.values()),
            f"{name}_attempts": len(server.attempts),
            f"{name}_faults": sum(server.faults.values()),
            f"{name}_repeated_non_idempotent_writes": len(outcome.repeats),
        },
    )


def test_random_operations_under_faults_never_repeat_a_write_and_fail_only_typed() -> None:
    calls = _calls()
    choose = random.Random(SEED)
    server = Server(random.Random(SEED + 1))
    clock = FakeClock()
    outcome = Outcome()
    with Instantly(
        transport=httpx.MockTransport(server), sleep=clock.sleep, **_options(clock, SEED)
    ) as client:
        for index in range(SYNC_CALLS):
            server.call = index
            method, call = choose.choice(calls)
            bound: Callable[..., Any] = getattr(getattr(client, method.resource), method.method)
            exc: BaseException | None = None
            try:
                _consume(bound(*call.args, **call.kwargs))
            except Exception as caught:  # every outcome is recorded, none hidden
                exc = caught
            _record(outcome, method.label, exc)
    outcome.repeats = _repeats_after_processing(server.attempts)
    _report("sync", outcome, server, SYNC_CALLS)
    assert outcome.repeats == []
    assert outcome.untyped == []
    assert sum(server.faults.values()) > SYNC_CALLS * FAULT_SHARE / 2  # faults really happened


async def test_async_random_operations_under_faults_never_repeat_a_write() -> None:
    calls = _calls()
    choose = random.Random(SEED + 2)
    server = Server(random.Random(SEED + 3))
    clock = FakeClock()
    outcome = Outcome()

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    async with AsyncInstantly(
        transport=httpx.MockTransport(server), sleep=sleep, **_options(clock, SEED)
    ) as client:
        for index in range(ASYNC_CALLS):
            server.call = index
            method, call = choose.choice(calls)
            bound: Callable[..., Any] = getattr(getattr(client, method.resource), method.method)
            exc: BaseException | None = None
            try:
                result = bound(*call.args, **call.kwargs)
                if hasattr(result, "__await__"):
                    result = await result
                if hasattr(result, "iter_pages"):
                    async for _page in result.iter_pages():
                        break
            except Exception as caught:
                exc = caught
            _record(outcome, method.label, exc)
    outcome.repeats = _repeats_after_processing(server.attempts)
    _report("async", outcome, server, ASYNC_CALLS)
    assert outcome.repeats == []
    assert outcome.untyped == []


def test_the_soak_counts_a_resent_write_as_a_repeat() -> None:
    """The checker itself: a non-repeatable write resent after a 503 is caught; after a 429 not."""
    write = b"POST https://api.instantly.ai/api/v2/leads/move {}"
    after_503 = [
        Attempt(0, "moveLeads", write, "503", True, False),
        Attempt(0, "moveLeads", write, "ok", True, False),
    ]
    after_429 = [
        Attempt(0, "moveLeads", write, "429", False, False),
        Attempt(0, "moveLeads", write, "ok", True, False),
    ]
    next_call = [
        Attempt(0, "moveLeads", write, "ok", True, False),
        Attempt(1, "moveLeads", write, "ok", True, False),
    ]
    assert len(_repeats_after_processing(after_503)) == 1
    assert _repeats_after_processing(after_429) == []
    assert _repeats_after_processing(next_call) == []
