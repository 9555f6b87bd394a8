"""Python names for the resource layer: a resource per tag, a method per operation.

Names are derived from the spec (the tag, the operationId) by rules, then corrected by the reviewed
table in `openapi/resources.json`. Derived names must be stable: a new operation must not rename
an existing method, so the rules only look at the operation itself, never at its neighbours;
a collision is refused (with the names involved) instead of being resolved by a suffix.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping

__all__ = [
    "NameCollisionError",
    "check_unique",
    "class_name",
    "method_name",
    "resource_name",
    "snake_case",
]

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z\d])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")

# Verbs the API spells one way and Python SDKs another (PATCH is a partial update).
_VERB_SYNONYMS = {"patch": "update"}
# Words left dangling at the end once the resource's own words are removed ("enable warmup for").
_DANGLING = {"for", "by", "of", "from", "to"}
# Names a method must not take: they would shadow the resource's own attributes.
_RESERVED_METHODS = {"with_options", "mro"}


class NameCollisionError(ValueError):
    """Two operations would get the same Python name; the override table must say which is which."""


def snake_case(name: str) -> str:
    """`getAIAgent` → `get_ai_agent`; `BlockListEntry` → `block_list_entry`."""
    name = _ACRONYM_BOUNDARY.sub(r"\1_\2", name)
    name = _WORD_BOUNDARY.sub(r"\1_\2", name)
    return _NON_WORD.sub("_", name).strip("_").lower()


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    return word + "s"


def resource_name(tag: str, overrides: Mapping[str, str]) -> str:
    """The client attribute of a tag's resource: reviewed name, else the plural snake-case tag."""
    if tag in overrides:
        return overrides[tag]
    words = snake_case(tag).split("_")
    return "_".join([*words[:-1], _plural(words[-1])])


def class_name(resource: str) -> str:
    """`lead_lists` → `LeadLists` (the async class adds the `Async` prefix)."""
    return "".join(part[:1].upper() + part[1:] for part in resource.split("_"))


def _matches(window: list[str], run: list[str]) -> bool:
    """`window` spells `run`, its last word possibly in the plural."""
    return window[:-1] == run[:-1] and window[-1] in (run[-1], _plural(run[-1]))


def _without_tag_words(words: list[str], tag_words: list[str]) -> list[str]:
    """`words` without the longest run of the tag's words they contain (`get_lead_finder_agent`
    on AILeadFinderAgent → `get`). Runs of one short word ("ai") are not removed alone."""
    for size in range(len(tag_words), 0, -1):
        for offset in range(len(tag_words) - size + 1):
            run = tag_words[offset : offset + size]
            if size == 1 and len(run[0]) <= 2:
                continue
            for start in range(len(words) - size + 1):
                if _matches(words[start : start + size], run):
                    return words[:start] + words[start + size :]
    return words


def method_name(operation_id: str, tag: str, overrides: Mapping[str, str]) -> str:
    """The method of an operation on its resource: reviewed name, else the operationId without
    the tag's words (`listLeads` on Lead → `list`, `patchLead` → `update`)."""
    if operation_id in overrides:
        return overrides[operation_id]
    words = snake_case(operation_id).split("_")
    remaining = _without_tag_words(words, snake_case(tag).split("_"))
    if remaining[-2:] == ["by", "id"]:
        remaining = remaining[:-2]
    while len(remaining) > 1 and remaining[-1] in _DANGLING:
        remaining.pop()
    if not remaining:
        remaining = words[:1]
    remaining[0] = _VERB_SYNONYMS.get(remaining[0], remaining[0])
    name = "_".join(remaining)
    if keyword.iskeyword(name) or name in _RESERVED_METHODS or not name.isidentifier():
        name += "_"
    return name


def check_unique(named: Iterable[tuple[str, str]], what: str) -> None:
    """Refuse two owners (operationIds, tags) of one name, naming both and the fix."""
    owners: dict[str, str] = {}
    clashes: list[str] = []
    for name, owner in named:
        if name in owners and owners[name] != owner:
            clashes.append(f"{what} {name!r}: {owners[name]} and {owner}")
        owners.setdefault(name, owner)
    if clashes:
        raise NameCollisionError(
            "names collide; give one of each pair its own name in openapi/resources.json:\n  "
            + "\n  ".join(clashes)
        )
