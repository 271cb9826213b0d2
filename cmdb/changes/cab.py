"""The CAB's rules for deciding on a change request, pure: who may decide (separation of
duties), how many distinct reviewers' approvals a request needs, which approvals count.

- Whoever requested, implements or created a request may not approve or reject it
  (`changes.self_approval: true` in cmdb.yaml lets a one-person lab do so).
- A request of a category needs `changes.approvals_required` approvals (default 1 each)
  from distinct reviewers: until then an approval is recorded and the request stays where
  it is; the last one moves it (assessed -> approved) or, for an emergency change decided
  after the fact, marks it decided. One reviewer approves once; any rejection rejects.
- Approvals count from the latest assessment on: assessing again (the impact changed)
  clears the approvals given before it, which stay in the record as cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cmdb.changes.model import ChangeRequest, Transition
from cmdb.changes.states import Action, Category, ChangeRequestError, Move, move
from cmdb.config import ApprovalsRequired, ChangesConfig


@dataclass(frozen=True)
class CabPolicy:
    self_approval: bool = False
    approvals_required: ApprovalsRequired = field(default_factory=ApprovalsRequired)

    @classmethod
    def of(cls, changes: ChangesConfig) -> CabPolicy:
        return cls(changes.self_approval, changes.approvals_required)

    def required(self, category: Category) -> int:
        count: int = getattr(self.approvals_required, category.value)
        return count


@dataclass(frozen=True)
class Decision:
    """What one approval or rejection does: the move (its target the state the request
    stays in while approvals are missing) and whether it settles the CAB's decision."""

    move: Move
    final: bool


def current_approvals(cr: ChangeRequest) -> tuple[Transition, ...]:
    """The approvals that count: those given since the latest assessment."""
    last_assess = max((t.seq for t in cr.transitions if t.action == Action.ASSESS), default=0)
    return tuple(t for t in cr.approvals if t.seq > last_assess)


def is_cleared(cr: ChangeRequest, approval: Transition) -> bool:
    """An approval given before the request was assessed again: it no longer counts."""
    return approval.action == Action.APPROVE and approval not in current_approvals(cr)


def remaining(cr: ChangeRequest, policy: CabPolicy) -> int:
    """Approvals still missing (0 once the CAB has decided, either way)."""
    if cr.decided:
        return 0
    return max(0, policy.required(cr.category) - len(current_approvals(cr)))


def decide(cr: ChangeRequest, action: Action, actor: str, policy: CabPolicy) -> Decision:
    """The decision `actor` takes by `action` (approve or reject), or ChangeRequestError:
    the state allows no decision, the actor has a part in the request, or approved it
    already."""
    step = move(cr.id, action, cr.state, cr.category, cr.decided)
    _check_duties(cr, actor, policy)
    if action is Action.REJECT:
        return Decision(step, final=True)
    given = current_approvals(cr)
    earlier = next((t for t in given if _same(t.actor, actor)), None)
    if earlier is not None:
        raise ChangeRequestError(
            f"{earlier.actor} approved {cr.id} already: it needs "
            f"{policy.required(cr.category)} approvals from distinct reviewers "
            f"({len(given)} so far)"
        )
    if len(given) + 1 >= policy.required(cr.category):
        return Decision(step, final=True)
    return Decision(replace(step, to_state=step.from_state), final=False)


def cleared_note(cr: ChangeRequest) -> str | None:
    """What assessing `cr` again clears, for the assessment's record (None: nothing)."""
    given = current_approvals(cr)
    if not given:
        return None
    names = ", ".join(t.actor for t in given)
    return f"assessed again, the impact may have changed: approvals cleared ({names})"


def _check_duties(cr: ChangeRequest, actor: str, policy: CabPolicy) -> None:
    if policy.self_approval:
        return
    created_by = next((t.actor for t in cr.transitions if t.action == "create"), None)
    for part, who in (("requested", cr.requester), ("implements", cr.implementer),
                      ("created", created_by)):  # fmt: skip
        if who is not None and _same(who, actor):
            raise ChangeRequestError(
                f"{actor} {part} {cr.id} and may not decide on it "
                "(changes.self_approval is off: another reviewer decides)"
            )


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()
