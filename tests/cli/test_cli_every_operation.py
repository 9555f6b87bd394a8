"""Every operation of the pin through the command line: `--dry-run` prints the request the
library sends for the same arguments, and a real call against the fake exits 0 with its result
printed (`--json` parses).

The arguments are the spec's examples the library's own tests call each method with
(`tests/contract/_resource_calls.py`); the fake is seeded with the records a call names, as the
fake's every-operation test does (`tests/behaviour/test_fake_every_operation.py`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from _cli_support import API_KEY, BASE_URL
from _operation_argv import (
    HELPER_ACCOUNT,
    Row,
    _client_class,
    argv_for,
    library_call,
    operation_rows,
)
from instantly import Instantly
from instantly._cli._app import run
from instantly._cli._operation_commands import overridden
from instantly._operation import operation
from instantly._pagination import SyncPaginator
from instantly.testing import FakeInstantly
from instantly.testing._spec_routes import routes

from tests.behaviour.test_fake_every_operation import _fitted, _seed
from tests.contract._resource_calls import ExampleCall

ROWS = operation_rows()
IDS = [row[3] for row in ROWS]


class _Stop(Exception):
    """Raised by the reference transport once the library built its request."""


def _library_request(row: Row, call: ExampleCall) -> httpx.Request:
    """The first request the library sends for the call (captured, not sent)."""
    attribute, _, method, operation_id = row
    seen: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise _Stop

    with Instantly(API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(capture)) as client:
        resource = getattr(client, attribute)
        try:
            if not overridden(type(resource), method):
                result = getattr(resource, method)(*call.args, **call.kwargs)
            else:  # a helper replaces the method: the operation as the generated one sends it
                op = operation(operation_id)
                args = dict(zip((p for p, _ in op.path_params), call.args, strict=True))
                result = resource._call(op, {**args, **call.kwargs}, {})
            if isinstance(result, SyncPaginator):
                next(iter(result.iter_pages()))
        except _Stop:
            pass
    assert seen, f"{operation_id}: the library sent nothing"
    return seen[0]


def _run(argv: list[str], transport: httpx.BaseTransport) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(
        argv,
        stdout=stdout,
        stderr=stderr,
        environ={"INSTANTLY_API_KEY": API_KEY, "INSTANTLY_BASE_URL": BASE_URL},
        transport=transport,
        tqdm=None,
    )
    return code, stdout.getvalue(), stderr.getvalue()


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def test_the_command_line_has_every_operation_of_the_pin() -> None:
    from instantly_api.resources import OPERATION_MODULES

    assert sorted(IDS) == sorted(OPERATION_MODULES)
    assert len(IDS) >= 240


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_dry_run_prints_the_request_the_library_sends(row: Row, tmp_path: Path) -> None:
    call = library_call(row)
    expected = _library_request(row, call)
    refuse = httpx.MockTransport(lambda request: pytest.fail(f"sent {request.url}"))
    code, out, err = _run([*argv_for(row, call, tmp_path), "--dry-run", "--json"], refuse)
    assert code == 0, err
    printed = json.loads(out)
    assert (printed["method"], printed["url"]) == (expected.method, str(expected.url))
    assert printed["body"] == _body(expected)
    assert printed["headers"]["authorization"] == "<redacted>"
    assert API_KEY not in out


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_a_real_call_against_the_fake_exits_0_and_prints_json(row: Row, tmp_path: Path) -> None:
    _, _, method, operation_id = row
    fake = FakeInstantly(rate_limit=None)
    fake.seed_accounts(5)
    if overridden(_client_class(row[0]), method):  # a helper's operation acts on an account
        fake.add_account(HELPER_ACCOUNT)
    call = library_call(row)
    op = operation(operation_id)
    wires = [wire for _, wire in op.path_params]
    params = {wire: str(value) for wire, value in zip(wires, call.args, strict=False)}
    _seed(fake, next(r for r in routes() if r.id == operation_id), params)
    args = tuple(params.get(wire, a) for wire, a in zip(wires, call.args, strict=False))
    args, kwargs = _fitted(fake, operation_id, args, dict(call.kwargs))
    argv = argv_for(row, ExampleCall(args, kwargs), tmp_path)
    code, out, err = _run([*argv, "--json"], fake.transport())
    assert code == 0, f"{' '.join(argv)}\n{err}"
    json.loads(out)
