"""A reconciliation run: the frames read, each kind's discrepancies found (audits/reconcile
kinds), then decided against the kind's stored findings by the audits' findings store
(audits.findings.decide: opened, detected again, resolved when it clears, a waiver kept)
and written with an (:AuditRun) in ONE transaction by the store's own queries
(cmdb/queries/audits.py). A kind that did not run (drift and duplicate rows without a register file)
leaves its findings as they are."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import neo4j
import pandas as pd

from audits.evaluate import Violation
from audits.findings import Outcome, Stored, decide
from audits.reconcile import kinds
from audits.reconcile.frames import Frames, read_frames, register_frame
from audits.register.importer import RegisterFile
from audits.rulefile import Rule, Scope
from audits.run import AuditRun, RuleResult, finding_writes, write_run
from cmdb.queries import audits as q
from cmdb.queryplan import Plan, Query, run_plan

DEVICE_LABELS = ["Server", "NetworkDevice", "Peripheral", "UnclassifiedDevice"]
PATH = "audits/reconcile"


def _rule(kind: str, severity: str, title: str, doc: str) -> Rule:
    return Rule(id=f"reconcile-{kind}", title=title, severity=severity, doc=doc,  # type: ignore[arg-type]
                scope=Scope(classes=DEVICE_LABELS), cypher=f"-- {PATH}/kinds.py {kind}",
                path=PATH)  # fmt: skip


RULES = {
    "missing": _rule("missing", "major", "Registered device not found by discovery",
                     "In the register, never seen over SSH or SNMP although discovery covered it."),
    "unregistered": _rule("unregistered", "minor", "Discovered device not in the register",
                          "Seen by discovery, never reported by the register."),
    "drift": _rule("drift", "minor", "Register and discovery disagree",
                   "Serial, model, location, owner or warranty differ from the register's."),
    "duplicate": _rule("duplicate", "major", "One serial number on several CIs",
                       "Several CIs carry the same serial number."),
    "conflict": _rule("conflict", "major", "Open identification conflict",
                      "One fact's identifiers found this CI and others (cmdb runs conflicts)."),
    "duplicate-row": _rule("duplicate-row", "minor", "One serial number on several register rows",
                           "The register lists one serial number more than once."),
    "port-unpatched": _rule("port-unpatched", "minor",
                            "Connected switch port without an information point",
                            "A switch port up with an open CONNECTED_TO, no point PATCHED_TO it."),
    "point-port": _rule("point-port", "minor", "Information point on an unknown or down port",
                        "Its PATCHED_TO port is not on record (pending) or is down."),
}  # fmt: skip
KINDS = tuple(RULES)


@dataclass(frozen=True)
class Reconciled:
    run: AuditRun
    found: dict[str, pd.DataFrame]  # kind -> uid, evidence (the kinds that ran)


def find(frames: Frames, register: RegisterFile | None) -> dict[str, pd.DataFrame]:
    found = {"missing": kinds.missing(frames), "unregistered": kinds.unregistered(frames),
             "duplicate": kinds.duplicates(frames), "conflict": kinds.conflicts(frames),
             "port-unpatched": kinds.unpatched_ports(frames),
             "point-port": kinds.unplaced_points(frames)}  # fmt: skip
    if register is not None:
        rows = register_frame(register)
        found["drift"] = kinds.drift(rows, frames)
        found["duplicate-row"] = kinds.duplicate_rows(rows, frames)
    return found


def reconcile(
    driver: neo4j.Driver, batch_size: int, register: RegisterFile | None, *, actor: str,
    now: datetime, progress: Callable[[str], None] | None = None,
) -> Reconciled:  # fmt: skip
    """Reconcile now; returns the run as stored and what each kind found."""
    run_id = f"AUD-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    t0 = time.monotonic()
    found = find(run_plan(driver, read_frames(DEVICE_LABELS)), register)
    results, outcomes = [], []
    for kind, rule in RULES.items():
        if kind not in found:
            results.append(RuleResult(rule, "no register file given"))
            continue
        violations = [Violation(u, e) for u, e in zip(found[kind]["uid"], found[kind]["evidence"],
                                                      strict=True)]  # fmt: skip
        stored = run_plan(driver, _stored(rule.id))
        outcome = decide(rule, violations, stored, now, run_id)
        results.append(RuleResult(rule, None, outcome.counts))
        outcomes.append(outcome)
        if progress is not None:
            progress(kind)
    ms = int((time.monotonic() - t0) * 1000)
    run = AuditRun(run_id, actor, now, now + timedelta(milliseconds=ms), ms, "reconcile",
                   tuple(results), kind="reconcile")  # fmt: skip
    _write(driver, batch_size, run, outcomes)
    return Reconciled(run, found)


def _stored(rule_id: str) -> Plan[list[Stored]]:
    rows = yield Query(q.FINDINGS_OF_RULE, {"rule": rule_id, "labels": ["CI"]})
    return [Stored.of(r) for r in rows]


def _write(driver: neo4j.Driver, size: int, run: AuditRun, outcomes: list[Outcome]) -> None:
    write_run(driver, size, run.props(), finding_writes(outcomes), "the reconciliation")
