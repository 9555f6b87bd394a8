"""The `instantly` command line (console script `instantly`, or `python -m instantly`).

One module per workflow command group (`_account_commands`, `_warmup_commands`, ...,
`_demo`, `_completion`); `_operation_commands` makes every operation of the spec a command from
the resource layer's generated index; `_app` holds the parser (only the chosen group built) and
the run from arguments to an exit code. Every decision about the API (validation, chunking,
polling, retries) is the library's; the CLI maps options to calls and results to text.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `instantly` with `argv` (default: the process's arguments); returns the exit code."""
    from ._app import run

    try:
        return run(argv)
    except BrokenPipeError:
        # stdout was closed early (`instantly accounts list | head`): stop quietly, and point
        # stdout at devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1  # EXIT_API_ERROR (`_context` is not imported for `--help`)
