"""The command line's index the resource layer emits (`instantly_api.resources._commands`)."""

from __future__ import annotations

import importlib

from instantly_api.resources import RESOURCES as CLASSES
from instantly_api.resources._commands import COMMANDS, RESOURCES

from scripts.resource_layer._command_table import command_name, operation_descriptions


def test_a_method_name_becomes_a_dashed_command() -> None:
    assert command_name("get_warmup_analytics") == "get-warmup-analytics"
    assert command_name("list") == "list"


def test_a_description_keeps_its_first_paragraph_on_one_line() -> None:
    document = {
        "paths": {
            "/a": {"get": {"operationId": "getA", "description": "One\nline.\n\nMore."}},
            "/b": {"get": {"operationId": "getB"}},
        }
    }
    assert operation_descriptions(document) == {"getA": "One line."}


def test_a_long_description_is_cut_at_a_word() -> None:
    text = "word " * 100
    document = {"paths": {"/a": {"get": {"operationId": "getA", "description": text}}}}
    cut = operation_descriptions(document)["getA"]
    assert cut.endswith(" ...") and len(cut) <= 304


def test_every_resource_has_its_commands() -> None:
    assert set(COMMANDS) == set(RESOURCES) == set(CLASSES)


def test_every_command_names_a_method_of_its_resource_or_none_when_a_helper_replaces_it() -> None:
    for attribute, rows in COMMANDS.items():
        module_name, sync_name, _ = CLASSES[attribute]
        resource = getattr(importlib.import_module(module_name), sync_name)
        operations = importlib.import_module(module_name).OPERATIONS
        for _, method, operation_id, _, _ in rows:
            assert operation_id in operations
            if method:
                assert callable(getattr(resource, method)), f"{attribute}.{method}"


def test_commands_are_unique_within_a_resource() -> None:
    for rows in COMMANDS.values():
        names = [row[0] for row in rows]
        assert len(names) == len(set(names))
