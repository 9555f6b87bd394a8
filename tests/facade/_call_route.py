"""The route of one call through the code: which files it enters, in order, and how often it
crosses between generated and hand-written code.

`trace(call)` runs `call()` under `sys.setprofile` and returns every Python function it entered,
as (layer, file, function); `route(...)` folds consecutive entries of one file into one hop.
The call should be warmed up first (a first call also runs the imports it triggers).

    python -m tests.facade._call_route      # prints the routes of accounts.pause and leads.list
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

__all__ = ["Hop", "hand_written_files", "route", "sample_client", "trace"]

_ROOT = Path(__file__).resolve().parents[2]
_LAYERS = {
    "hand-written": _ROOT / "facade" / "instantly",
    "generated": _ROOT / "generated" / "instantly_api",
}


@dataclass(frozen=True)
class Hop:
    """One stretch of the call inside one file: its layer, the file, the functions entered."""

    layer: str
    file: str
    functions: tuple[str, ...]


def _layer_of(filename: str) -> tuple[str, str] | None:
    path = Path(filename)
    for layer, root in _LAYERS.items():
        if path.is_relative_to(root):
            return layer, str(path.relative_to(_ROOT))
    return None


def trace(call: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """Every function of the two packages `call()` entered, in order: (layer, file, function)."""
    entered: list[tuple[str, str, str]] = []
    known: dict[str, tuple[str, str] | None] = {}

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        filename = frame.f_code.co_filename
        where = known.get(filename)
        if filename not in known:
            where = known[filename] = _layer_of(filename)
        if where is not None:
            entered.append((where[0], where[1], frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return entered


def route(entered: list[tuple[str, str, str]]) -> list[Hop]:
    """Consecutive entries in one file folded into one hop."""
    hops: list[Hop] = []
    for layer, file, function in entered:
        if hops and hops[-1].file == file:
            last = hops[-1]
            if function not in last.functions:
                hops[-1] = Hop(layer, file, (*last.functions, function))
        else:
            hops.append(Hop(layer, file, (function,)))
    return hops


def hand_written_files(hops: list[Hop]) -> list[str]:
    """The hand-written files a route passes through, each once, in first-entered order."""
    return list(dict.fromkeys(h.file for h in hops if h.layer == "hand-written"))


_ACCOUNT = {
    "email": "jon@doe.com",
    "timestamp_created": "2026-03-05T23:09:47.220Z",
    "timestamp_updated": "2026-03-05T23:09:47.220Z",
    "first_name": "Jon",
    "last_name": "Doe",
    "organization": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "warmup_status": 1,
    "provider_code": 2,
    "setup_pending": False,
    "is_managed_account": False,
    "status": 2,
}
_LEAD = {
    "id": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "timestamp_created": "2026-03-05T23:09:47.220Z",
    "timestamp_updated": "2026-03-05T23:09:47.220Z",
    "organization": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "status": 1,
    "email_open_count": 0,
    "email_reply_count": 0,
    "email_click_count": 0,
    "company_domain": "doe.com",
    "status_summary": {},
    "campaign": None,
    "email": "jane@doe.com",
}


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/pause"):
        return httpx.Response(200, json=_ACCOUNT)
    return httpx.Response(200, json={"items": [_LEAD]})


def sample_client() -> Any:
    """A client with the default settings (rate limiter, retries) answered from memory."""
    from instantly import Instantly

    return Instantly(api_key="k", transport=httpx.MockTransport(_answer))


def _calls(client: Any) -> dict[str, Callable[[], Any]]:
    return {
        "client.accounts.pause(email)": lambda: client.accounts.pause("jon@doe.com"),
        "one client.leads.list(...) page": lambda: next(iter(client.leads.list(limit=1))),
    }


def routes() -> dict[str, list[Hop]]:
    """The route of each sample call, each traced after one warm-up call."""
    client = sample_client()
    found: dict[str, list[Hop]] = {}
    for name, call in _calls(client).items():
        call()
        found[name] = route(trace(call))
    client.close()
    return found


def main() -> None:
    for name, hops in routes().items():
        files = hand_written_files(hops)
        crossings = sum(1 for a, b in itertools.pairwise(hops) if a.layer != b.layer)
        print(f"{name}: {len(files)} hand-written files, {len(hops)} hops, {crossings} crossings")
        for hop in hops:
            print(f"  {hop.layer:12} {hop.file}: {', '.join(hop.functions)}")


if __name__ == "__main__":
    main()
