"""`cmdb audit run|runs|rules|findings|show|ack|waive`: compliance rules (audits/rules/ and
cmdb.yaml `audits.rule_dirs`) run over the graph, and their findings reviewed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from audits import review
from audits.errors import AuditError
from audits.findings import ACTIVE, Finding, Status
from audits.full_run import Parts, full_audit, steps
from audits.register.importer import read_register
from audits.rulecheck import load_rules
from audits.rulefile import SEVERITIES
from audits.run import AuditRun, recent_runs, select
from cli.authorized import summary as changes_summary
from cli.base import console, graph
from cli.reconcile import summary as reconcile_summary
from cmdb.changes.steps import run_operation
from cmdb.config import load_config
from cmdb.display import format_value
from cmdb.schema import load_schema

app = typer.Typer(help="Compliance audits: run the rules, review their findings.",
                  no_args_is_help=True)  # fmt: skip

Actor = Annotated[str, typer.Option(help="who does it")]


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


@app.command("rules")
def rules() -> None:
    """The rules an audit runs (checked: a bad rule file is named with its line)."""
    config = load_config()
    table = Table("id", "severity", "scope", "effective from", "title", "file")
    for r in load_rules(load_schema(), config.audits.rule_dirs):
        table.add_row(r.id, r.severity, ", ".join(r.scope.classes),
                      str(r.effective_from or ""), escape(r.title), escape(r.path))  # fmt: skip
    console.print(table)


@app.command("run")
def run(
    rules: Annotated[str | None, typer.Option("--rules", help="rule ids, comma-separated")] = None,
    scope: Annotated[str | None, typer.Option(help="only CIs of this class")] = None,
    reconcile: Annotated[
        bool | None,
        typer.Option("--reconcile/--no-reconcile",
                     help="reconcile the register with discovery too (default: when neither "
                     "--rules nor --scope narrows the run)"),
    ] = None,
    changes: Annotated[
        bool | None,
        typer.Option("--changes/--no-changes",
                     help="check the changes since the last check too (default: as --reconcile)"),
    ] = None,
    register: Annotated[
        Path | None, typer.Option(help="the register file, for drift", metavar="FILE.xlsx|.csv")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="the register's sheet")] = None,
    actor: Actor = "cli",
) -> None:  # fmt: skip
    """Run the rules now (findings opened, resolved, reopened, their waivers lapsed), then
    reconcile the register with discovery and check the changes since the last check: one
    AuditRun each. Prints a summary per rule, per kind and per changed attribute."""
    whole = not rules and scope is None
    register_file = read_register(register, sheet) if register is not None else None
    parts = Parts(
        reconcile=whole if reconcile is None else reconcile,
        changes=whole if changes is None else changes,
        register=register_file,
    )
    with graph() as (config, schema, driver):
        chosen = select(load_rules(schema, config.audits.rule_dirs), _split(rules) or None)
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("audit", total=steps(chosen, parts))

            def advance(step: str) -> None:
                bar.update(task, advance=1, description=f"audit: {step}")

            done = full_audit(driver, schema, config, chosen, parts, actor=actor,
                              now=datetime.now(UTC), scope=scope, progress=advance)  # fmt: skip
    _summary(done.rules)
    if done.reconciled is not None:
        reconcile_summary(done.reconciled)
    if done.changes is not None:
        changes_summary(done.changes)
    elif done.changes_skipped is not None:
        console.print(f"changes check skipped: {done.changes_skipped}", highlight=False)


@app.command("runs")
def runs(last: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """The newest audit runs: when, by whom, what they opened and resolved."""
    with graph() as (_config, _schema, driver):
        found = run_operation(driver, recent_runs(last))
    names = ("opened", "reopened", "resolved", "lapsed", "still_open")
    table = Table("run", "kind", "started", "actor", "scope", "rules", *names, "ms")
    for r in found:
        table.add_row(r["id"], r.get("kind") or "rules", format_value(r["started_at"]),
                      escape(r["actor"]),
                      r.get("scope") or "", str(len(r["rules"])),
                      *(str(r[n]) for n in names), str(r["duration_ms"]))  # fmt: skip
    console.print(table)


def _summary(done: AuditRun) -> None:
    names = ("violations", "opened", "reopened", "resolved", "lapsed", "still_open", "waived")
    table = Table("rule", "severity", *names, title=f"audit run {done.id}")
    for r in done.results:
        if r.skipped is not None:
            table.add_row(r.rule.id, r.rule.severity, f"skipped: {r.skipped}")
            continue
        table.add_row(r.rule.id, r.rule.severity, *(str(r.counts[n]) for n in names))
    table.add_row("total", "", *(str(done.total(n)) for n in names))
    console.print(table)
    console.print(f"{done.id}: {len(done.results)} rules in {done.duration_ms} ms",
                  highlight=False)  # fmt: skip


def _statuses(text: str | None) -> list[Status]:
    if not text:
        return list(ACTIVE)
    try:
        return [Status(s) for s in _split(text)]
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise AuditError(f"--status {text[:40]!r}: each one of {names}") from None


@app.command("findings")
def findings(
    rule: Annotated[str | None, typer.Option(help="one rule's")] = None,
    severity: Annotated[str | None, typer.Option(help="comma-separated")] = None,
    status: Annotated[
        str | None, typer.Option(help="comma-separated; default: open, acknowledged")
    ] = None,
    first: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
) -> None:
    """Findings by rule, severity and status, in id order."""
    severities = _split(severity) or SEVERITIES
    review.check_severities(severities)  # before the graph is opened: bad input first
    plan = review.page(rule, severities, _statuses(status), first)
    with graph() as (_config, _schema, driver):
        found = run_operation(driver, plan)
    table = Table("finding", "rule", "severity", "status", "CI", "opened", "last detected",
                  "waived until")  # fmt: skip
    for f in found.items:
        table.add_row(f.id, f.rule, f.severity, f.status.value, _ci(f),
                      format_value(f.opened_at), format_value(f.last_detected_at),
                      format_value(f.waiver_until) if f.waiver_until else "")  # fmt: skip
    console.print(table)
    more = " (more: narrow the filter or raise --first)" if found.has_next else ""
    console.print(f"{len(found.items)} findings{more}", highlight=False)


def _ci(f: Finding) -> str:
    return escape(f"{f.ci_name or f.ci_uid} ({f.ci_class})")


@app.command("show")
def show(finding: Annotated[str, typer.Argument(help="its id (FND0000001) or rule|uid")]) -> None:
    """A finding: its fields, evidence and every step of its life."""
    with graph() as (_config, _schema, driver):
        f = run_operation(driver, review.read_one(finding))
    table = Table(show_header=False, title=f"{f.id}: {escape(f.title)}")
    rows = [("rule", f.rule), ("severity", f.severity), ("status", f.status.value),
            ("CI", f"{_ci(f)} {f.ci_uid}"), ("evidence", escape(str(f.evidence)))]  # fmt: skip
    if f.waiver_until is not None:
        rows.append(("waiver", escape(f"{f.waiver_reason} by {f.waiver_by} until "
                                      f"{format_value(f.waiver_until)}")))  # fmt: skip
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    steps = Table("#", "action", "from", "to", "actor", "at", "run", "comment", title="history")
    for e in f.events:
        steps.add_row(str(e.seq), e.action, e.from_status or "", e.to_status, escape(e.actor),
                      format_value(e.at), e.run or "", escape(e.comment or ""))  # fmt: skip
    console.print(steps)
    if f.waivers:
        waivers = Table("waiver", "reason", "approver", "until", "granted", "by", "ended",
                        "how", title="waivers")  # fmt: skip
        for w in f.waivers:
            waivers.add_row(w.id, escape(w.reason), escape(w.approver), format_value(w.until),
                            format_value(w.granted_at), escape(w.granted_by),
                            format_value(w.ended_at) if w.ended_at else "in force",
                            w.ended_by or "")  # fmt: skip
        console.print(waivers)


@app.command("ack")
def ack(
    finding: Annotated[str, typer.Argument(help="its id or rule|uid")],
    comment: Annotated[str | None, typer.Option(help="recorded with the step")] = None,
    actor: Actor = "cli",
) -> None:
    """Acknowledge an open finding."""
    with graph() as (_config, _schema, driver):
        f = run_operation(driver, review.acknowledge(finding, actor, datetime.now(UTC), comment))
    console.print(f"{f.id}: {f.status.value}", highlight=False)


def _until(text: str) -> datetime:
    """A date (the waiver lasts through that day, UTC) or a time (UTC if no zone)."""
    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
            return day + timedelta(days=1)
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditError(f"--until {text[:40]!r}: a date (2027-01-31) or an ISO time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("waive")
def waive(
    finding: Annotated[str, typer.Argument(help="its id or rule|uid")],
    reason: Annotated[str, typer.Option(help="why it may stay")],
    until: Annotated[str, typer.Option(help="expiry: a date (through that day, UTC) or time")],
    by: Annotated[str, typer.Option("--by", help="who approved the waiver")],
    actor: Annotated[str | None, typer.Option(help="who records it (default: --by)")] = None,
) -> None:
    """Waive a finding until a date: hidden from open findings until then, reopened by the
    first audit run after it lapses."""
    expiry = _until(until)
    with graph() as (_config, _schema, driver):
        plan = review.waive(finding, reason, expiry, by, actor or by, datetime.now(UTC))
        f = run_operation(driver, plan)
    console.print(f"{f.id}: waived until {format_value(f.waiver_until)}", highlight=False)
