"""Link planning for one change set: resolve endpoints, open, keep, close, or park.

A link whose endpoint is not a known CI yet becomes a (:PendingLink) under the key of
the missing endpoint, and is opened when a CI with that key appears. In a scoped change
set, the open links (and pending links) this source reported under the scope and does
not report now are closed (pending ones dropped): absence counts only inside coverage.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cmdb.batch import chunks
from cmdb.ingest_fp import fingerprint
from cmdb.resolve import any_pending, describe, pending_keys, ref_key, resolve_refs
from cmdb.schema import RelType
from cmdb.validate import Ref
from cmdb.write import NewLink

if TYPE_CHECKING:
    from cmdb.ingest import _Planner

End = Ref | str  # a reference still to resolve, or a uid


def link_state_query(rel: RelType) -> str:
    """Of the wanted links of one type, those missing (late: closed after $at), stale or
    reported under a new scope.

    Matching happens in the database, so a re-run that finds its links in place and fresh
    gets nothing back.
    """
    arrow = "-" if rel.symmetric else "->"
    return (
        "UNWIND $rows AS row MATCH (a:CI {uid: row.a}) "
        f"OPTIONAL MATCH (a)-[r:{rel.name}]{arrow}(:CI {{uid: row.b}}) WHERE r.until IS NULL "
        "WITH row, a, r WHERE r IS NULL OR r.last_seen < $stale "
        "OR ($scope IS NOT NULL AND r.scope <> $scope) "
        "RETURN row.i AS i, elementId(r) AS id, r.last_seen < $stale AS stale, "
        "($scope IS NOT NULL AND r.scope <> $scope) AS moved, "
        # a report older than the link's closing does not reopen it (a late sighting)
        f"r IS NULL AND EXISTS {{ (a)-[c:{rel.name}]{arrow}(:CI {{uid: row.b}}) "
        "WHERE c.until > $at } AS late"
    )


def close_query(rels: list[RelType]) -> str:
    """Open links this source reported under the scope, as one list of [id, type, a uid,
    b uid] (a -> b as stored); not those reported after $at (by a newer change set).

    Which of them are still reported is decided in Python: sending every reported pair
    as a parameter cost more than the look-up itself, and a first load has none to get.
    """
    if not rels:
        return "RETURN [] AS links"
    parts = [
        f"MATCH (a)-[r:{rel.name} {{scope: $scope}}]->(b) WHERE r.until IS NULL "
        "AND r.source = $source AND NOT r.last_seen > $at "
        f"RETURN elementId(r) AS id, '{rel.name}' AS t, a.uid AS a, b.uid AS b"
        for rel in rels
    ]
    return "CALL () { " + " UNION ALL ".join(parts) + " } RETURN collect([id, t, a, b]) AS links"


SCOPED_PENDING = (
    "MATCH (p:PendingLink {scope: $scope}) WHERE p.source = $source "
    "RETURN elementId(p) AS id, p.key AS key, p.type AS type, p.known_uid AS known"
)
PENDING_BY_KEY = (
    "UNWIND $keys AS k MATCH (p:PendingLink {key: k}) "
    "RETURN elementId(p) AS id, p.key AS key, p.type AS type, p.known_uid AS known, "
    "p.known_end AS known_end, p.evidence AS evidence, p.source AS source, p.scope AS scope"
)


Wanted = dict[tuple[str, str, str], tuple[RelType, str]]  # (type, a uid, b uid) -> ...


def plan_links(p: _Planner) -> Wanted:
    """Plan the change set's links; returns the links it reports, as (type, a, b) with
    a symmetric type's pair in uid order."""
    specs: list[tuple[RelType, End, End, str]] = [
        (link.rel, link.source, link.target, link.evidence) for link in p.kept_links()
    ]
    for group in {id(g): g for g in p.group_of.values()}.values():
        if group.cls.scoped_by and group.parent_uid and group.uid:
            rel_name, direction = p.schema.scope_parents[group.cls.name]
            rel = p.schema.relationships[rel_name]
            if direction == "in":
                specs.append((rel, group.parent_uid, group.uid, "scope"))
            else:
                specs.append((rel, group.uid, group.parent_uid, "scope"))

    refs = [end for spec in specs for end in spec[1:3] if isinstance(end, Ref)]
    resolved = dict(zip(map(id, refs), resolve_refs(p, refs), strict=True))

    def uid_of(end: End) -> str | None:
        return end if isinstance(end, str) else resolved[id(end)]

    wanted: Wanted = {}
    pending: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rel, source, target, evidence in specs:
        a, b = uid_of(source), uid_of(target)
        if a is not None and b is not None:
            if rel.symmetric and b < a:
                a, b = b, a
            wanted.setdefault((rel.name, a, b), (rel, evidence))
        elif a is not None or b is not None:
            missing = target if b is None else source
            assert isinstance(missing, Ref)
            key = ref_key(p, missing)
            known = a if a is not None else b
            assert known is not None
            if key is not None:
                pending.setdefault((key, rel.name, known), {
                    "key": key, "type": rel.name, "known_uid": known,
                    "known_end": "source" if a is not None else "target",
                    "evidence": evidence, "spec": describe(missing),
                })  # fmt: skip
    _resolve_waiting(p, wanted)
    _open_or_keep(p, wanted, _links_unchanged(p, wanted))
    if p.cs.scope:
        certified = p.cs.certified_links
        rels = [
            r for r in p.schema.relationships.values() if certified is None or r.name in certified
        ]
        record = p.tx.run(close_query(rels), scope=p.cs.scope, source=p.cs.source,
                          at=p.at).single()  # fmt: skip
        scoped = record["links"] if record else []
        # a link stays open when reported again: same type, same direction (a symmetric
        # type's pair is kept in uid order in `wanted`, whichever way it is stored)
        symmetric = {r.name for r in rels if r.symmetric}
        for element_id, rel_name, a, b in scoped:
            if rel_name in symmetric and b < a:
                a, b = b, a
            if (rel_name, a, b) not in wanted:
                p.ws.link_closes.append(element_id)
                p.result.links_closed += 1
    _park(p, pending)
    return wanted


def _owner(p: _Planner, a: str, b: str) -> str:
    """The endpoint a link is accounted to: its source, unless only the target is ours."""
    return b if a not in p.reported and b in p.reported else a


def _links_unchanged(
    p: _Planner, wanted: dict[tuple[str, str, str], tuple[RelType, str]]
) -> set[str]:
    """CIs whose reported links are exactly what this source reported last time.

    Each CI keeps, per source, a fingerprint of the links accounted to it (`_lfp`). An
    unchanged CI with an unchanged link fingerprint needs no link look-ups at all.
    """
    by_owner: dict[str, list[tuple[str, str, str, str]]] = {}
    reported = p.reported
    for (rel_name, a, b), (_rel, evidence) in wanted.items():
        owner = b if a not in reported and b in reported else a  # as _owner
        by_owner.setdefault(owner, []).append((rel_name, a, b, evidence))
    known: set[str] = set()
    for group in {id(g): g for g in p.group_of.values()}.values():
        uid = str(group.uid)
        if p.late_sighting(uid):
            continue  # an older report is not what the source says now
        lfp = fingerprint(sorted(by_owner.get(uid, [])))
        if group.unchanged:
            stored_text = (p.summary.get(uid) or {}).get("lfp")
        else:
            stored_text = p.state.get(uid, {}).get("_lfp")
        if stored_text and stored_text == p.one_source_json(lfp):  # same, without parsing
            if group.unchanged:
                known.add(uid)
            continue
        if stored_text:
            stored: dict[str, str] = json.loads(stored_text)
            if stored.get(p.cs.source) == lfp:
                if group.unchanged:
                    known.add(uid)
                continue
            stored[p.cs.source] = lfp
            text = json.dumps(stored, sort_keys=True)
        else:  # a new CI, or no links recorded yet
            text = p.one_source_json(lfp)
        if group.idk is not None:  # created now: its props are the row to create
            p.state[uid]["_lfp"] = text
        else:
            p.ws.touches.append({"uid": uid, "set": {"_lfp": text}, "seen": False})
    return known


def _open_or_keep(
    p: _Planner, wanted: dict[tuple[str, str, str], tuple[RelType, str]], known: set[str]
) -> None:
    created = p.new_uids
    keys = list(wanted)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for i, (rel_name, a, b) in enumerate(keys):
        if a in created or b in created:
            continue  # a new CI has no links yet
        if known and _owner(p, a, b) in known:
            continue  # this CI reports the same links as last time, and they are fresh
        by_type.setdefault(rel_name, []).append({"i": i, "a": a, "b": b})
    missing: set[int] = set()
    stale = p.at - p.config.sighting_granularity
    for rel_name, rows in by_type.items():
        query = link_state_query(p.schema.relationships[rel_name])
        for chunk in chunks(rows, p.config.batch_size):
            for r in p.tx.run(query, rows=list(chunk), stale=stale, scope=p.cs.scope, at=p.at):
                if r["id"] is None:
                    if r["late"]:  # closed after this change set's time: not reopened
                        p.result.late += 1
                    else:
                        missing.add(r["i"])
                    continue
                touch: dict[str, Any] = {}
                if r["moved"]:
                    touch = {"scope": p.cs.scope, "source": p.cs.source}
                p.ws.link_touches.append({"id": r["id"], "set": touch, "seen": bool(r["stale"])})
    props_of: dict[str, dict[str, Any]] = {}  # evidence -> the properties of a new link
    for i, key in enumerate(keys):
        rel_name, a, b = key
        if a in created or b in created or i in missing:
            evidence = wanted[key][1]
            props = props_of.get(evidence)
            if props is None:
                props = {"source": p.cs.source, "evidence": evidence, "cs_open": p.cs_id}
                if p.cs.scope:
                    props["scope"] = p.cs.scope
                props_of[evidence] = props
            p.ws.link_creates.append(NewLink(rel_name, a, b, props))
            p.result.links_opened += 1
            p.result.changes.append(("link", rel_name, a, b))


def _resolve_waiting(p: _Planner, wanted: dict[tuple[str, str, str], tuple[RelType, str]]) -> None:
    """Open pending links that were waiting for a CI this change set creates.

    A link opens under the source and scope that reported it (a leaf's FDB placing a new
    server), not this change set's: otherwise this scope's next run, which does not report
    it, would close it, and the reporting scope's next run would open it again.
    """
    if not p.ws.creates or not any_pending(p):
        return
    new_keys: dict[str, str] = {}
    for cls, rows in p.ws.creates.values():
        for props in rows:
            for key in pending_keys(p, props["uid"], cls, props):
                # several new CIs under one key (interfaces sharing a MAC): the lowest
                # uid, as a look-up of that key would choose (cmdb.identity)
                new_keys[key] = min(props["uid"], new_keys.get(key, props["uid"]))
    if not new_keys:
        return
    opened: set[tuple[str, str, str]] = set()
    for chunk in chunks(list(new_keys), p.config.batch_size):
        for record in p.tx.run(PENDING_BY_KEY, keys=list(chunk)):
            rel = p.schema.relationships.get(record["type"])
            if rel is None:
                continue
            new_uid = new_keys[record["key"]]
            a, b = (record["known"], new_uid)
            if record["known_end"] == "target":
                a, b = b, a
            if rel.symmetric and b < a:
                a, b = b, a
            p.ws.pending_deletes.append(record["id"])
            p.result.pending -= 1
            if (rel.name, a, b) in wanted or (rel.name, a, b) in opened:
                continue  # this change set reports the link itself, or it is open already
            opened.add((rel.name, a, b))
            link_props: dict[str, Any] = {
                "source": record["source"], "evidence": record["evidence"], "cs_open": p.cs_id,
            }  # fmt: skip
            if record["scope"] is not None:
                link_props["scope"] = record["scope"]
            p.ws.link_creates.append(NewLink(rel.name, a, b, link_props))
            p.result.links_opened += 1
            p.result.changes.append(("link", rel.name, a, b))


def _park(p: _Planner, pending: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    existing: dict[tuple[str, str, str], str] = {}
    if not pending and not any_pending(p):
        return
    if p.cs.scope:
        for record in p.tx.run(SCOPED_PENDING, scope=p.cs.scope, source=p.cs.source):
            existing[(record["key"], record["type"], record["known"])] = record["id"]
        for ident, element_id in existing.items():
            if ident not in pending and element_id not in p.ws.pending_deletes:
                p.ws.pending_deletes.append(element_id)
    else:
        keys = sorted({k[0] for k in pending})
        if keys:
            for record in p.tx.run(PENDING_BY_KEY, keys=keys):
                existing[(record["key"], record["type"], record["known"])] = record["id"]
    for ident, row in pending.items():
        if ident in existing:
            continue
        p.ws.pending_creates.append({
            **row, "source": p.cs.source, "scope": p.cs.scope,
            "cs": p.cs_id, "spec": json.dumps(row["spec"]),
        })  # fmt: skip
        p.result.pending += 1
