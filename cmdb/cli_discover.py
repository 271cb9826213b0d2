"""`cmdb discover` and `cmdb schedule`: discovery jobs, now or on their schedules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cmdb.cli_base import console, graph
from cmdb.ingest import Ingestor

if TYPE_CHECKING:
    from discovery.credentials import CredentialMemory, CredentialResolver
    from discovery.jobs import Job
    from discovery.run_report import RunReport


# where credentials come from, and where the one that worked is remembered: both commands
Secrets = Annotated[
    Path | None, typer.Option("--secrets", help="secrets file (YAML, mode 0600)")
]
LabStateDir = Annotated[
    Path | None,
    typer.Option("--lab-state-dir", help="the lab's state dir, for {lab: NAME} credentials"),
]
MemoryFile = Annotated[
    Path | None, typer.Option("--memory", help="which credential worked where (no secrets)")
]


def _credentials(secrets: Path | None, lab_state_dir: Path | None, memory_file: Path | None,
                 ) -> tuple[CredentialResolver, CredentialMemory]:  # fmt: skip
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver

    resolver = CredentialResolver(secrets_file=secrets, lab_state_dir=lab_state_dir)
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
    lab_state_dir: LabStateDir = None,
    memory_file: MemoryFile = None,
) -> None:
    """Run a discovery job: collect, normalize and ingest every target, record the run."""
    from discovery.jobs import load_job

    job = load_job(job_file)
    resolver, memory = _credentials(secrets, lab_state_dir, memory_file)
    run_discovery(job, resolver, memory, dry_run)


def schedule(
    job_files: Annotated[
        list[Path], typer.Argument(help="discovery jobs with a schedule", metavar="JOB.yaml...")
    ],
    secrets: Secrets = None,
    lab_state_dir: LabStateDir = None,
    memory_file: MemoryFile = None,
    run_now: Annotated[
        bool, typer.Option("--run-now", help="run every job once at start, then on schedule")
    ] = False,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, help="stop after this many runs")
    ] = None,
) -> None:
    """Run discovery jobs on their cron schedules (UTC), one at a time, until stopped
    (Ctrl-C): a job that fails is reported and the schedule goes on."""
    import neo4j

    from cmdb.errors import CMDBError
    from discovery.jobs import JobError, load_job
    from discovery.schedule import Outcome, Scheduler

    jobs = []
    for path in job_files:
        job = load_job(path)
        if job.schedule is None:
            raise JobError(str(path), None, "schedule", "missing: `cmdb schedule` runs jobs "
                           "that have one (a cron expression); run this one with `cmdb discover`")
        jobs.append(job)
    resolver, memory = _credentials(secrets, lab_state_dir, memory_file)
    with graph():
        pass  # refuse a graph the schema is not applied to now, not at the first tick
    # a job's run ends in one of these when the database or its inputs fail it; the next
    # tick may find them mended (anything else is a bug, and stops the schedule)
    survives = (CMDBError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)
    scheduler = Scheduler(jobs, lambda job: run_discovery(job, resolver, memory),
                          survives=survives, run_now=run_now)  # fmt: skip
    table = Table("job", "schedule (UTC)", "next run", title="cmdb schedule")
    for job, due in scheduler.upcoming():
        table.add_row(job.name, str(job.schedule), due.isoformat(timespec="seconds"))
    console.print(table)

    def report(outcome: Outcome) -> None:
        took = (outcome.ended - outcome.started).total_seconds()
        overran = f", {outcome.skipped} tick(s) skipped while it ran" if outcome.skipped else ""
        if outcome.error:
            console.print(f"[red]{outcome.job} failed[/red] after {took:.1f}s: {outcome.error}")
        else:
            console.print(f"{outcome.job} done in {took:.1f}s{overran}")
        following = scheduler.due[outcome.job]
        console.print(f"next {outcome.job}: {following.isoformat(timespec='seconds')}")

    try:
        scheduler.run(max_runs, on_outcome=report)
    except KeyboardInterrupt:
        console.print("schedule stopped")


def run_discovery(job: Job, resolver: CredentialResolver, memory: CredentialMemory,
                  dry_run: bool = False) -> RunReport:  # fmt: skip
    """Run a job with a progress bar, then print its summary table."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from discovery.run import run_job

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        # a step is one protocol on one target
        TextColumn("{task.completed}/{task.total} steps, {task.fields[failed]} unanswered"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with graph() as (config, schema, driver), Progress(*columns, console=console) as bar:
        task = bar.add_task(job.name, total=None, failed=0, rate="")
        observer = _DiscoverProgress(bar, task)
        report = run_job(job, ingestor=Ingestor(driver, schema, config), resolver=resolver,
                         memory=memory, dry_run=dry_run, observer=observer)  # fmt: skip
    run = report.run
    table = Table(title=f"{job.name}: run {run.id}" + (" (dry run)" if dry_run else ""),
                  show_header=False)  # fmt: skip
    table.add_row("targets", f"{run.targets} ({run.answered} answered, {run.failed} silent)")
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
        table.add_row(f"failed {protocol}: {kind}", str(count))
    console.print(table)
    if dry_run:
        for where, diff in sorted(report.diffs.items()):
            for entry in diff[:50]:
                console.print(f"  {where}: {entry}")
    return report


class _DiscoverProgress:
    """The run's observer: one rich task with steps done/unanswered/total (a step is one
    protocol on one target), rate and ETA."""

    def __init__(self, bar: Any, task: Any) -> None:
        self.bar, self.task = bar, task
        self.failed = 0
        self.done = 0
        self.t0 = datetime.now(UTC)

    def started(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def step(self, target: str, protocol: str, answered: bool) -> None:
        self.done += 1
        self.failed += 0 if answered else 1
        seconds = max((datetime.now(UTC) - self.t0).total_seconds(), 1e-6)
        rate = f"{self.done / seconds:.1f}/s"
        self.bar.update(self.task, advance=1, failed=self.failed, rate=rate)
