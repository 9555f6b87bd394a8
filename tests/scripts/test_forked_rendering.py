"""The model template rendered on two cores gives the same texts as rendered in one process.

`scripts._forked_rendering` forks once the spec is parsed; the child renders the second half of
the models (issue #12). These tests drive it with a stand-in generator project (which process
rendered what is visible in the text) and then with the real generator on a small spec.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import scripts._forked_rendering as forked
import scripts.regenerate as regenerate
from scripts.regenerate import compare_trees

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


class _Template:
    """Renders `model` as its name and the pid of the process that rendered it."""

    def __init__(self, fail_in_child_of: int | None = None) -> None:
        self._fail_in_child_of = fail_in_child_of

    def render(self, **context: Any) -> str:
        if self._fail_in_child_of is not None and os.getpid() != self._fail_in_child_of:
            raise RuntimeError("the child cannot render")
        return f"{context['model']} by {os.getpid()}"


class _Env:
    def __init__(self, template: _Template) -> None:
        self.template = template

    def get_template(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.template if name == "model.py.jinja" else f"other:{name}"


class _Project:
    """What the context manager touches: the parsed models and the template environment."""

    def __init__(self, models: list[str], template: _Template) -> None:
        self.openapi = type("OpenAPI", (), {"models": models})()
        self.env = _Env(template)

    def build(self) -> list[str]:
        template = self.env.get_template("model.py.jinja")
        return [template.render(model=model) for model in self.openapi.models]


@pytest.fixture(autouse=True)
def _two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "_usable_cores", lambda: 2)


@pytest.fixture
def no_other_thread() -> None:
    """Earlier tests of a whole run may leave threads behind (servers, pools); the module then
    rightly declines to fork, so a test that needs a child skips rather than fork beside them."""
    if not forked._only_thread():
        pytest.skip("other threads run in this test process: no fork beside them")


@pytest.mark.usefixtures("no_other_thread")
def test_second_half_of_the_models_is_rendered_by_a_child_in_model_order() -> None:
    project = _Project([f"m{i}" for i in range(6)], _Template())
    with forked.models_rendered_in_a_fork(project):
        texts = project.build()
    assert [t.split(" by ")[0] for t in texts] == [f"m{i}" for i in range(6)]
    renderers = [int(t.split(" by ")[1]) for t in texts]
    assert renderers[:3] == [os.getpid()] * 3
    assert len(set(renderers[3:])) == 1 and renderers[3] != os.getpid()


def test_other_templates_and_the_environment_are_left_as_they_were() -> None:
    project = _Project(["a", "b"], _Template())
    with forked.models_rendered_in_a_fork(project):
        assert project.env.get_template("endpoint_module.py.jinja") == (
            "other:endpoint_module.py.jinja"
        )
        project.build()
    assert "get_template" not in vars(project.env)
    assert project.env.get_template("model.py.jinja") is project.env.template


def test_a_failing_child_leaves_every_model_to_this_process() -> None:
    project = _Project([f"m{i}" for i in range(4)], _Template(fail_in_child_of=os.getpid()))
    with forked.models_rendered_in_a_fork(project):
        texts = project.build()
    assert texts == [f"m{i} by {os.getpid()}" for i in range(4)]


@pytest.mark.usefixtures("no_other_thread")
def test_the_child_is_reaped_when_the_build_fails_before_the_second_half(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    project = _Project(["a", "b"], _Template())
    with pytest.raises(ValueError), forked.models_rendered_in_a_fork(project):
        raise ValueError("the build failed")
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)


def test_one_core_renders_everything_here_without_forking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "_usable_cores", lambda: 1)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked on one core"))
    project = _Project(["a", "b"], _Template())
    with forked.models_rendered_in_a_fork(project):
        assert project.build() == [f"a by {os.getpid()}", f"b by {os.getpid()}"]


def test_the_generator_writes_the_same_package_with_and_without_the_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    properties = {f"field_{i}": {"type": "string"} for i in range(3)}
    schemas = {f"Gadget{i}": {"type": "object", "properties": properties} for i in range(8)}
    paths = {
        f"/api/v2/gadgets{i}": {
            "get": {
                "operationId": f"getGadget{i}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Gadget{i}"}
                            }
                        },
                    }
                },
            }
        }
        for i in range(8)
    }
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": paths,
                "components": {"schemas": schemas},
            }
        ),
        encoding="utf-8",
    )
    regenerate._generate(spec, tmp_path / "forked" / "instantly_api")
    monkeypatch.setattr(forked, "_usable_cores", lambda: 1)
    regenerate._generate(spec, tmp_path / "single" / "instantly_api")
    forked_dir, single_dir = tmp_path / "forked", tmp_path / "single"
    assert len(list((forked_dir / "instantly_api" / "models").glob("gadget_*.py"))) == 8
    assert compare_trees(single_dir, forked_dir) == []


def test_no_fork_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked beside another thread"))
        project = _Project(["a", "b"], _Template())
        with forked.models_rendered_in_a_fork(project):
            assert project.build() == [f"a by {os.getpid()}", f"b by {os.getpid()}"]
    finally:
        release.set()
        other.join()
