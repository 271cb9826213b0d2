"""The `cmdb` command: the one place that wires the packages together."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from rich.table import Table

from cmdb import dbms, edit, history, migrations
from cmdb.cli_base import console, err, graph
from cmdb.cli_discover import register as register_discovery
from cmdb.cli_discover import run_discovery
from cmdb.config import load_config
from cmdb.errors import CMDBError
from cmdb.graph import bolt_uri
from cmdb.ingest import Ingestor
from cmdb.loadfile import read_changesets
from cmdb.observations import ChangeSet
from lab.cli import app as lab_app

if TYPE_CHECKING:
    pass

app = typer.Typer(help="A configuration-management database on a graph.", no_args_is_help=True)
db_app = typer.Typer(help="The local Neo4j DBMS.", no_args_is_help=True)
schema_app = typer.Typer(help="The CI model (schema/).", no_args_is_help=True)
ci_app = typer.Typer(help="Configuration items: show, history, diff, edit.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(ci_app, name="ci")
app.add_typer(lab_app, name="lab", help="The device lab: simulated devices and Linux hosts.")
register_discovery(app)


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO time (2026-01-31T12:00:00Z)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
    """Ingest observation files (fixtures, manual CIs)."""
    changesets = [(f, cs) for f in files for cs in read_changesets(f)]
    # what was read lives until the end: keep the collector from scanning it again and
    # again while ingest allocates (bench/ingest.py measured this on large files)
    gc.freeze()
    try:
        with graph() as (config, schema, driver):
            _ingest_all(Ingestor(driver, schema, config), changesets, dry_run)
    finally:
        gc.unfreeze()


def _ingest_all(ingestor: Ingestor, changesets: list[tuple[Path, ChangeSet]],
                dry_run: bool) -> None:
    for path, cs in changesets:
        r = ingestor.ingest(cs, dry_run=dry_run)
        verb = "would write" if dry_run else "wrote"
        console.print(
            f"{path}: {verb} {r.created} new, {r.updated} changed, {r.unchanged} unchanged; "
            f"links +{r.links_opened} -{r.links_closed}; pending {r.pending}; "
            f"conflicts {r.conflicts}"
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


def _show_state(title: str, state: dict[str, Any]) -> None:
    table = Table(title=title, show_header=False)
    for key in sorted(state):
        table.add_row(key, str(state[key]))
    console.print(table)


@ci_app.command("show")
def ci_show(
    key: Annotated[str, typer.Argument(help="uid or name")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO time")] = None,
) -> None:
    """A CI and its relationships, now or as of a time."""
    t = _time(as_of)
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        with driver.session() as session:
            state = session.execute_read(lambda tx: history.states_as_of(tx, [uid], t)).get(uid)
            links = session.execute_read(lambda tx: history.links_as_of(tx, [uid], t))
            others = session.execute_read(
                lambda tx: history.states_as_of(tx, sorted({lk["other"] for lk in links}), t)
            )
    if state is None:
        raise CMDBError(f"CI {uid} did not exist at {as_of}")
    _show_state(f"{state.get('name')} ({uid})" + (f" as of {t.isoformat()}" if t else ""), state)
    table = Table("relationship", "direction", "other", "since", "evidence")
    for lk in sorted(links, key=lambda x: (x["type"], x["other"])):
        other = others.get(lk["other"], {}).get("name", lk["other"])
        table.add_row(
            lk["type"], lk["direction"], str(other), str(lk.get("since")), str(lk.get("evidence"))
        )
    console.print(table)


@ci_app.command("history")
def ci_history(
    key: Annotated[str, typer.Argument(help="uid or name")],
    attribute: Annotated[str | None, typer.Option(help="only this attribute")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    size: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """A CI's changes, newest first: who, when, why, before and after."""
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        events, total = history.history(driver, uid, attribute, (page - 1) * size, size)
    table = Table(
        "at", "what", "before", "after", "source", "actor", "why", title=f"history of {uid}"
    )
    for e in events:
        cs = e.changeset or {}
        what = e.attribute or e.kind
        why = cs.get("reason") or cs.get("discovery_run") or cs.get("change_request") or ""
        table.add_row(str(e.at), what, _short(e.before), _short(e.after), str(cs.get("source", "")),
                      str(cs.get("actor", "")), str(why))  # fmt: skip
    console.print(table)
    console.print(f"page {page} of {max(1, -(-total // size))} ({total} events)")


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) < 60 else text[:57] + "..."


@ci_app.command("diff")
def ci_diff(
    key: Annotated[str, typer.Argument(help="uid or name")],
    t_from: Annotated[str, typer.Option("--from", help="ISO time")],
    t_to: Annotated[str, typer.Option("--to", help="ISO time")],
) -> None:
    """What changed on a CI between two times."""
    t1, t2 = _time(t_from), _time(t_to)
    assert t1 is not None and t2 is not None
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        d = history.diff(driver, uid, t1, t2)
    table = Table("attribute", "before", "after", title=f"{uid}: {t1} -> {t2}")
    for attr, (before, after) in d["attributes"].items():
        table.add_row(attr, _short(before), _short(after))
    console.print(table)
    for kind in ("links_opened", "links_closed"):
        for link in d[kind]:
            console.print(f"{kind}: {link[0]} {link[1]} -> {link[2]}")


@ci_app.command("set")
def ci_set(
    key: Annotated[str, typer.Argument(help="uid or name")],
    assignments: Annotated[list[str], typer.Argument(help="attr=value (attr= clears)")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    actor: Annotated[str, typer.Option(help="who")] = "cli",
    change_request: Annotated[str | None, typer.Option(help="change request id")] = None,
) -> None:
    """Set attributes by hand (the strongest source), with a reason."""
    values: dict[str, str | None] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"{item!r}: use attr=value")
        values[name.strip()] = value if value != "" else None
    with graph() as (config, schema, driver):
        uid = edit.find_uid(driver, key)
        changed = edit.set_attributes(
            driver, schema, config, uid, values, reason, actor, change_request
        )
    console.print(f"changed {', '.join(changed)}" if changed else "nothing changed")


@ci_app.command("retire")
def ci_retire(
    key: Annotated[str, typer.Argument(help="uid or name")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    actor: Annotated[str, typer.Option(help="who")] = "cli",
) -> None:
    """Retire a CI (it stays, with its history)."""
    with graph() as (config, schema, driver):
        uid = edit.find_uid(driver, key)
        edit.set_attributes(driver, schema, config, uid, {"status": "retired"}, reason, actor)
    console.print(f"{uid} retired")


@app.command("lifecycle")
def lifecycle() -> None:
    """Apply the time-based lifecycle policy (absent after T days, retired after U)."""
    with graph() as (config, _schema, driver):
        counts = edit.sweep(driver, config)
    console.print(f"{counts['absent']} CIs went absent, {counts['retired']} retired")
