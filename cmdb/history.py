"""History reads: a CI's changes, a CI or its neighbourhood as of a time, and diffs.

The read queries are named constants in cmdb/queries/history.py. An as-of read is one
index seek on (uid, _vfrom) over every state of the CI, current (:CI) and frozen
(:CIVersion), both labelled :State.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import neo4j

from cmdb.properties import native, native_props
from cmdb.queries.bookkeeping import public
from cmdb.queries.history import (
    AS_OF,
    CHANGED_IN_WINDOW,
    CHANGESETS,
    CURRENT,
    CURRENT_FULL,
    FIRST_STATE,
    LINK_EVENTS,
    LINKS_AS_OF,
    REFS,
    VERSIONS,
)
from cmdb.queryplan import Plan, Query, run_plan

EPOCH = datetime(1970, 1, 1).astimezone()


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # create | change | link_open | link_close
    attribute: str | None
    before: Any
    after: Any
    changeset: dict[str, Any] | None
    # the CI the event is about (the root feed tells of many; a link: its source) and the
    # event's place among those at one instant: events are ordered by (at, key), newest
    # first, and a page cursor is such a pair
    uid: str | None = None
    key: str = ""


@dataclass(frozen=True)
class CIRef:
    """Another CI as a person knows it: name, class, and the CI it is part of (if any)."""

    uid: str
    name: str | None
    class_name: str | None
    parent_uid: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """A CI as of a time: its state (None before it existed), its links then, and the
    CI itself and every other end of those links as `CIRef`s (names as of that time)."""

    state: dict[str, Any] | None
    links: list[dict[str, Any]]
    refs: dict[str, CIRef]


def states_as_of(tx: Any, uids: list[str], t: datetime | None) -> dict[str, dict[str, Any]]:
    """uid -> public state at `t` (now when None); CIs that did not exist then are left out."""
    if t is None:
        records = tx.run(CURRENT, uids=uids)
    else:
        records = tx.run(AS_OF, uids=uids, t=t)
    return {r["uid"]: public(r["state"]) for r in records}


def links_as_of(tx: Any, uids: list[str], t: datetime | None) -> list[dict[str, Any]]:
    return _links(tx.run(LINKS_AS_OF, uids=uids, t=t if t is not None else _far_future()))


def _states_plan(uids: list[str], t: datetime | None) -> Plan[dict[str, dict[str, Any]]]:
    """states_as_of as a query plan (the API runs it on the async driver)."""
    if t is None:
        rows = yield Query(CURRENT, {"uids": uids})
    else:
        rows = yield Query(AS_OF, {"uids": uids, "t": t})
    return {r["uid"]: public(r["state"]) for r in rows}


def _links_plan(uids: list[str], t: datetime | None) -> Plan[list[dict[str, Any]]]:
    rows = yield Query(LINKS_AS_OF, {"uids": uids, "t": t if t is not None else _far_future()})
    return _links(rows)


def _links(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "uid": r["uid"],
            "type": r["type"],
            "direction": "out" if r["outgoing"] else "in",
            "other": r["other"],
            **{k: native(v) for k, v in r["props"].items()},
        }
        for r in rows
    ]


def ci_refs(tx: Any, uids: list[str]) -> dict[str, CIRef]:
    """uid -> CIRef (current name), for every uid that is a CI; one query."""
    return {
        r["uid"]: CIRef(r["uid"], r["name"], r["class"], r["parent_uid"], r["parent"])
        for r in tx.run(REFS, uids=uids)
    }


def describe(driver: neo4j.Driver, uids: list[str]) -> dict[str, CIRef]:
    with driver.session() as session:
        refs: dict[str, CIRef] = session.execute_read(lambda tx: ci_refs(tx, uids))
    return refs


def created_at(driver: neo4j.Driver, uid: str) -> datetime | None:
    """The time from which as-of reads find the CI (its oldest state began)."""
    records, _, _ = driver.execute_query(
        FIRST_STATE, uid=uid, epoch=EPOCH, routing_=neo4j.RoutingControl.READ
    )
    return native(records[0]["at"]) if records else None


def snapshot(driver: neo4j.Driver, uid: str, t: datetime | None) -> Snapshot:
    """A CI, its links and their other ends as of `t` (now when None), in one read."""

    def read(tx: Any) -> Snapshot:
        state = states_as_of(tx, [uid], t).get(uid)
        links = links_as_of(tx, [uid], t)
        ends = sorted({link["other"] for link in links} | {uid})
        then = states_as_of(tx, ends, t)
        refs = {
            u: replace(ref, name=then.get(u, {}).get("name", ref.name))
            for u, ref in ci_refs(tx, ends).items()
        }
        return Snapshot(state, links, refs)

    with driver.session() as session:
        result: Snapshot = session.execute_read(read)
    return result


def _far_future() -> datetime:
    return datetime(9999, 1, 1).astimezone()


def as_of(driver: neo4j.Driver, uid: str, t: datetime | None) -> dict[str, Any] | None:
    with driver.session() as session:
        states = session.execute_read(lambda tx: states_as_of(tx, [uid], t))
    return states.get(uid)


def subgraph_as_of(
    driver: neo4j.Driver, uid: str, t: datetime | None, depth: int = 2, limit: int = 500
) -> dict[str, Any]:
    """A CI and its neighbourhood to `depth`, as it was at `t`: nodes and links.

    Walks level by level (one round trip per level), bounded by depth and node count.
    """
    if not 0 <= depth <= 6:
        raise ValueError("depth must be between 0 and 6")

    def read(tx: Any) -> dict[str, Any]:
        seen = {uid}
        frontier = [uid]
        links: dict[tuple[str, str, str], dict[str, Any]] = {}
        truncated = False
        for _level in range(depth):
            if not frontier:
                break
            next_frontier: list[str] = []
            for link in links_as_of(tx, frontier, t):
                a, b = (link["uid"], link["other"])
                if link["direction"] == "in":
                    a, b = b, a
                links[(link["type"], a, b)] = {"type": link["type"], "source": a, "target": b}
                if link["other"] not in seen:
                    if len(seen) >= limit:
                        truncated = True
                        continue
                    seen.add(link["other"])
                    next_frontier.append(link["other"])
            frontier = next_frontier
        nodes = states_as_of(tx, sorted(seen), t)
        kept = [
            link for link in links.values() if link["source"] in nodes and link["target"] in nodes
        ]
        return {"root": uid, "nodes": nodes, "links": kept, "truncated": truncated}

    with driver.session() as session:
        result: dict[str, Any] = session.execute_read(read)
    return result


def history(
    driver: neo4j.Driver, uid: str, attribute: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Event], int]:
    """A CI's events, newest first, paged; and the total count."""
    events = run_plan(driver, events_plan(uid, attribute))
    return events[offset : offset + limit], len(events)


def events_plan(uid: str, attribute: str | None = None) -> Plan[list[Event]]:
    """Every event of a CI (of one attribute's when given) with its change set, newest
    first: its creation, each attribute change, each link opened and closed."""
    found = yield from events_of_plan([uid], attribute)
    return found[uid]


def events_of_plan(uids: list[str], attribute: str | None = None) -> Plan[dict[str, list[Event]]]:
    """`events_plan` for many CIs in the same four queries, whatever their number: uid ->
    its events (none for a uid that is no CI)."""
    current = yield Query(CURRENT_FULL, {"uids": uids})
    found = sorted({r["uid"] for r in current})
    states: dict[str, list[dict[str, Any]]] = {uid: [] for uid in found}
    if found:
        for r in (yield Query(VERSIONS, {"uids": found, "epoch": EPOCH})):
            states[r["uid"]].append(native_props(r["state"]))
    for r in current:
        states[r["uid"]].append(native_props(r["state"]))
    raw: dict[str, list[RawEvent]] = {u: _state_events(s, attribute) for u, s in states.items()}
    if found and attribute is None:
        for r in (yield Query(LINK_EVENTS, {"uids": found})):
            raw[r["uid"]] += _link_events(r)
    ids = sorted({e[5] for events in raw.values() for e in events if e[5]})
    sets: dict[str, dict[str, Any]] = {}
    if ids:
        for r in (yield Query(CHANGESETS, {"ids": ids})):
            sets[r["cs"]["id"]] = native_props(r["cs"])
    out: dict[str, list[Event]] = {uid: [] for uid in uids}
    for uid, events in raw.items():
        events.sort(key=lambda e: (e[0], e[6]), reverse=True)
        out[uid] = [Event(e[0], e[1], e[2], e[3], e[4], sets.get(e[5] or ""), uid, e[6])
                    for e in events]  # fmt: skip
    return out


# an event as read: at, kind, attribute, before, after, change set id, key
RawEvent = tuple[datetime, str, str | None, Any, Any, str | None, str]


def _state_events(states: list[dict[str, Any]], attribute: str | None) -> list[RawEvent]:
    """The creation and attribute changes of one CI from its states, oldest first."""
    raw: list[RawEvent] = []
    first = states[0]
    if attribute is None:
        raw.append((first["first_seen"], "create", None, None, public(first), first["_cs"], "n|"))
    for old, new in itertools.pairwise(states):
        old_pub, new_pub = public(old), public(new)
        for attr in sorted(set(old_pub) | set(new_pub)):
            if attr in ("last_seen",) or (attribute and attr != attribute):
                continue
            if old_pub.get(attr) != new_pub.get(attr):
                cs = old.get("_cs_to")
                raw.append((old["_to"], "change", attr, old_pub.get(attr), new_pub.get(attr),
                            cs, f"c|{cs}\x00{attr}"))  # fmt: skip
    return raw


def _link_events(r: dict[str, Any]) -> list[RawEvent]:
    """A link's opening, and its closing once closed, seen from the CI of the row."""
    desc = {"type": r["type"], "direction": "out" if r["outgoing"] else "in",
            "other": r["other"], "other_name": r["other_name"],
            "evidence": r["evidence"]}  # fmt: skip
    raw: list[RawEvent] = [
        (native(r["since"]), "link_open", None, None, desc, r["cs_open"], f"o|{r['id']}")
    ]
    if r["until"] is not None:
        raw.append((native(r["until"]), "link_close", None, desc, None, r["cs_close"],
                    f"x|{r['id']}"))  # fmt: skip
    return raw


def diff_states(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """attribute -> [before, after] for what differs (last_seen is bookkeeping)."""
    before, after = before or {}, after or {}
    return {
        a: [before.get(a), after.get(a)]
        for a in sorted(set(before) | set(after))
        if a != "last_seen" and before.get(a) != after.get(a)
    }


def _link_set(links: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    out = set()
    for link in links:
        a, b = link["uid"], link["other"]
        if link["direction"] == "in":
            a, b = b, a
        out.add((link["type"], a, b))
    return out


def diff(driver: neo4j.Driver, uid: str, t1: datetime, t2: datetime) -> dict[str, Any]:
    """What changed on one CI between t1 and t2: attributes and links."""
    return run_plan(driver, diff_plan(uid, t1, t2))


def diff_plan(uid: str, t1: datetime, t2: datetime) -> Plan[dict[str, Any]]:
    s1 = (yield from _states_plan([uid], t1)).get(uid)
    s2 = (yield from _states_plan([uid], t2)).get(uid)
    l1 = _link_set((yield from _links_plan([uid], t1)))
    l2 = _link_set((yield from _links_plan([uid], t2)))
    return {
        "uid": uid,
        "attributes": diff_states(s1, s2),
        "links_opened": sorted(l2 - l1),
        "links_closed": sorted(l1 - l2),
    }


def diff_scope(
    driver: neo4j.Driver, t1: datetime, t2: datetime, class_name: str | None = None
) -> list[dict[str, Any]]:
    """Every CI (of a class, or all) whose state differs between t1 and t2."""
    return run_plan(driver, diff_scope_plan(t1, t2, class_name))


def diff_scope_plan(
    t1: datetime, t2: datetime, class_name: str | None = None, limit: int | None = None
) -> Plan[list[dict[str, Any]]]:
    """diff_scope as a plan; `limit`: at most that many CIs (the first by uid)."""
    rows = yield Query(CHANGED_IN_WINDOW, {"t1": t1, "t2": t2, "class": class_name})
    uids = sorted(r["uid"] for r in rows)
    out: list[dict[str, Any]] = []
    for start in range(0, len(uids), 1000):
        chunk = uids[start : start + 1000]
        before = yield from _states_plan(chunk, t1)
        after = yield from _states_plan(chunk, t2)
        for u in chunk:
            changes = diff_states(before.get(u), after.get(u))
            if changes:
                name = (after.get(u) or before.get(u) or {}).get("name")
                out.append({"uid": u, "name": name, "changes": changes})
                if limit is not None and len(out) >= limit:
                    return out
    return out
