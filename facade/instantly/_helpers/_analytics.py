"""Analytics as rows: flat dicts from the analytics answers, and a CSV writer for them.

A row is one item of an answer (a day, a step, a campaign's overview) as plain JSON data with
nested objects flattened to dotted keys (`"a.b"`), so it fits one line of a CSV file or a
DataFrame. Lists stay as they are (JSON text in a CSV cell).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

__all__ = ["flat_row", "rows_of", "write_rows_csv"]


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


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"), default=str)
    return "" if value is None else value


def write_rows_csv(rows: Iterable[Mapping[str, Any]], file: IO[str]) -> int:
    """Write rows to an open text file as CSV (header: every key, first-seen order); the count.

    Open the file with `newline=""`, as the csv module asks.
    """
    materialized = list(rows)
    header: dict[str, None] = {}
    for row in materialized:
        header.update(dict.fromkeys(row))
    writer = csv.DictWriter(file, fieldnames=list(header), restval="")
    writer.writeheader()
    for row in materialized:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return len(materialized)
