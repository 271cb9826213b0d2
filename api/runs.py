"""Discovery runs over GraphQL: the runs of a job (newest first, paged), one run with its
coverage and per-target failures, the duplicate identities runs met (two targets that
answer as one device) and the identification conflicts ingest recorded. The reads are
cmdb.runs' plans."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.scalars import JSON
from strawberry.types import Info

from api.arguments import decode_cursor, encode_cursor, page_size, plain, text
from api.context import RequestContext
from api.parts import ApiPart
from api.permissions import needs
from cmdb.runs import DiscoveryRun, conflicts_plan, run_plan, runs_plan

DUPLICATE = "duplicate_identity"  # the failure kind discovery records for a duplicate


@strawberry.type(description="A target that failed in a run, by protocol.")
class TargetFailure:
    target: str
    protocol: str
    kind: str = strawberry.field(description="timeout, auth_failed, duplicate_identity, ...")
    message: str
    command: str | None


@strawberry.type(description="What one protocol covered of one target.")
class TargetCoverage:
    target: str
    protocol: str
    status: str | None
    tables: JSON | None = strawberry.field(description="Table name -> status.")


@strawberry.type(name="DiscoveryRun", description="One run of a discovery job.")
class DiscoveryRunType:
    id: str
    job: str
    status: str = strawberry.field(description="completed, or interrupted")
    started_at: datetime
    finished_at: datetime
    targets: int
    reached: int | None
    answered: int
    failed: int
    site: str | None = strawberry.field(
        description="The remote site whose collector ran it; null for a run at the centre."
    )
    failures: list[TargetFailure]
    coverage: list[TargetCoverage]
    cursor: str


@strawberry.type
class DiscoveryRunPage:
    runs: list[DiscoveryRunType]
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A failure of kind duplicate_identity, with its run.")
class DuplicateIdentity:
    run_id: str
    job: str
    at: datetime
    target: str
    protocol: str
    message: str


@strawberry.type(description="One fact's identifiers found several CIs; ingest chose one.")
class IdentificationConflict:
    key: str
    class_name: str
    uids: list[str]
    chosen: str
    identifiers: JSON
    status: str
    first_detected: datetime
    last_detected: datetime
    change_set_id: str | None


def _run(run: DiscoveryRun) -> DiscoveryRunType:
    return DiscoveryRunType(
        id=run.id, job=run.job, status=run.status, started_at=run.started_at,
        finished_at=run.finished_at, targets=run.targets, reached=run.reached,
        answered=run.answered, failed=run.failed, site=run.site,
        failures=[TargetFailure(target=f.target, protocol=f.protocol, kind=f.kind,
                                message=f.message, command=f.command) for f in run.failures],
        coverage=[TargetCoverage(target=target, protocol=protocol, status=seen.get("status"),
                                 tables=plain(seen.get("tables")))
                  for target, protocols in sorted(run.coverage.items())
                  for protocol, seen in sorted(protocols.items())],
        cursor=encode_cursor(run.started_at, run.id),
    )  # fmt: skip


READ: list[FieldExtension] = [needs("read")]


@strawberry.type
class RunsQuery:
    @strawberry.field(
        extensions=READ, description="Discovery runs, newest first (of one job when given)."
    )
    async def discovery_runs(
        self,
        info: Info[RequestContext, None],
        job: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> DiscoveryRunPage:
        size = page_size(info.context.config, first)
        cursor = decode_cursor("after", after)
        runs = await info.context.db.run_plan(runs_plan(text("job", job), size + 1, cursor))
        shown = [_run(r) for r in runs[:size]]
        return DiscoveryRunPage(
            runs=shown,
            has_next_page=len(runs) > size,
            end_cursor=shown[-1].cursor if shown else None,
        )

    @strawberry.field(
        extensions=READ, description="One discovery run by id (null when there is none)."
    )
    async def discovery_run(
        self, info: Info[RequestContext, None], id: str
    ) -> DiscoveryRunType | None:
        run = await info.context.db.run_plan(run_plan(text("id", id) or ""))
        return _run(run) if run is not None else None

    @strawberry.field(
        extensions=READ,
        description="Duplicate identities of the newest `runs` runs (of one job): targets"
        " that answered as a device another target owns; newest first.",
    )
    async def duplicate_identities(
        self, info: Info[RequestContext, None], job: str | None = None, runs: int = 20
    ) -> list[DuplicateIdentity]:
        size = page_size(info.context.config, runs)
        found = await info.context.db.run_plan(runs_plan(text("job", job), size))
        return [
            DuplicateIdentity(run_id=r.id, job=r.job, at=r.started_at, target=f.target,
                              protocol=f.protocol, message=f.message)
            for r in found for f in r.failures if f.kind == DUPLICATE
        ]  # fmt: skip

    @strawberry.field(
        extensions=READ,
        description="Identification conflicts (status open, or all when null), newest first.",
    )
    async def identification_conflicts(
        self, info: Info[RequestContext, None], status: str | None = "open", first: int = 100
    ) -> list[IdentificationConflict]:
        size = page_size(info.context.config, first)
        found = await info.context.db.run_plan(conflicts_plan(text("status", status), size))
        return [
            IdentificationConflict(
                key=c.key, class_name=c.class_name, uids=c.uids, chosen=c.chosen,
                identifiers=plain(c.identifiers), status=c.status, first_detected=c.first_detected,
                last_detected=c.last_detected, change_set_id=c.changeset,
            )
            for c in found
        ]  # fmt: skip


PART = ApiPart(query=RunsQuery)
