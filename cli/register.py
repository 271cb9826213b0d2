"""`cmdb import register|points` and `cmdb export register`: device registers and
information-point tables in and out (audits/register)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from audits.register.export import check_export_options, device_classes, export_register
from audits.register.importer import ImportReport, import_register, read_register
from audits.register.points import import_points, read_points
from cli.base import console, graph
from cmdb.ingest import Ingestor
from cmdb.schema import load_schema

import_app = typer.Typer(help="Import registers (XLSX or CSV) as register facts.",
                         no_args_is_help=True)  # fmt: skip
export_app = typer.Typer(help="Export the recorded inventory as a register.", no_args_is_help=True)

Sheet = Annotated[str | None, typer.Option("--sheet", help="the sheet (default: the first)")]
Mapping = Annotated[
    Path | None, typer.Option("--mapping", help="YAML: heading -> field, for other headings")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="show the changes, write nothing")]
Actor = Annotated[str | None, typer.Option("--actor", help="who imports (default: the user)")]


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser() or "register"
    except (KeyError, OSError):
        return "register"


@import_app.command("register")
def import_register_command(
    file: Annotated[Path, typer.Argument(help="the register", metavar="FILE.xlsx|.csv")],
    sheet: Sheet = None, mapping: Mapping = None, dry_run: DryRun = False, actor: Actor = None,
) -> None:  # fmt: skip
    """Import a device register: one change set of source `register` per file; bad rows
    are reported (file, sheet, row, column, reason) and skipped."""
    register_file = read_register(file, sheet, mapping)  # a bad file fails without a DBMS
    with graph() as (config, schema, driver):
        ingestor = Ingestor(driver, schema, config)
        report = import_register(ingestor, register_file, _actor(actor), dry_run)
    show_report(report, dry_run)


@import_app.command("points")
def import_points_command(
    file: Annotated[Path, typer.Argument(help="the information-point table",
                                         metavar="FILE.xlsx|.csv")],
    sheet: Sheet = None, mapping: Mapping = None, dry_run: DryRun = False, actor: Actor = None,
) -> None:  # fmt: skip
    """Import an information-point table (信息点表): points patched to switch ports."""
    points = read_points(file, sheet, mapping)  # a bad file fails without a DBMS
    with graph() as (config, schema, driver):
        ingestor = Ingestor(driver, schema, config)
        report = import_points(ingestor, points, _actor(actor), dry_run)
    show_report(report, dry_run)


@export_app.command("register")
def export_register_command(
    out: Annotated[Path, typer.Option("--out", help="the file to write")],
    format_: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    lang: Annotated[str, typer.Option("--lang", help="headings: zh or en")] = "zh",
    classes: Annotated[
        list[str] | None, typer.Option("--class", help="only these classes (repeatable)")
    ] = None,
) -> None:
    """Write the recorded devices as a register under the import's headings."""
    check_export_options(format_, lang)
    wanted = device_classes(load_schema(), classes or [])  # a bad class fails without a DBMS
    with graph() as (_config, _schema, driver):
        count = export_register(driver, out, format_, lang, wanted)
    console.print(f"{out}: {count} devices", markup=False)


def show_report(report: ImportReport, dry_run: bool) -> None:
    for problem in report.problems:
        console.print(f"[red]refused:[/red] {escape(problem.message())}", soft_wrap=True)
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note.message())}", soft_wrap=True)
    if dry_run:
        for entry in report.diff[:200]:
            console.print(f"  {entry}", markup=False, soft_wrap=True)
    verb = "would write" if dry_run else "wrote"
    title = f"{report.path}" + (f", sheet {report.sheet}" if report.sheet else "")
    table = Table("rows imported", "refused", "skipped (blank, subtotal)", "created",
                  "updated", "unchanged", "links opened", "links pending",
                  title=escape(f"{title}: {verb}"))  # fmt: skip
    table.add_row(*map(str, (len(report.imported), len(report.problems), len(report.skipped),
                             report.created, report.updated, report.unchanged,
                             report.links_opened, report.links_pending)))  # fmt: skip
    console.print(table)
    if len(report.changesets) > 1:
        console.print(f"change sets ({len(report.changesets)} parts of the file): "
                      f"{', '.join(report.changesets)}", markup=False)  # fmt: skip
    elif report.changeset_id:
        console.print(f"change set {report.changeset_id}", markup=False)
