"""Running tasks on their cron schedules (`cmdb schedule`, `cmdb serve --schedule`).

A task is a name, a kind (what it is: a discovery job, an audit, a report), a cron
expression (UTC) and a callable. One scheduler runs its tasks one at a time, each when
its schedule falls due. The next time of a task is computed when its run ends, so a run
that lasts longer than its interval skips the ticks it overran (counted, never piled
up). A run that fails with one of the errors the caller names is recorded and the
schedule goes on: one failing task never stops the others. The clock and the sleep are
parameters, so the loop is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import croniter

from cmdb.errors import CMDBError


class ScheduleError(CMDBError):
    """Tasks that cannot be scheduled together: a bad schedule, or one name twice."""


@dataclass(frozen=True, slots=True)
class Task:
    """Something the scheduler runs: `run()` when `cron` (UTC) falls due."""

    name: str
    kind: str  # "discovery", "audit", "report": shown, never interpreted
    cron: str
    run: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One run the scheduler started."""

    task: str
    due: datetime  # the tick it ran for
    started: datetime
    ended: datetime
    error: str | None  # the error that ended it, None when it completed
    skipped: int  # ticks that fell due while it ran and were not run


def check_cron(cron: str) -> str:
    """`cron` when croniter takes it; ScheduleError (with the reason) otherwise."""
    if not croniter.is_valid(cron):
        raise ScheduleError(f"{cron!r} is not a cron expression (minute hour day month weekday)")
    return cron


def next_due(cron: str, after: datetime) -> datetime:
    """The schedule's first tick strictly after `after` (UTC)."""
    following: datetime = croniter(cron, after.astimezone(UTC)).get_next(datetime)
    return following.astimezone(UTC)


def ticks_between(cron: str, start: datetime, end: datetime) -> int:
    """How many of the schedule's ticks fall in (start, end]."""
    count, tick = 0, next_due(cron, start)
    while tick <= end:
        count += 1
        tick = next_due(cron, tick)
    return count


class Scheduler:
    def __init__(
        self,
        tasks: Sequence[Task],
        *,
        survives: tuple[type[Exception], ...],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], object] = time.sleep,
        run_now: bool = False,
    ) -> None:
        names = [task.name for task in tasks]
        duplicate = sorted({n for n in names if names.count(n) > 1})
        if duplicate:
            raise ScheduleError(f"tasks scheduled twice: {', '.join(duplicate)}")
        for task in tasks:
            try:
                check_cron(task.cron)
            except ScheduleError as exc:
                raise ScheduleError(f"{task.kind} {task.name!r}: {exc}") from None
        self.tasks = list(tasks)
        self._survives = survives
        self._clock, self._sleep = clock, sleep
        now = clock()
        self.due = {t.name: now if run_now else next_due(t.cron, now) for t in self.tasks}

    def upcoming(self) -> list[tuple[Task, datetime]]:
        """Every task with its next tick, soonest first."""
        return sorted(((t, self.due[t.name]) for t in self.tasks),
                      key=lambda p: (p[1], p[0].name))  # fmt: skip

    def run(self, max_runs: int | None = None, on_outcome: Callable[[Outcome], object] = print,
            ) -> list[Outcome]:  # fmt: skip
        """Run tasks as they fall due, until `max_runs` runs (forever when None)."""
        outcomes: list[Outcome] = []
        while max_runs is None or len(outcomes) < max_runs:
            task, due = self.upcoming()[0]
            wait = (due - self._clock()).total_seconds()
            if wait > 0:
                self._sleep(wait)
                continue  # the clock decides, not the sleep: check again
            started = self._clock()
            error: str | None = None
            try:
                task.run()
            except self._survives as exc:
                error = f"{type(exc).__name__}: {exc}"
            ended = self._clock()
            self.due[task.name] = next_due(task.cron, ended)
            outcome = Outcome(task.name, due, started, ended, error,
                              ticks_between(task.cron, due, ended))  # fmt: skip
            outcomes.append(outcome)
            on_outcome(outcome)
        return outcomes
