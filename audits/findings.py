"""Findings: what a rule found about one CI, kept in the graph with every step of its
life. `decide` is the pure part of a run: given a rule's violations now and its findings
as stored, what to open, detect again, resolve, reopen or let lapse. A waiver hides a
finding until its expiry; the first run after it lapses reopens it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from audits.evaluate import Violation
from audits.rulefile import Rule
from cmdb.properties import native


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    WAIVED = "waived"
    RESOLVED = "resolved"


UNRESOLVED = (Status.OPEN, Status.ACKNOWLEDGED, Status.WAIVED)
ACTIVE = (Status.OPEN, Status.ACKNOWLEDGED)  # listed by default: a waiver hides a finding


@dataclass(frozen=True)
class Stored:
    """A finding as a run reads it (cmdb/queries/audits.py FINDINGS_OF_RULE)."""

    key: str
    id: str
    uid: str
    status: Status
    revision: int
    waiver_until: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Stored:
        until = native(row.get("waiver_until"))
        return cls(row["key"], row["id"], row["uid"], Status(row["status"]), int(row["revision"]),
                   until)  # fmt: skip


@dataclass
class Outcome:
    """One rule's writes (the rows of cmdb/queries/audits.py) and its counts."""

    opened: list[dict[str, Any]] = field(default_factory=list)
    detected: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def finding_key(rule_id: str, uid: str) -> str:
    return f"{rule_id}|{uid}"


def decide(
    rule: Rule, found: Sequence[Violation], stored: Sequence[Stored], now: datetime, run: str
) -> Outcome:
    """What run `run` at `now` writes of `rule`: its violations against its findings."""
    out = Outcome()
    counts = dict.fromkeys(("violations", "opened", "reopened", "resolved", "lapsed",
                            "still_open", "waived"), 0)  # fmt: skip
    counts["violations"] = len(found)
    by_key = {s.key: s for s in stored}
    for v in found:
        key = finding_key(rule.id, v.uid)
        props = {"severity": rule.severity, "title": rule.title,
                 "evidence": json.dumps(v.evidence, sort_keys=True, default=str)}  # fmt: skip
        s = by_key.pop(key, None)
        if s is None:
            out.opened.append({"key": key, "uid": v.uid, "comment": None,
                               "props": {**props, "rule": rule.id, "ci_uid": v.uid}})  # fmt: skip
            counts["opened"] += 1
            continue
        out.detected.append({"key": key, "props": props})
        if s.status is Status.RESOLVED:
            out.steps.append(_step(s, "reopen", Status.OPEN, "detected again",
                                   {"resolved_at": None, "resolved_by_run": None}))  # fmt: skip
            counts["reopened"] += 1
        elif s.status is Status.WAIVED and (s.waiver_until is None or s.waiver_until <= now):
            note = f"waiver lapsed (until {s.waiver_until.isoformat() if s.waiver_until else '?'})"
            out.steps.append(_step(s, "lapse", Status.OPEN, note, _NO_WAIVER))
            counts["lapsed"] += 1
        elif s.status is Status.WAIVED:
            counts["waived"] += 1
        else:
            counts["still_open"] += 1
    for s in by_key.values():
        if s.status is not Status.RESOLVED:
            waiver: dict[str, Any] = _NO_WAIVER if s.status is Status.WAIVED else {}  # ends too
            cleared: dict[str, Any] = {"resolved_at": now, "resolved_by_run": run, **waiver}
            out.steps.append(_step(s, "resolve", Status.RESOLVED, "condition cleared", cleared))
            counts["resolved"] += 1
    out.counts = counts
    return out


_NO_WAIVER = {"waiver_reason": None, "waiver_by": None, "waiver_until": None}


def _step(
    s: Stored, action: str, to: Status, comment: str | None, props: dict[str, Any]
) -> dict[str, Any]:
    return {"key": s.key, "revision": s.revision, "action": action,
            "from_status": s.status.value, "to_status": to.value, "comment": comment,
            "props": props}  # fmt: skip


@dataclass(frozen=True)
class Event:
    seq: int
    action: str  # open, reopen, resolve, lapse, acknowledge, waive
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    run: str | None
    comment: str | None


@dataclass(frozen=True)
class Waiver:
    """A waiver as granted (reason, approver, expiry) and, once over, how it ended: the
    step that ended it (lapse, resolve, reopen, acknowledge, a new waive)."""

    id: str
    reason: str
    approver: str
    until: datetime
    granted_at: datetime
    granted_by: str
    ended_at: datetime | None = None
    ended_by: str | None = None


@dataclass(frozen=True)
class Finding:
    id: str
    rule: str
    severity: str
    title: str
    status: Status
    ci_uid: str
    ci_name: str | None
    ci_class: str
    evidence: dict[str, Any]
    opened_at: datetime
    last_detected_at: datetime
    last_run: str | None
    revision: int
    resolved_at: datetime | None = None
    resolved_by_run: str | None = None
    waiver_reason: str | None = None
    waiver_by: str | None = None
    waiver_until: datetime | None = None
    events: tuple[Event, ...] = ()
    waivers: tuple[Waiver, ...] = ()  # every waiver granted, the oldest first


def from_row(row: dict[str, Any]) -> Finding:
    """A finding from READ_FINDINGS's row."""
    p = {k: native(v) for k, v in row["finding"].items()}
    return Finding(
        id=p["id"], rule=p["rule"], severity=p["severity"], title=p["title"],
        status=Status(p["status"]), ci_uid=row["uid"], ci_name=row.get("name"),
        ci_class=row.get("class") or "CI", evidence=json.loads(p.get("evidence") or "{}"),
        opened_at=p["opened_at"], last_detected_at=p["last_detected_at"],
        last_run=p.get("last_run"), revision=int(p["revision"]),
        resolved_at=p.get("resolved_at"), resolved_by_run=p.get("resolved_by_run"),
        waiver_reason=p.get("waiver_reason"), waiver_by=p.get("waiver_by"),
        waiver_until=p.get("waiver_until"),
        events=tuple(_event(e) for e in row["events"]),
        waivers=tuple(_waiver(w) for w in row.get("waivers") or ()),
    )  # fmt: skip


def _event(e: dict[str, Any]) -> Event:
    return Event(int(e["seq"]), e["action"], e.get("from_status"), e["to_status"], e["actor"],
                 native(e["at"]), e.get("run"), e.get("comment"))  # fmt: skip


def _waiver(w: dict[str, Any]) -> Waiver:
    return Waiver(w["id"], w["reason"], w["approver"], native(w["until"]),
                  native(w["granted_at"]), w["granted_by"], native(w.get("ended_at")),
                  w.get("ended_by"))  # fmt: skip
