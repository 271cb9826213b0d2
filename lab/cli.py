"""`cmdb lab up|down|status`: the device lab as a typer sub-app (mounted by cmdb.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lab import control
from lab.config import DEFAULT_STATE_DIR, LabOptions, load_config
from lab.errors import LabError

app = typer.Typer(help="The device lab: simulated SNMP/SSH devices and namespace hosts.",
                  no_args_is_help=True)
console = Console()

StateDir = Annotated[Path, typer.Option("--state-dir", help="Where pid files, logs, keys "
                                        "and the manifest live.")]


@app.command()
def up(
    data: Annotated[list[Path] | None, typer.Option("--data", help="Recording folder "
                    "(snmp/ and cli/ like lab-data, or snmprec files); repeatable.")] = None,
    scale: Annotated[int, typer.Option("--scale", min=0, help="Clone recordings into N "
                     "devices in a spine/leaf fabric (0: each recording once).")] = 0,
    state_dir: StateDir = DEFAULT_STATE_DIR,
    no_linux: Annotated[bool, typer.Option("--no-linux", help="No namespace hosts.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Lab YAML (default: "
                      "the embedded lab/lab.yaml).")] = None,
) -> None:
    """Start the lab (idempotent) and write its manifest."""
    options = LabOptions(state_dir=state_dir, data_dirs=tuple(data or ()), scale=scale,
                         linux=not no_linux, config=load_config(config))
    try:
        result = control.up(options)
    except LabError as exc:
        console.print(f"[red]lab up failed:[/red] {exc}")
        raise typer.Exit(1) from None
    kinds: dict[str, int] = {}
    for device in result.devices:
        kinds[device.kind] = kinds.get(device.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    console.print(f"lab up in {result.startup_seconds:.1f} s: {summary}")
    console.print(f"manifest: {Path(result.state_dir) / 'manifest.json'}")


@app.command()
def down(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Stop everything the lab started (by PID) and remove its namespaces."""
    stopped = control.down(state_dir)
    console.print(f"lab down: stopped/removed {len(stopped)}: {', '.join(stopped) or '-'}")


@app.command()
def status(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """What the lab runs now."""
    found = control.status(state_dir)
    table = Table("process", "pid", "alive")
    for record in found.processes:
        table.add_row(record.name, str(record.pid), "yes" if record.alive else "NO")
    console.print(table)
    console.print(f"namespaces: {', '.join(found.namespaces) or '-'}")
    console.print(f"devices in manifest: {found.devices}")
    if found.processes and not found.running:
        raise typer.Exit(1)
