"""The GraphReader of ingest over Neo4j: the queries of cmdb.queries (identify, ingest,
links) run in the ingest's transaction, in bounded UNWIND batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cmdb.batch import chunks
from cmdb.ingest.reader import Found, LinkState, OpenLink, Part, Pending, StoredSummary
from cmdb.properties import from_epoch, native_props
from cmdb.queries import ingest as q
from cmdb.queries import links as ql
from cmdb.queries.identify import global_lookup_query, lookup_query, within_lookup_query
from cmdb.schema import CIClass, RelType
from cmdb.write import Tx

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Neo4jReader:
    def __init__(self, tx: Tx, batch: int) -> None:
        self.tx = tx
        self.batch = batch

    def find(
        self,
        cls: CIClass,
        set_index: int,
        rows: Sequence[tuple[int, Mapping[str, Any], str | None]],
    ) -> list[Found]:
        id_set = cls.identification[set_index]
        query = lookup_query(cls, set_index)
        found: list[Found] = []
        for chunk in chunks(rows, self.batch):
            params = []
            for i, values, parent in chunk:
                row: dict[str, Any] = {"i": i, "p": parent}
                for n, attr in enumerate(id_set):
                    row[f"v{n}"] = values[attr]
                params.append(row)
            record = self.tx.run(query, rows=params).single()
            for i, uid, fp, lfp, seen, scope, missed, status, secs, nanos, claims in (
                record["found"] if record else []
            ):
                summary = StoredSummary(fp, lfp, seen, scope, missed, status, (secs, nanos), claims)
                found.append(Found(i, uid, summary))
        return found

    def find_global(
        self, cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any]
    ) -> list[str]:
        params = {f"v{i}": values[a] for i, a in enumerate(id_set)}
        return [r["uid"] for r in self.tx.run(global_lookup_query(cls, id_set), **params)]

    def find_within(
        self, cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any], parent: str
    ) -> list[str]:
        params = {f"v{i}": values[a] for i, a in enumerate(id_set)}
        query = within_lookup_query(cls, id_set)
        return [r["uid"] for r in self.tx.run(query, p=parent, **params)]

    def states(self, uids: Sequence[str]) -> dict[str, dict[str, Any]]:
        states: dict[str, dict[str, Any]] = {}
        for chunk in chunks(uids, self.batch):
            for record in self.tx.run(q.READ_CIS, uids=list(chunk)):
                props = native_props(record["p"])
                props["last_seen"] = from_epoch(props["last_seen"])
                props["_vfrom"] = from_epoch(props["_vfrom"])
                states[props["uid"]] = props
        return states

    def attributes_set_after(self, uid: str, attrs: Sequence[str], at: datetime) -> set[str]:
        record = self.tx.run(q.SET_AFTER, uid=uid, attrs=list(attrs), t=at, epoch=EPOCH).single()
        return set(record["newer"]) if record else set()

    def latest_change(self, uids: Sequence[str]) -> datetime | None:
        record = self.tx.run(q.LATEST_CHANGE, uids=list(uids)).single()
        if record is None or record["at"] is None:
            return None
        at: datetime = record["at"].to_native()
        return at

    def changeset_run(self, cs_id: str | None) -> str | None:
        record = self.tx.run(q.STATE_RUN, cs=cs_id).single()
        return record["run"] if record else None

    def missed(
        self, scope: str, classes: Sequence[str] | None, seen: Sequence[str], at: datetime
    ) -> list[tuple[str, int]]:
        records = self.tx.run(q.SCOPE_MISSED, scope=scope, classes=classes, seen=list(seen), at=at)
        return [(r["uid"], int(r["missed"])) for r in records]

    def device_parts(self, uid: str) -> list[Part]:
        return [
            Part(r["uid"], r["class"], r["scope"], r["status"], r["made_in"])
            for r in self.tx.run(q.PARTS, uid=uid, epoch=EPOCH)
        ]

    def any_pending(self) -> bool:
        record = self.tx.run(ql.ANY_PENDING).single()
        return bool(record and record["any"])

    def pending_by_keys(self, keys: Sequence[str]) -> list[Pending]:
        found = []
        for chunk in chunks(keys, self.batch):
            for r in self.tx.run(ql.PENDING_BY_KEY, keys=list(chunk)):
                found.append(
                    Pending(
                        r["id"],
                        r["key"],
                        r["type"],
                        r["known"],
                        r["known_end"],
                        r["evidence"],
                        r["source"],
                        r["scope"],
                        r["attrs"] or "",
                    )
                )
        return found

    def scoped_pending(self, scope: str, source: str) -> list[Pending]:
        return [
            Pending(r["id"], r["key"], r["type"], r["known"])
            for r in self.tx.run(ql.SCOPED_PENDING, scope=scope, source=source)
        ]

    def scoped_pending_on(
        self, uids: Sequence[str], scope: str, source: str
    ) -> list[tuple[str, str]]:
        records = self.tx.run(ql.SCOPED_PENDING_ON, uids=list(uids), scope=scope, source=source)
        return [(r["id"], r["type"]) for r in records]

    def link_states(
        self,
        rel: RelType,
        rows: Sequence[Mapping[str, Any]],
        stale: datetime,
        scope: str | None,
        at: datetime,
    ) -> list[LinkState]:
        query = ql.link_state_query(rel)
        found = []
        for chunk in chunks(rows, self.batch):
            for r in self.tx.run(query, rows=list(chunk), stale=stale, scope=scope, at=at):
                found.append(
                    LinkState(
                        r["i"],
                        r["id"],
                        bool(r["stale"]),
                        bool(r["moved"]),
                        bool(r["late"]),
                        bool(r["changed"]),
                    )
                )
        return found

    def scoped_open_links(
        self, rels: Sequence[RelType], scope: str, source: str, at: datetime
    ) -> list[OpenLink]:
        record = self.tx.run(ql.close_query(list(rels)), scope=scope, source=source, at=at).single()
        return [OpenLink(*link) for link in (record["links"] if record else [])]

    def scoped_links_on(self, uids: Sequence[str], scope: str, source: str) -> list[OpenLink]:
        records = self.tx.run(ql.SCOPED_LINKS_ON, uids=list(uids), scope=scope, source=source)
        return [OpenLink(r["id"], r["t"], r["a"], r["b"]) for r in records]
