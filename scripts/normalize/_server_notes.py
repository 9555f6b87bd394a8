"""Field notes: where Instantly's live server differs from its spec, kept as reviewed data.

`openapi/server_notes.json` lists what public captures, documentation and issue threads show the
server sending that its spec does not allow: a required field omitted, `""` for a date, `{}` for an
object with required fields, `null`, another JSON type. Every note points (a JSON pointer into the
spec once `name_schemas_by_title` has run, so `Campaign` rather than `def-1`) at the schema it
corrects, says which kind of difference it is, and carries its evidence (an address and the date
it was seen). The rule `apply_server_notes` rewrites those schemas so the generated types tell the
truth. Like an override, a note whose pointer no longer matches stops the regeneration, so a moved
schema is noticed rather than silently left as the spec says.

The notes describe one server (the file's `server`); a spec that does not document it (a synthetic
test spec) gets none.

File format::

    {"server": "https://api.instantly.ai",
     "notes": [
        {"pointer": "/components/schemas/Campaign/properties/campaign_schedule",
         "kind": "empty_object",
         "summary": "what the server sends, in a sentence",
         "evidence": [{"url": "https://...", "seen": "2026-08-03", "what": "what it shows"}]},
        {"pointer": "/components/schemas/X", "kind": "omitted", "properties": ["a", "b"], ...},
        {"pointer": "/components/schemas/X/properties/n", "kind": "other_type",
         "types": ["integer"], ...}
     ]}
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ._overrides import OverrideError
from ._read_write import components_requests_use
from ._walk import JSONDict, pointer_tokens

__all__ = [
    "NOTE_KINDS",
    "SERVER_NOTES_PATH",
    "Evidence",
    "ServerNote",
    "ServerNoteError",
    "ServerNotes",
    "apply_server_notes",
    "apply_server_notes_from",
    "load_server_notes",
]

SERVER_NOTES_PATH: Final = Path(__file__).resolve().parents[2] / "openapi" / "server_notes.json"

NOTE_KINDS: Final = {
    "omitted": "the server omits properties the schema requires",
    "empty_object": "the server sends {} for an object whose schema has required properties",
    "empty_string": 'the server sends "" for a string with a format (a date, a date-time)',
    "null": "the server sends null where the schema does not allow it",
    "other_type": "the server sends another JSON type than the one declared",
}

_TYPE_ORDER: Final = ("string", "integer", "number", "boolean", "object", "array", "null")


class ServerNoteError(OverrideError):
    """The field-notes file is malformed, or a note no longer matches the spec."""


@dataclass(frozen=True)
class Evidence:
    """Where a difference was seen (`url`), when (`seen`, YYYY-MM-DD) and what it shows."""

    url: str
    seen: str
    what: str


@dataclass(frozen=True)
class ServerNote:
    """One schema the server contradicts: where, which kind of difference, and the evidence."""

    pointer: str
    kind: str
    summary: str
    evidence: tuple[Evidence, ...]
    properties: tuple[str, ...] = ()  # kind "omitted": the properties the server leaves out
    types: tuple[str, ...] = ()  # kind "other_type": the JSON types it sends besides

    def fail(self, problem: str) -> ServerNoteError:
        """The loud failure of this note, naming it and what it was about."""
        return ServerNoteError(
            f"server note {self.pointer} ({self.kind}) {problem}; check whether it is still "
            f"needed and update openapi/server_notes.json (noted: {self.summary})"
        )


@dataclass(frozen=True)
class ServerNotes:
    """The notes about one server (`server`, the URL a spec lists under `servers`)."""

    server: str
    notes: tuple[ServerNote, ...]


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not (isinstance(value, str) and value.strip()):
        raise ServerNoteError(f"{where} has no {key!r}; every note needs one")
    return value


def _parse_evidence(entry: Any, where: str) -> Evidence:
    if not isinstance(entry, dict) or set(entry) != {"url", "seen", "what"}:
        raise ServerNoteError(f"{where}: evidence must be objects with exactly url, seen and what")
    url, seen = _text(entry, "url", where), _text(entry, "seen", where)
    if not url.startswith("https://"):
        raise ServerNoteError(f"{where}: evidence url {url!r} is not an https:// address")
    try:
        datetime.date.fromisoformat(seen)
    except ValueError:
        raise ServerNoteError(f"{where}: seen {seen!r} is not a date (YYYY-MM-DD)") from None
    return Evidence(url, seen, _text(entry, "what", where))


def _names(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        raise ServerNoteError(f"{where} needs {key!r}: a non-empty list of names")
    return tuple(value)


def _parse_note(index: int, entry: Any) -> ServerNote:
    where = f"server note #{index}"
    if not isinstance(entry, dict):
        raise ServerNoteError(f"{where} is {entry!r}; expected an object")
    pointer = _text(entry, "pointer", where)
    if not pointer.startswith("/"):
        raise ServerNoteError(f"{where} has pointer {pointer!r}; expected a JSON pointer '/a/b'")
    where = f"{where} ({pointer})"
    kind = _text(entry, "kind", where)
    if kind not in NOTE_KINDS:
        raise ServerNoteError(f"{where} has kind {kind!r}; expected one of {sorted(NOTE_KINDS)}")
    allowed = {"pointer", "kind", "summary", "evidence"}
    allowed |= {"properties"} if kind == "omitted" else {"types"} if kind == "other_type" else set()
    extra = set(entry) - allowed
    if extra:
        raise ServerNoteError(f"{where} has keys {sorted(extra)} a {kind!r} note does not take")
    evidence = entry.get("evidence")
    if not (isinstance(evidence, list) and evidence):
        raise ServerNoteError(f"{where} has no evidence; no note without a source")
    properties = _names(entry, "properties", where) if kind == "omitted" else ()
    types = _names(entry, "types", where) if kind == "other_type" else ()
    unknown = set(types) - set(_TYPE_ORDER)
    if unknown:
        raise ServerNoteError(f"{where} names unknown JSON types {sorted(unknown)}")
    return ServerNote(
        pointer,
        kind,
        _text(entry, "summary", where),
        tuple(_parse_evidence(e, where) for e in evidence),
        properties,
        types,
    )


def load_server_notes(path: Path | None = None) -> ServerNotes | None:
    """The notes in `path` (default `openapi/server_notes.json`); None when there is no file."""
    path = path or SERVER_NOTES_PATH
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ServerNoteError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise ServerNoteError(f"{path} must be an object with a 'server' and a 'notes' list")
    server = data.get("server")
    if not (isinstance(server, str) and server.startswith("https://")):
        raise ServerNoteError(f"{path} has server {server!r}; expected the https:// base URL")
    return ServerNotes(server, tuple(_parse_note(i, e) for i, e in enumerate(data["notes"])))


def _documents(spec: JSONDict, server: str) -> bool:
    servers = spec.get("servers")
    if not isinstance(servers, list):
        return False
    urls = [s.get("url") for s in servers if isinstance(s, dict)]
    return any(isinstance(u, str) and u.rstrip("/") == server.rstrip("/") for u in urls)


def _target(spec: JSONDict, note: ServerNote) -> JSONDict:
    node: Any = spec
    for token in pointer_tokens(note.pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise note.fail(f"no longer matches the spec (no {token!r} there)")
    if not isinstance(node, dict):
        raise note.fail(f"points at {node!r}, not a schema")
    return node


def _types(schema: JSONDict) -> list[str]:
    declared = schema.get("type")
    return [declared] if isinstance(declared, str) else list(declared or [])


def _widen(schema: JSONDict, extra: Sequence[str], note: ServerNote) -> bool:
    types = _types(schema)
    if not types:
        raise note.fail("points at a schema without a 'type' to widen")
    widened = [t for t in _TYPE_ORDER if t in types or t in extra]
    if widened == [t for t in _TYPE_ORDER if t in types]:
        return False
    schema["type"] = widened
    return True


def _allow_empty_string(schema: JSONDict, note: ServerNote) -> bool:
    types = _types(schema)
    if "string" not in types or "format" not in schema:
        raise note.fail("points at a schema that is not a string with a format")
    kept = {k: schema.pop(k) for k in list(schema) if k in ("type", "format", "pattern")}
    kept["type"] = "string"
    empty = {"type": "string", "maxLength": 0, "description": "Sent by the server for no value."}
    members: list[JSONDict] = [kept, empty]
    members += [{"type": t} for t in types if t != "string"]
    schema["anyOf"] = members
    return True


def _drop_required(schema: JSONDict, names: Sequence[str], note: ServerNote) -> bool:
    """Drop `names` from `required` (a name the schema does not declare: nothing to drop)."""
    if not isinstance(schema.get("properties"), dict):
        raise note.fail("points at a schema without properties")
    required = schema.get("required")
    if not isinstance(required, list) or not set(names) & set(required):
        return False
    schema["required"] = [name for name in required if name not in names]
    if not schema["required"]:
        del schema["required"]
    return True


def _apply(spec: JSONDict, note: ServerNote) -> bool:
    schema = _target(spec, note)
    if note.kind == "omitted":
        return _drop_required(schema, note.properties, note)
    if note.kind == "empty_object":
        if "object" not in _types(schema) and "properties" not in schema:
            raise note.fail("points at a schema that is not an object")
        return _drop_required(schema, list(schema.get("required", [])), note)
    if note.kind == "empty_string":
        return _allow_empty_string(schema, note)
    if note.kind == "null":
        return _widen(schema, ["null"], note)
    return _widen(schema, note.types, note)


def _refuse_request_side(note: ServerNote, requests_use: set[str]) -> None:
    """A note describes answers: applied to a schema a request sends, it would loosen the
    validation that protects the user's data, so it stops the build instead."""
    tokens = pointer_tokens(note.pointer)
    if "requestBody" in tokens:
        raise note.fail("points into a request body; notes describe what the server sends")
    if tokens[:2] == ["components", "schemas"] and len(tokens) > 2 and tokens[2] in requests_use:
        raise note.fail(
            f"points into {tokens[2]}, which a request body also uses; give requests their own "
            "schema first, so the note does not loosen what a request may send"
        )


def apply_server_notes_from(
    spec: JSONDict, server_notes: ServerNotes | None, notes: list[str]
) -> int:
    """Apply `server_notes` to `spec` in place when it documents their server; count changes.

    A note whose pointer does not resolve, points at a schema of the wrong shape or at one a
    request sends raises `ServerNoteError`; one the spec already agrees with leaves a
    reviewer's note.
    """
    if server_notes is None or not _documents(spec, server_notes.server):
        return 0
    requests_use = components_requests_use(spec)
    fired = 0
    for note in server_notes.notes:
        _refuse_request_side(note, requests_use)
        if _apply(spec, note):
            fired += 1
            target = _target(spec, note)
            target.setdefault("x-server-notes", []).append(note.kind)
        else:
            notes.append(f"server note {note.pointer} ({note.kind}): the spec already agrees")
    return fired


def apply_server_notes(spec: JSONDict, notes: list[str]) -> int:
    """Schemas the field notes (openapi/server_notes.json) correct say what the server sends.

    An omitted field becomes optional, a date the server sends as `""` also allows `""`, `{}`
    for an object leaves none of its properties required, and so on (`NOTE_KINDS`).
    """
    return apply_server_notes_from(spec, load_server_notes(), notes)
