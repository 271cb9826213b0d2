"""The ingest pipeline: validate -> resolve -> identify -> reconcile -> claims -> links
-> coverage -> write. Each stage decides on values; the pipeline reads what they need
through the GraphReader beforehand and assembles their decisions into one WriteSet, the
IngestResult and the change set's record, which cmdb.write writes in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cmdb.config import Config
from cmdb.ingest import coverage
from cmdb.ingest import links as link_rules
from cmdb.ingest import reconcile as reconcile_rules
from cmdb.ingest.claims import DuplicateIdentity, Held, Retraction, retract
from cmdb.ingest.context import IngestContext
from cmdb.ingest.identify_stage import Identification, identify_all, refused_by
from cmdb.ingest.links import LinkFingerprints, LinkPlan, Wanted
from cmdb.ingest.reader import GraphReader, State
from cmdb.ingest.reconcile import Reconciled
from cmdb.ingest.resolve import parent_of_state, pending_keys, resolve_refs
from cmdb.ingest.result import IngestResult
from cmdb.schema import Schema
from cmdb.validate import Link, Validated
from cmdb.write import ChangeSetRecord, CIUpdate, WriteSet


@dataclass(frozen=True)
class Plan:
    """What one change set writes, what the ingest reports, and the change set's record."""

    writes: WriteSet
    result: IngestResult
    record: ChangeSetRecord


@dataclass
class _Links:
    wanted: Wanted
    plan: LinkPlan
    fingerprints: LinkFingerprints
    left_out: dict[str, int]  # refused device uid -> links left out with it


def plan(reader: GraphReader, schema: Schema, config: Config, validated: Validated) -> Plan:
    ctx = IngestContext(
        schema, config, validated.changeset, validated.observed_at, uuid.uuid4().hex
    )
    found = identify_all(reader, ctx, validated.facts, validated.links)
    decisions = _reconcile(reader, ctx, found)
    links = _links(reader, ctx, validated.links, found, decisions)
    seen = {i.uid for i in found.idents()}
    taken = _take_over(reader, ctx, found, links, seen)
    closes, missed = _coverage(
        reader, ctx, links.wanted, taken.closes, seen | set(found.refused.values())
    )
    return _assemble(reader, ctx, found, decisions, links, taken, closes, missed)


def _reconcile(reader: GraphReader, ctx: IngestContext, found: Identification) -> list[Reconciled]:
    idents = found.idents()
    parent_of = {i.uid: i.group.parent_uid for i in idents}
    retracting = {u: o.retract for u, o in found.outcomes.items() if o.retract is not None}
    decisions = []
    for ident in idents:
        if ident.uid in found.unchanged:
            continue
        if ident.new:
            decisions.append(reconcile_rules.create(ctx, ident))
            continue
        cur = found.states[ident.uid]
        replaces = reconcile_rules.replaces(ctx, ident, cur, retracting, parent_of)
        prep = reconcile_rules.prepare_update(ctx, ident, cur, replaces)
        newer = (
            reader.attributes_set_after(ident.uid, prep.unsure, ctx.at) if prep.unsure else set()
        )
        outcome = found.outcomes.get(ident.uid)
        claims = outcome.claims if outcome is not None else None
        decisions.append(reconcile_rules.update(ctx, prep, newer, claims))
    return decisions


def _kept_links(links: Sequence[Link], found: Identification) -> tuple[list[Link], dict[str, int]]:
    """The change set's links, less those touching a fact left out (counted per device)."""
    if not found.refused:
        return list(links), {}
    kept: list[Link] = []
    left_out: dict[str, int] = {}
    for link in links:
        device = refused_by(link.source, found.refused) or refused_by(link.target, found.refused)
        if device is None:
            kept.append(link)
        else:
            left_out[device] = left_out.get(device, 0) + 1
    return kept, left_out


def _links(
    reader: GraphReader,
    ctx: IngestContext,
    links: Sequence[Link],
    found: Identification,
    decisions: Sequence[Reconciled],
) -> _Links:
    idents = found.idents()
    kept, left_out = _kept_links(links, found)
    specs = link_rules.link_specs(ctx, kept, idents)
    local = found.local_uids()
    refs = [end for spec in specs for end in (spec.source, spec.target) if not isinstance(end, str)]
    found.resolved.update(resolve_refs(reader, ctx.schema, refs, local, found.resolved))
    wanted, pending = link_rules.wanted_links(ctx, specs, local, found.resolved)
    plan = LinkPlan()
    created = [d.create for d in decisions if d.create is not None]
    any_pending: bool | None = None
    if created:
        any_pending = reader.any_pending()
        if any_pending:
            new_keys = _new_keys(reader, ctx, found, decisions, created)
            if new_keys:
                waiting = reader.pending_by_keys(list(new_keys))
                link_rules.open_waiting(ctx, waiting, new_keys, wanted, plan)
    fingerprints = link_rules.link_fingerprints(
        ctx, wanted, idents, found.unchanged, found.summaries
    )
    new_uids = {i.uid for i in idents if i.new}
    reported = {i.uid for i in idents}
    to_check = link_rules.rows_to_check(wanted, new_uids, fingerprints.known, reported)
    stale = ctx.at - ctx.granularity
    states = [
        s
        for rel_name, rows in to_check.items()
        for s in reader.link_states(
            ctx.schema.relationships[rel_name], rows, stale, ctx.scope, ctx.at
        )
    ]
    link_rules.open_or_keep(ctx, wanted, new_uids, states, plan)
    if pending or (any_pending if any_pending is not None else reader.any_pending()):
        if ctx.scope:
            existing = reader.scoped_pending(ctx.scope, ctx.source)
        else:
            keys = sorted({k[0] for k in pending})
            existing = reader.pending_by_keys(keys) if keys else []
        link_rules.park(ctx, pending, existing, plan)
    return _Links(wanted, plan, fingerprints, left_out)


def _new_keys(
    reader: GraphReader,
    ctx: IngestContext,
    found: Identification,
    decisions: Sequence[Reconciled],
    created: Sequence[dict[str, Any]],
) -> dict[str, str]:
    """Every key a pending link could wait under for a CI created now -> its uid (several
    under one key, interfaces sharing a MAC: the lowest uid, as a look-up would choose)."""
    states: dict[str, State] = {**found.states, **{d.uid: d.state for d in decisions}}
    todo = [(ctx.schema.classes[props["_class"]], props) for props in created]
    frontier: list[State] = [props for _cls, props in todo]
    while frontier:  # read the ancestors the keys are built on, a level at a time
        parents = {parent_of_state(ctx.schema.classes[s["_class"]], s) for s in frontier}
        missing = sorted(p for p in parents if p is not None and p not in states)
        read = reader.states(missing) if missing else {}
        states.update(read)
        frontier = list(read.values())
    memo: dict[str, list[str]] = {}
    new_keys: dict[str, str] = {}
    for cls, props in todo:
        for key in pending_keys(ctx.schema, cls, props, states, memo):
            new_keys[key] = min(props["uid"], new_keys.get(key, props["uid"]))
    return new_keys


def _take_over(
    reader: GraphReader, ctx: IngestContext, found: Identification, links: _Links, seen: set[str]
) -> Retraction:
    """Retract what the previous owners held on the devices this change set took over."""
    held: dict[str, Held] = {}
    for uid, outcome in sorted(found.outcomes.items()):
        old = outcome.retract
        if old is None:
            continue
        parts = reader.device_parts(uid)
        uids = [uid, *sorted(p.uid for p in parts)]
        held[uid] = Held(
            old,
            parts,
            reader.scoped_links_on(uids, old, ctx.source),
            reader.scoped_pending_on(uids, old, ctx.source),
        )
    if not held:
        return Retraction()
    withdrawn = {u for u, o in found.outcomes.items() if o.withdrawn is not None}
    return retract(ctx, held, withdrawn, set(links.wanted), seen, set(links.plan.pending_deletes))


def _coverage(
    reader: GraphReader, ctx: IngestContext, wanted: Wanted, closing: Sequence[str], seen: set[str]
) -> tuple[list[str], coverage.Misses]:
    """A scoped change set's coverage: the scope's links it no longer reports close, the
    scope's CIs it did not report (nor refused: seen, not missed) count a miss."""
    if not ctx.scope:
        return [], coverage.Misses()
    open_links = reader.scoped_open_links(
        coverage.certified_rels(ctx), ctx.scope, ctx.source, ctx.at
    )
    closes = coverage.unreported_links(ctx, open_links, wanted, set(closing))
    classes = ctx.changeset.certified_classes
    candidates = reader.missed(ctx.scope, classes, sorted(seen), ctx.at)
    return closes, coverage.misses(ctx, candidates)


def write_time(
    reader: GraphReader, at: datetime, updates: Sequence[CIUpdate], states: dict[str, State]
) -> datetime:
    """When a change set is written: at its observed_at, or, when a CI it changes changed
    after that (a late change set), at the latest such change. Versions are
    [_vfrom, _to): history is never inserted in the past."""
    latest = at
    unread: set[str] = set()
    for update in updates:
        vfrom = states.get(update.uid, {}).get("_vfrom")
        if vfrom is None:
            unread.add(update.uid)
        elif vfrom > latest:
            latest = vfrom
    stored = reader.latest_change(sorted(unread)) if unread else None
    return max(latest, stored) if stored is not None else latest


def _assemble(
    reader: GraphReader,
    ctx: IngestContext,
    found: Identification,
    decisions: Sequence[Reconciled],
    links: _Links,
    taken: Retraction,
    closes: Sequence[str],
    missed: coverage.Misses,
) -> Plan:
    """The stages' decisions as one WriteSet, the result and the change set's record."""
    ws = WriteSet(conflicts=list(found.conflicts))
    result = IngestResult(
        changeset_id=ctx.cs_id, conflicts=len(found.conflicts), unchanged=len(found.unchanged)
    )
    _apply(ctx, decisions, links.fingerprints.created, ws, result)
    for ident in found.idents():
        for fact in ident.group.facts:
            result.uids[fact.key] = ident.uid
    plan = links.plan
    ws.touches.extend(links.fingerprints.touches)
    ws.link_creates, ws.link_touches = plan.creates, plan.touches
    ws.pending_creates = plan.pending_creates
    ws.pending_deletes = [*plan.pending_deletes, *taken.pending_deletes]
    ws.link_closes = [*taken.closes, *closes, *plan.closes]
    ws.updates.extend([*taken.updates, *missed.updates])
    ws.touches.extend(missed.touches)
    result.links_opened, result.links_closed = len(plan.creates), len(ws.link_closes)
    result.pending, result.late = plan.pending, result.late + plan.late
    result.went_absent = taken.went_absent + len(missed.absent)
    result.changes.extend(plan.changes)
    result.changes.extend(("absent", uid) for uid in [*taken.absent, *missed.absent])
    result.duplicates = [_counted(d, found, links, taken) for d in found.duplicates]
    states = {**found.states, **{d.uid: d.state for d in decisions}}
    record = ChangeSetRecord(
        source=ctx.source,
        actor=ctx.changeset.actor,
        at=write_time(reader, ctx.at, ws.updates, states),
        observed_at=ctx.at,
        reason=ctx.changeset.reason,
        discovery_run=ctx.run,
        change_request=ctx.changeset.change_request,
        scope=ctx.scope,
        id=ctx.cs_id,
        recorded_at=datetime.now(UTC),
    )
    return Plan(ws, result, record)


def _counted(
    duplicate: DuplicateIdentity, found: Identification, links: _Links, taken: Retraction
) -> DuplicateIdentity:
    """A duplicate with what was left out with it (refused) or withdrawn from it."""
    uid = duplicate.uid
    if duplicate.withdrawn:
        return replace(
            duplicate, parts=taken.parts_of.get(uid, 0), links=taken.links_of.get(uid, 0)
        )
    return replace(duplicate, parts=found.refused_parts[uid], links=links.left_out.get(uid, 0))


def _apply(ctx: IngestContext, decisions: Sequence[Reconciled], lfp_of: dict[str, str],
           ws: WriteSet, result: IngestResult) -> None:  # fmt: skip
    """Reconcile's decisions into the write set and the result (a new CI with its `_lfp`)."""
    classes = ctx.schema.classes
    for decision in decisions:
        result.late += decision.late
        result.suppressed += decision.suppressed
        if decision.create is not None:
            props = decision.create
            if decision.uid in lfp_of:
                props = {**props, "_lfp": lfp_of[decision.uid]}
            ws.create(classes[props["_class"]], props)
            result.created += 1
        elif decision.update is not None:
            ws.updates.append(decision.update)
            result.updated += 1
        else:
            result.unchanged += 1
            if decision.touch is not None:
                ws.touches.append(decision.touch)
        if decision.change is not None:
            result.changes.append(decision.change)
