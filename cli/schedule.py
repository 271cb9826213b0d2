"""`cmdb schedule [JOB.yaml...]` and `cmdb serve --schedule`: discovery jobs, audits and
reports on their cron schedules (UTC), by one scheduler (cmdb/schedule.py). The tasks are
the job files given plus cmdb.yaml's `schedules:` (jobs, audits, reports); each run is
recorded as a (:ScheduledRun), and a tick missed while no scheduler ran runs once at
start-up. A task that fails is reported and the schedule goes on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import neo4j
import typer
from rich.table import Table

from cli.base import console, graph
from cli.discover import MaxTargets, MemoryFile, ProgressEvery, Secrets, credentials, run_discovery
from cmdb.config import Config
from cmdb.errors import CMDBError
from cmdb.schedule import GraphRunLog, Outcome, ScheduleError, Scheduler, Task
from cmdb.schedule_config import AuditSchedule, ReportSchedule
from cmdb.schema import Schema

if TYPE_CHECKING:
    from discovery.credentials import CredentialMemory, CredentialResolver

# a task's run ends in one of these when the database or its inputs fail it; the next tick
# may find them mended (anything else is a bug, and stops the schedule)
SURVIVES = (CMDBError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)
REPORT_SUFFIX = {"html": "html", "xlsx": "xlsx", "csv": "zip"}  # csv: one file per section


def schedule(
    job_files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="discovery jobs with a schedule (besides cmdb.yaml's `schedules:`)",
            metavar="[JOB.yaml...]",
        ),
    ] = None,
    secrets: Secrets = None,
    memory_file: MemoryFile = None,
    run_now: Annotated[
        bool, typer.Option("--run-now", help="run every task once at start, then on schedule")
    ] = False,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, help="stop after this many runs")
    ] = None,
    max_targets: MaxTargets = None,
    progress_every: ProgressEvery = 10.0,
) -> None:
    """Run discovery jobs, audits and reports on their cron schedules (UTC), one at a time,
    until stopped (Ctrl-C). A run missed while no scheduler ran runs once at start."""
    from cmdb.config import load_config
    from cmdb.schema import load_schema

    config, schema = load_config(), load_schema()
    resolver, memory = credentials(secrets, memory_file)
    tasks = build_tasks(config, schema, job_files or [], resolver, memory, progress_every,
                        max_targets)  # fmt: skip
    with graph() as (_config, _schema, driver):  # refuse a graph out of step now
        scheduler = Scheduler(tasks, survives=SURVIVES, run_now=run_now, log=GraphRunLog(driver))
        print_upcoming(scheduler)
        try:
            scheduler.run(max_runs, on_outcome=reporter(scheduler))
        except KeyboardInterrupt:  # between runs; a run stopped by a signal exits as it does
            console.print("schedule stopped")
        except typer.Exit:
            console.print("schedule stopped")
            raise


def build_tasks(config: Config, schema: Schema, job_files: Sequence[Path],
                resolver: CredentialResolver, memory: CredentialMemory,
                progress_every: float = 10.0, max_targets: int | None = None,
                ) -> list[Task]:  # fmt: skip
    """Every task: the job files given and cmdb.yaml's, its audits and reports, each
    checked before anything runs (a job without a schedule, an unknown rule or class, a
    register that is not there: one error naming it)."""
    from discovery.jobs import JobError, load_job
    from discovery.schedule import job_tasks

    jobs = []
    for path in [*job_files, *config.schedules.jobs]:
        job = load_job(path, max_targets)
        if job.schedule is None:
            why = ("missing: `cmdb schedule` runs jobs that have one (a cron expression); "
                   "run this one with `cmdb discover`")  # fmt: skip
            raise JobError(str(path), None, "schedule", why)
        jobs.append(job)
    if not jobs and not config.schedules:
        raise ScheduleError("nothing to schedule: give JOB.yaml files, or `schedules:` (jobs, "
                            "audits, reports) in cmdb.yaml")  # fmt: skip
    tasks = job_tasks(jobs, lambda job: run_discovery(job, resolver, memory,
                                                      progress_every=progress_every))  # fmt: skip
    tasks += [audit_task(config, schema, entry) for entry in config.schedules.audits]
    tasks += [report_task(entry) for entry in config.schedules.reports]
    return tasks


def audit_task(config: Config, schema: Schema, entry: AuditSchedule) -> Task:
    """The rule audit (and, when asked, the changes check since the last one and the
    reconciliation with a register), as `cmdb audit run|changes|reconcile` do."""
    from audits.rulecheck import load_rules
    from audits.run import select

    where = f"cmdb.yaml schedules.audits {entry.name!r}"
    try:
        select(load_rules(schema, config.audits.rule_dirs), entry.rules)
    except CMDBError as exc:
        raise ScheduleError(f"{where}: rules: {exc}") from None
    if entry.scope is not None and entry.scope not in schema.classes:
        raise ScheduleError(f"{where}: scope: no class {entry.scope!r}")
    if entry.reconcile is not None and not entry.reconcile.is_file():
        raise ScheduleError(f"{where}: reconcile: no register file {entry.reconcile}")
    return Task(entry.name, "audit", entry.cron, lambda: run_scheduled_audit(entry),
                initial_run=entry.initial_run)  # fmt: skip


def run_scheduled_audit(entry: AuditSchedule) -> None:
    """The audit as `cmdb audit run` makes it (audits/full_run.py): the rules, then the
    reconciliation when a register is named and the changes check when asked."""
    from audits.full_run import Parts, full_audit
    from audits.register.importer import read_register
    from audits.rulecheck import load_rules
    from audits.run import select

    register = read_register(entry.reconcile) if entry.reconcile is not None else None
    parts = Parts(reconcile=register is not None, changes=entry.changes, register=register)
    with graph() as (config, schema, driver):
        rules = select(load_rules(schema, config.audits.rule_dirs), entry.rules)
        done = full_audit(driver, schema, config, rules, parts, actor=f"schedule:{entry.name}",
                          now=datetime.now(UTC), scope=entry.scope)  # fmt: skip
    ran = done.rules
    console.print(f"{entry.name}: audit run {ran.id}: {len(ran.results)} rules, "
                  f"{ran.total('opened')} opened, {ran.total('resolved')} resolved, "
                  f"{ran.total('still_open')} still open", highlight=False)  # fmt: skip
    if done.reconciled is not None:
        rec = done.reconciled.run
        console.print(f"{entry.name}: reconciliation {rec.id}: {rec.total('still_open')} open",
                      highlight=False)  # fmt: skip
    if done.changes is not None:
        c = done.changes.counts
        console.print(f"{entry.name}: changes check {done.changes.id}: {c['changes']} changes, "
                      f"{c['unauthorized']} unauthorized", highlight=False)  # fmt: skip
    elif done.changes_skipped:
        console.print(f"{entry.name}: changes check skipped: {done.changes_skipped}")


def report_task(entry: ReportSchedule) -> Task:
    """The report written into the `out` folder, named by kind and period."""
    import importlib.util

    if importlib.util.find_spec("audits.reports") is None:
        raise ScheduleError(f"cmdb.yaml schedules.reports {entry.name!r}: reports are not "
                            "available in this version")  # fmt: skip
    return Task(entry.name, "report", entry.cron, lambda: run_scheduled_report(entry),
                initial_run=entry.initial_run)  # fmt: skip


def report_path(entry: ReportSchedule, label: str) -> Path:
    return entry.out / f"{entry.kind}-{label}.{REPORT_SUFFIX[entry.format]}"


def run_scheduled_report(entry: ReportSchedule) -> Path:
    from audits.reports import ReportRequest, make_report
    from audits.reports.period import parse_period

    now = datetime.now(UTC)
    default = "this-month" if entry.kind == "audit" else "last-month"
    period = parse_period(entry.period or default, now)
    label = f"{now:%Y-%m-%d}" if entry.kind == "audit" and entry.period is None else period.label
    entry.out.mkdir(parents=True, exist_ok=True)
    with graph() as (config, schema, driver):
        request = ReportRequest(kind=entry.kind, period=period, format=entry.format,
                                lang=entry.lang)  # fmt: skip
        done = make_report(driver, schema, config, request, report_path(entry, label), now)
    console.print(f"{entry.name}: {done.path} ({len(done.sections)} sections, {done.rows} rows)",
                  highlight=False)  # fmt: skip
    return Path(done.path)


def print_upcoming(scheduler: Scheduler) -> None:
    table = Table("task", "kind", "schedule (UTC)", "next run", title="cmdb schedule")
    for task, due in scheduler.upcoming():
        when = due.isoformat(timespec="seconds")
        if task.name in scheduler.missed:
            when = f"now (missed {when})"
        table.add_row(task.name, task.kind, task.cron, when)
    console.print(table)


def reporter(scheduler: Scheduler) -> Callable[[Outcome], None]:
    def report(outcome: Outcome) -> None:
        took = (outcome.ended - outcome.started).total_seconds()
        overran = f", {outcome.skipped} tick(s) skipped while it ran" if outcome.skipped else ""
        if outcome.error:
            console.print(f"[red]{outcome.task} failed[/red] after {took:.1f}s: {outcome.error}")
        else:
            console.print(f"{outcome.task} done in {took:.1f}s{overran}")
        if outcome.unrecorded:
            console.print(f"{outcome.task}: the run was not recorded: {outcome.unrecorded}")
        following = scheduler.due[outcome.task]
        console.print(f"next {outcome.task}: {following.isoformat(timespec='seconds')}")

    return report


class Background:
    """The scheduler in a thread of the server's process (`cmdb serve --schedule`): its
    waits end at once when `stop()` is called; a task running then is let finish."""

    def __init__(self, tasks: Sequence[Task], driver: neo4j.Driver) -> None:
        self._stop = threading.Event()
        self.scheduler = Scheduler(tasks, survives=SURVIVES, sleep=self._stop.wait,
                                   log=GraphRunLog(driver))  # fmt: skip
        self._thread = threading.Thread(target=self._run, name="cmdb-schedule")

    def _run(self) -> None:  # a bug (an error not survived) ends the thread, not the server
        self.scheduler.run(on_outcome=reporter(self.scheduler), stopped=self._stop.is_set)

    def start(self) -> None:
        print_upcoming(self.scheduler)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            console.print("stopping the scheduler (a task that is running finishes first)")
        self._thread.join()
        console.print("scheduler stopped")
