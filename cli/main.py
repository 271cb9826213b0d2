"""The `cmdb` command: the one place that wires the packages together."""

from __future__ import annotations

import gc
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cli.audit import app as audit_app
from cli.authorized import register as register_authorized
from cli.base import console, err, graph
from cli.change import app as change_app
from cli.ci import app as ci_app
from cli.db import db_app, schema_app
from cli.demo import demo
from cli.discover import register as register_discovery
from cli.errors import EXPLAINED, command_words, explain
from cli.impact import impact
from cli.reconcile import register as register_reconcile
from cli.register import register as register_registers
from cli.remote import collector_app, hub_app
from cli.report import app as report_app
from cli.schedule import schedule
from cli.serve import serve
from cli.token import app as token_app
from cmdb import edit
from cmdb.errors import LoadFileError, ObservationError
from cmdb.ingest import Ingestor
from cmdb.loadfile import check_document, read_document
from cmdb.observations import ChangeSet
from cmdb.validate import Validated
from lab.cli import app as lab_app

app = typer.Typer(help="A configuration-management database on a graph.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(ci_app, name="ci")
app.add_typer(change_app, name="change")
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")
app.add_typer(report_app, name="report")
app.add_typer(lab_app, name="lab", help="The device lab: simulated devices and Linux hosts.")
app.add_typer(collector_app, name="collector")
app.add_typer(hub_app, name="hub")
register_discovery(app)
app.command("schedule")(schedule)  # cli/schedule.py builds on cli/discover.py
register_registers(app)
register_reconcile(audit_app)
register_authorized(audit_app)
app.command("demo")(demo)
app.command("impact")(impact)
app.command("serve")(serve)


def main() -> None:
    """The `cmdb` entry point: every failure is one message on stderr and exit code 1."""
    # the driver's retry and connection lines are for debugging, not for users
    neo4j_log = logging.getLogger("neo4j")
    neo4j_log.addHandler(logging.NullHandler())
    neo4j_log.propagate = False
    try:
        app()
    except EXPLAINED as exc:
        message = explain(exc, command_words(app, sys.argv[1:]))
        err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
        raise SystemExit(1) from None


@app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="YAML/JSON observation files")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show the diff, write nothing")
    ] = False,
) -> None:
    """Ingest observation files (fixtures, manual CIs). Every change set of every file is
    checked first (schema, references, time): one bad change set and nothing is written."""
    documents = [(f, read_document(f)) for f in files]  # a hostile file fails without a DBMS
    with graph() as (config, schema, driver):
        ingestor = Ingestor(driver, schema, config)
        now = datetime.now(UTC)

        def check(changeset: ChangeSet) -> Validated:
            return ingestor.validate(changeset, now)

        checked = [(f, check_document(f, doc, check, now)) for f, doc in documents]
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


@app.command("lifecycle")
def lifecycle() -> None:
    """Apply the time-based lifecycle policy (absent after T days, retired after U)."""
    with graph() as (config, _schema, driver):
        counts = edit.sweep(driver, config)
    console.print(f"{counts['absent']} CIs went absent, {counts['retired']} retired")
