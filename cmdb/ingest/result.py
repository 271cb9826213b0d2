"""What one ingest did: counts (late facts among them), the uids of the
change set's keys, the devices left out as duplicates, and the diff, spelt out only when
asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cmdb.ingest.claims import DuplicateIdentity


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
    # late sightings: attribute values (and links) observed before the stored value was
    # set or confirmed (or the link closed), so not written (cmdb.ingest.reconcile,
    # cmdb.ingest.links)
    late: int = 0
    uids: dict[str, str] = field(default_factory=dict)
    # devices another scope of the source owns, left out with what hangs on them, and
    # rivals of this run whose report of a device this change set withdrew
    # (cmdb.ingest.claims); the rest of the change set was ingested
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
