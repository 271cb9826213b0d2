"""Running tasks on their cron schedules (`cmdb schedule`, `cmdb serve --schedule`).

A task is a name, a kind (what it is: a discovery job, an audit, a report), a cron
expression (UTC) and a callable. One scheduler runs its tasks one at a time, each when
its schedule falls due. The next time of a task is computed when its run ends, so a run
that lasts longer than its interval skips the ticks it overran (counted, never piled
up). A run that fails with one of the errors the caller names is recorded and the
schedule goes on: one failing task never stops the others. The clock and the sleep are
parameters, so the loop is tested without waiting.

With a run log (GraphRunLog: (:ScheduledRun) nodes), every run is recorded, and at
start-up a task whose tick fell due after its last recorded run (missed while no
scheduler ran) runs at once, one time however many ticks it missed; a task that never
ran waits for its first tick unless it asks for an `initial_run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import neo4j
from croniter import croniter

from cmdb.errors import CMDBError
from cmdb.queries import schedule as q


class ScheduleError(CMDBError):
    """Tasks that cannot be scheduled together: a bad schedule, or one name twice."""


@dataclass(frozen=True, slots=True)
class Task:
    """Something the scheduler runs: `run()` when `cron` (UTC) falls due."""

    name: str
    kind: str  # "discovery", "audit", "report": shown, never interpreted
    cron: str
    run: Callable[[], object]
    initial_run: bool = False  # never ran: run at start rather than at the first tick


@dataclass(frozen=True, slots=True)
class Outcome:
    """One run the scheduler started."""

    task: str
    due: datetime  # the tick it ran for
    started: datetime
    ended: datetime
    error: str | None  # the error that ended it, None when it completed
    skipped: int  # ticks that fell due while it ran and were not run
    unrecorded: str | None = None  # why the run log did not take it (the run stands)


class RunLog(Protocol):
    """Where runs are recorded, and the newest tick each task ran for is read back."""

    def last_dues(self, names: Sequence[str]) -> dict[str, datetime | None]: ...

    def record(self, kind: str, outcome: Outcome) -> None: ...


class GraphRunLog:
    """The run log in the graph: one (:ScheduledRun) per run (cmdb/queries/schedule.py)."""

    def __init__(self, driver: neo4j.Driver) -> None:
        self._driver = driver

    def last_dues(self, names: Sequence[str]) -> dict[str, datetime | None]:
        records, _, _ = self._driver.execute_query(q.LAST_DUES, tasks=list(names))
        return {r["task"]: _utc(r["due"]) for r in records}

    def record(self, kind: str, outcome: Outcome) -> None:
        props = {"task": outcome.task, "kind": kind, "due": outcome.due,
                 "started_at": outcome.started, "ended_at": outcome.ended,
                 "error": outcome.error, "skipped": outcome.skipped}  # fmt: skip
        self._driver.execute_query(q.RECORD_RUN, props=props)

    def runs(self, task: str, limit: int = 100) -> list[dict[str, Any]]:
        """A task's recorded runs, newest tick first."""
        records, _, _ = self._driver.execute_query(q.READ_RUNS, task=task, limit=limit)
        return [{k: _utc(v) for k, v in r["p"].items()} for r in records]


def _utc(value: Any) -> Any:
    """Neo4j's DateTime as a Python datetime in UTC; anything else as it is."""
    if hasattr(value, "to_native"):
        return value.to_native().astimezone(UTC)
    return value


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
        log: RunLog | None = None,
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
        self._survives, self._log = survives, log
        self._clock, self._sleep = clock, sleep
        now = clock()
        last = log.last_dues(names) if log is not None and not run_now else {}
        self.due = {t.name: now if run_now else _first_due(t, last.get(t.name), now)
                    for t in self.tasks}  # fmt: skip
        # the tasks that run at start-up because a tick passed while nothing ran
        self.missed = {t.name for t in self.tasks if last.get(t.name) is not None
                       and self.due[t.name] <= now}  # fmt: skip

    def upcoming(self) -> list[tuple[Task, datetime]]:
        """Every task with its next tick, soonest first."""
        return sorted(((t, self.due[t.name]) for t in self.tasks),
                      key=lambda p: (p[1], p[0].name))  # fmt: skip

    def run(self, max_runs: int | None = None, on_outcome: Callable[[Outcome], object] = print,
            stopped: Callable[[], bool] = lambda: False) -> list[Outcome]:  # fmt: skip
        """Run tasks as they fall due, until `max_runs` runs (forever when None) or until
        `stopped()` (checked between runs and after every sleep)."""
        outcomes: list[Outcome] = []
        while (max_runs is None or len(outcomes) < max_runs) and not stopped():
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
            if self._log is not None:
                try:
                    self._log.record(task.kind, outcome)
                except self._survives as exc:
                    outcome = replace(outcome, unrecorded=f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            on_outcome(outcome)
        return outcomes


def _first_due(task: Task, last: datetime | None, now: datetime) -> datetime:
    """When a task first runs: its newest tick at or before `now` if one fell due since
    its last run (once, however many were missed), or it never ran and asks for an
    initial run; else its next tick."""
    if last is None:
        return now if task.initial_run else next_due(task.cron, now)
    missed = next_due(task.cron, last)
    if missed > now:
        return missed
    newest: datetime = croniter(task.cron, now.astimezone(UTC)).get_prev(datetime)
    return max(missed, newest.astimezone(UTC))
