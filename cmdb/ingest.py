"""Ingest: identify -> reconcile -> write, one transaction per change set.

`Ingestor.ingest(changeset)` validates the change set against the schema (nothing is
written when anything is invalid), then, inside one write transaction, identifies every
CI fact, reconciles attributes by source precedence (with the staleness rule), resolves
links (pending when an endpoint is not known yet), applies the coverage rules of a
scoped change set (closing unreported links, counting missed runs), and writes only what
changed, with its history, in bounded UNWIND batches.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import neo4j

from cmdb.config import Config
from cmdb.errors import ObservationError
from cmdb.identity import global_key, global_lookup, global_sets, key_of, lookup, usable_sets
from cmdb.ingest_fp import fingerprint
from cmdb.links import plan_links
from cmdb.observations import ChangeSet
from cmdb.ownership import DuplicateIdentity, check_claims, new_claims, owned, retract
from cmdb.schema import CIClass, Schema
from cmdb.state import from_epoch, native_props
from cmdb.validate import Fact, Link, Ref, Validated, validate
from cmdb.write import CIUpdate, Tx, WriteSet, write

# Times come back as [epoch seconds, nanoseconds]: hydrating driver datetimes for every
# CI of a large change set costs more than the query.
READ_CIS = """
UNWIND $uids AS u MATCH (n:CI {uid: u})
RETURN n {.*, first_seen: null,
          last_seen: [n.last_seen.epochSeconds, n.last_seen.nanosecond],
          _vfrom: [n._vfrom.epochSeconds, n._vfrom.nanosecond]} AS p
"""
ANY_PENDING = "MATCH (p:PendingLink) WITH count(p) AS n RETURN n > 0 AS any"
SCOPE_MISSED = (
    "MATCH (n:CI {_scope: $scope}) WHERE n.status = 'active' "
    "AND ($classes IS NULL OR n._class IN $classes) AND NOT n.uid IN $seen "
    "RETURN n.uid AS uid, coalesce(n._missed, 0) AS missed"
)


@dataclass
class IngestResult:
    changeset_id: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_opened: int = 0
    links_closed: int = 0
    pending: int = 0
    conflicts: int = 0
    went_absent: int = 0
    suppressed: int = 0  # values not written because a stronger source owns them
    uids: dict[str, str] = field(default_factory=dict)
    # devices another scope of the source owns, left out with what hangs on them, and
    # rivals of this run whose report of a device this change set withdrew
    # (cmdb.ownership); the rest of the change set was ingested
    duplicates: list[DuplicateIdentity] = field(default_factory=list)
    # What changed, kept as tuples of plain values until `diff` spells it out: a caller
    # holding the results of a large load keeps no million small dicts and lists for the
    # garbage collector to walk.
    changes: list[tuple[Any, ...]] = field(default_factory=list, repr=False)

    @property
    def diff(self) -> list[dict[str, Any]]:
        """What changed: creates, updates (before and after), absences, opened links."""
        return [_spell(entry) for entry in self.changes]


def _spell(entry: tuple[Any, ...]) -> dict[str, Any]:
    op = entry[0]
    if op == "create":
        _op, uid, cls, attrs = entry
        return {"uid": uid, "class": cls, "op": op,
                "changes": {a: [None, v] for a, v in attrs.items()}}  # fmt: skip
    if op == "update":
        _op, uid, cls, before_after = entry
        return {"uid": uid, "class": cls, "op": op,
                "changes": {a: [b, v] for a, (b, v) in before_after.items()}}  # fmt: skip
    if op == "absent":
        return {"uid": entry[1], "op": op, "changes": {"status": ["active", "absent"]}}
    _op, rel_type, a, b = entry
    return {"op": op, "type": rel_type, "a": a, "b": b}


class _Collision(Exception):
    """A concurrent writer created the same CI first; plan again."""


class _Group:
    """Facts of one change set that describe the same CI.

    What the planner asks of a group again and again (merged attributes, fingerprint,
    usable identifier sets) is computed once, and again only when facts join.
    """

    __slots__ = ("_attrs", "_fp", "_usable", "claims", "cls", "facts", "idk", "keys",
                 "matched", "parent_uid", "uid", "unchanged")  # fmt: skip

    def __init__(self, facts: list[Fact], cls: CIClass, parent_uid: str | None) -> None:
        self.facts = facts
        self.cls = cls
        self.parent_uid = parent_uid
        self.uid: str | None = None
        self.idk: str | None = None
        self.keys: set[str] = set()
        self.unchanged = False  # identical to what this source last reported, all fresh
        self.matched: int | None = None  # the identifier set that found the stored CI
        self.claims: str | None = None  # `_claims` to store (cmdb.ownership)
        self._attrs: dict[str, Any] | None = None
        self._fp: str | None = None
        self._usable: list[int] | None = None

    def add(self, facts: list[Fact]) -> None:
        self.facts.extend(facts)
        self._attrs = self._fp = self._usable = None

    def usable(self, schema: Schema) -> list[int]:
        if self._usable is None:
            if len(self.facts) == 1:
                self._usable = list(self.facts[0].usable)
            else:
                self._usable = usable_sets(schema, self.cls, self.attrs())
        return self._usable

    def fp(self) -> str:
        if self._fp is None:
            self._fp = fingerprint(self.cls.name, self.parent_uid, self.attrs(), self.status())
        return self._fp

    def attrs(self) -> dict[str, Any]:
        """The merged attributes (shared: callers must not change the dict)."""
        if self._attrs is None:
            if len(self.facts) == 1:
                self._attrs = self.facts[0].attrs
            else:
                merged: dict[str, Any] = {}
                for fact in self.facts:
                    merged.update(fact.attrs)
                self._attrs = merged
        return self._attrs

    def status(self) -> str | None:
        statuses = [f.status for f in self.facts if f.status]
        return statuses[-1] if statuses else None


class Ingestor:
    def __init__(self, driver: neo4j.Driver, schema: Schema, config: Config) -> None:
        self.driver = driver
        self.schema = schema
        self.config = config

    def ingest(
        self, changeset: ChangeSet, dry_run: bool = False, history: bool = True
    ) -> IngestResult:
        validated = validate(self.schema, changeset)
        for _attempt in range(3):
            try:
                with self.driver.session() as session:
                    if dry_run:
                        return session.execute_read(self._plan_only, validated)
                    return session.execute_write(self._run, validated, history)
            except _Collision:
                continue
        raise ObservationError(changeset.label(), None, "concurrent writers kept colliding")

    def ingest_many(self, changesets: list[ChangeSet], workers: int = 2) -> list[IngestResult]:
        """Ingest independent change sets (one per target, say), `workers` at a time.

        Each is still its own transaction. While one waits for the database, another is
        validated and planned, which keeps both the Python process and Neo4j busy. Writers
        take locks on shared nodes in one order (see cmdb.write), and a deadlock the
        database still detects is retried by the driver.
        """
        if workers <= 1 or len(changesets) <= 1:
            return [self.ingest(cs) for cs in changesets]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
            return list(pool.map(self.ingest, changesets))

    def _plan_only(self, tx: Tx, validated: Validated) -> IngestResult:
        _ws, result, _cs = _Planner(tx, self.schema, self.config, validated).plan()
        return result

    def _run(self, tx: Tx, validated: Validated, history: bool) -> IngestResult:
        ws, result, cs = _Planner(tx, self.schema, self.config, validated).plan()
        try:
            write(tx, ws, cs, self.config.batch_size, history=history)
        except neo4j.exceptions.ConstraintError as exc:
            if "_idk" in (exc.message or ""):
                raise _Collision from exc
            raise
        if not ws.changes():
            result.changeset_id = None
        return result


class _Planner:
    def __init__(self, tx: Tx, schema: Schema, config: Config, validated: Validated) -> None:
        self.tx = tx
        self.schema = schema
        self.config = config
        self.v = validated
        self.cs = validated.changeset
        self.at = validated.observed_at
        self.cs_id = uuid.uuid4().hex
        self.ws = WriteSet()
        self.result = IngestResult(changeset_id=self.cs_id)
        self.group_of: dict[int, _Group] = {}
        self.state: dict[str, dict[str, Any]] = {}  # uid -> current properties
        self.ref_cache: dict[Ref, str | None] = {}
        self.summary: dict[str, dict[str, Any]] = {}  # uid -> fingerprints, sighting, status
        self.reported: set[str] = set()  # uids of the CIs this change set reports
        self.new_uids: set[str] = set()  # uids of the CIs this change set creates
        self.texts: dict[tuple[Any, ...], str] = {}  # JSON texts many new CIs share
        self.keys_of: dict[str, list[str]] = {}  # uid -> pending-link keys
        self.source_prefix = "{" + json.dumps(self.cs.source) + ': "'
        self.pending_exist: bool | None = None
        # cmdb.ownership: facts left out (index -> the refused device they hang on), the
        # uids of refused devices, and devices taken over -> the scope they were taken from
        self.refused: dict[int, DuplicateIdentity] = {}
        self.refused_uids: set[str] = set()
        self.retracting: dict[str, str] = {}
        self.withdrawn: dict[str, DuplicateIdentity] = {}  # uid -> a rival of this run

    def plan(self) -> tuple[WriteSet, IngestResult, dict[str, Any]]:
        self._identify_all()
        seen = self._reconcile()
        wanted = plan_links(self)
        retract(self, wanted, seen)
        if self.cs.scope:
            # a refused device was seen, not missed: its owner decides about it
            self._count_misses(seen | self.refused_uids)
        changeset = {
            "id": self.cs_id,
            "source": self.cs.source,
            "actor": self.cs.actor,
            "at": self.at,
            "recorded_at": datetime.now(UTC),
            "reason": self.cs.reason,
            "discovery_run": self.cs.discovery_run,
            "change_request": self.cs.change_request,
            "scope": self.cs.scope,
        }
        return self.ws, self.result, changeset

    # -- identification -------------------------------------------------------------
    def _identify_all(self) -> None:
        remaining = list(self.v.facts)
        while remaining:
            if self.refused:  # under a refused device: left out with it
                for fact in remaining:
                    refused = self.refused_by(fact.parent)
                    if refused is not None:
                        self.refused[fact.index] = refused
                        refused.parts += 1
                remaining = [f for f in remaining if f.index not in self.refused]
            ready = [f for f in remaining if f.parent is None or f.parent.local is None
                     or f.parent.local in self.group_of]  # fmt: skip
            if not ready and not remaining:
                break
            if not ready:
                keys = ", ".join(f.key for f in remaining)
                raise ObservationError(self.cs.label(), "parent", f"parent cycle among {keys}")
            self._identify(ready)
            done = {f.index for f in ready}
            remaining = [f for f in remaining if f.index not in done]
        need = []
        for group in {id(g): g for g in self.group_of.values()}.values():
            if group.idk is not None or group.uid is None:
                continue  # new
            group.unchanged = self._unchanged(group)
            if not group.unchanged and group.uid not in self.state:
                need.append(group.uid)
        self.load_state(sorted(set(need)))

    def load_state(self, uids: list[str]) -> None:
        """Read the stored properties of these CIs into `state` (those not there yet)."""
        uids = [u for u in uids if u not in self.state]
        for start in range(0, len(uids), self.config.batch_size):
            chunk = uids[start : start + self.config.batch_size]
            for record in self.tx.run(READ_CIS, uids=chunk):
                props = native_props(record["p"])
                props["last_seen"] = from_epoch(props["last_seen"])
                props["_vfrom"] = from_epoch(props["_vfrom"])
                self.state[props["uid"]] = props

    def parent_uid(self, ref: Ref | None) -> str | None:
        if ref is None:
            return None
        if ref.local is not None:
            return self.group_of[ref.local].uid
        uid = self.resolve_refs([ref])[0]
        if uid is None:
            raise ObservationError(self.cs.label(), "parent", f"parent {describe(ref)} not found")
        return uid

    def _identify(self, facts: list[Fact]) -> None:
        groups: list[_Group] = []
        by_key: dict[str, _Group] = {}
        for fact in facts:
            parent = self.parent_uid(fact.parent)
            sets = fact.usable
            keyed = [(i, key_of(fact.cls, i, fact.attrs, parent)) for i in sets]
            keys = [k for _i, k in keyed]
            group = next(
                (
                    by_key[k]
                    for i, k in keyed
                    if k in by_key
                    and not self.contradicts(fact.cls, i, fact.attrs, by_key[k].attrs())
                ),
                None,
            )
            if group is None:
                group = _Group([fact], fact.cls, parent)
                groups.append(group)
            else:
                group.add([fact])
            for key in keys:
                by_key.setdefault(key, group)
            group.keys.update(keys)
            self.group_of[fact.index] = group
        self._match(groups)

    def contradicts(
        self, cls: CIClass, set_index: int, attrs: dict[str, Any], other: dict[str, Any]
    ) -> bool:
        """Whether a match found by identifier set `set_index` is ruled out by a stronger set.

        A weaker set that overlaps a stronger one is its generalisation (Software by
        [product, version] under [product, version, arch]): a candidate that differs on
        the stronger set's attributes (another arch) is another CI. Disjoint sets (serial
        vs host name) do not rule out: such a match is a conflict, recorded as one.
        """
        id_set = set(cls.identification[set_index])
        for i in usable_sets(self.schema, cls, attrs):
            if i >= set_index:
                break
            stronger = cls.identification[i]
            if not id_set & set(stronger):
                continue
            for a in stronger:
                if other.get(a) is not None and attrs.get(a) is not None and other[a] != attrs[a]:
                    return True
        return False

    def _match(self, groups: list[_Group]) -> None:
        matches: dict[int, list[tuple[int, str]]] = {}
        by_class: dict[str, list[int]] = {}
        for gi, group in enumerate(groups):
            if group.parent_uid is not None and group.parent_uid in self.new_uids:
                continue  # identified within a parent created now: nothing to find
            by_class.setdefault(group.cls.name, []).append(gi)
        for class_name, indexes in by_class.items():
            cls = self.schema.classes[class_name]
            attrs_of = {gi: groups[gi].attrs() for gi in indexes}
            fp_of = {gi: groups[gi].fp() for gi in indexes}
            usable_of = {gi: set(groups[gi].usable(self.schema)) for gi in indexes}
            for set_index, id_set in enumerate(cls.identification):
                rows = []
                for gi in indexes:
                    if set_index not in usable_of[gi]:
                        continue
                    if gi in matches and self._skip_set(matches[gi][0][1], fp_of[gi], id_set,
                                                        attrs_of[gi]):  # fmt: skip
                        continue
                    rows.append((gi, attrs_of[gi], groups[gi].parent_uid))
                if not rows:
                    continue
                found = lookup(self.tx, cls, set_index, rows, self.config.batch_size, self.summary)
                for gi, uids in found.items():
                    matches.setdefault(gi, []).extend((set_index, u) for u in uids)
        by_uid: dict[str, _Group] = {}
        for gi, group in enumerate(groups):
            kept = [(si, u) for si, u in sorted(matches.get(gi, []))
                    if not self._ruled_out(group, si, u)]  # fmt: skip
            found_uids = [u for _si, u in kept]
            if found_uids:
                group.uid = found_uids[0]
                group.matched = kept[0][0]
                others = sorted(set(found_uids) - {group.uid})
                if others:
                    self._conflict(group, [group.uid, *others])
                if group.uid in by_uid:  # two groups point at one CI: one CI it is
                    first = by_uid[group.uid]
                    first.add(group.facts)
                    for fact in group.facts:
                        self.group_of[fact.index] = first
                    continue
                by_uid[group.uid] = group
            else:
                group.uid = uuid.uuid4().hex
                self.new_uids.add(group.uid)
                attrs = group.attrs()
                first_set = group.usable(self.schema)[0]
                group.idk = key_of(group.cls, first_set, attrs, group.parent_uid)
        check_claims(self, by_uid.values())

    def refuse(self, group: _Group, duplicate: DuplicateIdentity) -> None:
        """Leave a device out of this change set (cmdb.ownership); what hangs on it
        follows in _identify_all and kept_links."""
        for fact in group.facts:
            self.refused[fact.index] = duplicate
            del self.group_of[fact.index]
        self.refused_uids.add(str(group.uid))
        self.result.duplicates.append(duplicate)

    def refused_by(self, ref: Ref | None) -> DuplicateIdentity | None:
        """The refused device a reference leads to (itself, or through its parents)."""
        while ref is not None:
            if ref.local is not None:
                return self.refused.get(ref.local)
            ref = ref.parent
        return None

    def kept_links(self) -> list[Link]:
        """The change set's links, less those touching a fact left out."""
        if not self.refused:
            return self.v.links
        kept = []
        for link in self.v.links:
            refused = self.refused_by(link.source) or self.refused_by(link.target)
            if refused is None:
                kept.append(link)
            else:
                refused.links += 1
        return kept

    def _ruled_out(self, group: _Group, set_index: int, uid: str) -> bool:
        first = group.usable(self.schema)
        if not first or set_index <= first[0]:
            return False
        if uid not in self.state:
            self.load_state([uid])
        state = self.state.get(uid)
        return state is not None and self.contradicts(group.cls, set_index, group.attrs(), state)

    def _skip_set(self, uid: str, fp: str, id_set: tuple[str, ...], attrs: dict[str, Any]) -> bool:
        """True when a later identifier set cannot find another CI than the one matched.

        That holds when this source reported exactly these facts for the CI before (they
        were fully checked then), or when the matched CI already carries these values.
        """
        if self._same_facts(uid, fp):
            return True
        if uid not in self.state:
            self.load_state([uid])
        state = self.state.get(uid)
        return state is not None and all(state.get(a) == attrs[a] for a in id_set)

    def _same_facts(self, uid: str, fp: str) -> bool:
        summary = self.summary.get(uid)
        if not summary:
            return False
        if summary["fp"] == self.one_source_json(fp):  # the common case, without parsing
            return True
        if "mine" not in summary:  # this source's fingerprint, parsed once per change set
            summary["mine"] = json.loads(summary["fp"] or "{}").get(self.cs.source)
        return bool(summary["mine"] == fp)

    def _unchanged(self, group: _Group) -> bool:
        """Identical facts, active, in scope, sighted within the granularity: nothing to do."""
        uid = str(group.uid)
        summary = self.summary.get(uid)
        if group.claims is not None or uid in self.retracting:
            return False
        if summary is None or not self._same_facts(uid, group.fp()):
            return False
        if summary["status"] != "active" or summary["missed"]:
            return False
        if self.cs.scope and summary["scope"] != self.cs.scope:
            return False
        granularity = self.config.sighting_granularity
        last_seen = from_epoch(summary["last_seen"])
        source_seen = json.loads(summary["seen"] or "{}").get(self.cs.source)
        return (
            last_seen is not None
            and self.at - last_seen < granularity
            and source_seen is not None
            and self.at - datetime.fromisoformat(source_seen) < granularity
        )

    def _conflict(self, group: _Group, uids: list[str]) -> None:
        attrs = group.attrs()
        ids = {a: str(attrs[a]) for a in group.cls.identifier_attributes if a in attrs}
        self.ws.conflicts.append({
            "key": f"{group.cls.name}|" + "|".join(sorted(uids)),
            "class": group.cls.name,
            "uids": uids,
            "chosen": uids[0],
            "identifiers": json.dumps(ids, sort_keys=True),
        })  # fmt: skip
        self.result.conflicts += 1

    def resolve_refs(self, refs: list[Ref]) -> list[str | None]:
        """uids of CIs named by class + identifiers (parents first); None when unknown.

        Identical references are looked up once per change set, and the look-ups are
        batched per class and identifier set: thousands of links that name the same few
        contracts or teams cost a handful of queries.
        """
        todo: dict[Ref, None] = {}
        for ref in refs:
            if ref.local is None and ref not in self.ref_cache:
                todo[ref] = None
        if todo:
            self._resolve_external(list(todo))
        return [
            self.group_of[ref.local].uid if ref.local is not None else self.ref_cache.get(ref)
            for ref in refs
        ]

    def _resolve_external(self, refs: list[Ref]) -> None:
        parent_refs = list({r.parent: None for r in refs if r.parent is not None})
        parent_uids = dict(zip(parent_refs, self.resolve_refs(parent_refs), strict=True))
        scoped_global: list[tuple[Ref, dict[str, Any]]] = []
        by_class: dict[str, list[tuple[Ref, dict[str, Any], str | None]]] = {}
        for ref in refs:
            parent_uid = parent_uids.get(ref.parent) if ref.parent is not None else None
            if ref.cls is None or (ref.parent is not None and parent_uid is None):
                self.ref_cache[ref] = None
            elif ref.cls.scoped_by and ref.parent is None:
                scoped_global.append((ref, dict(ref.identifiers)))
            else:
                by_class.setdefault(ref.cls.name, []).append(
                    (ref, dict(ref.identifiers), parent_uid)
                )
        for ref, values in scoped_global:  # found by a global identifier set (a MAC)
            assert ref.cls is not None
            self.ref_cache[ref] = None
            for id_set in global_sets(self.schema, ref.cls, values):
                uids = global_lookup(self.tx, ref.cls, id_set, values)
                if uids:
                    self.ref_cache[ref] = uids[0]
                    break
        for class_name, items in by_class.items():
            cls = self.schema.classes[class_name]
            unresolved = items
            for set_index in range(len(cls.identification)):
                rows = [
                    (k, values, parent)
                    for k, (_ref, values, parent) in enumerate(unresolved)
                    if set_index in usable_sets(self.schema, cls, values)
                ]
                if not rows:
                    continue
                found = lookup(self.tx, cls, set_index, rows, self.config.batch_size)
                for k, uids in found.items():
                    self.ref_cache[unresolved[k][0]] = sorted(uids)[0]
                unresolved = [u for u in unresolved if u[0] not in self.ref_cache]
            for ref, _values, _parent in unresolved:
                self.ref_cache[ref] = None

    def ref_key(self, ref: Ref) -> str | None:
        """The pending-link key of an unresolved reference."""
        if ref.cls is None:
            return None
        values = dict(ref.identifiers)
        if ref.cls.scoped_by and ref.parent is None:
            found = global_sets(self.schema, ref.cls, values)
            return global_key(ref.cls, found[0], values) if found else None
        parent_key = self.ref_key(ref.parent) if ref.parent is not None else None
        sets = usable_sets(self.schema, ref.cls, values)
        return key_of(ref.cls, sets[0], values, parent_key) if sets else None

    def pending_keys(self, uid: str, cls: CIClass, attrs: dict[str, Any]) -> list[str]:
        """Every key under which a pending link could be waiting for this CI."""
        found = self.keys_of.get(uid)
        if found is None:
            found = self.keys_of[uid] = self._pending_keys(uid, cls, attrs)
        return found

    def any_pending(self) -> bool:
        """Whether the graph holds any pending link at all (a count-store read)."""
        if self.pending_exist is None:
            record = self.tx.run(ANY_PENDING).single()
            self.pending_exist = bool(record and record["any"])
        return self.pending_exist

    def _pending_keys(self, uid: str, cls: CIClass, attrs: dict[str, Any]) -> list[str]:
        parents: list[str | None] = [None]
        extra = [global_key(cls, s, attrs) for s in global_sets(self.schema, cls, attrs)]
        if cls.scoped_by:
            parent_uid = attrs.get("_parent") or self.state.get(uid, {}).get("_parent")
            if parent_uid and str(parent_uid) not in self.state:
                self.load_state([str(parent_uid)])
            parent = self.state.get(str(parent_uid)) if parent_uid else None
            if parent is None:
                return extra
            parent_cls = self.schema.classes[parent["_class"]]
            parents = list(self.pending_keys(parent["uid"], parent_cls, parent))
        sets = usable_sets(self.schema, cls, attrs)
        return [key_of(cls, i, attrs, p) for p in parents for i in sets] + extra

    # -- reconciliation -----------------------------------------------------------
    def _reconcile(self) -> set[str]:
        seen: set[str] = set()
        for group in {id(g): g for g in self.group_of.values()}.values():
            assert group.uid is not None
            seen.add(group.uid)
            self.reported.add(group.uid)
            for fact in group.facts:
                self.result.uids[fact.key] = group.uid
            if group.unchanged:
                self.result.unchanged += 1
            elif group.idk is None:
                self._update(group)
            else:
                self._create(group)
        return seen

    def _default_name(self, cls: CIClass, attrs: dict[str, Any]) -> str:
        """What people call a CI reported without a name: its host name, else its identity."""
        if attrs.get("hostname") and not self.schema.is_junk(attrs["hostname"]):
            return str(attrs["hostname"])
        first = usable_sets(self.schema, cls, attrs)[0]
        return " ".join(str(attrs[a]) for a in cls.identification[first])

    def _create(self, group: _Group) -> None:
        attrs = {k: v for k, v in group.attrs().items() if v is not None}
        cls = group.cls
        if not attrs.get("name"):
            attrs["name"] = self._default_name(cls, attrs)
        props: dict[str, Any] = {
            **attrs,
            "uid": group.uid,
            "_class": cls.name,
            "_idk": group.idk,
            "status": group.status() or "active",
            "_cs": self.cs_id,
            "_prov": self._new_prov(attrs),
            "_seen": self._new_seen(),
            "_fp": self.one_source_json(group.fp()),
            "_missed": 0,
        }
        if group.parent_uid:
            props["_parent"] = group.parent_uid
        if self.cs.scope:
            props["_scope"] = self.cs.scope
        if owned(self.schema, self.cs, cls.name, group.parent_uid):
            props["_claims"] = new_claims(self.cs)
        self.ws.create(cls, props)
        self.state[str(group.uid)] = props
        self.result.created += 1
        self.result.changes.append(("create", group.uid, cls.name, attrs))

    def _new_prov(self, attrs: dict[str, Any]) -> str:
        """`_prov` of a new CI: this source owns every attribute (one text per shape)."""
        names = tuple(attrs)
        text = self.texts.get(names)
        if text is None:
            text = json.dumps({a: self.cs.source for a in names}, sort_keys=True)
            self.texts[names] = text
        return text

    def one_source_json(self, fp: str) -> str:
        """`{"<this source>": "<fp>"}` as json.dumps writes it, for a hex fingerprint."""
        return self.source_prefix + fp + '"}'

    def _new_seen(self) -> str:
        """`_seen` of a new CI: this source, now."""
        key = ("_seen", self.at)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = json.dumps({self.cs.source: self.at.isoformat()})
        return text

    def _update(self, group: _Group) -> None:
        uid = str(group.uid)
        cur = self.state[uid]
        prov: dict[str, str] = json.loads(cur.get("_prov") or "{}")
        seen: dict[str, str] = json.loads(cur.get("_seen") or "{}")
        source = self.cs.source
        prec = self.schema.precedence
        changes: dict[str, Any] = {}
        prov_changed = False
        wanted = dict(group.attrs())
        status = group.status()
        if status is None and cur.get("status") in ("absent", "retired"):
            status = "active"  # it reappeared
        if status is not None:
            wanted["status"] = status
        if self._replaces(group, cur):
            # taken over from another scope of this source: this report replaces that
            # scope's, so what this source alone said and this scope does not say goes
            for attr, by in prov.items():
                if by == source and attr not in wanted and attr in group.cls.attributes:
                    wanted[attr] = None
            if wanted.get("name") is None and prov.get("name") == source:
                wanted["name"] = self._default_name(group.cls, group.attrs())
        for attr, value in wanted.items():
            owner = prov.get(attr)
            stronger = owner is None or prec.rank(attr, source) <= prec.rank(attr, owner)
            if not stronger and owner is not None:
                last = seen.get(owner)
                silent = last is None or self.at - datetime.fromisoformat(last) > prec.staleness
                if not silent:
                    if cur.get(attr) != value:
                        self.result.suppressed += 1
                    continue
            if cur.get(attr) != value:
                changes[attr] = value
            if owner != source and (value is not None or cur.get(attr) is not None):
                prov[attr] = source
                prov_changed = True
        touch: dict[str, Any] = {}
        granularity = self.config.sighting_granularity
        last_source = seen.get(source)
        if last_source is None or self.at - datetime.fromisoformat(last_source) >= granularity:
            seen[source] = self.at.isoformat()
            touch["_seen"] = json.dumps(seen, sort_keys=True)
        last_seen = cur.get("last_seen")
        sighted = last_seen is None or self.at - last_seen >= granularity
        if self.cs.scope and cur.get("_scope") != self.cs.scope:
            touch["_scope"] = self.cs.scope
        if cur.get("_missed"):
            touch["_missed"] = 0
        if prov_changed:
            touch["_prov"] = json.dumps(prov, sort_keys=True)
        if group.claims is not None:
            touch["_claims"] = group.claims
        fps: dict[str, str] = json.loads(cur.get("_fp") or "{}")
        if fps.get(source) != group.fp():
            fps[source] = group.fp()
            touch["_fp"] = json.dumps(fps, sort_keys=True)
        if changes:
            at = max(self.at, cur["_vfrom"])
            if at != self.at:  # an older observation arrived late: keep history ordered
                self.at = at
            self.ws.updates.append(CIUpdate(uid, {**changes, **touch}, sorted(changes), sighted))
            self.result.updated += 1
            before_after = {a: (cur.get(a), v) for a, v in changes.items()}
            self.result.changes.append(("update", uid, group.cls.name, before_after))
        else:
            self.result.unchanged += 1
            if touch or sighted:
                self.ws.touches.append({"uid": uid, "set": touch, "seen": sighted})
        cur.update(changes)

    def _replaces(self, group: _Group, cur: dict[str, Any]) -> bool:
        """Whether this fact replaces another scope's report: a device taken over, or a
        part of one that the previous owner reported (cmdb.ownership); of a class this
        change set certifies (what a timed-out table would have said is not known)."""
        certified = self.cs.certified_classes
        if certified is not None and group.cls.name not in certified:
            return False
        uid = str(group.uid)
        if uid in self.retracting:
            return True
        old = self.retracting.get(group.parent_uid or "")
        return old is not None and cur.get("_scope") == old

    # -- coverage -------------------------------------------------------------------
    def _count_misses(self, seen: set[str]) -> None:
        limit = self.config.lifecycle.absent_after_missed_runs
        classes = self.cs.certified_classes
        query = SCOPE_MISSED
        for record in self.tx.run(query, scope=self.cs.scope, classes=classes, seen=sorted(seen)):
            uid = record["uid"]
            missed = int(record["missed"]) + 1
            if missed >= limit:
                self.ws.updates.append(
                    CIUpdate(uid, {"status": "absent", "_missed": missed}, ["status"])
                )
                self.result.went_absent += 1
                self.result.changes.append(("absent", uid))
            else:
                self.ws.touches.append({"uid": uid, "set": {"_missed": missed}, "seen": False})


def describe(ref: Ref) -> str:
    if ref.cls is None:
        return "a CI of this change set"
    ids = ", ".join(f"{k}={v}" for k, v in ref.identifiers)
    inside = f" on {describe(ref.parent)}" if ref.parent else ""
    return f"{ref.cls.name}({ids}){inside}"
