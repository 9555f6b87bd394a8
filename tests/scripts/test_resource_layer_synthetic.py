"""A spec that adds a tag regenerates into a new resource, a paginator and a job handle, unaided.

A minimal synthetic spec gains the tag `Gadget` with a cursor-paged list (`starting_after` in,
`items` + `next_starting_after` out) and a POST whose 2xx is the background-job schema (by its
title, under another component name). `scripts/regenerate.py --spec FILE --output DIR` builds it
into a temporary folder; a subprocess imports the built package ahead of the repository's and
drives `Instantly().gadgets` over an `httpx.MockTransport`. Also: two operations deriving one
method name are refused with a message naming both, and a stale reviewed entry prints a note.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.scripts.synthetic_specs import minimal_spec

REPO = Path(__file__).resolve().parents[2]
JSON = "application/json"
JOB_SCHEMA = {
    "title": "Background Job",
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "workspace_id": {"type": "string"},
        "type": {"type": "string"},
        "progress": {"type": "number"},
        "status": {"type": "string"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
    "required": ["id", "status"],
}
GADGET = {
    "type": "object",
    "title": "Gadget",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "required": ["id"],
}


def _json(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {JSON: {"schema": schema}}}}


def gadget_spec() -> dict[str, Any]:
    """The minimal spec plus the Gadget tag: a paged list and a job-starting POST."""
    spec = minimal_spec()
    spec["components"]["schemas"]["Gadget"] = copy.deepcopy(GADGET)
    spec["components"]["schemas"]["GadgetJob"] = copy.deepcopy(JOB_SCHEMA)
    job_ref = {"$ref": "#/components/schemas/GadgetJob"}
    spec["paths"]["/api/v2/gadgets"] = {
        "get": {
            "operationId": "listGadget",
            "tags": ["Gadget"],
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": _json(
                {
                    "type": "object",
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Gadget"},
                        },
                        "next_starting_after": {"type": "string"},
                    },
                    "required": ["items"],
                }
            ),
        }
    }
    spec["paths"]["/api/v2/gadgets/rebuild"] = {
        "post": {
            "operationId": "rebuildGadgets",
            "tags": ["Gadget"],
            "requestBody": {
                "content": {
                    JSON: {
                        "schema": {
                            "type": "object",
                            "properties": {"ids": {"type": "array", "items": {"type": "string"}}},
                        }
                    }
                }
            },
            "responses": _json(job_ref),
        }
    }
    spec["paths"]["/api/v2/background-jobs/{id}"] = {
        "get": {
            "operationId": "getBackgroundJob",
            "tags": ["BackgroundJob"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": _json(job_ref),
        }
    }
    return spec


def _regenerate(spec: dict[str, Any], tmp: Path) -> subprocess.CompletedProcess[str]:
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "scripts/regenerate.py", "--spec", str(spec_path), "--output", str(tmp)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("gadgets")
    result = _regenerate(gadget_spec(), tmp)
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp, result


DRIVE = textwrap.dedent(
    """
    import json
    import httpx
    import instantly_api
    from instantly import Instantly
    from instantly._job_handles import JobHandle
    from instantly._pagination import SyncPaginator
    from instantly_api.resources import RESOURCES

    assert instantly_api.__file__.startswith(BUILT), instantly_api.__file__
    assert "gadgets" in RESOURCES, sorted(RESOURCES)
    JOB = {"id": "job-1", "status": "pending"}
    seen = []

    def answer(request):
        seen.append((request.method, request.url.path, dict(request.url.params)))
        if request.url.path == "/api/v2/gadgets":
            if "starting_after" not in request.url.params:
                body = {"items": [{"id": "g1"}], "next_starting_after": "g1"}
            else:
                body = {"items": [{"id": "g2"}]}
            return httpx.Response(200, json=body)
        return httpx.Response(200, json=JOB)

    with Instantly("k", transport=httpx.MockTransport(answer), rate_limit=None) as client:
        pages = client.gadgets.list()
        assert isinstance(pages, SyncPaginator), type(pages)
        assert [g.id for g in pages] == ["g1", "g2"]
        handle = client.gadgets.rebuild(ids=["g1"])
        assert isinstance(handle, JobHandle), type(handle)
        assert handle.id == "job-1"
    print(json.dumps(seen))
    """
)


def test_the_new_tag_becomes_a_resource_with_a_paginator_and_a_job_handle(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp, _ = built
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp), str(REPO / "facade"), str(REPO)]),
    }
    run = subprocess.run(
        [sys.executable, "-c", f"BUILT = {str(tmp)!r}\n" + DRIVE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert [s[:2] for s in seen] == [
        ["GET", "/api/v2/gadgets"],
        ["GET", "/api/v2/gadgets"],
        ["POST", "/api/v2/gadgets/rebuild"],
    ]
    assert seen[0][2] == {"limit": "100"}  # the page size at the spec's maximum
    assert seen[1][2] == {"limit": "100", "starting_after": "g1"}


def test_the_new_resource_is_listed_in_the_resources_index_and_api_md(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp, _ = built
    index = (tmp / "instantly_api" / "resources" / "__init__.py").read_text(encoding="utf-8")
    assert '"gadgets": (' in index
    source = (tmp / "instantly_api" / "resources" / "gadgets.py").read_text(encoding="utf-8")
    assert "def list(" in source and "self._paginate(" in source
    assert "def rebuild(" in source and "start_job(" in source
    assert "class Gadgets(SyncResource)" in source and "class AsyncGadgets(AsyncResource)" in source


def test_a_stale_reviewed_entry_prints_a_note(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = built
    # openapi/resources.json names operations of the pinned spec this small spec does not have.
    assert "resources.json names pauseAccounts, which the spec does not have" in result.stderr
    # ... and tags whose resource name it reviews (OAuth's operations are not in this spec).
    assert "resources.json names tag OAuth, which the spec does not have" in result.stderr


def test_two_operations_deriving_one_method_name_are_refused_naming_both(tmp_path: Path) -> None:
    spec = gadget_spec()
    listing = copy.deepcopy(spec["paths"]["/api/v2/gadgets"]["get"])
    listing["operationId"] = "listGadgets"  # derives `list` too
    spec["paths"]["/api/v2/gadgets/all"] = {"get": listing}
    result = _regenerate(spec, tmp_path)
    assert result.returncode != 0
    assert "names collide" in result.stderr
    assert "listGadget and listGadgets" in result.stderr
    assert not (tmp_path / "instantly_api").exists()  # a failed build leaves nothing behind
