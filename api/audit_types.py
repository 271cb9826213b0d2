"""The GraphQL types of audits (api/audits.py and api/audit_mutations.py resolve them):
findings with their CI, evidence, times, waivers and every step of their life; their
pages with counts by severity and status; audit runs with their counts (per rule in the
answer of `runAudit`); what a register upload imported and the rows it refused."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api import loaders
from api.cis import ConfigurationItem
from api.context import RequestContext
from api.paging import PageInfo
from audits.findings import Finding, Status
from audits.register.importer import ImportReport
from audits.run import COUNTS, AuditRun

strawberry.enum(Status, name="FindingStatus")


@strawberry.type(description="One step of a finding's life: open, resolve, reopen, lapse, "
                 "acknowledge, waive.")  # fmt: skip
class FindingStep:
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    run: str | None = strawberry.field(description="the audit run that took it (null: a person)")
    comment: str | None


@strawberry.type(description="A waiver as granted and, once over, how it ended.")
class FindingWaiver:
    id: str
    reason: str
    approver: str
    until: datetime
    granted_at: datetime
    granted_by: str
    ended_at: datetime | None
    ended_by: str | None = strawberry.field(
        description="the step that ended it (lapse, resolve, acknowledge, waive, ...)"
    )


@strawberry.type(name="Finding", description="What a rule found about one CI, kept with its "
                 "history.")  # fmt: skip
class FindingType:
    id: str
    rule: str
    severity: str
    title: str
    status: Status
    ci_uid: str
    ci_name: str | None
    ci_class: str
    evidence: JSON
    opened_at: datetime
    last_detected_at: datetime
    last_run: str | None
    resolved_at: datetime | None
    resolved_by_run: str | None
    waiver: FindingWaiver | None = strawberry.field(description="the waiver in force, if any")
    waivers: list[FindingWaiver] = strawberry.field(description="every waiver, oldest first")
    history: list[FindingStep] = strawberry.field(description="every step, oldest first")

    @strawberry.field(description="The CI it is about, as it is now (null: gone).")
    async def ci(self, info: Info[RequestContext, None]) -> ConfigurationItem | None:
        found = await loaders.states(info.context, None).load(self.ci_uid)
        return found  # type: ignore[return-value]  # a CINode, typed by resolve_type


def finding_type(f: Finding) -> FindingType:
    waivers = [FindingWaiver(**vars(w)) for w in f.waivers]
    in_force = next((w for w in reversed(waivers) if w.ended_at is None), None)
    return FindingType(
        id=f.id, rule=f.rule, severity=f.severity, title=f.title, status=f.status,
        ci_uid=f.ci_uid, ci_name=f.ci_name, ci_class=f.ci_class,
        evidence=cast(JSON, f.evidence), opened_at=f.opened_at,
        last_detected_at=f.last_detected_at, last_run=f.last_run,
        resolved_at=f.resolved_at, resolved_by_run=f.resolved_by_run,
        waiver=in_force if f.status is Status.WAIVED else None, waivers=waivers,
        history=[FindingStep(**vars(e)) for e in f.events],
    )  # fmt: skip


@strawberry.type
class FindingEdge:
    cursor: str
    node: FindingType


@strawberry.type(description="How many findings of the filter have one severity or status.")
class FindingCount:
    key: str
    count: int


@strawberry.type(description="The filter's findings counted (every page alike).")
class FindingTotals:
    by_severity: list[FindingCount] = strawberry.field(description="worst first")
    by_status: list[FindingCount]


@strawberry.type
class FindingConnection:
    total_count: int
    totals: FindingTotals
    edges: list[FindingEdge]
    page_info: PageInfo


@strawberry.input(description="Which findings; a field not given does not narrow.")
class FindingFilter:
    rule: str | None = None
    severity: list[str] | None = strawberry.field(
        default=None, description="critical, major, minor, warning, info"
    )
    status: list[Status] | None = strawberry.field(
        default=None, description="default: OPEN and ACKNOWLEDGED (a waiver hides a finding)"
    )
    ci_uid: str | None = None
    class_: str | None = strawberry.field(
        default=None, name="class", description="a class of schema/, with its subclasses"
    )


@strawberry.type(description="What one rule did in a run.")
class AuditRuleResult:
    rule: str
    severity: str
    title: str
    skipped: str | None = strawberry.field(description="why it did not run (null: it ran)")
    violations: int
    opened: int
    reopened: int
    resolved: int
    lapsed: int
    still_open: int
    waived: int


@strawberry.type(name="AuditRun", description="One audit run: the rules it ran and what it "
                 "did to their findings.")  # fmt: skip
class AuditRunType:
    id: str
    kind: str = strawberry.field(
        description="rules, reconcile (register against discovery) or changes (the check)"
    )
    actor: str
    reason: str | None
    started_at: datetime
    ended_at: datetime
    duration_ms: int
    scope: str | None
    rules: list[str] = strawberry.field(description="the rules it ran")
    skipped: list[str] = strawberry.field(description="rules it did not run")
    violations: int
    opened: int
    reopened: int
    resolved: int
    lapsed: int
    still_open: int
    waived: int
    per_rule: list[AuditRuleResult] | None = strawberry.field(
        description="per rule: in runAudit's answer only (a stored run keeps its totals)"
    )


def stored_run_type(p: dict[str, Any]) -> AuditRunType:
    """A run as stored (its properties)."""
    return AuditRunType(
        id=p["id"], kind=p.get("kind") or "rules", actor=p["actor"], reason=p.get("reason"),
        started_at=p["started_at"], ended_at=p.get("ended_at") or p["started_at"],
        duration_ms=int(p["duration_ms"]), scope=p.get("scope"),
        rules=list(p.get("rules") or []), skipped=list(p.get("skipped") or []),
        **{name: int(p.get(name) or 0) for name in COUNTS}, per_rule=None,
    )  # fmt: skip


def run_type(run: AuditRun, reason: str | None) -> AuditRunType:
    """A run as it just ran, with its counts per rule."""
    per_rule = [
        AuditRuleResult(rule=r.rule.id, severity=r.rule.severity, title=r.rule.title,
                        skipped=r.skipped, **{n: r.counts.get(n, 0) for n in COUNTS})
        for r in run.results
    ]  # fmt: skip
    stored = stored_run_type({**run.props(), "reason": reason})
    stored.per_rule = per_rule
    return stored


@strawberry.type
class AuditRunEdge:
    cursor: str
    node: AuditRunType


@strawberry.type
class AuditRunConnection:
    total_count: int
    edges: list[AuditRunEdge]
    page_info: PageInfo


@strawberry.type(description="A row of the upload refused, or imported with a part left out.")
class RegisterRowProblem:
    file: str
    sheet: str
    row: int
    column: str = strawberry.field(description='e.g. "C (型号)"; empty for the row as a whole')
    reason: str
    message: str


@strawberry.type(description="What a register upload imported (or would, in a dry run).")
class RegisterImport:
    file: str
    sheet: str
    dry_run: bool
    rows_imported: int
    rows_refused: int
    rows_skipped: int = strawberry.field(description="blank and subtotal rows")
    created: int
    updated: int
    unchanged: int
    links_opened: int
    links_pending: int
    change_set_id: str | None = strawberry.field(description="null: a dry run, or no change")
    refused: list[RegisterRowProblem] = strawberry.field(description="bad rows, skipped")
    notes: list[RegisterRowProblem] = strawberry.field(description="imported, part left out")
    changes: JSON = strawberry.field(description="a dry run's changes (the first 200)")


def register_import(report: ImportReport, file: str, dry_run: bool) -> RegisterImport:
    """The report, its rows naming the uploaded file (not where the server kept it)."""

    def row(p: Any) -> RegisterRowProblem:
        named = type(p)(file, p.sheet, p.row, p.column, p.reason)
        return RegisterRowProblem(file=file, sheet=p.sheet, row=p.row, column=p.column,
                                  reason=p.reason, message=named.message())  # fmt: skip

    return RegisterImport(
        file=file, sheet=report.sheet, dry_run=dry_run, rows_imported=len(report.imported),
        rows_refused=len(report.problems), rows_skipped=len(report.skipped),
        created=report.created, updated=report.updated, unchanged=report.unchanged,
        links_opened=report.links_opened, links_pending=report.links_pending,
        change_set_id=None if dry_run else report.changeset_id,
        refused=[row(p) for p in report.problems], notes=[row(p) for p in report.notes],
        changes=cast(JSON, json.loads(json.dumps(report.diff[:200] if dry_run else [],
                                                 default=str))),
    )  # fmt: skip
