"""`cmdb change create|show|list|conflicts|assess|approve|reject|start|complete|fail|
review`: change requests from the command line, through the same operations as the API
(cmdb.changes); the actor is `--actor` (default: cli)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.base import console, graph
from cmdb import edit
from cmdb.changes import store
from cmdb.changes.assess import assess
from cmdb.changes.cab import CabPolicy, is_cleared, remaining
from cmdb.changes.model import ChangeRequest, check_draft
from cmdb.changes.states import Action, ChangeRequestError, State
from cmdb.changes.steps import run_operation
from cmdb.changes.windows import configured_windows
from cmdb.display import format_value
from cmdb.impact import ImpactMode, ImpactSettings

app = typer.Typer(help="Change requests: create, assess, approve, carry out, review.",
                  no_args_is_help=True)  # fmt: skip

Actor = Annotated[str, typer.Option(help="who does it")]
Comment = Annotated[str | None, typer.Option(help="why, recorded with the step")]


def _when(text: str, option: str) -> datetime:
    """An ISO time (without a zone: UTC); a change's window lies ahead, so any time goes."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ChangeRequestError(
            f"{option} {text[:60]!r} is not a time: use ISO 8601, e.g. 2026-12-05T22:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("create")
def create(
    title: Annotated[str, typer.Option(help="what the change does")],
    start: Annotated[str, typer.Option(help="planned start (ISO time, UTC if no zone)")],
    end: Annotated[str, typer.Option(help="planned end")],
    ci: Annotated[list[str], typer.Option("--ci", help="an affected CI (uid or name)")],
    category: Annotated[str, typer.Option(help="standard, normal or emergency")] = "normal",
    description: Annotated[str, typer.Option()] = "",
    requester: Annotated[str | None, typer.Option(help="default: the actor")] = None,
    implementer: Annotated[str | None, typer.Option()] = None,
    actor: Actor = "cli",
    comment: Comment = None,
) -> None:
    """Draft a change request for the CIs named; prints its id."""
    window = (_when(start, "--start"), _when(end, "--end"))
    with graph() as (_config, _schema, driver):
        uids = [edit.find_uid(driver, key) for key in ci]
        draft = check_draft(title, category, *window, uids, description, requester or actor,
                            implementer)  # fmt: skip
        new_id = run_operation(driver, store.create(draft, actor, datetime.now(UTC), comment))
    console.print(new_id, highlight=False)


@app.command("show")
def show(request_id: Annotated[str, typer.Argument(help="e.g. CHG0000001")]) -> None:
    """A change request: its fields, assessment, decisions, steps and change sets."""
    with graph() as (config, _s, driver):
        cr = run_operation(driver, store.read_one(request_id))
        change_sets = run_operation(driver, store.change_sets([cr.id]))[cr.id]
    _print_request(cr)
    _print_decisions(cr, CabPolicy.of(config.changes))
    steps = Table("#", "action", "from", "to", "actor", "at", "comment", title="steps")
    for t in cr.transitions:
        action = t.action + (" (after the fact)" if t.after_the_fact else "")
        steps.add_row(str(t.seq), action, t.from_state or "", t.to_state, t.actor,
                      format_value(t.at), t.comment or "")  # fmt: skip
    console.print(steps)
    if change_sets:
        sets = Table("change set", "at", "source", "actor", "reason", title="change sets")
        for cs in change_sets:
            sets.add_row(cs["id"], format_value(cs["at"]), cs["source"], cs["actor"],
                         cs.get("reason") or "")  # fmt: skip
        console.print(sets)


def _print_request(cr: ChangeRequest) -> None:
    table = Table(show_header=False, title=f"{cr.id}: {escape(cr.title)}")
    rows = [
        ("state", cr.state.value), ("category", cr.category.value),
        ("window", f"{format_value(cr.window_start)} - {format_value(cr.window_end)}"),
        ("requester", cr.requester or ""), ("implementer", cr.implementer or ""),
        ("affected", ", ".join(f"{a.name} ({a.class_name}, {a.uid})" for a in cr.affected)),
        ("description", cr.description),
    ]  # fmt: skip
    if cr.assessment is not None:
        a = cr.assessment
        rows += [("risk", f"{a.risk} (assessed {format_value(a.computed_at)}, {a.mode})")]
        rows += [("", reason) for reason in a.reasons]
        rows += [("impact", f"{len(a.impact.get('affected', []))} CIs affected")]
    if cr.approved_after_the_fact:
        rows.append(("flag", "approved after the fact (emergency)"))
    if (v := cr.verification) is not None:
        rows.append(("verified", f"{format_value(v.verified_at)}: {v.as_planned} as planned, "
                     f"{v.extras} unplanned extras, {len(v.not_observed)} planned but not "
                     "observed"))  # fmt: skip
        rows += [("", f"not observed: {uid}") for uid in v.not_observed]
    for key, value in rows:
        table.add_row(key, escape(value))
    console.print(table)


def _print_decisions(cr: ChangeRequest, policy: CabPolicy) -> None:
    """The CAB's decisions and the approvals still missing."""
    needed, missing = policy.required(cr.category), remaining(cr, policy)
    title = f"CAB decisions ({needed} approval{'s' if needed > 1 else ''} needed"
    title += f", {missing} missing)" if missing else ")"
    table = Table("decision", "reviewer", "at", "comment", title=title)
    for t in cr.decisions:
        notes = [n for n, on in (("after the fact", t.after_the_fact),
                                 ("cleared: assessed again", is_cleared(cr, t))) if on]  # fmt: skip
        decision = t.action + (f" ({', '.join(notes)})" if notes else "")
        table.add_row(decision, escape(t.actor), format_value(t.at), escape(t.comment or ""))
    console.print(table)


@app.command("list")
def list_requests(
    state: Annotated[str | None, typer.Option(help="only this state")] = None,
    first: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Change requests, newest first."""
    try:
        wanted = None if state is None else State(state)
    except ValueError:
        raise ChangeRequestError(
            f"--state {str(state)[:40]!r} is none of {', '.join(s.value for s in State)}"
        ) from None
    with graph() as (_c, _s, driver):
        page = run_operation(driver, store.page(wanted, first, None))
    table = Table("id", "state", "category", "risk", "start", "end", "title")
    for cr in page.items:
        risk = cr.assessment.risk if cr.assessment else ""
        table.add_row(cr.id, cr.state.value, cr.category.value, risk,
                      format_value(cr.window_start), format_value(cr.window_end),
                      escape(cr.title))  # fmt: skip
    console.print(table)
    console.print(f"{len(page.items)} of {page.total}", highlight=False)


@app.command("conflicts")
def conflicts(request_id: Annotated[str, typer.Argument()]) -> None:
    """Approved or running changes that overlap this one and touch the same CIs."""
    with graph() as (_c, _s, driver):
        found = run_operation(driver, store.conflicts(request_id))
    table = Table("id", "state", "start", "end", "shared CIs", "shared services")
    for c in found:
        shared = ", ".join(f"{r.name} ({r.uid})" for r in c.shared)
        table.add_row(c.request.id, c.request.state.value, format_value(c.request.window_start),
                      format_value(c.request.window_end), shared,
                      ", ".join(c.shared_services))  # fmt: skip
    console.print(table)
    console.print(f"{len(found)} conflicting change requests", highlight=False)


@app.command("assess")
def assess_request(
    request_id: Annotated[str, typer.Argument()],
    mode: Annotated[str, typer.Option(help="MAINTENANCE or DOWN")] = "MAINTENANCE",
    actor: Actor = "cli",
    comment: Comment = None,
) -> None:
    """Compute and store the impact snapshot and the risk grade."""
    if mode.upper() not in ImpactMode.__members__:
        raise ChangeRequestError(f"--mode {mode[:40]!r} is neither MAINTENANCE nor DOWN")
    with graph() as (config, schema, driver):
        settings = ImpactSettings(schema, config.impact)
        windows = configured_windows(config.changes.maintenance_windows)
        op = assess(request_id, ImpactMode(mode.upper()), settings, windows, actor,
                    datetime.now(UTC), comment)  # fmt: skip
        cr = run_operation(driver, op)
    _print_request(cr)


def _register(action: Action, doc: str) -> None:
    def command(
        request_id: Annotated[str, typer.Argument(help="e.g. CHG0000001")],
        actor: Actor = "cli",
        comment: Comment = None,
    ) -> None:
        with graph() as (config, _s, driver):
            policy = CabPolicy.of(config.changes)
            op = store.act(request_id, action, actor, datetime.now(UTC), comment, policy=policy)
            cr = run_operation(driver, op)
        flag = " (after the fact)" if cr.transitions[-1].after_the_fact else ""
        missing = remaining(cr, policy) if action is Action.APPROVE else 0
        wait = f" ({missing} more approval{'s' if missing > 1 else ''} needed)" if missing else ""
        console.print(f"{cr.id} {action.value}{flag}: {cr.state.value}{wait}", highlight=False)

    command.__doc__ = doc
    app.command(action.value)(command)


for _action, _doc in (
    (Action.APPROVE, "Approve an assessed change (an emergency one also after the fact)."),
    (Action.REJECT, "Reject an assessed change."),
    (Action.START, "Start an approved change (an emergency one before approval)."),
    (Action.COMPLETE, "The change is done."),
    (Action.FAIL, "The change failed."),
    (Action.REVIEW, "The post-implementation review of a completed or failed change."),
):
    _register(_action, _doc)
