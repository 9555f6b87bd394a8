"""Fake background jobs: scripted lifecycles that advance on the fake's clock, plus manual control.

A job follows a `JobScript`: a list of `JobPhase`s (status, progress, how long). Reading the
clock moves a job through the phases whose time has passed; a terminal phase (success, failed,
cancelled) ends it. `JobControl` (a fake's `jobs`) also moves jobs by hand: `advance`,
`complete`, `fail`, `cancel`, `pause`, `resume`. Side effects (e.g. the accounts' warmup status)
happen when a job reaches `success`, at the instant the script says it did.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from .._facts import JOB_STATUSES, JOB_TERMINAL_STATUSES, JobStatus
from ._clock import WallClock
from ._records import IdMaker

__all__ = ["JobControl", "JobPhase", "JobScript", "job_types"]


def job_types() -> list[str]:
    """The background job types of the spec (BackgroundJob.type)."""
    from ._spec_routes import component

    types: list[str] = component("BackgroundJob")["properties"]["type"]["enum"]
    return types


_DEFAULT_ERROR: Final = "Failed to update warmup for the selected accounts"

SuccessEffect = Callable[[str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class JobPhase:
    """A stretch of a job's life: `status` at `progress` (0-100) for `duration` seconds."""

    status: str
    progress: float = 0.0
    duration: float = math.inf

    def __post_init__(self) -> None:
        if self.status not in JOB_STATUSES:
            raise ValueError(f"job status {self.status!r} is not one of {sorted(JOB_STATUSES)}")
        object.__setattr__(self, "status", JobStatus(self.status).value)  # plain str, not the enum
        if not 0 <= self.progress <= 100:
            raise ValueError(f"job progress must be within 0..100, got {self.progress}")
        if not self.duration >= 0:
            raise ValueError(f"job phase duration must be >= 0 seconds, got {self.duration}")

    @property
    def terminal(self) -> bool:
        """Whether this phase ends the job."""
        return self.status in JOB_TERMINAL_STATUSES


@dataclass(frozen=True, slots=True)
class JobScript:
    """A job's scripted lifecycle (build with the class methods); `error` goes in failed data."""

    phases: tuple[JobPhase, ...]
    error: str = _DEFAULT_ERROR

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError("a JobScript needs at least one phase")
        for phase in self.phases[:-1]:
            if phase.terminal:
                raise ValueError(f"terminal phase {phase.status!r} must be the script's last phase")

    @staticmethod
    def _run(pending: float, running: float, steps: int, until: float = 100.0) -> list[JobPhase]:
        if steps < 1:
            raise ValueError(f"steps must be >= 1, got {steps}")
        phases = [JobPhase(JobStatus.PENDING, 0.0, pending)]
        for step in range(steps):
            progress = round(until * step / steps, 2)
            phases.append(JobPhase(JobStatus.IN_PROGRESS, progress, running / steps))
        return phases

    @classmethod
    def success(cls, *, pending: float = 0.5, running: float = 2.0, steps: int = 4) -> JobScript:
        """pending → in-progress (progress 0→100 in `steps`) → success. The default script."""
        return cls((*cls._run(pending, running, steps), JobPhase(JobStatus.SUCCESS, 100.0)))

    @classmethod
    def instant(cls) -> JobScript:
        """Already `success` in the response that created it."""
        return cls((JobPhase(JobStatus.SUCCESS, 100.0),))

    @classmethod
    def failed(
        cls,
        error: str = _DEFAULT_ERROR,
        *,
        at_progress: float = 50.0,
        pending: float = 0.5,
        running: float = 1.0,
        steps: int = 2,
    ) -> JobScript:
        """Runs up to `at_progress`, then `failed` with `error` in its data."""
        phases = cls._run(pending, running, steps, until=at_progress)
        return cls((*phases, JobPhase(JobStatus.FAILED, at_progress)), error=error)

    @classmethod
    def cancelled(
        cls,
        *,
        at_progress: float = 50.0,
        pending: float = 0.5,
        running: float = 1.0,
        steps: int = 2,
    ) -> JobScript:
        """Runs up to `at_progress`, then `cancelled` (as if a user cancelled it)."""
        phases = cls._run(pending, running, steps, until=at_progress)
        return cls((*phases, JobPhase(JobStatus.CANCELLED, at_progress)))

    @classmethod
    def paused_then_resumed(
        cls,
        *,
        paused_for: float = 2.0,
        at_progress: float = 50.0,
        pending: float = 0.5,
        running: float = 2.0,
        draining_for: float = 0.0,
    ) -> JobScript:
        """Runs to `at_progress`, pauses `paused_for` s (then drains, if set), then succeeds."""
        half = running / 2
        phases = [
            JobPhase(JobStatus.PENDING, 0.0, pending),
            JobPhase(JobStatus.IN_PROGRESS, 0.0, half),
            JobPhase(JobStatus.PAUSED, at_progress, paused_for),
        ]
        if draining_for > 0:
            phases.append(JobPhase(JobStatus.DRAINING, at_progress, draining_for))
        phases += [
            JobPhase(JobStatus.IN_PROGRESS, at_progress, half),
            JobPhase(JobStatus.SUCCESS, 100.0),
        ]
        return cls(tuple(phases))

    @classmethod
    def never_finishing(
        cls, *, status: str = JobStatus.IN_PROGRESS, progress: float = 50.0, pending: float = 0.5
    ) -> JobScript:
        """Stays in `status` at `progress` forever (for deadline tests)."""
        if status in JOB_TERMINAL_STATUSES:
            raise ValueError(f"a never-finishing job cannot stay in terminal status {status!r}")
        return cls((JobPhase(JobStatus.PENDING, 0.0, pending), JobPhase(status, progress)))


@dataclass(slots=True)
class _Job:
    id: str
    type: str
    workspace_id: str
    user_id: str | None
    created_at: str
    updated_at: str
    data: dict[str, Any]
    phases: list[JobPhase]
    error: str
    started: float
    on_success: SuccessEffect | None = None
    index: int = 0
    history: list[tuple[str, float]] = field(default_factory=list)

    @property
    def phase(self) -> JobPhase:
        return self.phases[self.index]

    def as_json(self, data_fields: list[str] | None = None) -> dict[str, Any]:
        data = (
            self.data
            if data_fields is None
            else {k: self.data[k] for k in data_fields if k in self.data}
        )
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "user_id": self.user_id,
            "type": self.type,
            "entity_id": self.workspace_id,
            "entity_type": "workspace",
            "data": dict(data),
            "progress": _number(self.phase.progress),
            "status": self.phase.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class JobControl:
    """The fake's background jobs: scripting, reading, and moving them by hand. Thread-safe."""

    def __init__(
        self,
        *,
        lock: threading.RLock,
        wall: WallClock,
        workspace_id: str,
        user_id: str | None,
        default_script: JobScript | None = None,
    ) -> None:
        self._lock = lock
        self._wall = wall
        self._workspace_id = workspace_id
        self._user_id = user_id
        self._jobs: dict[str, _Job] = {}  # oldest first
        self._new_id = IdMaker(0x0B5)  # uuid7-looking ids that sort in creation order
        self._active: dict[str, _Job] = {}
        self._next_scripts: deque[JobScript] = deque()
        self.default_script = default_script or JobScript.success()

    # -- scripting -------------------------------------------------------------------------------

    def script_next(self, script: JobScript, count: int = 1) -> None:
        """Give the next `count` jobs created this script (then the default applies again)."""
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        with self._lock:
            self._next_scripts.extend([script] * count)

    def set_script(self, job_id: str, script: JobScript) -> None:
        """Replace an unfinished job's remaining life with `script`, starting now."""
        with self._lock:
            job = self._live(job_id, "re-script")
            now = self._wall.clock()
            job.phases = [*job.phases[: job.index], *script.phases]
            job.error = script.error
            self._enter(job, job.index, now)

    # -- reading ---------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Ids of every job, oldest first."""
        with self._lock:
            return list(self._jobs)

    def get(self, job_id: str) -> dict[str, Any]:
        """A job as the API shows it now (the spec's BackgroundJob)."""
        with self._lock:
            self._settle(self._wall.clock())
            return self._get(job_id).as_json()

    def status(self, job_id: str) -> str:
        """A job's status now."""
        return str(self.get(job_id)["status"])

    def history(self, job_id: str) -> list[tuple[str, float]]:
        """(status, clock reading) of every status the job entered, in order."""
        with self._lock:
            self._settle(self._wall.clock())
            return list(self._get(job_id).history)

    # -- moving by hand --------------------------------------------------------------------------

    def advance(self, job_id: str) -> dict[str, Any]:
        """Move a job to its next scripted phase now."""
        with self._lock:
            job = self._live(job_id, "advance")
            if job.index + 1 >= len(job.phases):
                raise ValueError(
                    f"job {job_id} is in its last scripted phase ({job.phase.status}); "
                    "use complete(), fail() or cancel() to end it"
                )
            self._enter(job, job.index + 1, self._wall.clock())
            return job.as_json()

    def complete(self, job_id: str) -> dict[str, Any]:
        """End a job with `success` now (its side effects apply)."""
        return self._end(job_id, "complete", JobPhase(JobStatus.SUCCESS, 100.0), None)

    def fail(self, job_id: str, error: str | None = None) -> dict[str, Any]:
        """End a job with `failed` now, `error` (or the script's) in its data."""
        return self._end(job_id, "fail", None, error)

    def cancel(self, job_id: str) -> dict[str, Any]:
        """End a job with `cancelled` now."""
        return self._end(job_id, "cancel", JobPhase(JobStatus.CANCELLED), None)

    def pause(self, job_id: str) -> dict[str, Any]:
        """Put a job in `paused` until `resume`; the interrupted phase restarts on resume."""
        with self._lock:
            job = self._live(job_id, "pause")
            if job.phase.status != JobStatus.PAUSED:
                job.phases.insert(job.index, JobPhase(JobStatus.PAUSED, job.phase.progress))
                self._enter(job, job.index, self._wall.clock())
            return job.as_json()

    def resume(self, job_id: str) -> dict[str, Any]:
        """Leave `paused` now and carry on with the script."""
        with self._lock:
            job = self._live(job_id, "resume")
            if job.phase.status != JobStatus.PAUSED:
                raise ValueError(
                    f"job {job_id} is {job.phase.status!r}, not 'paused'; nothing to resume"
                )
            self._enter(job, job.index + 1, self._wall.clock())
            return job.as_json()

    def start(
        self,
        job_type: str = "update-warmup-accounts",
        data: dict[str, Any] | None = None,
        script: JobScript | None = None,
    ) -> dict[str, Any]:
        """Start a job with no side effects (e.g. an `import-leads` job for a poller under test)."""
        if job_type not in job_types():
            raise ValueError(f"job type {job_type!r} is not one of {job_types()}")
        with self._lock:
            if script is not None:
                self._next_scripts.appendleft(script)
            return self._create(job_type, dict(data or {}), None).as_json()

    # -- used by the fake (under its lock) -------------------------------------------------------

    def _create(
        self, job_type: str, data: dict[str, Any], on_success: SuccessEffect | None
    ) -> _Job:
        """Start a job on the next queued script (or the default) at the current clock reading."""
        now = self._wall.clock()
        script = self._next_scripts.popleft() if self._next_scripts else self.default_script
        job_id = self._new_id()
        stamp = self._wall.at(now)
        job = _Job(
            id=job_id,
            type=job_type,
            workspace_id=self._workspace_id,
            user_id=self._user_id,
            created_at=stamp,
            updated_at=stamp,
            data=data,
            phases=list(script.phases),
            error=script.error,
            started=now,
            on_success=on_success,
        )
        self._jobs[job_id] = job
        self._active[job_id] = job
        self._enter(job, 0, now)
        self._settle(now)
        return job

    def _settle(self, now: float) -> None:
        """Move every unfinished job through the phases whose time has passed by `now`."""
        if not self._active:
            return
        for job in list(self._active.values()):
            while not job.phase.terminal and job.index + 1 < len(job.phases):
                ends = job.started + job.phase.duration
                if now < ends:
                    break
                self._enter(job, job.index + 1, ends)

    # -- internals -------------------------------------------------------------------------------

    def _get(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            known = list(self._jobs)[-5:]
            raise KeyError(f"no background job with id {job_id!r}; known ids: {known}")
        return job

    def _live(self, job_id: str, verb: str) -> _Job:
        self._settle(self._wall.clock())
        job = self._get(job_id)
        if job.phase.terminal:
            raise ValueError(
                f"cannot {verb} job {job_id}: it already ended with {job.phase.status!r}"
            )
        return job

    def _end(
        self, job_id: str, verb: str, phase: JobPhase | None, error: str | None
    ) -> dict[str, Any]:
        with self._lock:
            job = self._live(job_id, verb)
            if phase is None:
                phase = JobPhase(JobStatus.FAILED, job.phase.progress)
                job.error = error or job.error
            job.phases = [*job.phases[: job.index + 1], phase]
            self._enter(job, job.index + 1, self._wall.clock())
            return job.as_json()

    def _enter(self, job: _Job, index: int, when: float) -> None:
        job.index = index
        job.started = when
        job.updated_at = self._wall.at(when)
        status = job.phase.status
        if not job.history or job.history[-1][0] != status:
            job.history.append((status, when))
        if status == JobStatus.SUCCESS and job.on_success is not None:
            job.data.update(job.on_success(job.updated_at))
            job.on_success = None
        elif status == JobStatus.FAILED:
            job.data["error"] = job.error
        if job.phase.terminal:
            self._active.pop(job.id, None)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
