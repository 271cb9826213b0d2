"""The change log of the whole graph: every CI's events in a time window, newest first,
paged by cursor, filtered by the change sets' source, actor and change request.

The same `Event` as a CI's history (cmdb/history.py), with the CI it is about. Events are
ordered by (at, key) newest first; a page starts after a cursor (the last event's pair),
so a page stays where it was when new changes arrive (they come before it). Each read
(changes, creations, each relationship type's links) stops at the page size: a window of
a million changes costs one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cmdb.history import EPOCH, Event, diff_states
from cmdb.properties import native, native_props
from cmdb.queries.bookkeeping import public
from cmdb.queries.changelog import CHANGED_IN_WINDOW, CREATED_IN_WINDOW, links_in_window_query
from cmdb.queries.history import CHANGESETS
from cmdb.queryplan import Plan, Query, Rows
from cmdb.schema import Schema


@dataclass(frozen=True)
class Window:
    """Which events: at in [since, until), of change sets with this source, actor and
    change request (None: any)."""

    since: datetime
    until: datetime
    source: str | None = None
    actor: str | None = None
    change_request: str | None = None


@dataclass(frozen=True)
class Page:
    events: list[Event]
    has_next: bool


def changelog_plan(
    schema: Schema, window: Window, first: int, after: tuple[datetime, str] | None = None
) -> Plan[Page]:
    """`first` events of the window after the cursor `after` ((at, key) of the last event
    of the previous page), newest first."""
    cat, ckey = after if after is not None else (window.until, "\uffff")
    params: dict[str, Any] = {
        "since": window.since, "until": window.until, "source": window.source,
        "actor": window.actor, "cr": window.change_request, "epoch": EPOCH,
        "cat": cat, "ckey": ckey.split("\x00")[0], "limit": first + 1,
    }  # fmt: skip
    changed = yield Query(CHANGED_IN_WINDOW, params)
    created = yield Query(CREATED_IN_WINDOW, params)
    links: Rows = []
    for rel in schema.relationships.values():
        links += yield Query(links_in_window_query(rel), params)
    raw = [*_changes(changed), *_creations(created), *_links(links)]
    raw = [e for e in raw if after is None or (e[0], e[5]) < (cat, ckey)]
    raw.sort(key=lambda e: (e[0], e[5]), reverse=True)
    page = raw[:first]
    ids = sorted({e[4] for e in page if e[4]})
    sets = yield Query(CHANGESETS, {"ids": ids})
    by_id = {r["cs"]["id"]: native_props(r["cs"]) for r in sets}
    events = [
        Event(at, kind, attr, before, after_, by_id.get(cs or ""), uid, key)
        for at, kind, attr, (before, after_), cs, key, uid in page
    ]
    return Page(events, len(raw) > first)


# a raw event: at, kind, attribute, (before, after), change set id, key, CI uid
Raw = tuple[datetime, str, str | None, tuple[Any, Any], str | None, str, str]


def _changes(rows: Rows) -> list[Raw]:
    out: list[Raw] = []
    for r in rows:
        at = native(r["at"])
        before, after = public(r["before"]), public(r["after"] or {})
        for attr, (old, new) in diff_states(before, after).items():
            out.append((at, "change", attr, (old, new), r["cs"], f"{r['key']}\x00{attr}", r["uid"]))
    return out


def _creations(rows: Rows) -> list[Raw]:
    return [
        (native(r["at"]), "create", None, (None, public(r["after"])), r["cs"], r["key"], r["uid"])
        for r in rows
    ]


def _links(rows: Rows) -> list[Raw]:
    out: list[Raw] = []
    for r in rows:
        desc = {"type": r["type"], "direction": "out", "other": r["b"], "other_name": r["b_name"],
                "source_name": r["a_name"], "evidence": r["evidence"]}  # fmt: skip
        pair = (None, desc) if r["kind"] == "link_open" else (desc, None)
        out.append((native(r["at"]), r["kind"], None, pair, r["cs"], r["key"], r["a"]))
    return out
