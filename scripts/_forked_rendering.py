"""The generator's model template rendered on two cores: the second half of the models in a fork.

openapi-python-client renders `model.py.jinja` once per model, one after another, and that is
the largest part of a build after parsing the spec. `models_rendered_in_a_fork(project)` forks
once the spec is parsed: the child renders the second half of the models and sends the texts
back through a pipe while the generator's own, unchanged build renders the first half; when the
build reaches the second half, its template answers with the child's texts. Same templates, same
objects (a fork copies the parsed spec), same bytes. Without `os.fork`, with a single core, with
other threads running, or when the child fails, every model is rendered in this process.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["models_rendered_in_a_fork"]

_MODEL_TEMPLATE = "model.py.jinja"


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _only_thread() -> bool:
    """True when this process runs no other thread. A fork copies only the calling thread: a
    lock another one holds (the import lock, an allocator's) could never be released in the
    child."""
    return threading.active_count() == 1


class _Child:
    """The forked renderer: its pid and the read end of the pipe its texts come through."""

    def __init__(self, template: Any, models: list[Any]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: render, send, and leave without running the parent's cleanup
            status = 1
            try:
                os.close(read)
                texts = [template.render(model=model) for model in models]
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(marshal.dumps(texts))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid = pid
        self._read = read
        self._texts: list[str] | None = None
        self._done = False

    def texts(self) -> list[str] | None:
        """The child's texts in model order (None when it failed); waits for it the first time."""
        if not self._done:
            self._done = True
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                texts = marshal.loads(data)
                self._texts = texts if isinstance(texts, list) else None
        return self._texts


class _SplitTemplate:
    """`model.py.jinja` as the build sees it: renders the first models, hands out the child's."""

    def __init__(self, template: Any, theirs: dict[int, int], child: _Child) -> None:
        self._template = template
        self._theirs = theirs  # id(model) -> position among the child's models
        self._child = child

    def render(self, *args: Any, **context: Any) -> str:
        position = self._theirs.get(id(context.get("model")))
        if position is not None and not args:
            texts = self._child.texts()
            if texts is not None:
                return texts[position]
        return str(self._template.render(*args, **context))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)


@contextlib.contextmanager
def models_rendered_in_a_fork(project: Any) -> Iterator[None]:
    """While inside, `project.build()` gets the second half of its models from a forked child."""
    models = list(project.openapi.models)
    if not hasattr(os, "fork") or not _only_thread() or _usable_cores() < 2 or len(models) < 2:
        yield
        return
    env = project.env
    template = env.get_template(_MODEL_TEMPLATE)
    theirs = models[len(models) // 2 :]
    child = _Child(template, theirs)
    split = _SplitTemplate(template, {id(m): i for i, m in enumerate(theirs)}, child)
    original = env.get_template

    def get_template(name: Any, *args: Any, **kwargs: Any) -> Any:
        found = original(name, *args, **kwargs)
        return split if name == _MODEL_TEMPLATE and not args and not kwargs else found

    env.get_template = get_template
    try:
        yield
    finally:
        del env.get_template  # the instance attribute; the class's method shows again
        child.texts()  # never leave the child unreaped
