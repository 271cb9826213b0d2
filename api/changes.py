"""Change requests over GraphQL: `changeRequest(id)`, `changeRequests(state, first,
after)`, `conflicts(id)`, and the mutations that move a request through its life.
Engineers create, edit and carry out; reviewers assess, approve, reject and review
(cmdb.roles). Every mutation runs the operation the CLI runs (cmdb.changes.store and
.assess), here through the request's async Db; the actor is the token's name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.change_types import (
    AssessmentMode,
    ChangeConflict,
    ChangeRequestConnection,
    ChangeRequestEdge,
    ChangeRequestType,
    ci_type,
    request_type,
)
from api.context import RequestContext
from api.db import Db
from api.paging import BadArgument, PageInfo, decode_cursor, encode_cursor, page_size
from api.parts import ApiPart
from api.permissions import needs, viewer_of
from cmdb.changes import store
from cmdb.changes.assess import assess
from cmdb.changes.cab import CabPolicy
from cmdb.changes.model import MAX_AFFECTED, check_comment, check_draft
from cmdb.changes.states import Action, Category, ChangeRequestError, State
from cmdb.changes.steps import Operation, Write
from cmdb.changes.windows import configured_windows
from cmdb.errors import CMDBError
from cmdb.impact import ImpactMode, ImpactSettings

T = TypeVar("T")
V = TypeVar("V")
Ctx = Info[RequestContext, None]
CURSOR = "change_requests"


async def run(db: Db, operation: Operation[T]) -> T:
    """An operation's steps through the request's Db, each counted: reads read, writes
    write (one transaction each)."""
    try:
        step = next(operation)
        while True:
            rows = await (db.write if isinstance(step, Write) else db.read)(step.text, step.params)
            step = operation.send(rows)
    except StopIteration as stop:
        result: T = stop.value
        return result


async def _do(info: Ctx, operation: Operation[T]) -> T:
    """Run it; a refusal (bad field, wrong state, the impact analysis refusing the CIs) is
    one GraphQL error with its message."""
    try:
        return await run(info.context.db, operation)
    except (CMDBError, BadArgument) as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None


@strawberry.input
class ChangeRequestInput:
    title: str
    category: Category
    window_start: datetime
    window_end: datetime
    affected_cis: list[str] = strawberry.field(description="the CIs' uids")
    description: str = ""
    requester: str | None = strawberry.field(default=None, description="default: the token")
    implementer: str | None = None


@strawberry.input(description="The fields to change; those not given stay as they are.")
class ChangeRequestEdit:
    title: str | None = None
    category: Category | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    affected_cis: list[str] | None = None
    description: str | None = None
    requester: str | None = None
    implementer: str | None = None


@strawberry.type
class ChangeQuery:
    @strawberry.field(extensions=[needs("read")], description="A change request by its id.")
    async def change_request(self, info: Ctx, id: str) -> ChangeRequestType | None:
        found = await _do(info, store.read([id]))
        return request_type(found[0]) if found else None

    @strawberry.field(extensions=[needs("read")], description="Change requests, newest first.")
    async def change_requests(
        self,
        info: Ctx,
        state: State | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ChangeRequestConnection:
        try:
            size = page_size(info.context, first)
            cursor = decode_cursor(CURSOR, after)
        except BadArgument as exc:
            raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None
        page = await _do(info, store.page(state, size, str(cursor) if cursor else None))
        edges = [ChangeRequestEdge(cursor=encode_cursor(CURSOR, cr.id), node=request_type(cr))
                 for cr in page.items]  # fmt: skip
        return ChangeRequestConnection(
            total_count=page.total,
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        extensions=[needs("read")],
        description="Approved or running changes whose windows overlap this one's and whose "
        "impact touches the same CIs or business services, with what they share.",
    )
    async def conflicts(self, info: Ctx, id: str) -> list[ChangeConflict]:
        found = await _do(info, store.conflicts(id))
        return [
            ChangeConflict(
                change_request=request_type(c.request),
                shared_cis=[ci_type(r) for r in c.shared],
                shared_business_services=list(c.shared_services),
            )
            for c in found
        ]


def _now() -> datetime:
    return datetime.now(UTC)


async def _act(info: Ctx, id: str, action: Action, comment: str | None) -> ChangeRequestType:
    actor = viewer_of(info).name
    policy = CabPolicy.of(info.context.config.changes)
    return request_type(
        await _do(info, store.act(id, action, actor, _now(), comment, policy=policy))
    )


@strawberry.type
class ChangeMutation:
    @strawberry.mutation(extensions=[needs("request_changes")])
    async def create_change_request(
        self, info: Ctx, input: ChangeRequestInput, comment: str | None = None
    ) -> ChangeRequestType:
        actor = viewer_of(info).name
        try:
            draft = check_draft(
                input.title, input.category.value, input.window_start, input.window_end,
                _uids(input.affected_cis), input.description, input.requester or actor,
                input.implementer)  # fmt: skip
        except ChangeRequestError as exc:
            raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None
        new_id = await _do(info, store.create(draft, actor, _now(), comment))
        return request_type(await _do(info, store.read_one(new_id)))

    @strawberry.mutation(
        extensions=[needs("request_changes")], description="Edit a draft (only a draft)."
    )
    async def update_change_request(
        self, info: Ctx, id: str, input: ChangeRequestEdit, comment: str | None = None
    ) -> ChangeRequestType:
        actor = viewer_of(info).name
        current = await _do(info, store.read_one(id))
        edit = input
        try:
            draft = check_draft(
                title=_given(edit.title, current.title),
                category=(edit.category or current.category).value,
                window_start=_given(edit.window_start, current.window_start),
                window_end=_given(edit.window_end, current.window_end),
                affected=_given(edit.affected_cis, [a.uid for a in current.affected]),
                description=_given(edit.description, current.description),
                requester=_given(edit.requester, current.requester),
                implementer=_given(edit.implementer, current.implementer),
            )
            check_comment(comment)
        except ChangeRequestError as exc:
            raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None
        affected = draft.affected if edit.affected_cis is not None else None
        updated = await _do(info, store.update(id, draft.props(), affected, actor, _now(), comment))
        return request_type(updated)

    @strawberry.mutation(
        extensions=[needs("assess_changes")],
        description="Compute and store the impact snapshot and the risk grade.",
    )
    async def assess_change_request(
        self,
        info: Ctx,
        id: str,
        mode: AssessmentMode = AssessmentMode.MAINTENANCE,
        comment: str | None = None,
    ) -> ChangeRequestType:
        ctx = info.context
        settings = ImpactSettings(ctx.model, ctx.config.impact, ctx.topologies)
        windows = configured_windows(ctx.config.changes.maintenance_windows)
        op = assess(id, ImpactMode(mode.value), settings, windows, viewer_of(info).name, _now(),
                    comment)  # fmt: skip
        return request_type(await _do(info, op))

    @strawberry.mutation(
        extensions=[needs("approve_changes")],
        description="One reviewer's approval: the request moves on once the approvals its "
        "category needs are in, each of a distinct reviewer who neither requested, implements "
        "nor created it (cmdb.yaml changes.approvals_required, changes.self_approval).",
    )
    async def approve_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.APPROVE, comment)

    @strawberry.mutation(
        extensions=[needs("approve_changes")],
        description="One reviewer's rejection rejects the request (the same separation of "
        "duties as an approval).",
    )
    async def reject_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.REJECT, comment)

    @strawberry.mutation(extensions=[needs("request_changes")])
    async def start_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.START, comment)

    @strawberry.mutation(extensions=[needs("request_changes")])
    async def complete_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.COMPLETE, comment)

    @strawberry.mutation(extensions=[needs("request_changes")])
    async def fail_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.FAIL, comment)

    @strawberry.mutation(
        extensions=[needs("approve_changes")], description="The post-implementation review."
    )
    async def review_change_request(
        self, info: Ctx, id: str, comment: str | None = None
    ) -> ChangeRequestType:
        return await _act(info, id, Action.REVIEW, comment)


def _given(value: V | None, current: V) -> V:
    return current if value is None else value


def _uids(uids: list[str]) -> list[str]:
    if len(uids) > MAX_AFFECTED:
        raise GraphQLError(f"affectedCis: at most {MAX_AFFECTED} CIs, got {len(uids)}",
                           extensions={"code": "BAD_USER_INPUT"})  # fmt: skip
    return uids


PART = ApiPart(query=ChangeQuery, mutation=ChangeMutation)
