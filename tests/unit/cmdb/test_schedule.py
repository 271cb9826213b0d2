"""The scheduler on a fake clock: tasks (here discovery jobs) run when their cron ticks fall due, one at a
time; an overrun skips ticks instead of piling them up; a failing job is recorded and
the others go on; bad schedules are refused by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cmdb.errors import CMDBError
from cmdb.schedule import Outcome, ScheduleError, Scheduler, next_due, ticks_between
from discovery.jobs import Job
from discovery.schedule import job_tasks

T0 = datetime(2026, 11, 22, 12, 0, 10, tzinfo=UTC)


def job(name: str, schedule: str | None) -> Job:
    return Job.model_validate({
        "name": name, "targets": ["127.0.0.1"], "schedule": schedule,
        "protocols": [{"protocol": "snmp", "credentials": [{"secret": "lab-v2c"}]}],
    })  # fmt: skip


class Clock:
    """Time that passes only when the scheduler sleeps or a job runs."""

    def __init__(self) -> None:
        self.now = T0
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def runner(clock: Clock, lasts: dict[str, timedelta], fails: set[str]) -> Any:
    ran: list[tuple[str, datetime]] = []

    def run(j: Job) -> None:
        ran.append((j.name, clock.now))
        clock.now += lasts.get(j.name, timedelta(seconds=5))
        if j.name in fails:
            raise CMDBError(f"{j.name}: the database went away")

    run.ran = ran  # type: ignore[attr-defined]
    return run


def test_jobs_run_at_their_ticks_soonest_first() -> None:
    clock = Clock()
    run = runner(clock, {}, set())
    jobs = [job("hourly", "0 * * * *"), job("quarter", "*/15 * * * *")]
    scheduler = Scheduler(
        job_tasks(jobs, run), survives=(CMDBError,), clock=clock, sleep=clock.sleep
    )
    assert [(t.name, at) for t, at in scheduler.upcoming()] == [
        ("quarter", datetime(2026, 11, 22, 12, 15, tzinfo=UTC)),
        ("hourly", datetime(2026, 11, 22, 13, 0, tzinfo=UTC)),
    ]
    outcomes = scheduler.run(max_runs=6, on_outcome=lambda _o: None)
    assert [(name, at.strftime("%H:%M:%S")) for name, at in run.ran] == [
        ("quarter", "12:15:00"), ("quarter", "12:30:00"), ("quarter", "12:45:00"),
        ("hourly", "13:00:00"), ("quarter", "13:00:05"), ("quarter", "13:15:00"),
    ]  # fmt: skip
    # the quarter-hour job due at 13:00 waited for the hourly one, then ran for that tick
    assert outcomes[4].due == datetime(2026, 11, 22, 13, 0, tzinfo=UTC)
    assert all(o.error is None and o.skipped == 0 for o in outcomes)


def test_an_overrun_skips_ticks_and_does_not_pile_them_up() -> None:
    clock = Clock()
    run = runner(clock, {"sweep": timedelta(minutes=40)}, set())
    scheduler = Scheduler(job_tasks([job("sweep", "*/15 * * * *")], run), survives=(CMDBError,),
                          clock=clock, sleep=clock.sleep)  # fmt: skip
    first, second = scheduler.run(max_runs=2, on_outcome=lambda _o: None)
    # ran 12:15 -> 12:55: the 12:30 and 12:45 ticks passed; next is 13:00, not 12:30
    assert (first.started.strftime("%H:%M"), first.ended.strftime("%H:%M"), first.skipped) == (
        "12:15", "12:55", 2)  # fmt: skip
    assert second.due == datetime(2026, 11, 22, 13, 0, tzinfo=UTC)


def test_a_failing_job_is_recorded_and_the_others_go_on() -> None:
    clock = Clock()
    run = runner(clock, {}, {"broken"})
    seen: list[Outcome] = []
    scheduler = Scheduler(job_tasks([job("broken", "*/10 * * * *"), job("fine", "*/10 * * * *")],
                                    run), survives=(CMDBError,), clock=clock, sleep=clock.sleep)  # fmt: skip
    outcomes = scheduler.run(max_runs=4, on_outcome=seen.append)
    assert seen == outcomes
    assert [(o.task, o.error) for o in outcomes] == [
        ("broken", "CMDBError: broken: the database went away"), ("fine", None),
        ("broken", "CMDBError: broken: the database went away"), ("fine", None),
    ]  # fmt: skip


def test_an_error_it_was_not_told_to_survive_ends_the_schedule() -> None:
    clock = Clock()

    def run(_j: Job) -> None:
        raise ZeroDivisionError("a bug")

    scheduler = Scheduler(job_tasks([job("a", "* * * * *")], run), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep)  # fmt: skip
    with pytest.raises(ZeroDivisionError):
        scheduler.run(max_runs=1)


def test_run_now_starts_every_job_at_once_then_follows_the_schedule() -> None:
    clock = Clock()
    run = runner(clock, {}, set())
    scheduler = Scheduler(job_tasks([job("a", "0 3 * * *")], run), survives=(CMDBError,), clock=clock,
                          sleep=clock.sleep, run_now=True)  # fmt: skip
    [outcome] = scheduler.run(max_runs=1, on_outcome=lambda _o: None)
    assert outcome.started == T0 and clock.slept == []
    assert scheduler.upcoming()[0][1] == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_jobs_without_a_schedule_or_with_one_name_twice_are_refused() -> None:
    with pytest.raises(ScheduleError, match=r"no schedule in job\(s\) manual"):
        job_tasks([job("manual", None)], print)
    with pytest.raises(ScheduleError, match="tasks scheduled twice: a"):
        Scheduler(job_tasks([job("a", "* * * * *"), job("a", "0 * * * *")], print), survives=())


def test_ticks_are_utc_and_counted_between_two_times() -> None:
    j = "30 2 * * *"
    assert next_due(j, T0) == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    assert ticks_between(j, T0, T0 + timedelta(days=3)) == 3
