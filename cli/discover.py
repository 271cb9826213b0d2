"""`cmdb discover`: a discovery job, now (on schedules: `cmdb schedule`, cli/schedule.py)."""

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


def credentials(secrets: Path | None, memory_file: Path | None,
                 ) -> tuple[CredentialResolver, CredentialMemory]:  # fmt: skip
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver

    resolver = CredentialResolver(secrets_file=secrets)
    return resolver, CredentialMemory(memory_file or DEFAULT_MEMORY_FILE)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover)


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
    if job.site is not None:
        raise CMDBError(f"{job_file}: job {job.name!r} belongs to site {job.site!r}: that site's "
                       f"collector runs it (cmdb hub assign, cmdb collector run --site {job.site})")
    resolver, memory = credentials(secrets, memory_file)
    run_discovery(job, resolver, memory, dry_run, progress_every)


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
