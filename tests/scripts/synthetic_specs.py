"""Small synthetic specs, each adding one construct Instantly may publish, and how to prove it.

Every `add_*` function adds its construct to any spec (a minimal one, or the pinned spec) under
the `Synthetic` tag, and returns the `Probe` a test runs against the generated package: a Python
snippet that must exit 0 inside the output folder (it parses an example body with the new model).
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CONSTRUCTS", "Probe", "minimal_spec"]

JSON = "application/json"
_ERROR = {
    "description": "Unauthorized",
    "content": {
        JSON: {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            }
        }
    },
}

# Runs a generated operation against an httpx.MockTransport answering BODY with STATUS.
_CALL = """
import httpx
from instantly_api import AuthenticatedClient

def call(module, answer_body, status=200, content_type="application/json", **kwargs):
    import json
    def answer(request):
        payload = json.dumps(answer_body).encode()
        return httpx.Response(status, content=payload, headers={"content-type": content_type})
    client = AuthenticatedClient(base_url="http://127.0.0.1", token="k")
    client.set_httpx_client(
        httpx.Client(base_url="http://127.0.0.1", transport=httpx.MockTransport(answer))
    )
    return module.sync_detailed(client=client, **kwargs).parsed
"""


@dataclass(frozen=True)
class Probe:
    """What proves a construct was handled: the rule expected to fire and a snippet to run."""

    rule: str
    snippet: str

    @property
    def code(self) -> str:
        return _CALL + textwrap.dedent(self.snippet)


def minimal_spec() -> dict[str, Any]:
    """One operation returning one model: the smallest spec the pipeline builds."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "synthetic", "version": "1"},
        "paths": {
            "/api/v2/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "tags": ["Thing"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "401": copy.deepcopy(_ERROR),
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "title": "Thing",
                    "properties": {"id": {"type": "string"}},
                    "required": ["id"],
                }
            }
        },
    }


def _operation(spec: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> None:
    operation = {"tags": ["Synthetic"], **operation}
    operation["responses"] = {**operation["responses"], "401": copy.deepcopy(_ERROR)}
    spec["paths"].setdefault(path, {})[method] = operation


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    return schemas


def _ok(schema: dict[str, Any], media: tuple[str, ...] = (JSON,)) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {m: {"schema": schema} for m in media}}}


def add_dangling_ref(spec: dict[str, Any]) -> Probe:
    """A 200 whose `$ref` names a component that does not exist."""
    _operation(
        spec,
        "/api/v2/synthetic/dangling",
        "get",
        {
            "operationId": "getSyntheticDangling",
            "responses": _ok({"$ref": "#/components/schemas/SyntheticMissing"}),
        },
    )
    return Probe(
        "replace_dangling_refs",
        """
        from instantly_api.api.synthetic import get_synthetic_dangling as op
        assert call(op, {"any": ["json", 1]}) == {"any": ["json", 1]}
        """,
    )


def add_colliding_titles(spec: dict[str, Any]) -> Probe:
    """Two new components (one a `def-N`) whose titles name the same class."""
    schemas = _schemas(spec)
    schemas["def-901"] = {
        "type": "object",
        "title": "Synthetic Widget",
        "properties": {"size": {"type": "integer"}},
    }
    schemas["SyntheticGadget"] = {
        "type": "object",
        "title": "Synthetic Widget",
        "properties": {"colour": {"type": "string"}},
    }
    body = {
        "type": "object",
        "properties": {
            "widget": {"$ref": "#/components/schemas/def-901"},
            "gadget": {"$ref": "#/components/schemas/SyntheticGadget"},
        },
    }
    _operation(
        spec,
        "/api/v2/synthetic/widgets",
        "get",
        {"operationId": "getSyntheticWidgets", "responses": _ok(body)},
    )
    return Probe(
        "give_models_unique_titles",
        """
        from instantly_api.api.synthetic import get_synthetic_widgets as op
        from instantly_api.models import SyntheticGadget, SyntheticWidget
        parsed = call(op, {"widget": {"size": 3}, "gadget": {"colour": "red"}})
        assert isinstance(parsed.widget, SyntheticWidget) and parsed.widget.size == 3
        assert isinstance(parsed.gadget, SyntheticGadget) and parsed.gadget.colour == "red"
        """,
    )


def add_csv_before_json(spec: dict[str, Any]) -> Probe:
    """A 2xx that lists `text/csv` before `application/json`."""
    _schemas(spec)["SyntheticReport"] = {
        "type": "object",
        "title": "Synthetic Report",
        "properties": {"rows": {"type": "integer"}},
        "required": ["rows"],
    }
    ok = _ok({"$ref": "#/components/schemas/SyntheticReport"}, media=("text/csv", JSON))
    ok["200"]["content"]["text/csv"]["schema"] = {"type": "string"}
    _operation(
        spec,
        "/api/v2/synthetic/report",
        "get",
        {"operationId": "getSyntheticReport", "responses": ok},
    )
    return Probe(
        "put_json_media_first",
        """
        from instantly_api.api.synthetic import get_synthetic_report as op
        from instantly_api.models import SyntheticReport
        parsed = call(op, {"rows": 7})
        assert isinstance(parsed, SyntheticReport) and parsed.rows == 7
        """,
    )


def add_reserved_property_names(spec: dict[str, Any]) -> Probe:
    """A model with properties named like the generated model's own members."""
    _schemas(spec)["SyntheticReserved"] = {
        "type": "object",
        "title": "Synthetic Reserved",
        "properties": {
            "name": {"type": "string"},
            "additional_properties": {"type": "object"},
            "toDict": {"type": "string"},
        },
        "required": ["name", "additional_properties"],
    }
    _operation(
        spec,
        "/api/v2/synthetic/reserved",
        "get",
        {
            "operationId": "getSyntheticReserved",
            "responses": _ok({"$ref": "#/components/schemas/SyntheticReserved"}),
        },
    )
    return Probe(
        "untype_reserved_properties",
        """
        from instantly_api.api.synthetic import get_synthetic_reserved as op
        body = {"name": "n", "additional_properties": {"a": 1}, "toDict": "t", "new": True}
        parsed = call(op, body)
        assert parsed.name == "n"
        assert parsed["additional_properties"] == {"a": 1} and parsed["toDict"] == "t"
        assert parsed.to_dict() == body
        """,
    )


def add_typed_anyof_requirements(spec: dict[str, Any]) -> Probe:
    """A request body whose `anyOf` branches repeat `type: object` beside `required`."""
    body = {
        "type": "object",
        "properties": {
            "campaign_id": {"type": "string"},
            "list_id": {"type": "string"},
            "name": {"type": "string"},
        },
        "anyOf": [
            {"type": "object", "required": ["campaign_id"]},
            {"type": "object", "required": ["list_id"]},
        ],
    }
    _operation(
        spec,
        "/api/v2/synthetic/moves",
        "post",
        {
            "operationId": "createSyntheticMove",
            "requestBody": {"required": True, "content": {JSON: {"schema": body}}},
            "responses": _ok({"type": "object", "properties": {"id": {"type": "string"}}}),
        },
    )
    return Probe(
        "fold_assertion_only_variants",
        """
        from instantly_api.api.synthetic import create_synthetic_move as op
        from instantly_api.models import CreateSyntheticMoveBody
        body = CreateSyntheticMoveBody(campaign_id="c", name="n")
        assert body.to_dict() == {"campaign_id": "c", "name": "n"}
        assert CreateSyntheticMoveBody.from_dict({"list_id": "l"}).list_id == "l"
        assert call(op, {"id": "m"}, body=body).id == "m"
        """,
    )


def add_nested_anyof_requirements(spec: dict[str, Any]) -> Probe:
    """A request body whose `anyOf` branches restate an object property with requirements of its
    own (Instantly's emails/forward: `body` with `html` or `text`; or `include_original_body`)."""
    note = {
        "type": "object",
        "properties": {"html": {"type": "string"}, "text": {"type": "string"}},
    }
    restated = {
        **copy.deepcopy(note),
        "anyOf": [
            {"required": ["html"], "properties": {"html": {"type": "string", "minLength": 1}}},
            {"required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
        ],
    }
    body = {
        "type": "object",
        "properties": {"subject": {"type": "string"}, "note": note, "keep": {"type": "boolean"}},
        "required": ["subject"],
        "anyOf": [
            {"required": ["note"], "properties": {"note": restated}},
            {"required": ["keep"], "properties": {"keep": {"type": "boolean", "enum": [True]}}},
        ],
    }
    _operation(
        spec,
        "/api/v2/synthetic/forward",
        "post",
        {
            "operationId": "forwardSynthetic",
            "requestBody": {"required": True, "content": {JSON: {"schema": body}}},
            "responses": _ok({"type": "object", "properties": {"id": {"type": "string"}}}),
        },
    )
    return Probe(
        "fold_assertion_only_variants",
        """
        import pathlib
        from instantly_api.api.synthetic import forward_synthetic as op
        from instantly_api.models import ForwardSyntheticBody, ForwardSyntheticBodyNote
        body = ForwardSyntheticBody(subject="s", note=ForwardSyntheticBodyNote(text="t"))
        assert body.to_dict() == {"subject": "s", "note": {"text": "t"}}
        assert ForwardSyntheticBody.from_dict({"subject": "s", "keep": True}).keep is True
        assert call(op, {"id": "f"}, body=body).id == "f"
        # The resource method takes the body's fields as keyword arguments, typed.
        source = pathlib.Path("instantly_api/resources/synthetics.py").read_text()
        assert "subject: str," in source and "note: ForwardSyntheticBodyNote |" in source, source
        """,
    )


CONSTRUCTS: dict[str, Callable[[dict[str, Any]], Probe]] = {
    "dangling-ref": add_dangling_ref,
    "colliding-titles": add_colliding_titles,
    "csv-before-json": add_csv_before_json,
    "reserved-property-names": add_reserved_property_names,
    "typed-anyof-requirements": add_typed_anyof_requirements,
    "nested-anyof-requirements": add_nested_anyof_requirements,
}
