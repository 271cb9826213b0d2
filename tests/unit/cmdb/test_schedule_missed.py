"""Missed runs on a fake clock and a run log in memory: a tick that fell due while no
scheduler ran runs once at start-up (not once per missed tick); a task that never ran
waits for its tick unless it asks for an initial run; every run is recorded, and a run
log that fails does not stop the schedule. Tasks of every kind run by one scheduler."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from cmdb.errors import CMDBError
from cmdb.schedule import Outcome, ScheduleError, Scheduler, Task

T0 = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)  # a Friday


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class MemoryLog:
    def __init__(self, last: dict[str, datetime], fail: bool = False) -> None:
        self.last, self.fail = last, fail
        self.recorded: list[tuple[str, Outcome]] = []

    def last_dues(self, names: Sequence[str]) -> dict[str, datetime | None]:
        return {n: self.last.get(n) for n in names}

    def record(self, kind: str, outcome: Outcome) -> None:
        if self.fail:
            raise CMDBError("the graph is away")
        self.recorded.append((kind, outcome))
        self.last[outcome.task] = outcome.due


def tasks(clock: Clock, ran: list[tuple[str, datetime]]) -> list[Task]:
    def make(name: str) -> Callable[[], None]:
        def run() -> None:
            ran.append((name, clock.now))
            clock.now += timedelta(minutes=1)

        return run

    return [
        Task("nightly-audit", "audit", "0 2 * * *", make("nightly-audit")),
        Task("monthly-status", "report", "0 6 1 * *", make("monthly-status")),
        Task("sweep", "discovery", "0 * * * *", make("sweep")),
    ]


def test_a_tick_missed_while_nothing_ran_runs_once_at_start() -> None:
    clock, ran = Clock(), list[tuple[str, datetime]]()
    # the audit last ran for Tuesday's 02:00: Wednesday's, Thursday's, Friday's were missed
    log = MemoryLog({"nightly-audit": datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
                     "monthly-status": datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
                     "sweep": datetime(2026, 12, 4, 9, 0, tzinfo=UTC)})  # fmt: skip
    scheduler = Scheduler(tasks(clock, ran), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, log=log)  # fmt: skip
    assert scheduler.missed == {"nightly-audit"}
    upcoming = [(t.name, t.kind, due) for t, due in scheduler.upcoming()]
    assert upcoming == [
        ("nightly-audit", "audit", datetime(2026, 12, 4, 2, 0, tzinfo=UTC)),  # the newest tick
        ("sweep", "discovery", datetime(2026, 12, 4, 10, 0, tzinfo=UTC)),
        ("monthly-status", "report", datetime(2027, 1, 1, 6, 0, tzinfo=UTC)),
    ]
    outcomes = scheduler.run(max_runs=3, on_outcome=lambda _o: None)
    assert [(name, at.strftime("%d %H:%M")) for name, at in ran] == [
        ("nightly-audit", "04 09:30"), ("sweep", "04 10:00"), ("sweep", "04 11:00")]  # fmt: skip
    # once, for the newest missed tick; the next one is tomorrow's
    assert outcomes[0].due == datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    assert scheduler.due["nightly-audit"] == datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    assert [(kind, o.task) for kind, o in log.recorded] == [
        ("audit", "nightly-audit"), ("discovery", "sweep"), ("discovery", "sweep")]  # fmt: skip


def test_a_task_that_never_ran_waits_for_its_tick_unless_it_asks() -> None:
    clock, ran = Clock(), list[tuple[str, datetime]]()
    audit, report, sweep = tasks(clock, ran)
    eager = Task(report.name, report.kind, report.cron, report.run, initial_run=True)
    scheduler = Scheduler([audit, eager, sweep], survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, log=MemoryLog({}))  # fmt: skip
    assert scheduler.missed == set()
    assert scheduler.due == {"monthly-status": T0,
                             "nightly-audit": datetime(2026, 12, 5, 2, 0, tzinfo=UTC),
                             "sweep": datetime(2026, 12, 4, 10, 0, tzinfo=UTC)}  # fmt: skip


def test_a_recent_run_is_not_run_again_at_start() -> None:
    clock, ran = Clock(), list[tuple[str, datetime]]()
    log = MemoryLog({"nightly-audit": datetime(2026, 12, 4, 2, 0, tzinfo=UTC)})
    scheduler = Scheduler(tasks(clock, ran), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, log=log)  # fmt: skip
    assert scheduler.due["nightly-audit"] == datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    # a scheduler started again right after: the run it just made counts
    scheduler.run(max_runs=1, on_outcome=lambda _o: None)
    again = Scheduler(tasks(clock, ran), survives=(CMDBError,), clock=clock,
                      sleep=clock.sleep, log=log)  # fmt: skip
    assert again.missed == set() and again.due["sweep"] == datetime(2026, 12, 4, 11, 0, tzinfo=UTC)


def test_a_failing_run_log_is_told_and_the_schedule_goes_on() -> None:
    clock, ran = Clock(), list[tuple[str, datetime]]()
    scheduler = Scheduler(tasks(clock, ran), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, log=MemoryLog({}, fail=True))  # fmt: skip
    outcomes = scheduler.run(max_runs=2, on_outcome=lambda _o: None)
    assert [o.unrecorded for o in outcomes] == ["CMDBError: the graph is away"] * 2
    assert [o.error for o in outcomes] == [None, None]


def test_stopped_ends_the_loop_between_runs() -> None:
    clock, ran = Clock(), list[tuple[str, datetime]]()
    scheduler = Scheduler(tasks(clock, ran), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, run_now=True)  # fmt: skip
    outcomes = scheduler.run(on_outcome=lambda _o: None, stopped=lambda: len(ran) >= 2)
    assert len(outcomes) == 2


def test_a_bad_cron_is_refused_with_the_task() -> None:
    with pytest.raises(ScheduleError, match=r"audit 'x': '0 25 \* \* \*' is not a cron"):
        Scheduler([Task("x", "audit", "0 25 * * *", print)], survives=())
