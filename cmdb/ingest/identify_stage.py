"""The identify and claims stages as the pipeline runs them: facts level by level
(parents before their parts), each level grouped, looked up through the reader one
identifier set at a time, matched (cmdb.ingest.identify), and its devices decided by the
claims rule (cmdb.ingest.claims); what hangs on a refused device is left out with it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cmdb.errors import ObservationError
from cmdb.ingest import claims as claims_rule
from cmdb.ingest import identify
from cmdb.ingest.context import IngestContext
from cmdb.ingest.identify import Group, Identified
from cmdb.ingest.reader import GraphReader, StoredSummary
from cmdb.ingest.resolve import Resolved, describe, resolve_refs
from cmdb.validate import Fact, Link, Ref


@dataclass
class Identification:
    """What identification and claims found; the pipeline's record, read by later stages."""

    of_fact: dict[int, Identified] = field(default_factory=dict)  # fact index -> its CI
    summaries: dict[str, StoredSummary] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # stored states read
    resolved: Resolved = field(default_factory=dict)  # external references
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, claims_rule.ClaimOutcome] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)  # fact index -> refused device uid
    refused_parts: Counter[str] = field(default_factory=Counter)
    duplicates: list[claims_rule.DuplicateIdentity] = field(default_factory=list)
    unchanged: set[str] = field(default_factory=set)

    def idents(self) -> list[Identified]:
        """The CIs of the change set, once each, in the order of their first fact."""
        return list({i.uid: i for i in self.of_fact.values()}.values())

    def local_uids(self) -> dict[int, str]:
        return {index: ident.uid for index, ident in self.of_fact.items()}

    def read_states(self, reader: GraphReader, uids: Iterable[str]) -> None:
        todo = sorted({u for u in uids if u not in self.states})
        if todo:
            self.states.update(reader.states(todo))


def identify_all(
    reader: GraphReader, ctx: IngestContext, facts: Sequence[Fact], links: Sequence[Link] = ()
) -> Identification:
    found = Identification()
    new_uids: set[str] = set()
    remaining = list(facts)
    while remaining:
        if found.refused:  # under a refused device: left out with it
            for fact in remaining:
                device = refused_by(fact.parent, found.refused)
                if device is not None:
                    found.refused[fact.index] = device
                    found.refused_parts[device] += 1
            remaining = [f for f in remaining if f.index not in found.refused]
        ready = [
            f
            for f in remaining
            if f.parent is None or f.parent.local is None or f.parent.local in found.of_fact
        ]
        if not ready and not remaining:
            break
        if not ready:
            keys = ", ".join(f.key for f in remaining)
            raise ObservationError(ctx.changeset.label(), "parent", f"parent cycle among {keys}")
        _identify_level(reader, ctx, ready, found, new_uids)
        done = {f.index for f in ready}
        remaining = [f for f in remaining if f.index not in done]
    _leave_out_parts(found, links)
    need = []
    for ident in found.idents():
        if ident.new:
            continue
        outcome = found.outcomes.get(ident.uid)
        changes_hands = outcome is not None and (
            outcome.claims is not None or outcome.retract is not None
        )
        summary = found.summaries.get(ident.uid)
        if identify.unchanged(ctx, summary, ident.group.fp, changes_hands):
            found.unchanged.add(ident.uid)
        else:
            need.append(ident.uid)
    found.read_states(reader, need)
    return found


def _leave_out_parts(found: Identification, links: Sequence[Link]) -> None:
    """A part a refused device reports through a composition link (its hardware
    components: HAS_COMPONENT, CONTAINS) is left out with it, as what is scoped under it
    is: a duplicate's serialized modules must not rewrite the owner's."""
    if not found.refused:
        return
    parts = [
        (link.source.local, link.target.local)
        for link in links
        if link.rel.composition and link.source.local is not None and link.target.local is not None
    ]
    grew = True
    while grew:
        grew = False
        for whole, part in parts:
            device = found.refused.get(whole)
            if device is not None and part not in found.refused:
                found.refused[part] = device
                found.refused_parts[device] += 1
                found.of_fact.pop(part, None)
                grew = True


def refused_by(ref: Ref | None, refused: dict[int, str]) -> str | None:
    """The refused device a reference leads to (itself, or through its parents)."""
    while ref is not None:
        if ref.local is not None:
            return refused.get(ref.local)
        ref = ref.parent
    return None


def _parents(
    reader: GraphReader, ctx: IngestContext, facts: Sequence[Fact], found: Identification
) -> dict[int, str | None]:
    """Each fact's parent uid: a fact of this change set, or a CI it names (batched)."""
    local = found.local_uids()
    external = [f.parent for f in facts if f.parent is not None and f.parent.local is None]
    found.resolved.update(resolve_refs(reader, ctx.schema, external, local, found.resolved))
    parent_of: dict[int, str | None] = {}
    for fact in facts:
        ref = fact.parent
        if ref is None:
            parent_of[fact.index] = None
        elif ref.local is not None:
            parent_of[fact.index] = local[ref.local]
        else:
            uid = found.resolved.get(ref)
            if uid is None:
                raise ObservationError(
                    ctx.changeset.label(), "parent", f"parent {describe(ref)} not found"
                )
            parent_of[fact.index] = uid
    return parent_of


def _identify_level(
    reader: GraphReader,
    ctx: IngestContext,
    facts: Sequence[Fact],
    found: Identification,
    new_uids: set[str],
) -> None:
    groups = identify.group_facts(ctx.schema, facts, _parents(reader, ctx, facts, found))
    matches = _look_up(reader, ctx, groups, found, new_uids)
    found.read_states(
        reader,
        [
            u
            for gi, group in enumerate(groups)
            for si, u in matches.get(gi, [])
            if identify.may_be_ruled_out(group, si)
        ],
    )
    choice = identify.choose(ctx.schema, groups, matches, found.states)
    found.of_fact.update(choice.of_fact)
    found.conflicts.extend(choice.conflicts)
    new_uids.update(i.uid for i in choice.of_fact.values() if i.new)
    _claims(reader, ctx, choice.matched, found)


def _look_up(
    reader: GraphReader,
    ctx: IngestContext,
    groups: Sequence[Group],
    found: Identification,
    new_uids: set[str],
) -> dict[int, list[tuple[int, str]]]:
    """Per group, the stored CIs each identifier set finds (set index, uid), strongest set
    first; a later set is skipped when it cannot find another CI than the one matched."""
    matches: dict[int, list[tuple[int, str]]] = {}
    by_class: dict[str, list[int]] = {}
    for gi, group in enumerate(groups):
        if group.parent_uid is not None and group.parent_uid in new_uids:
            continue  # identified within a parent created now: nothing to find
        by_class.setdefault(group.cls.name, []).append(gi)
    for class_name, indexes in by_class.items():
        cls = ctx.schema.classes[class_name]
        for set_index, id_set in enumerate(cls.identification):
            todo = [gi for gi in indexes if set_index in groups[gi].usable]
            matched = {gi: matches[gi][0][1] for gi in todo if gi in matches}
            found.read_states(
                reader,
                [
                    uid
                    for gi, uid in matched.items()
                    if not identify.same_facts(ctx, found.summaries.get(uid), groups[gi].fp)
                ],
            )
            rows = [
                (gi, groups[gi].attrs, groups[gi].parent_uid)
                for gi in todo
                if gi not in matched
                or not identify.skip_set(
                    ctx,
                    found.summaries.get(matched[gi]),
                    found.states.get(matched[gi]),
                    groups[gi].fp,
                    id_set,
                    groups[gi].attrs,
                )
            ]
            if not rows:
                continue
            for hit in reader.find(cls, set_index, rows):
                found.summaries[hit.uid] = hit.summary
                matches.setdefault(hit.row, []).append((set_index, hit.uid))
    return matches


def _claims(
    reader: GraphReader, ctx: IngestContext, matched: Sequence[Identified], found: Identification
) -> None:
    """Decide the devices of a level by the claims rule; leave refused ones out."""
    if not ctx.scope:
        return
    contested = [
        i.uid for i in matched if claims_rule.contested(ctx, i, found.summaries.get(i.uid))
    ]
    found.read_states(reader, contested)
    runs = {
        uid: reader.changeset_run(found.states[uid].get("_cs"))
        for uid in contested
        if claims_rule.needs_run(ctx, found.summaries.get(uid), found.states.get(uid))
    }
    for ident in matched:
        uid = ident.uid
        outcome = claims_rule.decide_claim(
            ctx, ident, found.summaries.get(uid), found.states.get(uid), runs.get(uid)
        )
        if outcome is None:
            continue
        if outcome.refused is not None:
            for fact in ident.group.facts:
                found.refused[fact.index] = uid
                del found.of_fact[fact.index]
            found.duplicates.append(outcome.refused)
            continue
        found.outcomes[uid] = outcome
        if outcome.withdrawn is not None:
            found.duplicates.append(outcome.withdrawn)
