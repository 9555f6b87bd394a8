"""`instantly spec info`: the pinned spec, read at run time; comparing specs is build tooling."""

from __future__ import annotations

from _cli_support import Runner
from instantly_api import _spec


def test_info_prints_the_pin_of_the_generated_package(cli: Runner) -> None:
    result = cli("spec", "info")
    assert result.code == 0
    assert _spec.SPEC_SHA256 in result.out
    assert _spec.SPEC_FILENAME in result.out
    assert f"openapi-python-client {_spec.GENERATOR_VERSION}" in result.out


def test_info_json_has_stable_keys(cli: Runner) -> None:
    info = cli("spec", "info", "--json").json()
    assert info == {
        "filename": _spec.SPEC_FILENAME,
        "version": _spec.SPEC_VERSION,
        "sha256": _spec.SPEC_SHA256,
        "source": _spec.SPEC_SOURCE,
        "operation_count": _spec.OPERATION_COUNT,
        "generator": "openapi-python-client",
        "generator_version": _spec.GENERATOR_VERSION,
    }


def test_info_needs_no_api_key(cli: Runner) -> None:
    assert cli("spec", "info", env={}).code == 0


def test_spec_diff_is_build_tooling_not_a_runtime_command(cli: Runner) -> None:
    result = cli("spec", "diff", "old.json", "new.json")
    assert result.code != 0
    assert "invalid choice" in result.err
