"""One enable/disable warmup call of `client.accounts`: its checks, requests and handles.

Loaded by the first warmup call, not with the accounts resource: `get` or `pause` never need it.
Validation of the selection and of the waiting options happens before any request; the call is
split into one request per chunk of 100 addresses (`SplitCall`), each starting a job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._bulk import SplitCall
from .._errors import InvalidInputError, MalformedResponseError
from .._facts import AccountFilter
from .._polling import Deadline, backoff_for

if TYPE_CHECKING:
    from instantly_api.models.background_job import BackgroundJob
    from instantly_api.models.disable_warmup_for_accounts_body import (
        DisableWarmupForAccountsBody,
    )
    from instantly_api.models.enable_warmup_for_accounts_body import EnableWarmupForAccountsBody

__all__ = ["WarmupCall", "check_wait_options", "one_or_group"]

H = TypeVar("H")  # a job handle, sync or async
G = TypeVar("G")  # a group of such handles


def check_wait_options(
    wait: bool,
    timeout: float,
    poll_interval: float | None,
    on_progress: object,
) -> None:
    """Refuse bad waiting options before anything is sent (not after the jobs have started)."""
    if not isinstance(wait, bool):
        raise InvalidInputError(f"wait must be a bool, got {type(wait).__name__} {wait!r}")
    Deadline(timeout)  # checks timeout: a finite number of seconds >= 0
    backoff_for(poll_interval)  # checks poll_interval: None or a finite number of seconds > 0
    if on_progress is not None and not callable(on_progress):
        raise InvalidInputError(f"on_progress must be callable, got {on_progress!r}")
    if not wait:
        given = [
            name
            for name, value in (("poll_interval", poll_interval), ("on_progress", on_progress))
            if value is not None
        ]
        if given:
            raise InvalidInputError(f"{', '.join(given)} only apply with wait=True")


class WarmupCall(SplitCall[H], Generic[H]):
    """Enable or disable warmup: validated selection, one request per chunk of 100 addresses."""

    def __init__(
        self,
        *,
        enable: bool,
        emails: Iterable[str] | None,
        include_all: bool,
        exclude: Iterable[str] | None,
        filter: AccountFilter | str | None,
        search: str | None,
        tag_id: str | None,
        wait: bool,
        timeout: float,
        poll_interval: float | None,
        on_progress: object,
    ) -> None:
        from instantly_api.api.account import (
            disable_warmup_for_accounts,
            enable_warmup_for_accounts,
        )
        from instantly_api.models.disable_warmup_for_accounts_body import (
            DisableWarmupForAccountsBody,
        )
        from instantly_api.models.enable_warmup_for_accounts_body import (
            EnableWarmupForAccountsBody,
        )

        from .._warmup import warmup_request_bodies, warmup_selection

        selection = warmup_selection(
            emails,
            include_all=include_all,
            exclude=exclude,
            filter=filter,
            search=search,
            tag_id=tag_id,
        )
        check_wait_options(wait, timeout, poll_interval, on_progress)
        self.bodies = warmup_request_bodies(selection)
        action = "enable_warmup" if enable else "disable_warmup"
        super().__init__(action, [list(body.get("emails", ())) for body in self.bodies])
        self.module: ModuleType = (
            enable_warmup_for_accounts if enable else disable_warmup_for_accounts
        )
        self._body_class: type[EnableWarmupForAccountsBody | DisableWarmupForAccountsBody] = (
            EnableWarmupForAccountsBody if enable else DisableWarmupForAccountsBody
        )

    def kwargs(self, index: int) -> dict[str, Any]:
        """The request of chunk `index`, built by the generated operation."""
        body = self._body_class.from_dict(self.bodies[index])
        kwargs: dict[str, Any] = self.module._get_kwargs(body=body)
        return kwargs

    def started_job_id(self, index: int, job: BackgroundJob) -> str:
        """The id of the job chunk `index` started; a 2xx without a usable one is malformed."""
        job_id = job.id
        if isinstance(job_id, str) and job_id not in ("", ".", "..") and "/" not in job_id:
            return job_id
        kwargs = self.kwargs(index)
        raise MalformedResponseError(
            f"the answer describes a started job without a usable id ({job_id!r}), so the job "
            "cannot be followed; look for it with jobs.list()",
            status_code=200,
            method=str(kwargs["method"]).upper(),
            path=str(kwargs["url"]),
        )


def one_or_group(handles: Sequence[H], group: Callable[[Sequence[H]], G]) -> H | G:
    """The single handle of an unsplit call, or the group of a split one."""
    return handles[0] if len(handles) == 1 else group(handles)
