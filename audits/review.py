"""An auditor's reads and steps on findings, as operations (cmdb.changes.steps) the CLI
and the API run alike: read, list by rule, severity and status, acknowledge, waive (a
reason, an approver and an expiry: the first audit run after it reopens the finding)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audits.errors import AuditError
from audits.findings import ACTIVE, Finding, Status, from_row
from audits.rulefile import SEVERITIES
from cmdb.changes.steps import Operation, Write
from cmdb.queries import audits as q
from cmdb.queryplan import Plan, Query

MAX_TEXT = 2000


@dataclass(frozen=True)
class Page:
    items: tuple[Finding, ...]
    has_next: bool


def read(ids: Sequence[str]) -> Plan[list[Finding]]:
    rows = yield Query(q.READ_FINDINGS, {"ids": list(ids)})
    found = {f.id: f for f in map(from_row, rows)}
    return [found[i] for i in ids if i in found]


def read_one(ref: str) -> Plan[Finding]:
    """A finding by its id (FND0000001) or its key (`rule|uid`)."""
    finding_id = ref
    if "|" in ref:
        rows = yield Query(q.FINDING_BY_KEY, {"key": ref})
        finding_id = rows[0]["id"] if rows else ""
    found = yield from read([finding_id])
    if not found:
        raise AuditError(f"no finding {ref[:80]!r}")
    return found[0]


def page(
    rule: str | None = None,
    severities: Sequence[str] = SEVERITIES,
    statuses: Sequence[Status] = ACTIVE,
    first: int = 100,
    after: str = "",
) -> Plan[Page]:
    """Findings in id order after the cursor `after` (an id), one rule's or all."""
    check_severities(severities)
    params = {"statuses": [s.value for s in statuses], "severities": list(severities),
              "after": after, "limit": first + 1}  # fmt: skip
    text = q.FINDING_IDS_BY_STATUS if rule is None else q.FINDING_IDS_OF_RULE
    rows = yield Query(text, {**params, "rule": rule} if rule else params)
    ids = [r["id"] for r in rows]
    items = yield from read(ids[:first])
    return Page(tuple(items), len(ids) > first)


def check_severities(severities: Sequence[str]) -> None:
    bad = [s for s in severities if s not in SEVERITIES]
    if bad:
        raise AuditError(f"severity {bad[0][:40]!r} is none of {', '.join(SEVERITIES)}")


def acknowledge(
    ref: str, actor: str, now: datetime, comment: str | None = None
) -> Operation[Finding]:
    """An open finding seen by an auditor: acknowledged (it stays until resolved)."""
    f = yield from read_one(ref)
    if f.status is not Status.OPEN:
        raise AuditError(f"finding {f.id} is {f.status}: only an open finding is acknowledged")
    yield from _step(f, "acknowledge", Status.ACKNOWLEDGED, actor, now, _text("comment", comment),
                     {})  # fmt: skip
    return (yield from read_one(f.id))


def waive(
    ref: str, reason: str, until: datetime, approver: str, actor: str, now: datetime
) -> Operation[Finding]:
    """A waiver of an unresolved finding until `until` (a time with its zone, ahead)."""
    reason = (_text("reason", reason) or "").strip()
    approver = (_text("approver", approver) or "").strip()
    if not reason or not approver:
        raise AuditError("a waiver needs a reason and an approver")
    if until.tzinfo is None or until <= now:
        raise AuditError(f"waiver until {until.isoformat()}: must be a time ahead of now")
    f = yield from read_one(ref)
    if f.status is Status.RESOLVED:
        raise AuditError(f"finding {f.id} is resolved: nothing to waive")
    props = {"waiver_reason": reason, "waiver_by": approver, "waiver_until": until}
    comment = f"{reason} (approved by {approver}, until {until.isoformat()})"
    waiver = {"reason": reason, "approver": approver, "until": until}
    yield from _step(f, "waive", Status.WAIVED, actor, now, comment, props, waiver)
    return (yield from read_one(f.id))


def _step(
    f: Finding,
    action: str,
    to: Status,
    actor: str,
    now: datetime,
    comment: str | None,
    props: dict[str, Any],
    waiver: dict[str, Any] | None = None,
) -> Operation[None]:
    row = {"key": f"{f.rule}|{f.ci_uid}", "revision": f.revision, "action": action,
           "from_status": f.status.value, "to_status": to.value, "comment": comment,
           "props": props, "waiver": waiver}  # fmt: skip
    rows = yield Write(q.STEP_FINDINGS, {"rows": [row], "actor": actor, "at": now, "run": None})
    if not rows:
        raise AuditError(f"finding {f.id} was changed meanwhile (an audit run?): try again")


def _text(name: str, value: str | None) -> str | None:
    if value is not None and len(value) > MAX_TEXT:
        raise AuditError(f"{name}: at most {MAX_TEXT} characters, got {len(value)}")
    return value
