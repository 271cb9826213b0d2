"""`cmdb audit changes [--since T] [--until T] [--verify CHG...]`: the changes discovery
observed in a period matched to change requests (audits/authorized/), the unmatched ones
recorded as unauthorized-change findings, the requests whose window closed verified."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from audits.authorized.check import ChangesCheck, check_changes, period
from audits.authorized.verify import Verification, verify, verify_due
from audits.errors import AuditError
from cli.base import console, graph
from cmdb.display import format_value


def _when(text: str | None, option: str) -> datetime | None:
    """An ISO time (without a zone: UTC)."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditError(
            f"{option} {text[:60]!r} is not a time: use ISO 8601, e.g. 2026-12-05T22:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Since = Annotated[
    str | None,
    typer.Option(help="from (ISO time); default: where the last check ended, else a day back"),
]
Until = Annotated[str | None, typer.Option(help="to (ISO time, excluded); default: now")]
VerifyIds = Annotated[
    list[str] | None, typer.Option("--verify", help="only verify this change request (repeatable)")
]


def changes(
    since: Since = None,
    until: Until = None,
    verify_ids: VerifyIds = None,
    actor: Annotated[str, typer.Option(help="who runs it")] = "cli",
) -> None:
    """Match the changes discovery observed to change requests; the rest become
    unauthorized-change findings. Requests whose window closed are verified."""
    start, end = _when(since, "--since"), _when(until, "--until")
    now = datetime.now(UTC)
    with graph() as (config, schema, driver):
        if verify_ids:
            for request_id in verify_ids:
                _print_verification(verify(driver, schema, config, request_id.strip(), now))
            return
        end = end or now
        start = period(driver, start, end)
        done = check_changes(driver, schema, config, since=start, until=end, actor=actor,
                             now=now)  # fmt: skip
        verified = verify_due(driver, schema, config, start, end, now)
    summary(done)
    for v in verified:
        _print_verification(v)


def summary(done: ChangesCheck) -> None:
    console.print(
        f"changes {format_value(done.since)} .. {format_value(done.until)}: run {done.id}"
    )
    table = Table("class", "attribute", "changes", "authorized", "unauthorized")
    frame = done.changes.assign(ok=done.changes["requests"].map(len) > 0)
    for (cls, attr), g in frame.groupby(["class", "attribute"], sort=True):
        ok = int(g["ok"].sum())
        table.add_row(escape(str(cls)), escape(str(attr)), str(len(g)), str(ok), str(len(g) - ok))
    table.add_row("[bold]total", "", *(str(done.counts[k]) for k in
                  ("changes", "authorized", "unauthorized")))  # fmt: skip
    console.print(table)
    console.print(f"findings: {done.counts['opened']} opened, {done.counts['reopened']} "
                  f"reopened, {done.counts['resolved']} resolved")  # fmt: skip


def _print_verification(v: Verification) -> None:
    console.print(f"{v.request} ({format_value(v.window_start)} .. {format_value(v.window_end)}): "
                  f"{len(v.as_planned)} as planned, {len(v.extras)} unplanned extras, "
                  f"{len(v.not_observed)} planned but not observed")  # fmt: skip
    table = Table("verdict", "CI", "change", "before", "after", "at", "source")
    for verdict, rows in (("as planned", v.as_planned), ("unplanned extra", v.extras)):
        for r in rows:
            table.add_row(verdict, escape(r["uid"]), escape(f"{r['kind']} {r['attribute']}"),
                          escape(str(r["before"])), escape(str(r["after"])), r["at"],
                          r["source"])  # fmt: skip
    for uid in v.not_observed:
        table.add_row("not observed", escape(uid), "", "", "", "", "")
    console.print(table)


def register(audit_app: typer.Typer) -> None:
    audit_app.command("changes")(changes)
