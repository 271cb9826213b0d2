"""The GraphQL types of change requests (api/changes.py resolves them): the request with
its affected CIs, transitions, CAB decisions (and the approvals still missing, as
cmdb.yaml's `changes:` has it), assessment and change sets."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import RequestContext
from api.paging import PageInfo
from cmdb.changes import model
from cmdb.changes.cab import CabPolicy, is_cleared, remaining
from cmdb.changes.states import Category, State, allowed
from cmdb.changes.store import change_sets

# the core's enums as GraphQL enums (strawberry.enum registers the class itself)
strawberry.enum(State, name="ChangeState")
strawberry.enum(Category, name="ChangeCategory")


@strawberry.enum(description="How the assessment takes the affected CIs out.")
class AssessmentMode(Enum):
    MAINTENANCE = "MAINTENANCE"
    DOWN = "DOWN"


@strawberry.type(description="A CI a change request names or shares with another.")
class ChangeCI:  # cmdb.changes.model.AffectedRef's fields
    uid: str
    name: str | None
    class_name: str


@strawberry.type(description="One recorded step: creation, an edit of the draft, an action.")
class ChangeTransition:  # cmdb.changes.model.Transition's fields
    seq: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    comment: str | None
    after_the_fact: bool


@strawberry.type(description="A CAB decision: who approved or rejected, when, why.")
class ChangeDecision:
    approver: str
    decision: str
    at: datetime
    comment: str | None
    after_the_fact: bool = strawberry.field(
        description="an emergency change decided while it ran or after it ended"
    )
    cleared: bool = strawberry.field(
        description="an approval given before the request was assessed again: no longer counts"
    )


@strawberry.type(description="The stored impact snapshot and the risk graded from it.")
class ChangeAssessment:
    computed_at: datetime
    mode: str
    risk: str = strawberry.field(description="low, medium, high or critical")
    reasons: list[str]
    inside_maintenance_window: bool
    impact: JSON = strawberry.field(description="the impact analysis as computed then")


@strawberry.type(
    description="Planned against observed after the window closed (`cmdb audit changes`)."
)
class ChangeVerification:
    verified_at: datetime
    as_planned: int = strawberry.field(description="changes on the CIs it named")
    unplanned_extras: int = strawberry.field(
        description="changes in its window on CIs it did not name, no other request covers"
    )
    not_observed: list[str] = strawberry.field(description="uids it named with no change")
    changes: JSON = strawberry.field(description="the changes of both lists, as observed")


@strawberry.type(description="A change set written under the request (its history).")
class ChangeRequestChangeSet:
    id: str
    at: datetime
    source: str
    actor: str
    reason: str | None


@strawberry.type(name="ChangeRequest")
class ChangeRequestType:
    id: str
    title: str
    description: str
    category: Category
    state: State
    window_start: datetime
    window_end: datetime
    requester: str | None
    implementer: str | None
    created_at: datetime
    updated_at: datetime
    affected_cis: list[ChangeCI]
    transitions: list[ChangeTransition]
    approvals: list[ChangeDecision] = strawberry.field(
        description="the CAB's decisions, oldest first: every approval (each of a distinct "
        "reviewer) and a rejection"
    )
    approved_after_the_fact: bool
    assessment: ChangeAssessment | None
    verification: ChangeVerification | None
    allowed_actions: list[str] = strawberry.field(description="what the state allows next")
    request: strawberry.Private[model.ChangeRequest]

    @strawberry.field(
        description="approvals of distinct reviewers its category needs "
        "(cmdb.yaml changes.approvals_required)"
    )
    def approvals_required(self, info: Info[RequestContext, None]) -> int:
        return CabPolicy.of(info.context.config.changes).required(self.category)

    @strawberry.field(description="approvals still missing; 0 once the CAB has decided")
    def approvals_remaining(self, info: Info[RequestContext, None]) -> int:
        return remaining(self.request, CabPolicy.of(info.context.config.changes))

    @strawberry.field(description="The change sets written under this request, oldest first.")
    async def change_sets(self, info: Info[RequestContext, None]) -> list[ChangeRequestChangeSet]:
        async def load(ids: list[str]) -> list[list[dict[str, Any]]]:
            found = await info.context.db.run_plan(change_sets(ids))
            return [found[i] for i in ids]

        loader: DataLoader[str, list[dict[str, Any]]] = info.context.loader(
            "change_request_change_sets", lambda: DataLoader(load_fn=load)
        )
        return [
            ChangeRequestChangeSet(
                id=cs["id"], at=cs["at"], source=cs["source"], actor=cs["actor"],
                reason=cs.get("reason"))
            for cs in await loader.load(self.id)
        ]  # fmt: skip


@strawberry.type
class ChangeRequestEdge:
    cursor: str
    node: ChangeRequestType


@strawberry.type
class ChangeRequestConnection:
    total_count: int
    edges: list[ChangeRequestEdge]
    page_info: PageInfo


@strawberry.type(description="Another approved or running change that collides with this one.")
class ChangeConflict:
    change_request: ChangeRequestType
    shared_cis: list[ChangeCI]
    shared_business_services: list[str]


def request_type(cr: model.ChangeRequest) -> ChangeRequestType:
    a = cr.assessment
    return ChangeRequestType(
        id=cr.id,
        title=cr.title,
        description=cr.description,
        category=cr.category,
        state=cr.state,
        window_start=cr.window_start,
        window_end=cr.window_end,
        requester=cr.requester,
        implementer=cr.implementer,
        created_at=cr.created_at,
        updated_at=cr.updated_at,
        affected_cis=[ci_type(r) for r in cr.affected],
        transitions=[ChangeTransition(**vars(t)) for t in cr.transitions],
        approvals=[
            ChangeDecision(
                approver=t.actor,
                decision=t.action,
                at=t.at,
                comment=t.comment,
                after_the_fact=t.after_the_fact,
                cleared=is_cleared(cr, t),
            )
            for t in cr.decisions
        ],
        approved_after_the_fact=cr.approved_after_the_fact,
        assessment=None
        if a is None
        else ChangeAssessment(
            computed_at=a.computed_at,
            mode=a.mode,
            risk=a.risk,
            reasons=list(a.reasons),
            inside_maintenance_window=a.in_window,
            impact=cast(JSON, a.impact),
        ),
        verification=_verification(cr.verification),
        allowed_actions=[str(x) for x in allowed(cr.state, cr.category, cr.decided)],
        request=cr,
    )


def ci_type(ref: model.AffectedRef) -> ChangeCI:
    return ChangeCI(**vars(ref))


def _verification(v: model.Verification | None) -> ChangeVerification | None:
    if v is None:
        return None
    return ChangeVerification(verified_at=v.verified_at, as_planned=v.as_planned,
                              unplanned_extras=v.extras, not_observed=list(v.not_observed),
                              changes=cast(JSON, v.changes))  # fmt: skip
