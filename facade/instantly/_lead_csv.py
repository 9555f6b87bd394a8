"""A CSV file of leads, read strictly and streamed: checked whole first, then read in chunks.

Why two passes: a bad line deep in a file must mean that nothing was sent, yet a million rows must
not sit in memory. So `check_lead_csv` streams the whole file once and refuses it (with the line
number) at the first problem, keeping only counts and a SHA-256 of its bytes; `LeadCsv.chunks`
then streams it again, one chunk of leads at a time, through the same code, and stops if the file
changed in between (size or modification time). Memory is bounded by a chunk and one row (a
field may hold at most 128 KiB, the csv module's limit), not by the file.

What is refused, by line: a quote left open (the file ends inside it, or a field runs past the
limit), a quote inside a field not doubled, a row with more or fewer fields than the header, a NUL
character, text that is not in the file's encoding, and a field with a line break when it is the
only one in the file or when one of its lines reads as a whole row of the file (both the mark of
a quote left open that a later quote closed; `allow_line_breaks=True` takes such a field as it
is). Every lead is also checked as `leads.add_many` checks it (address, field types, enums).

Columns, by header (compared in lower case, runs of spaces and dashes as `_`): a field of the
spec's bulk-add lead fills that field (converted to its type: `lt_interest_status` an integer);
`custom_variables`, and any other name the API gives a lead or an import (`status`, `campaign`,
`list_id`, ...), is refused, since it would not be stored as that field; any other header is a
custom variable under its own name. A column without a header is refused unless it is empty on
every row. Empty cells are left out; blank rows are skipped. The encoding is read from a byte
order mark (UTF-8, UTF-16, UTF-32), else UTF-8, unless one is given.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from ._errors import InvalidInputError

__all__ = ["LeadCsv", "LeadCsvChunk", "LeadFileChangedError", "check_lead_csv"]

_MAX_LINE: Final = 1 << 20  # a physical line longer than 1 MiB is not a lead (or not a CSV)
_SHOWN: Final = 60  # characters of a value quoted in a message
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TRUE: Final = frozenset({"true", "yes", "1"})
_FALSE: Final = frozenset({"false", "no", "0"})


class LeadFileChangedError(InvalidInputError):
    """The file changed between its check and the chunk being read: the import stops there."""


@dataclass(frozen=True, slots=True)
class LeadCsvChunk:
    """Chunk `number` of the file's leads (data rows `start`...), and the line each began on."""

    number: int
    start: int
    lines: list[int]
    leads: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Column:
    """What a column fills: a lead field (`convert` the cell), a custom variable, or nothing."""

    header: str
    field: str | None  # the lead field, or None for a custom variable
    convert: Callable[[str], object] | None
    blank: bool = False  # no header: allowed only while every cell is empty
    schema: Mapping[str, Any] | None = None  # the field's, when it says more than its type


def _field_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _shown(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")


def _converter(name: str, types: Sequence[str]) -> Callable[[str], object]:
    """How a cell becomes the value of lead field `name`, of JSON type `types`."""

    def integer(text: str) -> object:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, got {_shown(text)}") from None

    def number(text: str) -> object:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {_shown(text)}") from None

    def boolean(text: str) -> object:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(f"{name} must be true or false, got {_shown(text)}")

    if "string" in types:
        return str
    if "integer" in types:
        return integer
    if "number" in types:
        return number
    if "boolean" in types:
        return boolean
    raise ValueError(f"{name} takes a {'/'.join(types) or 'structured value'}, not a cell")


def _lead_fields() -> dict[str, tuple[str, ...]]:
    """The bulk-add lead's fields and their JSON types, read from the generated operation data."""
    from ._helpers._lead_import import lead_schema

    fields = lead_schema().get("properties", {})
    return {
        name: tuple(schema.get("type") or ())
        for name, schema in fields.items()
        if isinstance(schema, Mapping)
    }


def _reserved_names() -> frozenset[str]:
    """Every name the API gives a lead or an import: the Lead model's fields, createLead's and
    bulkAddLeads' body properties (read from the generated package, not a hand-written list)."""
    import attrs

    from ._helpers._lead_import import BULK_ADD
    from ._operation import operation

    create = operation("createLead")
    names = set(attrs.fields_dict(create.result_class())) - {"additional_properties"}
    for op_id in ("createLead", BULK_ADD):
        names |= set(operation(op_id).schema.get("body", {}).get("properties", {}))
    return frozenset(names)


def _columns(path: Path, header: Sequence[str]) -> list[_Column]:
    """What each column fills; `InvalidInputError` for a header that cannot be imported."""
    names = [_field_name(h) for h in header]
    if "email" not in names:
        shown = ", ".join(header) if any(header) else "(empty)"
        raise InvalidInputError(f"{path} has no email column (header: {shown})")
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise InvalidInputError(f"{path}: the header names {', '.join(twice)} more than once")
    from ._helpers._lead_import import lead_schema

    fields, reserved = _lead_fields(), _reserved_names()
    properties = lead_schema().get("properties", {})
    columns: list[_Column] = []
    for number, (raw, name) in enumerate(zip(header, names, strict=True), start=1):
        where = f"{path} line 1, column {number} ({raw.strip()!r})"
        if not name:
            columns.append(_Column(raw, None, None, blank=True))
        elif name in fields:
            schema = properties[name]
            try:
                converter = _converter(name, fields[name])
                more = schema if set(schema) - {"type"} else None
                columns.append(_Column(raw, name, converter, schema=more))
            except ValueError as exc:
                raise InvalidInputError(
                    f"{where}: {exc}; every column that is not a lead field is a custom "
                    "variable already"
                ) from None
        elif name in reserved:
            raise InvalidInputError(
                f"{where}: {name} is a lead field the import cannot set (bulk add does not "
                "take it), so its values would be lost; rename the column to keep them as a "
                "custom variable"
            )
        else:
            columns.append(_Column(raw.strip(), None, None))
    return columns


def _encoding(path: Path, given: str | None) -> str:
    """`given` (checked), else the one a byte order mark names, else UTF-8."""
    if given is not None:
        try:
            return codecs.lookup(given).name
        except LookupError:
            raise InvalidInputError(f"unknown encoding {given!r}") from None
    with path.open("rb") as file:
        start = file.read(4)
    return next((name for bom, name in _BOMS if start.startswith(bom)), "utf-8-sig")


def _byte_lines(file: IO[bytes], path: Path, encoding: str) -> Iterator[str]:
    """The file's lines decoded one by one, so a decoding error names its line."""
    utf8 = encoding in ("utf-8", "utf-8-sig")
    decode = codecs.getdecoder("utf-8" if utf8 else encoding)
    number = 0
    if utf8 and file.read(3) != codecs.BOM_UTF8:
        file.seek(0)
    while raw := file.readline(_MAX_LINE + 1):
        number += 1
        if len(raw) > _MAX_LINE and not raw.endswith(b"\n"):
            raise InvalidInputError(
                f"{path} line {number} is longer than {_MAX_LINE} bytes: not a CSV file of "
                "leads (or its lines end in a lone CR)"
            )
        try:
            yield decode(raw)[0]
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                f"{path} line {number} is not {encoding} text (byte 0x{raw[exc.start]:02x} at "
                f"column {exc.start + 1}); give the file's encoding (e.g. --encoding cp1252)"
            ) from None


def _text_lines(file: IO[bytes], path: Path, encoding: str) -> Iterator[str]:
    """The lines of a UTF-16/32 file (not splittable as bytes); a decoding error names the last
    line read."""
    import io

    number = 0
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        for line in text:
            number += 1
            yield line
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{path} is not {encoding} text after line {number}: {exc.reason}"
        ) from None
    finally:
        if not file.closed:
            text.detach()  # the caller's file stays open


@dataclass(frozen=True, slots=True)
class _Row:
    first: int  # the line the row begins on
    last: int  # the line it ends on (later when a quoted field holds a line break)
    cells: list[str]


class _Reader:
    """One strict pass over the file: its rows with their lines, or `InvalidInputError`."""

    def __init__(self, path: Path, file: IO[bytes], encoding: str) -> None:
        self.path = path
        if encoding.startswith(("utf-16", "utf-32")):
            lines = _text_lines(file, path, encoding)
        else:
            lines = _byte_lines(file, path, encoding)
        self._reader = csv.reader(lines, strict=True)

    def rows(self) -> Iterator[_Row]:
        last = 0
        while True:
            first = last + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise self._error(first, exc) from None
            last = self._reader.line_num
            for cell in cells:
                if "\0" in cell:
                    raise InvalidInputError(
                        f"{self.path} line {first} holds a NUL character: not a text file?"
                    )
            yield _Row(first, last, cells)

    def _error(self, first: int, exc: csv.Error) -> InvalidInputError:
        text = str(exc)
        if "unexpected end of data" in text or "field larger than field limit" in text:
            reason = (
                "a quoted field opened here is never closed"
                if "end of data" in text
                else f"a quoted field opened here runs past {csv.field_size_limit()} characters"
            )
            return InvalidInputError(
                f"{self.path} line {first}: {reason} (a quote left open?); nothing was sent"
            )
        if "new-line character" in text:
            return InvalidInputError(
                f"{self.path} line {self._reader.line_num}: a line ends in a lone CR (old Mac "
                "line endings?): save the file with LF or CRLF line endings; nothing was sent"
            )
        return InvalidInputError(
            f"{self.path} line {self._reader.line_num}: {text} (a quote inside a field is "
            "written as two quotes); nothing was sent"
        )


class _Rows:
    """Rows of a file turned into checked leads (the same code in both passes)."""

    def __init__(self, path: Path, header: Sequence[str], *, for_list: bool) -> None:
        self.path = path
        self.width = len(header)
        self.columns = _columns(path, header)
        self.email_column = [c.field for c in self.columns].index("email")
        self.for_list = for_list
        from ._helpers._lead_import import lead_schema

        # Each cell is of its field's type already (converted); what else the spec says is
        # checked per cell, and the whole lead only if the schema says more than its fields.
        schema = lead_schema()
        custom = schema.get("properties", {}).get("custom_variables", {})
        self.custom_schema = custom if set(custom) - {"type"} else None
        self.lead_schema = schema if set(schema) - {"type", "properties"} else None

    def lead(self, row: _Row) -> dict[str, Any] | None:
        """The row's lead (checked as add_many checks it), or None for a blank row."""
        try:
            return self._lead(row)
        except InvalidInputError as exc:
            message = str(exc).replace("lead: ", "", 1)
            raise InvalidInputError(
                f"{self.path} line {row.first}: {message}; nothing was sent"
            ) from None

    def _lead(self, row: _Row) -> dict[str, Any] | None:
        from ._helpers._lead_import import check_lead_email
        from ._request_validation import check_value

        cells = row.cells
        if not cells or (len(cells) == self.width and not any(c.strip() for c in cells)):
            return None  # a blank line, or a row of empty cells: no data to lose
        if len(cells) != self.width:
            raise InvalidInputError(
                f"{len(cells)} cells for {self.width} columns (a comma too many or too few, or "
                "a quote left open?)"
            )
        lead: dict[str, Any] = {}
        custom: dict[str, str] = {}
        for number, (column, cell) in enumerate(zip(self.columns, cells, strict=True), start=1):
            value = cell.strip()
            if not value:
                continue
            if column.field is None:
                if column.blank:
                    raise InvalidInputError(
                        f"column {number} has a value but the column has no header, so it "
                        "would be lost: name the column"
                    )
                custom[column.header] = value
                continue
            assert column.convert is not None
            try:
                converted = column.convert(value)
            except ValueError as exc:
                raise InvalidInputError(str(exc)) from None
            if column.schema is not None:
                check_value(column.schema, converted, f"lead.{column.field}")
            lead[column.field] = converted
        if custom:
            if self.custom_schema is not None:
                check_value(self.custom_schema, custom, "lead.custom_variables")
            lead["custom_variables"] = custom
        check_lead_email(lead, "lead", for_list=self.for_list)
        if self.lead_schema is not None:
            check_value(self.lead_schema, lead, "lead")
        return lead

    def swallowed_row(self, row: _Row) -> tuple[int, int] | None:
        """(column, line) of a multi-line field's line that reads as a whole row of this file."""
        from ._email_addresses import validate_email

        for number, cell in enumerate(row.cells, start=1):
            for offset, line in enumerate(cell.splitlines()[1:], start=1):
                cells = next(csv.reader([line]), [])
                if len(cells) != self.width:
                    continue
                try:
                    validate_email(cells[self.email_column].strip())
                except InvalidInputError:
                    continue
                return number, row.first + offset
        return None


@dataclass(frozen=True)
class LeadCsv:
    """A lead CSV file that passed `check_lead_csv`: what it holds, and its leads in chunks."""

    path: Path
    encoding: str
    header: tuple[str, ...]
    leads: int  # data rows that are leads (blank rows left out)
    lines: int  # the file's lines
    sha256: str  # of the file's bytes: a journal names the file it belongs to by this
    for_list: bool
    stat: tuple[int, int]  # (size, modification time in ns) when checked

    def chunks(self, size: int) -> Iterator[LeadCsvChunk]:
        """The leads again, `size` at a time, read as the check read them.

        `LeadFileChangedError` if the file changed since it was checked (then nothing more is
        read); the chunks already given stand.
        """
        with self.path.open("rb") as file:
            rows = _Rows(self.path, self.header, for_list=self.for_list)
            reader = _Reader(self.path, file, self.encoding)
            iterator = reader.rows()
            next(iterator)  # the header, checked already
            index = number = 0
            lines: list[int] = []
            leads: list[dict[str, Any]] = []
            for row in iterator:
                try:
                    lead = rows.lead(row)
                except InvalidInputError as exc:
                    raise self._changed(file, str(exc)) from None
                if lead is None:
                    continue
                leads.append(lead)
                lines.append(row.first)
                index += 1
                if len(leads) == size:
                    self._check_unchanged(file)
                    yield LeadCsvChunk(number, index - size, lines, leads)
                    number, lines, leads = number + 1, [], []
            if leads:
                self._check_unchanged(file)
                yield LeadCsvChunk(number, index - len(leads), lines, leads)
            if index != self.leads:
                raise self._changed(file, f"it now holds {index} leads, not {self.leads}")

    def _check_unchanged(self, file: IO[bytes]) -> None:
        stat = os.fstat(file.fileno())
        if (stat.st_size, stat.st_mtime_ns) != self.stat:
            raise self._changed(file, "its size or modification time differs")

    def _changed(self, file: IO[bytes], why: str) -> LeadFileChangedError:
        return LeadFileChangedError(
            f"{self.path} changed since it was checked ({why}); the import stopped there"
        )


def check_lead_csv(
    path: Path, *, for_list: bool, encoding: str | None = None, allow_line_breaks: bool = False
) -> LeadCsv:
    """Read the whole file once, strictly (see the module doc); `InvalidInputError` naming the
    file and line of the first problem, else what `LeadCsv.chunks` will read."""
    try:
        name = _encoding(path, encoding)
        with path.open("rb") as file:
            stat = os.fstat(file.fileno())
            return _check(path, file, name, for_list, allow_line_breaks, stat)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _check(
    path: Path,
    file: IO[bytes],
    encoding: str,
    for_list: bool,
    allow_line_breaks: bool,
    stat: os.stat_result,
) -> LeadCsv:
    reader = _Reader(path, file, encoding)
    iterator = reader.rows()
    first = next(iterator, None)
    if first is None:
        raise InvalidInputError(f"{path} is empty: it needs a header line with an email column")
    header = tuple(first.cells)
    rows = _Rows(path, header, for_list=for_list)
    leads = lines = 0
    broken: list[_Row] = []  # rows with a field that holds a line break
    for row in iterator:
        lines = row.last
        if rows.lead(row) is None:
            continue
        leads += 1
        if row.last > row.first and not allow_line_breaks:
            swallowed = rows.swallowed_row(row)
            if swallowed is not None:
                column, line = swallowed
                raise InvalidInputError(
                    f"{path} line {row.first}: the quoted field in column {column} runs to line "
                    f"{row.last} and holds line {line} that reads as a row of this file (a quote "
                    "left open?); nothing was sent"
                )
            if len(broken) < 2:
                broken.append(row)
    if len(broken) == 1:
        row = broken[0]
        raise InvalidInputError(
            f"{path} line {row.first}: the only field of the file with a line break runs to "
            f"line {row.last} (a quote left open?); nothing was sent. If it is meant so, "
            "allow line breaks in fields (--allow-line-breaks)"
        )
    if not leads:
        raise InvalidInputError(f"{path} has a header but no leads")
    with path.open("rb") as again:
        digest = hashlib.file_digest(again, "sha256").hexdigest()
    return LeadCsv(
        path=path,
        encoding=encoding,
        header=header,
        leads=leads,
        lines=max(lines, first.last),
        sha256=digest,
        for_list=for_list,
        stat=(stat.st_size, stat.st_mtime_ns),
    )
