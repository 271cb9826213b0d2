"""`cmdb discover` and `cmdb schedule`: discovery jobs, now or on their schedules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import neo4j
import typer
from rich.table import Table

from cli.base import console, graph
from cli.progress import progress_for
from cmdb.config import Config
from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

if TYPE_CHECKING:
    from discovery.credentials import CredentialMemory, CredentialResolver
    from discovery.jobs import Job
    from discovery.run_report import RunReport


# where credentials come from, and where the one that worked is remembered: both commands
Secrets = Annotated[
    Path | None,
    typer.Option("--secrets", help="secrets file (YAML, mode 0600); the lab's: "
                 ".cmdb/lab/secrets.yaml"),
]  # fmt: skip
MemoryFile = Annotated[
    Path | None, typer.Option("--memory", help="which credential worked where (no secrets)")
]
MaxTargets = Annotated[
    int | None,
    typer.Option("--max-targets", min=1, metavar="N",
                 help="addresses a job may sweep (overrides the job's max_targets; default 4096)"),
]  # fmt: skip
ProgressEvery = Annotated[
    float,
    typer.Option("--progress-every", min=0.1, metavar="SECONDS",
                 help="without a terminal: a progress line this often (and one at the end)"),
]  # fmt: skip


def _credentials(secrets: Path | None, memory_file: Path | None,
                 ) -> tuple[CredentialResolver, CredentialMemory]:  # fmt: skip
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver

    resolver = CredentialResolver(secrets_file=secrets)
    return resolver, CredentialMemory(memory_file or DEFAULT_MEMORY_FILE)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover)
    app.command("schedule")(schedule)


def discover(
    job_file: Annotated[Path, typer.Argument(help="discovery job (YAML)", metavar="JOB.yaml")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="plan and show the diffs, write nothing")
    ] = False,
    secrets: Secrets = None,
    memory_file: MemoryFile = None,
    max_targets: MaxTargets = None,
    progress_every: ProgressEvery = 10.0,
) -> None:
    """Run a discovery job: collect, normalize and ingest every target, record the run.
    Ctrl-C or SIGTERM stops it in order: the run is recorded as interrupted, exit 130/143."""
    from discovery.jobs import load_job

    job = load_job(job_file, max_targets)
    resolver, memory = _credentials(secrets, memory_file)
    run_discovery(job, resolver, memory, dry_run, progress_every)


def schedule(
    job_files: Annotated[
        list[Path], typer.Argument(help="discovery jobs with a schedule", metavar="JOB.yaml...")
    ],
    secrets: Secrets = None,
    memory_file: MemoryFile = None,
    run_now: Annotated[
        bool, typer.Option("--run-now", help="run every job once at start, then on schedule")
    ] = False,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, help="stop after this many runs")
    ] = None,
    max_targets: MaxTargets = None,
    progress_every: ProgressEvery = 10.0,
) -> None:
    """Run discovery jobs on their cron schedules (UTC), one at a time, until stopped
    (Ctrl-C): a job that fails is reported and the schedule goes on."""
    import neo4j

    from cmdb.errors import CMDBError
    from cmdb.schedule import Outcome, Scheduler
    from discovery.jobs import JobError, load_job
    from discovery.schedule import job_tasks

    jobs = []
    for path in job_files:
        job = load_job(path, max_targets)
        if job.schedule is None:
            raise JobError(
                str(path),
                None,
                "schedule",
                "missing: `cmdb schedule` runs jobs "
                "that have one (a cron expression); run this one with `cmdb discover`",
            )
        jobs.append(job)
    resolver, memory = _credentials(secrets, memory_file)
    with graph():
        pass  # refuse a graph the schema is not applied to now, not at the first tick
    # a job's run ends in one of these when the database or its inputs fail it; the next
    # tick may find them mended (anything else is a bug, and stops the schedule)
    survives = (CMDBError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)
    tasks = job_tasks(jobs, lambda job: run_discovery(job, resolver, memory,
                                                      progress_every=progress_every))  # fmt: skip
    scheduler = Scheduler(tasks, survives=survives, run_now=run_now)
    table = Table("job", "schedule (UTC)", "next run", title="cmdb schedule")
    for task, due in scheduler.upcoming():
        table.add_row(task.name, task.cron, due.isoformat(timespec="seconds"))
    console.print(table)

    def report(outcome: Outcome) -> None:
        took = (outcome.ended - outcome.started).total_seconds()
        overran = f", {outcome.skipped} tick(s) skipped while it ran" if outcome.skipped else ""
        if outcome.error:
            console.print(f"[red]{outcome.task} failed[/red] after {took:.1f}s: {outcome.error}")
        else:
            console.print(f"{outcome.task} done in {took:.1f}s{overran}")
        following = scheduler.due[outcome.task]
        console.print(f"next {outcome.task}: {following.isoformat(timespec='seconds')}")

    try:
        scheduler.run(max_runs, on_outcome=report)
    except KeyboardInterrupt:  # between runs; a run stopped by a signal exits as it does
        console.print("schedule stopped")
    except typer.Exit:
        console.print("schedule stopped")
        raise


def run_discovery(job: Job, resolver: CredentialResolver, memory: CredentialMemory,
                  dry_run: bool = False, progress_every: float = 10.0) -> RunReport:  # fmt: skip
    """Run a job with a progress bar (log lines without a terminal), then print its
    summary table. SIGINT/SIGTERM stop the run in order; then, after the summary, the
    command exits with 130/143."""
    from discovery.run import run_job
    from discovery.run_stop import StopRequest, stop_on_signals

    stop = StopRequest()
    with (graph() as (config, schema, driver), stop_on_signals(stop),
          progress_for(console, job.name, progress_every) as progress):  # fmt: skip
        report = run_job(job, ingestor=Ingestor(driver, schema, config), resolver=resolver,
                         memory=memory, dry_run=dry_run, observer=progress, stop=stop)  # fmt: skip
        checked = None
        if config.audits.changes_after_discovery and not dry_run and report.totals.changesets:
            checked = _check_changes(driver, schema, config, report)
    print_summary(job, report)
    if checked is not None:
        console.print(checked, highlight=False)
    if stop.requested:
        console.print(f"stopped by {stop.name}: the run is recorded as {report.run.status}")
        raise typer.Exit(stop.exit_code)
    return report


def _check_changes(driver: neo4j.Driver, schema: Schema, config: Config, report: RunReport,
                   ) -> str:  # fmt: skip
    """The changes the run observed matched to change requests (audits/authorized): one
    line. A check that fails is said, and the run stands (it is recorded already)."""
    from audits.authorized.check import check_changes, since_discovery

    now = datetime.now(UTC)
    try:
        since = since_discovery(driver, report.run.started_at)
        done = check_changes(driver, schema, config, since=since, until=now,
                             actor="discovery", now=now)  # fmt: skip
    except (CMDBError, neo4j.exceptions.Neo4jError) as exc:
        return f"changes check failed (run `cmdb audit changes` again): {exc}"
    c = done.counts
    return (
        f"changes check {done.id}: {c['changes']} changes, {c['authorized']} authorized, "
        f"{c['unauthorized']} unauthorized ({c['opened']} findings opened)"
    )


def print_summary(job: Job, report: RunReport) -> None:
    run, dry_run = report.run, report.dry_run
    title = f"{job.name}: run {run.id}" + (" (dry run)" if dry_run else "")
    if report.interrupted:
        title += " INTERRUPTED"
    table = Table(title=title, show_header=False)
    reached = "" if run.reached in (None, run.targets) else f"{run.reached} reached: "
    table.add_row("targets", f"{run.targets} ({reached}{run.answered} answered, "
                  f"{run.failed} silent)")  # fmt: skip
    for protocol, count in report.answered.items():
        table.add_row(f"answered {protocol}", str(count))
    t = report.totals
    verb = "would write" if dry_run else "wrote"
    table.add_row("change sets", f"{t.changesets} ({verb})")
    table.add_row("CIs", f"{t.created} created, {t.updated} updated, {t.unchanged} unchanged")
    table.add_row("links", f"{t.links_opened} opened, {t.links_closed} closed")
    if t.went_absent:
        table.add_row("went absent", str(t.went_absent))
    for (protocol, kind), count in sorted(report.failures_by_kind().items()):
        text = str(count)
        if kind == "duplicate_identity":  # what happened to what the duplicates reported
            text += (
                f" (answering as a device another target owns: {t.duplicate_parts} part(s), "
                f"{t.duplicate_links} link(s) of the duplicates left out)"
            )
        table.add_row(f"failed {protocol}: {kind}", text)
    console.print(table)
    if dry_run:
        for where, diff in sorted(report.diffs.items()):
            for entry in diff[:50]:
                console.print(f"  {where}: {entry}")
