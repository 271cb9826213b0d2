"""`cmdb lab up|down|status`: the device lab as a typer sub-app (mounted by cli.main)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lab import control
from lab.config import DEFAULT_STATE_DIR, LabOptions, load_config
from lab.errors import LabError

app = typer.Typer(help="The device lab: simulated SNMP/SSH devices and namespace hosts.",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)

StateDir = Annotated[Path, typer.Option("--state-dir", file_okay=False, help="Where pid "
                                        "files, logs, keys and the manifest live.")]


@app.command()
def up(
    data: Annotated[list[Path] | None, typer.Option("--data", help="Recording folder "
                    "(snmp/ and cli/ like lab-data, or snmprec files); repeatable.",
                    exists=True)] = None,
    scale: Annotated[int, typer.Option("--scale", min=0, help="Clone recordings into N "
                     "devices in a spine/leaf fabric (0: each recording once).")] = 0,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    no_linux: Annotated[bool, typer.Option("--no-linux", help="No namespace hosts.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Lab YAML (default: "
                      "the embedded lab/lab.yaml).")] = None,
) -> None:
    """Start the lab (idempotent) and write its manifest. A recording folder of a platform
    the lab does not simulate (cli/mikrotik_routeros, say) is skipped with a warning."""
    with _one_line_errors("lab up"), warnings_shown():
        options = LabOptions(state_dir=state_dir, data_dirs=tuple(data or ()), scale=scale,
                             linux=not no_linux, config=load_config(config))
        result = control.up(options)
    kinds: dict[str, int] = {}
    for device in result.devices:
        kinds[device.kind] = kinds.get(device.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    console.print(f"lab up in {result.startup_seconds:.1f} s: {summary}")
    console.print(f"manifest: {Path(result.state_dir) / 'manifest.json'}")


@app.command()
def down(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Stop everything the lab started (by PID) and remove its namespaces."""
    with _one_line_errors("lab down"):
        stopped = control.down(state_dir)
    console.print(f"lab down: stopped/removed {len(stopped)}: {', '.join(stopped) or '-'}")


@app.command()
def status(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """What the lab runs now."""
    with _one_line_errors("lab status"):
        found = control.status(state_dir)
    table = Table("process", "pid", "alive")
    for record in found.processes:
        table.add_row(record.name, str(record.pid), "yes" if record.alive else "NO")
    console.print(table)
    console.print(f"namespaces: {', '.join(found.namespaces) or '-'}")
    console.print(f"devices in manifest: {found.devices}")
    if found.processes and not found.running:
        raise typer.Exit(1)


@contextmanager
def _one_line_errors(what: str) -> Iterator[None]:
    """A LabError (config, recordings, start-up) or a file it could not read: one error
    line on stderr, exit code 1."""
    try:
        yield
    except (LabError, OSError) as exc:
        err.print(f"[red]{what} failed:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None


class _ConsoleWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/yellow] {escape(record.getMessage())}", soft_wrap=True)


@contextmanager
def warnings_shown() -> Iterator[None]:
    """The lab's warnings (a recording folder it skips, say) as lines on stderr."""
    logger = logging.getLogger("lab")
    handler = _ConsoleWarnings(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
