"""The `cmdb` command: the one place that wires the packages together."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from cmdb import dbms, edit, migrations
from cmdb.cli_base import console, err, graph
from cmdb.cli_ci import app as ci_app
from cmdb.cli_discover import register as register_discovery
from cmdb.cli_discover import run_discovery
from cmdb.config import load_config
from cmdb.errors import CMDBError, LoadFileError, ObservationError
from cmdb.graph import bolt_uri
from cmdb.ingest import Ingestor
from cmdb.loadfile import read_checked
from cmdb.observations import ChangeSet
from cmdb.validate import Validated
from lab.cli import app as lab_app

app = typer.Typer(help="A configuration-management database on a graph.", no_args_is_help=True)
db_app = typer.Typer(help="The local Neo4j DBMS.", no_args_is_help=True)
schema_app = typer.Typer(help="The CI model (schema/).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(ci_app, name="ci")
app.add_typer(lab_app, name="lab", help="The device lab: simulated devices and Linux hosts.")
register_discovery(app)


def main() -> None:
    try:
        app()
    except CMDBError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise SystemExit(1) from None


@db_app.command("up")
def db_up() -> None:
    """Build (first time), start the local Neo4j and apply the schema."""
    config = load_config()
    if config.neo4j_uri:
        console.print(f"NEO4J_URI is set: using {config.neo4j_uri}; nothing to start")
    else:
        with console.status("starting Neo4j (the first start builds the launcher)"):
            status = dbms.up(config)
        console.print(f"Neo4j {status.version} up at {status.address} (pid {status.pid})")
    schema_apply()


@db_app.command("down")
def db_down() -> None:
    """Stop the local Neo4j cleanly."""
    stopped = dbms.down(load_config())
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@db_app.command("status")
def db_status() -> None:
    """Address, version and store size of the local Neo4j."""
    config = load_config()
    s = dbms.status(config)
    state = "[green]running[/green]" if s.running else "[yellow]stopped[/yellow]"
    console.print(f"{state}  {bolt_uri(config)}  version {s.version or '-'}  pid {s.pid or '-'}")
    console.print(f"store: {s.store_bytes / 2**20:.1f} MiB in {config.data_dir}")


@schema_app.command("apply")
def schema_apply() -> None:
    """Apply constraints, indexes and migrations (idempotent)."""
    with graph(in_step=False) as (_config, schema, driver):
        applied = migrations.apply(driver, schema)
    for step in applied:
        console.print(f"applied {step.id} ({step.statements} statements)")
    console.print(f"schema version {schema.version} ({schema.checksum}) is in place")


@app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="YAML/JSON observation files")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show the diff, write nothing")
    ] = False,
) -> None:
    """Ingest observation files (fixtures, manual CIs). Every change set of every file is
    checked first (schema, references, time): one bad change set and nothing is written."""
    with graph() as (config, schema, driver):
        ingestor = Ingestor(driver, schema, config)
        now = datetime.now(UTC)

        def check(changeset: ChangeSet) -> Validated:
            return ingestor.validate(changeset, now)

        checked = [(f, read_checked(f, check, now)) for f in files]
        # what was read lives until the end: keep the collector from scanning it again and
        # again while ingest allocates (bench/ingest.py measured this on large files)
        gc.freeze()
        try:
            _ingest_all(ingestor, checked, dry_run)
        finally:
            gc.unfreeze()


def _ingest_all(
    ingestor: Ingestor, checked: list[tuple[Path, list[Validated]]], dry_run: bool
) -> None:
    verb = "would write" if dry_run else "wrote"
    for path, validated in checked:
        for index, one in enumerate(validated):
            name = f"{path}: changesets[{index}]" if len(validated) > 1 else f"{path}"
            try:
                r = ingestor.ingest(one, dry_run=dry_run)
            except ObservationError as exc:  # a reference that does not resolve, say
                done = "" if dry_run else " (not written; the change sets before it were)"
                raise LoadFileError(f"{name}: {exc}{done}") from None
            console.print(
                f"{name}: {verb} {r.created} new, {r.updated} changed, {r.unchanged} unchanged; "
                f"links +{r.links_opened} -{r.links_closed}; pending {r.pending}; "
                f"conflicts {r.conflicts}; late {r.late}",
                markup=False,
            )
            for duplicate in r.duplicates:  # a device another scope owns (cmdb.ownership)
                console.print(f"  duplicate identity: {duplicate.message()}", markup=False)
            if dry_run:
                for entry in r.diff[:200]:
                    console.print(f"  {entry}")


@app.command("demo")
def demo(
    no_lab: Annotated[
        bool, typer.Option("--no-lab", help="the sample estate only: no lab, no discovery")
    ] = False,
) -> None:
    """Start Neo4j and the device lab, discover the lab, add the sample estate's business
    side (sites, services, owners, contracts), and show where to look."""
    from cmdb.sample import sample_estate

    db_up()
    with graph() as (config, schema, driver):
        r = Ingestor(driver, schema, config).ingest(sample_estate())
    console.print(f"sample estate: {r.created} CIs created, {r.links_opened} links opened")
    example = "hq-core-01"
    if not no_lab:
        example = _demo_discovery() or example
    with graph() as (config, _schema, driver):
        counts, _, _ = driver.execute_query(
            "MATCH (c:CI) RETURN c._class AS class, c.status AS status, count(*) AS n "
            "ORDER BY class, status"
        )
    table = Table("class", "status", "CIs")
    for rec in counts:
        table.add_row(rec["class"], rec["status"], str(rec["n"]))
    console.print(table)
    lab_lines = (
        f"  .venv/bin/cmdb discover {DEMO_JOB_COPY} --lab-state-dir .cmdb/lab"
        "   (a second run: what changed since the first)\n"
        "  Stop the lab: .venv/bin/cmdb lab down\n"
    ) if not no_lab else ""
    console.print(
        "Look at it:\n"
        f"  .venv/bin/cmdb ci show {example}\n"
        f"  .venv/bin/cmdb ci history {example}\n"
        "  .venv/bin/cmdb ci set hq-core-01 os_version=17.12.1 --reason 'upgrade'\n"
        f"{lab_lines}"
        f"  Neo4j Bolt: {bolt_uri(config)} (user neo4j, password in "
        f"{dbms.password_file(config.data_dir)})\n"
        "  Stop Neo4j: .venv/bin/cmdb db down"
    )


DEMO_JOB = Path(__file__).resolve().parent.parent / "discovery" / "jobs" / "lab.yaml"
DEMO_JOB_COPY = Path(".cmdb") / "demo-lab-job.yaml"


def _demo_discovery() -> str | None:
    """The lab up (embedded defaults), then discovery/jobs/lab.yaml over every device it
    serves. Returns the host name of a discovered device to show."""
    import lab
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver
    from discovery.jobs import Job, load_job
    from lab.config import DEFAULT_STATE_DIR, LabOptions
    from lab.errors import NetnsUnavailableError

    console.print("starting the device lab (the first time unpacks the recordings: minutes)")
    try:
        manifest = lab.up(LabOptions(state_dir=DEFAULT_STATE_DIR))
    except NetnsUnavailableError as exc:
        console.print(f"[yellow]lab without namespace hosts: {exc}[/yellow]")
        manifest = lab.up(LabOptions(state_dir=DEFAULT_STATE_DIR, linux=False))
    console.print(f"lab up: {len(manifest.devices)} devices")
    base = load_job(DEMO_JOB)
    # the job file's protocols and credentials, over exactly the devices the lab serves
    job = Job.model_validate({**base.model_dump(), "targets": sorted(
        {d.address for d in manifest.devices}, key=lambda a: tuple(int(x) for x in a.split(".")))})
    DEMO_JOB_COPY.parent.mkdir(parents=True, exist_ok=True)
    DEMO_JOB_COPY.write_text(  # the job as run, to run again by hand
        f"# {DEMO_JOB.name} over the devices the lab serves (written by `cmdb demo`)\n"
        + yaml.safe_dump(job.model_dump(mode="json", exclude_defaults=True), sort_keys=False),
        encoding="utf-8",
    )
    resolver = CredentialResolver(lab_state_dir=Path(manifest.state_dir))
    run_discovery(job, resolver, CredentialMemory(DEFAULT_MEMORY_FILE))
    with graph() as (_config, _schema, driver):
        found, _, _ = driver.execute_query(  # the best-connected discovered device
            "MATCH (d:CI:NetworkDevice)-[:HAS_INTERFACE]->(:Interface)-[r:CONNECTED_TO]-() "
            "WHERE r.until IS NULL AND d._scope IS NOT NULL "
            "RETURN d.name AS name, count(r) AS n ORDER BY n DESC, name LIMIT 1"
        )
    return found[0]["name"] if found else None


@app.command("lifecycle")
def lifecycle() -> None:
    """Apply the time-based lifecycle policy (absent after T days, retired after U)."""
    with graph() as (config, _schema, driver):
        counts = edit.sweep(driver, config)
    console.print(f"{counts['absent']} CIs went absent, {counts['retired']} retired")
