"""instantly.testing: a stateful fake of Instantly's API v2 to test against (no key, no network).

Every operation of the pinned spec is served (from the spec by default; see docs/fake.md).

    fake = FakeInstantly()
    fake.seed_accounts(3)
    with httpx.Client(transport=fake.transport(), base_url="https://api.instantly.ai",
                      headers={"Authorization": "Bearer test"}) as http:
        http.post("/api/v2/accounts/sender001@example.com/pause")

or over real HTTP: `with fake.serve() as base_url: ...`, or standalone:
`python -m instantly.testing --port 8080 --accounts 25`.

Importing this package is cheap: httpx and the HTTP server load only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._clock import FakeClock
from ._fake import FakeInstantly
from ._fake_agency import FakeAgency
from ._fake_jobs import JobControl, JobPhase, JobScript
from ._faults import Fault, FaultKind, FaultPlan, FaultRule, InjectedFault
from ._server_rate_limit import ServerRateLimit
from ._wire import Disconnect, FakeResponse, RecordedRequest

if TYPE_CHECKING:
    from ._in_process_transport import FakeTransport
    from ._server import LoopbackServer

__all__ = [
    "Disconnect",
    "FakeAgency",
    "FakeClock",
    "FakeInstantly",
    "FakeResponse",
    "FakeTransport",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "InjectedFault",
    "JobControl",
    "JobPhase",
    "JobScript",
    "LoopbackServer",
    "RecordedRequest",
    "ServerRateLimit",
]

_LAZY = {"FakeTransport": "._in_process_transport", "LoopbackServer": "._server"}


def __getattr__(name: str) -> Any:
    """Load the httpx transport and the HTTP server only when asked for (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        value.__module__ = __name__
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


for _name in __all__:
    _obj = globals().get(_name)
    if _obj is not None:
        _obj.__module__ = __name__
del _name, _obj
