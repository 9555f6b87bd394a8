"""Command-line tools the tests run, found beside the running interpreter first.

A virtualenv used without being activated (`.venv/bin/python -m pytest`) has its tools in the
interpreter's scripts folder but not on PATH; looking there first makes the suite pass either way.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["find_tool"]


def find_tool(name: str) -> str | None:
    """The path of command `name`: beside `sys.executable` first, then on PATH; None if neither."""
    beside = str(Path(sys.executable).parent)
    return shutil.which(name, path=beside + os.pathsep + os.environ.get("PATH", ""))
