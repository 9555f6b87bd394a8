"""`instantly leads import FILE.csv --campaign ID | --list ID`: a CSV of leads, in chunks.

The file is read strictly and streamed twice (`instantly._lead_csv`): checked whole first, so a
bad line anywhere means nothing is sent (exit 2, naming the line), then read again a chunk (the
spec's `maxItems`) at a time, each chunk going out as one `client.leads.add_many` call. Columns
named like a lead field fill it; a name the API reserves that the import cannot set is refused;
any other column is a custom variable.

The journal (`FILE.csv.journal`, or `--journal PATH`; `_import_journal`) records each chunk as
sent before its request and what came of it after. It is deleted once every lead is done; while
it exists, the same import refuses to start afresh, and `--resume` continues it: leads done are
not sent again, leads in doubt (sent, answer lost) are looked up in the target by email first
(found: done; not found: sent; without an email: left in doubt, never sent twice).

Every lead ends in one of three states, printed (and in `--json`) with its line: done (created,
skipped, refused, or found by a look-up), in doubt, or not sent. Exit codes: 0 every lead done
and none refused, 1 leads refused, in doubt or not sent (an API error stopped the import: its
message is printed after the summary), 2 a bad file or option (nothing sent), 130 interrupted
(Ctrl-C: the summary is printed first).
"""

from __future__ import annotations

import argparse
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._errors import APIError, InstantlyError, PartialBatchError
from ._context import EXIT_API_ERROR, EXIT_OK, Context
from ._import_journal import ChunkRecord, ImportJournal, journal_path
from ._output import Output
from ._progress import chunk_progress_display

if TYPE_CHECKING:
    from .._client import Instantly
    from .._helpers._lead_import import LeadImportResult
    from .._lead_csv import LeadCsvChunk

__all__ = ["import_leads", "register"]

_SHOWN_LINES: Final = 20  # line numbers listed in the human summary (all of them with --json)
_EXIT_INTERRUPTED: Final = 130  # the shell's convention for SIGINT
_LOOK_UP_BATCH: Final = 100  # addresses per lead listing (its largest page)
_FLAGS: Final = (
    "skip_if_in_workspace",
    "skip_if_in_campaign",
    "skip_if_in_list",
    "verify_leads_on_import",
)


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
    parser.add_argument(
        "--journal",
        metavar="PATH",
        type=Path,
        help="where the import records each chunk sent and answered (default: FILE.csv.journal)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the import its journal records: nothing done is sent again, leads in "
        "doubt are looked up first",
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's encoding (default: from its byte order mark, else UTF-8)",
    )
    parser.add_argument(
        "--allow-line-breaks",
        action="store_true",
        help="take a quoted field with a line break as it is, even the only one in the file",
    )
    parser.set_defaults(run=import_leads)


@dataclass
class _Tally:
    """Every lead's state so far, by line: counts, and the lines of those not simply done."""

    total: int
    list_created: bool  # keep each created lead (for --json); else only counts
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "skipped", "refused", "found"), 0)
    )
    done: int = 0
    requests: int = 0
    created_leads: list[tuple[int, str | None, str]] = field(default_factory=list)
    not_created_lines: array[int] = field(default_factory=lambda: array("q"))
    in_doubt_lines: array[int] = field(default_factory=lambda: array("q"))
    unsent_lines: array[int] = field(default_factory=lambda: array("q"))
    unsent_after_line: int | None = None  # every lead after this line: not read, not sent

    @property
    def in_doubt(self) -> int:
        return len(self.in_doubt_lines)

    @property
    def unsent(self) -> int:
        return self.total - self.done - self.in_doubt


@dataclass
class _ChunkState:
    """One chunk's leads (positions among the file's leads) by state, as the import goes."""

    chunk: LeadCsvChunk
    done: set[int] = field(default_factory=set)
    in_doubt: set[int] = field(default_factory=set)

    def line(self, position: int) -> int:
        return self.chunk.lines[position - self.chunk.start]

    def lead(self, position: int) -> dict[str, Any]:
        return self.chunk.leads[position - self.chunk.start]

    @property
    def positions(self) -> range:
        return range(self.chunk.start, self.chunk.start + len(self.chunk.leads))

    def settle(self, tally: _Tally) -> None:
        """Count this chunk in `tally` (leads neither done nor in doubt: not sent)."""
        tally.done += len(self.done)
        for position in self.positions:
            if position in self.in_doubt:
                tally.in_doubt_lines.append(self.line(position))
            elif position not in self.done:
                tally.unsent_lines.append(self.line(position))


class _Stop(Exception):
    """The import stops after this chunk: `error` says why (printed after the summary)."""

    def __init__(self, error: InstantlyError) -> None:
        super().__init__(str(error))
        self.error = error


class _Importer:
    """Sends the chunks of one checked file, keeping the journal and the tally."""

    def __init__(
        self,
        client: Instantly,
        journal: ImportJournal,
        tally: _Tally,
        target: Mapping[str, str],
        flags: Mapping[str, bool],
    ) -> None:
        self.client = client
        self.journal = journal
        self.tally = tally
        self.target = target
        self.flags = flags
        self.last_line = 0  # the line of the last lead whose state is known

    def chunk(self, chunk: LeadCsvChunk) -> str:
        """Import one chunk (what earlier runs left of it); a description for the progress."""
        state = _ChunkState(chunk)
        try:
            return self._import(state, self.journal.earlier.get(chunk.number))
        finally:
            state.settle(self.tally)
            self.last_line = chunk.lines[-1]

    def _import(self, state: _ChunkState, earlier: ChunkRecord | None) -> str:
        positions = list(state.positions)
        if earlier is None:
            return self._send(state, positions)
        if earlier.complete:
            state.done |= set(positions)
            return "done in an earlier run"
        state.done |= earlier.done
        doubtful = sorted(earlier.in_doubt)
        state.in_doubt |= set(doubtful)
        to_send = [p for p in positions if p not in earlier.done and p not in earlier.in_doubt]
        found = self._look_up(state, doubtful) if doubtful else 0
        to_send = sorted(set(to_send) | (set(doubtful) - state.done - state.in_doubt))
        if not to_send:
            return f"done in an earlier run{f', {found} found by a look-up' if found else ''}"
        return self._send(state, to_send)

    def _look_up(self, state: _ChunkState, doubtful: Sequence[int]) -> int:
        """Settle leads in doubt by listing the target: found → done, an address not there →
        to send, no address (or the look-up failed) → still in doubt. How many were found."""
        emails = {p: str(state.lead(p).get("email") or "").lower() for p in doubtful}
        found = _find_in_target(self.client, sorted({e for e in emails.values() if e}), self.target)
        if found is None:
            return 0
        done = {p for p, email in emails.items() if email and email in found}
        unsent = {p for p, email in emails.items() if email and email not in found}
        state.done |= done
        state.in_doubt -= done | unsent
        self.journal.outcome(
            state.chunk.number,
            done=done,
            in_doubt=state.in_doubt & set(doubtful),
            unsent=unsent,
            counts={"found": len(done)},
        )
        self.tally.counts["found"] += len(done)
        return len(done)

    def _send(self, state: _ChunkState, to_send: Sequence[int]) -> str:
        """One `add_many` call for these leads of the chunk; its outcome journaled."""
        self.journal.sent(state.chunk.number, to_send)
        state.in_doubt |= set(to_send)  # until an answer says otherwise (Ctrl-C leaves them so)
        self.tally.requests += 1
        leads = [state.lead(p) for p in to_send]
        try:
            result = self.client.leads.add_many(
                leads,
                campaign_id=self.target.get("campaign_id"),
                list_id=self.target.get("list_id"),
                skip_if_in_workspace=self.flags.get("skip_if_in_workspace"),
                skip_if_in_campaign=self.flags.get("skip_if_in_campaign"),
                skip_if_in_list=self.flags.get("skip_if_in_list"),
                verify_leads_on_import=self.flags.get("verify_leads_on_import"),
            )
        except PartialBatchError as exc:
            from .._helpers._lead_import import LeadImportResult

            if isinstance(exc.completed, LeadImportResult):
                self._record(state, to_send, exc.completed)
            raise _Stop(exc) from exc
        except InstantlyError as exc:  # refused before taking effect (nothing stored)
            state.in_doubt -= set(to_send)
            self.journal.outcome(state.chunk.number, unsent=to_send)
            raise _Stop(exc) from exc
        return self._record(state, to_send, result)

    def _record(self, state: _ChunkState, to_send: Sequence[int], result: LeadImportResult) -> str:
        """What `add_many` reported for `to_send` (its indexes are positions in that list)."""
        done = {to_send[lead.index] for lead in result.found}
        done |= {
            to_send[i]
            for chunk in result.chunks
            for i in range(chunk.start, chunk.start + chunk.size)
        }
        in_doubt = {to_send[i] for i in result.in_doubt}
        unsent = {to_send[i] for i in result.unsent}
        state.done |= done
        state.in_doubt -= done | unsent
        state.in_doubt |= in_doubt
        counts = {
            "created": len(result.created),
            "skipped": result.skipped,
            "refused": result.refused,
            "found": len(result.found),
        }
        for name, value in counts.items():
            self.tally.counts[name] += value
        self.journal.outcome(
            state.chunk.number, done=done, in_doubt=in_doubt, unsent=unsent, counts=counts
        )
        if self.tally.list_created:
            self.tally.created_leads += [
                (state.line(to_send[lead.index]), lead.email, lead.id) for lead in result.created
            ]
        self.tally.not_created_lines.extend(state.line(to_send[i]) for i in result.not_created)
        return (
            f"{counts['created']} created, {counts['skipped']} skipped, {counts['refused']} refused"
        )


def _find_in_target(
    client: Instantly, emails: Sequence[str], target: Mapping[str, str]
) -> set[str] | None:
    """Which of `emails` (lower case) the target holds; None if a listing failed."""
    from .._helpers._lead_import import target_filter

    found: set[str] = set()
    try:
        for start in range(0, len(emails), _LOOK_UP_BATCH):
            batch = emails[start : start + _LOOK_UP_BATCH]
            for lead in client.leads.list(
                contacts=batch, limit=_LOOK_UP_BATCH, **target_filter(target)
            ):
                if isinstance(lead.email, str) and lead.email.lower() in batch:
                    found.add(lead.email.lower())
    except APIError:
        return None
    return found


def _payload(
    path: Path, target: Mapping[str, str], tally: _Tally, journal: Path | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "file": str(path),
        "target": dict(target),
        "total": tally.total,
        "requests": tally.requests,
        **tally.counts,
        "done": tally.done,
        "in_doubt": tally.in_doubt,
        "not_sent": tally.unsent,
        "not_created_lines": sorted(tally.not_created_lines),
        "in_doubt_lines": sorted(tally.in_doubt_lines),
        "unsent_lines": sorted(tally.unsent_lines),
        "unsent_after_line": tally.unsent_after_line,
        "journal": None if journal is None else str(journal),
    }
    if tally.list_created:
        payload["created_leads"] = [
            {"line": line, "email": email, "id": lead_id}
            for line, email, lead_id in sorted(tally.created_leads)
        ]
    return payload


def _shown(numbers: Sequence[int], after: int | None = None) -> str:
    text = ", ".join(map(str, numbers[:_SHOWN_LINES]))
    more = len(numbers) - _SHOWN_LINES
    text += f" and {more} more (--json lists all)" if more > 0 else ""
    if after is not None:
        text += f"{', and' if text else ''} every lead after line {after}"
    return text


def _render(payload: Mapping[str, Any], resume: str) -> Any:
    def render(out: Output) -> None:
        ((kind, target_id),) = payload["target"].items()
        where = "campaign" if kind == "campaign_id" else "list"
        out.line(
            f"{payload['file']} -> {where} {target_id}: {payload['total']} leads, "
            f"{payload['requests']} requests"
        )
        rows: list[tuple[str, object]] = [
            ("created", payload["created"]),
            ("skipped", f"{payload['skipped']} (already there, or a --skip-if-in-* flag)"),
            ("refused", f"{payload['refused']} (blocklisted, invalid or incomplete)"),
        ]
        if payload["found"]:
            rows.append(("found", f"{payload['found']} (answer lost; a look-up found them)"))
        rows += [
            ("in doubt", f"{payload['in_doubt']} (sent, the answer was lost: maybe stored)"),
            ("not sent", payload["not_sent"]),
        ]
        out.fields(rows)
        for name, key in (("not created", "not_created_lines"), ("in doubt", "in_doubt_lines")):
            if payload[key]:
                out.line(f"lines {name}: {_shown(payload[key])}")
        if payload["unsent_lines"] or payload["unsent_after_line"] is not None:
            shown = _shown(payload["unsent_lines"], payload["unsent_after_line"])
            out.line(f"lines not sent: {shown}")
        if payload["journal"] is not None:
            out.line(f"journal: {payload['journal']} (continue with: {resume})")

    return render


def _resume_command(args: argparse.Namespace) -> str:
    target = f"--campaign {args.campaign}" if args.campaign else f"--list {args.list_id}"
    journal = f" --journal {args.journal}" if args.journal is not None else ""
    flags = "".join(
        f" --{name.replace('_', '-')}" for name in _FLAGS[:3] if getattr(args, name)
    ) + (" --verify" if args.verify_leads_on_import else "")
    return f"instantly leads import {args.file} {target}{flags}{journal} --resume"


def import_leads(ctx: Context) -> int:
    """Check the file, import it chunk by chunk with a journal, print what happened."""
    from .._helpers._lead_import import chunk_size
    from .._lead_csv import LeadFileChangedError, check_lead_csv

    args = ctx.args
    path: Path = args.file
    target = {"campaign_id": args.campaign} if args.campaign else {"list_id": args.list_id}
    flags = {name: True for name in _FLAGS if getattr(args, name)}
    checked = check_lead_csv(
        path,
        for_list="list_id" in target,
        encoding=args.encoding,
        allow_line_breaks=args.allow_line_breaks,
    )
    size = chunk_size() or checked.leads
    client = ctx.client()
    where = journal_path(path, args.journal)
    header = {
        "sha256": checked.sha256,
        "leads": checked.leads,
        "chunk_size": size,
        "target": target,
        "flags": flags,
    }
    if args.resume:
        journal = ImportJournal.resume(where, header)
    else:
        journal = ImportJournal.create(where, {"file": str(path), **header})
    tally = _Tally(checked.leads, list_created=ctx.out.json_mode)
    for name, value in journal.counts.items():
        tally.counts[name] += value
    importer = _Importer(client, journal, tally, target, flags)
    progress = chunk_progress_display(ctx.out.stderr, checked.leads, "leads", tqdm=ctx.tqdm)
    error: InstantlyError | None = None
    interrupted = False
    try:
        chunks = checked.chunks(size)
        for chunk in chunks:
            try:
                detail = importer.chunk(chunk)
            except _Stop as stop:
                error = stop.error
                progress.update(len(chunk.leads), "stopped")
                for rest in chunks:  # read on, sending nothing, to list every line not sent
                    _ChunkState(rest).settle(tally)
                    importer.last_line = rest.lines[-1]
                break
            progress.update(len(chunk.leads), detail)
    except KeyboardInterrupt:
        interrupted = True
    except LeadFileChangedError as exc:
        error = exc
    finally:
        progress.close()
    if tally.done + tally.in_doubt + len(tally.unsent_lines) < tally.total:
        tally.unsent_after_line = importer.last_line
    finished = tally.done == tally.total
    if finished:
        journal.remove()
    else:
        journal.close()
    payload = _payload(path, target, tally, None if finished else where)
    ctx.out.result(payload, _render(payload, _resume_command(args)))
    if interrupted:
        ctx.out.error("interrupted")
        return _EXIT_INTERRUPTED
    if error is not None:
        raise error
    return EXIT_API_ERROR if not finished or tally.counts["refused"] else EXIT_OK
