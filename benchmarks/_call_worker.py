"""One client in its own process, timing batches of calls on command (run by `calls.py`).

    python _call_worker.py CLIENT BASE_URL EMAIL

CLIENT is `instantly` (our facade), `httpx` (raw httpx + json.loads) or `instantlyai` (the PyPI
SDK, run by the interpreter of its throw-away venv). The worker prints `ready`, then for each
stdin line `OP N` (OP: get, pause, page) makes N calls and prints `{"seconds": total}`; an
operation the client lacks answers `{"error": ...}`. It exits at end of input. It imports only
what its client needs, so the instantlyai venv never needs this repository's packages.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["main"]

_KEY = "bench-key"
PAGE_SIZE = 100

Call = Callable[[], object]


def _ours(base_url: str, email: str) -> dict[str, Call]:
    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(root / "facade"), str(root / "generated")]
    from instantly import Instantly, RateLimit

    # The limiter stays on, with limits far above the call rate: its bookkeeping is measured,
    # its waiting is not.
    client = Instantly(
        _KEY, base_url=base_url, rate_limit=RateLimit(per_second=10**7, per_minute=10**9)
    )
    calls: dict[str, Call] = {
        "get": lambda: client.accounts.get(email),
        "page": lambda: next(iter(client.accounts.list(limit=PAGE_SIZE).iter_pages())).items,
    }
    pause = getattr(client.accounts, "pause", None)
    if pause is not None:
        calls["pause"] = lambda: pause(email)
    return calls


def _raw_httpx(base_url: str, email: str) -> dict[str, Call]:
    import httpx

    http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {_KEY}"})
    return {
        "get": lambda: json.loads(http.get(f"/api/v2/accounts/{email}").content),
        "pause": lambda: json.loads(http.post(f"/api/v2/accounts/{email}/pause").content),
        "page": lambda: json.loads(
            http.get("/api/v2/accounts", params={"limit": PAGE_SIZE}).content
        )["items"],
    }


def _instantlyai(base_url: str, email: str) -> dict[str, Call]:
    import instantlyai  # type: ignore[import-not-found]  # only in its throw-away venv

    client = instantlyai.Instantly(api_key=_KEY, base_url=base_url)
    return {
        "get": lambda: client.accounts.retrieve(email),
        "pause": lambda: client.accounts.pause(email),
        "page": lambda: client.accounts.list(limit=PAGE_SIZE).items,
    }


_CLIENTS: dict[str, Callable[[str, str], dict[str, Call]]] = {
    "instantly": _ours,
    "httpx": _raw_httpx,
    "instantlyai": _instantlyai,
}


def main(argv: list[str] | None = None) -> int:
    """Build the client, print `ready`, then time each commanded batch."""
    name, base_url, email = argv if argv is not None else sys.argv[1:]
    calls = _CLIENTS[name](base_url, email)
    print("ready", flush=True)
    for line in sys.stdin:
        op, _, count = line.strip().partition(" ")
        call = calls.get(op)
        if call is None:
            print(json.dumps({"error": f"{name} has no {op!r} call"}), flush=True)
            continue
        n = int(count)
        start = time.perf_counter()
        for _ in range(n):
            call()
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
