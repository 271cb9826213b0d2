"""Link rules (pure): which links a change set reports, which to open or keep, which
pending links (a link whose endpoint is not a known CI yet, parked under the missing
endpoint's key) to park or to open for a CI created now, and the per-source link
fingerprint that lets an unchanged CI skip its link look-ups. Closing what a scope no
longer reports is coverage (cmdb.ingest.coverage). Rule book: docs/ingest.md#links."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cmdb.ingest.context import IngestContext
from cmdb.ingest.fingerprint import fingerprint
from cmdb.ingest.identify import Identified
from cmdb.ingest.reader import LinkState, Pending, StoredSummary
from cmdb.ingest.resolve import describe, ref_key, uid_of
from cmdb.schema import RelType
from cmdb.validate import Link, Ref
from cmdb.write import NewLink

LinkKey = tuple[str, str, str]  # (type, a uid, b uid); a symmetric type's pair in uid order
Wanted = dict[LinkKey, tuple[RelType, str, str]]  # -> (type, evidence, attributes JSON)
PendingKey = tuple[str, str, str]  # (key of the missing end, type, known uid)


class LinkSpec(NamedTuple):
    rel: RelType
    source: Ref | str  # a reference, or the uid of a CI of this change set
    target: Ref | str
    evidence: str
    attributes: str = ""  # canonical JSON of the link's own attributes ("": none)


@dataclass
class LinkPlan:
    """The link decisions of one change set (counts for the result included)."""

    creates: list[NewLink] = field(default_factory=list)
    closes: list[str] = field(default_factory=list)  # links whose attributes changed
    touches: list[dict[str, Any]] = field(default_factory=list)
    pending_creates: list[dict[str, Any]] = field(default_factory=list)
    pending_deletes: list[str] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)
    pending: int = 0  # pending links parked less those opened
    late: int = 0  # reported links closed after the change set's time: not reopened


def link_specs(
    ctx: IngestContext, links: Iterable[Link], idents: Iterable[Identified]
) -> list[LinkSpec]:
    """The change set's links, and a scoped CI's link to its parent (an interface on its
    device)."""
    specs = [
        LinkSpec(link.rel, link.source, link.target, link.evidence, link.attributes)
        for link in links
    ]
    for ident in idents:
        group = ident.group
        if group.cls.scoped_by and group.parent_uid:
            rel_name, direction = ctx.schema.scope_parents[group.cls.name]
            rel = ctx.schema.relationships[rel_name]
            if direction == "in":
                specs.append(LinkSpec(rel, group.parent_uid, ident.uid, "scope"))
            else:
                specs.append(LinkSpec(rel, ident.uid, group.parent_uid, "scope"))
    return specs


def wanted_links(
    ctx: IngestContext,
    specs: Sequence[LinkSpec],
    local: Mapping[int, str],
    resolved: Mapping[Ref, str | None],
) -> tuple[Wanted, dict[PendingKey, dict[str, Any]]]:
    """The links with both ends known, and those to park under the missing end's key."""
    wanted: Wanted = {}
    pending: dict[PendingKey, dict[str, Any]] = {}
    for rel, source, target, evidence, attributes in specs:
        a = source if isinstance(source, str) else uid_of(source, local, resolved)
        b = target if isinstance(target, str) else uid_of(target, local, resolved)
        if a is not None and b is not None:
            if rel.symmetric and b < a:
                a, b = b, a
            wanted.setdefault((rel.name, a, b), (rel, evidence, attributes))
        elif a is not None or b is not None:
            missing = target if b is None else source
            assert isinstance(missing, Ref)
            key = ref_key(ctx.schema, missing)
            known = a if a is not None else b
            assert known is not None
            if key is not None:
                pending.setdefault(
                    (key, rel.name, known),
                    {
                        "key": key,
                        "type": rel.name,
                        "known_uid": known,
                        "known_end": "source" if a is not None else "target",
                        "evidence": evidence,
                        "attrs": attributes,
                        "spec": describe(missing),
                    },
                )
    return wanted, pending


def owner_of(a: str, b: str, reported: set[str]) -> str:
    """The endpoint a link is accounted to: its source, unless only the target is ours."""
    return b if a not in reported and b in reported else a


@dataclass
class LinkFingerprints:
    known: set[str] = field(default_factory=set)  # unchanged CIs whose links are unchanged
    touches: list[dict[str, Any]] = field(default_factory=list)  # `_lfp` of stored CIs
    created: dict[str, str] = field(default_factory=dict)  # `_lfp` of CIs created now


def link_fingerprints(
    ctx: IngestContext,
    wanted: Wanted,
    idents: Iterable[Identified],
    unchanged: set[str],
    summaries: Mapping[str, StoredSummary],
) -> LinkFingerprints:
    """Each CI keeps, per source, a fingerprint of the links accounted to it (`_lfp`). An
    unchanged CI with an unchanged link fingerprint needs no link look-ups at all. A report
    older than the CI's last sighting is not what the source says now: not recorded."""
    idents = list(idents)
    reported = {i.uid for i in idents}
    by_owner: dict[str, list[tuple[str, ...]]] = {}
    for (rel_name, a, b), (_rel, evidence, attributes) in wanted.items():
        # a link's attributes are in only when it has some: fingerprints of links
        # without attributes read as they did before links had any
        row = (rel_name, a, b, evidence, attributes) if attributes else (rel_name, a, b, evidence)
        by_owner.setdefault(owner_of(a, b, reported), []).append(row)
    out = LinkFingerprints()
    for ident in idents:
        uid, summary = ident.uid, summaries.get(ident.uid)
        last_seen = summary.last_seen if summary is not None and not ident.new else None
        if last_seen is not None and ctx.at < last_seen:
            continue
        lfp = fingerprint(sorted(by_owner.get(uid, [])))
        stored_text = summary.lfp if summary is not None and not ident.new else None
        if stored_text and stored_text == ctx.one_source_json(lfp):  # same, without parsing
            if uid in unchanged:
                out.known.add(uid)
            continue
        if stored_text:
            stored: dict[str, str] = json.loads(stored_text)
            if stored.get(ctx.source) == lfp:
                if uid in unchanged:
                    out.known.add(uid)
                continue
            text = json.dumps({**stored, ctx.source: lfp}, sort_keys=True)
        else:  # a new CI, or no links recorded yet
            text = ctx.one_source_json(lfp)
        if ident.new:
            out.created[uid] = text
        else:
            out.touches.append({"uid": uid, "set": {"_lfp": text}, "seen": False})
    return out


def rows_to_check(
    wanted: Wanted, created: set[str], known: set[str], reported: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Per type, the wanted links whose stored state must be read: not those of a CI
    created now (it has none), nor of a CI reporting the same links as last time."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for i, ((rel_name, a, b), (_rel, _evidence, attributes)) in enumerate(wanted.items()):
        if a in created or b in created:
            continue
        if known and owner_of(a, b, reported) in known:
            continue
        by_type.setdefault(rel_name, []).append({"i": i, "a": a, "b": b, "attrs": attributes})
    return by_type


def open_or_keep(
    ctx: IngestContext,
    wanted: Wanted,
    created: set[str],
    states: Iterable[LinkState],
    plan: LinkPlan,
) -> None:
    """Open the wanted links that are missing (not those closed after the change set's
    time: late), refresh stale ones, move those reported under a new scope. A link whose
    attributes changed is closed and opened again with the new ones: its history keeps
    both."""
    missing: set[int] = set()
    for state in states:
        if state.id is None:
            if state.late:
                plan.late += 1
            else:
                missing.add(state.row)
            continue
        if state.changed:
            plan.closes.append(state.id)
            missing.add(state.row)
            continue
        touch = {"scope": ctx.scope, "source": ctx.source} if state.moved else {}
        plan.touches.append({"id": state.id, "set": touch, "seen": state.stale})
    # (evidence, attributes) -> the properties new links share
    props_of: dict[tuple[str, str], dict[str, Any]] = {}
    for i, (key, (_rel, evidence, attributes)) in enumerate(wanted.items()):
        rel_name, a, b = key
        if a in created or b in created or i in missing:
            props = props_of.get((evidence, attributes))
            if props is None:
                props = link_properties(ctx, ctx.source, ctx.scope, evidence, attributes)
                props_of[(evidence, attributes)] = props
            plan.creates.append(NewLink(rel_name, a, b, props))
            plan.changes.append(("link", rel_name, a, b))


def link_properties(
    ctx: IngestContext, source: str | None, scope: str | None, evidence: str | None,
    attributes: str,
) -> dict[str, Any]:  # fmt: skip
    """A new link's properties: who reported it, and its own attributes (kept as
    properties, and as `_a`, their canonical JSON, which the next report is compared
    with)."""
    props: dict[str, Any] = {"source": source, "evidence": evidence, "cs_open": ctx.cs_id}
    if scope is not None:
        props["scope"] = scope
    if attributes:
        props.update(json.loads(attributes))
        props["_a"] = attributes
    return props


def open_waiting(
    ctx: IngestContext,
    waiting: Iterable[Pending],
    new_keys: Mapping[str, str],
    wanted: Wanted,
    plan: LinkPlan,
) -> None:
    """Open pending links that were waiting for a CI this change set creates (`new_keys`:
    key -> the new CI's uid), under the source and scope that reported them: otherwise
    this scope's next run, which does not report it, would close it."""
    opened: set[LinkKey] = set()
    for pending in waiting:
        rel = ctx.schema.relationships.get(pending.type)
        if rel is None:
            continue
        a, b = pending.known, new_keys[pending.key]
        if pending.known_end == "target":
            a, b = b, a
        if rel.symmetric and b < a:
            a, b = b, a
        plan.pending_deletes.append(pending.id)
        plan.pending -= 1
        if (rel.name, a, b) in wanted or (rel.name, a, b) in opened:
            continue  # this change set reports the link itself, or it is open already
        opened.add((rel.name, a, b))
        props = link_properties(
            ctx, pending.source, pending.scope, pending.evidence, pending.attributes
        )
        plan.creates.append(NewLink(rel.name, a, b, props))
        plan.changes.append(("link", rel.name, a, b))


def park(
    ctx: IngestContext,
    pending: Mapping[PendingKey, dict[str, Any]],
    existing: Sequence[Pending],
    plan: LinkPlan,
) -> None:
    """Park the pending links not parked yet; in a scoped change set, drop this scope's
    pending links it no longer reports (`existing`: the scope's, else those under the
    reported keys)."""
    stored = {(p.key, p.type, p.known): p.id for p in existing}
    if ctx.scope:
        deleted = set(plan.pending_deletes)
        for ident, element_id in stored.items():
            if ident not in pending and element_id not in deleted:
                plan.pending_deletes.append(element_id)
    for ident, row in pending.items():
        if ident in stored:
            continue
        plan.pending_creates.append(
            {
                **row,
                "source": ctx.source,
                "scope": ctx.scope,
                "cs": ctx.cs_id,
                "spec": json.dumps(row["spec"]),
            }
        )
        plan.pending += 1
