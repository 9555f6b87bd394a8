"""A hand-written helper as a method of both clients' resources, from its one plan.

A helper is a plan (`instantly._plans`): a generator written once. `plan_method(plan)` in a
resource class body makes it a method: on a sync resource it runs the plan and returns its
result, on an async one it returns the coroutine that does. The signature and docstring are the
plan's, checked by mypy where the plan is written (the overloads of `__get__` give each kind of
resource its return type); nothing is generated from it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from .._job_handles import AsyncJobGroup, JobGroup
    from .._plans import Plan
    from .._polling import JobLike
    from ._base import AsyncResource, SyncResource

__all__ = ["PlanMethod", "job_group_method", "plan_method"]

P = ParamSpec("P")
T = TypeVar("T")
A = TypeVar("A")  # what the async method's coroutine gives (a plan's handles are async there)
J = TypeVar("J", bound="JobLike")


class PlanMethod(Generic[P, T, A]):
    """A descriptor: the plan's signature, run by the resource's client (sync or async)."""

    def __init__(self, plan: Callable[P, Plan[Any]]) -> None:
        self.plan = plan
        self.__doc__ = plan.__doc__
        self.__name__ = plan.__name__
        self.__wrapped__ = plan  # `inspect.signature` and `help()` show the plan's signature

    def __set_name__(self, owner: type, name: str) -> None:
        """Stand in the class as a plain function (made by `_base.plan_shell`), so a call costs
        no descriptor and enters no file of its own; this object only carries the types."""
        from ._base import plan_shell

        method = plan_shell(self.plan)
        method.__name__, method.__doc__ = name, self.__doc__
        method.__qualname__ = f"{owner.__qualname__}.{name}"
        method.__module__ = owner.__module__
        signature = inspect.signature(self.plan)
        parameters = list(signature.parameters.values())
        myself = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        method.__signature__ = signature.replace(parameters=[myself, *parameters])  # type: ignore[attr-defined]
        setattr(owner, name, method)

    if TYPE_CHECKING:  # what the class attribute is to a type checker, on each kind of resource

        @overload
        def __get__(self, resource: None, owner: type) -> PlanMethod[P, T, A]: ...
        @overload
        def __get__(
            self, resource: AsyncResource, owner: type
        ) -> Callable[P, Coroutine[Any, Any, A]]: ...
        @overload
        def __get__(self, resource: SyncResource, owner: type) -> Callable[P, T]: ...
        def __get__(self, resource: Any, owner: type) -> Any: ...


def plan_method(plan: Callable[P, Plan[T]]) -> PlanMethod[P, T, T]:
    """`plan` as a method of a resource class (sync or async)."""
    return PlanMethod(plan)


def job_group_method(
    plan: Callable[P, Plan[JobGroup[J]]],
) -> PlanMethod[P, JobGroup[J], AsyncJobGroup[J]]:
    """`plan`, which starts jobs, as a method: its group is an `AsyncJobGroup` when async."""
    return PlanMethod(plan)
