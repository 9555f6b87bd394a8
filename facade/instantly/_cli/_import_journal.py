"""The journal of a lead import: what was sent and what came of it, chunk by chunk, on disk.

`instantly leads import` writes one JSON line per event, flushed and synced before it goes on:
a header naming the file (its SHA-256), the target and the flags; `sent` before each request (the
leads by their position among the file's leads, as ranges) and `outcome` after it (which of
them are done, in doubt or not sent, and the created/skipped/refused counts). A lead sent without
an outcome (the process was stopped mid-request) is in doubt. `--resume` reads it back
(`ImportJournal.resume`): leads done are not sent again, leads in doubt are looked up first.

A last line cut short (a crash while writing it) is ignored: its event did not happen as far as
the journal knows, which errs on the side of a look-up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from ._context import UsageError

__all__ = ["ChunkRecord", "ImportJournal", "journal_path"]

_KIND: Final = "instantly leads import journal"
_VERSION: Final = 1
_COUNTS: Final = ("created", "skipped", "refused", "found")


def journal_path(csv_path: Path, given: Path | None) -> Path:
    """`--journal PATH`, else the file beside the input: `leads.csv` → `leads.csv.journal`."""
    return given if given is not None else csv_path.with_name(csv_path.name + ".journal")


def _ranges(positions: Iterable[int]) -> list[list[int]]:
    """Sorted positions as `[first, last + 1]` ranges (a chunk is usually one range)."""
    ranges: list[list[int]] = []
    for position in sorted(positions):
        if ranges and ranges[-1][1] == position:
            ranges[-1][1] += 1
        else:
            ranges.append([position, position + 1])
    return ranges


def _positions(ranges: Any) -> set[int]:
    return {i for first, end in ranges for i in range(int(first), int(end))}


@dataclass
class ChunkRecord:
    """What earlier runs did with one chunk's leads (positions among the file's leads).

    A chunk whose every lead is done is `complete` and keeps no positions, so reading back the
    journal of a million-lead import holds a flag per chunk, not a million positions.
    """

    done: set[int] = field(default_factory=set)
    in_doubt: set[int] = field(default_factory=set)  # sent, no answer (or a lost one)
    unsent: set[int] = field(default_factory=set)
    complete: bool = False

    def sent(self, positions: set[int]) -> None:
        """Sent, no outcome yet: in doubt until one is recorded."""
        self.in_doubt |= positions
        self.done -= positions
        self.unsent -= positions

    def outcome(self, done: set[int], in_doubt: set[int], unsent: set[int]) -> None:
        for positions in (done, in_doubt, unsent):
            self.done -= positions
            self.in_doubt -= positions
            self.unsent -= positions
        self.done |= done
        self.in_doubt |= in_doubt
        self.unsent |= unsent


class ImportJournal:
    """An open journal: `sent` and `outcome` append to it; `earlier` is what it held when
    resumed (chunk number → `ChunkRecord`), `counts` the earlier runs' totals."""

    def __init__(self, path: Path, file: IO[str], header: Mapping[str, Any]) -> None:
        self.path = path
        self._file = file
        self.header = dict(header)
        self.earlier: dict[int, ChunkRecord] = {}
        self.counts: dict[str, int] = dict.fromkeys(_COUNTS, 0)

    @classmethod
    def create(cls, path: Path, header: Mapping[str, Any]) -> ImportJournal:
        """A new journal; `UsageError` if one is there (an import of this file not finished)."""
        try:
            file = path.open("x", encoding="utf-8")
        except FileExistsError:
            raise UsageError(
                f"{path} holds the journal of an import that did not finish: pass --resume to "
                "continue it (nothing done is sent again), or delete it to start over"
            ) from None
        except OSError as exc:
            raise UsageError(f"cannot write the journal {path}: {exc.strerror or exc}") from None
        journal = cls(path, file, header)
        journal._write({"journal": _KIND, "version": _VERSION, **header})
        return journal

    @classmethod
    def resume(cls, path: Path, header: Mapping[str, Any]) -> ImportJournal:
        """The journal at `path`, read back; `UsageError` if there is none or it belongs to
        another file, target or set of flags."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"no journal at {path}: nothing to resume") from None
        except OSError as exc:
            raise UsageError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
        lines = text.split("\n")
        if lines and lines[-1]:
            lines = lines[:-1]  # cut short by a crash while it was written: did not happen
        records = [cls._parse(path, number, line) for number, line in enumerate(lines, 1) if line]
        if not records or records[0].get("journal") != _KIND:
            raise UsageError(f"{path} is not the journal of a lead import")
        written = {k: v for k, v in records[0].items() if k not in ("journal", "version")}
        for key, value in header.items():
            if written.get(key) != value:
                raise UsageError(
                    f"{path} belongs to another import: its {key} is {written.get(key)!r}, "
                    f"this one's is {value!r} (the file changed, or another target or flags)"
                )
        try:
            file = path.open("a", encoding="utf-8")
            if text and not text.endswith("\n"):
                file.write("\n")  # the cut line stays, ignored, on a line of its own
        except OSError as exc:
            raise UsageError(f"cannot write the journal {path}: {exc.strerror or exc}") from None
        journal = cls(path, file, header)
        for record in records[1:]:
            journal._replay(record)
        return journal

    @staticmethod
    def _parse(path: Path, number: int, line: str) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise UsageError(f"{path} line {number} is not a journal record: {line[:60]!r}")
        return record

    def _replay(self, record: Mapping[str, Any]) -> None:
        number = int(record["chunk"])
        chunk = self.earlier.setdefault(number, ChunkRecord())
        if record.get("event") == "sent":
            chunk.sent(_positions(record["leads"]))
            return
        chunk.outcome(
            _positions(record.get("done", ())),
            _positions(record.get("in_doubt", ())),
            _positions(record.get("unsent", ())),
        )
        for name in _COUNTS:
            self.counts[name] += int(record.get(name, 0))
        size, leads = int(self.header["chunk_size"]), int(self.header["leads"])
        length = min(size, leads - number * size)
        if not chunk.in_doubt and not chunk.unsent and len(chunk.done) == length:
            self.earlier[number] = ChunkRecord(complete=True)

    def _write(self, record: Mapping[str, Any]) -> None:
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def sent(self, chunk: int, positions: Sequence[int]) -> None:
        """Before the request: these leads are about to be sent."""
        self._write({"event": "sent", "chunk": chunk, "leads": _ranges(positions)})

    def outcome(
        self,
        chunk: int,
        *,
        done: Iterable[int] = (),
        in_doubt: Iterable[int] = (),
        unsent: Iterable[int] = (),
        counts: Mapping[str, int] | None = None,
    ) -> None:
        """After the request (or a look-up): what became of those leads."""
        record: dict[str, Any] = {"event": "outcome", "chunk": chunk}
        for name, positions in (("done", done), ("in_doubt", in_doubt), ("unsent", unsent)):
            ranges = _ranges(positions)
            if ranges:
                record[name] = ranges
        record.update({k: v for k, v in (counts or {}).items() if v})
        self._write(record)

    def close(self) -> None:
        """Close the file (kept on disk)."""
        self._file.close()

    def remove(self) -> None:
        """Close and delete it: every lead is done, nothing is left to resume."""
        self._file.close()
        self.path.unlink(missing_ok=True)
