"""`cmdb impact UID...`: what fails, or degrades, when CIs go down or into maintenance."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.base import console, graph
from cmdb.errors import ConfigError
from cmdb.impact import ImpactMode, ImpactRequest, ImpactResult, ImpactSettings, impact_plan
from cmdb.impact.model import PathStep
from cmdb.queries.impact import MAX_DEPTH
from cmdb.queryplan import run_plan
from cmdb.timespec import FORMS, parse_time


class Mode(StrEnum):
    down = "down"
    maintenance = "maintenance"


class Format(StrEnum):
    table = "table"
    json = "json"


def impact(
    cis: Annotated[list[str], typer.Argument(help="the failed CIs: uids or names")],
    as_of: Annotated[str | None, typer.Option("--as-of", help=f"a time: {FORMS}")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="down or maintenance")] = Mode.down,
    max_depth: Annotated[
        int | None,
        typer.Option("--max-depth", help=f"links followed, 1 to {MAX_DEPTH} (impact.max_depth)"),
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Every CI affected when CIs fail (DOWN: it fails; DEGRADED: redundancy lost, still
    served), with its depth, the path that explains it, owners, support teams, contracts
    and business services; summaries by class, business service and owner."""
    t = None if as_of is None else parse_time(as_of, "--as-of", datetime.now(UTC))
    with graph() as (config, schema, driver):
        depth = config.impact.max_depth if max_depth is None else max_depth
        if not 1 <= depth <= MAX_DEPTH:
            raise ConfigError(f"--max-depth must be from 1 to {MAX_DEPTH}, got {depth}")
        request = ImpactRequest(tuple(cis), ImpactMode(mode.value.upper()), t, depth)
        settings = ImpactSettings(schema, config.impact)
        result = run_plan(driver, impact_plan(request, settings))
    if output == Format.json:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    _print(result)


def _print(result: ImpactResult) -> None:
    when = f" as of {result.request.as_of.isoformat()}" if result.request.as_of else ""
    console.print(f"impact ({result.request.mode.value.lower()}){when}: "
                  f"{len(result.affected)} CIs affected", highlight=False)  # fmt: skip
    table = Table("state", "depth", "CI", "class", "path", "owners", "support", "contracts")
    for ci in result.affected:
        contracts = ", ".join(
            f"{c.contract_number} (response {_hours(c.response_time_hours)}, on-site "
            f"{_hours(c.onsite_time_hours)}, fix {_hours(c.fix_time_hours)})"
            for c in ci.contracts
        )
        table.add_row(ci.state, str(ci.depth), escape(ci.name or ci.uid), ci.class_name,
                      escape(_path(ci.paths[0]) if ci.paths else ""),
                      escape(", ".join(ci.owners)), escape(", ".join(ci.support_teams)),
                      escape(contracts))  # fmt: skip
    console.print(table)
    for title, counts in (("class", result.by_class),
                          ("business service", result.by_business_service),
                          ("owner", result.by_owner)):  # fmt: skip
        if counts:
            summary = Table(title, "down", "degraded")
            for name, count in counts.items():
                summary.add_row(escape(name), str(count.down), str(count.degraded))
            console.print(summary)


def _path(path: tuple[PathStep, ...]) -> str:
    """`esx1 -MEMBER_OF-> cl1 <-HOSTED_ON- vm1`."""
    text = ""
    for step in path:
        text += step.name or step.uid
        if step.relationship:
            arrow = f" -{step.relationship}-> " if step.direction == "out" else (
                f" <-{step.relationship}- ")  # fmt: skip
            text += arrow
    return text


def _hours(value: float | None) -> str:
    """`4h`, `0.5h`; `-` where the contract states none."""
    return "-" if value is None else f"{value:g}h"
