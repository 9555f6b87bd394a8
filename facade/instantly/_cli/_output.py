"""What the command line writes: tables and text for people, JSON for scripts, messages on stderr.

Results go to stdout (a table, `key: value` lines, or with `--json` one JSON document); notes,
progress and errors go to stderr, so `instantly --json ... | jq` always reads clean JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

__all__ = ["Output", "cell"]


def cell(value: object) -> str:
    """A value as table text: '-' for absent (None or the generated code's UNSET)."""
    from instantly_api.types import Unset  # here: the models load it; --help need not (attrs)

    if value is None or isinstance(value, Unset):
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Output:
    """Writes a command's result in the chosen form, and its messages, to the given streams."""

    def __init__(self, stdout: TextIO, stderr: TextIO, *, json_mode: bool) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.json_mode = json_mode

    def result(self, payload: Any, render: Callable[[Output], None]) -> None:
        """`payload` as JSON with `--json`, else whatever `render` writes for people."""
        if self.json_mode:
            self.stdout.write(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")
        else:
            render(self)
        self.stdout.flush()

    def line(self, text: str = "") -> None:
        """One line of human-readable output on stdout."""
        self.stdout.write(text + "\n")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Rows under upper-case headers, columns padded to their widest cell."""
        texts = [[cell(value) for value in row] for row in rows]
        widths = [len(h) for h in headers]
        for row in texts:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        for row in [[h.upper() for h in headers], *texts]:
            padded = [c.ljust(w) for c, w in zip(row, widths, strict=True)]
            self.line("  ".join(padded).rstrip())

    def fields(self, pairs: Iterable[tuple[str, object]]) -> None:
        """`name: value` lines, names aligned."""
        items = [(name, cell(value)) for name, value in pairs]
        width = max((len(name) for name, _ in items), default=0)
        for name, value in items:
            self.line(f"{name + ':':<{width + 1}} {value}")

    def note(self, text: str) -> None:
        """A message for the person at the terminal, on stderr (never mixed into results)."""
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def error(self, text: str) -> None:
        """An error message on stderr, prefixed 'error: '."""
        self.note(f"error: {text}")
