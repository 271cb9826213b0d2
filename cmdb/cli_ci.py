"""`cmdb ci show|history|diff|set|retire`: one configuration item, now or at any time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from cmdb import edit, history
from cmdb.cli_base import console, graph
from cmdb.errors import CMDBError

app = typer.Typer(help="Configuration items: show, history, diff, edit.", no_args_is_help=True)


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO time (2026-01-31T12:00:00Z)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _show_state(title: str, state: dict[str, Any]) -> None:
    table = Table(title=title, show_header=False)
    for key in sorted(state):
        table.add_row(key, str(state[key]))
    console.print(table)


@app.command("show")
def ci_show(
    key: Annotated[str, typer.Argument(help="uid or name")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO time")] = None,
) -> None:
    """A CI and its relationships, now or as of a time."""
    t = _time(as_of)
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        with driver.session() as session:
            state = session.execute_read(lambda tx: history.states_as_of(tx, [uid], t)).get(uid)
            links = session.execute_read(lambda tx: history.links_as_of(tx, [uid], t))
            others = session.execute_read(
                lambda tx: history.states_as_of(tx, sorted({lk["other"] for lk in links}), t)
            )
    if state is None:
        raise CMDBError(f"CI {uid} did not exist at {as_of}")
    _show_state(f"{state.get('name')} ({uid})" + (f" as of {t.isoformat()}" if t else ""), state)
    table = Table("relationship", "direction", "other", "since", "evidence")
    for lk in sorted(links, key=lambda x: (x["type"], x["other"])):
        other = others.get(lk["other"], {}).get("name", lk["other"])
        table.add_row(
            lk["type"], lk["direction"], str(other), str(lk.get("since")), str(lk.get("evidence"))
        )
    console.print(table)


@app.command("history")
def ci_history(
    key: Annotated[str, typer.Argument(help="uid or name")],
    attribute: Annotated[str | None, typer.Option(help="only this attribute")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    size: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """A CI's changes, newest first: who, when, why, before and after."""
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        events, total = history.history(driver, uid, attribute, (page - 1) * size, size)
    table = Table(
        "at", "what", "before", "after", "source", "actor", "why", title=f"history of {uid}"
    )
    for e in events:
        cs = e.changeset or {}
        what = e.attribute or e.kind
        why = cs.get("reason") or cs.get("discovery_run") or cs.get("change_request") or ""
        table.add_row(str(e.at), what, _short(e.before), _short(e.after), str(cs.get("source", "")),
                      str(cs.get("actor", "")), str(why))  # fmt: skip
    console.print(table)
    console.print(f"page {page} of {max(1, -(-total // size))} ({total} events)")


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) < 60 else text[:57] + "..."


@app.command("diff")
def ci_diff(
    key: Annotated[str, typer.Argument(help="uid or name")],
    t_from: Annotated[str, typer.Option("--from", help="ISO time")],
    t_to: Annotated[str, typer.Option("--to", help="ISO time")],
) -> None:
    """What changed on a CI between two times."""
    t1, t2 = _time(t_from), _time(t_to)
    assert t1 is not None and t2 is not None
    with graph() as (_c, _s, driver):
        uid = edit.find_uid(driver, key)
        d = history.diff(driver, uid, t1, t2)
    table = Table("attribute", "before", "after", title=f"{uid}: {t1} -> {t2}")
    for attr, (before, after) in d["attributes"].items():
        table.add_row(attr, _short(before), _short(after))
    console.print(table)
    for kind in ("links_opened", "links_closed"):
        for link in d[kind]:
            console.print(f"{kind}: {link[0]} {link[1]} -> {link[2]}")


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
