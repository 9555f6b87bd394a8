"""Every shape of operation the generator accepts becomes a method (issue #25), on the pin.

The pinned spec gains, each at a new path, one operation of each shape Instantly has published
or may publish: a 2xx without content (`200: Default Response`, as the Sept 2025
supersearch-enrichment operations), the same without an operationId (the March 2026 OAuth-client
operations), no tags, only error responses, two 2xx codes with different bodies, a 2xx that is
only CSV, a 204; and one shape the emitter refuses (a JSON body that is an array), which must
become a generic method with a WARNING naming it. `regenerate.py --spec --output` builds it
(exit 0); each new method is listed in api.md, in the route table (retry safety) and called on
both clients over an `httpx.MockTransport`. One build serves every test (a pin build is slow).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_files import VENDORED_SPEC_PATH

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
JSON = "application/json"
TAG = "Shape Probe"


def _object(**properties: str) -> dict[str, Any]:
    return {"type": "object", "properties": {k: {"type": v} for k, v in properties.items()}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {JSON: {"schema": schema}}}


_ERRORS = {"400": _json(_object(message="string")), "401": _json(_object(message="string"))}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

# route -> (method, operation) of each new shape
SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "/api/v2/shape-probes/enrich": (
        "post",
        {
            "operationId": "enrichShapeProbe",
            "tags": [TAG],
            "summary": "No content at all",
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {**_object(id="string"), "required": ["id"]}}},
            },
            "responses": {"200": {"description": "Default Response"}, **_ERRORS},
        },
    ),
    "/api/v2/shape-probes/oauth-clients": (
        "post",
        {
            "tags": [TAG],
            "summary": "No operationId, no content",
            "responses": {"200": {"description": "Default Response"}},
        },
    ),
    "/api/v2/untagged-shape-probes/{id}": (
        "get",
        {
            "operationId": "getUntaggedShapeProbe",
            "summary": "No tags",
            "parameters": [_ID],
            "responses": {"200": _json(_object(name="string"))},
        },
    ),
    "/api/v2/shape-probes/errors-only": (
        "get",
        {
            "operationId": "pingShapeProbe",
            "tags": [TAG],
            "summary": "Only error responses",
            "responses": dict(_ERRORS),
        },
    ),
    "/api/v2/shape-probes/several": (
        "post",
        {
            "operationId": "upsertShapeProbe",
            "tags": [TAG],
            "summary": "Two 2xx codes with different bodies",
            "responses": {
                "200": _json(_object(updated="string")),
                "201": _json(_object(created="integer")),
            },
        },
    ),
    "/api/v2/shape-probes/export": (
        "get",
        {
            "operationId": "exportShapeProbes",
            "tags": [TAG],
            "summary": "CSV only",
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                }
            },
        },
    ),
    "/api/v2/shape-probes/{id}": (
        "delete",
        {
            "operationId": "deleteShapeProbe",
            "tags": [TAG],
            "summary": "A 204",
            "parameters": [_ID],
            "responses": {"204": {"description": "Deleted"}, **_ERRORS},
        },
    ),
    "/api/v2/shape-probes/batch": (
        "post",
        {
            "operationId": "batchShapeProbes",
            "tags": [TAG],
            "summary": "A body the emitter refuses: a JSON array",
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {"type": "array", "items": _object(id="string")}}},
            },
            "responses": {"200": _json(_object(accepted="integer"))},
        },
    ),
}


def shapes_spec() -> dict[str, Any]:
    """The pinned spec plus every shape, each at a new path."""
    spec: dict[str, Any] = json.loads(VENDORED_SPEC_PATH.read_bytes().decode("utf-8-sig"))
    for path, (method, operation) in SHAPES.items():
        assert path not in spec["paths"]
        spec["paths"][path] = {method: copy.deepcopy(operation)}
    return spec


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(output folder, the build's stdout, its stderr)."""
    tmp = tmp_path_factory.mktemp("shapes")
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(shapes_spec()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/regenerate.py", "--spec", str(spec_path), "--output", str(tmp)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return tmp, done.stdout, done.stderr


def _calls(api_md: str) -> dict[str, str]:
    """route -> `client.x.y` as api.md lists it."""
    calls: dict[str, str] = {}
    for line in api_md.splitlines():
        match = re.match(r"\| `(\w+ [^`]+)` \| `(client\.\w+\.\w+)\(", line)
        if match:
            calls[match.group(1)] = match.group(2)
    return calls


@pytest.fixture(scope="module")
def api_md(built: tuple[Path, str, str]) -> str:
    """docs/api.md as the build of the shapes spec renders it."""
    tmp, _, _ = built
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from scripts.regenerate import RESOURCES_REVIEW_PATH
        from scripts.normalize import normalize_with_report
        from scripts.resource_layer import render_resource_layer
        spec = json.loads(Path({str(tmp / "spec.json")!r}).read_text())
        normalized, _ = normalize_with_report(spec)
        _, api_md = render_resource_layer(
            normalized, Path({str(tmp / "instantly_api")!r}),
            review_path=RESOURCES_REVIEW_PATH,
        )
        sys.stdout.write(api_md)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _route(path: str) -> str:
    method, _ = SHAPES[path]
    return f"{method.upper()} {path}"


def test_the_shapes_spec_regenerates_with_exit_0(built: tuple[Path, str, str]) -> None:
    tmp, stdout, _ = built
    assert (tmp / "instantly_api" / "resources" / "shape_probes.py").is_file()
    assert "generated 248 operations" in stdout


def test_the_refused_shape_gets_a_warning_naming_it_and_why(built: tuple[Path, str, str]) -> None:
    _, stdout, _ = built
    warnings = [line for line in stdout.splitlines() if line.startswith("WARNING:")]
    assert len(warnings) == 1, warnings
    assert "batchShapeProbes (POST /api/v2/shape-probes/batch): generic method" in warnings[0]
    assert "list[BatchShapeProbesBodyItem]" in warnings[0]  # why: the body is an array


def test_every_new_operation_is_listed_in_api_md(api_md: str) -> None:
    calls = _calls(api_md)
    assert sorted(_route(path) for path in SHAPES) == sorted(
        route for route in calls if "shape-probe" in route
    )


def test_every_new_operation_is_in_the_route_table(built: tuple[Path, str, str]) -> None:
    tmp, _, _ = built
    table: dict[str, Any] = {}
    exec(
        (tmp / "instantly_api" / "resources" / "_route_table.py").read_text(encoding="utf-8"), table
    )
    for path, (method, _) in SHAPES.items():
        concrete = path.replace("{id}", "p1")
        rows = [
            r for r in table["ROUTES"] if r[0] == method.upper() and re.fullmatch(r[1], concrete)
        ]
        assert len(rows) == 1, path
        assert rows[0][3] is (method == "get")  # reads repeat, writes are sent once


DRIVE = textwrap.dedent(
    """
    import asyncio, json
    import httpx
    import instantly_api
    from instantly import AsyncInstantly, Instantly, InvalidInputError

    assert instantly_api.__file__.startswith(BUILT), instantly_api.__file__
    ANSWERS = {
        "/api/v2/shape-probes/enrich": (200, b"", None),
        "/api/v2/shape-probes/oauth-clients": (200, b"", None),
        "/api/v2/untagged-shape-probes/p1": (200, b'{"name": "n"}', "application/json"),
        "/api/v2/shape-probes/errors-only": (200, b'{"pong": true}', "application/json"),
        "/api/v2/shape-probes/several": (201, b'{"created": 7}', "application/json"),
        "/api/v2/shape-probes/export": (200, b"id,name\\r\\np1,n\\r\\n", "text/csv"),
        "/api/v2/shape-probes/p1": (204, b"", None),
        "/api/v2/shape-probes/batch": (200, b'{"accepted": 2}', "application/json"),
    }
    seen = []

    def answer(request):
        seen.append([request.method, request.url.path, request.headers.get("accept"),
                     request.content.decode()])
        status, content, kind = ANSWERS[request.url.path]
        headers = {"content-type": kind} if kind else {}
        return httpx.Response(status, content=content, headers=headers)

    def resource(client, call):
        _, attribute, name = call.split(".")
        return getattr(getattr(client, attribute), name)

    def results(outcome):
        got = {}
        for route, value in outcome.items():
            if isinstance(value, httpx.Response):
                got[route] = ["response", value.status_code, value.json()]
            elif value is None or isinstance(value, str):
                got[route] = value
            else:
                got[route] = ["model", type(value).__name__, value.to_dict()]
        return got

    ARGS = {
        "POST /api/v2/shape-probes/enrich": ((), {"id": "p1"}),
        "GET /api/v2/untagged-shape-probes/{id}": (("p1",), {}),
        "DELETE /api/v2/shape-probes/{id}": (("p1",), {}),
        "POST /api/v2/shape-probes/batch": ((), {"body": [{"id": "a"}, {"id": "b"}]}),
    }

    def sync_calls():
        with Instantly("k", transport=httpx.MockTransport(answer), rate_limit=None) as client:
            try:
                resource(client, CALLS["POST /api/v2/shape-probes/enrich"])()
            except InvalidInputError as exc:  # the required body field, checked before sending
                refused = str(exc)
            else:
                raise AssertionError("a missing required field was sent")
            outcome = {}
            for route, call in CALLS.items():
                args, kwargs = ARGS.get(route, ((), {}))
                outcome[route] = resource(client, call)(*args, **kwargs)
            return refused, results(outcome)

    async def async_calls():
        transport = httpx.MockTransport(answer)
        async with AsyncInstantly("k", transport=transport, rate_limit=None) as client:
            outcome = {}
            for route, call in CALLS.items():
                args, kwargs = ARGS.get(route, ((), {}))
                outcome[route] = await resource(client, call)(*args, **kwargs)
            return results(outcome)

    refused, sync_results = sync_calls()
    async_results = asyncio.run(async_calls())
    print(json.dumps({"refused": refused, "sync": sync_results, "async": async_results,
                      "seen": seen}))
    """
)


@pytest.fixture(scope="module")
def driven(built: tuple[Path, str, str], api_md: str) -> dict[str, Any]:
    tmp, _, _ = built
    calls = {route: call for route, call in _calls(api_md).items() if "shape-probe" in route}
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp), str(REPO / "facade"), str(REPO)]),
    }
    run = subprocess.run(
        [sys.executable, "-c", f"BUILT = {str(tmp)!r}\nCALLS = {calls!r}\n" + DRIVE],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


EXPECTED = {
    "POST /api/v2/shape-probes/enrich": None,
    "POST /api/v2/shape-probes/oauth-clients": None,
    # Result types are named from what they are (the 201 beside a 200 gets the next free name).
    "GET /api/v2/untagged-shape-probes/{id}": ["model", "UntaggedShapeProbe", {"name": "n"}],
    "GET /api/v2/shape-probes/errors-only": ["response", 200, {"pong": True}],
    "POST /api/v2/shape-probes/several": ["model", "UpsertShapeProbeResult2", {"created": 7}],
    "GET /api/v2/shape-probes/export": "id,name\r\np1,n\r\n",
    "DELETE /api/v2/shape-probes/{id}": None,
    "POST /api/v2/shape-probes/batch": ["response", 200, {"accepted": 2}],
}


def test_each_new_method_returns_its_documented_result_on_the_sync_client(
    driven: dict[str, Any],
) -> None:
    assert driven["sync"] == EXPECTED


def test_each_new_method_returns_its_documented_result_on_the_async_client(
    driven: dict[str, Any],
) -> None:
    assert driven["async"] == EXPECTED


def test_a_new_method_checks_its_arguments_before_sending(driven: dict[str, Any]) -> None:
    assert "id" in driven["refused"]
    assert len(driven["seen"]) == 2 * len(SHAPES)  # the refused call sent nothing


def test_the_generic_method_sends_its_body_as_given(driven: dict[str, Any]) -> None:
    sent = [s for s in driven["seen"] if s[1] == "/api/v2/shape-probes/batch"]
    assert [json.loads(s[3]) for s in sent] == [[{"id": "a"}, {"id": "b"}]] * 2


def test_the_csv_operation_asks_for_csv(driven: dict[str, Any]) -> None:
    sent = [s for s in driven["seen"] if s[1] == "/api/v2/shape-probes/export"]
    assert [s[2] for s in sent] == ["text/csv", "text/csv"]
