"""Reconciliation, the second step of ingest (cmdb.ingest): a CI fact identified to a
stored CI updates it by source precedence (a stronger source's value stays until that
source has been silent for the staleness period); a new one is created, owned wholly by
this source. A fact older than the stored value of its attribute (set or confirmed after
the change set's observed_at) never overwrites it: it counts as late. Then coverage: the
CIs a scoped change set did not report count a missed run, and go absent after the
configured number. `write_time` says when the change set is written (never before a
change already stored on a CI it changes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cmdb.identity import usable_sets
from cmdb.ownership import new_claims, owned
from cmdb.schema import CIClass, Schema
from cmdb.write import CIUpdate, Tx

if TYPE_CHECKING:
    from cmdb.ingest import _Group, _Planner

# A CI seen after the change set's time was not missed by it (a late change set).
SCOPE_MISSED = (
    "MATCH (n:CI {_scope: $scope}) WHERE n.status = 'active' "
    "AND ($classes IS NULL OR n._class IN $classes) AND NOT n.uid IN $seen "
    "AND NOT n.last_seen > $at "
    "RETURN n.uid AS uid, coalesce(n._missed, 0) AS missed"
)

# Of these attributes of a CI, those set after $t: changed by a version that ended after
# $t (a version's `_changed` names what changed at its `_to`), or all of them when the CI
# was created after $t. Only asked for a change set older than the CI's last change.
SET_AFTER = """
MATCH (n:CI {uid: $uid})
OPTIONAL MATCH (v:State) WHERE v.uid = $uid AND v._vfrom >= $epoch AND v:CIVersion
  AND v._to > $t
WITH n, collect(v._changed) AS changed
RETURN CASE WHEN n.first_seen > $t THEN $attrs
       ELSE [a IN $attrs WHERE any(c IN changed WHERE a IN c)] END AS newer
"""

LATEST_CHANGE = "UNWIND $uids AS u MATCH (n:CI {uid: u}) RETURN max(n._vfrom) AS at"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def reconcile(p: _Planner) -> set[str]:
    seen: set[str] = set()
    for group in {id(g): g for g in p.group_of.values()}.values():
        assert group.uid is not None
        seen.add(group.uid)
        p.reported.add(group.uid)
        for fact in group.facts:
            p.result.uids[fact.key] = group.uid
        if group.unchanged:
            p.result.unchanged += 1
        elif group.idk is None:
            _update(p, group)
        else:
            _create(p, group)
    return seen


def default_name(schema: Schema, cls: CIClass, attrs: dict[str, Any]) -> str:
    """What people call a CI reported without a name: its host name, else its identity."""
    if attrs.get("hostname") and not schema.is_junk(attrs["hostname"]):
        return str(attrs["hostname"])
    first = usable_sets(schema, cls, attrs)[0]
    return " ".join(str(attrs[a]) for a in cls.identification[first])


def _create(p: _Planner, group: _Group) -> None:
    attrs = {k: v for k, v in group.attrs().items() if v is not None}
    cls = group.cls
    if not attrs.get("name"):
        attrs["name"] = default_name(p.schema, cls, attrs)
    props: dict[str, Any] = {
        **attrs,
        "uid": group.uid,
        "_class": cls.name,
        "_idk": group.idk,
        "status": group.status() or "active",
        "_cs": p.cs_id,
        "_prov": _new_prov(p, attrs),
        "_seen": _new_seen(p),
        "_fp": p.one_source_json(group.fp()),
        "_missed": 0,
    }
    if group.parent_uid:
        props["_parent"] = group.parent_uid
    if p.cs.scope:
        props["_scope"] = p.cs.scope
    if owned(p.schema, p.cs, cls.name, group.parent_uid):
        props["_claims"] = new_claims(p.cs)
    p.ws.create(cls, props)
    p.state[str(group.uid)] = props
    p.result.created += 1
    p.result.changes.append(("create", group.uid, cls.name, attrs))


def _new_prov(p: _Planner, attrs: dict[str, Any]) -> str:
    """`_prov` of a new CI: this source owns every attribute (one text per shape)."""
    names = tuple(attrs)
    text = p.texts.get(names)
    if text is None:
        text = json.dumps({a: p.cs.source for a in names}, sort_keys=True)
        p.texts[names] = text
    return text


def _new_seen(p: _Planner) -> str:
    """`_seen` of a new CI: this source, now."""
    key = ("_seen", p.at)
    text = p.texts.get(key)
    if text is None:
        text = p.texts[key] = json.dumps({p.cs.source: p.at.isoformat()})
    return text


def _update(p: _Planner, group: _Group) -> None:
    uid = str(group.uid)
    cur = p.state[uid]
    prov: dict[str, str] = json.loads(cur.get("_prov") or "{}")
    seen: dict[str, str] = json.loads(cur.get("_seen") or "{}")
    source = p.cs.source
    prec = p.schema.precedence
    changes: dict[str, Any] = {}
    prov_changed = False
    wanted = dict(group.attrs())
    status = group.status()
    if status is None and cur.get("status") in ("absent", "retired"):
        status = "active"  # it reappeared
    if status is not None:
        wanted["status"] = status
    if _replaces(p, group, cur):
        # taken over from another scope of this source: this report replaces that
        # scope's, so what this source alone said and this scope does not say goes
        for attr, by in prov.items():
            if by == source and attr not in wanted and attr in group.cls.attributes:
                wanted[attr] = None
        if wanted.get("name") is None and prov.get("name") == source:
            wanted["name"] = default_name(p.schema, group.cls, group.attrs())
    late = late_attributes(p.tx, uid, p.at, cur, prov, seen, wanted)
    p.result.late += len(late)
    for attr, value in wanted.items():
        if attr in late:
            continue
        owner = prov.get(attr)
        stronger = owner is None or prec.rank(attr, source) <= prec.rank(attr, owner)
        if not stronger and owner is not None:
            last = seen.get(owner)
            silent = last is None or p.at - datetime.fromisoformat(last) > prec.staleness
            if not silent:
                if cur.get(attr) != value:
                    p.result.suppressed += 1
                continue
        if cur.get(attr) != value:
            changes[attr] = value
        if owner != source and (value is not None or cur.get(attr) is not None):
            prov[attr] = source
            prov_changed = True
    touch, sighted = _bookkeeping(p, group, cur, seen, fresh=not late)
    if prov_changed:
        touch["_prov"] = json.dumps(prov, sort_keys=True)
    if changes:
        p.ws.updates.append(CIUpdate(uid, {**changes, **touch}, sorted(changes), sighted))
        p.result.updated += 1
        before_after = {a: (cur.get(a), v) for a, v in changes.items()}
        p.result.changes.append(("update", uid, group.cls.name, before_after))
    else:
        p.result.unchanged += 1
        if touch or sighted:
            p.ws.touches.append({"uid": uid, "set": touch, "seen": sighted})
    cur.update(changes)


def _bookkeeping(
    p: _Planner, group: _Group, cur: Mapping[str, Any], seen: dict[str, str], fresh: bool
) -> tuple[dict[str, Any], bool]:
    """What a report of a stored CI refreshes besides its attributes (`_seen`, scope,
    missed runs, claims, this source's fingerprint), and whether it is a sighting.

    A report older than the CI's last sighting or change (or with late facts: `fresh`
    False) moves no scope, clears no miss, and is not what the source says now: its
    fingerprint, which lets the next identical report skip, is not kept."""
    source = p.cs.source
    touch: dict[str, Any] = {}
    granularity = p.config.sighting_granularity
    last_source = seen.get(source)
    if last_source is None or p.at - datetime.fromisoformat(last_source) >= granularity:
        seen[source] = p.at.isoformat()
        touch["_seen"] = json.dumps(seen, sort_keys=True)
    last_seen = cur.get("last_seen")
    sighted = last_seen is None or p.at - last_seen >= granularity
    late = p.at < cur["_vfrom"] or (last_seen is not None and p.at < last_seen)
    if p.cs.scope and cur.get("_scope") != p.cs.scope and not late:
        touch["_scope"] = p.cs.scope
    if cur.get("_missed") and not late:
        touch["_missed"] = 0
    if group.claims is not None:
        touch["_claims"] = group.claims
    fps: dict[str, str] = json.loads(cur.get("_fp") or "{}")
    if fps.get(source) != group.fp() and fresh and not late:
        fps[source] = group.fp()
        touch["_fp"] = json.dumps(fps, sort_keys=True)
    return touch, sighted


def late_attributes(
    tx: Tx,
    uid: str,
    observed: datetime,
    cur: Mapping[str, Any],
    prov: Mapping[str, str],
    seen: Mapping[str, str],
    wanted: Mapping[str, Any],
) -> set[str]:
    """The attributes of `wanted` whose stored, different value is newer than a fact
    observed at `observed`: its owner source reported the CI after that (`_seen`), or it
    was set after that (read from the CI's versions, only when `observed` is older than
    the CI's last change). An attribute never set has no newer value."""
    late: set[str] = set()
    unsure: list[str] = []
    for attr, value in wanted.items():
        stored = cur.get(attr)
        if stored == value or (stored is None and attr not in prov):
            continue
        confirmed = seen.get(prov.get(attr, ""))
        if confirmed is not None and observed < datetime.fromisoformat(confirmed):
            late.add(attr)
        elif observed < cur["_vfrom"]:
            unsure.append(attr)
    if unsure:
        record = tx.run(SET_AFTER, uid=uid, attrs=unsure, t=observed, epoch=EPOCH).single()
        late.update(record["newer"] if record else ())
    return late


def write_time(
    tx: Tx, observed: datetime, updates: list[CIUpdate], state: Mapping[str, Mapping[str, Any]]
) -> datetime:
    """When a change set is written: at its observed_at, or, when a CI it changes changed
    after that (a late change set), at the latest such change. Versions are
    [_vfrom, _to): history is never inserted in the past."""
    latest = observed
    unread: list[str] = []
    for update in updates:
        vfrom = state.get(update.uid, {}).get("_vfrom")
        if vfrom is None:
            unread.append(update.uid)
        elif vfrom > latest:
            latest = vfrom
    if unread:
        record = tx.run(LATEST_CHANGE, uids=sorted(set(unread))).single()
        if record is not None and record["at"] is not None:
            latest = max(latest, record["at"].to_native())
    return latest


def _replaces(p: _Planner, group: _Group, cur: dict[str, Any]) -> bool:
    """Whether this fact replaces another scope's report: a device taken over, or a
    part of one (a port, an address on a port) that the previous owner reported
    (cmdb.ownership); of a class this change set certifies (what a timed-out table
    would have said is not known)."""
    certified = p.cs.certified_classes
    if certified is not None and group.cls.name not in certified:
        return False
    uid = str(group.uid)
    if uid in p.retracting:
        return True
    if not p.retracting:
        return False
    up = group.parent_uid
    while up is not None:  # the parents reported with it, up to the device
        old = p.retracting.get(up)
        if old is not None:
            return cur.get("_scope") == old
        up = p.parent_in_changeset(up)
    return False


def count_misses(p: _Planner, seen: set[str]) -> None:
    limit = p.config.lifecycle.absent_after_missed_runs
    classes = p.cs.certified_classes
    query = SCOPE_MISSED
    records = p.tx.run(query, scope=p.cs.scope, classes=classes, seen=sorted(seen), at=p.at)
    for record in records:
        uid = record["uid"]
        missed = int(record["missed"]) + 1
        if missed >= limit:
            p.ws.updates.append(CIUpdate(uid, {"status": "absent", "_missed": missed}, ["status"]))
            p.result.went_absent += 1
            p.result.changes.append(("absent", uid))
        else:
            p.ws.touches.append({"uid": uid, "set": {"_missed": missed}, "seen": False})
