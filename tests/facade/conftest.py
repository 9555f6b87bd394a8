"""Fixtures for the facade's unit tests.

`facade/` and `generated/` are put on sys.path here so the tests import the packages from the
checkout without an install (pyproject's `pythonpath` lists only the repository root).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
for _folder in (_ROOT / "generated", _ROOT / "facade"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from _facade_helpers import FakeTime  # noqa: E402  (needs the folder on sys.path)

__all__ = ["fake_time"]


@pytest.fixture
def fake_time() -> FakeTime:
    """A clock that moves only when the code under test sleeps."""
    return FakeTime()
