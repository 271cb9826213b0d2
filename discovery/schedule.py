"""Running discovery jobs on their cron schedules (`cmdb schedule`).

One scheduler process, jobs run one at a time, each when its `schedule` (a cron
expression, in UTC) falls due. The next time of a job is computed when its run ends, so
a run that lasts longer than its interval skips the ticks it overran (counted, never
piled up). A run that fails with one of the errors the caller names is recorded and the
schedule goes on: one failing job never stops the others. The clock and the sleep are
parameters, so the loop is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import croniter

from cmdb.errors import CMDBError
from discovery.jobs import Job


class ScheduleError(CMDBError):
    """Jobs that cannot be scheduled together: no schedule, or one name twice."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One run the scheduler started."""

    job: str
    due: datetime  # the tick it ran for
    started: datetime
    ended: datetime
    error: str | None  # the error that ended it, None when it completed
    skipped: int  # ticks that fell due while it ran and were not run


def next_due(job: Job, after: datetime) -> datetime:
    """The job's first tick strictly after `after` (UTC)."""
    if job.schedule is None:
        raise ScheduleError(f"job {job.name!r} has no schedule")
    following: datetime = croniter(job.schedule, after.astimezone(UTC)).get_next(datetime)
    return following.astimezone(UTC)


def ticks_between(job: Job, start: datetime, end: datetime) -> int:
    """How many of the job's ticks fall in (start, end]."""
    count, tick = 0, next_due(job, start)
    while tick <= end:
        count += 1
        tick = next_due(job, tick)
    return count


class Scheduler:
    def __init__(
        self,
        jobs: Sequence[Job],
        run: Callable[[Job], object],
        *,
        survives: tuple[type[Exception], ...],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], object] = time.sleep,
        run_now: bool = False,
    ) -> None:
        names = [job.name for job in jobs]
        duplicate = sorted({n for n in names if names.count(n) > 1})
        if duplicate:
            raise ScheduleError(f"jobs scheduled twice: {', '.join(duplicate)}")
        unscheduled = [job.name for job in jobs if job.schedule is None]
        if unscheduled:
            raise ScheduleError(f"no schedule in job(s) {', '.join(unscheduled)}: give `schedule:`")
        self.jobs = list(jobs)
        self._run, self._survives = run, survives
        self._clock, self._sleep = clock, sleep
        now = clock()
        self.due = {job.name: now if run_now else next_due(job, now) for job in self.jobs}

    def upcoming(self) -> list[tuple[Job, datetime]]:
        """Every job with its next tick, soonest first."""
        return sorted(((j, self.due[j.name]) for j in self.jobs), key=lambda p: (p[1], p[0].name))

    def run(self, max_runs: int | None = None, on_outcome: Callable[[Outcome], object] = print,
            ) -> list[Outcome]:  # fmt: skip
        """Run jobs as they fall due, until `max_runs` runs (forever when None)."""
        outcomes: list[Outcome] = []
        while max_runs is None or len(outcomes) < max_runs:
            job, due = self.upcoming()[0]
            wait = (due - self._clock()).total_seconds()
            if wait > 0:
                self._sleep(wait)
                continue  # the clock decides, not the sleep: check again
            started = self._clock()
            error: str | None = None
            try:
                self._run(job)
            except self._survives as exc:
                error = f"{type(exc).__name__}: {exc}"
            ended = self._clock()
            self.due[job.name] = next_due(job, ended)
            outcome = Outcome(job.name, due, started, ended, error,
                              ticks_between(job, due, ended))  # fmt: skip
            outcomes.append(outcome)
            on_outcome(outcome)
        return outcomes
