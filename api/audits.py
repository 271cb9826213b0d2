"""Audits over GraphQL, the reads: `auditRuns(first, after)` (newest first, with
totalCount) and `findings(filter, first, after)` (in id order, with totalCount and the
filter's counts by severity and status; each finding with its CI, evidence, waivers and
history). Both need `read`; the mutations (api/audit_mutations.py) need `run_audits`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.arguments import bad, text
from api.audit_mutations import AuditMutation
from api.audit_types import (
    AuditRunConnection,
    AuditRunEdge,
    FindingConnection,
    FindingCount,
    FindingEdge,
    FindingFilter,
    FindingTotals,
    finding_type,
    stored_run_type,
)
from api.context import RequestContext
from api.paging import BadArgument, PageInfo, decode_cursor, encode_cursor, page_size
from api.parts import ApiPart
from api.permissions import needs
from audits import review
from audits.findings import ACTIVE, Finding, Status
from audits.rulefile import SEVERITIES
from cmdb.properties import native
from cmdb.queries import finding_lists as q
from cmdb.queryplan import Plan, Query

Ctx = Info[RequestContext, None]
FINDINGS = "findings"
RUNS = "audit_runs"


@dataclass(frozen=True)
class FindingPage:
    items: list[Finding]
    has_next: bool
    total: int
    by_severity: dict[str, int]
    by_status: dict[str, int]


def findings_page(params: dict[str, Any], first: int, after: str) -> Plan[FindingPage]:
    """A page of the filter's findings (`params`: statuses, severities, rule, class, uid)
    after the id `after`, and its counts."""
    of_ci = params["uid"] is not None
    totals = yield Query(q.FINDING_TOTALS_OF_CI if of_ci else q.FINDING_TOTALS, params)
    page = q.FINDING_PAGE_OF_CI if of_ci else q.FINDING_PAGE
    rows = yield Query(page, {**params, "after": after, "limit": first + 1})
    ids = [r["id"] for r in rows]
    items = yield from review.read(ids[:first])
    by_severity: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for r in totals:
        by_severity[r["severity"]] = by_severity.get(r["severity"], 0) + r["n"]
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
    return FindingPage(items, len(ids) > first, sum(by_status.values()), by_severity, by_status)


def runs_page(first: int, after: tuple[datetime, str] | None) -> Plan[tuple[list[Any], int]]:
    """A page of audit runs (their properties) newest first, and how many there are."""
    counted = yield Query(q.AUDIT_RUN_COUNT, {})
    if after is None:
        rows = yield Query(q.AUDIT_RUN_FIRST, {"limit": first + 1})
    else:
        rows = yield Query(q.AUDIT_RUN_AFTER, {"at": after[0], "id": after[1], "limit": first + 1})
    runs = [{k: native(v) for k, v in r["p"].items()} for r in rows]
    return runs, int(counted[0]["n"]) if counted else 0


def filter_params(ctx: RequestContext, given: FindingFilter | None) -> dict[str, Any]:
    """The filter as the reads' parameters, each bad part one error naming it."""
    f = given or FindingFilter()
    severities = list(SEVERITIES) if f.severity is None else f.severity
    bad_severity = [s for s in severities if s not in SEVERITIES]
    if bad_severity:
        raise bad("filter.severity", f"{bad_severity[0][:40]!r} is none of {', '.join(SEVERITIES)}")
    if f.class_ is not None and f.class_ not in ctx.model.classes:
        raise bad("filter.class", f"{f.class_[:60]!r} is no class of the schema")
    statuses = list(ACTIVE) if f.status is None else f.status
    return {
        "statuses": [Status(s).value for s in statuses],
        "severities": severities,
        "rule": text("filter.rule", f.rule),
        "class": f.class_,
        "uid": text("filter.ciUid", f.ci_uid),
    }


def _counts(found: dict[str, int], order: list[str]) -> list[FindingCount]:
    return [FindingCount(key=k, count=found[k]) for k in order if found.get(k)]


def _page_args(
    ctx: RequestContext, kind: str, first: int | None, after: str | None
) -> tuple[int, Any]:
    try:
        return page_size(ctx, first), decode_cursor(kind, after)
    except BadArgument as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=[needs("read")],
        description="Findings of a filter in id order (default: open and acknowledged), with "
        "their count and the filter's counts by severity and status.",
    )
    async def findings(
        self,
        info: Ctx,
        filter: FindingFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> FindingConnection:
        size, cursor = _page_args(info.context, FINDINGS, first, after)
        params = filter_params(info.context, filter)
        if cursor is not None and not isinstance(cursor, str):
            raise bad("after", "not a cursor of this list (take one from endCursor)")
        page = await info.context.db.run_plan(findings_page(params, size, cursor or ""))
        edges = [FindingEdge(cursor=encode_cursor(FINDINGS, f.id), node=finding_type(f))
                 for f in page.items]  # fmt: skip
        return FindingConnection(
            total_count=page.total,
            totals=FindingTotals(
                by_severity=_counts(page.by_severity, list(SEVERITIES)),
                by_status=_counts(page.by_status, [s.value for s in Status]),
            ),
            edges=edges,
            page_info=_info(edges, page.has_next, after),
        )

    @strawberry.field(extensions=[needs("read")], description="Audit runs, newest first.")
    async def audit_runs(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> AuditRunConnection:
        size, cursor = _page_args(info.context, RUNS, first, after)
        position = None
        if cursor is not None:
            try:
                at, run_id = cursor
                position = (datetime.fromisoformat(at), str(run_id))
            except (TypeError, ValueError):
                raise bad("after", "not a cursor of this list (take one from endCursor)") from None
        runs, total = await info.context.db.run_plan(runs_page(size, position))
        edges = [
            AuditRunEdge(cursor=encode_cursor(RUNS, [r["started_at"].isoformat(), r["id"]]),
                         node=stored_run_type(r))
            for r in runs[:size]
        ]  # fmt: skip
        return AuditRunConnection(
            total_count=total, edges=edges, page_info=_info(edges, len(runs) > size, after)
        )


def _info(edges: list[Any], has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )


PART = ApiPart(query=AuditQuery, mutation=AuditMutation)
