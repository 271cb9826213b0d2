"""`cmdb ci show|history|diff|set|retire`: one configuration item, now or at any time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.base import console, graph
from cmdb import edit, history
from cmdb.display import ci_label, format_value, link_label, link_order
from cmdb.errors import NotFoundError
from cmdb.schema import Schema
from cmdb.timespec import FORMS, TimeSpecError, format_time, parse_time

app = typer.Typer(help="Configuration items: show, history, diff, edit.", no_args_is_help=True)


def _time(text: str | None, option: str) -> datetime | None:
    return None if text is None else parse_time(text, option, datetime.now(UTC))


def _show_state(title: str, state: dict[str, Any]) -> None:
    console.print(title, highlight=False)
    table = Table(show_header=False)
    for key in sorted(state):
        table.add_row(key, format_value(state[key]))
    console.print(table)


def _symmetric(schema: Schema) -> frozenset[str]:
    """Relationship types with no direction (CONNECTED_TO): shown as `both`, `<->`."""
    return frozenset(r.name for r in schema.relationships.values() if r.symmetric)


def _direction(kind: str, direction: str, symmetric: frozenset[str]) -> str:
    return "both" if kind in symmetric else direction


def _note(text: str) -> None:
    console.print(f"[yellow]{escape(text)}[/yellow]", highlight=False)


@app.command("show")
def ci_show(
    key: Annotated[str, typer.Argument(help="uid or name")],
    as_of: Annotated[str | None, typer.Option("--as-of", help=f"a time: {FORMS}")] = None,
) -> None:
    """A CI and its relationships, now or as of a time (before it existed: as created)."""
    t = _time(as_of, "--as-of")
    with graph() as (_c, schema, driver):
        uid = edit.find_uid(driver, key)
        snap = history.snapshot(driver, uid, t)
        if snap.state is None and t is not None:
            created = history.created_at(driver, uid)
            if created is None:  # no state at all: the graph predates the :State label
                raise NotFoundError(f"CI {key} has no recorded state (run cmdb schema apply)")
            snap = history.snapshot(driver, uid, created)
            _note(f"{key} did not exist at {format_time(t)} (created {format_time(created)}):"
                  " shown as created")  # fmt: skip
            t = created
    state = snap.state or {}
    me = snap.refs.get(uid)
    title = f"{state.get('name')} ({me.class_name if me else 'CI'}, {uid})"
    _show_state(title + (f" as of {format_time(t)}" if t else ""), state)
    table = Table("relationship", "direction", "other", "since", "evidence")
    symmetric = _symmetric(schema)
    links = [{**lk, "direction": _direction(lk["type"], lk["direction"], symmetric)}
             for lk in snap.links]  # fmt: skip
    for link in sorted(links, key=lambda lk: _link_order(lk, snap.refs)):
        other = ci_label(snap.refs, link["other"], here=uid)
        since, evidence = format_value(link.get("since")), format_value(link.get("evidence"))
        table.add_row(link["type"], link["direction"], other, since, evidence)
    console.print(table)


def _link_order(link: dict[str, Any], refs: dict[str, history.CIRef]) -> tuple[Any, ...]:
    ref = refs.get(link["other"])
    name = (ref.name if ref else None) or link["other"]
    return link_order(link["type"], name, link["direction"])


@app.command("history")
def ci_history(
    key: Annotated[str, typer.Argument(help="uid or name")],
    attribute: Annotated[str | None, typer.Option(help="only this attribute")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    size: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """A CI's changes, newest first: who, when, why, before and after."""
    with graph() as (_c, schema, driver):
        uid = edit.find_uid(driver, key)
        events, total = history.history(driver, uid, attribute, (page - 1) * size, size)
        ends = {(e.before or e.after)["other"] for e in events if e.kind.startswith("link_")}
        refs = history.describe(driver, sorted(ends | {uid}))
    console.print(f"history of {ci_label(refs, uid)}, {uid}", highlight=False)
    table = Table("at", "what", "before", "after", "source", "actor", "why")
    symmetric = _symmetric(schema)
    for e in events:
        cs = e.changeset or {}
        why = cs.get("reason") or cs.get("discovery_run") or cs.get("change_request") or ""
        what = _event_what(e, refs, uid, symmetric)
        table.add_row(format_time(e.at), *what, format_value(cs.get("source")),
                      format_value(cs.get("actor")), str(why))  # fmt: skip
    console.print(table)
    console.print(f"page {page} of {max(1, -(-total // size))} ({total} events)")


def _event_what(
    e: history.Event, refs: dict[str, history.CIRef], uid: str, symmetric: frozenset[str]
) -> tuple[str, str, str]:
    """(what, before, after) of one event as a person reads them."""
    if e.kind == "create":
        return "created", "", ci_label(refs, uid)
    if e.kind in ("link_open", "link_close"):
        desc = e.after if e.kind == "link_open" else e.before
        direction = _direction(desc["type"], desc["direction"], symmetric)
        label = link_label(desc["type"], direction, ci_label(refs, desc["other"], uid))
        if e.kind == "link_open":
            return "link opened", "", label
        return "link closed", label, ""
    return e.attribute or e.kind, _short(e.before), _short(e.after)


def _short(value: Any) -> str:
    text = format_value(value)
    return text if len(text) < 60 else text[:57] + "..."


@app.command("diff")
def ci_diff(
    key: Annotated[str, typer.Argument(help="uid or name")],
    t_from: Annotated[str, typer.Option("--from", help=f"a time: {FORMS}")],
    t_to: Annotated[str, typer.Option("--to", help="a time, as --from")] = "now",
) -> None:
    """What changed on a CI between two times (from before it existed: since created)."""
    now = datetime.now(UTC)
    t1, t2 = parse_time(t_from, "--from", now), parse_time(t_to, "--to", now)
    if t1 > t2:
        raise TimeSpecError(
            f"--from {t_from!r} ({format_time(t1)}) is after --to {t_to!r} ({format_time(t2)})"
        )
    with graph() as (_c, schema, driver):
        uid = edit.find_uid(driver, key)
        created = history.created_at(driver, uid)
        if created is None or t2 < created:
            since = f" (created {format_time(created)})" if created else ""
            raise NotFoundError(f"CI {key} did not exist at --to {format_time(t2)}{since}")
        if t1 < created:
            _note(f"{key} did not exist at --from {format_time(t1)} (created "
                  f"{format_time(created)}): compared from its creation")  # fmt: skip
            t1 = created
        d = history.diff(driver, uid, t1, t2)
        links = [("opened", link) for link in d["links_opened"]]
        links += [("closed", link) for link in d["links_closed"]]
        refs = history.describe(driver, sorted({u for _k, (_t, a, b) in links for u in (a, b)}))
    title = f"{key} ({uid}): {format_time(t1)} -> {format_time(t2)}"
    _print_diff(title, d, links, refs, uid, _symmetric(schema))


def _print_diff(title: str, d: dict[str, Any], links: list[tuple[str, tuple[str, str, str]]],
                refs: dict[str, history.CIRef], uid: str,
                symmetric: frozenset[str]) -> None:  # fmt: skip
    if not d["attributes"] and not links:
        console.print(f"{title}: no differences")
        return
    console.print(title, highlight=False)
    table = Table("what", "before", "after")
    for attr, (before, after) in d["attributes"].items():
        table.add_row(attr, _short(before), _short(after))
    for kind, (rel, a, b) in links:
        other = ci_label(refs, b if a == uid else a, uid)
        label = link_label(rel, _direction(rel, "out" if a == uid else "in", symmetric), other)
        table.add_row(f"link {kind}", *(("", label) if kind == "opened" else (label, "")))
    console.print(table)


@app.command("set")
def ci_set(
    key: Annotated[str, typer.Argument(help="uid or name")],
    assignments: Annotated[list[str], typer.Argument(help="attr=value (attr= clears)")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    actor: Annotated[str, typer.Option(help="who")] = "cli",
    change_request: Annotated[str | None, typer.Option(help="change request id")] = None,
) -> None:
    """Set attributes by hand (the strongest source), with a reason."""
    values: dict[str, str | None] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"{item!r}: use attr=value")
        values[name.strip()] = value if value != "" else None
    with graph() as (config, schema, driver):
        uid = edit.find_uid(driver, key)
        changed = edit.set_attributes(
            driver, schema, config, uid, values, reason, actor, change_request
        )
    console.print(f"changed {', '.join(changed)}" if changed else "nothing changed")


@app.command("retire")
def ci_retire(
    key: Annotated[str, typer.Argument(help="uid or name")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    actor: Annotated[str, typer.Option(help="who")] = "cli",
) -> None:
    """Retire a CI (it stays, with its history)."""
    with graph() as (config, schema, driver):
        uid = edit.find_uid(driver, key)
        edit.set_attributes(driver, schema, config, uid, {"status": "retired"}, reason, actor)
    console.print(f"{uid} retired")
