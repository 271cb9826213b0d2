"""Manual edits and lifecycle policy: written like any change, with history and a reason.

Manual edits carry source `manual` (the strongest source) and require a reason. The
lifecycle sweep moves CIs whose last sighting is too old to absent, and CIs absent too
long to retired, per cmdb.yaml. Nothing is ever hard-deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import neo4j

from cmdb.config import Config
from cmdb.errors import AmbiguousError, ManualEditError, NotFoundError, ObservationError
from cmdb.properties import native_props
from cmdb.queries.identify import FIND_BY_UID_OR_NAME
from cmdb.queries.lifecycle import LONG_ABSENT, READ_CI, STALE_ACTIVE
from cmdb.schema import STATUSES, CIClass, Schema
from cmdb.validate import coerce
from cmdb.write import ChangeSetRecord, CIUpdate, Tx, WriteSet, write

MANUAL = "manual"  # the source of manual edits and of the lifecycle policy


def find_uid(driver: neo4j.Driver, key: str) -> str:
    """The uid of the CI with this uid or name; errors name what is ambiguous."""
    records, _, _ = driver.execute_query(FIND_BY_UID_OR_NAME, key=key)
    exact = [r for r in records if r["uid"] == key]
    if exact:
        return str(exact[0]["uid"])
    if not records:
        raise NotFoundError(f"no CI with uid or name {key!r}")
    if len(records) > 1:
        options = ", ".join(f"{r['uid']} ({r['class']})" for r in records)
        raise AmbiguousError(f"{len(records)} CIs are named {key!r}: use a uid: {options}")
    return str(records[0]["uid"])


def set_attributes(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    uid: str,
    values: dict[str, str | None],
    reason: str,
    actor: str,
    change_request: str | None = None,
    at: datetime | None = None,
) -> list[str]:
    """Set (or with None, clear) attributes by hand. Values are text, parsed by type."""
    changed, _changeset = set_attributes_recorded(
        driver, schema, config, uid, values, reason, actor, change_request, at
    )
    return changed


def set_attributes_recorded(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    uid: str,
    values: Mapping[str, Any],
    reason: str,
    actor: str,
    change_request: str | None = None,
    at: datetime | None = None,
) -> tuple[list[str], str | None]:
    """`set_attributes`, also returning the id of the change set written (None when
    nothing changed). Values are text parsed by type, or typed values (the API's JSON),
    checked as `cmdb load` checks them."""
    if not reason or not reason.strip():
        raise ManualEditError("a manual edit needs a reason (--reason)")
    when = at or datetime.now(UTC)

    def work(tx: Tx) -> tuple[list[str], str | None]:
        record = tx.run(READ_CI, uid=uid).single()
        if record is None:
            raise NotFoundError(f"no CI with uid {uid!r}")
        cur = native_props(record["p"])
        cls = schema.classes[cur["_class"]]
        changes = _changed_values(cls, cur, values, uid)
        if not changes:
            return [], None
        prov = json.loads(cur.get("_prov") or "{}")
        prov.update({name: MANUAL for name in changes})
        ws = WriteSet()
        setting = {**changes, "_prov": json.dumps(prov, sort_keys=True)}
        ws.updates.append(CIUpdate(uid, setting, sorted(changes)))
        # history is never inserted in the past: an edit dated before the current state
        # began is written when that state began (as a late ingest is)
        cs = ChangeSetRecord(
            source=MANUAL,
            actor=actor,
            at=max(when, cur["_vfrom"]),
            observed_at=when,
            reason=reason,
            change_request=change_request,
        )
        write(tx, ws, cs, config.batch_size)
        return sorted(changes), cs.id

    with driver.session() as session:
        done: tuple[list[str], str | None] = session.execute_write(work)
    return done


def _changed_values(
    cls: CIClass, current: dict[str, Any], values: Mapping[str, Any], uid: str
) -> dict[str, Any]:
    """The typed values of `values` (text) that differ from the CI's current ones; a bad
    name, status or value, or clearing an identifier, is a ManualEditError."""
    changes: dict[str, Any] = {}
    for name, text in values.items():
        if name == "status":
            if text not in STATUSES:
                raise ManualEditError(f"status must be one of {list(STATUSES)}")
            value: Any = text
        else:
            attr = cls.attributes.get(name)
            if attr is None:
                raise ManualEditError(f"{cls.name} has no attribute {name!r}")
            if name in cls.identifier_attributes and text is None:
                raise ManualEditError(f"{name!r} identifies {cls.name}s and cannot be cleared")
            if name == "name" and text is None:  # pages of CIs are read in an index of names
                raise ManualEditError("'name' cannot be cleared: every CI has a name (set another)")
            try:
                value = coerce(attr, _parse_text(attr.type, text), f"CI {uid}", name)
            except ObservationError as exc:
                raise ManualEditError(str(exc)) from None
        if current.get(name) != value:
            changes[name] = value
    return changes


def _parse_text(kind: str, text: Any) -> Any:
    if not isinstance(text, str):  # None, or a typed value: checked as given
        return text
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        lowered = text.lower()
        return {"true": True, "yes": True, "false": False, "no": False}.get(lowered, text)
    if kind == "string_list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def sweep(driver: neo4j.Driver, config: Config, now: datetime | None = None) -> dict[str, int]:
    """Apply the time-based lifecycle policy: stale active -> absent -> retired."""
    now = now or datetime.now(UTC)
    lc = config.lifecycle
    counts = {"absent": 0, "retired": 0}

    def work(tx: Tx) -> None:
        ws = WriteSet()
        if lc.absent_after is not None:
            for r in tx.run(STALE_ACTIVE, before=now - lc.absent_after):
                ws.updates.append(CIUpdate(r["uid"], {"status": "absent"}, ["status"]))
                counts["absent"] += 1
        if lc.retire_after_absent is not None:
            for r in tx.run(LONG_ABSENT, before=now - lc.retire_after_absent):
                ws.updates.append(CIUpdate(r["uid"], {"status": "retired"}, ["status"]))
                counts["retired"] += 1
        if ws.updates:
            cs = ChangeSetRecord(
                source=MANUAL, actor="lifecycle", at=now, observed_at=now, reason="lifecycle policy"
            )
            write(tx, ws, cs, config.batch_size)

    with driver.session() as session:
        session.execute_write(work)
    return counts
