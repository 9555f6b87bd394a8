"""The ordered registry of normalizer rules and the report of what each one did."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._assertions import fold_assertion_only_variants
from ._hoist import hoist_shared_error_bodies
from ._media import put_json_media_first
from ._naming import give_models_unique_titles, name_schemas_by_title, shorten_deep_model_names
from ._read_write import honour_read_write_markers
from ._refs import replace_dangling_refs
from ._reserved import untype_reserved_properties
from ._result_names import name_result_types
from ._server_notes import apply_server_notes
from ._types import (
    give_arrays_items,
    open_enums,
    open_objects,
    relax_string_formats,
)
from ._walk import JSONDict

__all__ = ["RULES", "NormalizeReport", "Rule", "RuleFunction", "normalize", "normalize_with_report"]

RuleFunction = Callable[[JSONDict, list[str]], int]
"""Rewrites the working copy of a spec in place, appends notes, returns how many times it fired."""


@dataclass(frozen=True)
class Rule:
    """A named rewrite keyed on a construct of the spec (never on a path)."""

    name: str
    apply: RuleFunction

    @property
    def summary(self) -> str:
        """First line of the rule's docstring."""
        return (self.apply.__doc__ or "").strip().splitlines()[0]


def _rule(function: RuleFunction) -> Rule:
    return Rule(function.__name__, function)


# Order matters: dangling references are replaced before anything follows references; names
# first (hoisted bodies must not collide with titles); the field notes once names are stable
# (their pointers say `Campaign`, not `def-1`); result types named once the notes have shaped the
# components they may be identical to, and before error bodies become components (a 2xx body is
# never "the same" as an error body); deep inline schemas hoisted under short names (before
# titles are checked for clashes); titles made unique once every component exists, and request
# views named after that (their names are checked against those titles); error bodies are
# hoisted while their enums still tell them apart, assertions go before enums are opened (an
# assertion-only member may hold an `enum`), and formats, arrays, media types and member names
# are fixed last.
RULES: tuple[Rule, ...] = (
    _rule(replace_dangling_refs),
    _rule(name_schemas_by_title),
    _rule(apply_server_notes),
    _rule(name_result_types),
    _rule(hoist_shared_error_bodies),
    _rule(shorten_deep_model_names),
    _rule(give_models_unique_titles),
    _rule(honour_read_write_markers),
    _rule(fold_assertion_only_variants),
    _rule(open_enums),
    _rule(relax_string_formats),
    _rule(give_arrays_items),
    _rule(untype_reserved_properties),
    _rule(open_objects),
    _rule(put_json_media_first),
)


@dataclass
class NormalizeReport:
    """How many times each rule fired, in rule order, and the notes rules left for a reviewer."""

    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable lines for the regenerate log."""
        lines = [f"  {name:32} {count:6}" for name, count in self.counts.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return lines


def normalize_with_report(
    spec: dict[str, Any], rules: tuple[Rule, ...] = RULES
) -> tuple[dict[str, Any], NormalizeReport]:
    """A normalized deep copy of `spec` (the input is never mutated) and the report of the rules."""
    working: dict[str, Any] = copy.deepcopy(spec)
    report = NormalizeReport()
    for rule in rules:
        report.counts[rule.name] = rule.apply(working, report.notes)
    return working, report


def normalize(spec: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an Instantly spec into one openapi-python-client turns into code losing nothing."""
    return normalize_with_report(spec)[0]
