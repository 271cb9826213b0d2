"""Writes that keep history: every write lands with its change set, in one transaction.

History model: the CI node holds the current state, with `_vfrom` (when that state
began) and `_cs` (the change set that made it). A change first freezes a copy of the
node as a (:CIVersion) (`_to` and `_cs_to` close it; `_changed` names what changed),
then updates the node (the version keeps the state, not the ingest bookkeeping: which
source owns what, fingerprints). A version is therefore the full state over [_vfrom, _to), and an
as-of read is one index seek on (uid, _vfrom). Links carry `since`/`until` and the change
sets that opened and closed them; a closed link is never deleted. The queries are in
cmdb/queries/write.py.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import neo4j

from cmdb.batch import chunks
from cmdb.queries.write import (
    CLOSE_LINKS,
    CREATE_CHANGESET,
    CREATE_PENDING,
    DELETE_PENDING,
    RECORD_CONFLICTS,
    TOUCH_CIS,
    TOUCH_LINKS,
    UPDATE_CIS,
    UPDATE_CIS_NO_HISTORY,
    create_cis_query,
    create_links_query,
)
from cmdb.schema import CIClass

Tx = neo4j.ManagedTransaction | neo4j.Transaction


@dataclass(frozen=True)
class ChangeSetRecord:
    """What a (:ChangeSet) node holds: who, what, when and why of one write. One definition
    for ingest, manual edits and the lifecycle sweep (unset fields are not stored)."""

    source: str
    actor: str
    at: datetime  # the instant history records the change at
    observed_at: datetime  # when the facts were observed (or the edit was asked for)
    reason: str | None = None
    discovery_run: str | None = None
    change_request: str | None = None
    scope: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, changeset: ChangeSetRecord | Mapping[str, Any]) -> ChangeSetRecord:
        """The record itself, or one from a map of its fields (ingest builds a map); a map
        with a key the record does not define is refused."""
        if isinstance(changeset, ChangeSetRecord):
            return changeset
        unknown = sorted(set(changeset) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"a change set holds no {', '.join(unknown)}")
        return cls(**changeset)

    def props(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CIUpdate:
    uid: str
    set: dict[str, Any]
    changed: list[str]
    seen: bool = False  # refresh last_seen to the change set's time


@dataclass
class NewLink:
    type: str
    a: str
    b: str
    props: dict[str, Any]


@dataclass
class WriteSet:
    """Everything one change set writes. `changes()` is zero when nothing changed."""

    creates: dict[str, tuple[CIClass, list[dict[str, Any]]]] = field(default_factory=dict)
    updates: list[CIUpdate] = field(default_factory=list)
    touches: list[dict[str, Any]] = field(default_factory=list)
    link_creates: list[NewLink] = field(default_factory=list)
    link_closes: list[str] = field(default_factory=list)
    link_touches: list[dict[str, Any]] = field(default_factory=list)
    pending_creates: list[dict[str, Any]] = field(default_factory=list)
    pending_deletes: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def create(self, cls: CIClass, props: dict[str, Any]) -> None:
        self.creates.setdefault(cls.name, (cls, []))[1].append(props)

    def created(self) -> int:
        return sum(len(rows) for _, rows in self.creates.values())

    def changes(self) -> int:
        return self.created() + len(self.updates) + len(self.link_creates) + len(self.link_closes)


def write(
    tx: Tx,
    ws: WriteSet,
    changeset: ChangeSetRecord | Mapping[str, Any],
    batch: int,
    history: bool = True,
) -> None:
    """Apply a WriteSet. The ChangeSet node is written only when something changed."""
    record = ChangeSetRecord.of(changeset)
    at, cs = record.at, record.id
    if ws.changes():
        tx.run(CREATE_CHANGESET, props=record.props())
    for cls, rows in ws.creates.values():
        query = create_cis_query(cls)
        for chunk in chunks(rows, batch):
            tx.run(query, rows=list(chunk), at=at)
    update_query = UPDATE_CIS if history else UPDATE_CIS_NO_HISTORY
    ws.updates.sort(key=lambda u: u.uid)
    update_rows = [
        {"uid": u.uid, "set": u.set, "changed": u.changed, "seen": u.seen} for u in ws.updates
    ]
    for chunk in chunks(update_rows, batch):
        tx.run(update_query, rows=list(chunk), at=at, cs=cs)
    for chunk in chunks(ws.touches, batch):
        tx.run(TOUCH_CIS, rows=list(chunk), at=at)
    by_type: dict[str, list[tuple[str, str, tuple[tuple[str, Any], ...]]]] = defaultdict(list)
    props: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}  # the few distinct maps
    shape_of: dict[int, tuple[tuple[str, Any], ...]] = {}  # links share their props dicts
    for link in ws.link_creates:
        shape = shape_of.get(id(link.props))
        if shape is None:
            shape = shape_of[id(link.props)] = tuple(sorted(link.props.items()))
            props.setdefault(shape, link.props)
        by_type[link.type].append((link.b, link.a, shape))
    for rel_type, links in by_type.items():
        links.sort(key=lambda t: (t[0], t[1]))  # one lock order for concurrent writers
        query = create_links_query(rel_type)
        for part in chunks(links, batch):
            used: dict[tuple[tuple[str, Any], ...], int] = {}
            rows = [{"a": a, "b": b, "p": used.setdefault(shape, len(used))}
                    for b, a, shape in part]  # fmt: skip
            tx.run(query, rows=rows, props=[props[shape] for shape in used], at=at)
    for ids in chunks(ws.link_closes, batch):
        tx.run(CLOSE_LINKS, ids=list(ids), at=at, cs=cs)
    for chunk in chunks(ws.link_touches, batch):
        tx.run(TOUCH_LINKS, rows=list(chunk), at=at)
    for ids in chunks(ws.pending_deletes, batch):
        tx.run(DELETE_PENDING, ids=list(ids))
    for chunk in chunks(ws.pending_creates, batch):
        tx.run(CREATE_PENDING, rows=list(chunk), at=at)
    for chunk in chunks(ws.conflicts, batch):
        tx.run(RECORD_CONFLICTS, rows=list(chunk), at=at, cs=cs)
