"""`cmdb db up|down|status` and `cmdb schema apply`: the database and the model in it."""

from __future__ import annotations

import typer
from rich.markup import escape

from cli.base import console, graph
from cmdb import dbms, migrations
from cmdb.config import Config, load_config
from cmdb.connection import bolt_uri, connect, server_version
from cmdb.errors import DBMSError

db_app = typer.Typer(help="The local Neo4j DBMS.", no_args_is_help=True)
schema_app = typer.Typer(help="The CI model (schema/).", no_args_is_help=True)
# `cmdb db status` of a stopped DBMS, as `pg_ctl status` and `systemctl status` say it
EXIT_STOPPED = 3


@db_app.command("up")
def db_up() -> None:
    """Build (first time), start the local Neo4j and apply the schema."""
    config = load_config()
    if config.neo4j_uri:
        console.print(f"NEO4J_URI is set: using {config.neo4j_uri}; nothing to start")
    else:
        with console.status("starting Neo4j (the first start builds the launcher)"):
            status = dbms.up(config)
        version = server_version(config)
        console.print(f"Neo4j {version} up at {status.address} (pid {status.pid})")
    schema_apply()


@db_app.command("down")
def db_down() -> None:
    """Stop the local Neo4j cleanly."""
    stopped = dbms.down(load_config())
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@db_app.command("status")
def db_status() -> None:
    """Address, version and store size of the local Neo4j; exit code 3 when it is stopped."""
    config = load_config()
    if config.neo4j_uri:
        _external_status(config)
        return
    s = dbms.status(config)
    state = "[green]running[/green]" if s.running else "[yellow]stopped[/yellow]"
    version = server_version(config) if s.running else "-"
    console.print(f"{state}  {bolt_uri(config)}  version {version}  pid {s.pid or '-'}")
    console.print(f"store: {s.store_bytes / 2**20:.1f} MiB in {config.data_dir}")
    if not s.running:
        raise typer.Exit(EXIT_STOPPED)


def _external_status(config: Config) -> None:
    try:
        connect(config).close()
    except DBMSError as exc:
        console.print(f"[yellow]unreachable[/yellow]  {escape(str(exc))}")
        raise typer.Exit(EXIT_STOPPED) from None
    console.print(f"[green]reachable[/green]  {config.neo4j_uri} (NEO4J_URI, not the local DBMS)")


@schema_app.command("apply")
def schema_apply() -> None:
    """Apply constraints, indexes and migrations (idempotent)."""
    with graph(in_step=False) as (_config, schema, driver):
        applied = migrations.apply(driver, schema)
    for step in applied:
        console.print(f"applied {step.id} ({step.statements} statements)")
    console.print(f"schema version {schema.version} ({schema.checksum}) is in place")
