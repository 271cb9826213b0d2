"""Identification rules (pure): facts of one change set that describe one CI form a
group; a group is matched to stored CIs by its identifier sets, strongest first, and a
weaker set never matches a CI that a stronger overlapping set rules out. Several CIs
found: the first is chosen and the conflict recorded; none: a new CI with an identity
key. The rule book is docs/ingest.md#identify."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cmdb.identity import key_of, usable_sets
from cmdb.ingest.context import IngestContext
from cmdb.ingest.fingerprint import fingerprint
from cmdb.ingest.reader import State, StoredSummary
from cmdb.schema import CIClass, Schema
from cmdb.validate import Fact


@dataclass(frozen=True, slots=True)
class Group:
    """Facts of one change set that describe the same CI, with what is asked of them
    again and again (merged attributes, usable identifier sets, fingerprint)."""

    facts: tuple[Fact, ...]
    cls: CIClass
    parent_uid: str | None
    attrs: Mapping[str, Any]  # merged, later facts winning
    usable: tuple[int, ...]
    fp: str
    status: str | None  # the last status a fact gave


def make_group(
    schema: Schema, facts: Sequence[Fact], cls: CIClass, parent_uid: str | None
) -> Group:
    if len(facts) == 1:
        attrs: Mapping[str, Any] = facts[0].attrs
        usable = tuple(facts[0].usable)
    else:
        merged: dict[str, Any] = {}
        for fact in facts:
            merged.update(fact.attrs)
        attrs, usable = merged, tuple(usable_sets(schema, cls, merged))
    statuses = [f.status for f in facts if f.status]
    status = statuses[-1] if statuses else None
    fp = fingerprint(cls.name, parent_uid, attrs, status)
    return Group(tuple(facts), cls, parent_uid, attrs, usable, fp, status)


@dataclass(frozen=True, slots=True)
class Identified:
    group: Group
    uid: str
    matched: int | None = None  # the identifier set that found the stored CI
    idk: str | None = None  # a CI created now: its identity key

    @property
    def new(self) -> bool:
        return self.idk is not None


@dataclass(frozen=True)
class Choice:
    """What one level of facts identified to: groups by the index of each fact, the
    groups matched to stored CIs (in order), and conflicts to record."""

    of_fact: dict[int, Identified]
    matched: list[Identified]
    conflicts: list[dict[str, Any]]


def group_facts(
    schema: Schema, facts: Sequence[Fact], parent_of: Mapping[int, str | None]
) -> list[Group]:
    """Facts sharing an identity key (and not contradicting each other) form one group."""
    members: list[list[Fact]] = []
    by_key: dict[str, int] = {}
    for fact in facts:
        parent = parent_of[fact.index]
        keyed = [(i, key_of(fact.cls, i, fact.attrs, parent)) for i in fact.usable]
        found = next(
            (
                by_key[k]
                for i, k in keyed
                if k in by_key
                and not contradicts(schema, fact.cls, i, fact.attrs, _merged(members[by_key[k]]))
            ),
            None,
        )
        if found is None:
            found = len(members)
            members.append([fact])
        else:
            members[found].append(fact)
        for _i, key in keyed:
            by_key.setdefault(key, found)
    return [make_group(schema, m, m[0].cls, parent_of[m[0].index]) for m in members]


def _merged(facts: list[Fact]) -> Mapping[str, Any]:
    if len(facts) == 1:
        return facts[0].attrs
    merged: dict[str, Any] = {}
    for fact in facts:
        merged.update(fact.attrs)
    return merged


def contradicts(
    schema: Schema, cls: CIClass, set_index: int, attrs: Mapping[str, Any], other: Mapping[str, Any]
) -> bool:
    """Whether a match found by identifier set `set_index` is ruled out by a stronger set.

    A weaker set that overlaps a stronger one is its generalisation (Software by
    [product, version] under [product, version, arch]): a candidate that differs on
    the stronger set's attributes (another arch) is another CI. Disjoint sets (serial
    vs host name) do not rule out: such a match is a conflict, recorded as one.
    """
    id_set = set(cls.identification[set_index])
    for i in usable_sets(schema, cls, attrs):
        if i >= set_index:
            break
        stronger = cls.identification[i]
        if not id_set & set(stronger):
            continue
        for a in stronger:
            if other.get(a) is not None and attrs.get(a) is not None and other[a] != attrs[a]:
                return True
    return False


@lru_cache(maxsize=4096)
def _fingerprint_of(text: str | None, source: str) -> Any:
    return json.loads(text or "{}").get(source)


def same_facts(ctx: IngestContext, summary: StoredSummary | None, fp: str) -> bool:
    """Whether this source last reported exactly these facts for the CI."""
    if summary is None:
        return False
    if summary.fp == ctx.one_source_json(fp):  # the common case, without parsing
        return True
    return bool(_fingerprint_of(summary.fp, ctx.source) == fp)


def needs_state_to_skip(ctx: IngestContext, summary: StoredSummary | None, fp: str) -> bool:
    return not same_facts(ctx, summary, fp)


def skip_set(
    ctx: IngestContext,
    summary: StoredSummary | None,
    state: State | None,
    fp: str,
    id_set: tuple[str, ...],
    attrs: Mapping[str, Any],
) -> bool:
    """True when a later identifier set cannot find another CI than the one matched: this
    source reported exactly these facts for it before (fully checked then), or the
    matched CI already carries these values."""
    if same_facts(ctx, summary, fp):
        return True
    return state is not None and all(state.get(a) == attrs[a] for a in id_set)


def may_be_ruled_out(group: Group, set_index: int) -> bool:
    """Whether a match by `set_index` is weaker than the group's first usable set."""
    return bool(group.usable) and set_index > group.usable[0]


def ruled_out(schema: Schema, group: Group, set_index: int, state: State | None) -> bool:
    if not may_be_ruled_out(group, set_index):
        return False
    return state is not None and contradicts(schema, group.cls, set_index, group.attrs, state)


def choose(
    schema: Schema,
    groups: Sequence[Group],
    matches: Mapping[int, list[tuple[int, str]]],
    states: Mapping[str, State],
) -> Choice:
    """Decide each group of a level: the stored CI it is (the first match its stronger
    sets do not rule out; two groups finding one CI become one), or a new CI."""
    of_fact: dict[int, Identified] = {}
    by_uid: dict[str, Identified] = {}
    conflicts: list[dict[str, Any]] = []
    for gi, group in enumerate(groups):
        kept = [
            (si, u)
            for si, u in sorted(matches.get(gi, []))
            if not ruled_out(schema, group, si, states.get(u))
        ]
        if not kept:
            first_set = group.usable[0]
            idk = key_of(group.cls, first_set, group.attrs, group.parent_uid)
            ident = Identified(group, uuid.uuid4().hex, idk=idk)
        else:
            uid = kept[0][1]
            others = sorted({u for _si, u in kept} - {uid})
            if others:
                conflicts.append(conflict_row(group, [uid, *others]))
            first = by_uid.get(uid)
            if first is not None:  # two groups point at one CI: one CI it is
                merged = make_group(
                    schema,
                    [*first.group.facts, *group.facts],
                    first.group.cls,
                    first.group.parent_uid,
                )
                ident = Identified(merged, uid, first.matched)
                for fact in merged.facts:
                    of_fact[fact.index] = ident
                by_uid[uid] = ident
                continue
            ident = by_uid[uid] = Identified(group, uid, kept[0][0])
        for fact in group.facts:
            of_fact[fact.index] = ident
    return Choice(of_fact, list(by_uid.values()), conflicts)


def conflict_row(group: Group, uids: list[str]) -> dict[str, Any]:
    """An identification conflict: one group's identifiers found several CIs."""
    ids = {a: str(group.attrs[a]) for a in group.cls.identifier_attributes if a in group.attrs}
    return {
        "key": f"{group.cls.name}|" + "|".join(sorted(uids)),
        "class": group.cls.name,
        "uids": uids,
        "chosen": uids[0],
        "identifiers": json.dumps(ids, sort_keys=True),
    }


def unchanged(
    ctx: IngestContext, summary: StoredSummary | None, fp: str, changes_hands: bool
) -> bool:
    """Identical facts, active, in scope, sighted within the granularity: nothing to do.
    `changes_hands`: the CI's claims change or a previous owner's hold is retracted."""
    if changes_hands or summary is None or not same_facts(ctx, summary, fp):
        return False
    if summary.status != "active" or summary.missed:
        return False
    if ctx.scope and summary.scope != ctx.scope:
        return False
    last_seen = summary.last_seen
    source_seen = _fingerprint_of(summary.seen, ctx.source)
    return (
        last_seen is not None
        and ctx.at - last_seen < ctx.granularity
        and source_seen is not None
        and ctx.at - datetime.fromisoformat(source_seen) < ctx.granularity
    )
