"""readOnly stays out of request bodies, writeOnly is never required in a response.

Unit tests of `honour_read_write_markers` on small specs, and one synthetic spec regenerated with
`regenerate.py --spec/--output` whose request body refers to a component with a required readOnly
property: the generated method neither requires nor sends it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from scripts.normalize import honour_read_write_markers
from tests.scripts.synthetic_specs import minimal_spec

REPO = Path(__file__).resolve().parents[2]
JSON = "application/json"
THING_REF = {"$ref": "#/components/schemas/Thing"}


def thing() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "Thing",
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "secret": {"type": "string", "writeOnly": True},
        },
        "required": ["id", "name", "secret"],
    }


def spec_with_body(body_schema: dict[str, Any]) -> dict[str, Any]:
    """One POST whose body is `body_schema` and whose answer is a Thing."""
    return {
        "openapi": "3.1.0",
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": {JSON: {"schema": body_schema}}},
                    "responses": {"200": {"content": {JSON: {"schema": dict(THING_REF)}}}},
                }
            }
        },
        "components": {"schemas": {"Thing": thing()}},
    }


def body(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = spec["paths"]["/things"]["post"]["requestBody"]["content"][JSON][
        "schema"
    ]
    return result


def test_a_request_body_referring_to_a_component_with_read_only_gets_a_request_view() -> None:
    spec = spec_with_body(dict(THING_REF))
    honour_read_write_markers(spec, [])
    assert body(spec) == {"$ref": "#/components/schemas/ThingRequest"}
    view = spec["components"]["schemas"]["ThingRequest"]
    assert sorted(view["properties"]) == ["name", "secret"]
    assert view["required"] == ["name", "secret"]  # writeOnly stays required in a request
    assert view["title"] == "ThingRequest"
    assert view["x-read-only"] == ["id"]  # kept by name: the facade refuses it if sent


def test_the_response_side_component_keeps_read_only_and_drops_write_only_from_required() -> None:
    spec = spec_with_body(dict(THING_REF))
    honour_read_write_markers(spec, [])
    component = spec["components"]["schemas"]["Thing"]
    assert sorted(component["properties"]) == ["id", "name", "secret"]
    assert component["required"] == ["id", "name"]


def test_an_inline_request_body_loses_its_read_only_properties() -> None:
    spec = spec_with_body(thing())
    honour_read_write_markers(spec, [])
    assert sorted(body(spec)["properties"]) == ["name", "secret"]
    assert body(spec)["required"] == ["name", "secret"]


def test_a_nested_reference_inside_a_request_view_points_at_a_request_view() -> None:
    spec = spec_with_body(dict(THING_REF))
    spec["components"]["schemas"]["Box"] = {
        "type": "object",
        "properties": {"things": {"type": "array", "items": dict(THING_REF)}},
    }
    spec["paths"]["/things"]["post"]["requestBody"]["content"][JSON]["schema"] = {
        "$ref": "#/components/schemas/Box"
    }
    honour_read_write_markers(spec, [])
    schemas = spec["components"]["schemas"]
    assert body(spec) == {"$ref": "#/components/schemas/BoxRequest"}
    assert schemas["BoxRequest"]["properties"]["things"]["items"] == {
        "$ref": "#/components/schemas/ThingRequest"
    }
    assert schemas["Box"]["properties"]["things"]["items"] == THING_REF  # responses unchanged


def test_a_component_without_markers_is_referred_to_as_it_is() -> None:
    spec = spec_with_body(dict(THING_REF))
    spec["components"]["schemas"]["Thing"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    assert honour_read_write_markers(spec, []) == 0
    assert body(spec) == THING_REF
    assert "ThingRequest" not in spec["components"]["schemas"]


def test_a_request_view_name_already_taken_gets_another_readable_name() -> None:
    spec = spec_with_body(dict(THING_REF))
    spec["components"]["schemas"]["ThingRequest"] = {"type": "object", "title": "ThingRequest"}
    honour_read_write_markers(spec, [])
    assert body(spec) == {"$ref": "#/components/schemas/ThingRequestBody"}


def test_a_self_referring_component_gets_one_view_referring_to_itself() -> None:
    spec = spec_with_body(dict(THING_REF))
    spec["components"]["schemas"]["Thing"]["properties"]["parent"] = dict(THING_REF)
    honour_read_write_markers(spec, [])
    view = spec["components"]["schemas"]["ThingRequest"]
    assert view["properties"]["parent"] == {"$ref": "#/components/schemas/ThingRequest"}


def test_write_only_is_dropped_from_required_in_an_inline_response() -> None:
    spec = spec_with_body({"type": "object"})
    spec["paths"]["/things"]["post"]["responses"]["200"]["content"][JSON]["schema"] = thing()
    honour_read_write_markers(spec, [])
    answer = spec["paths"]["/things"]["post"]["responses"]["200"]["content"][JSON]["schema"]
    assert answer["required"] == ["id", "name"]


# --- end to end: the generated method -------------------------------------------------------


def synthetic_spec() -> dict[str, Any]:
    """The minimal spec plus POST /api/v2/things whose body is a Thing (id: readOnly, required)."""
    spec = minimal_spec()
    schemas = spec["components"]["schemas"]
    schemas["Thing"]["properties"] = {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string", "minLength": 1},
    }
    schemas["Thing"]["required"] = ["id", "name"]
    spec["paths"]["/api/v2/things"] = {
        "post": {
            "operationId": "createThing",
            "tags": ["Thing"],
            "requestBody": {"required": True, "content": {JSON: {"schema": dict(THING_REF)}}},
            "responses": {"200": {"description": "ok", "content": {JSON: {"schema": THING_REF}}}},
        }
    }
    return spec


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("read-only")
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(synthetic_spec()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/regenerate.py", "--spec", str(spec_path), "--output", str(tmp)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return tmp


DRIVE = textwrap.dedent(
    """
    import inspect, json
    import httpx
    import instantly_api
    from instantly import Instantly

    assert instantly_api.__file__.startswith(BUILT), instantly_api.__file__
    sent = []

    def answer(request):
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"id": "t-1", "name": "lamp"})

    with Instantly("k", transport=httpx.MockTransport(answer), rate_limit=None) as client:
        parameters = inspect.signature(client.things.create).parameters
        thing = client.things.create(name="lamp")
        try:
            client.things.create(name="lamp", id="mine")
            refused = False
        except ValueError:  # InvalidInputError: not an argument of this method
            refused = True
        try:
            client.things.create(body={"name": "lamp", "id": "mine"})
            refused_in_body = ""
        except ValueError as exc:
            refused_in_body = str(exc)
        try:
            client.things.create(name="")
            checked = False
        except ValueError:
            checked = True
    print(json.dumps({
        "parameters": sorted(parameters), "sent": sent, "id": thing.id,
        "refused": refused, "checked": checked, "refused_in_body": refused_in_body,
    }))
    """
)


def test_a_required_read_only_property_is_neither_required_nor_sent(built: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(built), str(REPO / "facade"), str(REPO)]),
    }
    run = subprocess.run(
        [sys.executable, "-c", f"BUILT = {str(built)!r}\n" + DRIVE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "id" not in seen["parameters"] and "name" in seen["parameters"]
    assert seen["sent"] == [{"name": "lamp"}]  # the readOnly id is not sent
    assert seen["id"] == "t-1"  # ... and the response still reads it
    assert seen["refused"] is True  # passing it is refused before sending
    assert "id='mine' is not accepted: it is read-only" in seen["refused_in_body"]
    assert len(seen["sent"]) == 1  # ... also inside a body mapping, before sending
    assert seen["checked"] is True  # the rest of the body is still validated (minLength)


def test_the_response_model_still_requires_the_read_only_property(built: Path) -> None:
    source = (built / "instantly_api" / "models" / "thing.py").read_text(encoding="utf-8")
    assert "    id: str\n" in source
    request = (built / "instantly_api" / "models" / "thing_request.py").read_text(encoding="utf-8")
    assert "class ThingRequest" in request and "    id:" not in request
