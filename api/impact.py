"""Impact analysis over GraphQL: `impact(cis, mode, asOf, maxDepth)`, `dependencies(ci)`
and `path(source, target, asOf)`, each running the same plan as `cmdb impact`
(cmdb/impact/) through the request's counted Db. Needs the `read` permission."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, TypeVar, cast

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.context import RequestContext
from api.parts import ApiPart
from api.permissions import needs
from cmdb import impact as core
from cmdb.errors import AmbiguousError, NotFoundError
from cmdb.impact.model import ImpactError, StateCounts
from cmdb.queries.impact import MAX_DEPTH
from cmdb.queryplan import Plan

T = TypeVar("T")
Ctx = Info[RequestContext, None]
MAX_CIS = 1000  # failed CIs in one question


@strawberry.enum(description="DOWN: the CIs fail. MAINTENANCE: taken out of service for a change.")
class ImpactMode(Enum):
    DOWN = "DOWN"
    MAINTENANCE = "MAINTENANCE"


@strawberry.enum(description="DOWN: it fails. DEGRADED: redundancy lost, still served.")
class ImpactState(Enum):
    DOWN = "DOWN"
    DEGRADED = "DEGRADED"


@strawberry.type(description="A CI on a path, and the link from it to the next CI.")
class ImpactPathStep:
    uid: str
    name: str | None
    class_name: str
    relationship: str | None = strawberry.field(description="to the next CI; null: the last")
    direction: str | None = strawberry.field(description="out: this CI is the link's source")


@strawberry.type
class ContractSla:
    uid: str
    name: str | None
    contract_number: str | None
    response_time_hours: float | None
    onsite_time_hours: float | None
    fix_time_hours: float | None
    end_date: date | None


@strawberry.type
class AffectedCI:
    uid: str
    name: str | None
    class_name: str
    state: ImpactState
    depth: int = strawberry.field(description="links from the failed CIs")
    paths: list[list[ImpactPathStep]] = strawberry.field(description="the shortest, at most 3")
    owners: list[str]
    support_teams: list[str]
    contracts: list[ContractSla]
    business_services: list[str]


@strawberry.type
class ImpactCount:
    name: str
    down: int
    degraded: int


@strawberry.type
class ImpactAnalysis:
    cis: list[str] = strawberry.field(description="the failed CIs' uids")
    mode: ImpactMode
    as_of: datetime | None
    max_depth: int
    computed_at: datetime
    affected: list[AffectedCI]
    by_class: list[ImpactCount]
    by_business_service: list[ImpactCount]
    by_owner: list[ImpactCount]


@strawberry.type
class DependencyType:
    uid: str
    name: str | None
    class_name: str
    depth: int
    path: list[ImpactPathStep]
    redundant: bool = strawberry.field(description="one of a redundancy group's members")


@strawberry.type
class Dependencies:
    uid: str
    name: str | None
    as_of: datetime | None
    needs: list[DependencyType]


def _steps(path: tuple[core.PathStep, ...]) -> list[ImpactPathStep]:
    """The core's steps as they are: ImpactPathStep's fields are a PathStep's attributes,
    and the type has no is_type_of, so GraphQL reads them from it (the ~5,000 steps of a
    large answer are not copied; tests/unit/api/test_impact_types.py keeps the two alike)."""
    return cast(list[ImpactPathStep], list(path))


def _counts(table: dict[str, StateCounts]) -> list[ImpactCount]:
    return [ImpactCount(name=k, down=v.down, degraded=v.degraded) for k, v in table.items()]


def _affected(ci: core.AffectedCI) -> AffectedCI:
    return AffectedCI(
        uid=ci.uid,
        name=ci.name,
        class_name=ci.class_name,
        state=ImpactState(ci.state),
        depth=ci.depth,
        paths=[_steps(p) for p in ci.paths],
        owners=list(ci.owners),
        support_teams=list(ci.support_teams),
        contracts=cast(list[ContractSla], list(ci.contracts)),  # as _steps: read as they are
        business_services=list(ci.business_services),
    )


def analysis(result: core.ImpactResult) -> ImpactAnalysis:
    request = result.request
    return ImpactAnalysis(
        cis=list(request.uids),
        mode=ImpactMode(request.mode.value),
        as_of=request.as_of,
        max_depth=request.max_depth,
        computed_at=result.computed_at,
        affected=[_affected(a) for a in result.affected],
        by_class=_counts(result.by_class),
        by_business_service=_counts(result.by_business_service),
        by_owner=_counts(result.by_owner),
    )


async def _run(info: Ctx, plan: Plan[T]) -> T:
    """The plan through the request's Db; a question that cannot be answered (an unknown
    or ambiguous CI) is one GraphQL error naming it."""
    try:
        return await info.context.db.run_plan(plan, offload=True)
    except (NotFoundError, AmbiguousError, ImpactError) as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None


def _settings(info: Ctx) -> core.ImpactSettings:
    ctx = info.context
    return core.ImpactSettings(ctx.model, ctx.config.impact, ctx.topologies)


def _utc(at: datetime | None) -> datetime | None:
    """A time without a zone is UTC (as the CLI's --as-of reads it)."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _depth(info: Ctx, depth: int | None) -> int:
    depth = info.context.config.impact.max_depth if depth is None else depth
    if not 1 <= depth <= MAX_DEPTH:
        raise GraphQLError(f"maxDepth must be from 1 to {MAX_DEPTH}, got {depth}",
                           extensions={"code": "BAD_USER_INPUT"})  # fmt: skip
    return depth


@strawberry.type
class ImpactQuery:
    @strawberry.field(
        extensions=[needs("read")],
        description="What fails or degrades when `cis` (uids or names) go down or into "
        "maintenance: network reachability and dependencies, as of `asOf` (default now).",
    )
    async def impact(
        self,
        info: Ctx,
        cis: list[str],
        mode: ImpactMode = ImpactMode.DOWN,
        as_of: datetime | None = None,
        max_depth: int | None = None,
    ) -> ImpactAnalysis:
        if not 1 <= len(cis) <= MAX_CIS:
            raise GraphQLError(f"cis: give 1 to {MAX_CIS} CIs, got {len(cis)}",
                               extensions={"code": "BAD_USER_INPUT"})  # fmt: skip
        request = core.ImpactRequest(
            tuple(cis), core.ImpactMode(mode.value), _utc(as_of), _depth(info, max_depth)
        )
        result = await _run(info, core.impact_plan(request, _settings(info)))
        return analysis(result)

    @strawberry.field(
        extensions=[needs("read")],
        description="What `ci` (uid or name) needs: the CIs whose failure would reach it.",
    )
    async def dependencies(
        self, info: Ctx, ci: str, as_of: datetime | None = None, max_depth: int | None = None
    ) -> Dependencies:
        as_of = _utc(as_of)
        plan = core.dependencies_plan(ci, _settings(info), as_of, _depth(info, max_depth))
        result = await _run(info, plan)
        needs_ = [
            DependencyType(uid=d.uid, name=d.name, class_name=d.class_name, depth=d.depth,
                           path=_steps(d.path), redundant=d.redundant)
            for d in result.needs
        ]  # fmt: skip
        return Dependencies(uid=result.uid, name=result.name, as_of=as_of, needs=needs_)

    @strawberry.field(
        extensions=[needs("read")],
        description="How two CIs (uids or names) are connected: one shortest path over the "
        "relationships failure travels along, as of `asOf`; empty when none.",
    )
    async def path(
        self,
        info: Ctx,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        as_of: datetime | None = None,
    ) -> list[ImpactPathStep]:
        plan = core.path_plan(from_, to, _settings(info), _utc(as_of))
        return _steps(await _run(info, plan))


PART = ApiPart(query=ImpactQuery)
