"""The two plan drivers: each effect to the caller's performer, its outcome or error back in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from instantly._plans import Plan, Sleep, run_async, run_sync


def adding(effects: list[int]) -> Plan[int]:
    """A plan that asks for each of `effects` and returns the sum of the outcomes."""
    total = 0
    for effect in effects:
        total += yield effect
    return total


def recovering() -> Plan[str]:
    """A plan that handles an error of its first effect and asks for a second one."""
    try:
        yield "fails"
    except LookupError as exc:
        answer: str = yield f"after {exc.args[0]}"
        return answer
    return "not reached"


def double(effect: int) -> int:
    return effect * 2


def fail_first(effect: str) -> str:
    if effect == "fails":
        raise LookupError("lost")
    return effect


def asynchronously(perform: Callable[[Any], Any]) -> Callable[[Any], Awaitable[Any]]:
    async def perform_async(effect: Any) -> Any:
        return perform(effect)

    return perform_async


def test_run_sync_sends_each_outcome_back_and_returns_the_plans_result() -> None:
    assert run_sync(adding([1, 2, 3]), double) == 12


def test_run_sync_throws_a_performers_error_into_the_plan_at_its_yield() -> None:
    assert run_sync(recovering(), fail_first) == "after lost"


def test_run_sync_lets_an_error_the_plan_does_not_handle_propagate() -> None:
    def unhandled() -> Plan[None]:
        yield Sleep(1.0)

    def refuse(effect: Any) -> None:
        raise KeyError("no")

    with pytest.raises(KeyError, match="no"):
        run_sync(unhandled(), refuse)


def test_run_sync_of_a_plan_without_effects_performs_nothing() -> None:
    assert run_sync(adding([]), double) == 0


async def test_run_async_sends_each_awaited_outcome_back() -> None:
    assert await run_async(adding([1, 2, 3]), asynchronously(double)) == 12


async def test_run_async_throws_a_performers_error_into_the_plan_at_its_yield() -> None:
    assert await run_async(recovering(), asynchronously(fail_first)) == "after lost"
