"""Plain values for the ingest rules' unit tests: a context, facts, groups, stored
summaries and states, as the pipeline would hand them to a stage (no graph, no reader)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cmdb.config import Config
from cmdb.identity import key_of, usable_sets
from cmdb.ingest.context import IngestContext
from cmdb.ingest.identify import Group, Identified, make_group
from cmdb.ingest.reader import StoredSummary
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from cmdb.validate import Fact, Ref

SCHEMA: Schema = load_schema()
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def context(source: str = "snmp", at: datetime = T0, **changeset: Any) -> IngestContext:
    cs = ChangeSet.model_validate({"source": source, "actor": "test", "observed_at": at,
                                   **changeset})  # fmt: skip
    return IngestContext(SCHEMA, Config(data_dir=Path("/nonexistent")), cs, at, "cs-now")


def fact(index: int, cls: str, attrs: dict[str, Any], parent: Ref | None = None,
         status: str | None = None) -> Fact:  # fmt: skip
    ci_class = SCHEMA.classes[cls]
    usable = tuple(usable_sets(SCHEMA, ci_class, attrs))
    return Fact(index, f"k{index}", ci_class, attrs, parent, status, usable)


def group(cls: str, attrs: dict[str, Any], parent_uid: str | None = None,
          status: str | None = None, index: int = 0) -> Group:  # fmt: skip
    return make_group(SCHEMA, [fact(index, cls, attrs, status=status)], SCHEMA.classes[cls],
                      parent_uid)  # fmt: skip


def stored(uid: str, cls: str, group_: Group, matched: int = 0) -> Identified:
    """A group identified to the stored CI `uid`."""
    assert SCHEMA.classes[cls] is group_.cls
    return Identified(group_, uid, matched)


def new(group_: Group, uid: str = "new1") -> Identified:
    idk = key_of(group_.cls, group_.usable[0], group_.attrs, group_.parent_uid)
    return Identified(group_, uid, idk=idk)


def epoch(at: datetime | None) -> tuple[Any, Any]:
    if at is None:
        return (None, None)
    return (int(at.timestamp()), at.microsecond * 1000)


def summary(fp: str | None = None, source: str = "snmp", last_seen: datetime | None = T0,
            seen: datetime | None = None, scope: str | None = None, missed: int = 0,
            status: str = "active", claims: dict[str, Any] | None = None,
            lfp: str | None = None) -> StoredSummary:  # fmt: skip
    fp_text = json.dumps({source: fp}) if fp else None
    lfp_text = json.dumps({source: lfp}) if lfp else None
    seen_text = json.dumps({source: (seen or last_seen or T0).isoformat()})
    claims_text = json.dumps(claims) if claims is not None else None
    return StoredSummary(fp_text, lfp_text, seen_text, scope, missed, status, epoch(last_seen),
                         claims_text)  # fmt: skip


def state(uid: str, cls: str, attrs: dict[str, Any], prov: dict[str, str],
          seen: dict[str, datetime], vfrom: datetime = T0 - HOUR,
          last_seen: datetime | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A stored CI as the reader returns it: attributes and bookkeeping."""
    return {
        **attrs, "uid": uid, "_class": cls, "status": "active",
        "_prov": json.dumps(prov), "_seen": json.dumps({s: t.isoformat() for s, t in seen.items()}),
        "_vfrom": vfrom, "last_seen": last_seen or max(seen.values(), default=vfrom), **extra,
    }  # fmt: skip
