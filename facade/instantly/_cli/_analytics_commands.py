"""`instantly analytics export`: campaign analytics (daily, overview, steps) as CSV rows.

The rows are the library's (`client.campaigns.analytics_rows`: one request per campaign, each
row tagged with its `campaign_id`, nested fields as dotted columns) and so is the CSV writer
(`write_rows_csv`). CSV goes to `--output FILE` or stdout; with `--json` the rows as JSON. Cells a
spreadsheet would run as formulas are written with a leading `'` unless `--raw-cells`.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any, Final

from .._helpers._analytics import write_rows_csv
from ._context import EXIT_OK, Context, UsageError
from ._output import Output

__all__ = ["register"]

KINDS: Final = ("daily", "overview", "steps")


def _date(text: str) -> str:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-05-07") from None
    return text


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `analytics export` to the parser's subcommands."""
    analytics = commands.add_parser("analytics", help="export analytics", parents=[common])
    sub = analytics.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export", help="campaign analytics as CSV (or JSON rows)", parents=[common]
    )
    export.add_argument(
        "--campaign",
        dest="campaigns",
        metavar="ID",
        action="append",
        help="this campaign (repeatable; default: every campaign, in one request)",
    )
    export.add_argument(
        "--kind", choices=KINDS, default="daily", help="which analytics (default: daily)"
    )
    export.add_argument("--start-date", type=_date, metavar="YYYY-MM-DD", help="from this day")
    export.add_argument("--end-date", type=_date, metavar="YYYY-MM-DD", help="to this day")
    export.add_argument(
        "--output", type=Path, metavar="FILE.csv", help="write the CSV here (default: stdout)"
    )
    export.add_argument(
        "--raw-cells",
        action="store_true",
        help="write cells exactly as they are (by default a cell starting with = + - @ tab or "
        "CR gets a leading ' so that a spreadsheet does not run it as a formula)",
    )
    export.set_defaults(run=export_analytics)


def export_analytics(ctx: Context) -> int:
    """Fetch the rows, then write them (nothing is written if a request fails)."""
    args = ctx.args
    output: Path | None = args.output
    if output is not None and output.is_dir():
        raise UsageError(f"--output {output} is a directory; give a file name")
    rows = ctx.client().campaigns.analytics_rows(
        args.kind,
        campaign_ids=args.campaigns,
        start_date=args.start_date,
        end_date=args.end_date,
    )
    if output is None:
        if ctx.out.json_mode:
            ctx.out.result({"rows": rows}, lambda out: None)
        else:
            write_rows_csv(rows, ctx.out.stdout, spreadsheet_safe=not args.raw_cells)
            ctx.out.stdout.flush()
        return EXIT_OK
    try:
        with output.open("w", encoding="utf-8", newline="") as file:
            count = write_rows_csv(rows, file, spreadsheet_safe=not args.raw_cells)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None

    def render(out: Output) -> None:
        out.line(f"{count} {args.kind} row{'s' if count != 1 else ''} written to {output}")

    ctx.out.result({"rows": count, "output": str(output), "kind": args.kind}, render)
    return EXIT_OK
