"""Fault injection: which requests fail, and how (error status, 429, dropped connection, slowness).

A `FaultPlan` is an ordered list of rules; the first rule that matches a request and still has
uses left (and wins its seeded coin toss, for a fraction) decides the fault. Every injected fault
is recorded, so a test can assert what the client went through.
"""

from __future__ import annotations

import fnmatch
import random
import re
import threading
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Fault", "FaultKind", "FaultPlan", "FaultRule", "InjectedFault"]


class FaultKind(StrEnum):
    """What a fault does to a request."""

    STATUS = "status"  # answer with an error status before processing (5xx, or any code)
    RATE_LIMITED = "rate_limited"  # answer 429 + Retry-After before processing
    CONNECT_ERROR = "connect_error"  # the connection is refused: nothing sent, nothing processed
    DROP_BEFORE = "drop_before"  # hang up before processing: no state changed, no response
    DROP_AFTER = "drop_after"  # process, then hang up: state changed, no response
    SLOW = "slow"  # process, then answer after a delay


_GATEWAY_PAGE = (
    "<html><head><title>{code} {reason}</title></head>"
    "<body><center><h1>{code} {reason}</h1></center></body></html>"
)
_GATEWAY_REASONS = {
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One way to fail a request. Build with the class methods, e.g. `Fault.server_error(503)`."""

    kind: FaultKind
    status: int = 0
    retry_after: float = 1.0
    delay: float = 0.0
    reset: bool = False

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """Answer `status` unprocessed: 500 with Fastify's JSON, 502/503/504 with a proxy's HTML."""
        if not 400 <= status <= 599:
            raise ValueError(f"Fault.server_error status must be 4xx or 5xx, got {status}")
        return cls(FaultKind.STATUS, status=status)

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0) -> Fault:
        """Answer 429 with `Retry-After: retry_after` without processing."""
        if retry_after < 0:
            raise ValueError(f"Fault.rate_limited retry_after must be >= 0, got {retry_after}")
        return cls(FaultKind.RATE_LIMITED, status=429, retry_after=retry_after)

    @classmethod
    def connect_error(cls) -> Fault:
        """Refuse the connection: `httpx.ConnectError` in-process; a reset over loopback."""
        return cls(FaultKind.CONNECT_ERROR)

    @classmethod
    def drop_before(cls, *, reset: bool = False) -> Fault:
        """Hang up before processing (nothing changed). `reset=True` sends RST instead of FIN."""
        return cls(FaultKind.DROP_BEFORE, reset=reset)

    @classmethod
    def drop_after(cls, *, reset: bool = False) -> Fault:
        """Process the request, then hang up without answering (state changed, client unaware)."""
        return cls(FaultKind.DROP_AFTER, reset=reset)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Process the request, then answer after `seconds` (a shorter read timeout fires)."""
        if seconds < 0:
            raise ValueError(f"Fault.slow seconds must be >= 0, got {seconds}")
        return cls(FaultKind.SLOW, delay=seconds)

    def body(self) -> tuple[str, bytes]:
        """(content type, body) of an error-status fault."""
        if self.status in _GATEWAY_REASONS:
            page = _GATEWAY_PAGE.format(code=self.status, reason=_GATEWAY_REASONS[self.status])
            return "text/html", page.encode()
        from ._wire import dump_json, error_body

        message = "Internal Server Error" if self.status == 500 else "Injected fault"
        return "application/json; charset=utf-8", dump_json(error_body(self.status, message))

    def __str__(self) -> str:
        detail = {
            FaultKind.STATUS: f"({self.status})",
            FaultKind.RATE_LIMITED: f"(retry_after={self.retry_after})",
            FaultKind.SLOW: f"({self.delay}s)",
        }.get(self.kind, "(reset)" if self.reset else "")
        return f"{self.kind.value}{detail}"


@dataclass(slots=True)
class FaultRule:
    """A fault applied to matching requests: `times` uses (None: unlimited) with `probability` each.

    `method` matches exactly (case-insensitive); `path` is a glob (`/api/v2/accounts/*/pause`) or
    a compiled regex searched in the path. The first `skip` matching requests pass untouched
    (e.g. `skip=1` fails the second request of a split call).
    """

    fault: Fault
    times: int | None = 1
    probability: float = 1.0
    method: str | None = None
    path: str | re.Pattern[str] | None = None
    injected: int = 0
    skip: int = 0
    skipped: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to the request (ignoring uses left and probability)."""
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        if isinstance(self.path, re.Pattern):
            return self.path.search(path) is not None
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def exhausted(self) -> bool:
        """True once the rule has used all its `times`."""
        return self.times is not None and self.injected >= self.times


@dataclass(frozen=True, slots=True)
class InjectedFault:
    """A record of one injected fault: which request (by `seq` in the request log) and what."""

    seq: int
    method: str
    path: str
    fault: Fault


class FaultPlan:
    """Ordered fault rules plus the record of what was injected. Thread-safe; the RNG is seeded."""

    def __init__(self, rules: list[FaultRule] | None = None, *, seed: int = 0) -> None:
        self._rules = list(rules or [])
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: list[InjectedFault] = []

    def add(
        self,
        fault: Fault,
        *,
        times: int | None = 1,
        probability: float = 1.0,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        skip: int = 0,
    ) -> FaultRule:
        """Fail the next `times` matching requests (None: all of them), each with `probability`,
        after letting the first `skip` of them through."""
        if times is not None and times < 1:
            raise ValueError(f"times must be >= 1 or None, got {times}")
        if skip < 0:
            raise ValueError(f"skip must be >= 0, got {skip}")
        if not 0.0 < probability <= 1.0:
            raise ValueError(f"probability must be in (0, 1], got {probability}")
        rule = FaultRule(fault, times, probability, method, path, skip=skip)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule (the record of injected faults is kept)."""
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """A copy of the current rules."""
        with self._lock:
            return list(self._rules)

    def pick(self, seq: int, method: str, path: str) -> Fault | None:
        """The fault for this request, if any, recorded and counted against its rule."""
        with self._lock:
            if not self._rules:
                return None
            for rule in self._rules:
                if rule.exhausted or not rule.matches(method, path):
                    continue
                if rule.skipped < rule.skip:
                    rule.skipped += 1
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.injected += 1
                self.injected.append(InjectedFault(seq, method, path, rule.fault))
                return rule.fault
            return None
