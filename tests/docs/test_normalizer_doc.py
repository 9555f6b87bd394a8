"""docs/normalizer.md lists the normalizer's rules, in the order `normalize` applies them."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.normalize import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "normalizer.md"


def test_the_rule_table_lists_every_rule_in_order() -> None:
    rows = re.findall(r"^\| `(\w+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert rows == [rule.name for rule in RULES]
