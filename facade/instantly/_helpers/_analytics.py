"""Analytics as rows: flat dicts from the analytics answers, and a CSV writer for them.

A row is one item of an answer (a day, a step, a campaign's overview) as plain JSON data with
nested objects flattened to dotted keys (`"a.b"`), so it fits one line of a CSV file or a
DataFrame. Lists stay as they are (JSON text in a CSV cell).

The CSV is safe to open in a spreadsheet by default: a cell (or column name) starting with
`=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula there
(`=HYPERLINK(...)` in a lead's name), so it is written with a leading `'` (OWASP's advice for
CSV injection). `spreadsheet_safe=False` writes every cell exactly as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any, Final

__all__ = ["FORMULA_PREFIXES", "flat_row", "rows_of", "spreadsheet_safe_cell", "write_rows_csv"]

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def flat_row(item: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One answer item as a flat dict (nested objects as dotted keys); `extra` columns first."""
    data = item.to_dict() if hasattr(item, "to_dict") else item
    row: dict[str, Any] = dict(extra or {})

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            row[prefix or "value"] = value

    walk("", data if isinstance(data, Mapping) else {"value": data})
    return row


def rows_of(answer: Any, extra: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of an answer: one per item of a list, else one."""
    items = answer if isinstance(answer, list) else [answer]
    return [flat_row(item, extra) for item in items]


def spreadsheet_safe_cell(value: Any) -> Any:
    """`value`, with a leading `'` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any, safe: bool) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, separators=(",", ":"), default=str)
    elif value is None:
        return ""
    return spreadsheet_safe_cell(value) if safe else value


def write_rows_csv(
    rows: Iterable[Mapping[str, Any]], file: IO[str], *, spreadsheet_safe: bool = True
) -> int:
    """Write rows to an open text file as CSV (header: every key, first-seen order); the count.

    Open the file with `newline=""`, as the csv module asks. Cells and column names that a
    spreadsheet would run as formulas get a leading `'` unless `spreadsheet_safe=False`.
    """
    import csv  # here, not at the top: `client.accounts` loads this module, rarely writes a CSV

    materialized = list(rows)
    header: dict[str, None] = {}
    for row in materialized:
        header.update(dict.fromkeys(row))
    names = {key: _cell(key, spreadsheet_safe) for key in header}
    writer = csv.DictWriter(file, fieldnames=list(names.values()), restval="")
    writer.writeheader()
    for row in materialized:
        writer.writerow({names[k]: _cell(v, spreadsheet_safe) for k, v in row.items()})
    return len(materialized)
