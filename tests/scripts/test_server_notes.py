"""Field notes (openapi/server_notes.json): loaded strictly, applied by construct, loud if stale."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.normalize import (
    RULES,
    Evidence,
    OverrideError,
    ServerNote,
    ServerNoteError,
    ServerNotes,
    apply_server_notes_from,
    load_server_notes,
    normalize_with_report,
)
from scripts.normalize import _server_notes as server_notes_module
from scripts.regenerate import main
from scripts.spec_files import VENDORED_SPEC_PATH
from tests.scripts.synthetic_specs import minimal_spec

SERVER = "https://api.example.test"
EVIDENCE = (Evidence("https://example.test/capture.json", "2025-11-01", "a saved response"),)
THING = "/components/schemas/Thing"


def spec() -> dict[str, Any]:
    """A small spec documenting SERVER: a Thing with a required date, object, count and label."""
    return {
        "openapi": "3.1.0",
        "servers": [{"url": SERVER}],
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "day": {"type": ["null", "string"], "format": "date", "description": "d"},
                        "window": {
                            "type": "object",
                            "properties": {"slots": {"type": "array", "items": {}}},
                            "required": ["slots"],
                        },
                        "count": {"type": "integer"},
                        "label": {"type": "string"},
                    },
                    "required": ["id", "day", "window", "count", "label"],
                }
            }
        },
    }


def note(pointer: str, kind: str, **extra: Any) -> ServerNote:
    return ServerNote(pointer, kind, "what the server sends", EVIDENCE, **extra)


def apply(document: dict[str, Any], *notes: ServerNote) -> tuple[int, list[str]]:
    reviewer: list[str] = []
    return apply_server_notes_from(document, ServerNotes(SERVER, notes), reviewer), reviewer


def thing(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = document["components"]["schemas"]["Thing"]
    return result


def test_an_omitted_note_makes_the_named_properties_optional() -> None:
    document = spec()
    fired, _ = apply(document, note(THING, "omitted", properties=("count", "label")))
    assert fired == 1
    assert thing(document)["required"] == ["id", "day", "window"]


def test_an_empty_object_note_leaves_no_property_of_that_object_required() -> None:
    document = spec()
    apply(document, note(f"{THING}/properties/window", "empty_object"))
    assert "required" not in thing(document)["properties"]["window"]


def test_an_empty_string_note_keeps_the_date_and_allows_the_empty_string_and_null() -> None:
    document = spec()
    apply(document, note(f"{THING}/properties/day", "empty_string"))
    day = thing(document)["properties"]["day"]
    assert day["anyOf"][0] == {"type": "string", "format": "date"}
    assert day["anyOf"][1]["maxLength"] == 0 and day["anyOf"][1]["type"] == "string"
    assert day["anyOf"][2] == {"type": "null"}
    assert "type" not in day and "format" not in day and day["description"] == "d"


def test_a_null_note_makes_the_value_nullable() -> None:
    document = spec()
    apply(document, note(f"{THING}/properties/count", "null"))
    assert thing(document)["properties"]["count"]["type"] == ["integer", "null"]


def test_an_other_type_note_adds_the_types_the_server_sends() -> None:
    document = spec()
    apply(document, note(f"{THING}/properties/label", "other_type", types=("integer",)))
    assert thing(document)["properties"]["label"]["type"] == ["string", "integer"]


def test_an_applied_note_marks_its_schema() -> None:
    document = spec()
    apply(document, note(f"{THING}/properties/count", "null"))
    assert thing(document)["properties"]["count"]["x-server-notes"] == ["null"]


def test_a_spec_of_another_server_gets_no_notes() -> None:
    document = spec()
    document["servers"] = [{"url": "https://elsewhere.test"}]
    before = copy.deepcopy(document)
    assert apply(document, note("/nowhere", "null")) == (0, [])
    assert document == before


def test_a_note_whose_pointer_no_longer_matches_fails_loudly() -> None:
    with pytest.raises(ServerNoteError, match=r"/properties/gone \(null\) no longer matches"):
        apply(spec(), note(f"{THING}/properties/gone", "null"))


def test_an_omitted_note_naming_properties_the_schema_does_not_declare_agrees_with_it() -> None:
    # An older spec, before the properties existed: omitting them is what it says.
    fired, reviewer = apply(spec(), note(THING, "omitted", properties=("vanished",)))
    assert fired == 0
    assert reviewer == [f"server note {THING} (omitted): the spec already agrees"]


def test_an_omitted_note_on_a_schema_without_properties_fails_loudly() -> None:
    with pytest.raises(ServerNoteError, match="without properties"):
        apply(spec(), note(f"{THING}/properties/count", "omitted", properties=("a",)))


def test_an_empty_string_note_on_a_schema_without_a_format_fails_loudly() -> None:
    with pytest.raises(ServerNoteError, match="not a string with a format"):
        apply(spec(), note(f"{THING}/properties/label", "empty_string"))


def test_a_note_the_spec_already_agrees_with_leaves_a_reviewer_note() -> None:
    document = spec()
    fired, reviewer = apply(document, note(f"{THING}/properties/window/properties/slots", "null"))
    assert fired == 1  # widened once
    fired, reviewer = apply(document, note(f"{THING}/properties/window/properties/slots", "null"))
    assert fired == 0
    assert reviewer == [
        f"server note {THING}/properties/window/properties/slots (null): the spec already agrees"
    ]


def test_a_note_on_a_component_a_request_body_uses_stops_rather_than_loosen_requests() -> None:
    document = spec()
    document["paths"] = {
        "/things": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                    }
                }
            }
        }
    }
    before = copy.deepcopy(document)
    with pytest.raises(ServerNoteError, match="which a request body also uses"):
        apply(document, note(THING, "omitted", properties=("count",)))
    assert document == before


def test_a_note_pointing_into_a_request_body_stops_the_build() -> None:
    document = spec()
    body = {"type": "object", "properties": {"day": {"type": "string", "format": "date"}}}
    document["paths"] = {
        "/things": {"post": {"requestBody": {"content": {"application/json": {"schema": body}}}}}
    }
    pointer = "/paths/~1things/post/requestBody/content/application~1json/schema/properties/day"
    with pytest.raises(ServerNoteError, match="points into a request body"):
        apply(document, note(pointer, "empty_string"))


def test_a_stale_note_is_an_override_error_so_regeneration_and_check_report_it() -> None:
    assert issubclass(ServerNoteError, OverrideError)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "server_notes.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "pointer": f"{THING}/properties/count",
        "kind": "null",
        "summary": "null arrives",
        "evidence": [{"url": "https://example.test/a", "seen": "2025-11-01", "what": "a capture"}],
    }
    return {**base, **changes}


def test_load_server_notes_reads_the_server_and_each_note(tmp_path: Path) -> None:
    loaded = load_server_notes(write(tmp_path, {"server": SERVER, "notes": [entry()]}))
    assert loaded == ServerNotes(
        SERVER,
        (
            ServerNote(
                f"{THING}/properties/count",
                "null",
                "null arrives",
                (Evidence("https://example.test/a", "2025-11-01", "a capture"),),
            ),
        ),
    )


def test_load_server_notes_returns_none_without_a_file(tmp_path: Path) -> None:
    assert load_server_notes(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (entry(evidence=[]), "no evidence; no note without a source"),
        (entry(kind="weird"), "kind 'weird'"),
        (entry(pointer="components"), "expected a JSON pointer"),
        (entry(summary=""), "no 'summary'"),
        (entry(properties=["a"]), "does not take"),
        (entry(kind="omitted"), "needs 'properties'"),
        (entry(kind="other_type", types=["text"]), "unknown JSON types"),
        (
            entry(evidence=[{"url": "http://x.test", "seen": "2025-11-01", "what": "w"}]),
            "not an https:// address",
        ),
        (
            entry(evidence=[{"url": "https://x.test", "seen": "last week", "what": "w"}]),
            "not a date",
        ),
        (entry(evidence=[{"url": "https://x.test", "seen": "2025-11-01"}]), "exactly url"),
    ],
)
def test_load_server_notes_refuses_a_malformed_note(
    tmp_path: Path, bad: dict[str, Any], message: str
) -> None:
    with pytest.raises(ServerNoteError, match=message):
        load_server_notes(write(tmp_path, {"server": SERVER, "notes": [bad]}))


def test_load_server_notes_refuses_a_file_without_a_server(tmp_path: Path) -> None:
    with pytest.raises(ServerNoteError, match="has server None"):
        load_server_notes(write(tmp_path, {"notes": []}))


def test_the_rule_runs_after_names_are_stable_and_before_titles_are_made_unique() -> None:
    names = [rule.name for rule in RULES]
    assert names.index("name_schemas_by_title") < names.index("apply_server_notes")
    assert names.index("apply_server_notes") < names.index("open_enums")


def test_the_project_notes_load_and_each_has_a_source() -> None:
    loaded = load_server_notes()
    assert loaded is not None and loaded.server == "https://api.instantly.ai"
    assert loaded.notes and all(n.evidence for n in loaded.notes)


def test_every_project_note_applies_to_the_pinned_spec() -> None:
    document = json.loads(VENDORED_SPEC_PATH.read_text(encoding="utf-8-sig"))
    loaded = load_server_notes()
    assert loaded is not None
    _, report = normalize_with_report(document)
    assert report.counts["apply_server_notes"] == len(loaded.notes)
    assert not [n for n in report.notes if n.startswith("server note")]


def test_regeneration_stops_naming_a_stale_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = entry(pointer="/components/schemas/Thing/properties/gone")
    notes_path = write(tmp_path, {"server": SERVER, "notes": [stale]})
    monkeypatch.setattr(server_notes_module, "SERVER_NOTES_PATH", notes_path)
    document = minimal_spec()
    document["servers"] = [{"url": SERVER}]
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["--spec", str(spec_path), "--output", str(tmp_path / "out")]) == 1
    assert "server note /components/schemas/Thing/properties/gone" in capsys.readouterr().err
    assert not (tmp_path / "out" / "instantly_api").exists()
