"""`instantly leads import FILE.csv --campaign ID | --list ID`: a CSV of leads, in chunks.

The CSV needs an `email` column; a column named like a lead field (`first_name`, `Company
Name`, ...: compared in lower case, spaces and dashes as underscores) fills that field, any other
column becomes a custom variable under its own header. Empty cells are left out. Checking every
lead, chunking at the spec's `maxItems` and reading each answer are the library's
(`client.leads.add_many`); this module reads the file and reports by CSV line. Exit codes: 0
every lead sent (created, or skipped as already there), 1 leads refused or not sent (a request
failed part way: what was done is printed first), 2 a bad file or option (nothing sent).
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .._errors import InvalidInputError, PartialBatchError
from .._helpers._lead_import import BULK_ADD, LeadChunkResult, LeadImportResult
from ._context import EXIT_API_ERROR, EXIT_OK, Context, UsageError
from ._output import Output
from ._progress import chunk_progress_display

__all__ = ["LeadFile", "read_lead_file", "register"]

_CUSTOM: Final = "custom_variables"
_SHOWN_LINES: Final = 20  # line numbers listed in the human summary (all of them with --json)
_INDEX: Final = re.compile(r"leads\[(\d+)\]")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `leads import` to the parser's subcommands."""
    leads = commands.add_parser("leads", help="import leads from a CSV file", parents=[common])
    sub = leads.add_subparsers(dest="action", metavar="ACTION", required=True)
    parser = sub.add_parser(
        "import",
        help="add the leads of a CSV file (an email column, lead fields) to a campaign or list",
        parents=[common],
    )
    parser.add_argument("file", metavar="FILE.csv", type=Path)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--campaign", metavar="ID", help="add the leads to this campaign")
    target.add_argument("--list", dest="list_id", metavar="ID", help="or to this lead list")
    for flag, what in (
        ("workspace", "already in any campaign or list of the workspace"),
        ("campaign", "already in a campaign"),
        ("list", "already in a list"),
    ):
        parser.add_argument(
            f"--skip-if-in-{flag}",
            action="store_true",
            default=None,
            help=f"skip leads {what} (the API's skip_if_in_{flag})",
        )
    parser.add_argument(
        "--verify",
        dest="verify_leads_on_import",
        action="store_true",
        default=None,
        help="have Instantly verify each address on import",
    )
    parser.set_defaults(run=import_leads)


def _lead_fields() -> frozenset[str]:
    """The string fields of a bulk-add lead (the spec's lead schema), which a column may fill."""
    from .._operation import operation

    body = operation(BULK_ADD).schema.get("body", {})
    items = body.get("properties", {}).get("leads", {}).get("items", {})
    fields = items.get("properties", {}) if isinstance(items, Mapping) else {}
    return frozenset(
        name
        for name, schema in fields.items()
        if isinstance(schema, Mapping) and "string" in (schema.get("type") or ())
    )


def _field_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


@dataclass(frozen=True)
class LeadFile:
    """The leads of a CSV file, and the file line each one came from (same order)."""

    leads: list[dict[str, Any]]
    lines: list[int]


def read_lead_file(path: Path) -> LeadFile:
    """The file's leads; `UsageError` naming the file (and line) if it cannot be one."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            return _read_rows(path, csv.reader(file))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except csv.Error as exc:
        raise UsageError(f"{path} is not a readable CSV file: {exc}") from None


def _read_rows(path: Path, reader: Any) -> LeadFile:
    header = next(reader, None)
    if header is None:
        raise UsageError(f"{path} is empty: it needs a header line with an email column")
    names = [_field_name(h) for h in header]
    if "email" not in names:
        raise UsageError(f"{path} has no email column (header: {', '.join(header)})")
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise UsageError(f"{path}: the header names {', '.join(twice)} more than once")
    fields = _lead_fields()
    leads: list[dict[str, Any]] = []
    lines: list[int] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) > len(header):
            raise UsageError(
                f"{path} line {reader.line_num}: {len(row)} cells for {len(header)} columns"
            )
        lead: dict[str, Any] = {}
        custom: dict[str, str] = {}
        for raw, name, value in zip(header, names, row, strict=False):
            value = value.strip()
            if not value or not name:
                continue
            if name in fields:
                lead[name] = value
            else:
                custom[raw.strip()] = value
        if custom:
            lead[_CUSTOM] = custom
        leads.append(lead)
        lines.append(reader.line_num)
    if not leads:
        raise UsageError(f"{path} has a header but no leads")
    return LeadFile(leads, lines)


def _by_line(exc: InvalidInputError, path: Path, lines: Sequence[int]) -> UsageError:
    """The library's complaint about `leads[i]`, told by the file's line number."""
    message = str(exc)
    match = _INDEX.search(message)
    if match and int(match[1]) < len(lines):
        return UsageError(f"{path} line {lines[int(match[1])]}: {message}; nothing was sent")
    return UsageError(f"{path}: {message}; nothing was sent")


def _describe(chunk: LeadChunkResult) -> str:
    return (
        f"{len(chunk.created)} created, {sum(chunk.skipped.values())} skipped, "
        f"{sum(chunk.refused.values())} refused"
    )


def _payload(
    path: Path, target: Mapping[str, str], result: LeadImportResult, lines: Sequence[int]
) -> dict[str, Any]:
    return {
        "file": str(path),
        "target": dict(target),
        "total": result.total,
        "requests": result.requests,
        "created": len(result.created),
        "skipped": result.skipped,
        "refused": result.refused,
        "created_leads": [
            {"line": lines[lead.index], "email": lead.email, "id": lead.id}
            for lead in result.created
        ],
        "not_created_lines": [lines[i] for i in result.not_created],
        "unsent_lines": [lines[i] for i in result.unsent],
    }


def _shown(numbers: Sequence[int]) -> str:
    text = ", ".join(map(str, numbers[:_SHOWN_LINES]))
    more = len(numbers) - _SHOWN_LINES
    return text + (f" and {more} more (--json lists all)" if more > 0 else "")


def _render(payload: Mapping[str, Any]) -> Any:
    def render(out: Output) -> None:
        ((kind, target_id),) = payload["target"].items()
        where = "campaign" if kind == "campaign_id" else "list"
        out.line(
            f"{payload['file']} -> {where} {target_id}: {payload['total']} leads, "
            f"{payload['requests']} requests"
        )
        out.fields(
            [
                ("created", payload["created"]),
                ("skipped", f"{payload['skipped']} (already there, or a --skip-if-in-* flag)"),
                ("refused", f"{payload['refused']} (blocklisted, invalid or incomplete)"),
                ("not sent", len(payload["unsent_lines"])),
            ]
        )
        if payload["not_created_lines"]:
            out.line(f"lines not created: {_shown(payload['not_created_lines'])}")
        if payload["unsent_lines"]:
            out.line(f"lines not sent: {_shown(payload['unsent_lines'])}")

    return render


def import_leads(ctx: Context) -> int:
    """Read the file, import its leads with a progress display, print what happened."""
    args = ctx.args
    path: Path = args.file
    lead_file = read_lead_file(path)
    target = {"campaign_id": args.campaign} if args.campaign else {"list_id": args.list_id}
    flags = {
        name: getattr(args, name)
        for name in (
            "skip_if_in_workspace",
            "skip_if_in_campaign",
            "skip_if_in_list",
            "verify_leads_on_import",
        )
    }
    client = ctx.client()
    progress = chunk_progress_display(ctx.out.stderr, len(lead_file.leads), "leads", tqdm=ctx.tqdm)
    error: PartialBatchError | None = None
    try:
        result = client.leads.add_many(
            lead_file.leads,
            **target,
            **flags,
            on_progress=lambda chunk: progress.update(chunk.size, _describe(chunk)),
        )
    except InvalidInputError as exc:
        raise _by_line(exc, path, lead_file.lines) from exc
    except PartialBatchError as exc:
        if not isinstance(exc.completed, LeadImportResult):
            raise
        result, error = exc.completed, exc
    finally:
        progress.close()
    payload = _payload(path, target, result, lead_file.lines)
    ctx.out.result(payload, _render(payload))
    if error is not None:
        raise error
    return EXIT_API_ERROR if result.refused or result.unsent else EXIT_OK
