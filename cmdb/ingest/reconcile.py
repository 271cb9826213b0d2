"""Reconciliation rules (pure): what a group of facts does to its CI.

A new CI is created, owned wholly by this source. A stored CI is updated attribute by
attribute by source precedence (a stronger source's value stays until that source has
been silent for the staleness period); a fact older than the stored value of its
attribute is late and not written; a report also refreshes bookkeeping (sighting, scope,
misses, claims, fingerprint). The rule book is docs/ingest.md#reconcile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cmdb.identity import usable_sets
from cmdb.ingest.claims import new_claims, owned
from cmdb.ingest.context import IngestContext
from cmdb.ingest.identify import Identified
from cmdb.ingest.reader import State
from cmdb.schema import CIClass, Schema
from cmdb.write import CIUpdate


@dataclass(frozen=True)
class Reconciled:
    """The decision on one CI: created (`create`: its properties), updated (`update`),
    touched (bookkeeping only) or left alone; and the state it has after this change set."""

    uid: str
    state: State
    create: dict[str, Any] | None = None
    update: CIUpdate | None = None
    touch: dict[str, Any] | None = None
    change: tuple[Any, ...] | None = None  # the diff entry
    late: int = 0  # facts not written: older than the stored value
    suppressed: int = 0  # values not written: a stronger source owns them


def default_name(schema: Schema, cls: CIClass, attrs: Mapping[str, Any]) -> str:
    """What people call a CI reported without a name: its host name, else its identity."""
    if attrs.get("hostname") and not schema.is_junk(attrs["hostname"]):
        return str(attrs["hostname"])
    first = usable_sets(schema, cls, attrs)[0]
    return " ".join(str(attrs[a]) for a in cls.identification[first])


# -- a new CI --------------------------------------------------------------------------
def create(ctx: IngestContext, ident: Identified) -> Reconciled:
    group, cs = ident.group, ctx.changeset
    attrs = {k: v for k, v in group.attrs.items() if v is not None}
    if not attrs.get("name"):
        attrs["name"] = default_name(ctx.schema, group.cls, attrs)
    props: dict[str, Any] = {
        **attrs,
        "uid": ident.uid,
        "_class": group.cls.name,
        "_idk": ident.idk,
        "status": group.status or "active",
        "_cs": ctx.cs_id,
        "_prov": _prov_text(tuple(attrs), ctx.source),
        "_seen": _seen_text(ctx.source, ctx.at),
        "_fp": ctx.one_source_json(group.fp),
        "_missed": 0,
    }
    if group.parent_uid:
        props["_parent"] = group.parent_uid
    if cs.scope:
        props["_scope"] = cs.scope
    if owned(ctx.schema, cs, group.cls.name, group.parent_uid):
        props["_claims"] = new_claims(cs)
    return Reconciled(
        ident.uid, props, create=props, change=("create", ident.uid, group.cls.name, attrs)
    )


@lru_cache(maxsize=1024)
def _prov_text(names: tuple[str, ...], source: str) -> str:
    """`_prov` of a new CI: this source owns every attribute (one text per shape)."""
    return json.dumps({a: source for a in names}, sort_keys=True)


@lru_cache(maxsize=256)
def _seen_text(source: str, at: datetime) -> str:
    """`_seen` of a new CI: this source, now."""
    return json.dumps({source: at.isoformat()})


# -- a stored CI -----------------------------------------------------------------------
@dataclass(frozen=True)
class UpdateInput:
    """A stored CI and what this change set wants of it, before the late check's read."""

    ident: Identified
    cur: State
    prov: dict[str, str]  # attribute -> the source that owns its value
    seen: dict[str, str]  # source -> when it last reported the CI
    wanted: dict[str, Any]
    late: frozenset[str]  # attributes known late from `_seen`
    unsure: tuple[str, ...]  # attributes that may be late: ask when they were set


def prepare_update(
    ctx: IngestContext, ident: Identified, cur: State, replaces: bool
) -> UpdateInput:
    prov: dict[str, str] = json.loads(cur.get("_prov") or "{}")
    seen: dict[str, str] = json.loads(cur.get("_seen") or "{}")
    wanted = wanted_values(ctx, ident, cur, prov, replaces)
    late, unsure = late_candidates(ctx.at, cur, prov, seen, wanted)
    return UpdateInput(ident, cur, prov, seen, wanted, frozenset(late), tuple(unsure))


def wanted_values(
    ctx: IngestContext, ident: Identified, cur: State, prov: Mapping[str, str], replaces: bool
) -> dict[str, Any]:
    """The values the facts ask for: their attributes; a status (an absent or retired CI
    reported again is active); and, when this report replaces another scope's
    (`replaces`), None for what this source alone said and this scope does not say."""
    group = ident.group
    wanted = dict(group.attrs)
    status = group.status
    if status is None and cur.get("status") in ("absent", "retired"):
        status = "active"  # it reappeared
    if status is not None:
        wanted["status"] = status
    if replaces:
        for attr, by in prov.items():
            if by == ctx.source and attr not in wanted and attr in group.cls.attributes:
                wanted[attr] = None
        if wanted.get("name") is None and prov.get("name") == ctx.source:
            wanted["name"] = default_name(ctx.schema, group.cls, group.attrs)
    return wanted


def late_candidates(
    observed: datetime,
    cur: State,
    prov: Mapping[str, str],
    seen: Mapping[str, str],
    wanted: Mapping[str, Any],
) -> tuple[set[str], list[str]]:
    """Of `wanted`, the attributes whose stored, different value is newer than a fact
    observed at `observed` because its owner source reported the CI after that (late),
    and those set maybe after that (unsure: `observed` is older than the CI's last
    change; the CI's versions tell). An attribute never set has no newer value."""
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
    return late, unsure


def prevails(ctx: IngestContext, attr: str, owner: str | None, seen: Mapping[str, str]) -> bool:
    """Source precedence: this source may set `attr` when it ranks at least as high as
    the value's owner, or the owner has been silent for the staleness period."""
    prec = ctx.schema.precedence
    if owner is None or prec.rank(attr, ctx.source) <= prec.rank(attr, owner):
        return True
    last = seen.get(owner)
    return last is None or ctx.at - datetime.fromisoformat(last) > prec.staleness


def update(
    ctx: IngestContext, prep: UpdateInput, newer: set[str], claims: str | None
) -> Reconciled:
    """Decide a stored CI: the values that prevail and changed, the owners they now have,
    and the bookkeeping. `newer`: unsure attributes set after the facts were observed."""
    ident, cur, source = prep.ident, prep.cur, ctx.source
    late = prep.late | newer
    prov = dict(prep.prov)
    changes: dict[str, Any] = {}
    suppressed = 0
    for attr, value in prep.wanted.items():
        if attr in late:
            continue
        owner = prov.get(attr)
        if not prevails(ctx, attr, owner, prep.seen):
            suppressed += cur.get(attr) != value
            continue
        if cur.get(attr) != value:
            changes[attr] = value
        if owner != source and (value is not None or cur.get(attr) is not None):
            prov[attr] = source
    touch, sighted = bookkeeping(ctx, ident, cur, prep.seen, fresh=not late, claims=claims)
    if prov != prep.prov:
        touch["_prov"] = json.dumps(prov, sort_keys=True)
    state = {**cur, **changes}
    if changes:
        before_after = {a: (cur.get(a), v) for a, v in changes.items()}
        return Reconciled(
            ident.uid,
            state,
            update=CIUpdate(ident.uid, {**changes, **touch}, sorted(changes), sighted),
            change=("update", ident.uid, ident.group.cls.name, before_after),
            late=len(late),
            suppressed=suppressed,
        )
    row = {"uid": ident.uid, "set": touch, "seen": sighted} if touch or sighted else None
    return Reconciled(ident.uid, state, touch=row, late=len(late), suppressed=suppressed)


def bookkeeping(
    ctx: IngestContext,
    ident: Identified,
    cur: State,
    seen: Mapping[str, str],
    fresh: bool,
    claims: str | None,
) -> tuple[dict[str, Any], bool]:
    """What a report of a stored CI refreshes besides its attributes (`_seen`, scope,
    missed runs, claims, this source's fingerprint), and whether it is a sighting.

    A report older than the CI's last sighting or change (or with late facts: `fresh`
    False) moves no scope, clears no miss, and is not what the source says now: its
    fingerprint, which lets the next identical report skip, is not kept."""
    source, at, fp = ctx.source, ctx.at, ident.group.fp
    touch: dict[str, Any] = {}
    last_source = seen.get(source)
    if last_source is None or at - datetime.fromisoformat(last_source) >= ctx.granularity:
        touch["_seen"] = json.dumps({**seen, source: at.isoformat()}, sort_keys=True)
    last_seen = cur.get("last_seen")
    sighted = last_seen is None or at - last_seen >= ctx.granularity
    late = at < cur["_vfrom"] or (last_seen is not None and at < last_seen)
    if ctx.scope and cur.get("_scope") != ctx.scope and not late:
        touch["_scope"] = ctx.scope
    if cur.get("_missed") and not late:
        touch["_missed"] = 0
    if claims is not None:
        touch["_claims"] = claims
    fps: dict[str, str] = json.loads(cur.get("_fp") or "{}")
    if fps.get(source) != fp and fresh and not late:
        touch["_fp"] = json.dumps({**fps, source: fp}, sort_keys=True)
    return touch, sighted


def replaces(
    ctx: IngestContext,
    ident: Identified,
    cur: State,
    retracting: Mapping[str, str],
    parent_of: Mapping[str, str | None],
) -> bool:
    """Whether this fact replaces another scope's report: a device taken over, or a part
    of one (a port, an address on a port) that the previous owner reported; of a class
    this change set certifies (what a timed-out table would have said is not known).
    `parent_of`: uid -> parent uid of the CIs this change set reports."""
    certified = ctx.changeset.certified_classes
    if certified is not None and ident.group.cls.name not in certified:
        return False
    if ident.uid in retracting:
        return True
    up = ident.group.parent_uid
    while up is not None and retracting:  # the parents reported with it, up to the device
        old = retracting.get(up)
        if old is not None:
            return cur.get("_scope") == old
        up = parent_of.get(up)
    return False
