"""The scheduler's run log in the real graph: runs recorded as (:ScheduledRun) and read
back by a new scheduler, which runs a task whose tick passed while nothing ran once (for
the newest tick) and leaves a task that ran recently to its next tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import neo4j

from cmdb.errors import CMDBError
from cmdb.schedule import GraphRunLog, Outcome, Scheduler, Task

T0 = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def test_runs_are_recorded_and_a_missed_tick_runs_once_at_start(graph: neo4j.Driver) -> None:
    now = [T0]
    ran: list[str] = []

    def task(name: str, cron: str) -> Task:
        return Task(name, "audit", cron, lambda: ran.append(name))

    log = GraphRunLog(graph)
    log.record("audit", Outcome("daily", datetime(2026, 11, 30, 2, tzinfo=UTC),
                                datetime(2026, 11, 30, 2, tzinfo=UTC),
                                datetime(2026, 11, 30, 2, 5, tzinfo=UTC), None, 0))  # fmt: skip
    log.record("audit", Outcome("hourly", datetime(2026, 12, 4, 9, tzinfo=UTC),
                                datetime(2026, 12, 4, 9, tzinfo=UTC),
                                datetime(2026, 12, 4, 9, 1, tzinfo=UTC), "CMDBError: x", 0))  # fmt: skip
    tasks = [task("daily", "0 2 * * *"), task("hourly", "0 * * * *"), task("new", "0 4 * * *")]
    scheduler = Scheduler(tasks, survives=(CMDBError,), clock=lambda: now[0], log=log,
                          sleep=lambda s: now.__setitem__(0, now[0] + timedelta(seconds=s)))  # fmt: skip
    assert scheduler.missed == {"daily"}
    assert scheduler.due == {"daily": datetime(2026, 12, 4, 2, tzinfo=UTC),
                             "hourly": datetime(2026, 12, 4, 10, tzinfo=UTC),
                             "new": datetime(2026, 12, 5, 4, tzinfo=UTC)}  # fmt: skip
    [outcome] = scheduler.run(max_runs=1, on_outcome=lambda _o: None)
    assert ran == ["daily"] and outcome.unrecorded is None
    [newest, older] = log.runs("daily")
    assert newest == {"task": "daily", "kind": "audit", "due": datetime(2026, 12, 4, 2, tzinfo=UTC),
                      "started_at": T0, "ended_at": T0, "skipped": 0}  # fmt: skip
    assert older["due"] == datetime(2026, 11, 30, 2, tzinfo=UTC)
    assert log.last_dues(["daily", "hourly", "new"]) == {
        "daily": datetime(2026, 12, 4, 2, tzinfo=UTC),
        "hourly": datetime(2026, 12, 4, 9, tzinfo=UTC), "new": None}  # fmt: skip
    # started again: nothing missed any more
    again = Scheduler(tasks, survives=(CMDBError,), clock=lambda: now[0], log=log)
    assert again.missed == set()
