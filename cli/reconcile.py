"""`cmdb audit reconcile [FILE]`: the register against discovery (audits/reconcile). Each
discrepancy is a finding of rule `reconcile-<kind>` in the audits' findings store
(`cmdb audit findings --rule reconcile-missing`, show, ack, waive); prints the counts by
kind. With the register file, its values are compared with the CIs' (drift)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from audits.reconcile.run import Reconciled, reconcile
from audits.register.importer import read_register
from cli.base import console, graph

COUNTS = ("violations", "opened", "reopened", "resolved", "still_open", "waived")


def register(audit_app: typer.Typer) -> None:
    audit_app.command("reconcile")(reconcile_command)


def reconcile_command(
    file: Annotated[Path | None, typer.Argument(help="the register, for drift",
                                                metavar="[FILE.xlsx|.csv]")] = None,
    sheet: Annotated[str | None, typer.Option(help="the register's sheet")] = None,
    actor: Annotated[str, typer.Option(help="who runs it")] = "cli",
) -> None:  # fmt: skip
    """Reconcile the register with discovery: missing, unregistered, duplicate and (with
    the register file) drift; findings opened, detected again or resolved."""
    register_file = read_register(file, sheet) if file is not None else None
    with graph() as (config, _schema, driver):
        done = reconcile(driver, config.batch_size, register_file, actor=actor,
                         now=datetime.now(UTC))  # fmt: skip
    summary(done)


def summary(done: Reconciled) -> None:
    table = Table("kind", "rule", "severity", *COUNTS, title=f"reconciliation {done.run.id}")
    for r in done.run.results:
        kind = r.rule.id.removeprefix("reconcile-")
        if r.skipped is not None:
            table.add_row(kind, r.rule.id, r.rule.severity, f"skipped: {r.skipped}")
            continue
        table.add_row(kind, r.rule.id, r.rule.severity, *(str(r.counts[n]) for n in COUNTS))
    table.add_row("total", "", "", *(str(done.run.total(n)) for n in COUNTS))
    console.print(table)
