"""Normalize Instantly's OpenAPI spec so openapi-python-client generates a complete client.

`normalize(spec)` is a pure, deterministic function made of named rules (`RULES`, in order), each
keyed on a construct of the spec rather than a path, so next month's instances are handled too.
One-off fixes at a known place are data instead: `load_overrides` / `apply_overrides`.
"""

from __future__ import annotations

from ._assertions import fold_assertion_only_variants
from ._hoist import hoist_shared_error_bodies
from ._naming import name_schemas_by_title, pascal_case
from ._overrides import Override, OverrideError, apply_overrides, load_overrides
from ._registry import RULES, NormalizeReport, Rule, RuleFunction, normalize, normalize_with_report
from ._types import (
    give_arrays_items,
    open_enums,
    open_objects,
    relax_string_formats,
)
from ._walk import iter_operations, iter_schemas

__all__ = [
    "RULES",
    "NormalizeReport",
    "Override",
    "OverrideError",
    "Rule",
    "RuleFunction",
    "apply_overrides",
    "fold_assertion_only_variants",
    "give_arrays_items",
    "hoist_shared_error_bodies",
    "iter_operations",
    "iter_schemas",
    "load_overrides",
    "name_schemas_by_title",
    "normalize",
    "normalize_with_report",
    "open_enums",
    "open_objects",
    "pascal_case",
    "relax_string_formats",
]
