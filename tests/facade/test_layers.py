"""The layers point one way: generated code uses only the runtime below it, helpers are ordinary
hand-written code the generator never reads, and a resource call hands its operation down."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import httpx
import pytest
from _facade_helpers import ACCOUNT, API_KEY, FakeTime, json_response
from instantly import AsyncInstantly, Instantly

from tests.facade._call_route import hand_written_files, routes

_ROOT = Path(__file__).resolve().parents[2]

# What generated code may import from the hand-written package: the runtime layer.
RUNTIME_LAYER = frozenset(
    {
        "instantly._operation",  # Operation: one operation as data; prepare; Call
        "instantly._plans",  # start_job: the plan of an operation that starts a job
        "instantly._outcomes",  # accept / checked_call: 2xx answers that carry an outcome
        "instantly.resources._base",  # the runner interface: SyncResource, AsyncResource, options
        "instantly._pagination",  # paginators (type hints)
        "instantly._job_handles",  # job handles and groups (type hints)
    }
)


def _instantly_imports(path: Path) -> set[str]:
    """Every `instantly` module a file imports, at the top, in functions or under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n for n in names if n == "instantly" or n.startswith("instantly."))
    return found


def test_generated_modules_import_only_the_runtime_layer() -> None:
    strays = {
        f"{path.relative_to(_ROOT)}: {module}"
        for path in sorted((_ROOT / "generated" / "instantly_api").rglob("*.py"))
        for module in _instantly_imports(path) - RUNTIME_LAYER
    }
    assert strays == set()


def test_no_build_script_reads_the_hand_written_helpers() -> None:
    readers = [
        str(path.relative_to(_ROOT))
        for path in sorted((_ROOT / "scripts").rglob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        if "_helpers" in text or "instantly.resources." in text.replace("resources._base", "")
    ]
    assert readers == []


def test_the_resource_layer_is_rendered_from_the_spec_and_generated_code_only() -> None:
    from scripts.resource_layer import render_resource_layer

    parameters = set(inspect.signature(render_resource_layer).parameters)
    assert parameters == {"document", "package_dir", "review_path", "snapshot", "warnings"}


def test_a_helper_keeps_its_plans_signature_and_docstring_on_both_clients() -> None:
    sync, async_ = Instantly(API_KEY), AsyncInstantly(API_KEY)
    for method in (sync.accounts.pause, async_.accounts.pause):
        assert list(inspect.signature(method).parameters) == ["email", "options"]
        assert (method.__doc__ or "").startswith("Pause the account")
    sync.close()


def test_a_helper_replacing_an_operation_overrides_its_generated_method() -> None:
    from instantly.resources.accounts import Accounts, pause
    from instantly_api.resources import accounts as generated

    assert issubclass(Accounts, generated.Accounts)
    assert Accounts.pause is not generated.Accounts.pause
    assert Accounts.pause.__doc__ == pause.__doc__


def test_a_helper_runs_its_plan_on_the_async_client() -> None:
    import asyncio

    def answer(request: httpx.Request) -> httpx.Response:
        return json_response(200, {**ACCOUNT, "status": 2})

    async def main() -> Any:
        async with AsyncInstantly(API_KEY, transport=httpx.MockTransport(answer)) as client:
            return await client.accounts.pause("jon@doe.com")

    assert asyncio.run(main()).status == 2


def test_the_warmup_job_query_names_the_warmup_job_type() -> None:
    from instantly._bulk import WARMUP_JOB_TYPE
    from instantly.resources.accounts import _JOB_QUERY

    assert _JOB_QUERY["type"] == WARMUP_JOB_TYPE


# --- the operation handed to the transport --------------------------------------------------


def test_a_resource_call_hands_its_operation_to_the_transport() -> None:
    seen: list[Any] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get("instantly.operation"))
        return json_response(200, ACCOUNT)

    with Instantly(API_KEY, transport=httpx.MockTransport(answer)) as client:
        client.accounts.get("jon@doe.com")
    assert [op.id for op in seen] == ["getAccount"]


def test_a_resource_call_is_retried_by_its_operations_safety_without_route_matching(
    monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime
) -> None:
    import instantly._client
    import instantly._route_lookup

    def no_lookup(*args: object) -> None:
        raise AssertionError("a resource call was matched against the route tables")

    monkeypatch.setattr(instantly._route_lookup, "is_repeatable", no_lookup)
    monkeypatch.setattr(instantly._client, "limited_route_of", no_lookup)
    answers = iter([json_response(503, {}), json_response(200, {**ACCOUNT, "status": 2})])
    with Instantly(
        API_KEY,
        transport=httpx.MockTransport(lambda request: next(answers)),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    ) as client:
        account = client.accounts.pause("jon@doe.com")  # a write the reviewed table repeats
    assert account.status == 2
    assert len(fake_time.sleeps) == 1


def test_a_request_without_its_operation_is_matched_by_route(fake_time: FakeTime) -> None:
    answers = iter([json_response(503, {}), json_response(200, ACCOUNT)])
    with Instantly(
        API_KEY,
        transport=httpx.MockTransport(lambda request: next(answers)),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    ) as client:
        response = client.http_client.post("/api/v2/accounts/jon%40doe.com/pause")
    assert response.status_code == 200  # pauseAccount is repeatable: retried once
    assert len(fake_time.sleeps) == 1


# --- the way of a call through the code ------------------------------------------------------


@pytest.mark.parametrize(
    "call", ["client.accounts.pause(email)", "one client.leads.list(...) page"]
)
def test_a_call_passes_through_at_most_eight_hand_written_files(call: str) -> None:
    files = hand_written_files(routes()[call])
    assert len(files) <= 8, files
