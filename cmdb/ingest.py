"""Ingest: identify -> reconcile -> write, one transaction per change set.

`Ingestor.ingest(changeset)` validates the change set (`Ingestor.validate`: the schema,
and its time against the clock; nothing is written when anything is invalid), then,
inside one write transaction, identifies every CI fact, reconciles attributes by source
precedence (with the staleness rule; a fact older than the stored value is late and not
written), resolves links (pending when an endpoint is not known yet), applies the
coverage rules of a scoped change set (closing unreported links, counting missed runs),
and writes only what changed, with its history, in bounded UNWIND batches.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import neo4j

from cmdb.config import Config
from cmdb.errors import ObservationError
from cmdb.identity import key_of, lookup, usable_sets
from cmdb.ingest_fp import fingerprint
from cmdb.ingest_result import IngestResult
from cmdb.links import plan_links
from cmdb.observations import ChangeSet
from cmdb.ownership import DuplicateIdentity, check_claims, retract
from cmdb.reconcile import count_misses, reconcile, write_time
from cmdb.resolve import describe, resolve_refs
from cmdb.schema import CIClass, Schema
from cmdb.state import from_epoch, native_props
from cmdb.validate import Fact, Link, Ref, Validated, validate_changeset
from cmdb.write import Tx, WriteSet, write

# Times come back as [epoch seconds, nanoseconds]: hydrating driver datetimes for every
# CI of a large change set costs more than the query.
READ_CIS = """
UNWIND $uids AS u MATCH (n:CI {uid: u})
RETURN n {.*, first_seen: null,
          last_seen: [n.last_seen.epochSeconds, n.last_seen.nanosecond],
          _vfrom: [n._vfrom.epochSeconds, n._vfrom.nanosecond]} AS p
"""


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

    def validate(self, changeset: ChangeSet, now: datetime | None = None) -> Validated:
        """Every check a change set passes before anything of it is written (the schema,
        its references, its time against the clock), or ObservationError."""
        now = now or datetime.now(UTC)
        return validate_changeset(self.schema, changeset, now, self.config.max_clock_skew)

    def ingest(
        self, changeset: ChangeSet | Validated, dry_run: bool = False, history: bool = True
    ) -> IngestResult:
        """Ingest a change set, or one `validate` already checked."""
        if isinstance(changeset, Validated):
            validated = changeset
        else:
            validated = self.validate(changeset)
        for _attempt in range(3):
            try:
                with self.driver.session() as session:
                    if dry_run:
                        return session.execute_read(self._plan_only, validated)
                    return session.execute_write(self._run, validated, history)
            except _Collision:
                continue
        label = validated.changeset.label()
        raise ObservationError(label, None, "concurrent writers kept colliding")

    def ingest_many(
        self, changesets: list[ChangeSet] | list[Validated], workers: int = 2
    ) -> list[IngestResult]:
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
        self.at = validated.observed_at  # when the facts were observed, decides lateness
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
        self._parents: dict[str, str | None] | None = None  # uid -> parent uid, once known

    def plan(self) -> tuple[WriteSet, IngestResult, dict[str, Any]]:
        self._identify_all()
        seen = reconcile(self)
        wanted = plan_links(self)
        retract(self, wanted, seen)
        if self.cs.scope:
            # a refused device was seen, not missed: its owner decides about it
            count_misses(self, seen | self.refused_uids)
        changeset = {
            "id": self.cs_id,
            "source": self.cs.source,
            "actor": self.cs.actor,
            "at": write_time(self.tx, self.at, self.ws.updates, self.state),
            "observed_at": self.at,
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

    def late_sighting(self, uid: str) -> bool:
        """Whether this change set is older than the CI's last sighting (a late report)."""
        state = self.state.get(uid)
        if state is not None:
            last_seen = state.get("last_seen")
        else:
            last_seen = from_epoch((self.summary.get(uid) or {}).get("last_seen"))
        return last_seen is not None and self.at < last_seen

    def parent_in_changeset(self, uid: str) -> str | None:
        """The parent uid of a CI this change set reports (None: top level, or not one)."""
        if self._parents is None:
            self._parents = {g.uid: g.parent_uid for g in self.group_of.values() if g.uid}
        return self._parents.get(uid)

    def parent_uid(self, ref: Ref | None) -> str | None:
        if ref is None:
            return None
        if ref.local is not None:
            return self.group_of[ref.local].uid
        uid = resolve_refs(self, [ref])[0]
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

    def one_source_json(self, fp: str) -> str:
        """`{"<this source>": "<fp>"}` as json.dumps writes it, for a hex fingerprint."""
        return self.source_prefix + fp + '"}'
