"""Discovery jobs as scheduler tasks (cmdb/schedule.py runs them): a job is scheduled by
its `schedule` (a cron expression, UTC); a job without one is refused by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cmdb.schedule import ScheduleError, Task
from discovery.jobs import Job

KIND = "discovery"


def job_tasks(jobs: Sequence[Job], run: Callable[[Job], object]) -> list[Task]:
    """One task per job, running `run(job)`."""
    unscheduled = [job.name for job in jobs if job.schedule is None]
    if unscheduled:
        raise ScheduleError(f"no schedule in job(s) {', '.join(unscheduled)}: give `schedule:`")
    return [Task(job.name, KIND, str(job.schedule), _bound(run, job)) for job in jobs]


def _bound(run: Callable[[Job], object], job: Job) -> Callable[[], object]:
    return lambda: run(job)
