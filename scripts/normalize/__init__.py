"""Normalize Instantly's OpenAPI spec so openapi-python-client generates a complete client.

`normalize(spec)` is a pure, deterministic function made of named rules (`RULES`, in order), each
keyed on a construct of the spec rather than a path, so next month's instances are handled too.
One-off fixes at a known place are data instead: `load_overrides` / `apply_overrides`.
"""

from __future__ import annotations

from ._assertions import fold_assertion_only_variants
from ._hoist import hoist_shared_error_bodies
from ._media import is_json_media_type, put_json_media_first
from ._naming import give_models_unique_titles, name_schemas_by_title, pascal_case
from ._overrides import Override, OverrideError, apply_overrides, load_overrides
from ._read_write import honour_read_write_markers
from ._refs import replace_dangling_refs
from ._registry import RULES, NormalizeReport, Rule, RuleFunction, normalize, normalize_with_report
from ._reserved import RESERVED_MODEL_NAMES, python_attribute_name, untype_reserved_properties
from ._result_names import (
    MODEL_NAMES_PATH,
    ModelNameError,
    ModelNames,
    load_model_names,
    name_result_types,
    name_result_types_from,
    proposed_model_names,
)
from ._server_notes import (
    NOTE_KINDS,
    SERVER_NOTES_PATH,
    Evidence,
    ServerNote,
    ServerNoteError,
    ServerNotes,
    apply_server_notes,
    apply_server_notes_from,
    load_server_notes,
)
from ._types import (
    give_arrays_items,
    open_enums,
    open_objects,
    relax_string_formats,
)
from ._walk import (
    HTTP_METHODS,
    PointerError,
    iter_operations,
    iter_schemas,
    pointer_tokens,
    resolve_pointer,
)

__all__ = [
    "HTTP_METHODS",
    "MODEL_NAMES_PATH",
    "NOTE_KINDS",
    "RESERVED_MODEL_NAMES",
    "RULES",
    "SERVER_NOTES_PATH",
    "Evidence",
    "ModelNameError",
    "ModelNames",
    "NormalizeReport",
    "Override",
    "OverrideError",
    "PointerError",
    "Rule",
    "RuleFunction",
    "ServerNote",
    "ServerNoteError",
    "ServerNotes",
    "apply_overrides",
    "apply_server_notes",
    "apply_server_notes_from",
    "fold_assertion_only_variants",
    "give_arrays_items",
    "give_models_unique_titles",
    "hoist_shared_error_bodies",
    "honour_read_write_markers",
    "is_json_media_type",
    "iter_operations",
    "iter_schemas",
    "load_model_names",
    "load_overrides",
    "load_server_notes",
    "name_result_types",
    "name_result_types_from",
    "name_schemas_by_title",
    "normalize",
    "normalize_with_report",
    "open_enums",
    "open_objects",
    "pascal_case",
    "pointer_tokens",
    "proposed_model_names",
    "put_json_media_first",
    "python_attribute_name",
    "relax_string_formats",
    "replace_dangling_refs",
    "resolve_pointer",
    "untype_reserved_properties",
]
